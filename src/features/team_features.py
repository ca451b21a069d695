"""data/processed/team_features.parquet: team context joined with the roster summary."""
from __future__ import annotations

import logging

import pandas as pd

from src.features.config import TeamFeatureConfig
from src.features.roster_summary import KEY, build_roster_summary
from src.features.team_context import build_team_context

log = logging.getLogger(__name__)


def build_team_features(team_seasons: pd.DataFrame, player_seasons: pd.DataFrame,
                        cfg: TeamFeatureConfig) -> pd.DataFrame:
    """Every team-season of team_seasons; roster columns NaN (logged) where no players are known."""
    context = build_team_context(team_seasons, cfg)
    roster = build_roster_summary(player_seasons)
    merged = context.merge(roster, on=KEY, how="left", validate="one_to_one", indicator=True)
    no_roster = merged["_merge"] == "left_only"
    if no_roster.any():
        seasons = sorted(merged.loc[no_roster, "season"].unique().tolist())
        log.warning("team features: %d team-seasons have no player rows (roster columns NaN), "
                    "seasons %s", int(no_roster.sum()), seasons)
    orphan = roster.merge(context[KEY], on=KEY, how="left", indicator=True)["_merge"] == "left_only"
    if orphan.any():
        log.warning("team features: %d roster team-seasons match no team-season and are dropped: %s",
                    int(orphan.sum()), roster.loc[orphan.to_numpy(), KEY].head(5).to_dict("records"))
    return merged.drop(columns="_merge")


def feature_columns(features: pd.DataFrame) -> list[str]:
    """Model B reads every column except the key (docs/contracts.md)."""
    return [c for c in features.columns if c not in KEY]
