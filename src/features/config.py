"""Typed params for the team-feature switches (`features.sos_srs`, `features.opponent_adjusted`).

The `features.roster` keys belong to Model A's roster tensors and are read elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from src.config import section
from src.errors import ConfigError


@dataclass(frozen=True)
class SosSrsConfig:
    enabled: bool


@dataclass(frozen=True)
class OpponentAdjustedConfig:
    enabled: bool


@dataclass(frozen=True)
class TeamFeatureConfig:
    sos_srs: SosSrsConfig
    opponent_adjusted: OpponentAdjustedConfig


def team_feature_config(params: dict[str, Any]) -> TeamFeatureConfig:
    features = params.get("features")
    if not isinstance(features, dict):
        raise ConfigError("params.yaml: section 'features' is missing or not a mapping")
    return TeamFeatureConfig(
        sos_srs=section(SosSrsConfig, features.get("sos_srs"), "features.sos_srs"),
        opponent_adjusted=section(OpponentAdjustedConfig, features.get("opponent_adjusted"),
                                  "features.opponent_adjusted"))
