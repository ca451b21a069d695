"""Typed params of the stacker (`stacking` in params.yaml): which level-1 models (and signals)
it blends, its objective (series: the playoff likelihood; order: a ridge on the final order) and
the settings its nested choice picks from (src/models/stacker/series.py)."""
from __future__ import annotations

from dataclasses import field
from typing import Any

from src.config import params_section, section
from src.errors import ConfigError
from src.models.registry import LEVEL1_SOURCES
from src.models.stacker.series import RULES, SCALINGS

OBJECTIVES = ("series", "order")
FIT_ON = ("series", "games")
# what the ridge of objective order regresses (src/training/targets.py stacking_target)
STACK_TARGETS = ("order", "relevance", "playoff_order")
# signal -> the team_features column it is made of (src/training/signals.py)
SIGNAL_SOURCES = {"srs": "srs", "win_pct": "win_pct", "net_rating": "net_rating_opp_adjusted"}


@params_section("stacking")
class StackingConfig:
    models: list[str]
    alphas: list[float]              # objective order: RidgeCV's alphas
    target: str                      # objective order: what the ridge regresses
    objective: str                   # series (playoff likelihood, score in points) | order (ridge)
    penalties: list[float]           # objective series: L2 penalties to choose from
    selection_seasons: int           # objective series: rolling-origin validation seasons (< t)
    min_fit_seasons: int             # objective series: fewest seasons a validation fit may use
    select_models: bool              # objective series: choose which level-1 models enter
    scalings: list[str]              # objective series: stacker inputs to choose from (season | centred)
    half_lives: list[float] = field(default_factory=lambda: [0.0])  # objective series: season weighting of a fit to choose from (0 = equal)
    rule: str = "best"               # objective series: best | one_se | average (series_stacker.RULES)
    fit_on: str = "series"           # objective series: series | games (each game a best-of-1 where the game
                                     # file has them; validation stays on series)
    signals: list[str] = field(default_factory=list)  # objective series: linear regular-season signals (src/training/signals.py)
                                     # the nested rule may add to the models

    @property
    def stacked(self) -> list[str]:
        """Every level-1 column name the stacker blends: the models, then (objective series) the signals."""
        return [*self.models, *self.signals] if self.objective == "series" else list(self.models)

    def __post_init__(self) -> None:
        unknown = [m for m in self.models if m not in LEVEL1_SOURCES]
        if not self.models or unknown or len(set(self.models)) != len(self.models):
            raise ConfigError(f"params.yaml: stacking.models must be distinct names from "
                              f"{', '.join(LEVEL1_SOURCES)}, got {self.models}")
        if not self.alphas or min(self.alphas) <= 0:
            raise ConfigError(f"params.yaml: stacking.alphas must be positive, got {self.alphas}")
        if self.objective not in OBJECTIVES:
            raise ConfigError(f"params.yaml: stacking.objective must be one of {OBJECTIVES}, "
                              f"got {self.objective!r}")
        if not self.penalties or min(self.penalties) < 0:
            raise ConfigError(f"params.yaml: stacking.penalties must be >= 0, got {self.penalties}")
        if not self.scalings or set(self.scalings) - set(SCALINGS):
            raise ConfigError(f"params.yaml: stacking.scalings must be a non-empty subset of {SCALINGS}, "
                              f"got {self.scalings}")
        if set(self.signals) - set(SIGNAL_SOURCES) or len(set(self.signals)) != len(self.signals):
            raise ConfigError(f"params.yaml: stacking.signals must be distinct names from "
                              f"{', '.join(SIGNAL_SOURCES)}, got {list(self.signals)}")
        if self.fit_on not in FIT_ON:
            raise ConfigError(f"params.yaml: stacking.fit_on must be one of {FIT_ON}, got {self.fit_on!r}")
        if not self.half_lives or min(self.half_lives) < 0:
            raise ConfigError(f"params.yaml: stacking.half_lives must be >= 0, got {list(self.half_lives)}")
        if self.rule not in RULES:
            raise ConfigError(f"params.yaml: stacking.rule must be one of {RULES}, got {self.rule!r}")
        if self.selection_seasons < 1 or self.min_fit_seasons < 1:
            raise ConfigError("params.yaml: stacking.selection_seasons and min_fit_seasons must be >= 1")
        if self.target not in STACK_TARGETS:
            raise ConfigError(f"params.yaml: stacking.target must be one of {STACK_TARGETS}, "
                              f"got {self.target!r}")


def stacking_config(params: dict[str, Any]) -> StackingConfig:
    values = params.get("stacking")
    if isinstance(values, dict) and "target" not in values:
        raise ConfigError("params.yaml: missing key(s) in 'stacking': target")
    return section(StackingConfig, values, "stacking")
