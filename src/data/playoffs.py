"""Playoff results: per-team rounds from Team_Records.csv, series rebuilt from the game file.

Both end in the same per-team table: season, team, made_playoffs, series_won (0..4). A
season is only "known" when its champion is in the data; incomplete seasons are dropped
with a log line (their outcome stays null downstream).
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from src.data.conferences import conference_of
from src.data.playoff_checks import (FINALS_ROUND, SERIES_TO_WIN, check_home_court,  # noqa: F401
                                     validate_playoff_games)
from src.data.readers import check_unique, csv_line, drop_logged
from src.errors import DataError

log = logging.getLogger(__name__)

# Team_Records `Playoffs` text -> series won. Empty = missed the playoffs.
ROUND_REACHED = (
    (re.compile(r"^Won Finals$"), 4),
    (re.compile(r"^Lost Finals$"), 3),
    (re.compile(r"^Lost [EW]\. Conf\. Finals$"), 2),
    (re.compile(r"^Lost [EW]\. Conf\. Semis$"), 1),
    (re.compile(r"^Lost [EW]\. Conf\. 1st Rnd\.$"), 0),
)
# NBA.com abbreviations that differ from Basketball-Reference codes. Applied only where
# the NBA code is not itself a B-Ref code of that season: the NBA's CHA is B-Ref's CHA
# (Bobcats) to 2014 and CHO (Hornets) from 2015; its NOH is NOH to 2013, NOP after.
NBA_TO_BREF = {"BKN": "BRK", "PHX": "PHO", "CHA": "CHO", "NOH": "NOP"}
# GAME_ID = 004 (playoffs) + YY (season start) + 00 + round + series + game.
GAME_ID_PATTERN = re.compile(r"^004\d{2}00[1-4][0-7][1-7]$")
RECORD_CHECK_COLUMNS = ["record_w", "record_l", "record_row"]
HOME_MARK = " vs. "         # MATCHUP "BOS vs. MIA": BOS at home; "MIA @ BOS": MIA away


SEASON_LABEL = re.compile(r"^\d{4}-\d{2}$")


def seasons_from_labels(labels: pd.Series, path: Path, column: str) -> pd.Series:
    """'2016-17' -> 2017 (seasons are named by the year they end); malformed -> DataError."""
    bad = ~labels.fillna("").str.match(SEASON_LABEL)
    if bad.any():
        label = bad.idxmax()
        raise DataError(f"{path}: column '{column}', row {csv_line(label)}: "
                        f"{labels.loc[label]!r} is not a season like '2016-17'")
    return labels.str[:4].astype("int64") + 1


def series_won_from_text(text: object) -> int | None:
    """Series won for a `Playoffs` value; None for a missed playoffs; ValueError if unknown."""
    if pd.isna(text) or not str(text).strip():
        return None
    for pattern, won in ROUND_REACHED:
        if pattern.match(str(text).strip()):
            return won
    raise ValueError(text)


def record_outcomes(records: pd.DataFrame, name_to_code: pd.DataFrame, path: Path,
                    first_season: int) -> pd.DataFrame:
    """Per-team outcomes from Team_Records rows (columns Season, Lg, Team, Playoffs, Finish).

    `name_to_code`: season, team (full name), abbreviation, from Team Abbrev.csv.
    """
    df = records.copy()
    df = drop_logged(df, df["Lg"] != "NBA", path, "not NBA (BAA/ABA)")
    df["season"] = seasons_from_labels(df["Season"], path, "Season")
    df = drop_logged(df, df["season"] < first_season, path, f"seasons before {first_season}")
    df["name"] = df["Team"].str.rstrip("*").str.strip()
    df = df.merge(name_to_code.rename(columns={"team": "name", "abbreviation": "team"}),
                  on=["season", "name"], how="left").set_axis(df.index)
    unmapped = df["team"].isna()
    if unmapped.any():
        label = unmapped.idxmax()
        raise DataError(f"{path}: column 'Team', row {csv_line(label)}, season "
                        f"{df.loc[label, 'season']}: team name {df.loc[label, 'Team']!r} "
                        "has no abbreviation in Team Abbrev.csv")
    df["series_won"] = [_parse_round(v, label, path) for label, v in df["Playoffs"].items()]
    known = df.groupby("season")["series_won"].transform(lambda s: (s == 4).sum() == 1)
    df = drop_logged(df, ~known, path, "seasons without a champion (incomplete season)")
    check_unique(df, ["season", "team"], path)
    df["made_playoffs"] = df["series_won"].notna()
    df["series_won"] = df["series_won"].fillna(0).astype("int64")
    df["division_finish"] = df["Finish"].astype("Int64")
    # W/L and CSV row: checked against Team Summaries (team_seasons.check_records_agree)
    df["record_w"], df["record_l"] = df["W"], df["L"]
    df["record_row"] = [csv_line(label) for label in df.index]
    return df[["season", "team", "made_playoffs", "series_won", "division_finish",
               *RECORD_CHECK_COLUMNS]]


def _parse_round(value: object, label: int, path: Path) -> float:
    try:
        won = series_won_from_text(value)
    except ValueError:
        raise DataError(f"{path}: column 'Playoffs', row {csv_line(label)}: unknown round "
                        f"text {value!r}") from None
    return float("nan") if won is None else float(won)


def map_nba_codes(games: pd.DataFrame, season_teams: dict[int, set[str]], path: Path) -> pd.Series:
    """B-Ref code for each row's TEAM_ABBREVIATION in its season; unknown codes are errors."""
    def to_bref(label: int, season: int, code: str) -> str:
        teams = season_teams.get(season, set())
        if code in teams:
            return code
        if NBA_TO_BREF.get(code) in teams:
            return NBA_TO_BREF[code]
        raise DataError(f"{path}: column 'TEAM_ABBREVIATION', row {csv_line(label)}, season "
                        f"{season}: unknown team abbreviation {code!r} (not in Team "
                        "Summaries.csv for that season)")
    return pd.Series([to_bref(i, s, c) for i, s, c in
                      zip(games.index, games["season"], games["TEAM_ABBREVIATION"])],
                     index=games.index, dtype="str")


