"""Stage `evaluate`: walk-forward metrics, predictions, plot data and the headline metrics."""
from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

import pandas as pd

from src import artifacts
from src.config import data_config, load_params, seasons_config
from src.evaluation.config import evaluation_config
from src.evaluation import title_daily
from src.evaluation.evaluate import evaluate
from src.evaluation.headline import HEADLINE_FILE, headline_metrics
from src.evaluation.availability_games import AvailabilityInputs
from src.evaluation.record_asof import RecordInputs
from src.evaluation.plot_data import PLOTS_DIR, plot_tables
from src.data.playoff_games import playoff_games
from src.models.registry import ENSEMBLE_NAME
from src.models.stacker.fitted import ENSEMBLE
from src.odds.config import game_model, simulation_config
from src.odds.fits import ensemble_fits
from src.odds.playoff_update import playoff_update_config
from src.odds.playoff_record import playoff_record_config, roster_shares
from src.features.config import roster_config
from src.utils.cli import stage_main
from src.utils.parallel import local_jobs, warm_up
from src.utils.io import atomic_dir, read_input, write_json, write_parquet

log = logging.getLogger("stages.evaluate")

TEAMS = artifacts.TEAM_SEASONS.path
SERIES = artifacts.PLAYOFF_SERIES.path
SCORES = artifacts.SCORES.path
METRICS = artifacts.EVAL_METRICS.path
REPORT = artifacts.EVAL_REPORT.path
PREDICTIONS = artifacts.PREDICTIONS.path
SERIES_PREDICTIONS = Path("data/processed/series_predictions.parquet")
GAME_PREDICTIONS = artifacts.GAME_PREDICTIONS.path
SELECTION = artifacts.STACK_SELECTION.path
ODDS_FITS = artifacts.ODDS_FITS.path


def run(args: argparse.Namespace) -> list[Path]:
    params = load_params(args.params)
    started = time.perf_counter()
    warm_up(local_jobs(), title_daily.WORKER_MODULES)   # the daily title odds' workers start meanwhile
    scores = pd.read_parquet(SCORES) if SCORES.exists() else None
    if scores is None:
        log.warning("%s not found: baselines only", SCORES)
    teams, cfg = read_input(TEAMS, "ingest"), evaluation_config(params)
    data = data_config(params)
    games = playoff_games(data.resolved_raw_dir(), teams, data.first_season)
    series, seasons, sim = read_input(SERIES, "ingest"), seasons_config(params), simulation_config(params)
    update, in_points = playoff_update_config(params), ensemble_in_points(params)
    roster = roster_config(params)
    record = RecordInputs(read_input(artifacts.PLAYOFF_BOX_SCORES.path, "box_scores"),
                          roster_shares(read_input(artifacts.PLAYER_SEASONS.path, "ingest"),
                                        roster.min_minutes, roster.max_players), games, playoff_record_config(params))
    availability = AvailabilityInputs(record.box, read_input(artifacts.EXPLAIN_CONTRIBUTORS.path, "explain"),
                                      read_input(artifacts.PLAYER_SEASONS.path, "ingest"), games)
    result = evaluate(teams, series, scores, seasons, sim, cfg, games, in_points, update, record, availability)
    result.report["selection"] = test_selections(SELECTION, result.report["test_seasons"])
    # the ensemble's odds fits, per test season and for the seasons after: what the forecast applies
    asof = result.report.get("series", {}).get("asof", {}).get("settings", {})
    odds_fits = ensemble_fits(scores, ENSEMBLE, seasons.last_test, seasons.test_seasons,
                              result.report["fits"].get(ENSEMBLE_NAME, []), asof.get(ENSEMBLE_NAME, []),
                              teams, series, games, sim, update, ENSEMBLE_NAME in in_points, game_model(sim),
                              result.report["playoff_record"].get("chosen"),
                              game_variant_fits(result.report.get("game_variant", {}), result.report["availability"]),
                              result.report["title_daily"].get("damping", {}).get("choices"))
    written = [odds_fits.save(ODDS_FITS), write_json(result.metrics, METRICS), write_json(result.report, REPORT),
               write_parquet(result.predictions, PREDICTIONS),
               write_parquet(result.series.predictions, SERIES_PREDICTIONS)]
    if result.games is not None:
        written.append(write_parquet(result.games.predictions, GAME_PREDICTIONS))
    # a fresh folder replaces the old one whole: no stale file of a model no longer enabled,
    # and a killed run leaves the previous plot data, never half of the new one
    with atomic_dir(PLOTS_DIR) as plots_tmp:
        for path, table in plot_tables(result, teams, cfg.ece_bins, cfg.plot_top_teams).items():
            out = plots_tmp / path.relative_to(PLOTS_DIR)
            out.parent.mkdir(parents=True, exist_ok=True)
            table.to_csv(out, index=False)
            written.append(path)
    written.append(write_json(headline_metrics(result.metrics), HEADLINE_FILE))
    log.info("evaluate took %.1f s", time.perf_counter() - started)
    return written


def game_variant_fits(variant: dict, availability: dict) -> dict[str, dict]:
    """season (str) -> the product's game variant the forecast applies: its name and, for a variant
    with availability, the (reading, scale) chosen for that season (src/evaluation/game_variant.py)."""
    out = {}
    for season, name in variant.get("choices", {}).items():
        out[season] = {"variant": name}
        if name.endswith("_avail"):
            out[season]["availability"] = dict(availability[name][season])
    return out


def test_selections(path: Path, seasons: list[int]) -> dict:
    """Per test season: what the stacker chose on earlier seasons and the validation numbers."""
    if not path.exists():
        log.warning("%s not found: eval report has no per-season selection", path)
        return {}
    fits = json.loads(path.read_text()).get("fits", {})
    return {str(s): fits[f"test {s}"] for s in seasons if f"test {s}" in fits}


def ensemble_in_points(params: dict) -> frozenset[str]:
    """The series-fitted stacker writes the ensemble score in points (stacking.objective)."""
    from src.models.stacker.config import stacking_config
    return frozenset({ENSEMBLE_NAME}) if stacking_config(params).objective == "series" else frozenset()


if __name__ == "__main__":
    stage_main("evaluate", run)
