"""The playoff box scores (play_off_box_scores_2010_2024.csv): one row per player per game, read,
validated and tied to the game file.

Each row gets: season (year the season ends), game_id, date, team (Basketball-Reference code of
that season: the NBA's BKN/PHX/CHA/NOH become BRK/PHO/CHO/NOP where B-Ref uses those), NBA
person id and name, starter (the file fills `position` for the five starters only), minutes
(from "MM:SS"), played (minutes > 0 or listed without a comment) and `reason` for a player who
did not play, from the comment's code and text:

    coach      "DNP - Coach's Decision" (also under NWT)
    suspended  "... Suspension", "... Suspended"
    away       "... Personal", "NWT - Not With Team"
    injury     any other: "DND - ..." (did not dress), "... Injury/Illness", a named body part

Every game must be a game of the game file, on its date, between its two teams; a team of a
game with box-score rows must have exactly five starters. A game the file has no rows for is a
game whose box score is unknown (2024 after its first 11 games), never an empty game.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from src.data import schema
from src.data.playoffs import map_nba_codes, seasons_from_labels
from src.data.readers import check_unique, csv_line, read_csv
from src.errors import DataError

BOX_COLUMNS = ["season", "game_id", "date", "team", "person_id", "person", "starter", "minutes",
               "played", "reason", "comment", "points", "plus_minus"]
REASONS = ("coach", "injury", "suspended", "away")
STARTERS_PER_TEAM = 5
# seconds run to 60: the real file writes "16:60" where the NBA rounded a fraction up
_MINUTES = re.compile(r"^(\d{1,2}):([0-5]\d|60)$")
# "DND - Injury/Illness"; one real row writes "DND_LEAGUE_SUSPENSION"
_COMMENT = re.compile(r"^(DNP|DND|NWT)(?: - |_)(.+)$")
GAME_ID_DIGITS = 10
MAX_GAME_MINUTES = 48 + 4 * 5   # regulation and four overtimes: no player has played more


def read_box_scores(raw_dir: Path, games: pd.DataFrame, teams_by_season: dict[int, set[str]]) -> pd.DataFrame:
    """BOX_COLUMNS, one row per player per game; games: src/data/playoff_games.GAME_COLUMNS of the
    game file (every box-score game must be one of them)."""
    path = Path(raw_dir) / schema.PLAYOFF_BOX_SCORES.name
    raw = read_csv(Path(raw_dir), schema.PLAYOFF_BOX_SCORES)
    season = seasons_from_labels(raw["season_year"], path, "season_year")
    # the box-score file writes game ids as numbers (41100304), the game file as text (0041100304)
    game_id = raw["gameId"].str.strip().str.zfill(GAME_ID_DIGITS)
    out = pd.DataFrame({"season": season, "game_id": game_id}, index=raw.index)
    out["date"] = _dates(raw["game_date"], path)
    out["team"] = map_nba_codes(raw.assign(season=season, TEAM_ABBREVIATION=raw["teamTricode"]),
                                teams_by_season, path)
    out["person_id"], out["person"] = raw["personId"].str.strip(), raw["personName"].str.strip()
    out["starter"] = raw["position"].notna()
    out["minutes"] = parse_minutes(raw["minutes"], path)
    out["reason"] = comment_reasons(raw["comment"], path)
    _check_minutes_or_comment(out, raw, path)
    out["played"] = out["reason"].isna()
    out["comment"] = raw["comment"].fillna("")
    out["points"], out["plus_minus"] = raw["points"], raw["plusMinusPoints"]
    check_unique(out, ["game_id", "person_id"], path)
    _check_games(out, games, path)
    _check_starters(out, path)
    return out[BOX_COLUMNS].sort_values(["season", "date", "game_id", "team", "person_id"],
                                        kind="stable").reset_index(drop=True)


def _dates(values: pd.Series, path: Path) -> pd.Series:
    dates = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        label = dates.isna().idxmax()
        raise DataError(f"{path}: column 'game_date', row {csv_line(label)}: {values.loc[label]!r} "
                        "is not a date like 2023-05-01")
    return dates


def parse_minutes(values: pd.Series, path: Path) -> pd.Series:
    """"MM:SS" -> minutes as a float; empty -> 0 (a player who did not play)."""
    text = values.fillna("").str.strip()
    parts = text.str.extract(_MINUTES)
    bad = (text != "") & parts[0].isna()
    minutes = parts[0].astype(float) + parts[1].astype(float) / 60.0
    bad |= minutes > MAX_GAME_MINUTES
    if bad.any():
        label = bad.idxmax()
        raise DataError(f"{path}: column 'minutes', row {csv_line(label)}: {values.loc[label]!r} is "
                        f"not minutes like '34:12' (at most {MAX_GAME_MINUTES}:00)")
    return minutes.fillna(0.0)


def comment_reasons(comments: pd.Series, path: Path) -> pd.Series:
    """The reason a player did not play (REASONS), from the comment; None where he played."""
    def reason(label, comment) -> str | None:
        if pd.isna(comment) or not str(comment).strip():
            return None
        match = _COMMENT.match(str(comment).strip())
        if match is None:
            raise DataError(f"{path}: column 'comment', row {csv_line(label)}: {comment!r} is not "
                            "'DNP - ...', 'DND - ...' or 'NWT - ...'")
        return _reason(match.group(2).lower())
    return pd.Series([reason(i, c) for i, c in comments.items()], index=comments.index, dtype=object)


def _reason(text: str) -> str:
    if "suspen" in text:
        return "suspended"
    if "coach" in text:
        return "coach"
    if "personal" in text or "not with team" in text:
        return "away"
    # did not dress, or a named injury or illness: the real file's every other comment
    return "injury"


def _check_minutes_or_comment(out: pd.DataFrame, raw: pd.DataFrame, path: Path) -> None:
    """A player who did not play has a comment and no minutes; one with minutes, no comment."""
    both = out["reason"].notna() & raw["minutes"].notna()
    neither = out["reason"].isna() & raw["minutes"].isna()
    for bad, what in ((both, "has both minutes and a did-not-play comment"),
                      (neither, "has neither minutes nor a did-not-play comment")):
        if bad.any():
            label = bad.idxmax()
            raise DataError(f"{path}: row {csv_line(label)}, season {out.at[label, 'season']}, "
                            f"game {out.at[label, 'game_id']}, player {out.at[label, 'person']!r}: {what}")


def _check_games(out: pd.DataFrame, games: pd.DataFrame, path: Path) -> None:
    """Every row's game is a game of the game file, on the same date, and its team plays in it."""
    known = games.set_index("game_id")
    missing = ~out["game_id"].isin(known.index)
    if missing.any():
        label = missing.idxmax()
        raise DataError(f"{path}: column 'gameId', row {csv_line(label)}: game "
                        f"{out.at[label, 'game_id']} (season {out.at[label, 'season']}) is not in "
                        f"{schema.PLAYOFF_GAMES.name} ({int(missing.sum())} row(s))")
    match = known.loc[out["game_id"]]
    wrong_date = match["date"].to_numpy() != out["date"].to_numpy()
    wrong_team = (match["home_team"].to_numpy() != out["team"].to_numpy()) & (
        match["away_team"].to_numpy() != out["team"].to_numpy())
    for bad, what in ((wrong_date, "its date differs from the game file's"),
                      (wrong_team, "its team does not play in that game in the game file")):
        if bad.any():
            label = out.index[int(np.argmax(bad))]
            raise DataError(f"{path}: row {csv_line(label)}, game {out.at[label, 'game_id']}, team "
                            f"{out.at[label, 'team']}, date {out.at[label, 'date'].date()}: {what}")


def _check_starters(out: pd.DataFrame, path: Path) -> None:
    starters = out.groupby(["game_id", "team"])["starter"].sum()
    bad = starters[starters != STARTERS_PER_TEAM]
    if not bad.empty:
        (game, team), n = bad.index[0], int(bad.iloc[0])
        raise DataError(f"{path}: game {game}, team {team}: {n} starter(s) (rows with a position), "
                        f"expected {STARTERS_PER_TEAM} ({len(bad)} team-game(s) like this)")
