"""Stage train_a_plots: Model A's training curves as long-form plot data (plots/train_a/)."""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from src.config import load_params
from src.errors import DataError
from src import artifacts
from src.evaluation.train_plots import HISTORY_FILE, TRAIN_PLOTS_DIR, train_a_plot_tables
from src.models.model_a.config import model_a_configs
from src.features.config import roster_config
from src.utils.cli import stage_main
from src.utils.io import atomic_path
from src.utils.model_files import load_torch_checkpoint

WALK_FORWARD_DIR = artifacts.MODEL_A_WALK_FORWARD.path


def split_histories(directory: Path) -> dict[int, list[dict]]:
    """Test season -> history of its walk-forward Model A (checkpoints <season>.pt)."""
    return {int(path.stem): load_torch_checkpoint(path).get("history", [])
            for path in sorted(Path(directory).glob("*.pt"))}


def run(args: argparse.Namespace) -> list[Path]:
    params = load_params(args.params)
    _, train_cfg = model_a_configs(params.get("model_a"))
    path = Path(HISTORY_FILE)
    if not path.exists():
        raise DataError(f"{path}: not found (written by stage 'train_a'; run `dvc repro train_a`)")
    tables = train_a_plot_tables(json.loads(path.read_text()), train_cfg.attention_entropy_min,
                                 roster_config(params).max_players,
                                 split_histories(WALK_FORWARD_DIR))
    if TRAIN_PLOTS_DIR.exists():
        shutil.rmtree(TRAIN_PLOTS_DIR)            # stale files of an earlier layout
    for out, table in tables.items():
        with atomic_path(out) as tmp:
            table.to_csv(tmp, index=False)
    return list(tables)


if __name__ == "__main__":
    stage_main("train_a_plots", run)
