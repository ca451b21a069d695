"""Stage forecast: title odds, round odds and strength ranking of a season without outcomes.

    python -m stages.forecast                 # season = params forecast.season
    python -m stages.forecast --season 2025   # what `make forecast SEASON=2025` runs
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from src.config import load_params, seasons_config
from src.inference.config import simulation_config
from src.inference.forecast import build_forecast, forecast_config, season_status
from src.inference.forecast_report import print_forecast, write_forecast
from src.inference.forecast_scores import level1_scores
from src.models.config import model_a_configs
from src.utils.io import read_input
from src.training.model_b_config import model_b_config
from src.training.signals import with_signals
from src.training.train_stacking import stacking_config
from src.utils.cli import stage_main

TEAMS = Path("data/interim/team_seasons.parquet")
PLAYERS = Path("data/interim/player_seasons.parquet")
SERIES = Path("data/interim/playoff_series.parquet")
FEATURES = Path("data/processed/team_features.parquet")
SCORES = Path("data/processed/scores.parquet")
MODEL_A = Path("models/model_a.pt")
XGB_MODEL = Path("models/model_b_xgb.json")
RF_MODEL = Path("models/model_b_rf.skops")
XGB_PLAYOFF_MODEL = Path("models/model_b_xgb_playoff.json")
REPORTS = Path("reports")


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--season", type=int, default=None, help="season to forecast (default: params)")
    parser.add_argument("--allow-known", action="store_true",
                        help="forecast a season whose outcomes are known (a backtest of the mechanics)")


def run(args: argparse.Namespace) -> list[Path]:
    params = load_params(args.params)
    cfg, seasons, stacking = forecast_config(params), seasons_config(params), stacking_config(params)
    season = args.season if args.season is not None else cfg.season
    teams = read_input(TEAMS, "ingest")
    status = season_status(teams, season, seasons, args.allow_known)
    _, train_cfg = model_a_configs(params.get("model_a"))
    level1, attention = level1_scores(
        stacking.models, season, read_input(PLAYERS, "ingest"), read_input(FEATURES, "sos_features"),
        MODEL_A, XGB_MODEL, RF_MODEL, model_b_config(params).objective, train_cfg.num_threads,
        XGB_PLAYOFF_MODEL)
    # the stacker's linear signals of the season (regular-season ratings, src/training/signals.py)
    level1 = with_signals(level1, read_input(FEATURES, "sos_features"), list(stacking.signals),
                          simulation_config(params).scale)
    fc = build_forecast(teams, read_input(SERIES, "ingest"), read_input(SCORES, "stack"), level1,
                        attention, status, seasons, stacking, simulation_config(params), cfg)
    written = write_forecast(fc, REPORTS, cfg.top_players)
    if not args.quiet:
        print_forecast(fc)
    return written


if __name__ == "__main__":
    stage_main("forecast", run, add_args)
