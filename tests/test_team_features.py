"""Team context, SoS normalisation and roster summary: values worked out by hand, switches."""
from __future__ import annotations

import pandas as pd
import pytest

from src.errors import ConfigError, DataError
from src.features.config import OpponentAdjustedConfig, SosSrsConfig, TeamFeatureConfig, team_feature_config
from src.features.roster_summary import build_roster_summary
from src.features.team_context import build_team_context
from src.features.team_features import build_team_features
from league_b import make_player_seasons, make_team_seasons


def cfg(sos: bool = True, adj: bool = True) -> TeamFeatureConfig:
    return TeamFeatureConfig(SosSrsConfig(sos), OpponentAdjustedConfig(adj))


def two_teams() -> pd.DataFrame:
    frame = make_team_seasons(seasons=[2001], n_teams=2).copy()
    frame.loc[0, ["o_rtg", "d_rtg", "pace", "sos", "srs"]] = [110.0, 100.0, 100.0, 2.0, 9.0]
    frame.loc[1, ["o_rtg", "d_rtg", "pace", "sos", "srs"]] = [100.0, 104.0, 80.0, -4.0, -7.0]
    return frame


def test_opponent_adjusted_ratings_by_hand():
    out = build_team_context(two_teams(), cfg()).set_index("team")
    # team 0: sos_100 = 2 * 100 / 100 = 2 -> o 110 + 1 = 111, d 100 - 1 = 99, net 12
    assert out.loc["T00", "o_rtg_opp_adjusted"] == pytest.approx(111.0)
    assert out.loc["T00", "d_rtg_opp_adjusted"] == pytest.approx(99.0)
    assert out.loc["T00", "net_rating_opp_adjusted"] == pytest.approx(12.0)
    # team 1: sos_100 = -4 * 100 / 80 = -5 -> o 97.5, d 106.5, net -9
    assert out.loc["T01", "net_rating_opp_adjusted"] == pytest.approx(-9.0)
    assert out.loc["T01", "o_rtg_opp_adjusted"] == pytest.approx(97.5)
    # relative to league: league mean o_rtg = 105
    assert out.loc["T00", "o_rtg_rel"] == pytest.approx(5.0)
    assert out.loc["T01", "o_rtg_opp_adjusted_rel"] == pytest.approx(97.5 - (111 + 97.5) / 2)


def test_switches_change_the_columns_and_nothing_else():
    full = build_team_context(two_teams(), cfg())
    no_adj = build_team_context(two_teams(), cfg(adj=False))
    no_sos = build_team_context(two_teams(), cfg(sos=False))
    assert {"srs", "sos", "net_rating_opp_adjusted"} <= set(full.columns)
    assert "net_rating_opp_adjusted" not in no_adj.columns and "srs" in no_adj.columns
    # opponent adjustment is built from SOS, so it goes with it
    assert not {"srs", "sos", "net_rating_opp_adjusted", "o_rtg_opp_adjusted_rel"} & set(no_sos.columns)
    pd.testing.assert_frame_equal(full[no_adj.columns], no_adj)


def test_roster_summary_by_hand():
    players = pd.DataFrame({
        "season": 2001, "team": "AAA", "player_id": ["a", "b", "c", "d", "e"],
        "mp": [300.0, 100.0, 100.0, 0.0, 500.0],
        "all_star": [False, True, False, False, True],
        "on_court_plus_minus_per_100_poss": [1.0, 2.0, None, 9.0, 3.0],
        "net_plus_minus_per_100_poss": [4.0, -2.0, 0.0, 9.0, 2.0]})
    row = build_roster_summary(players).iloc[0]
    # 0-minute player d ignored; on-court mean over known values: (300*1 + 100*2 + 500*3) / 900
    assert row["roster_on_court_pm"] == pytest.approx(2000 / 900)
    assert row["roster_net_pm"] == pytest.approx((1200 - 200 + 0 + 1000) / 1000)
    # top-3 by minutes: e (500), a (300), then b/c tie at 100 -> player_id order keeps b
    assert row["top3_net_pm"] == pytest.approx((1000 + 1200 - 200) / 900)
    assert row["minutes_top5_share"] == pytest.approx(1.0)
    assert row["minutes_hhi"] == pytest.approx(0.5**2 + 0.3**2 + 0.1**2 + 0.1**2)
    assert row["n_players"] == 4 and row["n_all_stars"] == 2


def test_bad_minutes_name_the_row():
    players = make_player_seasons(make_team_seasons(seasons=[2001], n_teams=2))
    players.loc[3, "mp"] = -1.0
    with pytest.raises(DataError, match="mp.*season=2001.*player_id"):
        build_roster_summary(players)


def test_missing_column_is_a_data_error():
    with pytest.raises(DataError, match="team_seasons.parquet.*sos"):
        build_team_context(make_team_seasons(seasons=[2001]).drop(columns="sos"), cfg())


def test_team_features_one_row_per_team_season():
    teams = make_team_seasons(seasons=[2001, 2002], n_teams=4)
    players = make_player_seasons(teams)
    players = players.loc[~((players.season == 2002) & (players.team == "T03"))]
    out = build_team_features(teams, players, cfg())
    assert len(out) == 8 and not out.duplicated(["season", "team"]).any()
    missing = out.loc[(out.season == 2002) & (out.team == "T03"), "roster_net_pm"]
    assert missing.isna().all()
    assert out["roster_net_pm"].notna().sum() == 7


def test_params_switches_are_read_from_their_own_sections():
    params = {"features": {"sos_srs": {"enabled": False}, "opponent_adjusted": {"enabled": True},
                           "roster": {"max_players": 15}}}
    parsed = team_feature_config(params)
    assert parsed.sos_srs.enabled is False and parsed.opponent_adjusted.enabled is True
    params["features"]["opponent_adjusted"] = {"enabled": True, "k": 0.5}
    with pytest.raises(ConfigError, match="features.opponent_adjusted.*k"):
        team_feature_config(params)
