"""What Model B's two XGBoost estimators share: their hyperparameters (model_b.xgb) and the
early stopping on the validation seasons' NDCG of the relevance grades."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xgboost as xgb

from src.models.model_b.config import ModelBConfig
from src.utils.ranking import ndcg


def mean_season_ndcg(scores: np.ndarray, relevance: np.ndarray, seasons: np.ndarray) -> float:
    return float(np.mean([ndcg(relevance[seasons == s], scores[seasons == s])
                          for s in np.unique(seasons)]))


class ValidationNdcg(xgb.callback.TrainingCallback):
    """Early stopping on season-averaged NDCG of the validation rows, checked every round.

    Scored with sklearn's NDCG (src/utils/ranking.py: tied scores share their gain) rather than XGBoost's
    built-in eval: a few-tree model gives many teams the same score, and XGBoost's NDCG
    then credits ties in label order, so it "stops" after the first tree. Training stops
    after `early_stopping_rounds` rounds without improvement.
    """

    def __init__(self, val: xgb.DMatrix, relevance: np.ndarray, seasons: np.ndarray, patience: int):
        self.val, self.relevance, self.seasons, self.patience = val, relevance, seasons, patience
        self.best_round, self.best_ndcg = 0, -np.inf

    def after_iteration(self, model, epoch: int, evals_log) -> bool:
        ndcg = mean_season_ndcg(model.predict(self.val), self.relevance, self.seasons)
        if ndcg > self.best_ndcg:
            self.best_round, self.best_ndcg = epoch, ndcg
        return epoch - self.best_round >= self.patience       # True stops training


def validation_monitor(cfg: ModelBConfig, X_val: pd.DataFrame, y_val: pd.DataFrame,
                       groups_val: np.ndarray) -> ValidationNdcg:
    return ValidationNdcg(xgb.DMatrix(X_val, nthread=cfg.n_jobs), y_val["relevance"].to_numpy(),
                          np.asarray(groups_val), cfg.xgb.early_stopping_rounds)


def xgb_kwargs(cfg: ModelBConfig, n_rounds: int, callbacks=None) -> dict[str, Any]:
    """XGBoost's constructor arguments from model_b (seeded, fixed thread count)."""
    c = cfg.xgb
    return dict(n_estimators=n_rounds, learning_rate=c.learning_rate, max_depth=c.max_depth,
                subsample=c.subsample, colsample_bytree=c.colsample_bytree,
                min_child_weight=c.min_child_weight, reg_lambda=c.reg_lambda, tree_method="hist",
                callbacks=callbacks, random_state=cfg.seed, n_jobs=cfg.n_jobs)


def with_validation(X: pd.DataFrame, y: pd.DataFrame, groups: np.ndarray, X_val: pd.DataFrame,
                    y_val: pd.DataFrame, groups_val: np.ndarray):
    """Training rows followed by the validation rows (the refit after early stopping)."""
    return (pd.concat([X, X_val], ignore_index=True), pd.concat([y, y_val], ignore_index=True),
            np.concatenate([np.asarray(groups), np.asarray(groups_val)]))


def has_rows(X_val: pd.DataFrame | None) -> bool:
    return X_val is not None and len(X_val) > 0


def gain_shares(model: xgb.XGBModel, feature_names: list[str]) -> dict[str, float]:
    """XGBoost total gain per feature, normalised to sum 1."""
    gain = model.get_booster().get_score(importance_type="total_gain")
    total = sum(gain.values()) or 1.0
    return {f: float(gain.get(f, 0.0) / total) for f in feature_names}
