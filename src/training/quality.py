"""Quick walk-forward quality for training metrics: Spearman of a score vs the final order.

The full report (NDCG, calibration, bootstrap intervals) is the evaluate stage's job; this
is the number train_b / stack log so `dvc metrics diff` shows a model getting better or worse.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr


def spearman_by_season(frame: pd.DataFrame, score: str) -> pd.Series:
    """Per season: Spearman correlation of `score` with -post_playoff_rank (higher = better)."""
    return frame.groupby("season").apply(
        lambda g: float(spearmanr(g[score], -g["post_playoff_rank"]).statistic), include_groups=False)


def mean_test_spearman(frame: pd.DataFrame, scores: list[str]) -> dict[str, float]:
    """{"spearman_test_mean_<score>": mean over test seasons} for frame rows with split == test."""
    test = frame.loc[frame["split"] == "test"]
    return {f"spearman_test_mean_{s.removeprefix('score_')}": float(np.mean(spearman_by_season(test, s)))
            for s in scores}


def srs_baseline(team_seasons: pd.DataFrame, test_seasons: list[int]) -> dict[str, float]:
    """The same number for the rank-by-SRS baseline, over the same test seasons."""
    rows = team_seasons.loc[team_seasons["season"].isin(test_seasons), ["season", "srs", "post_playoff_rank"]]
    return {"spearman_test_mean_srs_baseline": float(np.mean(spearman_by_season(rows, "srs")))}
