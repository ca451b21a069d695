"""Team features on the real data (skipped when ../shared/data/nba-bref is absent) and on the
project's synthetic league (src/data/synthetic.py), through the ingest tables."""
from __future__ import annotations

import pandas as pd
import pytest

from src.features.config import OpponentAdjustedConfig, SosSrsConfig, TeamFeatureConfig
from src.features.team_features import build_team_features

FULL = TeamFeatureConfig(SosSrsConfig(True), OpponentAdjustedConfig(True))


@pytest.fixture(scope="module")
def real_features(real_ingest_tables):
    tables = real_ingest_tables()
    return tables, build_team_features(tables.team_seasons, tables.player_seasons, FULL)


@pytest.mark.realdata
def test_gsw_2017_opponent_adjustment_by_hand(real_features):
    _, features = real_features
    gsw = features.set_index(["season", "team"]).loc[(2017, "GSW")]
    # Team Summaries.csv 2017 GSW: o_rtg 115.6, d_rtg 104.0, sos -0.28, pace 99.8
    sos_100 = -0.28 * 100 / 99.8
    assert gsw["o_rtg_opp_adjusted"] == pytest.approx(115.6 + sos_100 / 2)
    assert gsw["d_rtg_opp_adjusted"] == pytest.approx(104.0 - sos_100 / 2)
    assert gsw["net_rating_opp_adjusted"] == pytest.approx(11.6 + sos_100)


@pytest.mark.realdata
def test_real_features_are_complete_and_adjusted_net_tracks_srs(real_features):
    tables, features = real_features
    assert len(features) == len(tables.team_seasons)
    assert not features.drop(columns=["season", "team"]).isna().any().any()
    per100 = features["srs"] * 100 / features["pace"]
    assert features["net_rating_opp_adjusted"].corr(per100) > 0.99


def test_synthetic_league_playoff_results_do_not_move_features(synthetic_tables):
    teams, players = synthetic_tables.team_seasons, synthetic_tables.player_seasons
    before = build_team_features(teams, players, FULL)
    flipped = teams.copy()
    season = flipped["season"] == 2010
    for col in ["post_playoff_rank", "relevance", "series_won", "champion"]:
        flipped.loc[season, col] = flipped.loc[season, col].to_numpy()[::-1]
    pd.testing.assert_frame_equal(before, build_team_features(flipped, players, FULL))
    assert before.groupby("season").size().min() >= 29
