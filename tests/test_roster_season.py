"""End-of-season rosters: a traded player is on the team he finished with, his rates come from
his whole season, shrunk toward his earlier seasons; availability sets expected minutes."""
from __future__ import annotations

import pandas as pd
import pytest

from src.features.roster import select_rosters
from src.features.config import RosterConfig

ON = "on_court_plus_minus_per_100_poss"


def _cfg(**overrides) -> RosterConfig:
    values = dict(max_players=15, min_minutes=0, shrink_minutes=0, prior_seasons=2,
                  availability_power=0.5)
    return RosterConfig(**{**values, **overrides})


def _traded(tiny_league):
    """p0x0 plays 1000 minutes for T0 then 500 for T1 in 2001 (two stints)."""
    players, _ = tiny_league(seasons=(2001,), n_teams=2, n_players=4)
    first = players["player_id"] == "p0x0"
    players.loc[first, ["mp", "g", "gs", ON]] = [1000.0, 40.0, 40.0, 6.0]
    second = players.loc[first].assign(team="T1", stint=2, mp=500.0, g=30.0, gs=0.0)
    second[ON] = -3.0
    players.loc[first, "final_team"] = False
    return pd.concat([players, second], ignore_index=True)


def test_traded_player_is_on_his_final_team_with_whole_season_rates(tiny_league):
    rosters = select_rosters(_traded(tiny_league), [2001], _cfg())
    mine = rosters[rosters["player_id"] == "p0x0"]
    assert mine["team"].tolist() == ["T1"]                         # not on T0 any more
    row = mine.iloc[0]
    assert (row["mp"], row["g"], row["gs"]) == (1500.0, 70.0, 40.0)   # every stint
    assert row[ON] == pytest.approx((1000 * 6.0 - 500 * 3.0) / 1500)  # minutes-weighted
    assert rosters.groupby("team").size().to_dict() == {"T0": 3, "T1": 5}


def test_rates_shrink_toward_earlier_seasons_then_the_league(tiny_league):
    players, _ = tiny_league(seasons=(2001, 2002), n_teams=2, n_players=4)
    pid = players["player_id"] == "p0x1"
    players.loc[pid & (players["season"] == 2001), ["mp", ON]] = [2000.0, 8.0]
    players.loc[pid & (players["season"] == 2002), ["mp", ON]] = [500.0, -4.0]
    rookie = (players["player_id"] == "p1x3") & (players["season"] == 2002)
    players = players[~((players["player_id"] == "p1x3") & (players["season"] == 2001))]
    players.loc[rookie, ["mp", ON]] = [250.0, 20.0]
    rosters = select_rosters(players, [2002], _cfg(shrink_minutes=500))
    got = rosters.set_index("player_id")[ON]
    assert got["p0x1"] == pytest.approx((500 * -4.0 + 500 * 8.0) / 1000)
    season = players[players["season"] == 2002]
    league = (season["mp"] * season[ON]).sum() / season["mp"].sum()
    assert got["p1x3"] == pytest.approx((250 * 20.0 + 500 * league) / 750)   # no history
    # season 2002 never reaches 2001's rosters
    assert select_rosters(players, [2001], _cfg(shrink_minutes=500)).set_index(
        "player_id")[ON]["p0x1"] == pytest.approx((2000 * 8.0 + 500 * players.loc[
            players["season"] == 2001].pipe(lambda s: (s["mp"] * s[ON]).sum() / s["mp"].sum()))
            / 2500)


def test_a_star_who_missed_games_keeps_most_of_his_role(tiny_league):
    players, _ = tiny_league(seasons=(2001,), n_teams=1, n_players=3)
    players[["mp", "g"]] = [[36.0 * 35, 35.0], [30.0 * 70, 70.0], [20.0 * 70, 70.0]]
    rosters = select_rosters(players, [2001], _cfg()).set_index("player_id")
    weights = pd.Series({"p0x0": 36 * 0.5 ** 0.5, "p0x1": 30.0, "p0x2": 20.0})
    assert rosters["minutes_share"].to_dict() == pytest.approx((weights / weights.sum()).to_dict())
    assert rosters.loc["p0x0", "games_share"] == pytest.approx(0.5)
    assert rosters.loc["p0x0", "minutes_per_game"] == pytest.approx(36.0)
