"""Agreement of the contributions with FiveThirtyEight's RAPTOR WAR: a judge, never an input.

RAPTOR (../shared/data/raptor, regular-season rows of modern_RAPTOR_by_team.csv, 2014-2022) is
read here only, after every contribution is computed: it is no feature, no training target and
chooses no setting. Per team-season, over the rostered players RAPTOR rates for that team:
the Spearman correlation of each method's scores with regular-season WAR, and whether the
method's top player is WAR's top player (top-1). Methods: the contribution, the minutes share
and the heuristic minutes x (net on-off + 10).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from src.errors import DataError
from src.explain.compare import MIN_PLAYERS_FOR_SPEARMAN, rank_correlation

log = logging.getLogger(__name__)

RAPTOR_FILE = "modern_RAPTOR_by_team.csv"
RAPTOR_ENV = "RAPTOR_DIR"      # overrides explain.raptor_dir
REGULAR_SEASON = "RS"
WAR = "war_reg_season"
JUDGED = {"contribution": "contribution", "minutes_share": "minutes share",
          "minutes_x_net_on_off": "minutes x (net on-off + 10)",
          "model_contribution": "Model A's own contribution (5 x attention x its value head)"}


def raptor_dir(configured: str) -> Path:
    return Path(os.environ.get(RAPTOR_ENV) or configured)


def read_raptor(folder: Path) -> pd.DataFrame | None:
    """season, team, player_id, war_reg_season of the regular-season rows; None (logged) when
    the judge's file is not on this machine."""
    path = folder / RAPTOR_FILE
    if not path.exists():
        log.warning("explain: %s not found (set explain.raptor_dir or %s): no RAPTOR agreement",
                    path, RAPTOR_ENV)
        return None
    table = pd.read_csv(path)
    missing = [c for c in ("season", "team", "player_id", "season_type", WAR)
               if c not in table.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    rs = table[table["season_type"] == REGULAR_SEASON]
    return rs[["season", "team", "player_id", WAR]].drop_duplicates(
        ["season", "team", "player_id"])


def raptor_agreement(contributors: pd.DataFrame, raptor: pd.DataFrame
                     ) -> tuple[dict, pd.DataFrame]:
    """(metrics, per team-season rows) over the team-seasons both tables cover."""
    joined = contributors.merge(raptor, on=["season", "team", "player_id"], how="inner")
    rows = []
    for (season, team), group in joined.groupby(["season", "team"], sort=True):
        if len(group) < MIN_PLAYERS_FOR_SPEARMAN:
            continue
        war = group[WAR].to_numpy(dtype=float)
        best = group["player_id"].to_numpy()[np.argmax(war)]
        row = {"season": int(season), "team": team, "n_players": len(group)}
        for col in JUDGED:
            scores = group[col].to_numpy(dtype=float)
            row[f"{col}_spearman"] = float(rank_correlation(scores, war[None, :])[0])
            row[f"{col}_top1"] = bool(group["player_id"].to_numpy()[np.argmax(scores)] == best)
        rows.append(row)
    per_team = pd.DataFrame(rows)
    if per_team.empty:
        return {"raptor_n_team_seasons": 0}, per_team
    metrics: dict = {"raptor_seasons": [int(per_team["season"].min()),
                                        int(per_team["season"].max())],
                     "raptor_n_team_seasons": len(per_team)}
    for col in JUDGED:
        metrics[f"raptor_{col}_spearman"] = float(per_team[f"{col}_spearman"].mean())
        metrics[f"raptor_{col}_top1"] = float(per_team[f"{col}_top1"].mean())
    return metrics, per_team
