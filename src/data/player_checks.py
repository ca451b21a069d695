"""Range and completeness checks of the player files against the team table.

A player file cut at a line boundary parses cleanly (its last line is complete), so the
cut is found by what is missing: every team-season with games must have player rows in
each player file, and a team's players must have played (nearly) all its minutes. Ranges:
games in [0, the team's games], starts in [0, games], minutes in [0, 63 x games].
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from src.data import schema
from src.data.readers import check_range
from src.errors import DataError


def check_player_ranges(players: pd.DataFrame, teams: pd.DataFrame, path: Path) -> None:
    """g of each player-team-season within the team's games that season (the ranges within
    one file, gs <= g and mp <= 63 x g among them, are the schema's: src/data/schema.py)."""
    team_games = players.merge(teams[["season", "team", "g"]], on=["season", "team"],
                               how="left", suffixes=("", "_team"))["g_team"].to_numpy()
    check_range(players, "g", 0, pd.Series(team_games, index=players.index), path,
                "games must be in [0, the team's games that season]")


def check_every_team_has_players(players: pd.DataFrame, teams: pd.DataFrame, path: Path,
                                 min_minutes_share: float | None) -> None:
    """Each team-season with games has rows here; unless `min_minutes_share` is None, its
    players' minutes cover at least that share of the team's 240 x games (a file cut inside a
    season: params.yaml data.min_team_minutes_share)."""
    check_minutes = min_minutes_share is not None
    played = teams.loc[(teams["g"] > 0) & teams["season"].isin(_seasons(teams)),
                       ["season", "team", "g"]]
    counts = players.groupby(["season", "team"]).agg(rows=("team", "size"))
    if check_minutes:
        counts["mp"] = players.groupby(["season", "team"])["mp"].sum()
    found = played.merge(counts.reset_index(), on=["season", "team"], how="left")
    missing = found.loc[found["rows"].isna()]
    if len(missing):
        _raise(path, missing, "has no player rows", "the file looks truncated")
    if check_minutes:
        share = found["mp"] / (schema.GAME_MINUTES * found["g"])
        short = found.assign(share=share).loc[share < min_minutes_share]
        if len(short):
            r = short.iloc[0]
            _raise(path, short, f"players' minutes cover {r['share']:.0%} of the team's "
                   f"{schema.GAME_MINUTES} x {int(r['g'])} (expected >= "
                   f"{min_minutes_share:.0%}, data.min_team_minutes_share)",
                   "player rows are missing: the file looks truncated")


def _seasons(teams: pd.DataFrame) -> list[int]:
    return sorted(int(s) for s in teams["season"].unique())


def _raise(path: Path, bad: pd.DataFrame, what: str, why: str) -> None:
    r = bad.iloc[0]
    seasons = sorted(int(s) for s in bad["season"].unique())
    listed = ", ".join(map(str, seasons[:8])) + (" ..." if len(seasons) > 8 else "")
    raise DataError(f"{path}: column 'team', season {int(r['season'])}: team {r['team']} "
                    f"{what}; {len(bad)} team-season(s) like this in season(s) {listed}: "
                    f"{why}; restore it from its source")
