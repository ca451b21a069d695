"""Stage `evaluate`: walk-forward metrics, predictions, plot data and dvclive summary."""
from __future__ import annotations

import argparse
import logging
import shutil
import time
from pathlib import Path

import pandas as pd

from src import artifacts
from src.config import load_params, seasons_config
from src.evaluation.config import evaluation_config
from src.evaluation.evaluate import evaluate
from src.evaluation.plot_data import PLOTS_DIR, plot_tables
from src.inference.config import simulation_config
from src.utils.cli import stage_main
from src.utils.io import atomic_path, read_input, write_json, write_parquet

log = logging.getLogger("stages.evaluate")

TEAMS = artifacts.TEAM_SEASONS.path
SERIES = artifacts.PLAYOFF_SERIES.path
SCORES = artifacts.SCORES.path
METRICS = Path("metrics/eval.json")
REPORT = Path("reports/eval_report.json")
PREDICTIONS = artifacts.PREDICTIONS.path
DVCLIVE_DIR = Path("dvclive/evaluate")


def run(args: argparse.Namespace) -> list[Path]:
    params = load_params(args.params)
    started = time.perf_counter()
    scores = pd.read_parquet(SCORES) if SCORES.exists() else None
    if scores is None:
        log.warning("%s not found: baselines only", SCORES)
    teams, cfg = read_input(TEAMS, "ingest"), evaluation_config(params)
    result = evaluate(teams, read_input(SERIES, "ingest"), scores, seasons_config(params),
                      simulation_config(params), cfg)
    written = [write_json(result.metrics, METRICS), write_json(result.report, REPORT),
               write_parquet(result.predictions, PREDICTIONS)]
    if PLOTS_DIR.exists():
        shutil.rmtree(PLOTS_DIR)                  # stale files of a model no longer enabled
    for path, table in plot_tables(result, teams, cfg.ece_bins, cfg.plot_top_teams).items():
        with atomic_path(path) as tmp:
            table.to_csv(tmp, index=False)
        written.append(path)
    written.append(_log_dvclive(result.metrics))
    log.info("evaluate took %.1f s", time.perf_counter() - started)
    return written


def _log_dvclive(metrics: dict[str, float]) -> Path:
    from dvclive import Live
    with Live(str(DVCLIVE_DIR), dvcyaml=False, save_dvc_exp=False, report=None) as live:
        for name, value in metrics.items():
            live.log_metric(name.replace(".", "/"), value, plot=False)
    return DVCLIVE_DIR


if __name__ == "__main__":
    stage_main("evaluate", run)
