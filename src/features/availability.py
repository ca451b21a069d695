"""Who was available in a playoff team's recent games, as of a date.

As of a date means at the end of that day: a game of that day is known (the forecast's
convention, docs/asof.md). For each playoff team with a known game, every player of its roster
(the players the forecast rates: the attention table, regular-season rows of the team he
finished the season with) gets his status in the team's last game before the date:

    played     he played
    coach      "DNP - Coach's Decision": fit, not used
    injury     did not dress, or did not play for an injury or illness
    suspended  suspended
    away       not with the team (personal reasons)
    absent     on the roster but not in the box score (NBA box scores leave out most
               inactive players: injured, or not in the rotation)
    unknown    the team's last game has no box score in the data (2024 after its first 11
               games): nothing is said about anyone

`missed_in_row` counts the games he missed (any status but played) up to and including that last
game, `played_recent` of the last RECENT_GAMES games he played. `contribution` is his
contribution above replacement (points, src/explain/attention.py) and `share` his share of the
team's total: what the team loses without him is `contribution` points of strength.
Only games dated on or before `as_of` are read.
"""
from __future__ import annotations

import pandas as pd

MISSED = ("coach", "injury", "suspended", "away", "absent")
RECENT_GAMES = 3
ROTATION = 8        # a team's players with the most regular-season minutes: its rotation
AVAILABILITY_COLUMNS = ["season", "team", "player_id", "player", "contribution", "share", "rotation",
                        "last_game", "last_game_date", "status", "comment", "missed_in_row",
                        "played_recent"]


def known_games(games: pd.DataFrame, season: int, as_of: pd.Timestamp | None) -> pd.DataFrame:
    """The season's games (GAME_COLUMNS) on or before as_of, one row per team and game, in order."""
    rows = games[games["season"] == season]
    if as_of is not None:
        rows = rows[rows["date"] <= as_of]
    both = pd.concat([rows.assign(team=rows["home_team"]), rows.assign(team=rows["away_team"])])
    return both[["team", "game_id", "date"]].sort_values(["team", "date", "game_id"], kind="stable")


def game_statuses(box: pd.DataFrame, roster: pd.DataFrame, team_games: pd.DataFrame) -> pd.DataFrame:
    """One row per roster player per team game: status (module docstring) and comment."""
    grid = team_games.merge(roster[["team", "player_id"]], on="team", how="inner")
    lines = box[["game_id", "team", "player_id", "reason", "comment"]].dropna(subset=["player_id"])
    grid = grid.merge(lines, on=["game_id", "team", "player_id"], how="left", validate="many_to_one")
    with_box = set(zip(box["game_id"], box["team"]))
    has_box = pd.Series([(g, t) in with_box for g, t in zip(grid["game_id"], grid["team"])], index=grid.index)
    status = grid["reason"].where(grid["reason"].notna(), "played")
    status = status.where(grid["comment"].notna(), "absent")           # no box line: absent
    grid["status"] = status.where(has_box, "unknown")
    grid["comment"] = grid["comment"].fillna("")
    return grid.drop(columns="reason")


def availability(box: pd.DataFrame, games: pd.DataFrame, roster: pd.DataFrame, season: int,
                 as_of: pd.Timestamp | None) -> pd.DataFrame:
    """AVAILABILITY_COLUMNS for every roster player of each team with a game known by `as_of`.
    roster: season, team, player_id, player, mp (regular-season minutes), contribution (points
    above replacement)."""
    roster = with_rotation(roster[roster["season"] == season])
    played = known_games(games, season, as_of)
    box = box[(box["season"] == season) & box["game_id"].isin(played["game_id"])]
    grid = game_statuses(box, roster, played)
    if grid.empty:
        return pd.DataFrame(columns=AVAILABILITY_COLUMNS)
    out = last_game_rows(grid)
    out = roster.merge(out, on=["team", "player_id"], how="inner", validate="one_to_one")
    total = out.groupby("team")["contribution"].transform("sum")
    out["share"] = out["contribution"] / total.where(total != 0)
    return out[AVAILABILITY_COLUMNS].sort_values(["team", "contribution"], ascending=[True, False],
                                                 kind="mergesort").reset_index(drop=True)


def with_rotation(roster: pd.DataFrame) -> pd.DataFrame:
    """`rotation`: among the ROTATION players of his team with the most regular-season minutes."""
    rank = roster.sort_values(["mp", "player_id"], ascending=[False, True]).groupby(["season", "team"]).cumcount()
    return roster.assign(rotation=rank.reindex(roster.index) < ROTATION)


def last_game_rows(grid: pd.DataFrame) -> pd.DataFrame:
    """Per (team, player_id) of game_statuses rows: his last game, its status and comment,
    missed_in_row (games missed, up to and including the last) and played_recent."""
    grid = grid.sort_values(["team", "player_id", "date", "game_id"], kind="stable").reset_index(drop=True)
    by = grid.groupby(["team", "player_id"], sort=False)
    position = by.cumcount()
    size = by["status"].transform("size")
    played = grid["status"].eq("played")
    stop = ~grid["status"].isin(MISSED)                      # played or unknown ends a run of misses
    last_stop = position.where(stop).groupby([grid["team"], grid["player_id"]]).transform("max").fillna(-1)
    recent = played & (position >= size - RECENT_GAMES)
    last = grid[position == size - 1].copy()
    last["missed_in_row"] = (size - 1 - last_stop)[last.index].astype(int)
    last["played_recent"] = recent.groupby([grid["team"], grid["player_id"]]).transform("sum")[last.index].astype(int)
    last = last.rename(columns={"game_id": "last_game", "date": "last_game_date"})
    return last[["team", "player_id", "last_game", "last_game_date", "status", "comment", "missed_in_row",
                 "played_recent"]].reset_index(drop=True)


def missing_from_last_game(table: pd.DataFrame) -> pd.DataFrame:
    """The players who did not play in their team's last game, for a reason other than the
    coach's decision (a fit player the coach left out is no loss of strength), largest first;
    an absent player only if he is in the rotation (the box score leaves out the inactive end
    of the bench too)."""
    out_status = table["status"].isin(["injury", "suspended", "away"])
    out = table[out_status | (table["status"].eq("absent") & table["rotation"])]
    return out.sort_values(["team", "contribution"], ascending=[True, False], kind="mergesort")
