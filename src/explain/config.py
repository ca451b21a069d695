"""Typed params for the `explain` stage (params.yaml section `explain`)."""
from __future__ import annotations

from typing import Any

from pydantic import NonNegativeFloat, NonNegativeInt, PositiveInt

from src.config import params_section, section
from src.errors import ConfigError


@params_section("explain.rfx_fuse")
class RfxFuseConfig:
    """RFX-Fuse random forest over player-seasons (src/explain/rfx_fuse.py)."""
    enabled: bool
    n_trees: PositiveInt
    k_similar: PositiveInt       # historical archetypes per player
    n_explanations: PositiveInt  # features named per archetype list
    node_size: PositiveInt       # minimum terminal node size
    min_train_minutes: NonNegativeFloat  # training player-seasons: rotation players only
    max_train_rows: PositiveInt  # seeded subsample cap per fit (keeps the stage fast)
    n_threads: PositiveInt
    seed: NonNegativeInt

    def __post_init__(self) -> None:
        for name in ("n_trees", "k_similar", "n_explanations", "node_size", "max_train_rows",
                     "n_threads"):
            if getattr(self, name) < 1:
                raise ConfigError(f"params.yaml: explain.rfx_fuse.{name} must be >= 1, "
                                  f"got {getattr(self, name)}")


@params_section("explain")
class ExplainConfig:
    top_k: PositiveInt           # agreement@k
    summary_players: PositiveInt # players per team in reports/explain/summary.md
    n_permutations: PositiveInt  # draws of the within-team shuffle baseline
    seed: NonNegativeInt
    raptor_dir: str              # FiveThirtyEight RAPTOR, the judge (env RAPTOR_DIR overrides)
    rfx_fuse: RfxFuseConfig

    def __post_init__(self) -> None:
        if self.top_k < 1 or self.summary_players < 1 or self.n_permutations < 1:
            raise ConfigError("params.yaml: explain.top_k, explain.summary_players and "
                              "explain.n_permutations must be >= 1, got "
                              f"{self.top_k}, {self.summary_players}, {self.n_permutations}")


def explain_config(params: dict[str, Any]) -> ExplainConfig:
    values = params.get("explain")
    if not isinstance(values, dict):
        raise ConfigError("params.yaml: section 'explain' is missing or not a mapping")
    rfx = section(RfxFuseConfig, values.get("rfx_fuse"), "explain.rfx_fuse")
    return section(ExplainConfig, {**values, "rfx_fuse": rfx}, "explain")
