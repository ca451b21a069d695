"""Paired bootstrap over test seasons: is candidate - baseline more than noise?

Seasons are resampled with replacement (the same resample for both, hence paired); each
resample's statistic is the mean over its seasons of (candidate - baseline).
"""
from __future__ import annotations

import numpy as np


def paired_bootstrap(candidate, baseline, n_resamples: int, seed: int, interval: float,
                     lower_is_better: bool) -> dict[str, float]:
    """{diff, low, high, win_share}: mean difference, its central interval, share of resamples won."""
    diff = np.asarray(candidate, float) - np.asarray(baseline, float)
    if diff.ndim != 1 or len(diff) == 0 or np.isnan(diff).any():
        raise ValueError("paired_bootstrap needs equal-length, non-empty, NaN-free per-season values")
    rng = np.random.default_rng(seed)
    resampled = diff[rng.integers(0, len(diff), size=(n_resamples, len(diff)))].mean(axis=1)
    tail = (1 - interval) / 2
    wins = resampled < 0 if lower_is_better else resampled > 0
    return {"diff": float(diff.mean()), "low": float(np.quantile(resampled, tail)),
            "high": float(np.quantile(resampled, 1 - tail)), "win_share": float(wins.mean())}
