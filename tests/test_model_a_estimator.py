"""Model A as one fitted object (src/models/model_a/estimator.py): a fit's model saves the
checkpoint the fit wrote, loads back to the same predictions, and get_params is its
architecture."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from src.features.config import RosterConfig
from src.features.roster import select_rosters
from src.models.model_a.estimator import SCORE_COLUMN, ModelA
from src.models.model_a.fit import FitTask, fit_model_a, score_seasons

ROSTER = RosterConfig(max_players=8, min_minutes=0, shrink_minutes=500, prior_seasons=2, availability_power=0.5)
TRAIN = (2001, 2002, 2003)


@pytest.fixture
def task(tiny_league, model_a_configs_small, series_data):
    players, teams = tiny_league(seasons=(*TRAIN, 2004))
    rosters = select_rosters(players, (*TRAIN, 2004), ROSTER)
    arch, train = model_a_configs_small(epochs=3, refit_on_all=True)
    return FitTask.of(rosters, teams, TRAIN, arch, train, ROSTER, 1, series_data(teams)), players, rosters


@pytest.fixture
def fitted(task):
    fit_task, players, rosters = task
    return fit_model_a(fit_task), players, rosters, fit_task.model_cfg


def test_the_estimator_fits_itself_to_the_same_checkpoint(task, fitted, tmp_path):
    """ModelA(cfg).fit(task) returns itself, fitted to the bytes fit_model_a(task) writes."""
    fit_task, players, _ = task
    fit, _, _, arch = fitted
    model = ModelA(arch)
    assert model.fit(fit_task) is model
    assert model.checkpoint == fit.checkpoint_bytes()
    assert model.save(tmp_path / "a.pt").read_bytes() == fit.checkpoint_bytes()
    assert model.get_params() == {"cfg": arch}          # fit leaves the params as given
    assert model.fit_result.best_epoch == fit.best_epoch
    np.testing.assert_array_equal(model.predict(players, [2004])[SCORE_COLUMN],
                                  ModelA.of_fit(fit).predict(players, [2004])[SCORE_COLUMN])


def test_the_estimator_refuses_a_task_of_another_architecture(task):
    fit_task, _, _ = task
    other = dataclasses.replace(fit_task.model_cfg, value_hidden=fit_task.model_cfg.value_hidden + 1)
    with pytest.raises(ValueError, match="model_cfg"):
        ModelA(other).fit(fit_task)


def test_fit_save_load_predicts_the_same(fitted, tmp_path):
    fit, players, rosters, arch = fitted
    model = ModelA.of_fit(fit)
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
    model = ModelA.of_fit(fit)
    assert model.get_params() == {"cfg": fit.trainer.model.config}
    assert model.get_params()["cfg"].with_stat_dim(0) == arch.with_stat_dim(0)
    with pytest.raises(RuntimeError, match="before fit"):
        model.unfitted().predict(None, [2004])
