"""Per-player stat vectors for Model A's rosters, from data/interim/player_seasons.parquet.

Only regular-season numbers known when the regular season ends (All-Star picks are made
in February); never award voting. Rates are per 36 minutes so bench players compare
with starters; position mix and shooting profile come as the source gives them.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from src.errors import DataError

log = logging.getLogger(__name__)

SOURCE = "data/interim/player_seasons.parquet"
PER_MINUTES = 36.0
KEY_COLUMNS = ["season", "team", "player_id", "player", "g", "gs", "mp"]
# columns used as they are (already rates, shares or percentages)
DIRECT_COLUMNS = [
    "age", "experience",
    "on_court_plus_minus_per_100_poss", "net_plus_minus_per_100_poss",
    "pg_percent", "sg_percent", "sf_percent", "pf_percent", "c_percent",
    "fg_percent", "avg_dist_fga", "percent_fga_from_x0_3_range", "fg_percent_from_x0_3_range",
    "percent_fga_from_x3p_range", "fg_percent_from_x3p_range", "percent_assisted_x2p_fg",
    "percent_dunks_of_fga",
]
# name -> source counts summed, then expressed per 36 minutes
PER_36_COLUMNS = {
    "turnovers_per_36": ["bad_pass_turnover", "lost_ball_turnover"],
    "fouls_per_36": ["shooting_foul_committed", "offensive_foul_committed"],
    "fouls_drawn_per_36": ["shooting_foul_drawn", "offensive_foul_drawn"],
    "assist_points_per_36": ["points_generated_by_assists"],
}
DERIVED_COLUMNS = ["minutes_share", "minutes_per_game", "games_share", "starts_share", "all_star"]
FEATURE_NAMES = DERIVED_COLUMNS + DIRECT_COLUMNS + list(PER_36_COLUMNS)
REQUIRED_COLUMNS = (KEY_COLUMNS + ["all_star"] + DIRECT_COLUMNS
                    + [c for cols in PER_36_COLUMNS.values() for c in cols])


def check_columns(players: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in players.columns]
    if missing:
        raise DataError(f"{SOURCE}: missing column(s) {', '.join(missing)}")
    bad = players["mp"].isna() | (players["mp"] < 0)
    if bad.any():
        row = players.loc[bad].iloc[0]
        raise DataError(f"{SOURCE}: column mp is missing or negative for player "
                        f"{row['player_id']} ({row['team']}, season {row['season']})")


def player_feature_frame(players: pd.DataFrame) -> pd.DataFrame:
    """Key columns plus one float column per name in FEATURE_NAMES (NaN where unknown)."""
    check_columns(players)
    out = players[KEY_COLUMNS].copy()
    mp = players["mp"].astype(float)
    g = players["g"].astype(float)
    group = [players["season"], players["team"]]
    team_minutes = mp.groupby(group).transform("sum")
    team_games = g.groupby(group).transform("max")
    out["minutes_share"] = mp / team_minutes.where(team_minutes > 0)
    out["minutes_per_game"] = mp / g.where(g > 0)
    out["games_share"] = g / team_games.where(team_games > 0)
    out["starts_share"] = players["gs"].astype(float) / g.where(g > 0)
    out["all_star"] = players["all_star"].astype(float)
    for col in DIRECT_COLUMNS:
        out[col] = pd.to_numeric(players[col], errors="coerce").astype(float)
    for name, cols in PER_36_COLUMNS.items():
        total = players[cols].apply(pd.to_numeric, errors="coerce").sum(axis=1, min_count=1)
        out[name] = total.astype(float) / mp.where(mp > 0) * PER_MINUTES
    out[FEATURE_NAMES] = out[FEATURE_NAMES].replace([np.inf, -np.inf], np.nan)
    return out
