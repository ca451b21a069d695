"""Stage box_scores: the playoff box scores, validated, tied to the game file and linked to the
Basketball-Reference players -> data/interim/playoff_box_scores.parquet and
reports/box_score_link.json (who did not link, the linked share of minutes, seasons covered)."""
from __future__ import annotations

import argparse
from pathlib import Path

from src import artifacts
from src.config import data_config, load_params
from src.data.playoff_box import linked_box_scores
from src.data.playoff_games import playoff_games
from src.utils.cli import stage_main
from src.utils.io import read_input, write_json, write_parquet


def run(args: argparse.Namespace) -> list[Path]:
    cfg = data_config(load_params(args.params))
    teams = read_input(artifacts.TEAM_SEASONS.path, "ingest")
    games = playoff_games(cfg.resolved_raw_dir(), teams, cfg.first_season)
    box, report = linked_box_scores(cfg.resolved_raw_dir(), games, teams,
                                    read_input(artifacts.PLAYER_SEASONS.path, "ingest"),
                                    cfg.min_linked_minutes_share)
    return [write_parquet(box, artifacts.PLAYOFF_BOX_SCORES.path),
            write_json(report, artifacts.BOX_SCORE_LINK.path)]


if __name__ == "__main__":
    stage_main("box_scores", run)
