"""What every fitted model shares, in the scikit-learn style: the constructor takes the model's
typed config (its params.yaml section) and nothing else, `get_params` returns it, `fit` returns
the estimator and `predict` reads only what `fit` stored. A model fitted elsewhere comes back
through the kind's own `load` (beside its `save`)."""
from __future__ import annotations

from typing import Any


class ConfigEstimator:
    """Base of the estimators: `get_params()` is {"cfg": the config it was built with}, so
    `type(est)(**est.get_params())` builds an unfitted twin (what the walk-forward runner and
    the fit cache key on)."""

    def __init__(self, cfg: Any):
        self.cfg = cfg

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"cfg": self.cfg}

    def unfitted(self) -> "ConfigEstimator":
        """A fresh estimator with the same params (one per split)."""
        return type(self)(**self.get_params())
