"""Learning targets of a season, from its final order (post_playoff_rank) and relevance.

* order_label: n_teams - post_playoff_rank (0 = weakest .. n-1 = champion), the full order
  that `rank:pairwise` learns.
* relevance: 0 missed playoffs .. 5 champion (MISSION.md), for `rank:ndcg` and regression.
* strength: order_label / (n_teams - 1) in [0, 1], comparable across seasons of different
  league sizes: the random forest's and the stacker's regression target.
Only seasons with outcome_known rows are targets.
"""
from __future__ import annotations

import pandas as pd

from src.errors import DataError

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
