"""XGBoost learning playoff outcomes (model_b.playoff): query groups by hand, and a model trained
on series alone learns which teams win them, reading only its training seasons' series."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from src.models.model_b.config import ModelBConfig, PlayoffObjectiveConfig, RfConfig, XgbConfig
from src.training.targets import TARGET_COLUMNS, season_targets
from src.models.model_b.model import ModelB
from src.models.model_b.playoff import PLAYOFF_SCORE, PlayoffRows, playoff_groups
from league_b import make_team_seasons

CFG = ModelBConfig(objective="rank:pairwise", seed=7, n_jobs=1,
                   xgb=XgbConfig(n_estimators=60, learning_rate=0.1, max_depth=2, subsample=1.0,
                                 colsample_bytree=1.0, min_child_weight=1.0, reg_lambda=1.0,
                                 early_stopping_rounds=10),
                   rf=RfConfig(n_estimators=10, max_depth=3, min_samples_leaf=3),
                   playoff=PlayoffObjectiveConfig(enabled=True, order_weight=0.0))


def test_query_groups_by_hand():
    seasons = np.array([1, 1, 1, 2, 2])
    teams = np.array(["A", "B", "C", "A", "B"])
    series = pd.DataFrame({"season": [1, 2], "home_team": ["A", "A"], "away_team": ["C", "B"],
                           "winner": ["C", "A"]})
    rows, labels, qid, weights = playoff_groups(seasons, teams, np.array([2, 1, 0, 1, 0]), series, 0.5)
    # season 1: its order (rows 0-2, weight 0.5), then C beat A; season 2: order, then A beat B
    assert rows.tolist() == [0, 1, 2, 2, 0, 3, 4, 3, 4]
    assert labels.tolist() == [2, 1, 0, 1, 0, 1, 0, 1, 0]
    assert qid.tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3]
    assert weights.tolist() == [0.5, 1.0, 0.5, 1.0]
    rows, _, qid, weights = playoff_groups(seasons, teams, np.zeros(5), series, 0.0)
    assert rows.tolist() == [2, 0, 3, 4] and weights.tolist() == [1.0, 1.0]      # series only


def _series_from_strength(teams: pd.DataFrame, seed: int) -> pd.DataFrame:
    """15 series a season between random pairs; the stronger (true mov) team wins 85% of them."""
    rng = np.random.default_rng(seed)
    rows = []
    for season, g in teams.groupby("season"):
        names, mov = g["team"].to_numpy(), g["mov"].to_numpy()
        for _ in range(15):
            i, j = rng.choice(len(names), 2, replace=False)
            strong, weak = (i, j) if mov[i] > mov[j] else (j, i)
            winner = strong if rng.random() < 0.85 else weak
            rows.append({"season": season, "home_team": names[i], "away_team": names[j],
                         "winner": names[winner]})
    return pd.DataFrame(rows)


def test_series_alone_teach_the_strength_order():
    teams = make_team_seasons(seasons=range(2000, 2012), n_teams=12)
    features = teams[["season", "team", "mov", "pace", "age"]]
    rows = features.merge(season_targets(teams, list(range(2000, 2012))), on=["season", "team"])
    train, test = rows[rows["season"] < 2011], rows[rows["season"] == 2011]
    series = _series_from_strength(teams, seed=3)
    cols = ["mov", "pace", "age"]
    trainer = ModelB(CFG).fit(train[cols], train[TARGET_COLUMNS], train["season"].to_numpy(),
                                     playoff=PlayoffRows(teams=train["team"].to_numpy(), series=series))
    score = trainer.predict(test[cols])[PLAYOFF_SCORE]
    assert spearmanr(score, test["mov"]).correlation > 0.8
    # the same fit with season 2011's series scrambled (the season it scores) gives the same scores
    scrambled = series.copy()
    last = scrambled["season"] == 2011
    scrambled.loc[last, "winner"] = scrambled.loc[last, "away_team"]
    again = ModelB(CFG).fit(train[cols], train[TARGET_COLUMNS], train["season"].to_numpy(),
                                   playoff=PlayoffRows(teams=train["team"].to_numpy(), series=scrambled))
    assert np.array_equal(again.predict(test[cols])[PLAYOFF_SCORE], score)


def test_enabled_playoff_objective_needs_the_series():
    teams = make_team_seasons(seasons=range(2000, 2003), n_teams=8)
    rows = teams.merge(season_targets(teams, [2000, 2001, 2002]), on=["season", "team"], suffixes=("_t", ""))
    with pytest.raises(ValueError, match="model_b.playoff"):
        ModelB(CFG).fit(rows[["mov"]], rows[TARGET_COLUMNS], rows["season"].to_numpy())
    off = dataclasses.replace(CFG, playoff=PlayoffObjectiveConfig(enabled=False, order_weight=0.0))
    out = ModelB(off).fit(rows[["mov"]], rows[TARGET_COLUMNS], rows["season"].to_numpy()).predict(rows[["mov"]])
    assert PLAYOFF_SCORE not in out
