"""player_seasons: play-by-play + shooting + per 100 possessions + season info + All-Star flag,
per player-team-season.

A player traded mid-season has, after his `2TM`/`3TM` total row, one row per team in the order
he played for them (checked on the real files: Play By Play and Per 100 Poss agree on all 1,710
traded player-seasons of 1997-2025, e.g. Harden 2021 HOU then BRK). `stint` keeps that order
(1 = first team) and `final_team` marks the team he finished the regular season with.

Never joins award voting (Player Award Shares) or End of Season Teams: both are announced
after the regular season and would leak into features of that season.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from src.data import schema
from src.data.player_checks import (KEY, check_every_team_has_players, check_names,
                                    check_one_row_per_player, check_player_ranges,
                                    check_same_player_rows, check_teams_known)
from src.data.readers import csv_line, drop_logged, log_empty_values, read_csv, require_values, to_int
from src.errors import DataError

log = logging.getLogger(__name__)

# Total rows of a player traded mid-season: 2TM, 3TM, ... (newer files) or TOT (older).
MULTI_TEAM = r"^(?:\d+TM|TOT)$"
LEAGUE = "NBA"


def build_player_seasons(raw_dir: Path, first_season: int, teams: pd.DataFrame,
                         min_minutes_share: float | None = None) -> pd.DataFrame:
    """One row per (season, player_id, team); every team must be in `teams` for that season.
    `min_minutes_share`: see check_every_team_has_players (None: rows only, not minutes)."""
    specs = (schema.PLAYER_PBP, schema.PLAYER_SHOOTING, schema.PLAYER_INFO, schema.PLAYER_PER_100)
    files = {spec.name: _read_player_file(raw_dir, spec, first_season, teams) for spec in specs}
    pbp, shooting, info, per_100 = files.values()
    check_player_ranges(pbp, teams, Path(raw_dir) / schema.PLAYER_PBP.name)
    check_player_ranges(per_100, teams, Path(raw_dir) / schema.PLAYER_PER_100.name)
    for spec, frame in zip(specs, files.values()):
        check_every_team_has_players(frame, teams, Path(raw_dir) / spec.name,
                                     min_minutes_share if spec is schema.PLAYER_PBP else None)
    check_same_player_rows(files, teams, raw_dir)
    df = add_stints(pbp.drop(columns="lg"))
    df = _join(df, info[[*KEY, "experience"]], schema.PLAYER_INFO.name)
    df = _join(df, shooting[[*KEY, *schema.SHOOTING_STATS]], schema.PLAYER_SHOOTING.name)
    df = _join(df, per_100[[*KEY, *schema.PER_100_STATS]], schema.PLAYER_PER_100.name)
    stars = _all_star_keys(raw_dir)
    df["all_star"] = pd.MultiIndex.from_frame(df[["season", "player_id"]]).isin(
        pd.MultiIndex.from_frame(stars))
    columns = ["season", "player_id", "player", "team", "stint", "final_team", "age", "pos",
               "experience", "g", "gs", "mp", "all_star", *schema.PBP_STATS,
               *schema.SHOOTING_STATS, *schema.PER_100_STATS]
    return df[columns].sort_values(KEY).reset_index(drop=True)


def add_stints(rows: pd.DataFrame) -> pd.DataFrame:
    """`stint` (1 = first team of the season) from the file order of a player's team rows
    (`rows` keeps the file's row positions as its index), `final_team` = his last stint."""
    ordered = rows.sort_index(kind="stable")
    stint = ordered.groupby(["season", "player_id"], sort=False).cumcount() + 1
    n_stints = stint.groupby([ordered["season"], ordered["player_id"]]).transform("max")
    return ordered.assign(stint=stint.astype("int64"), final_team=(stint == n_stints))


def _read_player_file(raw_dir: Path, spec: schema.CsvSpec, first_season: int,
                      teams: pd.DataFrame) -> pd.DataFrame:
    path = Path(raw_dir) / spec.name
    df = read_csv(raw_dir, spec)
    df["season"] = to_int(df["season"], path, "season")
    df = drop_logged(df, df["lg"] != LEAGUE, path, "not NBA")
    df = drop_logged(df, df["season"] < first_season, path, f"seasons before {first_season}")
    df = drop_logged(df, df["team"].fillna("").str.match(MULTI_TEAM), path,
                     "multi-team total rows (2TM/3TM/TOT)")
    for column in ("player_id", "team"):
        if df[column].isna().any():
            label = df[column].isna().idxmax()
            raise DataError(f"{path}: column '{column}', row {csv_line(label)}, season "
                            f"{df.loc[label, 'season']}: empty value")
    check_teams_known(df, teams, path)
    check_one_row_per_player(df, path)
    check_names(df, path)
    require_values(df, spec.required, path)
    log_empty_values(df, spec.optional, path)
    return df


def _join(left: pd.DataFrame, right: pd.DataFrame, source: str) -> pd.DataFrame:
    """Left join on KEY; rows of either side without a partner are counted in the log."""
    merged = left.merge(right, on=KEY, how="outer", indicator=True)
    only_right = int((merged["_merge"] == "right_only").sum())
    only_left = int((merged["_merge"] == "left_only").sum())
    if only_right:
        log.info("%s: dropped %d row(s) with no play-by-play row", source, only_right)
    if only_left:
        log.info("%s: no row for %d player-team-season(s); their columns stay NaN",
                 source, only_left)
    return merged.loc[merged["_merge"] != "right_only"].drop(columns="_merge")


def _all_star_keys(raw_dir: Path) -> pd.DataFrame:
    """(season, player_id) of NBA All-Star selections (ABA games are not the NBA's)."""
    path = Path(raw_dir) / schema.ALL_STARS.name
    df = read_csv(raw_dir, schema.ALL_STARS)
    df = df.loc[df["lg"] == LEAGUE]
    df = df.assign(season=to_int(df["season"], path, "season"))
    return df[["season", "player_id"]].drop_duplicates()
