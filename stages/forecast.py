"""Stage forecast: projected records, playoff/play-in, round and title odds and the strength
ranking of a season without outcomes: reports/forecast_<season>.{md,csv,parquet,html}.

    python -m stages.forecast                 # season = params forecast.season
    python -m stages.forecast --season 2025   # what `make forecast SEASON=2025` runs:
                                              # reports/seasons/forecast_2025.* (git-ignored)
    python -m stages.forecast --season 2024 --as-of 2024-05-15 --allow-known
                                              # replay a past season's playoffs to a date
    python -m stages.forecast --season 2025 --results my_2025_games.csv [--as-of 2025-05-01]
    python -m stages.forecast --season 2026 --bracket bracket_2026.csv
                                              # the real bracket (docs/asof.md: file formats)
"""
from __future__ import annotations

import argparse
import logging
from dataclasses import replace
from pathlib import Path

import pandas as pd

from src import artifacts
from src.config import data_config, load_params, seasons_config
from src.data import schema
from src.errors import ConfigError, DataError
from src.inference.forecast_asof import check_as_of_applies, read_playoff_results
from src.inference.forecast_roster import forecast_roster, roster_what_if
from src.league.monte_carlo import GameModel
from src.league.sites import at_site
from src.league.state import bracket_state
from src.data.playoff_games import playoff_games
from src.odds.config import simulation_config
from src.inference.forecast import (ForecastConfig, ForecastInputs, build_forecast, checked_as_of,
                                    forecast_config, season_status)
from src.data.bracket_file import read_bracket_rows
from src.league.real_bracket import bracket_orders
from src.inference.forecast_page import load_calibration
from src.inference.forecast_files import write_forecast
from src.inference.forecast_report import favourites_line, print_forecast
from src.inference.forecast_scores import Level1Inputs, level1_scores
from src.models.model_a.config import model_a_configs
from src.models.stacker.fitted import FittedStacker
from src.odds.fits import OddsFits
from src.odds.playoff_record import roster_shares
from src.features.config import roster_config
from src.report.config import report_config
from src.utils.io import read_input
from src.models.model_b.config import model_b_config
from src.training.signals import with_signals
from src.models.stacker.config import stacking_config
from src.utils.cli import stage_main
from src.utils.logging import on_terminal

log = logging.getLogger("stages.forecast")

TEAMS = artifacts.TEAM_SEASONS.path
PLAYERS = artifacts.PLAYER_SEASONS.path
SERIES = artifacts.PLAYOFF_SERIES.path
BOX_SCORES = artifacts.PLAYOFF_BOX_SCORES.path
FEATURES = artifacts.TEAM_FEATURES.path
SCORES = artifacts.SCORES.path
MODEL_A = artifacts.MODEL_A.path
XGB_MODEL = artifacts.XGB_MODEL.path
RF_MODEL = artifacts.RF_MODEL.path
XGB_PLAYOFF_MODEL = artifacts.XGB_PLAYOFF_MODEL.path
STACKER = artifacts.STACKER.path
ODDS_FITS = artifacts.ODDS_FITS.path
REPORTS = Path("reports")
# another season than params forecast.season (`make forecast SEASON=2025`): not a declared
# output of the stage, so it goes to a git-ignored folder, never beside the tracked files
OTHER_SEASONS = REPORTS / "seasons"
# the evaluate stage's outputs: past seasons' calibration, shown on the forecast page
RELIABILITY = Path("plots/evaluate/reliability.csv")
EVAL_METRICS = artifacts.EVAL_METRICS.path
EVAL_REPORT = artifacts.EVAL_REPORT.path


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--season", type=int, default=None, help="season to forecast (default: params)")
    parser.add_argument("--allow-known", action="store_true",
                        help="forecast a season whose outcomes are known (a replay: its walk-forward "
                             "strengths, the real bracket and its playoff games to --as-of)")
    parser.add_argument("--unavailable", default=None,
                        help="players out for the days ahead, 'TEAM: Player Name' separated by ';' "
                             "(default: params forecast.unavailable)")
    parser.add_argument("--as-of", default=None, help="YYYY-MM-DD: playoff games to the end of this day "
                                                      "are known (default: params forecast.as_of)")
    parser.add_argument("--results", default=None, help="the season's playoff results file (default: "
                                                        "params forecast.playoff_results)")
    parser.add_argument("--bracket", default=None, help="the season's bracket file, conference,seed,team "
                                                        "(default: params forecast.bracket)")


def output_dir(season: int, pipeline_season: int) -> Path:
    """reports/ for the stage's declared season (params forecast.season), else reports/seasons/."""
    return REPORTS if season == pipeline_season else OTHER_SEASONS


