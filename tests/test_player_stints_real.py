"""On the real files: a traded player's team rows follow the order he played for them, in
Player Play By Play.csv and Per 100 Poss.csv alike, and ingest marks his final team."""
from __future__ import annotations

import pandas as pd
import pytest

from src.data import schema
from src.data.players import MULTI_TEAM

# (player_id, season): teams in the order he played for them (well-known deadline trades)
KNOWN_TRADES = {("hardeja01", 2021): ["HOU", "BRK"], ("duranke01", 2023): ["BRK", "PHO"],
                ("doncilu01", 2025): ["DAL", "LAL"], ("anthoca01", 2011): ["DEN", "NYK"],
                ("gasolpa01", 2008): ["MEM", "LAL"], ("irvinky01", 2023): ["BRK", "DAL"]}


@pytest.fixture(scope="module")
def player_seasons(real_ingest_tables):
    return real_ingest_tables().player_seasons


def test_known_trades_end_on_the_right_team(player_seasons):
    for (pid, season), teams in KNOWN_TRADES.items():
        rows = player_seasons[(player_seasons["player_id"] == pid)
                              & (player_seasons["season"] == season)].sort_values("stint")
        assert rows["team"].tolist() == teams, (pid, season)
        assert rows["final_team"].tolist() == [False, True]
        assert rows["pts_per_100_poss"].notna().all()          # Per 100 Poss joined


def test_both_files_list_stints_in_the_same_order(real_raw_dir):
    def order(name: str) -> pd.Series:
        rows = pd.read_csv(real_raw_dir / name, usecols=["season", "player_id", "team"])
        rows = rows[rows["season"].between(1997, 2025) & ~rows["team"].str.match(MULTI_TEAM)]
        return rows.groupby(["season", "player_id"], sort=False)["team"].agg(tuple)

    pbp, per_100 = order(schema.PLAYER_PBP.name), order(schema.PLAYER_PER_100.name)
    both = pd.concat([pbp.rename("pbp"), per_100.rename("per_100")], axis=1).dropna()
    traded = both[both["pbp"].map(len) > 1]
    assert len(traded) > 1500                                   # 1,710 when written
    assert (traded["pbp"] == traded["per_100"]).all()


def test_one_final_team_per_player_season(player_seasons):
    finals = player_seasons.groupby(["season", "player_id"])["final_team"].sum()
    assert (finals == 1).all()
    last = player_seasons.loc[player_seasons["final_team"]]
    n_stints = player_seasons.groupby(["season", "player_id"])["stint"].max()
    assert (last.set_index(["season", "player_id"])["stint"] == n_stints.reindex(
        last.set_index(["season", "player_id"]).index)).all()
