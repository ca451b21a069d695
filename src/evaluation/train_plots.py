"""Plot data of Model A's training (stage train_a), long form for `dvc plots show`: one row per
epoch and curve.

* The final model (metrics/train_history.json): the model selection run and the refit on all
  training seasons are separate curves over their own epochs (the refit restarts from scratch).
* Every walk-forward split that trained (models/model_a_walk_forward/<t>.pt, the history of the
  fit that scored test season t): one validation-loss, entropy and largest-weight line per
  split, epochs on x. When the nested choice keeps the warm start (epochs 0) for the final
  model, its curves are a single point at epoch -1; the splits that did train show what
  `model_a.attention_entropy_min` acts on.

The attention-collapse threshold of params.yaml is drawn as a reference line beside the
entropy it guards, over every epoch drawn.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from src.artifacts import TRAIN_A_PLOTS, TRAIN_HISTORY
from src.errors import DataError

TRAIN_PLOTS_DIR = TRAIN_A_PLOTS.path
HISTORY_FILE = TRAIN_HISTORY.path
PHASES = {"select": "model selection", "refit": "refit on all seasons"}
LOSS_SERIES = {"train_loss": "train + weight penalty", "val_loss": "validation"}


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


def trained_splits(split_histories: dict[int, list[dict]]) -> dict[int, pd.DataFrame]:
    """The selection epochs (epoch >= 0) of each walk-forward split whose fit trained."""
    out = {}
    for season, history in sorted(split_histories.items()):
        frame = pd.DataFrame(history)
        if frame.empty or "epoch" not in frame.columns:
            continue
        phase = frame["phase"] if "phase" in frame.columns else pd.Series("select", frame.index)
        rows = frame[(phase == "select") & (frame["epoch"] >= 0)]
        if not rows.empty:
            out[season] = rows
    return out


def _split_lines(splits: dict[int, pd.DataFrame], column: str, value: str, what: str = "") -> pd.DataFrame:
    parts = [pd.DataFrame({"epoch": rows["epoch"].astype(int), value: rows[column],
                           "curve": f"split {season}{what} (fit on seasons < {season})"})
             for season, rows in splits.items() if column in rows.columns]
    parts = [p.dropna(subset=[value]) for p in parts]
    return pd.concat(parts, ignore_index=True) if parts else \
        pd.DataFrame(columns=["epoch", value, "curve"])


def train_a_plot_tables(history: list[dict], entropy_min: float, max_players: int,
                        split_histories: dict[int, list[dict]] | None = None
                        ) -> dict[Path, pd.DataFrame]:
    """loss.csv (epoch, loss, curve), attention_entropy.csv and attention_max_weight.csv
    (epoch, value, curve) with their reference lines; `split_histories` (test season ->
    history of its walk-forward fit) adds one line per split that trained."""
    frame = pd.DataFrame(history)
    needed = {"phase", "epoch", "restarts", *LOSS_SERIES, "attention_entropy_mean", "attention_max_weight_mean"}
    missing = sorted(needed - set(frame.columns))
    if frame.empty or missing:
        raise DataError(f"{HISTORY_FILE}: no epochs or missing key(s) {', '.join(missing)} "
                        "(run `dvc repro train_a`)")
    splits = trained_splits(split_histories or {})
    epochs = pd.concat([frame["epoch"], *(rows["epoch"] for rows in splits.values())])
    entropy = pd.concat([_long(frame, {"attention_entropy_mean": "entropy"}, "value"),
                         _split_lines(splits, "attention_entropy_mean", "value"),
                         _reference(f"collapse threshold (model_a.attention_entropy_min = {entropy_min:g})",
                                    entropy_min, epochs, "value"),
                         _reference(f"uniform over {max_players} players (ln {max_players})",
                                    math.log(max_players), epochs, "value")], ignore_index=True)
    max_weight = pd.concat([_long(frame, {"attention_max_weight_mean": "largest weight"}, "value"),
                            _split_lines(splits, "attention_max_weight_mean", "value"),
                            _reference(f"uniform over {max_players} players (1/{max_players})",
                                       1.0 / max_players, epochs, "value")], ignore_index=True)
    loss = pd.concat([_long(frame, LOSS_SERIES, "loss"), _split_lines(splits, "val_loss", "loss", " validation")],
                     ignore_index=True)
    return {TRAIN_PLOTS_DIR / "loss.csv": loss,
            TRAIN_PLOTS_DIR / "attention_entropy.csv": entropy,
            TRAIN_PLOTS_DIR / "attention_max_weight.csv": max_weight}
