"""A user's playoff results file (src/data/results_file.py; issue 28 rows 4, 5, 13; issue 27
item 4): the four formats analysts have, recognised from the header, give the same games; the
encodings are detected or refused by name; every bad game is refused with the file's own line
and what is wrong."""
import io
import re

import pandas as pd
import pytest

from src.data.results_file import MAX_POINTS, read_results
from src.errors import DataError
from league_2025 import GAMES_2025, SEASON, TEAMS, teams_2025, write

TEAMS_2025 = teams_2025()
GAMES = pd.read_csv(io.StringIO(GAMES_2025))
HEADER = "date,home,away,home_pts,away_pts\n"


def _game_file_rows(season_column: str, season_label: str) -> str:
    """The games as one row per team per game (the game file / nba_api LeagueGameLog)."""
    lines = [f"{season_column},TEAM_ABBREVIATION,GAME_ID,GAME_DATE,MATCHUP,WL,PTS"]
    for k, g in GAMES.iterrows():
        gid = f"00424{k:05d}"
        home_won = g.home_pts > g.away_pts
        lines.append(f"{season_label},{g.home},{gid},{g.date},{g.home} vs. {g.away},{'WL'[not home_won]},{g.home_pts}")
        lines.append(f"{season_label},{g.away},{gid},{g.date},{g.away} @ {g.home},{'LW'[not home_won]},{g.away_pts}")
    return "\n".join(lines) + "\n"


def _bref_schedule() -> str:
    """Basketball-Reference's schedule table: regular season above a 'Playoffs' divider, a
    play-in game, a game not played yet."""
    head = "Date,Start (ET),Visitor/Neutral,PTS,Home/Neutral,PTS,,,Attend.,LOG,Arena,Notes"
    lines = [head, "\"Sun, Apr 13, 2025\",3:30p,Memphis Grizzlies,117,Dallas Mavericks,116,Box Score,,20000,2:20,Arena,",
             "Playoffs,,,,,,,,,,,",
             "\"Tue, Apr 15, 2025\",7:30p,Golden State Warriors,121,Memphis Grizzlies,116,Box Score,,18000,2:20,FedExForum,Play-In Game"]
    for _, g in GAMES.iterrows():
        day = pd.Timestamp(g.date)
        home, away = TEAMS[g.home][0], TEAMS[g.away][0]
        lines.append(f"\"{day:%a, %b %d, %Y}\",8:00p,{away},{g.away_pts},{home},{g.home_pts},Box Score,,19000,2:30,Arena,")
    lines.append("\"Wed, May 07, 2025\",8:00p,Golden State Warriors,,Minnesota Timberwolves,,,,,,Target Center,")
    return "\n".join(lines) + "\n"


def _key(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["date", "home_team", "away_team", "home_pts", "away_pts"]].reset_index(drop=True)


def test_real_2025_results_in_the_minimal_csv_are_read(tmp_path):
    games = read_results(write(tmp_path / "r.csv", GAMES_2025), SEASON, TEAMS_2025)
    assert len(games) == len(GAMES) == 47
    # each game keeps its own line of the file (header = line 1)
    first = games[(games["home_team"] == "LAL") & (games["date"] == "2025-04-19")]
    assert first["line"].tolist() == [2] and first["home_pts"].tolist() == [95]


@pytest.mark.parametrize("fmt", ["game_file", "game_log", "bref"])
def test_every_format_gives_the_same_games(tmp_path, fmt):
    text = {"game_file": lambda: _game_file_rows("SEASON_YEAR", "2024-25"),
            "game_log": lambda: _game_file_rows("SEASON_ID", "42024"), "bref": _bref_schedule}[fmt]()
    got = read_results(write(tmp_path / f"{fmt}.csv", text), SEASON, TEAMS_2025)
    want = read_results(write(tmp_path / "r.csv", GAMES_2025), SEASON, TEAMS_2025)
    pd.testing.assert_frame_equal(_key(got), _key(want))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_encodings_are_detected(tmp_path, encoding):
    got = read_results(write(tmp_path / "r.csv", GAMES_2025, encoding), SEASON, TEAMS_2025)
    assert len(got) == 47


def test_latin1_utf16_without_bom_and_empty_files_are_refused_by_name(tmp_path):
    latin = write(tmp_path / "latin.csv", _bref_schedule().replace("Target Center", "Arène"), "latin-1")
    with pytest.raises(DataError, match=r"latin.csv: line 52: byte 0xe8 is not UTF-8 .*Latin-1.*save it as UTF-8"):
        read_results(latin, SEASON, TEAMS_2025)
    bare16 = write(tmp_path / "bare16.csv", GAMES_2025, "utf-16-le")
    with pytest.raises(DataError, match=r"bare16.csv: NUL bytes: UTF-16 without a byte-order mark"):
        read_results(bare16, SEASON, TEAMS_2025)
    for name, text in (("empty.csv", ""), ("blank.csv", "\n\n  \n")):
        with pytest.raises(DataError, match=rf"{name}: the results file is empty"):
            read_results(write(tmp_path / name, text), SEASON, TEAMS_2025)
    with pytest.raises(DataError, match=r"header.csv: no games after the header \(format: minimal CSV\)"):
        read_results(write(tmp_path / "header.csv", HEADER), SEASON, TEAMS_2025)


