"""Model B: its three estimators fitted on the same rows of one split (the ranker XGBoost, the
forest and, with model_b.playoff.enabled, the playoff-outcome XGBoost). When validation rows
are given, they choose each XGBoost's number of boosting rounds (early stopping on their NDCG);
every estimator is then fitted on train + validation, so the latest seasons still reach it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from src.models.estimator import ConfigEstimator
from src.models.model_b.boosting import has_rows, with_validation
from src.models.model_b.config import ModelBConfig
from src.models.model_b.forest import Forest
from src.models.model_b.playoff import PLAYOFF_SCORE, PlayoffRows, PlayoffXgb
from src.models.model_b.ranker import RankerXgb
from src.models.names import RF_NAME, XGB_NAME, score_column


class ModelB(ConfigEstimator):
    cfg: ModelBConfig

    def __init__(self, cfg: ModelBConfig):
        super().__init__(cfg)
        self.ranker = RankerXgb(cfg)
        self.forest = Forest(cfg)
        self.playoff = PlayoffXgb(cfg) if self.learns_playoffs else None

    @property
    def learns_playoffs(self) -> bool:
        return self.cfg.playoff is not None and self.cfg.playoff.enabled

    @property
    def n_rounds(self) -> int:
        return self.ranker.n_rounds

    @property
    def val_ndcg(self) -> float | None:
        return self.ranker.val_ndcg

    def fit(self, X_train: pd.DataFrame, y_train: pd.DataFrame, groups: np.ndarray,
            X_val: pd.DataFrame | None = None, y_val: pd.DataFrame | None = None,
            groups_val: np.ndarray | None = None, playoff: PlayoffRows | None = None) -> "ModelB":
        """y_*: frames with the target columns; groups: season of each row (XGBoost's qid);
        playoff: teams and series for the playoff-outcome XGBoost (model_b.playoff.enabled)."""
        if self.learns_playoffs and playoff is None:
            raise ValueError("model_b.playoff is enabled: fit needs the training seasons' series")
        self.ranker.fit(X_train, y_train, groups, X_val, y_val, groups_val)
        if self.playoff is not None:
            self.playoff.fit(X_train, y_train, groups, playoff, X_val, y_val, groups_val)
        X_all, y_all = X_train, y_train
        if has_rows(X_val):
            X_all, y_all, _ = with_validation(X_train, y_train, groups, X_val, y_val, groups_val)
        self.forest.fit(X_all, y_all)
        return self

    def freeze(self) -> "ModelB":
        self.forest.freeze()
        return self

    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        """score_xgb, score_rf (and score_xgb_playoff) for each row of X (higher = stronger)."""
        out = pd.DataFrame({score_column(XGB_NAME): self.ranker.predict(X),
                            score_column(RF_NAME): self.forest.predict(X)},
                           index=X.index)
        if self.playoff is not None:
            out[PLAYOFF_SCORE] = self.playoff.predict(X)
        return out

    def importances(self) -> dict[str, dict[str, float]]:
        """XGBoost total gain (normalised to sum 1) and the forest's impurity importances."""
        return {"xgb_gain": self.ranker.importances(), "rf_impurity": self.forest.importances()}

    def parts(self, canonical: bool = True) -> dict[str, bytes]:
        """Each estimator's saved bytes (what the fit cache stores; `canonical`: the forest's
        as `save` writes it, else skops' own bytes, for a fit no output is made of)."""
        parts = {"ranker": self.ranker.to_bytes(), "forest": self.forest.to_bytes(canonical)}
        if self.playoff is not None:
            parts["playoff"] = self.playoff.to_bytes()
        return parts

    def record(self) -> dict[str, Any]:
        """What a fit chose that its files do not hold: the boosting rounds, the validation NDCG."""
        return {"n_rounds": self.ranker.n_rounds, "val_ndcg": self.ranker.val_ndcg,
                "playoff_rounds": self.playoff.n_rounds if self.playoff is not None else None}

    @classmethod
    def from_parts(cls, cfg: ModelBConfig, parts: dict[str, bytes], record: dict[str, Any],
                   where: str | Path) -> "ModelB":
        """The fitted ModelB of `parts` and `record` (a fit cache entry, named `where` in
        errors), each part loaded the safe way (src/models/model_b/files.py)."""
        model = cls(cfg)
        model.ranker = RankerXgb.from_bytes(cfg, parts["ranker"], f"{where}.ranker")
        model.ranker.n_rounds, model.ranker.val_ndcg = int(record["n_rounds"]), record["val_ndcg"]
        model.forest = Forest.from_bytes(cfg, parts["forest"], f"{where}.forest")
        if model.learns_playoffs:
            model.playoff = PlayoffXgb.from_bytes(cfg, parts["playoff"], f"{where}.playoff")
            model.playoff.n_rounds = int(record["playoff_rounds"])
        return model

    def save(self, xgb_path: str | Path, rf_path: str | Path,
             playoff_path: str | Path | None = None) -> list[Path]:
        """Each estimator's own file; the playoff-outcome XGBoost goes to playoff_path (when
        trained and a path is given)."""
        written = [self.ranker.save(xgb_path), self.forest.save(rf_path)]
        if playoff_path is not None and self.playoff is not None:
            written.append(self.playoff.save(playoff_path))
        return written
