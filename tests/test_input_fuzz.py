"""Issue 19: seeded single-cell corruptions of each real input file.

A corruption that makes a value invalid (out of its range, not a number, an unknown team
or player key, a name garbled by a wrong encoding) is refused with a DataError naming the
file and the column; a corruption of a column the pipeline does not read leaves the parsed
table (and so every output) unchanged, and one run of ingest checks the output bytes.

Fast by construction: the text of each file is read once; an invalid value is checked on
its own row (the schema and the per-row checks see rows one at a time), a key on the whole
player tables (a lookup), an unread column on the whole file."""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from src.data import schema
from src.data.player_checks import check_names, check_same_player_rows, check_teams_known
from src.data.players import _read_player_file
from src.data.playoffs import map_nba_codes, seasons_from_labels
from src.data.readers import parse_table
from src.data.sources import REQUIRED_SOURCES
from src.data.team_seasons import read_team_summaries, season_teams
from src.errors import DataError

pytestmark = pytest.mark.realdata
SPECS = (schema.TEAM_SUMMARIES, schema.TEAM_ABBREV, schema.TEAM_RECORDS, schema.PLAYOFF_GAMES,
         schema.PLAYER_PBP, schema.PLAYER_SHOOTING, schema.PLAYER_INFO, schema.PLAYER_PER_100,
         schema.ALL_STARS)
PLAYER_SPECS = (schema.PLAYER_PBP, schema.PLAYER_SHOOTING, schema.PLAYER_INFO,
                schema.PLAYER_PER_100)
CASES_PER_FILE = 40           # x 9 files: 360 single-cell corruptions
UNREAD_CASES_PER_FILE = 2
FIRST_SEASON = 1997
NOT_NUMBERS = ("abc", "1.2.3", "inf", "-inf", "12,5", "--3")


@pytest.fixture(scope="module")
def text(real_raw_dir: Path) -> dict[str, pd.DataFrame]:
    return {spec.name: pd.read_csv(real_raw_dir / spec.name, dtype=str, encoding=spec.encoding)
            for spec in SPECS}


@pytest.fixture(scope="module")
def tables(real_raw_dir: Path):
    """The team table and the four player tables as ingest has them (kept rows only)."""
    teams = read_team_summaries(real_raw_dir, FIRST_SEASON)
    players = {spec.name: _read_player_file(real_raw_dir, spec, FIRST_SEASON, teams)
               for spec in PLAYER_SPECS}
    return teams, players


def _invalid_value(rng: np.random.Generator, low: float, high: float) -> str:
    span = high - low
    if rng.random() < 0.5:
        return f"{high + span * rng.uniform(0.01, 100):.6g}"
    return f"{low - span * rng.uniform(0.01, 100):.6g}"


def _refused(check, name: str, column: str) -> None:
    with pytest.raises(DataError) as exc:
        check()
    msg = str(exc.value)
    assert name in msg and f"'{column}'" in msg, msg


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_invalid_numbers_are_refused(text, real_raw_dir: Path, spec: schema.CsvSpec) -> None:
    rng = np.random.default_rng([19, SPECS.index(spec)])
    frame, path = text[spec.name], real_raw_dir / spec.name
    ranges = {column: (low, high) for column, low, high in spec.ranges}
    for _ in range(CASES_PER_FILE):
        column = str(rng.choice(spec.numeric))
        row = frame.iloc[[int(rng.integers(len(frame)))]].copy()
        if column in ranges and rng.random() < 0.7:
            row[column] = _invalid_value(rng, *ranges[column])
        else:
            row[column] = str(rng.choice(NOT_NUMBERS))
        _refused(lambda: parse_table(row, spec, path), spec.name, column)


