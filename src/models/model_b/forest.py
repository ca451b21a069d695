"""Model B's random forest (score_rf): regresses each team-season's strength (model_b.rf)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor

from src.models.estimator import ConfigEstimator
from src.models.model_b.config import ModelBConfig
from src.models.model_b.files import load_rf
from src.models.model_b.ranker import check_columns
from src.utils.io import write_bytes
from src.utils.model_files import skops_bytes

RF_LABEL = "strength"


class Forest(ConfigEstimator):
    cfg: ModelBConfig

    def __init__(self, cfg: ModelBConfig):
        super().__init__(cfg)
        self.feature_names: list[str] = []
        self.model: RandomForestRegressor | None = None
        self.file_bytes: bytes | None = None     # the skops file, once frozen

    def fit(self, X: pd.DataFrame, y: pd.DataFrame) -> "Forest":
        """y: the target columns of each row (the forest learns `strength`)."""
        self.feature_names = list(X.columns)
        c = self.cfg.rf
        self.model = RandomForestRegressor(n_estimators=c.n_estimators, max_depth=c.max_depth,
                                           min_samples_leaf=c.min_samples_leaf, random_state=self.cfg.seed,
                                           n_jobs=self.cfg.n_jobs).fit(X, y[RF_LABEL].to_numpy(float))
        return self

    def freeze(self) -> "Forest":
        """Serialise the forest where it was fitted: a forest that travelled back from a
        worker process (pickled by loky or Dask) can serialise to other bytes (Dask's
        out-of-band buffers), the file must not depend on where the fit ran."""
        self.file_bytes = skops_bytes(self.model)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        check_columns(X, self.feature_names, "Forest")
        return self.model.predict(X)

    def importances(self) -> dict[str, float]:
        return dict(zip(self.feature_names, map(float, self.model.feature_importances_)))

    def save(self, path: str | Path) -> Path:
        """skops (no pickle), bytes built in memory (same forest = same bytes)."""
        return write_bytes(self.file_bytes or skops_bytes(self.model), path)

    @classmethod
    def load(cls, path: str | Path) -> "Forest":
        """The saved forest, ready to predict (get_params of a loaded estimator is {"cfg": None})."""
        loaded = cls(None)
        loaded.model = load_rf(path)
        loaded.feature_names = list(loaded.model.feature_names_in_)
        return loaded
