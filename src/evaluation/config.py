"""Typed params for the `evaluation` section."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from src.config import section
from src.errors import ConfigError


@dataclass(frozen=True)
class EvaluationConfig:
    ndcg_k: list[int]          # NDCG cut-offs; 4 is the headline (the conference finalists)
    n_bootstrap: int           # paired bootstrap resamples of the test seasons
    bootstrap_seed: int
    ece_bins: int
    interval: float            # central interval of the bootstrap differences
    plot_top_teams: int        # teams shown in the title-odds bar chart of the last test season

    def __post_init__(self) -> None:
        if not self.ndcg_k or min(self.ndcg_k) < 1:
            raise ConfigError(f"params.yaml: evaluation.ndcg_k must be positive ints, got {self.ndcg_k}")
        if not 0 < self.interval < 1:
            raise ConfigError(f"params.yaml: evaluation.interval must be in (0, 1), got {self.interval}")
        if self.n_bootstrap < 1 or self.ece_bins < 1 or self.plot_top_teams < 1:
            raise ConfigError("params.yaml: evaluation.n_bootstrap, ece_bins and plot_top_teams must be >= 1")


def evaluation_config(params: dict[str, Any]) -> EvaluationConfig:
    return section(EvaluationConfig, params.get("evaluation"), "evaluation")
