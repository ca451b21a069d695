"""Plot data of Model A's last training (metrics/train_history.json, stage train_a), long form
for `dvc plots show`: one row per epoch and curve, so the model selection run and the refit on
all training seasons are separate curves over their own epochs (the refit restarts from
scratch: its first epochs are not a divergence of the first run), and the attention-collapse
threshold of params.yaml is drawn as a reference curve beside the entropy it guards.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from src.errors import DataError

TRAIN_PLOTS_DIR = Path("plots/train_a")
HISTORY_FILE = "metrics/train_history.json"
PHASES = {"select": "model selection", "refit": "refit on all seasons"}
LOSS_SERIES = {"train_loss": "train", "val_loss": "validation"}


def _phase_label(phase: str, restarts: int) -> str:
    label = PHASES.get(phase, phase)
    return f"{label} (restart {restarts})" if restarts else label


def _long(history: pd.DataFrame, columns: dict[str, str], value: str) -> pd.DataFrame:
    parts = []
    for col, what in columns.items():
        rows = history.dropna(subset=[col])
        curve = [f"{what}, {_phase_label(p, int(r))}" for p, r in zip(rows["phase"], rows["restarts"])]
        parts.append(pd.DataFrame({"epoch": rows["epoch"].astype(int), value: rows[col], "curve": curve}))
    return pd.concat(parts, ignore_index=True)


def _reference(label: str, level: float, epochs: pd.Series, value: str) -> pd.DataFrame:
    return pd.DataFrame({"epoch": [int(epochs.min()), int(epochs.max())], value: [level, level],
                         "curve": [label, label]})


def train_a_plot_tables(history: list[dict], entropy_min: float, max_players: int) -> dict[Path, pd.DataFrame]:
    """loss.csv (epoch, loss, curve), attention_entropy.csv and attention_max_weight.csv
    (epoch, value, curve) with their reference lines."""
    frame = pd.DataFrame(history)
    needed = {"phase", "epoch", "restarts", *LOSS_SERIES, "attention_entropy_mean", "attention_max_weight_mean"}
    missing = sorted(needed - set(frame.columns))
    if frame.empty or missing:
        raise DataError(f"{HISTORY_FILE}: no epochs or missing key(s) {', '.join(missing)} "
                        "(run `dvc repro train_a`)")
    epochs = frame["epoch"]
    entropy = pd.concat([_long(frame, {"attention_entropy_mean": "entropy"}, "value"),
                         _reference(f"collapse threshold (model_a.attention_entropy_min = {entropy_min:g})",
                                    entropy_min, epochs, "value"),
                         _reference(f"uniform over {max_players} players (ln {max_players})",
                                    math.log(max_players), epochs, "value")], ignore_index=True)
    max_weight = pd.concat([_long(frame, {"attention_max_weight_mean": "largest weight"}, "value"),
                            _reference(f"uniform over {max_players} players (1/{max_players})",
                                       1.0 / max_players, epochs, "value")], ignore_index=True)
    return {TRAIN_PLOTS_DIR / "loss.csv": _long(frame, LOSS_SERIES, "loss"),
            TRAIN_PLOTS_DIR / "attention_entropy.csv": entropy,
            TRAIN_PLOTS_DIR / "attention_max_weight.csv": max_weight}
