"""Stage `evaluate`: walk-forward metrics, predictions, plot data and the headline metrics."""
from __future__ import annotations

import argparse
import logging
import shutil
import time
from pathlib import Path

import pandas as pd

from src.config import load_params, seasons_config
from src.evaluation.config import evaluation_config
from src.evaluation.evaluate import evaluate
from src.evaluation.headline import HEADLINE_FILE, headline_metrics
from src.evaluation.plot_data import PLOTS_DIR, plot_tables
from src.inference.config import simulation_config
from src.utils.cli import stage_main
from src.utils.io import atomic_path, read_input, write_json, write_parquet

log = logging.getLogger("stages.evaluate")

TEAMS = Path("data/interim/team_seasons.parquet")
SERIES = Path("data/interim/playoff_series.parquet")
SCORES = Path("data/processed/scores.parquet")
METRICS = Path("metrics/eval.json")
REPORT = Path("reports/eval_report.json")
PREDICTIONS = Path("data/processed/predictions.parquet")


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
    written.append(write_json(headline_metrics(result.metrics), HEADLINE_FILE))
    log.info("evaluate took %.1f s", time.perf_counter() - started)
    return written


if __name__ == "__main__":
    stage_main("evaluate", run)
