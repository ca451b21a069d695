"""Stage train_b: Model B (XGBoost + random forest) over every split, and the final models."""
from __future__ import annotations

import argparse
from pathlib import Path

from src import artifacts
from src.config import load_params, seasons_config
from src.league.series import observed_series
from src.training.fit_cache import default_cache
from src.training.fit_model_b import WORKER_MODULES, fit_model_b, model_b_kind, model_b_metrics
from src.utils.io import read_input
from src.models.model_b.config import model_b_config
from src.splits import all_splits
from src.training.targets import season_targets
from src.utils.cli import stage_main
from src.utils.io import write_json, write_parquet
from src.utils.parallel import local_jobs, warm_up

TEAM_FEATURES = artifacts.TEAM_FEATURES.path
TEAM_SEASONS = artifacts.TEAM_SEASONS.path
SERIES = artifacts.PLAYOFF_SERIES.path
XGB_PLAYOFF_MODEL = artifacts.XGB_PLAYOFF_MODEL.path
OOF_MODEL_B = artifacts.OOF_MODEL_B.path
XGB_MODEL = artifacts.XGB_MODEL.path
RF_MODEL = artifacts.RF_MODEL.path
IMPORTANCE = Path("reports/model_b_importance.json")
METRICS = artifacts.TRAIN_B_METRICS.path


def run(args: argparse.Namespace) -> list[Path]:
    params = load_params(args.params)
    seasons, cfg = seasons_config(params), model_b_config(params)
    # fits whose inputs were fitted before are read back (src/training/fit_cache.py); a
    # folder that is no folder is refused here, before any worker starts
    cache = default_cache(model_b_kind(cfg))
    # the workers start while the tables are read: one per fit at most (a split each + final)
    warm_up(local_jobs(), WORKER_MODULES, n_tasks=len(all_splits(seasons)) + 1)
    team_seasons = read_input(TEAM_SEASONS, "ingest")
    train_seasons = seasons.known_seasons
    targets = season_targets(team_seasons, train_seasons)
    series = observed_series(team_seasons, read_input(SERIES, "ingest"), train_seasons)
    result = fit_model_b(read_input(TEAM_FEATURES, "sos_features"), targets, seasons, cfg, series, cache)
    return [write_parquet(result.scores, OOF_MODEL_B),
            *result.final.save(XGB_MODEL, RF_MODEL, XGB_PLAYOFF_MODEL),
            write_json(result.final.importances(), IMPORTANCE),
            write_json(model_b_metrics(result, team_seasons, seasons), METRICS)]


if __name__ == "__main__":
    stage_main("train_b", run)
