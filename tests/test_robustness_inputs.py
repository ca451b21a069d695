"""Corrupt raw inputs give a DataError naming the file (and line/column/season where one
applies). Each test breaks one file of a small valid synthetic league (2011..2013).
The stage-level test (non-zero exit, previous outputs untouched) is in
test_robustness_kill.py; the cases of test_ingest_bad_input.py are not repeated here."""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pandas as pd
import pytest

from src.data.ingest import build_tables
from src.data.team_seasons import check_conference_sizes
from src.errors import DataError

FIRST, LAST = 2011, 2013
PBP, SUMMARIES = "Player Play By Play.csv", "Team Summaries.csv"


@pytest.fixture(scope="module")
def league(tmp_path_factory) -> Path:
    from src.data.synthetic import generate_league
    return generate_league(tmp_path_factory.mktemp("robust_league"), seed=0,
                           first_season=FIRST, last_season=LAST)


@pytest.fixture
def raw(league: Path, tmp_path: Path) -> Path:
    """A private copy of the league that a test may break."""
    return Path(shutil.copytree(league, tmp_path / "raw"))


def _error(raw: Path) -> str:
    with pytest.raises(DataError) as exc:
        build_tables(raw, FIRST)
    return str(exc.value)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _row(df: pd.DataFrame, **where) -> int:
    """Position of the first row matching `where` (0-based data row)."""
    match = pd.Series(True, index=df.index)
    for column, value in where.items():
        match &= df[column] == value
    return int(match.idxmax())


def test_valid_copy_builds(raw: Path) -> None:
    tables = build_tables(raw, FIRST)
    assert tables.team_seasons.groupby("season").size().tolist() == [30, 30, 30]


# ---- truncated file ----
def test_file_cut_mid_line_is_refused(raw: Path) -> None:
    path = raw / PBP
    data = path.read_bytes()
    cut = len(data) * 6 // 10
    while data[cut - 1:cut] in (b"\n", b","):   # really inside a field, not at a boundary
        cut += 1
    path.write_bytes(data[:cut])
    line = data.count(b"\n", 0, cut) + 1          # the line the cut falls in
    msg = _error(raw)
    assert PBP in msg and f"line {line} is cut off" in msg and "truncated" in msg


def test_cut_last_line_of_team_summaries(raw: Path) -> None:
    path = raw / SUMMARIES
    data = path.read_bytes()
    last_start = data.rstrip(b"\n").rfind(b"\n") + 1
    path.write_bytes(data[:last_start + 12])         # 12 bytes of the last line survive
    n_lines = data.count(b"\n")
    msg = _error(raw)
    assert SUMMARIES in msg and f"line {n_lines} is cut off" in msg


def test_missing_final_line_break_is_refused(raw: Path) -> None:
    """Issue 12: a cut inside the last field leaves a complete-looking line (1123 -> 11)."""
    path = raw / SUMMARIES
    path.write_bytes(path.read_bytes().rstrip(b"\n")[:-1])   # last value loses a digit
    n_lines = path.read_bytes().count(b"\n") + 1
    msg = _error(raw)
    assert SUMMARIES in msg and f"line {n_lines} is cut off" in msg and "truncated" in msg


# ---- wrong encoding ----
def test_utf16_file_is_refused(raw: Path) -> None:
    path = raw / SUMMARIES
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    msg = _error(raw)
    assert SUMMARIES in msg and "UTF-16" in msg and "save it as UTF-8" in msg


def test_latin1_bytes_name_the_line(raw: Path) -> None:
    path = raw / PBP
    df = _read(path)
    df.loc[40, "player"] = "José Calderón"              # é = 0xe9 in latin-1, invalid UTF-8
    path.write_bytes(df.to_csv(index=False).encode("latin-1"))
    msg = _error(raw)
    # data row 40 is line 42 (one header line, lines count from 1)
    assert PBP in msg and "line 42" in msg and "0xe9" in msg and "UTF-8" in msg


# ---- empty files ----
def test_zero_byte_file(raw: Path) -> None:
    (raw / "Team_Records.csv").write_bytes(b"")
    msg = _error(raw)
    assert "Team_Records.csv" in msg and "empty (0 bytes)" in msg


def test_header_only_file(raw: Path) -> None:
    path = raw / "Player Shooting.csv"
    path.write_text(path.read_text().split("\n", 1)[0] + "\n")
    msg = _error(raw)
    assert "Player Shooting.csv" in msg and "no data rows" in msg


# ---- NaN in a stat column ----
@pytest.mark.parametrize("file, column, team", [(SUMMARIES, "srs", "BOS"),
                                                (SUMMARIES, "e_fg_percent", "LAL"),
                                                (PBP, "mp", "MIA")])
def test_empty_core_stat_is_an_error(raw: Path, file: str, column: str, team: str) -> None:
    path = raw / file
    df = _read(path)
    key = "abbreviation" if file == SUMMARIES else "team"
    row = _row(df, season="2012", **{key: team})
    df.loc[row, column] = ""
    df.to_csv(path, index=False)
    msg = _error(raw)
    assert file in msg and f"column '{column}'" in msg and f"row {row + 2}" in msg
    assert "season 2012" in msg and f"team {team}" in msg and "required" in msg


def test_empty_optional_stat_is_kept_and_logged(raw: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    path = raw / PBP
    df = _read(path)
    row = _row(df, season="2012", team="MIA")
    player = df.loc[row, "player_id"]
    df.loc[row, "and1"] = ""
    df.to_csv(path, index=False)
    with caplog.at_level(logging.INFO, logger="src.data.readers"):
        players = build_tables(raw, FIRST).player_seasons
    kept = players.query("season == 2012 and team == 'MIA' and player_id == @player")
    assert len(kept) == 1 and kept["and1"].isna().all()
    assert players["and1"].isna().sum() == 1
    assert any(PBP in r.getMessage() and "and1 1" in r.getMessage() for r in caplog.records)


# ---- a season with a missing team ----
def test_team_missing_from_one_season(raw: Path) -> None:
    path = raw / SUMMARIES
    df = _read(path)
    df.drop(index=_row(df, season="2012", abbreviation="BOS")).to_csv(path, index=False)
    msg = _error(raw)
    assert SUMMARIES in msg and "season 2012" in msg and "BOS missing" in msg
    assert "29 teams found" in msg


def test_team_missing_from_the_last_season(raw: Path) -> None:
    path = raw / SUMMARIES
    df = _read(path)
    df.drop(index=_row(df, season=str(LAST), abbreviation="UTA")).to_csv(path, index=False)
    msg = _error(raw)
    assert SUMMARIES in msg and f"season {LAST}" in msg and "UTA missing" in msg


def test_player_rows_for_a_team_of_another_season(raw: Path) -> None:
    # NJN became BRK in 2012-13: a 2013 player row still coded NJN has no team to join
    path = raw / PBP
    df = _read(path)
    row = _row(df, season="2013", team="BRK")
    df.loc[row, "team"] = "NJN"
    df.to_csv(path, index=False)
    msg = _error(raw)
    assert PBP in msg and "column 'team'" in msg and f"row {row + 2}" in msg
    assert "season 2013" in msg and "'NJN'" in msg


def test_season_with_one_conference_missing() -> None:
    teams = pd.DataFrame({"season": [2003] * 29, "team": [f"T{i}" for i in range(29)],
                          "conference": ["E"] * 29})
    with pytest.raises(DataError, match=r"Team Summaries.csv: season 2003: conference sizes "
                                        r"\{'E': 29\} for 29 teams"):
        check_conference_sizes(teams, Path("Team Summaries.csv"))