@pytest.mark.parametrize("spec", PLAYER_SPECS, ids=lambda s: s.name)
def test_unknown_keys_and_garbled_names_are_refused(tables, real_raw_dir: Path,
                                                    spec: schema.CsvSpec, caplog) -> None:
    teams, players = tables
    rng = np.random.default_rng([19, 100 + PLAYER_SPECS.index(spec)])
    frame, path = players[spec.name], real_raw_dir / spec.name
    for case in range(CASES_PER_FILE):
        label = frame.index[int(rng.integers(len(frame)))]
        kind = case % 3
        if kind == 0:                                # an unknown team code
            row = frame.loc[[label]].assign(team=str(rng.choice(["XXX", "QQQ", "BOSS", "okc"])))
            _refused(lambda: check_teams_known(row, teams, path), spec.name, "team")
        elif kind == 1:                              # an unknown player id
            changed = frame.copy()
            changed.loc[label, "player_id"] = f"fuzz{case:04d}01"
            with caplog.at_level(logging.ERROR):
                _refused(lambda: check_same_player_rows({**players, spec.name: changed}, teams,
                                                        real_raw_dir), spec.name, "player_id")
        else:                                        # a name through a wrong-encoding round trip
            name = frame.at[label, "player"] + " Dončić"
            row = frame.loc[[label]].assign(player=name.encode("utf-8").decode(
                str(rng.choice(["cp1252", "latin-1"])), errors="replace"))
            _refused(lambda: check_names(row, path), spec.name, "player")


def test_unknown_team_code_in_the_game_file(text, tables, real_raw_dir: Path) -> None:
    teams, _ = tables
    rng = np.random.default_rng([19, 200])
    frame, path = text[schema.PLAYOFF_GAMES.name], real_raw_dir / schema.PLAYOFF_GAMES.name
    for _ in range(CASES_PER_FILE // 2):
        row = frame.iloc[[int(rng.integers(len(frame)))]].assign(
            TEAM_ABBREVIATION=str(rng.choice(["XXX", "BOSS", "okc"])))
        row["season"] = seasons_from_labels(row["SEASON_YEAR"], path, "SEASON_YEAR")
        _refused(lambda: map_nba_codes(row, season_teams(teams), path), path.name,
                 "TEAM_ABBREVIATION")


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_unread_columns_change_nothing(text, real_raw_dir: Path, spec: schema.CsvSpec) -> None:
    rng = np.random.default_rng([19, 300 + SPECS.index(spec)])
    frame, path = text[spec.name], real_raw_dir / spec.name
    unread = [c for c in frame.columns if c not in spec.columns]
    if not unread:
        pytest.skip(f"{spec.name}: the pipeline reads every column")
    expected = parse_table(frame, spec, path)
    for _ in range(UNREAD_CASES_PER_FILE):
        changed = frame.copy()
        column = str(rng.choice(unread))
        changed.iloc[int(rng.integers(len(frame))), changed.columns.get_loc(column)] = \
            str(rng.choice(["-9999", "abc", "1e6", "DaniloviÄ‡", ""]))
        pd.testing.assert_frame_equal(parse_table(changed, spec, path), expected)


@pytest.mark.slow
def test_unread_columns_leave_ingest_outputs_byte_identical(text, real_raw_dir: Path, tmp_path: Path,
                                                            real_ingest_tables) -> None:
    """One unread column of every file corrupted at once: the three parquet files written
    by ingest have the same bytes as from the pristine files."""
    from src.data.ingest import build_tables, write_tables
    pristine, corrupted = tmp_path / "pristine", tmp_path / "corrupted"
    corrupted.mkdir()
    for source in REQUIRED_SOURCES:
        shutil.copy(real_raw_dir / source.name, corrupted / source.name)
    rng = np.random.default_rng([19, 400])
    for spec in SPECS:
        frame = text[spec.name].copy()
        unread = [c for c in frame.columns if c not in spec.columns]
        if unread:
            frame.iloc[int(rng.integers(len(frame))),
                       frame.columns.get_loc(str(rng.choice(unread)))] = "-9999"
            frame.to_csv(corrupted / spec.name, index=False, encoding=spec.encoding)
    # the pristine files' tables: the session's (built from real_raw_dir with the same
    # first season and minutes share)
    out = {}
    for name, tables in (("pristine", real_ingest_tables()),
                         ("corrupted", build_tables(corrupted, FIRST_SEASON, 0.98))):
        paths = write_tables(tables, tmp_path / f"out_{name}")
        out[name] = {p.name: p.read_bytes() for p in paths}
    assert out["pristine"] == out["corrupted"]