def clean_games(raw: pd.DataFrame, season_teams: dict[int, set[str]], path: Path,
                first_season: int) -> pd.DataFrame:
    """One row per team per game: season, game_id, team (B-Ref), home, won, round, series."""
    df = raw.copy()
    df["season"] = seasons_from_labels(df["SEASON_YEAR"], path, "SEASON_YEAR")
    df = drop_logged(df, df["season"] < first_season, path, f"seasons before {first_season}")
    bad_id = ~df["GAME_ID"].fillna("").str.match(GAME_ID_PATTERN)
    if bad_id.any():
        label = bad_id.idxmax()
        raise DataError(f"{path}: column 'GAME_ID', row {csv_line(label)}: "
                        f"{df.loc[label, 'GAME_ID']!r} is not a playoff game id (004YY00RSG)")
    df["team"] = map_nba_codes(df, season_teams, path)
    repeated = df.duplicated(["GAME_ID", "team"])
    conflicting = df.loc[df.duplicated(["GAME_ID", "team"], keep=False)]
    if conflicting.groupby(["GAME_ID", "team"])[["WL", "PTS"]].nunique().gt(1).any().any():
        raise DataError(f"{path}: column 'WL'/'PTS': a game appears twice for one team with "
                        "different results")
    df = drop_logged(df, repeated, path, "repeated (GAME_ID, team) rows with the same result")
    per_game = df.groupby("GAME_ID")["WL"].agg(lambda s: "".join(sorted(s)))
    broken = per_game[per_game != "LW"]
    if len(broken):
        raise DataError(f"{path}: column 'WL': game {broken.index[0]} needs one W and one L "
                        f"row, has {broken.iloc[0]!r}")
    _check_winner_outscored(df, path)
    games = pd.DataFrame({
        "season": df["season"].astype("int64"), "game_id": df["GAME_ID"], "team": df["team"],
        "date": _game_dates(df, path), "pts": df["PTS"].astype("int64"),
        "home": df["MATCHUP"].str.contains(HOME_MARK, regex=False), "won": df["WL"] == "W",
        "round": df["GAME_ID"].str[7].astype("int64"),
        "series": df["GAME_ID"].str[8].astype("int64"),
        "game": df["GAME_ID"].str[9].astype("int64"),
    })
    validate_playoff_games(games, path)
    return games


