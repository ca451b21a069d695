"""How a metric is shown to people: the one rounding of the project.

Metrics files (metrics/*.json, metrics/headline.json) keep full precision; a number is rounded
once, when it is shown, by `metric_text` with params `report.digits` decimals. The run summary
(scripts/run_summary.py), the report (src/report), the forecast page and the README tables
(scripts/readme_results.py) all call it, so 1.71545... reads 1.715 everywhere (rounding an
already-rounded 1.7155 again gave 1.716).
"""
from __future__ import annotations

import math
from typing import Any

MISSING = "–"


def metric_text(value: Any, digits: int) -> str:
    """`value` with `digits` decimals (a float), as is (an int, bool or text), MISSING (None, NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, (bool, int)):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)
