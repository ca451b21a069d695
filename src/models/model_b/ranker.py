"""Model B's XGBoost of the regular-season order (score_xgb): rank:pairwise learns order_label
(the full final order, qid = season), rank:ndcg and reg:squarederror learn relevance (0..5)
(labels: src/training/targets.py). Validation rows, when given, choose the number of boosting
rounds (early stopping on their NDCG); the model is then refitted on train + validation, so
the latest seasons still reach it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb

from src.models.model_b.boosting import has_rows, validation_monitor, with_validation, xgb_kwargs
from src.models.model_b.config import ModelBConfig
from src.models.model_b.xgb_file import XgbFileEstimator
from src.utils.model_files import XGB_RANKER


def xgb_label_column(objective: str) -> str:
    return "order_label" if objective == "rank:pairwise" else "relevance"


class RankerXgb(XgbFileEstimator):
    KIND = XGB_RANKER

    def __init__(self, cfg: ModelBConfig):
        super().__init__(cfg)
        self.n_rounds: int = cfg.xgb.n_estimators if cfg is not None else 0
        self.val_ndcg: float | None = None          # validation NDCG at n_rounds, when early-stopped

    def fit(self, X: pd.DataFrame, y: pd.DataFrame, groups: np.ndarray,
            X_val: pd.DataFrame | None = None, y_val: pd.DataFrame | None = None,
            groups_val: np.ndarray | None = None) -> "RankerXgb":
        """y: the target columns of each row; groups: season of each row (XGBoost's qid)."""
        self.feature_names = list(X.columns)
        if has_rows(X_val):
            monitor = validation_monitor(self.cfg, X_val, y_val, groups_val)
            self._fit_xgb(X, y, groups, self.cfg.xgb.n_estimators, callbacks=[monitor])
            self.val_ndcg, self.n_rounds = monitor.best_ndcg, monitor.best_round + 1
            X, y, groups = with_validation(X, y, groups, X_val, y_val, groups_val)
        self.model = self._fit_xgb(X, y, groups, self.n_rounds)
        return self

    @classmethod
    def load(cls, path: str | Path, objective: str) -> "RankerXgb":
        """The saved model, ready to predict (the file holds the booster, not model_b's params:
        get_params of a loaded estimator is {"cfg": None})."""
        return cls.load_file(path, objective)

    @staticmethod
    def objective_of(cfg: ModelBConfig) -> str:
        return cfg.objective

    def _fit_xgb(self, X, y, groups, n_rounds: int, callbacks=None) -> xgb.XGBModel:
        cls = xgb.XGBRanker if self.cfg.is_ranking else xgb.XGBRegressor
        model = cls(objective=self.cfg.objective, **xgb_kwargs(self.cfg, n_rounds, callbacks))
        order = np.argsort(groups, kind="stable")       # XGBoost wants each qid's rows together
        extra = {"qid": np.asarray(groups)[order]} if self.cfg.is_ranking else {}
        model.fit(X.iloc[order], y[xgb_label_column(self.cfg.objective)].iloc[order], verbose=False, **extra)
        return model
