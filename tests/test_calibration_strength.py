"""Score -> points map, temperature and the paired bootstrap, by hand."""
import numpy as np
import pandas as pd
import pytest

from src.errors import DataError
from src.evaluation.bootstrap import paired_bootstrap
from src.odds.strength_calibration import fit_points_map, fit_temperature, temper


def test_points_map_recovers_a_linear_scale():
    # score = srs / 2 + season offset: standardised score times the SRS spread gives SRS back
    srs = np.array([6.0, 2.0, -2.0, -6.0])
    train = pd.DataFrame({"season": [1, 1, 1, 1, 2, 2, 2, 2], "srs": np.r_[srs, srs + 1],
                          "score": np.r_[srs / 2 + 10, srs / 2 - 3]})
    pmap = fit_points_map(train, "score")
    assert pmap.slope == pytest.approx(np.std(srs))     # z = srs / std(srs)
    assert pmap.max_season == 2


def test_points_map_needs_two_seasons_and_spread():
    with pytest.raises(DataError, match="fewer than 2"):
        fit_points_map(pd.DataFrame({"season": [1, 1], "srs": [1.0, 2.0], "score": [1.0, 2.0]}), "score")
    flat = pd.DataFrame({"season": [1, 1, 2, 2], "srs": [1.0, 2.0, 1.0, 2.0], "score": [1.0, 1.0, 0.0, 1.0]})
    with pytest.raises(DataError, match="season 1 has identical values"):
        fit_points_map(flat, "score")


def test_temper_by_hand():
    # T = 1/2 squares and renormalises: (0.8^2, 0.2^2) / 0.68
    assert temper(np.array([0.8, 0.2]), 0.5) == pytest.approx([0.64 / 0.68, 0.04 / 0.68])
    assert temper(np.array([0.8, 0.2]), 1.0) == pytest.approx([0.8, 0.2])


def test_fit_temperature_flattens_overconfident_odds():
    # odds say 0.9 for team 0 but team 0 wins half the time: the best T > 1
    logp = [np.log(np.array([0.9, 0.1]))] * 10
    t = fit_temperature(logp, [0, 1] * 5, [0.05, 20.0])
    # ML solution: tempered odds 0.5 / 0.5, reached only as T -> infinity; the bound stops it
    assert t == pytest.approx(20.0, rel=1e-3)
    t = fit_temperature(logp, [0] * 9 + [1], [0.05, 20.0])
    assert t == pytest.approx(1.0, abs=1e-3)            # already calibrated


def test_paired_bootstrap_by_construction():
    out = paired_bootstrap([1.0, 1.0, 1.0], [2.0, 2.0, 2.0], 100, 0, 0.9, lower_is_better=True)
    assert out == {"diff": -1.0, "low": -1.0, "high": -1.0, "win_share": 1.0}
    out = paired_bootstrap([0.0, 2.0], [1.0, 1.0], 2000, 0, 0.9, lower_is_better=False)
    # resampled means of {-1, +1}: -1 (1/4), 0 (1/2), +1 (1/4); "wins" = mean > 0
    assert out["diff"] == 0.0 and out["low"] == -1.0 and out["high"] == 1.0
    assert out["win_share"] == pytest.approx(0.25, abs=0.03)
