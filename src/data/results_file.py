"""A user's playoff results for one season (params forecast.playoff_results, --results): read in
the formats analysts already have, each recognised from its header row (docs/asof.md):

* minimal CSV: ``date,home,away,home_pts,away_pts`` (YYYY-MM-DD, Basketball-Reference codes);
* the game file's format (play_off_totals_2010_2024.csv: one row per team per game, SEASON_YEAR
  "2024-25", GAME_ID, GAME_DATE, MATCHUP "BOS vs. MIA" / "MIA @ BOS", WL, PTS; NBA codes);
* an export of nba_api's LeagueGameLog (the same rows with SEASON_ID "42024", playoffs only);
* Basketball-Reference's schedule table (Date "Sat, Apr 19, 2025", Visitor/Neutral, PTS,
  Home/Neutral, PTS; full team names). Rows above its "Playoffs" divider (regular season), play-in
  rows (Notes "Play-In Game") and games not played yet (no points) are skipped, and logged.

Encoding: UTF-8, UTF-8 with a byte-order mark, or UTF-16 with one; anything else (Latin-1 bytes)
is refused by name. Every game is checked here, and each error names the file and the file's own
line: a date inside the season's playoff window, two known and different teams, points a
basketball game can have (whole numbers from MIN_POINTS to MAX_POINTS, no tie), no game twice
and no team twice on one day. The bracket checks (a pairing the bracket allows, no game after a
series is decided) are src/league/state.py's, with the same line numbers (column `line`).
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from src.data.playoffs import NBA_TO_BREF
from src.errors import DataError

log = logging.getLogger(__name__)

RESULT_COLUMNS = ["season", "game_id", "date", "home_team", "away_team", "home_pts", "away_pts",
                  "home_won", "line"]
MIN_POINTS, MAX_POINTS = 50, 200        # NBA playoff scores since 1954 lie well inside (file: 63-154)
BUBBLE_SEASON = 2020                    # 2019-20's playoffs were played in August-October 2020, in the
                                        # Orlando bubble without crowds (a neutral court: src/league/sites.py)


@dataclass(frozen=True)
class Format:
    name: str
    columns: tuple[str, ...]            # required header cells
    marker: tuple[str, ...]             # any of these in the header: this format


MINIMAL = Format("minimal CSV", ("date", "home", "away", "home_pts", "away_pts"),
                 ("home", "away", "home_pts", "away_pts"))
GAME_FILE = Format("game file", ("SEASON_YEAR", "TEAM_ABBREVIATION", "GAME_ID", "GAME_DATE", "MATCHUP",
                                 "WL", "PTS"), ("SEASON_YEAR",))
GAME_LOG = Format("nba_api LeagueGameLog", ("SEASON_ID", "TEAM_ABBREVIATION", "GAME_ID", "GAME_DATE",
                                            "MATCHUP", "WL", "PTS"), ("SEASON_ID",))
BREF = Format("Basketball-Reference schedule", ("Date", "Visitor/Neutral", "PTS", "Home/Neutral", "PTS"),
              ("Visitor/Neutral", "Home/Neutral"))
FORMATS = (MINIMAL, GAME_FILE, GAME_LOG, BREF)


@dataclass
class Game:
    line: int
    date: str
    home: str
    away: str
    home_pts: str
    away_pts: str
    game_id: str = ""
    columns: tuple[str, str, str, str, str] = ("date", "home", "away", "home_pts", "away_pts")


def playoff_window(season: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The days a season's playoffs can be played on (the play-in included)."""
    if season == BUBBLE_SEASON:
        return pd.Timestamp("2020-07-01"), pd.Timestamp("2020-10-31")
    return pd.Timestamp(f"{season}-04-01"), pd.Timestamp(f"{season}-07-31")


