"""Model-free roster shape of a team-season, from data/interim/player_seasons.parquet.

Regular-season player rows only (Basketball-Reference's play-by-play table); All-Star picks
are made during the regular season, award voting is never read. Per (season, team):

* roster_on_court_pm, roster_net_pm: minutes-weighted means of the players'
  on-court and on-off (net) plus/minus per 100 possessions.
* top3_net_pm: minutes-weighted net +/- of the three players with the most minutes
  (how good the core is, whatever the depth).
* minutes_top5_share: share of the team's minutes played by its five busiest players;
  minutes_hhi: Herfindahl index of the minute shares (1/minutes_hhi = "effective" rotation size).
* n_players (rows with minutes > 0), n_all_stars.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from src.errors import DataError

log = logging.getLogger(__name__)

KEY = ["season", "team"]
ON_COURT = "on_court_plus_minus_per_100_poss"
NET = "net_plus_minus_per_100_poss"
PLAYER_INPUTS = [*KEY, "player_id", "mp", "all_star", ON_COURT, NET]
CORE_SIZE = 3          # "top-3" players by minutes
ROTATION_SIZE = 5      # starters' share of minutes
ROSTER_FEATURES = ["roster_on_court_pm", "roster_net_pm", f"top{CORE_SIZE}_net_pm",
                   f"minutes_top{ROTATION_SIZE}_share", "minutes_hhi", "n_players", "n_all_stars"]


def build_roster_summary(player_seasons: pd.DataFrame,
                         source: str = "player_seasons.parquet") -> pd.DataFrame:
    """One row per (season, team) that has players with minutes: ROSTER_FEATURES."""
    missing = [c for c in PLAYER_INPUTS if c not in player_seasons.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {', '.join(missing)}")
    players = player_seasons[PLAYER_INPUTS]
    if players["mp"].isna().any() or (players["mp"] < 0).any():
        row = players.loc[players["mp"].isna() | (players["mp"] < 0)].iloc[0]
        raise DataError(f"{source}: column mp must be >= 0, season={row.season} "
                        f"team={row.team} player_id={row.player_id}")
    no_minutes = players["mp"] == 0
    if no_minutes.any():
        log.info("roster summary: %d player rows with 0 minutes ignored", int(no_minutes.sum()))
    players = players.loc[~no_minutes].sort_values([*KEY, "mp", "player_id"],
                                                   ascending=[True, True, False, True])
    rows = [_summarise(season, team, group) for (season, team), group in players.groupby(KEY, sort=True)]
    return pd.DataFrame(rows, columns=KEY + ROSTER_FEATURES)


def _summarise(season: int, team: str, group: pd.DataFrame) -> dict:
    minutes = group["mp"].to_numpy(dtype=float)      # sorted busiest first
    share = minutes / minutes.sum()
    core = slice(0, CORE_SIZE)
    return {"season": season, "team": team,
            "roster_on_court_pm": _weighted_mean(group[ON_COURT], minutes),
            "roster_net_pm": _weighted_mean(group[NET], minutes),
            f"top{CORE_SIZE}_net_pm": _weighted_mean(group[NET].iloc[core], minutes[core]),
            f"minutes_top{ROTATION_SIZE}_share": float(share[:ROTATION_SIZE].sum()),
            "minutes_hhi": float(np.square(share).sum()),
            "n_players": len(group),
            "n_all_stars": int(group["all_star"].fillna(False).astype(bool).sum())}


def _weighted_mean(values: pd.Series, weights: np.ndarray) -> float:
    """Mean weighted by minutes over the players whose value is known; NaN if none is."""
    vals = values.to_numpy(dtype=float)
    known = ~np.isnan(vals)
    if not known.any():
        return float("nan")
    return float(np.average(vals[known], weights=weights[known]))
