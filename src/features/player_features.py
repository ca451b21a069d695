"""Per-player stat vectors for Model A's end-of-season rosters, from player_seasons.parquet.

One row per (season, player): the player belongs to the team he finished the regular season
with (`final_team` of ingest: a deadline acquisition is on his new team, a player traded away
is not on his old one). His per-possession numbers come from his whole season (every stint,
minutes-weighted), shrunk toward his earlier seasons when his minutes are few:

    x_shrunk = (mp * x_season + shrink_minutes * x_prior) / (mp + shrink_minutes)

x_prior = minutes-weighted mean of his previous `prior_seasons` seasons, or the season's
league mean (minutes-weighted) for a player without history. Availability is an input:
share of the season's games played, minutes per game, starts. The expected share of playoff
minutes (the attention bias) is mpg * games_share ** availability_power, normalised over the
roster, so a star who missed games still counts near his per-game role.

Only regular-season numbers of season t and earlier seasons reach season t (All-Star picks are
made in February); never award voting.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from src.artifacts import PLAYER_SEASONS
from src.errors import DataError
from src.features.player_value import RAW_COLUMNS as VALUE_INPUTS
from src.features.config import RosterConfig

log = logging.getLogger(__name__)

SOURCE = PLAYER_SEASONS.path
PER_MINUTES = 36.0
PLAYER_KEY = ["season", "player_id"]
KEY_COLUMNS = ["season", "team", "player_id", "player", "g", "gs", "mp"]
# per-possession impact and production: whole-season rates, shrunk toward earlier seasons
RATE_COLUMNS = [
    "on_court_plus_minus_per_100_poss", "net_plus_minus_per_100_poss",
    "pts_per_100_poss", "ast_per_100_poss", "orb_per_100_poss", "drb_per_100_poss",
    "stl_per_100_poss", "blk_per_100_poss", "tov_per_100_poss", "pf_per_100_poss",
    "fta_per_100_poss", "x3pa_per_100_poss", "o_rtg", "d_rtg", "e_fg_percent",
    "fg_percent", "avg_dist_fga", "percent_fga_from_x3p_range", "fg_percent_from_x3p_range",
    "percent_assisted_x2p_fg",
]
# name -> play-by-play counts summed over the season, per 36 minutes (then shrunk like rates)
PER_36_COLUMNS = {
    "turnovers_per_36": ["bad_pass_turnover", "lost_ball_turnover"],
    "fouls_drawn_per_36": ["shooting_foul_drawn", "offensive_foul_drawn"],
    "assist_points_per_36": ["points_generated_by_assists"],
}
POSITION_COLUMNS = ["pg_percent", "sg_percent", "sf_percent", "pf_percent", "c_percent"]
PLAIN_COLUMNS = ["age", "experience"]
VALUE_COLUMNS = ["player_value"]   # points per 100, fitted walk-forward (roster.with_player_value)
AVAILABILITY_COLUMNS = ["minutes_share", "minutes_per_game", "games_share", "starts_share",
                        "all_star"]
SHRUNK_COLUMNS = RATE_COLUMNS + list(PER_36_COLUMNS)
FEATURE_NAMES = (AVAILABILITY_COLUMNS + PLAIN_COLUMNS + POSITION_COLUMNS + SHRUNK_COLUMNS
                 + VALUE_COLUMNS)
REQUIRED_COLUMNS = list(dict.fromkeys(
    KEY_COLUMNS + ["final_team", "all_star"] + PLAIN_COLUMNS + POSITION_COLUMNS + RATE_COLUMNS
    + [c for cols in PER_36_COLUMNS.values() for c in cols] + VALUE_INPUTS))


def check_columns(players: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in players.columns]
    if missing:
        raise DataError(f"{SOURCE}: missing column(s) {', '.join(missing)} (re-run the ingest "
                        "stage: player_seasons gained final_team and the Per 100 Poss columns)")
    bad = players["mp"].isna() | (players["mp"] < 0)
    if bad.any():
        row = players.loc[bad].iloc[0]
        raise DataError(f"{SOURCE}: column mp is missing or negative for player "
                        f"{row['player_id']} ({row['team']}, season {row['season']})")


def _weighted_mean(values: pd.DataFrame, weights: pd.Series, keys: list[pd.Series]) -> pd.DataFrame:
    """Minutes-weighted mean per group, each column over the rows where it has a value."""
    w = values.notna().mul(weights, axis=0)
    total = values.fillna(0.0).mul(weights, axis=0).groupby(keys).sum()
    return total / w.groupby(keys).sum().where(lambda s: s > 0)


def season_players(players: pd.DataFrame) -> pd.DataFrame:
    """One row per (season, player_id): team = final team, counts summed over stints, rates
    minutes-weighted over stints (per-36 columns from the summed counts)."""
    check_columns(players)
    p = players.copy()
    p["mp"] = p["mp"].astype(float)
    keys = [p["season"], p["player_id"]]
    final = p.loc[p["final_team"].astype(bool)].set_index(PLAYER_KEY)
    out = final[["team", "player", *PLAIN_COLUMNS]].copy()
    sums = p.groupby(keys)[["g", "gs", "mp"]].sum()
    out[["g", "gs", "mp"]] = sums.reindex(out.index)
    out["all_star"] = p["all_star"].astype(float).groupby(keys).max().reindex(out.index)
    rates = p[RATE_COLUMNS + POSITION_COLUMNS].apply(pd.to_numeric, errors="coerce")
    out[RATE_COLUMNS + POSITION_COLUMNS] = _weighted_mean(rates, p["mp"], keys).reindex(out.index)
    for name, cols in PER_36_COLUMNS.items():
        counts = p[cols].apply(pd.to_numeric, errors="coerce").sum(axis=1, min_count=1)
        total = counts.groupby(keys).sum(min_count=1).reindex(out.index)
        out[name] = total / out["mp"].where(out["mp"] > 0) * PER_MINUTES
    lost = len(p.drop_duplicates(PLAYER_KEY)) - len(out)
    if lost:
        raise DataError(f"{SOURCE}: {lost} player-season(s) have no row with final_team = True")
    return out.reset_index()


def shrink_to_history(frame: pd.DataFrame, cfg: RosterConfig) -> pd.DataFrame:
    """SHRUNK_COLUMNS pulled toward each player's previous `prior_seasons` seasons (seasons
    < t only), or toward the season's league mean without history."""
    frame = frame.sort_values(PLAYER_KEY, kind="mergesort").reset_index(drop=True)
    mp = frame["mp"].astype(float)
    values = frame[SHRUNK_COLUMNS]
    has = values.notna()
    weighted = values.fillna(0.0).mul(mp, axis=0)
    weights = has.mul(mp, axis=0)
    league = (weighted.groupby(frame["season"]).transform("sum")
              / weights.groupby(frame["season"]).transform("sum"))
    prior = _history_mean(frame, weighted, weights, cfg.prior_seasons)
    prior = prior.fillna(league)
    own = values.fillna(prior)        # a season without the stat: the prior alone
    k = float(cfg.shrink_minutes)
    shrunk = (own.mul(mp, axis=0) + prior * k).div(mp + k, axis=0)
    frame[SHRUNK_COLUMNS] = shrunk
    return frame


