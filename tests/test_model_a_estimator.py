"""Model A as one fitted object (src/models/model_a/estimator.py): a fit's model saves the
checkpoint the fit wrote, loads back to the same predictions, and get_params is its
architecture."""
from __future__ import annotations

import numpy as np
import pytest

from src.features.config import RosterConfig
from src.features.roster import select_rosters
from src.models.model_a.estimator import SCORE_COLUMN, ModelA
from src.training.fit_model_a import FitTask, fit_model_a, score_seasons

ROSTER = RosterConfig(max_players=8, min_minutes=0, shrink_minutes=500, prior_seasons=2, availability_power=0.5)
TRAIN = (2001, 2002, 2003)


@pytest.fixture
def fitted(tiny_league, model_a_configs_small, series_data):
    players, teams = tiny_league(seasons=(*TRAIN, 2004))
    rosters = select_rosters(players, (*TRAIN, 2004), ROSTER)
    arch, train = model_a_configs_small(epochs=3, refit_on_all=True)
    fit = fit_model_a(FitTask.of(rosters, teams, TRAIN, arch, train, ROSTER, 1, series_data(teams)))
    return fit, players, rosters, arch


def test_fit_save_load_predicts_the_same(fitted, tmp_path):
    fit, players, rosters, arch = fitted
    model = fit.model
    path = model.save(tmp_path / "model_a.pt")
    assert path.read_bytes() == fit.checkpoint_bytes()
    loaded = ModelA.load(path, expected=arch)
    first, again = model.predict(players, [2004]), loaded.predict(players, [2004])
    assert list(first.columns) == ["season", "team", SCORE_COLUMN] and len(first) == 6
    np.testing.assert_array_equal(first[SCORE_COLUMN], again[SCORE_COLUMN])
    # the same scores as the walk-forward runs give the season (scored twice before: one path now)
    np.testing.assert_allclose(first[SCORE_COLUMN], score_seasons(fit, rosters, [2004])[SCORE_COLUMN],
                               rtol=0, atol=1e-6)
    assert loaded.save(tmp_path / "again.pt").read_bytes() == path.read_bytes()


def test_get_params_is_its_architecture(fitted):
    fit, _, _, arch = fitted
    model = fit.model
    assert model.get_params() == {"cfg": fit.trainer.model.config}
    assert model.get_params()["cfg"].with_stat_dim(0) == arch.with_stat_dim(0)
    with pytest.raises(RuntimeError, match="before fit"):
        model.unfitted().predict(None, [2004])
