"""Compare two pipeline runs' walk-forward predictions (issue 30 item 4): series as of game 1
(2011-2024, p_home_asof_*) and every playoff game 2011-2023 (p_home_*), per model, with the
paired season bootstrap (src/evaluation/bootstrap.py; seasons resampled whole).

    PYTHONPATH=. .venv/bin/python docs/research/model_a_games_compare.py BASE_DIR NEW_DIR
(each DIR holds series_predictions.parquet and game_predictions.parquet of data/processed)
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from src.evaluation.bootstrap import paired_bootstrap

FLOOR = 1e-6


def losses(frame: pd.DataFrame, column: str, won: pd.Series) -> pd.Series:
    p = frame[column].clip(FLOOR, 1 - FLOOR)
    return -np.log(np.where(won, p, 1 - p))


def compare(base: pd.DataFrame, new: pd.DataFrame, column: str, won_base, won_new, label: str) -> None:
    a = base.assign(loss=losses(base, column, won_base))
    b = new.assign(loss=losses(new, column, won_new))
    per_a, per_b = a.groupby("season")["loss"].mean(), b.groupby("season")["loss"].mean()
    boot = paired_bootstrap(per_b.to_numpy(), per_a.loc[per_b.index].to_numpy(), 2000, 0, 0.9, True)
    print(f"{label:34s} base {a['loss'].mean():.4f} new {b['loss'].mean():.4f} "
          f"diff {boot['diff']:+.4f} [{boot['low']:+.4f}, {boot['high']:+.4f}] win {boot['win_share']:.2f}")


def main(base_dir: str, new_dir: str) -> None:
    for name, window, prefix in (("series_predictions", (2011, 2024), "p_home_asof_"),
                                 ("game_predictions", (2011, 2023), "p_home_")):
        base = pd.read_parquet(Path(base_dir) / f"{name}.parquet")
        new = pd.read_parquet(Path(new_dir) / f"{name}.parquet")
        base = base[base["season"].between(*window)].reset_index(drop=True)
        new = new[new["season"].between(*window)].reset_index(drop=True)
        won = (lambda f: f["winner"] == f["home_team"]) if name == "series_predictions" \
            else (lambda f: f["home_won"].astype(bool))
        for model in ("model_a", "ensemble"):
            compare(base, new, prefix + model, won(base), won(new), f"{name[:-12]} {model}")
        if name == "series_predictions":
            late = base["round"] > 1, new["round"] > 1
            compare(base[late[0]], new[late[1]], prefix + "ensemble", won(base)[late[0]],
                    won(new)[late[1]], "series rounds 2-4 ensemble")


if __name__ == "__main__":
    main(*sys.argv[1:3])
