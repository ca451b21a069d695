"""The level-1 models' names and their score columns, with no import at all: Model A's fit code
(src/models/model_a/fit.py, src/training/model_a_selection.py, report_a.py) takes its column from
here without loading the registry (src/models/registry.py, which names files and imports
artifacts), so the fit cache's code digest (src/training/fit_cache.code_digest) gains only
this one file."""
from __future__ import annotations

MODEL_A_NAME = "model_a"
XGB_NAME, XGB_PLAYOFF_NAME, RF_NAME = "xgb", "xgb_playoff", "rf"


def score_column(model: str) -> str:
    """The level-1 column of a model's (or signal's) score."""
    return f"score_{model}"
