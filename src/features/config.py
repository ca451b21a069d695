"""Typed params for the team-feature switches (`features.sos_srs`, `features.opponent_adjusted`)
and the player value (`features.player_value`, src/features/player_value.py).
and of the roster (`features.roster`: which players make a team's set for Model A).
"""
from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import NonNegativeFloat, NonNegativeInt, PositiveInt

from src.config import PlayerValueConfig, params_section, section
from src.errors import ConfigError

# every key of params.yaml `features`; anything else (a typo) is an error
FEATURE_SECTIONS = ("sos_srs", "opponent_adjusted", "roster", "player_value")


@params_section("features.sos_srs")
class SosSrsConfig:
    enabled: bool


@params_section("features.opponent_adjusted")
class OpponentAdjustedConfig:
    enabled: bool


def player_value_config(params: dict[str, Any]) -> PlayerValueConfig:
    features = params.get("features")
    if not isinstance(features, dict):
        raise ConfigError("params.yaml: section 'features' is missing or not a mapping")
    return section(PlayerValueConfig, features.get("player_value"), "features.player_value")


@params_section("features")
class TeamFeatureConfig:
    sos_srs: SosSrsConfig
    opponent_adjusted: OpponentAdjustedConfig


def team_feature_config(params: dict[str, Any]) -> TeamFeatureConfig:
    features = params.get("features")
    if not isinstance(features, dict):
        raise ConfigError("params.yaml: section 'features' is missing or not a mapping")
    unknown = sorted(set(features) - set(FEATURE_SECTIONS))
    if unknown:
        raise ConfigError(f"params.yaml: unknown key(s) in 'features': {', '.join(unknown)}")
    return TeamFeatureConfig(
        sos_srs=section(SosSrsConfig, features.get("sos_srs"), "features.sos_srs"),
        opponent_adjusted=section(OpponentAdjustedConfig, features.get("opponent_adjusted"),
                                  "features.opponent_adjusted"))


@params_section("features.roster")
class RosterConfig:
    """`features.roster`: which players make a team's set, and how their numbers are read."""
    max_players: PositiveInt
    min_minutes: NonNegativeFloat
    shrink_minutes: NonNegativeFloat     # minutes of evidence the prior (earlier seasons) is worth
    prior_seasons: NonNegativeInt        # earlier seasons averaged into the prior
    availability_power: NonNegativeFloat # expected minutes = mpg * games_share ** this
    # features.player_value: the `player_value` roster feature (None: that column is 0, e.g. a
    # test's small league without the fit)
    player_value: PlayerValueConfig | None = None

    def __post_init__(self) -> None:
        if self.shrink_minutes < 0 or self.prior_seasons < 0 or self.availability_power < 0:
            raise ConfigError("features.roster.shrink_minutes, prior_seasons and "
                              "availability_power must be >= 0, got "
                              f"{self.shrink_minutes}, {self.prior_seasons}, "
                              f"{self.availability_power}")
        if self.max_players < 1:
            raise ConfigError(f"features.roster.max_players: must be >= 1, got {self.max_players}")
        if self.min_minutes < 0:
            raise ConfigError(f"features.roster.min_minutes: must be >= 0, got {self.min_minutes}")


def roster_config(params: dict[str, Any]) -> RosterConfig:
    features = params.get("features")
    if not isinstance(features, dict):
        raise ConfigError("params.yaml: section 'features' is missing or not a mapping")
    roster = section(RosterConfig, features.get("roster"), "features.roster")
    value = section(PlayerValueConfig, features.get("player_value"), "features.player_value")
    return dataclasses.replace(roster, player_value=value)
