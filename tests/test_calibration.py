"""Championship calibration metrics against values worked out by hand."""
import numpy as np
import pytest

from src.evaluation.calibration import (championship_brier, championship_brier_season_sum,
                                        championship_ece, championship_log_loss,
                                        reliability_diagram_data)


def test_brier_both_conventions_by_hand():
    y, p = [1, 0, 0, 0], [0.5, 0.25, 0.25, 0.0]
    # (0.25 + 0.0625 + 0.0625 + 0) / 4
    assert championship_brier(y, p) == pytest.approx(0.09375)
    assert championship_brier_season_sum(y, p, [1, 1, 1, 1]) == pytest.approx(0.375)
    # two seasons: sums 0.375 and (0 + 1 + 0 + 0)... mean of per-season sums
    y2, p2 = y + [0, 1, 0, 0], p + [1.0, 0.0, 0.0, 0.0]
    assert championship_brier_season_sum(y2, p2, [1] * 4 + [2] * 4) == pytest.approx((0.375 + 2.0) / 2)


def test_log_loss_is_mean_minus_log_prob_of_champions():
    assert championship_log_loss([1, 0, 0, 0], [0.5, 0.25, 0.25, 0.0]) == pytest.approx(np.log(2))
    uniform = np.full(32, 1 / 16)
    onehot = np.zeros(32)
    onehot[[3, 20]] = 1
    assert championship_log_loss(onehot, uniform) == pytest.approx(np.log(16))
    assert np.isfinite(championship_log_loss([1, 0], [0.0, 1.0]))   # floored, not infinite


def test_ece_and_reliability_bins_by_hand():
    y, p = [0, 1, 1, 1], [0.2, 0.4, 0.6, 0.8]
    bins = reliability_diagram_data(y, p, n_bins=2)
    assert bins == [
        {"bin_low": 0.0, "bin_high": 0.5, "pred_mean": pytest.approx(0.3), "actual_rate": 0.5, "count": 2},
        {"bin_low": 0.5, "bin_high": 1.0, "pred_mean": pytest.approx(0.7), "actual_rate": 1.0, "count": 2},
    ]
    # 2/4 * |0.3 - 0.5| + 2/4 * |0.7 - 1.0|
    assert championship_ece(y, p, n_bins=2) == pytest.approx(0.25)


def test_probability_one_falls_in_last_bin_and_perfect_is_zero():
    bins = reliability_diagram_data([1, 0], [1.0, 0.0], n_bins=10)
    assert [b["bin_low"] for b in bins] == [0.0, 0.9]
    assert championship_ece([1, 0], [1.0, 0.0]) == 0.0
    assert championship_brier([1, 0], [1.0, 0.0]) == 0.0


def test_bad_inputs_raise():
    with pytest.raises(ValueError):
        championship_brier([1, 0], [0.5])
    with pytest.raises(ValueError):
        championship_ece([1, 0], [0.5, np.nan])
    with pytest.raises(ValueError):
        championship_log_loss([0, 0], [0.5, 0.5])
