"""The split policy, end to end: for every test season t, no training row of any model whose
scores reach t's ensemble (Model A, XGBoost, RF, the stacker) comes from a season >= t."""
from __future__ import annotations


import pytest

from src.config import SeasonsConfig
from src.errors import DataError
from src.features.config import OpponentAdjustedConfig, SosSrsConfig, TeamFeatureConfig
from src.features.team_features import build_team_features
from src.training.fit_model_b import fit_model_b
from src.models.registry import LEVEL1_SOURCES
from src.training.level1 import combine_level1
from src.models.model_b.config import ModelBConfig, RfConfig, XgbConfig
from src.splits import all_splits
from src.training.targets import season_targets
from src.models.stacker.config import StackingConfig
from src.training.train_stacking import run_stacking, with_target
from league_b import ORDER_STACKER, fake_model_a_scores, make_player_seasons, make_team_seasons

SEASONS = SeasonsConfig(first_train=2000, first_test=2006, last_test=2010, n_oof_folds=3, n_val_seasons=2)
MODEL_B = ModelBConfig(objective="rank:pairwise", seed=1, n_jobs=1,
                       xgb=XgbConfig(n_estimators=20, learning_rate=0.2, max_depth=2, subsample=1.0,
                                     colsample_bytree=1.0, min_child_weight=1.0, reg_lambda=1.0,
                                     early_stopping_rounds=5),
                       rf=RfConfig(n_estimators=10, max_depth=3, min_samples_leaf=3))
STACK = StackingConfig(models=["model_a", "xgb", "rf"], alphas=[0.1, 1.0, 10.0], target="order", **ORDER_STACKER)
A_FILE, B_FILE = LEVEL1_SOURCES["model_a"][0], LEVEL1_SOURCES["xgb"][0]


@pytest.fixture(scope="module")
def pipeline():
    teams = make_team_seasons(seasons=range(2000, 2011), n_teams=8)
    features = build_team_features(teams, make_player_seasons(teams),
                                   TeamFeatureConfig(SosSrsConfig(True), OpponentAdjustedConfig(True)))
    targets = season_targets(teams, list(range(2000, 2011)))
    model_b = fit_model_b(features, targets, SEASONS, MODEL_B)
    frames = {A_FILE: fake_model_a_scores(teams, SEASONS), B_FILE: model_b.scores}
    level1 = combine_level1(frames, STACK.models, SEASONS.first_test)
    return frames, run_stacking(with_target(level1, targets), SEASONS, STACK)


def test_no_model_behind_a_test_season_saw_it(pipeline):
    frames, stack = pipeline
    splits = {s.predict_seasons[0]: s for s in all_splits(SEASONS) if s.kind == "test"}
    for t in SEASONS.test_seasons:
        assert max(splits[t].train_seasons) < t                         # level-1 models' split
        for frame in frames.values():                                   # what they recorded
            rows = frame.loc[frame["season"] == t]
            assert len(rows) and (rows["split"] == "test").all() and (rows["max_train_season"] < t).all()
        assert max(stack.fits[f"test {t}"]) < t                         # the stacker
        scored = stack.scores.loc[stack.scores["season"] == t]
        assert len(scored) == 8 and (scored["max_train_season"] == t - 1).all()


def test_oof_rows_use_other_folds_and_pre_test_seasons_only(pipeline):
    _, stack = pipeline
    oof = stack.scores.loc[stack.scores["split"] == "oof"]
    assert (oof["max_train_season"] < SEASONS.first_test).all()
    for fold, rows in oof.groupby("fold"):
        assert not set(rows["season"]) & set(stack.fits[f"oof fold {fold}"])


def test_a_leaking_level1_row_is_refused(pipeline):
    frames, _ = pipeline
    leaky = frames[B_FILE].copy()
    row = leaky.index[(leaky["split"] == "test")][0]
    leaky.loc[row, "max_train_season"] = leaky.loc[row, "season"]
    with pytest.raises(DataError, match="not out of sample"):
        combine_level1({**frames, B_FILE: leaky}, STACK.models, SEASONS.first_test)
    leaky_oof = frames[B_FILE].copy()
    leaky_oof.loc[leaky_oof["split"] == "oof", "max_train_season"] = SEASONS.first_test
    with pytest.raises(DataError, match="not out of sample"):
        combine_level1({**frames, B_FILE: leaky_oof}, ["xgb"], SEASONS.first_test)


def test_season_ranges_come_from_the_seasons_config():
    # the one place first_train..last_test (and the season after it) is written
    assert SEASONS.known_seasons == list(range(2000, 2011)) and SEASONS.next_season == 2011
    assert SEASONS.known_and_next_seasons == [*SEASONS.known_seasons, 2011]
    assert SEASONS.oof_seasons + SEASONS.test_seasons == SEASONS.known_seasons
