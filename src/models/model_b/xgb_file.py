"""What Model B's two XGBoost estimators (RankerXgb, PlayoffXgb) share: the feature check, predict,
gain shares, and their file (XGBoost's JSON recording the kind: what `save` writes and the fit
cache stores) read back from disk or from a cache entry's bytes."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb

from src.errors import DataError
from src.models.estimator import ConfigEstimator
from src.models.model_b.boosting import gain_shares
from src.models.model_b.config import ModelBConfig
from src.models.model_b.files import load_xgb, xgb_from_bytes
from src.utils.io import write_bytes
from src.utils.model_files import xgb_json_bytes


def check_columns(X: pd.DataFrame, feature_names: list[str], what: str) -> None:
    if not feature_names:
        raise RuntimeError(f"{what}.predict called before fit")
    if list(X.columns) != feature_names:
        raise DataError(f"feature columns differ from training: {sorted(set(X.columns) ^ set(feature_names))}")


class XgbFileEstimator(ConfigEstimator):
    """A subclass names KIND (the kind its file records, src/utils/model_files.py) and
    `objective_of(cfg)` (the objective its file is loaded with); fit sets model and feature_names."""
    KIND: str
    cfg: ModelBConfig

    def __init__(self, cfg: ModelBConfig):
        super().__init__(cfg)
        self.feature_names: list[str] = []
        self.model: xgb.XGBModel | None = None
        self.file_bytes: bytes | None = None     # the bytes it was loaded from

    @staticmethod
    def objective_of(cfg: ModelBConfig) -> str:
        raise NotImplementedError

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        check_columns(X, self.feature_names, type(self).__name__)
        return self.model.predict(X)

    def importances(self) -> dict[str, float]:
        return gain_shares(self.model, self.feature_names)

    def to_bytes(self) -> bytes:
        """XGBoost's own JSON format recording the kind; a loaded model gives back the bytes it
        was loaded from."""
        return self.file_bytes or xgb_json_bytes(self.model.get_booster(), self.KIND)

    def save(self, path: str | Path) -> Path:
        """Written atomically from memory."""
        return write_bytes(self.to_bytes(), path)

    @classmethod
    def load_file(cls, path: str | Path, objective: str):
        """The saved model, ready to predict (the file holds the booster, not model_b's params:
        get_params of a loaded estimator is {"cfg": None})."""
        return cls.of_model(cls(None), load_xgb(path, objective, cls.KIND))

    @classmethod
    def from_bytes(cls, cfg: ModelBConfig, data: bytes, where: str | Path):
        """The model in `data` (a fit cache entry's part), with its params."""
        loaded = cls.of_model(cls(cfg), xgb_from_bytes(data, cls.objective_of(cfg), cls.KIND, where))
        loaded.file_bytes = data
        return loaded

    @staticmethod
    def of_model(loaded: "XgbFileEstimator", model: xgb.XGBModel) -> "XgbFileEstimator":
        loaded.model = model
        loaded.feature_names = list(model.get_booster().feature_names or [])
        return loaded