def _one_bad(tmp_path, replace_line: int, text: str) -> str:
    lines = GAMES_2025.splitlines()
    lines[replace_line - 1] = text
    with pytest.raises(DataError) as err:
        read_results(write(tmp_path / "results.csv", "\n".join(lines) + "\n"), SEASON, TEAMS_2025)
    return str(err.value)


@pytest.mark.parametrize("line_text, message", [
    ("2025-04-20,OKC,MEM,131,80", r"line 12: repeats the game of line 6 \(2025-04-20 OKC v MEM\)"),
    ("2025-04-20,MEM,OKC,80,131", r"line 12: repeats the game of line 6"),
    ("2025-04-20,OKC,LAC,120,100", r"line 12: OKC already plays on 2025-04-20 \(line 6\)"),
    ("2025-04-22,OKC,MEM,300,99", rf"line 12, column 'home_pts' \(home\): '300' is not a basketball score \(a whole number of points from 50 to {MAX_POINTS}\)"),
    ("2025-04-22,OKC,MEM,118,1e20", r"line 12, column 'away_pts' \(away\): '1e20' is not a basketball score"),
    ("2025-04-22,OKC,MEM,nan,99", r"line 12, column 'home_pts' \(home\): 'nan' is not"),
    ("2025-04-22,OKC,MEM,inf,99", r"line 12, column 'home_pts' \(home\): 'inf' is not"),
    ("2025-04-22,OKC,MEM,40,99", r"line 12, column 'home_pts' \(home\): '40' is not"),
    ("2025-04-22,OKC,MEM,101.5,99", r"line 12, column 'home_pts' \(home\): '101.5' is not a basketball score"),
    ("2025-04-22,OKC,MEM,99,99", r"line 12: a tie \(99-99\); a playoff game has a winner"),
    ("1999-04-22,OKC,MEM,118,99", r"line 12, column 'date': 1999-04-22 is outside season 2025's playoff window \(2025-04-01 to 2025-07-31\)"),
    ("2031-01-01,OKC,MEM,118,99", r"line 12, column 'date': 2031-01-01 is outside season 2025's playoff window"),
    ("22/04/2025,OKC,MEM,118,99", r"line 12, column 'date': '22/04/2025' is not a date like 2025-04-19"),
    ("2025-04-22,OKC,XXX,118,99", r"line 12, column 'away': 'XXX' is not a team of season 2025"),
    ("2025-04-22,OKC,OKC,118,99", r"line 12: OKC cannot play itself"),
])
def test_bad_games_are_refused_with_the_files_own_line(tmp_path, line_text, message):
    assert re.search("results.csv: " + message, _one_bad(tmp_path, 12, line_text))


def test_a_missing_column_lists_the_formats_columns(tmp_path):
    path = write(tmp_path / "r.csv", "date,home,away,home_pts\n2025-04-20,OKC,MEM,131\n")
    with pytest.raises(DataError, match=r"r.csv: line 1: the header looks like the minimal CSV format but lacks "
                                        r"column\(s\) away_pts; that format's columns are date, home, away, home_pts, away_pts"):
        read_results(path, SEASON, TEAMS_2025)
    log = _game_file_rows("SEASON_ID", "42024").replace(",PTS\n", "\n", 1)
    with pytest.raises(DataError, match=r"lacks column\(s\) PTS; that format's columns are SEASON_ID, "
                                        r"TEAM_ABBREVIATION, GAME_ID, GAME_DATE, MATCHUP, WL, PTS"):
        read_results(write(tmp_path / "log.csv", log), SEASON, TEAMS_2025)
    with pytest.raises(DataError, match=r"header 'when,who' is none of the accepted formats \(minimal CSV: date"):
        read_results(write(tmp_path / "x.csv", "when,who\n1,2\n"), SEASON, TEAMS_2025)


def test_team_row_formats_name_their_own_lines(tmp_path):
    text = _game_file_rows("SEASON_ID", "42024").splitlines()
    regular = text[:3] + [text[3].replace("42024", "22024", 1)] + text[4:]
    with pytest.raises(DataError, match=r"line 4, column 'SEASON_ID': '22024' is a regular-season game"):
        read_results(write(tmp_path / "log.csv", "\n".join(regular)), SEASON, TEAMS_2025)
    other = [text[0], *(t.replace("42024", "42025", 1) for t in text[1:])]
    with pytest.raises(DataError, match=r"line 2, column 'SEASON_ID': '42025' is season 2026, but the forecast is of season 2025"):
        read_results(write(tmp_path / "log.csv", "\n".join(other)), SEASON, TEAMS_2025)
    lonely = text[:2] + text[3:]
    with pytest.raises(DataError, match=r"line 2, column 'GAME_ID': game '0042400000' has only one row"):
        read_results(write(tmp_path / "log.csv", "\n".join(lonely)), SEASON, TEAMS_2025)
