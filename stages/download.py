"""Stage `download`: make sure every raw input file is in data.raw_dir.

Missing files are copied from env NBA_RAW_DIR (a local copy; a relative path is read from the
repo the user ran dvc in, also in a queued experiment's temporary copy) when set, else downloaded.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from src.config import data_config, load_params
from src.data.download import ensure_raw_data, from_users_repo
from src.utils.cli import stage_main


def run(args: argparse.Namespace) -> list[Path]:
    cfg = data_config(load_params(args.params))
    return ensure_raw_data(cfg.resolved_raw_dir(), cfg, local_source=from_users_repo(cfg.local_source()))


if __name__ == "__main__":
    stage_main("download", run)
