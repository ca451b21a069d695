"""What the forecast page says about a team's top players, beside Model A's attention table.

Model A reads a player on his final team with his whole season (every stint: a deadline
acquisition brings his season's evidence, src/features/player_features.py), so the season
total `mp` is not his minutes for that team. A reader checks two things against the player's
season: minutes for the team (`team_mp`, his rows of that team only) and where his value comes
from: `value_season` (this season's evidence) and `value_history` (his earlier seasons, the
minutes-weighted prior at `history_weight`), src/features/player_value.py. A star's value can be
near zero when his earlier seasons on a losing team pull it down.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from src.artifacts import PLAYER_SEASONS
from src.errors import DataError
from src.features.config import PlayerValueConfig
from src.features.player_value import player_values

KEY = ["season", "team", "player_id"]


def with_team_minutes(table: pd.DataFrame, players: pd.DataFrame) -> pd.DataFrame:
    """`team_mp`: a listed player's regular-season minutes for the team he is listed on (his
    stints there summed), beside the season total `mp`."""
    stints = players[players["season"].isin(table["season"].unique())]
    team_mp = stints.groupby(KEY, as_index=False)["mp"].sum().rename(columns={"mp": "team_mp"})
    out = table.merge(team_mp, on=KEY, how="left", validate="many_to_one")
    if out["team_mp"].isna().any():
        row = out[out["team_mp"].isna()].iloc[0]
        raise DataError(f"{PLAYER_SEASONS.path}: no row for {row['player_id']} on "
                        f"{row['team']} in season {row['season']}, although Model A lists him there")
    return out


def with_value_parts(table: pd.DataFrame, players: pd.DataFrame,
                     cfg: PlayerValueConfig | None) -> pd.DataFrame:
    """`value_season` and `value_history` (points per 100) of each listed player: the parts his
    value blends, fitted exactly as the model's rosters were (the checkpoint's own `cfg`). NaN
    without player values (a model without features.player_value)."""
    if cfg is None or "player_value" not in table.columns:
        return table.assign(value_season=np.nan, value_history=np.nan)
    seasons = sorted(table["season"].unique().tolist())
    values, _ = player_values(players[players["season"] <= max(seasons)], seasons, cfg)
    parts = values[["season", "player_id", "value", "value_season", "value_history"]].rename(
        columns={"value": "value_parts"})
    out = table.merge(parts, on=["season", "player_id"], how="left", validate="many_to_one")
    moved = ~np.isclose(out["value_parts"], out["player_value"], rtol=0, atol=1e-9, equal_nan=True)
    if moved.any():
        raise DataError(f"player values of season {seasons}: recomputed {out['value_parts'][moved].iloc[0]}"
                        f" where Model A's rosters hold {out['player_value'][moved].iloc[0]}")
    return out.drop(columns="value_parts")
