"""NDCG of one ranked group: scikit-learn's `ndcg_score` for a single query, without its
per-call input validation (type detection, array checks: ~1 ms a call). Model B's early
stopping scores every boosting round of every fit, and evaluate every season's groups:
tens of thousands of calls. The same floats as `ndcg_score([relevance], [score], k=k)`: the
same gain function on the same float64 arrays, and the mean of one value is that value. The
checks scikit-learn makes that can fail on such input are made here, with its messages."""
from __future__ import annotations

import numpy as np
from sklearn.metrics._ranking import _ndcg_sample_scores


def ndcg(relevance, score, k: int | None = None) -> float:
    """ndcg_score([relevance], [score], k=k): tied scores share their gain (averaged)."""
    y_true = np.asarray([relevance], dtype=float)
    y_score = np.asarray([score], dtype=float)
    if y_true.shape != y_score.shape or y_true.ndim != 2:
        raise ValueError(f"ndcg: relevance and score have different shapes: "
                         f"{y_true.shape} and {y_score.shape}")
    if not (np.isfinite(y_true).all() and np.isfinite(y_score).all()):
        raise ValueError("Input contains NaN or infinity.")
    if y_true.min() < 0:
        raise ValueError("ndcg_score should not be used on negative y_true values.")
    if y_true.shape[1] <= 1:
        raise ValueError("Computing NDCG is only meaningful when there is more than 1 document. "
                         f"Got {y_true.shape[1]} instead.")
    return float(_ndcg_sample_scores(y_true, y_score, k=k, ignore_ties=False)[0])
