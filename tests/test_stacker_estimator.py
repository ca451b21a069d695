"""The stacker as an estimator (src/models/stacker/estimator.py): fit -> save -> load predicts
the same for both objectives, get_params is its `stacking` config, and the stack stage's final
fit (fit_final_stacker) is this estimator's fit."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from src.models.stacker.estimator import Stacker
from src.models.stacker.ridge import RidgeStacker
from src.training.targets import stacking_target
from src.training.train_stacking import fit_final_stacker
from test_series_stacker import CFG, MODEL, SEASONS, _league


@pytest.fixture(scope="module")
def history():
    level1, series = _league(range(2000, 2012), seed=5)
    # a known order for objective order: the true strength behind score_xgb, ranked per season
    level1["strength"] = level1.groupby("season")["score_xgb"].rank(pct=True)
    return level1, series


def _fit(cfg, level1, series):
    y = stacking_target(level1, cfg.target) if cfg.objective == "order" else None
    return Stacker(cfg).fit(level1, y, first_test=SEASONS.first_test, series=series, game_model=MODEL)


@pytest.mark.parametrize("objective", ["series", "order"])
def test_fit_save_load_predicts_the_same(history, objective, tmp_path):
    level1, series = history
    cfg = dataclasses.replace(CFG, objective=objective)
    stacker = _fit(cfg, level1, series)
    assert stacker.get_params() == {"cfg": cfg}
    loaded = Stacker.load(stacker.save(tmp_path / "stacker.json"))
    np.testing.assert_allclose(loaded.predict(level1), stacker.predict(level1), rtol=0, atol=1e-12)
    assert np.corrcoef(stacker.predict(level1), level1["score_xgb"])[0, 1] > 0.5
    final = fit_final_stacker(level1, cfg, series, MODEL, SEASONS.first_test)
    assert final.to_dict() == stacker.fitted.to_dict()


def test_the_ridge_is_an_estimator_of_its_config(history):
    level1, _ = history
    cfg = dataclasses.replace(CFG, objective="order")
    ridge = RidgeStacker(cfg).fit(level1, stacking_target(level1, cfg.target))
    assert ridge.get_params() == {"cfg": cfg} and ridge.unfitted().ridge is None
    with pytest.raises(RuntimeError, match="before fit"):
        Stacker(cfg).predict(level1)
