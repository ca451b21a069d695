"""Typed params for Model B (`model_b` in params.yaml)."""
from __future__ import annotations

from typing import Any

from pydantic import NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt

from src.config import Fraction, params_section, section
from src.errors import ConfigError

RANK_OBJECTIVES = ("rank:pairwise", "rank:ndcg")
REGRESSION_OBJECTIVES = ("reg:squarederror",)


@params_section("model_b.xgb")
class XgbConfig:
    n_estimators: PositiveInt
    learning_rate: PositiveFloat
    max_depth: PositiveInt
    subsample: Fraction
    colsample_bytree: Fraction
    min_child_weight: NonNegativeFloat
    reg_lambda: NonNegativeFloat
    early_stopping_rounds: PositiveInt


@params_section("model_b.rf")
class RfConfig:
    n_estimators: PositiveInt
    max_depth: PositiveInt
    min_samples_leaf: PositiveInt


@params_section("model_b.playoff")
class PlayoffObjectiveConfig:
    """A second XGBoost (score_xgb_playoff) that learns playoff outcomes: every training series is
    a query group of its two teams (winner ranked first), each training season's full final order
    a weaker group with weight `order_weight` (0 = series only)."""
    enabled: bool
    order_weight: NonNegativeFloat

    def __post_init__(self) -> None:
        if self.order_weight < 0:
            raise ConfigError(f"params.yaml: model_b.playoff.order_weight must be >= 0, got {self.order_weight}")


@params_section("model_b")
class ModelBConfig:
    objective: str
    seed: NonNegativeInt
    n_jobs: int
    xgb: XgbConfig
    rf: RfConfig
    playoff: PlayoffObjectiveConfig | None = None     # None: no playoff-outcome XGBoost

    def __post_init__(self) -> None:
        if self.objective not in RANK_OBJECTIVES + REGRESSION_OBJECTIVES:
            raise ConfigError(f"params.yaml: model_b.objective must be one of "
                              f"{', '.join(RANK_OBJECTIVES + REGRESSION_OBJECTIVES)}, got {self.objective!r}")
        if self.n_jobs < 1:
            raise ConfigError(f"params.yaml: model_b.n_jobs must be >= 1 (fixed for determinism), "
                              f"got {self.n_jobs}")

    @property
    def is_ranking(self) -> bool:
        return self.objective in RANK_OBJECTIVES


def model_b_config(params: dict[str, Any]) -> ModelBConfig:
    raw = params.get("model_b")
    if not isinstance(raw, dict):
        raise ConfigError("params.yaml: section 'model_b' is missing or not a mapping")
    values = dict(raw)
    values["xgb"] = section(XgbConfig, raw.get("xgb"), "model_b.xgb")
    values["rf"] = section(RfConfig, raw.get("rf"), "model_b.rf")
    values["playoff"] = section(PlayoffObjectiveConfig, raw.get("playoff"), "model_b.playoff")
    return section(ModelBConfig, values, "model_b")