def _history_mean(frame: pd.DataFrame, weighted: pd.DataFrame, weights: pd.DataFrame,
                  n_seasons: int) -> pd.DataFrame:
    """Minutes-weighted mean of each player's seasons t-n..t-1 (NaN without any)."""
    num = pd.DataFrame(0.0, index=frame.index, columns=weighted.columns)
    den = pd.DataFrame(0.0, index=frame.index, columns=weighted.columns)
    key = pd.MultiIndex.from_frame(frame[PLAYER_KEY])
    w_by_key = weighted.set_axis(key)
    d_by_key = weights.set_axis(key)
    for lag in range(1, n_seasons + 1):
        earlier = pd.MultiIndex.from_arrays([frame["season"] - lag, frame["player_id"]])
        num += w_by_key.reindex(earlier).fillna(0.0).to_numpy()
        den += d_by_key.reindex(earlier).fillna(0.0).to_numpy()
    return num / den.where(den > 0)


def player_feature_frame(players: pd.DataFrame, cfg: RosterConfig) -> pd.DataFrame:
    """Key columns plus one float column per name in FEATURE_NAMES (NaN where unknown) and
    `minutes_weight` (unnormalised expected playoff minutes), one row per player-season."""
    out = shrink_to_history(season_players(players), cfg)
    mp, g = out["mp"].astype(float), out["g"].astype(float)
    season_games = g.groupby(out["season"]).transform("max")   # games played so far this season
    out["minutes_per_game"] = mp / g.where(g > 0)
    out["games_share"] = (g / season_games.where(season_games > 0)).clip(upper=1.0)
    out["starts_share"] = out["gs"].astype(float) / g.where(g > 0)
    out["minutes_weight"] = (out["minutes_per_game"].fillna(0.0)
                             * out["games_share"].fillna(0.0) ** cfg.availability_power)
    out["minutes_share"] = np.nan    # set over the kept roster (roster.select_rosters)
    out["player_value"] = np.nan     # set by roster.with_player_value (needs every earlier season)
    for col in PLAIN_COLUMNS:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    out[FEATURE_NAMES] = out[FEATURE_NAMES].astype(float).replace([np.inf, -np.inf], np.nan)
    return out