def decode_text(path: Path, what: str = "results file") -> str:
    """The file's text: UTF-8 (with or without BOM) or UTF-16 with BOM; else a DataError."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: {what} not found")
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode(raw, "utf-16", path)
    elif b"\x00" in raw:
        raise DataError(f"{path}: NUL bytes: UTF-16 without a byte-order mark? Save it as UTF-8")
    else:
        text = _decode(raw, "utf-8-sig", path)
    if not text.strip():
        raise DataError(f"{path}: the {what} is empty (expected a header row, then one row per game)")
    return text


def _decode(raw: bytes, encoding: str, path: Path) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        name = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise DataError(f"{path}: line {line}: byte 0x{raw[err.start]:02x} is not {name} "
                        "(a Latin-1 / Windows-1252 file?); save it as UTF-8") from None


def csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank row, header included."""
    reader = csv.reader(io.StringIO(text))
    rows = []
    for cells in reader:
        if any(c.strip() for c in cells):
            rows.append((reader.line_num, [c.strip() for c in cells]))
    return rows


def detect_format(header: list[str], path: Path) -> Format:
    """The format whose marker column the header has; its missing columns are an error."""
    for fmt in FORMATS:
        if any(m in header for m in fmt.marker):
            missing = [c for c in dict.fromkeys(fmt.columns) if c not in header]
            if BREF is fmt and header.count("PTS") < 2:
                missing.append("PTS (twice: visitor, then home)")
            if missing:
                raise DataError(f"{path}: line 1: the header looks like the {fmt.name} format but lacks "
                                f"column(s) {', '.join(missing)}; that format's columns are "
                                f"{', '.join(fmt.columns)}")
            return fmt
    accepted = "; ".join(f"{f.name}: {', '.join(f.columns)}" for f in FORMATS)
    raise DataError(f"{path}: line 1: header {','.join(header)!r} is none of the accepted formats "
                    f"({accepted})")


def read_results(path: Path, season: int, teams: pd.DataFrame) -> pd.DataFrame:
    """RESULT_COLUMNS: the season's playoff games of a user's results file, every game checked
    (module doc); `teams`: team_seasons rows (season, team, team_name)."""
    path = Path(path)
    rows = csv_rows(decode_text(path))
    (_, header), body = rows[0], rows[1:]
    fmt = detect_format(header, path)
    games = PARSERS[fmt.name](header, body, season, path)
    if not games:
        raise DataError(f"{path}: no games after the header (format: {fmt.name})")
    return checked_games(games, season, teams, path)


def _cells(header: list[str], cells: list[str]) -> dict[str, str]:
    """Named cells of a row (a short row's missing cells are empty)."""
    return {h: _cell(cells, i) for i, h in enumerate(header) if h}


def _cell(cells: list[str], i: int) -> str:
    return cells[i] if i < len(cells) else ""


def _minimal(header, body, season, path) -> list[Game]:
    out = []
    for line, cells in body:
        row = _cells(header, cells)
        out.append(Game(line, row["date"], row["home"], row["away"], row["home_pts"], row["away_pts"]))
    return out


def _season_of_year(label: str) -> int | None:
    """'2024-25' -> 2025."""
    try:
        start = int(label[:4])
    except ValueError:
        return None
    return start + 1 if len(label) == 7 and label[4] == "-" else None


def _season_of_id(label: str) -> int | None:
    """nba_api SEASON_ID '42024' (4 = playoffs, 2 = regular season, 5 = play-in) -> 2025."""
    return int(label[1:]) + 1 if len(label) == 5 and label.isdigit() else None


