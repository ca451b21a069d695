"""RidgeStacker, level-1 joins and the stacking.models switch."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from src.config import SeasonsConfig
from src.errors import ConfigError, DataError
from src.models.registry import LEVEL1_SOURCES
from src.training.level1 import combine_level1
from src.training.targets import season_targets
from src.models.stacker.config import StackingConfig
from src.models.stacker.fitted import standardise_per_season
from src.training.train_stacking import run_stacking, stack_metrics, with_target
from league_b import ORDER_STACKER, fake_model_a_scores, make_team_seasons

SEASONS = SeasonsConfig(first_train=2000, first_test=2006, last_test=2011, n_oof_folds=3, n_val_seasons=2)
A_FILE, B_FILE = LEVEL1_SOURCES["model_a"][0], LEVEL1_SOURCES["xgb"][0]
ALPHAS = [0.01, 0.1, 1.0, 10.0]


@pytest.fixture(scope="module")
def league():
    teams = make_team_seasons(seasons=range(2000, 2012), n_teams=10)
    a = fake_model_a_scores(teams, SEASONS)
    rng = np.random.default_rng(9)
    b = a.drop(columns="score_model_a").assign(
        score_xgb=lambda f: f.merge(teams, on=["season", "team"])["mov"].to_numpy() * 3 + 100,
        score_rf=rng.normal(0, 1, len(a)))              # an uninformative model
    return teams, {A_FILE: a, B_FILE: b}


def _run(teams, frames, models):
    cfg = StackingConfig(models=models, alphas=ALPHAS, target="order", **ORDER_STACKER)
    level1 = combine_level1(frames, models, SEASONS.first_test)
    targets = season_targets(teams, list(range(2000, 2012)))
    return run_stacking(with_target(level1, targets), SEASONS, cfg), cfg


def test_standardise_per_season_by_hand():
    frame = pd.DataFrame({"season": [1, 1, 1, 2, 2], "s": [1.0, 2.0, 3.0, 5.0, 5.0]})
    z = standardise_per_season(frame, ["s"])["s"].to_numpy()
    np.testing.assert_allclose(z, [-np.sqrt(1.5), 0.0, np.sqrt(1.5), 0.0, 0.0])


def test_stacker_weights_the_informative_model(league):
    teams, frames = league
    run, cfg = _run(teams, frames, ["xgb", "rf"])
    final = run.test_summaries[2011]
    assert final["coef_xgb"] > 0.1 > abs(final["coef_rf"])
    metrics = stack_metrics(run, cfg, teams, SEASONS)
    assert metrics["spearman_test_mean_ensemble"] > 0.6 > metrics["spearman_test_mean_rf"]
    assert {"alpha_final", "coef_xgb_final", "coef_rf_mean_test", "alpha_mean_test"} <= set(metrics)
    assert all(isinstance(v, float) for v in metrics.values())     # flat, for dvc metrics diff


def test_models_switch_changes_the_ensemble(league):
    teams, frames = league
    three, _ = _run(teams, frames, ["model_a", "xgb", "rf"])
    two, _ = _run(teams, frames, ["xgb", "rf"])
    assert "score_model_a" in three.scores and "score_model_a" not in two.scores
    assert not np.allclose(three.scores["score_ensemble"], two.scores["score_ensemble"])
    assert len(three.scores) == len(two.scores) == 12 * 10


def test_missing_level1_file_names_model_and_stage(league):
    teams, frames = league
    with pytest.raises(DataError, match="oof_model_a.parquet.*'model_a'.*train_a"):
        combine_level1({B_FILE: frames[B_FILE], A_FILE: None}, ["model_a", "xgb"], SEASONS.first_test)
    with pytest.raises(ConfigError, match="stacking.models"):
        StackingConfig(models=["xgb", "lasso"], alphas=ALPHAS, target="order", **ORDER_STACKER)


def test_level1_rows_must_agree(league):
    teams, frames = league
    b = frames[B_FILE].copy()
    b.loc[b.index[0], "fold"] = 99
    with pytest.raises(DataError, match="split/fold differ"):
        combine_level1({A_FILE: frames[A_FILE], B_FILE: b}, ["model_a", "xgb"], SEASONS.first_test)
    with pytest.raises(DataError, match="only some"):
        combine_level1({A_FILE: frames[A_FILE].iloc[1:], B_FILE: frames[B_FILE]}, ["model_a", "xgb"],
                       SEASONS.first_test)


def test_deterministic(league):
    teams, frames = league
    first, _ = _run(teams, frames, ["model_a", "xgb", "rf"])
    again, _ = _run(teams, frames, ["model_a", "xgb", "rf"])
    pd.testing.assert_frame_equal(first.scores, again.scores)
