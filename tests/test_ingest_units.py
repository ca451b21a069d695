"""Small pieces of the ingest, with values worked out by hand."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from src.data.conferences import REALIGNMENT, conference_of
from src.data.outcomes import add_outcome_columns
from src.data.playoffs import map_nba_codes, series_won_from_text
from src.errors import DataError

PATH = Path("games.csv")


def test_rank_tiers_and_tie_breaks() -> None:
    # 6-team toy season: champion, runner-up, two first-round losers tied on win%
    # (SRS breaks it), two non-playoff teams tied on win% and SRS (team code breaks it).
    teams = pd.DataFrame({
        "season": 2000, "team": ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"],
        "made_playoffs": [True, True, True, True, False, False],
        "series_won": [4, 3, 0, 0, 0, 0],
        "win_pct": [0.50, 0.70, 0.60, 0.60, 0.65, 0.65],
        "srs": [0.0, 5.0, 1.0, 2.0, 3.0, 3.0],
        "outcome_known": True})
    out = add_outcome_columns(teams).set_index("team")
    assert out["post_playoff_rank"].to_dict() == {"AAA": 1, "BBB": 2, "DDD": 3, "CCC": 4,
                                                  "EEE": 5, "FFF": 6}
    assert out["relevance"].tolist() == [5, 4, 1, 1, 0, 0]
    assert out["champion"].tolist() == [True, False, False, False, False, False]


def test_unknown_outcome_gives_nulls() -> None:
    teams = pd.DataFrame({"season": 2025, "team": ["AAA", "BBB"], "made_playoffs": [True, False],
                          "series_won": [pd.NA, 0], "win_pct": [0.6, 0.4], "srs": [1.0, -1.0],
                          "outcome_known": False})
    out = add_outcome_columns(teams)
    for column in ("series_won", "champion", "post_playoff_rank", "relevance"):
        assert out[column].isna().all(), column
    assert out["made_playoffs"].tolist() == [True, False]


@pytest.mark.parametrize("text, won", [
    ("Won Finals", 4), ("Lost Finals", 3), ("Lost W. Conf. Finals", 2),
    ("Lost E. Conf. Semis", 1), ("Lost E. Conf. 1st Rnd.", 0), (float("nan"), None)])
def test_round_text(text: object, won: int | None) -> None:
    assert series_won_from_text(text) == won


def test_round_text_unknown() -> None:
    with pytest.raises(ValueError):
        series_won_from_text("Lost W. Div. Semis")


def test_nba_codes_map_per_season() -> None:
    # The NBA's CHA is the Bobcats (B-Ref CHA) in 2014 and the Hornets (CHO) in 2015.
    games = pd.DataFrame({"season": [2014, 2015, 2013, 2014, 2013],
                          "TEAM_ABBREVIATION": ["CHA", "CHA", "NOH", "NOH", "BKN"]})
    teams = {2013: {"NOH", "BRK", "CHA"}, 2014: {"CHA", "NOP", "BRK"}, 2015: {"CHO", "NOP"}}
    assert map_nba_codes(games, teams, PATH).tolist() == ["CHA", "CHO", "NOH", "NOP", "BRK"]


def test_nba_code_unknown() -> None:
    games = pd.DataFrame({"season": [2015], "TEAM_ABBREVIATION": ["SEA"]}, index=[7])
    with pytest.raises(DataError, match=r"games.csv: column 'TEAM_ABBREVIATION', row 9, "
                                        r"season 2015: unknown team abbreviation 'SEA'"):
        map_nba_codes(games, {2015: {"OKC"}}, PATH)


@pytest.mark.parametrize("team, season, conf", [
    ("NOH", 2004, "E"), ("NOH", 2005, "W"), ("NOK", 2007, "W"), ("CHH", 2002, "E"),
    ("VAN", 2001, "W"), ("MEM", 2002, "W"), ("SEA", 2008, "W"), ("OKC", 2009, "W"),
    ("NJN", 2012, "E"), ("BRK", 2013, "E"), ("CHO", 2015, "E"), ("WSB", 1997, "E"),
    ("SEA", 2009, None), ("CHA", 2004, None), ("NOP", 2013, None)])
def test_conference_facts(team: str, season: int, conf: str | None) -> None:
    assert conference_of(team, season) == conf


def test_realignment_table_has_no_overlaps() -> None:
    by_team: dict[str, list[tuple[int, int]]] = {}
    for stint in REALIGNMENT:
        by_team.setdefault(stint.team, []).append((stint.first, stint.last))
    for team, spans in by_team.items():
        spans.sort()
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:])), team
