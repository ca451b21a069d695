"""src/utils/ranking.ndcg: the same floats as scikit-learn's ndcg_score for one group, and
the same refusals."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from src.utils.ranking import ndcg


def test_same_floats_as_sklearn_with_ties_cut_offs_and_integer_or_float32_inputs():
    rng = np.random.default_rng(0)
    for i in range(400):
        n = int(rng.integers(2, 31))
        relevance = rng.integers(0, 6, n) if i % 2 else rng.integers(0, 6, n).astype(float)
        score = rng.normal(size=n).astype(np.float32 if i % 5 == 0 else float)
        if i % 3 == 0:
            score = np.round(score, 0)             # tied scores share their gain
        if i % 11 == 0:
            relevance = np.zeros(n)                # no relevant team: 0
        for k in (None, 1, 4, 8):
            assert ndcg(relevance, score, k=k) == ndcg_score([relevance], [score], k=k)


@pytest.mark.parametrize("relevance, score, message", [
    ([1.0], [0.5], "more than 1 document"),
    ([1.0, np.nan], [1.0, 2.0], "NaN"),
    ([1.0, 2.0], [np.inf, 1.0], "infinity"),
    ([-1.0, 2.0], [1.0, 2.0], "negative y_true"),
    ([1.0, 2.0, 3.0], [1.0, 2.0], "different shapes"),
])
def test_refuses_what_sklearn_refuses(relevance, score, message):
    with pytest.raises(ValueError, match=message):
        ndcg(relevance, score)
