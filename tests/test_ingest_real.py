"""Facts the ingest must reproduce on the real data (skipped when ../shared is absent)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from src.data import schema
from src.data.ingest import IngestTables
from src.data.playoffs import build_series, clean_games, outcome_disagreements, series_outcomes
from src.data.readers import read_csv
from src.data.team_seasons import read_record_outcomes, season_teams

FIRST_SEASON = 1997
# NBA champions by season (year the season ends), B-Ref codes.
CHAMPIONS = {
    1998: "CHI", 1999: "SAS", 2000: "LAL", 2001: "LAL", 2002: "LAL", 2003: "SAS",
    2004: "DET", 2005: "SAS", 2006: "MIA", 2007: "SAS", 2008: "BOS", 2009: "LAL",
    2010: "LAL", 2011: "DAL", 2012: "MIA", 2013: "MIA", 2014: "SAS", 2015: "GSW",
    2016: "CLE", 2017: "GSW", 2018: "GSW", 2019: "TOR", 2020: "LAL", 2021: "MIL",
    2022: "GSW", 2023: "DEN", 2024: "BOS",
}
# Finals losers, a second fact per season that checks the rank-2 tier.
FINALS_LOSERS = {
    1998: "UTA", 1999: "NYK", 2000: "IND", 2001: "PHI", 2002: "NJN", 2003: "NJN",
    2004: "LAL", 2005: "DET", 2006: "DAL", 2007: "CLE", 2008: "LAL", 2009: "ORL",
    2010: "BOS", 2011: "MIA", 2012: "OKC", 2013: "SAS", 2014: "MIA", 2015: "CLE",
    2016: "GSW", 2017: "CLE", 2018: "CLE", 2019: "GSW", 2020: "MIA", 2021: "PHO",
    2022: "BOS", 2023: "MIA", 2024: "DAL",
}


@pytest.fixture(scope="module")
def tables(real_ingest_tables) -> IngestTables:
    return real_ingest_tables()         # seasons from FIRST_SEASON


@pytest.fixture(scope="module")
def teams(tables: IngestTables) -> pd.DataFrame:
    return tables.team_seasons


def test_champions_1998_to_2024(teams: pd.DataFrame) -> None:
    champs = teams.loc[teams["champion"].fillna(False).astype(bool)]
    got = dict(zip(champs["season"], champs["team"]))
    assert {s: got.get(s) for s in CHAMPIONS} == CHAMPIONS
    assert champs.groupby("season").size().eq(1).all()


def test_finals_losers_rank_two(teams: pd.DataFrame) -> None:
    second = teams.loc[teams["post_playoff_rank"] == 2]
    got = dict(zip(second["season"], second["team"]))
    assert {s: got.get(s) for s in FINALS_LOSERS} == FINALS_LOSERS


def test_post_playoff_rank_is_a_permutation(teams: pd.DataFrame) -> None:
    for season in range(1998, 2025):
        g = teams.loc[teams["season"] == season]
        assert sorted(g["post_playoff_rank"].tolist()) == list(range(1, len(g) + 1)), season
        by_rank = g.sort_values("post_playoff_rank")
        # tiers: 1, 1, 2, 4, 8 playoff teams by series won, then the rest
        assert by_rank["relevance"].tolist() == [5, 4, 3, 3] + [2] * 4 + [1] * 8 + [0] * (len(g) - 16)
        # inside a tier, regular-season win% never increases
        for _, tier in by_rank.groupby("relevance"):
            assert tier["win_pct"].is_monotonic_decreasing, season


def test_sources_agree_where_both_give_outcomes(real_raw_dir: Path, teams: pd.DataFrame) -> None:
    records = read_record_outcomes(real_raw_dir, FIRST_SEASON)
    path = real_raw_dir / schema.PLAYOFF_GAMES.name
    games = clean_games(read_csv(real_raw_dir, schema.PLAYOFF_GAMES), season_teams(teams),
                        path, FIRST_SEASON)
    from_games = series_outcomes(build_series(games, path))
    overlap = set(records["season"]) & set(from_games["season"])
    assert overlap == set(range(2011, 2018))
    assert outcome_disagreements(records, from_games).empty
    assert len(from_games[from_games["season"].isin(overlap)]) == 16 * len(overlap)


def test_two_conferences_sum_to_league(teams: pd.DataFrame) -> None:
    for season, g in teams.groupby("season"):
        sizes = g["conference"].value_counts()
        assert set(sizes.index) == {"E", "W"}, season
        assert sizes.sum() == len(g)
        assert (sizes["E"], sizes["W"]) == ((15, 14) if season <= 2004 else (15, 15)), season


def test_2025_playoff_field_known_outcome_unknown(teams: pd.DataFrame) -> None:
    g = teams.loc[teams["season"] == 2025]
    assert g["made_playoffs"].notna().all() and g["made_playoffs"].sum() == 16
    assert not g.loc[g["team"].isin(["ATL", "CHI", "SAC", "DAL"]), "made_playoffs"].any()
    assert not g["outcome_known"].any()
    for column in ("series_won", "champion", "post_playoff_rank", "relevance"):
        assert g[column].isna().all(), column


def test_2026_in_progress(teams: pd.DataFrame) -> None:
    g = teams.loc[teams["season"] == 2026]
    assert len(g) == 30 and (g["g"] < 82).all()
    assert g["made_playoffs"].isna().all() and not g["outcome_known"].any()


def test_team_table_scope_and_keys(teams: pd.DataFrame) -> None:
    assert teams["season"].min() == FIRST_SEASON and teams["season"].max() == 2026
    assert not teams.duplicated(["season", "team"]).any()
    assert "League Average" not in set(teams["team_name"])
    assert teams.groupby("season").size().loc[1997] == 29
    known = teams.loc[teams["outcome_known"]]
    assert known["season"].min() == FIRST_SEASON and known["season"].max() == 2024
    assert (known["series_won"].between(0, 4)).all()
    assert known["division_finish"].notna().sum() == teams.loc[teams["season"] <= 2017].shape[0]


def test_player_table(tables: IngestTables) -> None:
    players = tables.player_seasons
    assert not players.duplicated(["season", "player_id", "team"]).any()
    assert not players["team"].str.match(r"^(\d+TM|TOT)$").any()
    assert set(players["season"]) == set(range(FIRST_SEASON, 2027))
    lebron_2016 = players[(players["player_id"] == "jamesle01") & (players["season"] == 2016)]
    assert lebron_2016["team"].tolist() == ["CLE"] and lebron_2016["all_star"].all()
    # no All-Star game in the 1999 lockout season
    assert not players.loc[players["season"] == 1999, "all_star"].any()
    assert not {"share", "pts_won", "number_tm"} & set(players.columns)


def test_playoff_series_table(tables: IngestTables) -> None:
    series = tables.playoff_series
    assert set(series["season"]) == set(range(2011, 2025))
    assert series.groupby("season").size().eq(15).all()
    finals_2016 = series[(series["season"] == 2016) & (series["round"] == 4)].iloc[0]
    assert (finals_2016["winner"], finals_2016["loser"], finals_2016["wins"],
            finals_2016["losses"], finals_2016["home_team"]) == ("CLE", "GSW", 4, 3, "GSW")
    assert series.loc[series["round"] == 4, "conference"].isna().all()
    assert series.loc[series["round"] < 4, "conference"].isin(["E", "W"]).all()
