"""Stage train_a: Model A (DeepSetRank) over every split, the final model, and its reports."""
from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Iterable

from src import artifacts
from src.config import data_config, load_params, seasons_config
from src.features.playoff_game_rosters import game_minutes
from src.data.playoff_games import playoff_games
from src.features.roster import select_rosters
from src.odds.config import game_model, simulation_config
from src.models.model_a.config import model_a_configs, model_a_selection_config
from src.features.config import roster_config
from src.models.model_a.fit import SeriesData, configure_torch, trains_on_games
from src.training.model_a_fits import WORKER_MODULES, default_cache
from src.training.model_a_selection import candidates, fit_summary, run_all_splits, run_nested
from src.models.model_a.series_targets import series_by_season
from src.training.report_a import (history_rows, log_dvclive, summary_metrics,
                                   walk_forward_quality, walk_forward_series_quality)
from src.utils.cli import stage_main
from src.utils.io import atomic_dir, read_input, write_bytes, write_json, write_parquet
from src.utils.parallel import warm_up

PLAYERS = artifacts.PLAYER_SEASONS.path
TEAMS = artifacts.TEAM_SEASONS.path
SERIES = artifacts.PLAYOFF_SERIES.path
OOF = artifacts.OOF_MODEL_A.path
MODEL = artifacts.MODEL_A.path
WALK_FORWARD_DIR = artifacts.MODEL_A_WALK_FORWARD.path
METRICS = artifacts.TRAIN_A_METRICS.path
SPLITS = Path("metrics/train_a_splits.json")
HISTORY = artifacts.TRAIN_HISTORY.path
LIVE_DIR = Path("dvclive/train_a")


def run(args: argparse.Namespace) -> Iterable[Path]:
    start = time.perf_counter()
    params = load_params(args.params)
    seasons = seasons_config(params)
    model_cfg, train_cfg = model_a_configs(params.get("model_a"))
    roster_cfg = roster_config(params)
    configure_torch(train_cfg)
    selection = model_a_selection_config(params)
    # fits whose inputs were fitted before are read back; a folder that is no folder is
    # refused here, before any worker starts
    cache = default_cache()
    warm_up(selection.n_jobs, WORKER_MODULES)   # the workers start while the tables are read
    all_seasons = seasons.known_seasons
    players = read_input(PLAYERS, "ingest")
    teams = read_input(TEAMS, "ingest")
    playoff_series = read_input(SERIES, "ingest")
    # who played each playoff game with a box score (issue 30 items 3-4), cut to each fit's
    # training seasons; read only when some fit uses them (~1-3 s here)
    played = played_games(params, teams) if any(
        trains_on_games(c.train_cfg) for c in candidates(selection.grid, model_cfg, train_cfg,
                                                          roster_cfg)) else {}
    series = SeriesData(series_by_season(teams, playoff_series, all_seasons),
                        game_model(simulation_config(params)), played)
    final_choice = None
    # walk-forward models go to a temp folder that replaces the old one only at the end:
    # a killed run never leaves a few new checkpoints beside the old ones
    with atomic_dir(WALK_FORWARD_DIR) as walk_forward_tmp:
        if selection.grid:
            cands = candidates(selection.grid, model_cfg, train_cfg, roster_cfg)
            oof, split_summaries, cand, final_choice, final = run_nested(
                players, teams, seasons, cands, selection, series,
                walk_forward_dir=walk_forward_tmp, cache=cache)
        else:
            rosters = select_rosters(players, all_seasons, roster_cfg)
            oof, split_summaries, final = run_all_splits(
                rosters, teams, seasons, model_cfg, train_cfg, roster_cfg, series,
                walk_forward_dir=walk_forward_tmp, cache=cache, n_jobs=selection.n_jobs)
        write_bytes(final.checkpoint_bytes(), MODEL)
    rows = history_rows(final.history)
    log_dvclive(rows, LIVE_DIR)
    quality = {**walk_forward_quality(oof, teams), **walk_forward_series_quality(
        oof, teams, series.by_season, set(playoff_series["season"].astype(int)),
        series.game_model)}
    final_summary = {**fit_summary(None, final), **({"nested": final_choice} if final_choice else {})}
    summary = {**summary_metrics(split_summaries, final_summary, quality,
                                 time.perf_counter() - start),
               "fits_from_cache": cache.hits, "fits_run": cache.misses}
    return [write_parquet(oof, OOF), MODEL, WALK_FORWARD_DIR, write_json(rows, HISTORY),
            LIVE_DIR, write_json(split_summaries, SPLITS), write_json(summary, METRICS)]



def played_games(params: dict, teams) -> dict:
    """season -> who played each playoff game (src/features/playoff_game_rosters.py)."""
    data = data_config(params)
    return game_minutes(read_input(artifacts.PLAYOFF_BOX_SCORES.path, "box_scores"),
                        playoff_games(data.resolved_raw_dir(), teams, data.first_season))


if __name__ == "__main__":
    stage_main("train_a", run)
