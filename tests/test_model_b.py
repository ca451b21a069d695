"""ModelB and the split runner on a small hand-made league."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from scipy.stats import spearmanr

from src.config import SeasonsConfig
from src.errors import ConfigError, DataError
from src.features.config import OpponentAdjustedConfig, SosSrsConfig, TeamFeatureConfig
from src.features.team_features import build_team_features
from src.training.fit_model_b import fit_model_b
from src.models.model_b.config import ModelBConfig, RfConfig, XgbConfig, model_b_config
from src.training.targets import TARGET_COLUMNS, season_targets
from src.models.model_b.files import load_rf, load_xgb
from src.models.model_b.model import ModelB
from league_b import make_player_seasons, make_team_seasons

SEASONS = SeasonsConfig(first_train=2000, first_test=2006, last_test=2011, n_oof_folds=3, n_val_seasons=2)
CFG = ModelBConfig(objective="rank:pairwise", seed=7, n_jobs=1,
                   xgb=XgbConfig(n_estimators=40, learning_rate=0.1, max_depth=2, subsample=0.8,
                                 colsample_bytree=0.8, min_child_weight=1.0, reg_lambda=1.0,
                                 early_stopping_rounds=5),
                   rf=RfConfig(n_estimators=30, max_depth=4, min_samples_leaf=3))


@pytest.fixture(scope="module")
def league():
    teams = make_team_seasons(seasons=range(2000, 2012), n_teams=12)
    features = build_team_features(teams, make_player_seasons(teams),
                                   TeamFeatureConfig(SosSrsConfig(True), OpponentAdjustedConfig(True)))
    targets = season_targets(teams, list(range(2000, 2012)))
    return features, targets


def _xy(features, targets, seasons):
    rows = features.merge(targets, on=["season", "team"]).query("season in @seasons")
    return rows[[c for c in features.columns if c not in ("season", "team")]], rows[TARGET_COLUMNS], rows


def test_config_rejects_unknown_objective_and_keys():
    raw = {"objective": "rank:map", "seed": 1, "n_jobs": 1, "xgb": dataclasses.asdict(CFG.xgb),
           "rf": dataclasses.asdict(CFG.rf), "playoff": {"enabled": False, "order_weight": 0.1}}
    with pytest.raises(ConfigError, match="model_b.objective"):
        model_b_config({"model_b": raw})
    with pytest.raises(ConfigError, match="model_b.rf"):
        model_b_config({"model_b": {**raw, "objective": "rank:ndcg", "rf": {"n_estimators": 3}}})


@pytest.mark.parametrize("objective", ["rank:pairwise", "rank:ndcg", "reg:squarederror"])
def test_trainer_learns_and_is_deterministic(league, objective):
    features, targets = league
    cfg = dataclasses.replace(CFG, objective=objective)
    X, y, rows = _xy(features, targets, list(range(2000, 2009)))
    Xv, yv, vrows = _xy(features, targets, [2009, 2010])
    Xt, _, trows = _xy(features, targets, [2011])
    first = ModelB(cfg).fit(X, y, rows["season"].to_numpy(), Xv, yv, vrows["season"].to_numpy())
    again = ModelB(cfg).fit(X, y, rows["season"].to_numpy(), Xv, yv, vrows["season"].to_numpy())
    scores = first.predict(Xt)
    pd.testing.assert_frame_equal(scores, again.predict(Xt))
    assert 1 <= first.n_rounds <= CFG.xgb.n_estimators and 0 < first.val_ndcg <= 1
    for col in ["score_xgb", "score_rf"]:   # strength drives both stats and outcome in this league
        assert spearmanr(scores[col], -trows["post_playoff_rank"]).statistic > 0.5


def test_objective_switch_changes_scores(league):
    features, targets = league
    X, y, rows = _xy(features, targets, list(range(2000, 2011)))
    pairwise = ModelB(CFG).fit(X, y, rows["season"].to_numpy()).predict(X)
    regression = ModelB(dataclasses.replace(CFG, objective="reg:squarederror")).fit(
        X, y, rows["season"].to_numpy()).predict(X)
    assert not np.allclose(pairwise["score_xgb"], regression["score_xgb"])
    np.testing.assert_allclose(pairwise["score_rf"], regression["score_rf"])   # the forest ignores it


def test_save_and_safe_load_round_trip(league, tmp_path):
    features, targets = league
    X, y, rows = _xy(features, targets, list(range(2000, 2006)))
    trainer = ModelB(CFG).fit(X, y, rows["season"].to_numpy())
    trainer.save(tmp_path / "xgb.json", tmp_path / "rf.skops")
    assert (tmp_path / "xgb.json").read_text().startswith("{")
    np.testing.assert_allclose(load_xgb(tmp_path / "xgb.json", CFG.objective).predict(X),
                               trainer.predict(X)["score_xgb"], rtol=1e-6)
    rf = load_rf(tmp_path / "rf.skops")
    assert list(rf.feature_names_in_) == list(X.columns)      # column order travels with the model
    np.testing.assert_allclose(rf.predict(X),
                               trainer.predict(X)["score_rf"])
    imp = trainer.importances()
    assert set(imp["xgb_gain"]) == set(X.columns) and sum(imp["xgb_gain"].values()) == pytest.approx(1.0)


def test_load_rf_refuses_unexpected_types(tmp_path):
    import os
    from sklearn.preprocessing import FunctionTransformer
    sio.dump(FunctionTransformer(os.system), tmp_path / "bad.skops")   # would run a shell on use
    with pytest.raises(DataError, match="untrusted types.*system"):
        load_rf(tmp_path / "bad.skops")
    sio.dump(FunctionTransformer(np.exp), tmp_path / "other.skops")     # safe types, wrong model
    with pytest.raises(DataError, match="not a RandomForestRegressor"):
        load_rf(tmp_path / "other.skops")


def test_fit_model_b_rows_follow_the_split_policy(league):
    features, targets = league
    run = fit_model_b(features, targets, SEASONS, CFG)
    scores = run.scores
    assert not scores.duplicated(["season", "team"]).any()
    assert sorted(scores["season"].unique()) == list(range(2000, 2012))
    assert len(scores) == 12 * 12
    test, oof = scores[scores.split == "test"], scores[scores.split == "oof"]
    assert (test["max_train_season"] == test["season"] - 1).all() and (test["fold"] == -1).all()
    assert (oof["max_train_season"] < SEASONS.first_test).all()
    assert set(oof["fold"]) == {0, 1, 2}
    assert scores[["score_xgb", "score_rf"]].notna().all().all()
    assert set(run.rounds) >= {"final", "test 2011"}