def run(args: argparse.Namespace) -> list[Path]:
    params = load_params(args.params)
    if getattr(args, "unavailable", None):
        params.setdefault("forecast", {})["unavailable"] = [e.strip() for e in args.unavailable.split(";") if e.strip()]
    cfg, seasons, stacking = forecast_config(params), seasons_config(params), stacking_config(params)
    cfg, as_of_origin = with_arguments(cfg, args)
    season = args.season if args.season is not None else cfg.season
    teams = read_input(TEAMS, "ingest")
    status = season_status(teams, season, seasons, args.allow_known)
    games, source = forecast_games(cfg, data_config(params), teams, season)
    check_as_of_applies(cfg.as_of_date, season, games[games["season"] == season], as_of_origin,
                        cfg.playoff_results)
    bracket = (bracket_orders(read_bracket_rows(Path(cfg.bracket)), Path(cfg.bracket), season,
                              teams[teams["season"] == season]) if cfg.bracket else None)
    stacker, odds_fits = FittedStacker.load(STACKER), OddsFits.load(ODDS_FITS)
    if stacker.columns != stacking.stacked:
        raise DataError(f"{STACKER}: fitted on {', '.join(stacker.columns)}, but params.yaml stacking "
                        f"lists {', '.join(stacking.stacked)}; run `dvc repro stack`")
    model_cfg, train_cfg = model_a_configs(params.get("model_a"))
    level1, attention = level1_scores(Level1Inputs(
        stacking.models, season, read_input(PLAYERS, "ingest"), read_input(FEATURES, "sos_features"),
        model_b_config(params).objective, train_cfg.num_threads, model_cfg))
    # the stacker's linear signals of the season (regular-season ratings, src/training/signals.py)
    level1 = with_signals(level1, read_input(FEATURES, "sos_features"), list(stacking.signals),
                          simulation_config(params).scale)
    roster = roster_config(params)
    inputs = ForecastInputs(teams, read_input(SERIES, "ingest"), read_input(SCORES, "stack"), level1,
                            attention, stacker, odds_fits, games, source, bracket, read_input(BOX_SCORES, "box_scores"),
                            roster_shares(read_input(PLAYERS, "ingest"), roster.min_minutes, roster.max_players),
                            players=read_input(PLAYERS, "ingest"))
    fc = build_forecast(inputs, status, seasons, simulation_config(params), cfg)
    fc.roster = roster_section(fc, attention, games, read_input(PLAYERS, "ingest"), cfg, simulation_config(params))
    calibration = load_calibration(RELIABILITY, EVAL_METRICS, EVAL_REPORT, report_config(params).digits)
    written = write_forecast(fc, output_dir(season, cfg.season), cfg.top_players, calibration)
    if args.quiet:
        pass
    elif on_terminal():                   # for eyes: the whole table
        print_forecast(fc)
    else:                                 # a log (CI, a pipe): one line; the table is in the .md
        log.info(favourites_line(fc, written[0]))
    return written


def with_arguments(cfg: ForecastConfig, args: argparse.Namespace) -> tuple[ForecastConfig, str]:
    """The config with the command line's --as-of, --results and --bracket (checked, and named
    as such in errors), and the origin of the as-of date."""
    origin = "params.yaml: forecast.as_of"
    if args.as_of is not None:
        cfg, origin = replace(cfg, as_of=checked_as_of(args.as_of, "--as-of")), "--as-of"
    for flag, key in (("results", "playoff_results"), ("bracket", "bracket")):
        value = getattr(args, flag, None)
        if value is not None:
            if not Path(value).is_file():
                raise ConfigError(f"--{flag} {value}: file not found")
            object.__setattr__(cfg, key, value)      # a command-line file may live anywhere
    return cfg, origin


def roster_section(fc, attention: pd.DataFrame, games: pd.DataFrame, players: pd.DataFrame, cfg, sim):
    """Who is missing and the odds without him (src/inference/forecast_roster.py); None before the
    field is known (a season in progress: no bracket to play the odds on)."""
    season = fc.status.season
    if fc.bracket is None:
        if cfg.unavailable:
            raise ConfigError(f"params.yaml: forecast.unavailable is set, but season {season}'s playoff "
                              "field is not known yet: the odds without a player need its bracket")
        return None
    if fc.playoffs is not None:
        # what the title odds play, with every player: the what-if takes the missing ones off itself
        strength, states = fc.playoffs.title_strength, fc.playoffs.states
        strength = fc.playoffs.strength if strength is None else strength
        if fc.playoffs.availability is not None:
            strength = strength - fc.playoffs.availability.reindex(strength.index).fillna(0.0)
    else:
        # the field is known, no game played: every first-round series at 0-0
        strength, states = fc.table.set_index("team")["strength_points"], bracket_state(fc.bracket, games.iloc[:0], "")
    box = read_input(BOX_SCORES, "box_scores")
    return roster_what_if(box, games, players, forecast_roster(attention, season), season, cfg.as_of_date,
                          list(cfg.unavailable), fc.bracket, strength, states,
                          at_site(GameModel(home_court=sim.home_court, link=sim.link, scale=sim.scale), season))


def forecast_games(cfg, data, teams: pd.DataFrame, season: int) -> tuple[pd.DataFrame, str]:
    """Playoff games of the game file, plus the forecast season's from forecast.playoff_results."""
    games = playoff_games(data.resolved_raw_dir(), teams, data.first_season)
    source = str(data.resolved_raw_dir() / schema.PLAYOFF_GAMES.name)
    if cfg.playoff_results:
        if (games["season"] == season).any():
            raise ConfigError(f"params.yaml: forecast.playoff_results is set, but the game file already "
                              f"holds season {season}'s playoffs ({source})")
        user = read_playoff_results(Path(cfg.playoff_results), season, teams, data.first_season)
        # `line` keeps each user game's own line in its file for the bracket's errors
        games, source = pd.concat([games, user], ignore_index=True), cfg.playoff_results
    return games, source


if __name__ == "__main__":
    stage_main("forecast", run, add_args)
