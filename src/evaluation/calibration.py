"""Calibration of championship probabilities: Brier, log-loss, ECE, reliability bins.

Inputs are flat arrays over team-seasons (the 16 playoff teams of each season): `onehot`
is 1 for the champion, `probs` the predicted title probability.

Brier is reported two ways (both in metrics/eval.json):
* `championship_brier`: mean over team-seasons of (p - y)^2 (scikit-learn's definition);
* `championship_brier_season_sum`: per season the sum over its teams (the multi-class
  Brier of the title race, 0..2), then the mean over seasons. With 16 teams a season the
  second is 16 times the first.
Log-loss is the multi-class one: mean over seasons of -log p(champion), in nats.
"""
from __future__ import annotations

import numpy as np
from sklearn.metrics import brier_score_loss

# log(0) guard: a champion given probability 0 costs -log(1e-15) = 34.5 nats, not infinity.
PROB_FLOOR = 1e-15


def _arrays(onehot, probs) -> tuple[np.ndarray, np.ndarray]:
    y, p = np.asarray(onehot, dtype=float), np.asarray(probs, dtype=float)
    if y.shape != p.shape or y.ndim != 1 or len(y) == 0:
        raise ValueError(f"onehot and probs must be equal-length 1-d arrays, got {y.shape} and {p.shape}")
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("probabilities must lie in [0, 1] with no NaN")
    return y, p


def championship_brier(onehot, probs) -> float:
    """Mean over team-seasons of (p - y)^2."""
    y, p = _arrays(onehot, probs)
    return float(brier_score_loss(y, p, pos_label=1.0)) if y.any() else float(np.mean(p ** 2))


def championship_brier_season_sum(onehot, probs, seasons) -> float:
    """Mean over seasons of the per-season sum of (p - y)^2."""
    y, p = _arrays(onehot, probs)
    seasons = np.asarray(seasons)
    sums = [np.sum((p[seasons == s] - y[seasons == s]) ** 2) for s in np.unique(seasons)]
    return float(np.mean(sums))


def championship_log_loss(onehot, probs) -> float:
    """Mean over champions (= over seasons) of -log p(champion), in nats."""
    y, p = _arrays(onehot, probs)
    if not y.any():
        raise ValueError("log-loss needs at least one champion")
    return float(-np.mean(np.log(np.clip(p[y == 1], PROB_FLOOR, None))))


def _bin_index(p: np.ndarray, n_bins: int) -> np.ndarray:
    """Equal-width bins on [0, 1]; p = 1 falls in the last bin."""
    return np.minimum((p * n_bins).astype(int), n_bins - 1)


def reliability_diagram_data(onehot, probs, n_bins: int = 10) -> list[dict]:
    """Non-empty bins: {bin_low, bin_high, pred_mean, actual_rate, count}."""
    y, p = _arrays(onehot, probs)
    idx = _bin_index(p, n_bins)
    bins = []
    for b in range(n_bins):
        mask = idx == b
        if mask.any():
            bins.append({"bin_low": b / n_bins, "bin_high": (b + 1) / n_bins,
                         "pred_mean": float(p[mask].mean()), "actual_rate": float(y[mask].mean()),
                         "count": int(mask.sum())})
    return bins


def championship_ece(onehot, probs, n_bins: int = 10) -> float:
    """Expected calibration error: sum over bins of (count / N) * |pred_mean - actual_rate|."""
    y, _ = _arrays(onehot, probs)
    return float(sum(b["count"] / len(y) * abs(b["pred_mean"] - b["actual_rate"])
                     for b in reliability_diagram_data(onehot, probs, n_bins)))