def _team_rows(season_column: str, season_of: Callable[[str], int | None]):
    """Parser of a one-row-per-team-per-game format: two rows (home 'vs.', away '@') per GAME_ID."""
    def parse(header, body, season, path) -> list[Game]:
        by_game: dict[str, list[tuple[int, dict]]] = {}
        for line, cells in body:
            row = _cells(header, cells)
            label = row[season_column]
            if season_column == "SEASON_ID" and label[:1] in ("2", "5"):
                kind = "regular-season" if label[:1] == "2" else "play-in"
                raise DataError(f"{path}: line {line}, column 'SEASON_ID': {label!r} is a {kind} game; "
                                "export playoff games only (season_type 'Playoffs')")
            got = season_of(label)
            if got is None:
                raise DataError(f"{path}: line {line}, column '{season_column}': {label!r} is not a season")
            if got != season:
                raise DataError(f"{path}: line {line}, column '{season_column}': {label!r} is season "
                                f"{got}, but the forecast is of season {season}")
            by_game.setdefault(row["GAME_ID"], []).append((line, row))
        return [_pair_rows(game_id, rows, path) for game_id, rows in by_game.items()]
    return parse


def _pair_rows(game_id: str, rows: list[tuple[int, dict]], path: Path) -> Game:
    line = rows[0][0]
    if len(rows) != 2:
        what = "only one row (the opponent's is missing)" if len(rows) == 1 else f"{len(rows)} rows"
        raise DataError(f"{path}: line {line}, column 'GAME_ID': game {game_id!r} has {what}; "
                        "each game needs one row per team")
    home = [r for r in rows if " vs. " in r[1]["MATCHUP"]]
    away = [r for r in rows if " @ " in r[1]["MATCHUP"]]
    if len(home) != 1 or len(away) != 1:
        raise DataError(f"{path}: line {line}, column 'MATCHUP': game {game_id!r} needs one home row "
                        "('BOS vs. MIA') and one away row ('MIA @ BOS')")
    (hl, h), (_, a) = home[0], away[0]
    if sorted((h["WL"], a["WL"])) != ["L", "W"]:
        raise DataError(f"{path}: line {hl}, column 'WL': game {game_id!r} needs one W and one L row")
    return Game(min(r[0] for r in rows), h["GAME_DATE"][:10], _bref(h["TEAM_ABBREVIATION"]),
                _bref(a["TEAM_ABBREVIATION"]), h["PTS"], a["PTS"], game_id,
                ("GAME_DATE", "TEAM_ABBREVIATION", "TEAM_ABBREVIATION", "PTS", "PTS"))


def _bref(code: str) -> str:
    return NBA_TO_BREF.get(code, code)


def _bref_schedule(header, body, season, path) -> list[Game]:
    pts = [i for i, h in enumerate(header) if h == "PTS"]
    notes = header.index("Notes") if "Notes" in header else None
    divider = next((i for i, (_, c) in enumerate(body) if c and c[0].lower() == "playoffs"), None)
    skipped: list[int] = [line for line, _ in body[:divider + 1]] if divider is not None else []
    out = []
    home, visitor = header.index("Home/Neutral"), header.index("Visitor/Neutral")
    for line, cells in body[divider + 1 if divider is not None else 0:]:
        is_playin = notes is not None and "play-in" in _cell(cells, notes).lower()
        if _cell(cells, 0) == "Date" or is_playin or not (_cell(cells, pts[0]) or _cell(cells, pts[1])):
            skipped.append(line)                 # a repeated header, a play-in game, not played yet
            continue
        date = pd.to_datetime(_cell(cells, 0), format="%a, %b %d, %Y", errors="coerce")
        out.append(Game(line, _cell(cells, 0) if date is pd.NaT else f"{date:%Y-%m-%d}",
                        _cell(cells, home), _cell(cells, visitor), _cell(cells, pts[1]), _cell(cells, pts[0]),
                        columns=("Date", "Home/Neutral", "Visitor/Neutral", "PTS", "PTS")))
    if skipped:
        log.info("%s: %d row(s) skipped (regular season above the 'Playoffs' divider, play-in games, "
                 "games not played yet): lines %s", path, len(skipped), _lines(skipped))
    return out


def _lines(lines: list[int]) -> str:
    return ", ".join(map(str, lines[:10])) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")


