"""Typed params for the team-feature switches (`features.sos_srs`, `features.opponent_adjusted`)
and the player value (`features.player_value`, src/features/player_value.py).

The `features.roster` keys belong to Model A's roster tensors and are read elsewhere.
"""
from __future__ import annotations

from typing import Any

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
