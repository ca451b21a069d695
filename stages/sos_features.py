"""Stage sos_features: team_seasons + player_seasons -> data/processed/team_features.parquet."""
from __future__ import annotations

import argparse
from pathlib import Path

from src import artifacts
from src.config import load_params
from src.features.config import team_feature_config
from src.features.team_features import build_team_features
from src.utils.io import read_input
from src.utils.cli import stage_main
from src.utils.io import write_parquet

TEAM_SEASONS = artifacts.TEAM_SEASONS.path
PLAYER_SEASONS = artifacts.PLAYER_SEASONS.path
TEAM_FEATURES = artifacts.TEAM_FEATURES.path


def run(args: argparse.Namespace) -> list[Path]:
    cfg = team_feature_config(load_params(args.params))
    features = build_team_features(read_input(TEAM_SEASONS, "ingest"), read_input(PLAYER_SEASONS, "ingest"), cfg)
    return [write_parquet(features, TEAM_FEATURES)]


if __name__ == "__main__":
    stage_main("sos_features", run)
