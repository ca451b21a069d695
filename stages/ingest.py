"""Stage `ingest`: raw CSVs in data.raw_dir -> data/interim/{team_seasons,player_seasons,playoff_series}.parquet."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from src.config import data_config, load_params
from src.data.ingest import build_tables, write_tables
from src.league.data_notes import log_bracket_notes
from src.utils.logging import collected, summarise_by_subject

log = logging.getLogger("ingest")

OUT_DIR = Path("data/interim")


def run(args: argparse.Namespace) -> list[Path]:
    cfg = data_config(load_params(args.params))
    # what the readers dropped or kept empty: one line per input file, not one per rule
    with collected("src.data") as notes:
        try:
            tables = build_tables(cfg.resolved_raw_dir(), cfg.first_season, cfg.min_team_minutes_share)
        finally:
            summarise_by_subject(notes, log)
    log_bracket_notes(tables.team_seasons, tables.playoff_series)
    return write_tables(tables, OUT_DIR)


if __name__ == "__main__":
    from src.utils.cli import stage_main
    stage_main("ingest", run)
