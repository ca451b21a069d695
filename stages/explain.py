"""Stage explain: attention contributors, leave-one-out, RFX-Fuse comparison and archetypes."""
from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import Iterable

from src import artifacts
from src.config import load_params, seasons_config
from src.explain.config import explain_config
from src.explain.pipeline import WORKER_MODULES, explain_walk_forward
from src.explain.raptor import raptor_dir, read_raptor
from src.explain.summary import summary_markdown
from src.explain.top_contributors import top_contributors, top_contributors_markdown
from src.features.config import player_value_config
from src.features.player_value import player_values, weights_report
from src.models.model_a.config import model_a_configs
from src.utils.io import read_input
from src.utils.cli import stage_main
from src.utils.io import write_json, write_parquet, write_text
from src.utils.parallel import local_jobs, warm_up

PLAYERS = artifacts.PLAYER_SEASONS.path
TEAMS = artifacts.TEAM_SEASONS.path
WALK_FORWARD_DIR = artifacts.MODEL_A_WALK_FORWARD.path
OUT_DIR = Path("reports/explain")
METRICS = artifacts.EXPLAIN_METRICS.path

log = logging.getLogger("stage")


def run(args: argparse.Namespace) -> Iterable[Path]:
    start = time.perf_counter()
    params = load_params(args.params)
    seasons = seasons_config(params)
    cfg = explain_config(params)
    warm_up(local_jobs(), WORKER_MODULES)     # the workers start while the tables are read
    model_cfg, train_cfg = model_a_configs(params.get("model_a"))
    players, teams = read_input(PLAYERS, "ingest"), read_input(TEAMS, "ingest")
    result = explain_walk_forward(players, teams, seasons, cfg, WALK_FORWARD_DIR,
                                  expected_arch=model_cfg, torch_threads=train_cfg.num_threads,
                                  raptor=read_raptor(raptor_dir(cfg.raptor_dir)))
    top = top_contributors(result.contributors, teams, cfg.summary_players)
    value_cfg = player_value_config(params)
    _, fits = player_values(players, seasons.known_and_next_seasons, value_cfg)
    summary = summary_markdown(result.contributors, result.archetypes, teams, result.metrics,
                               seasons.last_test, cfg.summary_players)
    log.info("explain: %d team-seasons in %.0fs", result.per_team["team"].size
             // max(1, result.per_team["pair"].nunique()), time.perf_counter() - start)
    return [write_parquet(result.contributors, OUT_DIR / "contributors.parquet"),
            write_parquet(result.archetypes, OUT_DIR / "archetypes.parquet"),
            write_parquet(result.per_team, OUT_DIR / "agreement_per_team.parquet"),
            write_text(summary, OUT_DIR / "summary.md"),
            write_parquet(result.raptor_per_team, OUT_DIR / "raptor_agreement_per_team.parquet"),
            write_text(top.to_csv(index=False), OUT_DIR / "top_contributors.csv"),
            write_text(top_contributors_markdown(top), OUT_DIR / "top_contributors.md"),
            write_json(weights_report(fits, value_cfg), OUT_DIR / "player_value_weights.json"),
            write_json(result.metrics, METRICS)]


if __name__ == "__main__":
    stage_main("explain", run)
