"""Typed params for the `evaluation` section."""
from __future__ import annotations

from typing import Any

from pydantic import NonNegativeInt, PositiveInt

from src.config import params_section, section
from src.errors import ConfigError


@params_section("evaluation")
class EvaluationConfig:
    ndcg_k: list[PositiveInt]  # NDCG cut-offs; 4 is the headline (the conference finalists)
    n_bootstrap: PositiveInt   # paired bootstrap resamples of the test seasons
    bootstrap_seed: NonNegativeInt
    ece_bins: PositiveInt
    interval: float            # central interval of the bootstrap differences
    plot_top_teams: PositiveInt  # teams shown in the title-odds bar chart of the last test season
    game_variant_min_history: PositiveInt = 1   # earlier seasons of games before the product's game
                                                # forecast may be a variant of the update (src/evaluation/game_variant.py)
    title_damping_grid: list[float] = (1.0,)    # k of the title path's update (src/evaluation/title_damping.py)

    def __post_init__(self) -> None:
        if not self.ndcg_k or min(self.ndcg_k) < 1:
            raise ConfigError(f"params.yaml: evaluation.ndcg_k must be positive ints, got {self.ndcg_k}")
        if not 0 < self.interval < 1:
            raise ConfigError(f"params.yaml: evaluation.interval must be in (0, 1), got {self.interval}")
        if not self.title_damping_grid or 1.0 not in self.title_damping_grid or \
                any(not 0.0 < k <= 1.0 for k in self.title_damping_grid):
            raise ConfigError("params.yaml: evaluation.title_damping_grid must hold 1.0 and values in (0, 1], "
                              f"got {self.title_damping_grid}")
        if self.n_bootstrap < 1 or self.ece_bins < 1 or self.plot_top_teams < 1:
            raise ConfigError("params.yaml: evaluation.n_bootstrap, ece_bins and plot_top_teams must be >= 1")


def evaluation_config(params: dict[str, Any]) -> EvaluationConfig:
    return section(EvaluationConfig, params.get("evaluation"), "evaluation")
