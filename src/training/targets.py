"""Learning targets of a season, from its final order (post_playoff_rank) and relevance.

* order_label: n_teams - post_playoff_rank (0 = weakest .. n-1 = champion), the full order
  that `rank:pairwise` learns.
* relevance: 0 missed playoffs .. 5 champion (MISSION.md), for `rank:ndcg` and regression.
* strength: order_label / (n_teams - 1) in [0, 1], comparable across seasons of different
  league sizes: the random forest's regression target and the stacker's `order` target.
Only seasons with outcome_known rows are targets.

stacking_target(frame, kind) is the stacker's regression target (stacking.target):
* order: `strength` (every team; dominated by the order of non-playoff teams and of teams
  inside each tier, which the truth sorts by win%);
* relevance: relevance z-scored within each season (every team), like the level-1 scores;
* playoff_order: the order among the playoff teams (relevance >= 1) scaled to [0, 1]
  (1 = champion); NaN for the other teams, which the stacker then does not fit on.
"""
from __future__ import annotations

import pandas as pd

from src.errors import ConfigError, DataError
from src.models.stacker.config import STACK_TARGETS

KEY = ["season", "team"]
TARGET_COLUMNS = ["order_label", "relevance", "strength"]


def season_targets(team_seasons: pd.DataFrame, seasons: list[int],
                   source: str = "team_seasons.parquet") -> pd.DataFrame:
    """season, team, post_playoff_rank, order_label, relevance, strength for `seasons`."""
    rows = team_seasons.loc[team_seasons["season"].isin(seasons)]
    unknown = sorted(rows.loc[~rows["outcome_known"].astype(bool), "season"].unique().tolist())
    if unknown:
        raise DataError(f"{source}: playoff outcome unknown (outcome_known false) for training "
                        f"season(s) {unknown}")
    missing = sorted(set(seasons) - set(rows["season"].unique().tolist()))
    if missing:
        raise DataError(f"{source}: no rows for season(s) {missing}")
    out = rows[KEY + ["post_playoff_rank", "relevance"]].copy()
    for col in ["post_playoff_rank", "relevance"]:
        if out[col].isna().any():
            season = int(out.loc[out[col].isna(), "season"].iloc[0])
            raise DataError(f"{source}: column {col} is null in season {season}")
        out[col] = out[col].astype(int)
    n_teams = out.groupby("season")["team"].transform("size")
    out["order_label"] = n_teams - out["post_playoff_rank"]
    out["strength"] = out["order_label"] / (n_teams - 1)
    return out.sort_values(KEY, kind="stable").reset_index(drop=True)


def stacking_target(frame: pd.DataFrame, kind: str) -> pd.Series:
    """The stacker's target for each row of `frame` (season, post_playoff_rank, relevance,
    strength: whole seasons); NaN where the row is not fitted (playoff_order: non-playoff teams)."""
    if kind == "order":
        return frame["strength"].astype(float)
    if kind == "relevance":
        relevance = frame["relevance"].astype(float)
        by_season = relevance.groupby(frame["season"])
        std = by_season.transform("std", ddof=0)
        return ((relevance - by_season.transform("mean")) / std.mask(std == 0, 1.0)).fillna(0.0)
    if kind == "playoff_order":
        playoff = frame["relevance"].astype(int) >= 1
        rank = frame["post_playoff_rank"].where(playoff).groupby(frame["season"]).rank(method="first")
        n_playoff = playoff.groupby(frame["season"]).transform("sum")
        return ((n_playoff - rank) / (n_playoff - 1)).where(playoff).astype(float)
    raise ConfigError(f"params.yaml: stacking.target must be one of {STACK_TARGETS}, got {kind!r}")
