"""The walk-forward plan every fit shares (src/training/walk_forward.py): no fit trains on a
season it scores, and on the synthetic league a season's out-of-sample scores do not move when
that season's outcomes are scrambled."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from src.features.config import OpponentAdjustedConfig, SosSrsConfig, TeamFeatureConfig
from src.features.team_features import build_team_features
from src.splits import OOF, TEST
from src.training.fit_model_b import fit_model_b
from src.training.targets import season_targets
from src.training.walk_forward import FINAL, planned_fits, with_split
from test_model_b_synthetic import MODEL_B, SEASONS


def test_no_planned_fit_trains_on_a_season_it_scores():
    plan = planned_fits(SEASONS)
    *splits, final = plan
    assert final.name == FINAL and final.split is None
    assert final.train_seasons == tuple(SEASONS.known_seasons)
    assert len({p.name for p in plan}) == len(plan)
    for planned in splits:
        split = planned.split
        assert not set(planned.train_seasons) & set(split.predict_seasons)
        if split.kind == TEST:
            assert planned.train_seasons == tuple(range(SEASONS.first_train, split.predict_seasons[0]))
        else:
            assert split.kind == OOF and max(planned.train_seasons) < SEASONS.first_test
    scored = {s for p in splits for s in p.split.predict_seasons}
    assert scored == set(range(SEASONS.first_train, SEASONS.last_test + 1))
    assert planned_fits(SEASONS, final=False) == splits


def test_with_split_puts_the_contract_columns_after_the_key():
    split = planned_fits(SEASONS)[-2].split
    out = with_split(pd.DataFrame({"season": [2016], "team": ["A"], "score_x": [1.0]}), split)
    assert list(out.columns) == ["season", "team", "split", "fold", "max_train_season", "score_x"]
    assert out.iloc[0].tolist() == [2016, "A", TEST, -1, 2015, 1.0]


@pytest.mark.parametrize("season", [2003, 2014])            # an OOF season, a test season
def test_a_seasons_scores_ignore_its_own_outcomes(synthetic_tables, season):
    teams = synthetic_tables.team_seasons
    features = build_team_features(teams, synthetic_tables.player_seasons,
                                   TeamFeatureConfig(SosSrsConfig(True), OpponentAdjustedConfig(True)))
    targets = season_targets(teams, list(range(SEASONS.first_train, SEASONS.last_test + 1)))
    small = dataclasses.replace(MODEL_B, xgb=dataclasses.replace(MODEL_B.xgb, n_estimators=15),
                                rf=dataclasses.replace(MODEL_B.rf, n_estimators=10))
    first = fit_model_b(features, targets, SEASONS, small).scores
    scrambled = targets.copy()
    rows = scrambled["season"] == season
    for col in ("order_label", "relevance", "strength"):
        scrambled.loc[rows, col] = scrambled.loc[rows, col].to_numpy()[::-1]
    again = fit_model_b(features, scrambled, SEASONS, small).scores
    pd.testing.assert_frame_equal(first[first["season"] == season], again[again["season"] == season])
    assert not first[first["season"] > season].equals(again[again["season"] > season])