def _game_dates(df: pd.DataFrame, path: Path) -> pd.Series:
    """GAME_DATE as a day (the file writes '2011-05-10T00:00:00'); unreadable -> DataError."""
    dates = pd.to_datetime(df["GAME_DATE"].str[:10], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        label = dates.isna().idxmax()
        raise DataError(f"{path}: column 'GAME_DATE', row {csv_line(label)}: "
                        f"{df.loc[label, 'GAME_DATE']!r} is not a date like 2011-05-10")
    return dates


def _check_winner_outscored(df: pd.DataFrame, path: Path) -> None:
    """The W row of every game scored more points than its L row."""
    pts = df.pivot_table(index="GAME_ID", columns="WL", values="PTS", aggfunc="first")
    bad = pts.index[~(pts["W"] > pts["L"])]
    if len(bad):
        game = bad[0]
        label = df.index[(df["GAME_ID"] == game) & (df["WL"] == "W")][0]
        raise DataError(f"{path}: column 'PTS', row {csv_line(label)}: game {game} is marked W "
                        f"with {pts.at[game, 'W']:g} points against {pts.at[game, 'L']:g}")


def build_series(games: pd.DataFrame, path: Path) -> pd.DataFrame:
    """playoff_series table (docs/contracts.md) from clean_games output; complete seasons only."""
    rows = []
    for (season, rnd, number), g in games.groupby(["season", "round", "series"], sort=True):
        wins = g.groupby("team")["won"].sum().sort_values(ascending=False)
        if len(wins) != 2:
            raise DataError(f"{path}: season {season}, round {rnd}, series {number}: expected "
                            f"2 teams, found {', '.join(wins.index)}")
        first_game = g[g["game"] == g["game"].min()]
        home = first_game.loc[first_game["home"], "team"]
        rows.append({"season": season, "round": rnd, "winner": wins.index[0],
                     "loser": wins.index[1], "wins": int(wins.iloc[0]),
                     "losses": int(wins.iloc[1]),
                     "home_team": home.iloc[0] if len(home) else None})
    series = pd.DataFrame(rows)
    complete = series["wins"] == SERIES_TO_WIN
    has_champion = series.assign(c=complete & (series["round"] == FINALS_ROUND)) \
        .groupby("season")["c"].transform("any")
    series = drop_logged(series, ~has_champion, path, "series of seasons without a finished Finals")
    unfinished = series["wins"] != SERIES_TO_WIN
    if unfinished.any():
        r = series.loc[unfinished].iloc[0]
        raise DataError(f"{path}: season {r['season']}, round {r['round']}: series "
                        f"{r['winner']}-{r['loser']} ended {r['wins']}-{r['losses']}")
    series["conference"] = [None if rnd == FINALS_ROUND else conference_of(w, s)
                            for s, rnd, w in zip(series["season"], series["round"], series["winner"])]
    return series[["season", "round", "conference", "winner", "loser", "wins", "losses",
                   "home_team"]].reset_index(drop=True)


def series_outcomes(series: pd.DataFrame) -> pd.DataFrame:
    """Per-team outcomes (season, team, made_playoffs, series_won) of the playoff teams."""
    teams = pd.concat([series[["season", "winner"]].rename(columns={"winner": "team"}),
                       series[["season", "loser"]].rename(columns={"loser": "team"})])
    won = series.groupby(["season", "winner"]).size().rename("series_won")
    out = teams.drop_duplicates().merge(won.rename_axis(["season", "team"]).reset_index(),
                                        on=["season", "team"], how="left")
    out["series_won"] = out["series_won"].fillna(0).astype("int64")
    out["made_playoffs"] = True
    return out.sort_values(["season", "team"]).reset_index(drop=True)


def outcome_disagreements(records: pd.DataFrame, from_games: pd.DataFrame) -> pd.DataFrame:
    """Rows where Team_Records and the game file disagree, over the seasons both cover."""
    both = set(records["season"]) & set(from_games["season"])
    left = records.loc[records["season"].isin(both) & records["made_playoffs"],
                       ["season", "team", "series_won"]]
    right = from_games.loc[from_games["season"].isin(both), ["season", "team", "series_won"]]
    merged = left.merge(right, on=["season", "team"], how="outer",
                        suffixes=("_records", "_games"))
    differ = merged["series_won_records"].ne(merged["series_won_games"])
    return merged.loc[differ].reset_index(drop=True)
