"""Model B and the stack end to end on the project's synthetic league (src/data/synthetic.py):
ingest tables -> team features -> every split -> RidgeCV blend."""
from __future__ import annotations

import pytest

from src.config import SeasonsConfig
from src.features.config import OpponentAdjustedConfig, SosSrsConfig, TeamFeatureConfig
from src.features.team_features import build_team_features
from src.training.fit_model_b import fit_model_b, model_b_metrics
from src.models.registry import LEVEL1_SOURCES
from src.training.level1 import combine_level1
from src.models.model_b.config import ModelBConfig, RfConfig, XgbConfig
from src.training.targets import season_targets
from src.models.stacker.config import StackingConfig
from src.training.train_stacking import run_stacking, stack_metrics, with_target
from league_b import ORDER_STACKER

SEASONS = SeasonsConfig(first_train=1998, first_test=2010, last_test=2016, n_oof_folds=3, n_val_seasons=2)
MODEL_B = ModelBConfig(objective="rank:pairwise", seed=7, n_jobs=1,
                       xgb=XgbConfig(n_estimators=60, learning_rate=0.1, max_depth=3, subsample=0.8,
                                     colsample_bytree=0.8, min_child_weight=1.0, reg_lambda=1.0,
                                     early_stopping_rounds=10),
                       rf=RfConfig(n_estimators=40, max_depth=5, min_samples_leaf=5))
STACK = StackingConfig(models=["xgb", "rf"], alphas=[0.1, 1.0, 10.0], target="order", **ORDER_STACKER)


@pytest.fixture(scope="module")
def synthetic_run(synthetic_tables):
    teams = synthetic_tables.team_seasons
    features = build_team_features(teams, synthetic_tables.player_seasons,
                                   TeamFeatureConfig(SosSrsConfig(True), OpponentAdjustedConfig(True)))
    targets = season_targets(teams, SEASONS.known_seasons)
    model_b = fit_model_b(features, targets, SEASONS, MODEL_B)
    level1 = combine_level1({LEVEL1_SOURCES["xgb"][0]: model_b.scores}, STACK.models, SEASONS.first_test)
    stack = run_stacking(with_target(level1, targets), SEASONS, STACK)
    return teams, model_b, stack


def test_models_rank_the_synthetic_league(synthetic_run):
    teams, model_b, stack = synthetic_run
    b = model_b_metrics(model_b, teams, SEASONS)
    s = stack_metrics(stack, STACK, teams, SEASONS)
    # seed 0 gives ~0.93-0.95 for each and 0.93 for rank-by-SRS; regular-season stats drive the order
    assert b["spearman_test_mean_xgb"] > 0.85 and b["spearman_test_mean_rf"] > 0.85
    assert s["spearman_test_mean_ensemble"] > max(0.85, s["spearman_test_mean_srs_baseline"] - 0.05)
    assert s["coef_xgb_final"] + s["coef_rf_final"] > 0          # the blend leans on the models


def test_scores_cover_every_team_season_once(synthetic_run):
    teams, _, stack = synthetic_run
    expected = teams.loc[teams["season"].between(SEASONS.first_train, SEASONS.last_test)]
    assert len(stack.scores) == len(expected)
    assert not stack.scores.duplicated(["season", "team"]).any()
    test = stack.scores.loc[stack.scores["split"] == "test"]
    assert (test["max_train_season"] < test["season"]).all()
