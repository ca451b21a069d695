"""The playoff box scores: read, checked against the game file, NBA persons linked to B-Ref players."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from src.data.player_link import check_link, link_persons, name_key
from src.data.playoff_box import linked_box_scores
from src.errors import DataError
from src.data.playoff_games import playoff_games

BOX = "play_off_box_scores_2010_2024.csv"


@pytest.mark.parametrize("nba, bref", [
    ("Nikola Jokic", "Nikola Jokić"), ("Omer Asik", "Ömer Aşık"), ("JR Smith", "J.R. Smith"),
    ("OG Anunoby", "O.G. Anunoby"), ("Otto Porter", "Otto Porter Jr."), ("Lonnie Walker", "Lonnie Walker IV"),
    ("Dennis Schroder", "Dennis Schröder"), ("DeAndre' Bembry", "DeAndre Bembry")])
def test_name_key_drops_accents_marks_and_suffixes(nba: str, bref: str) -> None:
    assert name_key(nba) == name_key(bref)


def test_name_key_keeps_different_players_apart() -> None:
    assert name_key("Tim Hardaway Jr.") == name_key("Tim Hardaway")      # a suffix alone cannot tell
    assert name_key("JR Smith") != name_key("Josh Smith")
    assert name_key("Marcus Morris") != name_key("Markieff Morris")


def _roster() -> pd.DataFrame:
    names = {"kanteen01": "Enes Freedom", "yijia01": "Yi Jianlian", "jokicni01": "Nikola Jokić",
             "porteot01": "Otto Porter Jr.", "morrima03": "Marcus Morris", "morrima02": "Markieff Morris"}
    return pd.DataFrame({"season": 2015, "team": "UTA", "player_id": list(names), "player": list(names.values())})


def test_link_renamed_reordered_accented_and_unknown_players() -> None:
    persons = pd.DataFrame({"season": 2015, "team": "UTA", "person_id": list("abcdef"),
                            "person": ["Enes Kanter", "Jianlian Yi", "Nikola Jokic", "Otto Porter",
                                       "Marcus Morris", "Some Stranger"]})
    link = link_persons(persons, _roster()).set_index("person")
    assert link.loc["Enes Kanter", "player_id"] == "kanteen01"
    assert link.loc["Enes Kanter", "link_rule"] == "rename"
    assert link.loc["Jianlian Yi", "player_id"] == "yijia01"
    assert link.loc["Nikola Jokic", "player_id"] == "jokicni01"
    assert link.loc["Otto Porter", "player_id"] == "porteot01"
    assert link.loc["Marcus Morris", "player_id"] == "morrima03"      # not his twin
    assert pd.isna(link.loc["Some Stranger", "player_id"])


def test_link_is_within_the_team_season() -> None:
    persons = pd.DataFrame({"season": [2015, 2016], "team": ["DEN", "UTA"], "person_id": ["a", "b"],
                            "person": ["Nikola Jokic", "Nikola Jokic"]})
    link = link_persons(persons, _roster())
    assert link["player_id"].isna().all()     # same name, other team or season: not linked


def _box(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["season", "team", "game_id", "person_id", "person", "starter",
                                       "minutes", "player_id"])


def test_unlinked_starter_is_an_error_naming_him() -> None:
    box = _box([(2015, "UTA", "g1", "a", "Known Starter", True, 40.0, "x01"),
                (2015, "UTA", "g1", "b", "Lost Starter", True, 30.0, None)])
    with pytest.raises(DataError, match=r"starter 'Lost Starter' \(season 2015, team UTA, game g1\)"):
        check_link(box, 0.0, "box.csv")


def test_linked_minutes_below_the_share_is_an_error_and_the_report_lists_who() -> None:
    box = _box([(2015, "UTA", "g1", "a", "Known", True, 40.0, "x01"),
                (2015, "UTA", "g1", "b", "Bench Guy", False, 10.0, None)])
    report = check_link(box, 0.75, "box.csv")
    assert report["linked_minutes_share"] == pytest.approx(0.8)
    assert report["unlinked"] == [{"season": 2015, "team": "UTA", "person_id": "b", "person": "Bench Guy",
                                   "minutes": 10.0, "games": 1}]
    with pytest.raises(DataError, match=r"80\.00% of playoff minutes.*Bench Guy \(2015 UTA\)"):
        check_link(box, 0.9, "box.csv")


def _linked(raw: Path, tables):
    games = playoff_games(raw, tables.team_seasons, 1997)
    return linked_box_scores(raw, games, tables.team_seasons, tables.player_seasons, 0.99)


@pytest.fixture(scope="module")
def league(synthetic_tables, synthetic_raw_dir):
    return synthetic_tables, synthetic_raw_dir


def test_synthetic_box_scores_link_every_player_and_parse_minutes(league) -> None:
    tables, raw = league
    box, report = _linked(raw, tables)
    assert report["linked_minutes_share"] == 1.0 and report["unlinked"] == []
    per_team_game = box.groupby(["game_id", "team"])["minutes"].sum()
    assert per_team_game.round(6).eq(240.0).all()          # 5 x 38:00 + 4 x 12:30
    assert set(box["reason"].dropna()) == {"coach", "injury"}
    assert (box.loc[box["reason"].notna(), "minutes"] == 0).all()


def _corrupt(raw: Path, tmp_path: Path, edit) -> Path:
    out = tmp_path / "raw"
    shutil.copytree(raw, out)
    frame = pd.read_csv(out / BOX, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(out / BOX, index=False)
    return out


@pytest.mark.parametrize("edit, message", [
    (lambda f: f.__setitem__("minutes", f["minutes"].where(f.index != 3, "3x:10")),
     r"column 'minutes', row 5: '3x:10' is not minutes"),
    (lambda f: f.__setitem__("gameId", f["gameId"].where(f.index != 0, "49999999")),
     r"column 'gameId', row 2: game 0049999999 .* is not in play_off_totals"),
    (lambda f: f.__setitem__("comment", f["comment"].where(f.index != 3, "Hurt")),
     r"column 'comment', row 5: 'Hurt' is not"),
    (lambda f: f.__setitem__("position", f["position"].where(f.index != 0, "")),
     r"game \d+, team \w+: 4 starter\(s\)"),
])
def test_bad_box_score_rows_are_errors_naming_the_row(league, tmp_path: Path, edit, message) -> None:
    tables, raw = league
    bad = _corrupt(raw, tmp_path, edit)
    with pytest.raises(DataError, match=message):
        _linked(bad, tables)


@pytest.mark.realdata
def test_real_box_scores_link_99_percent_and_embiid_missed_game_1(real_raw_dir: Path,
                                                                 real_ingest_tables) -> None:
    tables = real_ingest_tables()
    box, report = _linked(real_raw_dir, tables)
    assert report["linked_minutes_share"] >= 0.99
    assert report["seasons_with_box_scores"]["2024"]["with_box_score"] == 11
    game1 = box[(box["date"] == "2023-05-01") & (box["team"] == "PHI")]
    assert len(game1) > 0 and "embiijo01" not in set(game1["player_id"])
    assert "embiijo01" in set(box.loc[(box["season"] == 2023) & (box["team"] == "PHI"), "player_id"])
