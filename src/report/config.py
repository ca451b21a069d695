"""Typed params for the `report` section (params.yaml is the only source of defaults)."""
from __future__ import annotations

from typing import Any

from src.config import params_section, section
from src.errors import ConfigError


@params_section("report")
class ReportConfig:
    output: str                      # the markdown report, relative to the repo root
    figures_dir: str                 # PNGs written here; stale PNGs there are removed
    dpi: int
    figure_size: list[float]         # inches (width, height) of a one-panel figure
    digits: int                      # decimals of every metric shown (src/utils/display.py)
    pooled_metrics: list[str]        # columns of the pooled results table
    per_season_metrics: list[str]    # one per-season table each
    chance_p_value: float            # explain agreement above chance when p <= this

    def __post_init__(self) -> None:
        if self.dpi < 30 or len(self.figure_size) != 2 or min(self.figure_size) <= 0:
            raise ConfigError("params.yaml: report.dpi must be >= 30 and report.figure_size "
                              f"two positive numbers, got {self.dpi}, {self.figure_size}")
        if not 0 <= self.digits <= 8:
            raise ConfigError(f"params.yaml: report.digits must be in 0..8, got {self.digits}")
        if not self.pooled_metrics:
            raise ConfigError("params.yaml: report.pooled_metrics must name at least one metric")
        if not 0 < self.chance_p_value < 1:
            raise ConfigError(f"params.yaml: report.chance_p_value must be in (0, 1), "
                              f"got {self.chance_p_value}")


def report_config(params: dict[str, Any]) -> ReportConfig:
    return section(ReportConfig, params.get("report"), "report")
