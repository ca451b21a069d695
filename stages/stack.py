"""Stage stack: the series-likelihood (or RidgeCV) blend of stacking.models and stacking.signals ->
scores.parquet (walk-forward), and the final stacker fitted on every season <= last_test
(models/stacker.json, what the forecast applies)."""
from __future__ import annotations

import argparse
from pathlib import Path

from src import artifacts
from src.config import data_config, load_params, seasons_config
from src.odds.config import game_model, simulation_config
from src.data.playoff_games import playoff_games
from src.league.series import observed_series
from src.utils.io import read_input
from src.training.level1 import combine_level1, read_level1_files
from src.training.fit_cache import default_cache
from src.training.signals import with_signals
from src.training.stacker_fits import FINAL_STACKER, SPLIT_CHOICES
from src.training.targets import season_targets
from src.models.stacker.config import stacking_config
from src.training.train_stacking import final_history, fit_final_stacker, run_stacking, stack_metrics, with_target
from src.utils.cli import stage_main
from src.utils.io import write_json, write_parquet

TEAM_SEASONS = artifacts.TEAM_SEASONS.path
FEATURES = artifacts.TEAM_FEATURES.path
SERIES = artifacts.PLAYOFF_SERIES.path
SELECTION = artifacts.STACK_SELECTION.path
SCORES = artifacts.SCORES.path
STACKER = artifacts.STACKER.path
METRICS = artifacts.STACK_METRICS.path


def run(args: argparse.Namespace) -> list[Path]:
    params = load_params(args.params)
    seasons, cfg = seasons_config(params), stacking_config(params)
    # the walk-forward choices and the final stacker fitted before are read back
    # (src/training/stacker_fits.py); a folder that is no folder is refused here
    split_cache, final_cache = default_cache(SPLIT_CHOICES), default_cache(FINAL_STACKER)
    level1 = combine_level1(read_level1_files(cfg.models), cfg.models, seasons.first_test)
    team_seasons = read_input(TEAM_SEASONS, "ingest")
    sim = simulation_config(params)
    if cfg.signals:   # regular-season ratings of each season, joined to its level-1 rows
        level1 = with_signals(level1, read_input(FEATURES, "sos_features"), list(cfg.signals), sim.scale)
    targets = season_targets(team_seasons, sorted(level1["season"].unique().tolist()))
    playoff_series = read_input(SERIES, "ingest")
    series = observed_series(team_seasons, playoff_series, sorted(level1["season"].unique()))
    games = None
    if cfg.fit_on == "games":   # the playoff game file's games (2011..): the stacker fits on them
        data = data_config(params)
        games = playoff_games(data.resolved_raw_dir(), team_seasons, data.first_season)
    result = run_stacking(with_target(level1, targets), seasons, cfg, series, game_model(sim), games,
                          split_cache)
    selection = {"objective": cfg.objective,
                 "fits": {name: sel.report() for name, sel in result.selections.items()}}
    # the final stacker: every out-of-sample row of the seasons with known outcomes
    history = final_history(result.scores, seasons.last_test)
    fit_seasons = sorted(history["season"].unique().tolist())
    final = fit_final_stacker(with_target(history, targets) if cfg.objective == "order" else history, cfg,
                              # the table is per season: its rows of fit_seasons (not built again, ~1 s)
                              series[series["season"].isin(fit_seasons)].reset_index(drop=True), game_model(sim),
                              seasons.first_test, final_cache)
    return [write_parquet(result.scores, SCORES), final.save(STACKER),
            write_json(stack_metrics(result, cfg, team_seasons, seasons), METRICS),
            write_json(selection, SELECTION)]


if __name__ == "__main__":
    stage_main("stack", run)
