"""Model B's random forest (score_rf): regresses each team-season's strength (model_b.rf)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor

from src.models.estimator import ConfigEstimator
from src.models.model_b.config import ModelBConfig
from src.models.model_b.files import forest_from_bytes, load_rf, skops_entry_bytes
from src.models.model_b.xgb_file import check_columns
from src.utils.io import write_bytes
from src.utils.model_files import skops_bytes

RF_LABEL = "strength"


class Forest(ConfigEstimator):
    cfg: ModelBConfig

    def __init__(self, cfg: ModelBConfig):
        super().__init__(cfg)
        self.feature_names: list[str] = []
        self.model: RandomForestRegressor | None = None
        self.file_bytes: bytes | None = None     # the skops file, once frozen or as loaded

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

    def to_bytes(self, canonical: bool = True) -> bytes:
        """skops (no pickle), built in memory: canonical, the same bytes for the same forest
        (what `save` writes); or, for a fit cache entry that no output is made of, skops' own
        format written faster (a forest of a walk-forward split: files.skops_entry_bytes)."""
        if self.file_bytes is not None:
            return self.file_bytes
        return skops_bytes(self.model) if canonical else skops_entry_bytes(self.model)

    def save(self, path: str | Path) -> Path:
        return write_bytes(self.to_bytes(), path)

    @classmethod
    def load(cls, path: str | Path) -> "Forest":
        """The saved forest, ready to predict (get_params of a loaded estimator is {"cfg": None})."""
        return cls.of_model(cls(None), load_rf(path))

    @classmethod
    def from_bytes(cls, cfg: ModelBConfig, data: bytes, where: str | Path) -> "Forest":
        """The forest in `data` (a fit cache entry's part), with its params; it saves as `data`."""
        loaded = cls.of_model(cls(cfg), forest_from_bytes(data, where))
        loaded.file_bytes = data
        return loaded

    @staticmethod
    def of_model(loaded: "Forest", model) -> "Forest":
        loaded.model = model
        loaded.feature_names = list(model.feature_names_in_)
        return loaded