PARSERS = {MINIMAL.name: _minimal, GAME_FILE.name: _team_rows("SEASON_YEAR", _season_of_year),
           GAME_LOG.name: _team_rows("SEASON_ID", _season_of_id), BREF.name: _bref_schedule}


def checked_games(games: list[Game], season: int, teams: pd.DataFrame, path: Path) -> pd.DataFrame:
    """RESULT_COLUMNS of `games`, each checked (module doc); errors name the file's line."""
    season_teams = teams[teams["season"] == season]
    codes = set(season_teams["team"])
    names = dict(zip(season_teams.get("team_name", pd.Series(dtype=str)), season_teams["team"]))
    low, high = playoff_window(season)
    rows = []
    for g in sorted(games, key=lambda g: g.line):
        date = _date(g, low, high, season, path)
        home, away = (_team(g, k, codes, names, season, path) for k in (1, 2))
        if home == away:
            raise DataError(f"{path}: line {g.line}: {home} cannot play itself")
        hp, ap = _points(g, 3, path), _points(g, 4, path)
        if hp == ap:
            raise DataError(f"{path}: line {g.line}: a tie ({hp}-{ap}); a playoff game has a winner")
        rows.append({"season": season, "game_id": g.game_id, "date": date, "home_team": home,
                     "away_team": away, "home_pts": hp, "away_pts": ap, "home_won": hp > ap,
                     "line": g.line})
    out = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    _check_repeats(out, path)
    return out.sort_values(["date", "line"], kind="mergesort").reset_index(drop=True)


def _date(g: Game, low: pd.Timestamp, high: pd.Timestamp, season: int, path: Path) -> pd.Timestamp:
    date = pd.to_datetime(g.date, format="%Y-%m-%d", errors="coerce")
    if date is pd.NaT:
        example = "Sat, Apr 19, 2025" if g.columns[0] == "Date" else "2025-04-19"
        raise DataError(f"{path}: line {g.line}, column '{g.columns[0]}': {g.date!r} is not a date "
                        f"like {example}")
    if not low <= date <= high:
        raise DataError(f"{path}: line {g.line}, column '{g.columns[0]}': {date:%Y-%m-%d} is outside "
                        f"season {season}'s playoff window ({low:%Y-%m-%d} to {high:%Y-%m-%d})")
    return date


def _team(g: Game, k: int, codes: set, names: dict, season: int, path: Path) -> str:
    value = (g.home, g.away)[k - 1]
    code = value if value in codes else names.get(value)
    if code is None:
        raise DataError(f"{path}: line {g.line}, column '{g.columns[k]}': {value!r} is not a team of "
                        f"season {season} (Basketball-Reference codes such as OKC, BRK"
                        + (", or full names" if names else "") + ")")
    return code


def _points(g: Game, k: int, path: Path) -> int:
    value = (g.home_pts, g.away_pts)[k - 3]
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number != round(number) or not MIN_POINTS <= number <= MAX_POINTS:
        side = "home" if k == 3 else "away"
        raise DataError(f"{path}: line {g.line}, column '{g.columns[k]}' ({side}): {value!r} is not a "
                        f"basketball score (a whole number of points from {MIN_POINTS} to {MAX_POINTS})")
    return int(number)


def _check_repeats(games: pd.DataFrame, path: Path) -> None:
    """No game twice (same day, same two teams, either way round); no team twice on one day."""
    seen: dict[tuple, int] = {}
    for line, date, home, away in zip(games["line"], games["date"], games["home_team"], games["away_team"]):
        pair = (date, frozenset((home, away)))
        if pair in seen:
            raise DataError(f"{path}: line {line}: repeats the game of line {seen[pair]} "
                            f"({date:%Y-%m-%d} {home} v {away})")
        seen[pair] = line
        for team in (home, away):
            if (date, team) in seen:
                raise DataError(f"{path}: line {line}: {team} already plays on {date:%Y-%m-%d} "
                                f"(line {seen[(date, team)]}); one game per team per day")
            seen[(date, team)] = line
