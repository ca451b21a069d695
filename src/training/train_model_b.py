"""ModelBTrainer: XGBoost (ranking or regression) and a random forest behind one fit/predict.

Labels (src/training/targets.py): rank:pairwise learns order_label (the full final order,
qid = season), rank:ndcg and reg:squarederror learn relevance (0..5); the random forest
regresses strength. When validation rows are given, they choose XGBoost's number of boosting
rounds (early stopping on the validation NDCG of the relevance grades); both models are then
refitted on train + validation, so the latest seasons still reach the model. Seeded, fixed
thread count.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.ensemble import RandomForestRegressor

from src.errors import DataError
from src.training.model_b_config import ModelBConfig
from src.utils.io import write_bytes
# the loaders live with the models (the forecast loads them without the training code)
from src.models.model_b import RF_TRUSTED_TYPES, load_rf, load_xgb  # noqa: F401
from src.utils.model_files import XGB_PLAYOFF, XGB_RANKER, skops_bytes, xgb_json_bytes
from src.utils.ranking import ndcg

log = logging.getLogger(__name__)

RF_LABEL = "strength"
PLAYOFF_SCORE = "score_xgb_playoff"


def _mean_season_ndcg(scores: np.ndarray, relevance: np.ndarray, seasons: np.ndarray) -> float:
    return float(np.mean([ndcg(relevance[seasons == s], scores[seasons == s])
                          for s in np.unique(seasons)]))


class _ValidationNdcg(xgb.callback.TrainingCallback):
    """Early stopping on season-averaged NDCG of the validation rows, checked every round."""

    def __init__(self, val: xgb.DMatrix, relevance: np.ndarray, seasons: np.ndarray, patience: int):
        self.val, self.relevance, self.seasons, self.patience = val, relevance, seasons, patience
        self.best_round, self.best_ndcg = 0, -np.inf

    def after_iteration(self, model, epoch: int, evals_log) -> bool:
        ndcg = _mean_season_ndcg(model.predict(self.val), self.relevance, self.seasons)
        if ndcg > self.best_ndcg:
            self.best_round, self.best_ndcg = epoch, ndcg
        return epoch - self.best_round >= self.patience       # True stops training


@dataclass
class PlayoffRows:
    """What the playoff-outcome XGBoost needs beyond X/y: each row's team, and the training
    seasons' series (src/league/series.py columns season, home_team, away_team, winner)."""
    teams: np.ndarray
    series: pd.DataFrame
    val_teams: np.ndarray | None = None


def playoff_groups(seasons: np.ndarray, teams: np.ndarray, order_label: np.ndarray, series: pd.DataFrame,
                   order_weight: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(row index, label, qid, weight per group): per season its full order (weight order_weight,
    left out at 0), then each of its series as a group of two rows, winner labelled 1."""
    seasons, teams = np.asarray(seasons), np.asarray(teams)
    where = {(int(s), t): i for i, (s, t) in enumerate(zip(seasons, teams))}
    rows, labels, qids, weights = [], [], [], []
    for season in sorted(set(seasons.tolist())):
        if order_weight > 0:
            idx = np.flatnonzero(seasons == season)
            rows.append(idx)
            labels.append(np.asarray(order_label)[idx])
            qids.append(np.full(len(idx), len(weights)))
            weights.append(order_weight)
        for _, r in series[series["season"] == season].iterrows():
            loser = r["away_team"] if r["winner"] == r["home_team"] else r["home_team"]
            pair = [where.get((season, r["winner"])), where.get((season, loser))]
            if None in pair:
                log.warning("season %d: series %s-%s has a team without features; left out of the "
                            "playoff objective", season, r["winner"], loser)
                continue
            rows.append(np.array(pair))
            labels.append(np.array([1, 0]))
            qids.append(np.full(2, len(weights)))
            weights.append(1.0)
    return (np.concatenate(rows), np.concatenate(labels), np.concatenate(qids), np.asarray(weights, float))


def xgb_label_column(objective: str) -> str:
    return "order_label" if objective == "rank:pairwise" else "relevance"


class ModelBTrainer:
    def __init__(self, cfg: ModelBConfig):
        self.cfg = cfg
        self.feature_names: list[str] = []
        self.n_rounds: int = cfg.xgb.n_estimators
        self.val_ndcg: float | None = None          # validation NDCG at n_rounds, when early-stopped
        self.xgb_model: xgb.XGBModel | None = None
        self.rf_model: RandomForestRegressor | None = None
        self.playoff_model: xgb.XGBRanker | None = None
        self.playoff_rounds: int = cfg.xgb.n_estimators
        self.rf_bytes: bytes | None = None     # the forest's skops file, once frozen

    def freeze(self) -> "ModelBTrainer":
        """Serialise the forest where it was fitted: a forest that travelled back from a
        worker process (pickled by loky or Dask) can serialise to other bytes (Dask's
        out-of-band buffers), the file must not depend on where the fit ran."""
        self.rf_bytes = skops_bytes(self.rf_model)
        return self

    @property
    def learns_playoffs(self) -> bool:
        return self.cfg.playoff is not None and self.cfg.playoff.enabled

    def fit(self, X_train: pd.DataFrame, y_train: pd.DataFrame, groups: np.ndarray,
            X_val: pd.DataFrame | None = None, y_val: pd.DataFrame | None = None,
            groups_val: np.ndarray | None = None, playoff: PlayoffRows | None = None) -> "ModelBTrainer":
        """y_*: frames with the target columns; groups: season of each row (XGBoost's qid);
        playoff: teams and series for the playoff-outcome XGBoost (model_b.playoff.enabled)."""
        if self.learns_playoffs and playoff is None:
            raise ValueError("model_b.playoff is enabled: fit needs the training seasons' series")
        self.feature_names = list(X_train.columns)
        has_val = X_val is not None and len(X_val)
        if has_val:
            self.n_rounds = self._early_stopped_rounds(X_train, y_train, groups, X_val, y_val, groups_val)
            if self.learns_playoffs:
                self.playoff_rounds = self._early_stopped_playoff(X_train, y_train, groups, X_val, y_val,
                                                                  groups_val, playoff)
            X_train = pd.concat([X_train, X_val], ignore_index=True)
            y_train = pd.concat([y_train, y_val], ignore_index=True)
            groups = np.concatenate([np.asarray(groups), np.asarray(groups_val)])
        self.xgb_model = self._fit_xgb(X_train, y_train, groups, self.n_rounds)
        self.rf_model = self._build_rf().fit(X_train, y_train[RF_LABEL].to_numpy(float))
        if self.learns_playoffs:
            teams = np.concatenate([playoff.teams, playoff.val_teams]) if has_val else playoff.teams
            self.playoff_model = self._fit_playoff(X_train, y_train, groups, teams, playoff.series,
                                                   self.playoff_rounds)
        return self

    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        """score_xgb, score_rf for each row of X (higher = stronger)."""
        if self.xgb_model is None or self.rf_model is None:
            raise RuntimeError("ModelBTrainer.predict called before fit")
        if list(X.columns) != self.feature_names:
            raise DataError(f"feature columns differ from training: {sorted(set(X.columns) ^ set(self.feature_names))}")
        out = pd.DataFrame({"score_xgb": self.xgb_model.predict(X),
                            "score_rf": self.rf_model.predict(X)}, index=X.index)
        if self.playoff_model is not None:
            out[PLAYOFF_SCORE] = self.playoff_model.predict(X)
        return out

    def importances(self) -> dict[str, dict[str, float]]:
        """XGBoost total gain (normalised to sum 1) and the forest's impurity importances."""
        gain = self.xgb_model.get_booster().get_score(importance_type="total_gain")
        total = sum(gain.values()) or 1.0
        return {"xgb_gain": {f: float(gain.get(f, 0.0) / total) for f in self.feature_names},
                "rf_impurity": dict(zip(self.feature_names, map(float, self.rf_model.feature_importances_)))}

    def save(self, xgb_path: str | Path, rf_path: str | Path,
             playoff_path: str | Path | None = None) -> list[Path]:
        """XGBoost in its own JSON format, the forest with skops (no pickle); atomic writes of
        bytes built in memory (same model = same bytes). The playoff-outcome XGBoost goes to
        playoff_path (when trained and a path is given)."""
        written = [write_bytes(xgb_json_bytes(self.xgb_model.get_booster(), XGB_RANKER), xgb_path),
                   write_bytes(self.rf_bytes or skops_bytes(self.rf_model), rf_path)]
        if playoff_path is not None and self.playoff_model is not None:
            written.append(write_bytes(
                xgb_json_bytes(self.playoff_model.get_booster(), XGB_PLAYOFF), playoff_path))
        return written

    def _early_stopped_rounds(self, X_tr, y_tr, g_tr, X_val, y_val, g_val) -> int:
        """Rounds with the best validation NDCG of the relevance grades, averaged over seasons.

        Scored with sklearn's ndcg_score (tied scores share their gain) rather than XGBoost's
        built-in eval: a few-tree model gives many teams the same score, and XGBoost's NDCG
        then credits ties in label order, so it "stops" after the first tree. Training stops
        after `early_stopping_rounds` rounds without improvement.
        """
        monitor = _ValidationNdcg(xgb.DMatrix(X_val, nthread=self.cfg.n_jobs), y_val["relevance"].to_numpy(),
                                  np.asarray(g_val), self.cfg.xgb.early_stopping_rounds)
        self._fit_xgb(X_tr, y_tr, g_tr, self.cfg.xgb.n_estimators, callbacks=[monitor])
        self.val_ndcg = monitor.best_ndcg
        return monitor.best_round + 1

    def _early_stopped_playoff(self, X_tr, y_tr, g_tr, X_val, y_val, g_val, playoff: PlayoffRows) -> int:
        """Rounds of the playoff-outcome XGBoost, by the same validation NDCG as _early_stopped_rounds."""
        monitor = _ValidationNdcg(xgb.DMatrix(X_val, nthread=self.cfg.n_jobs), y_val["relevance"].to_numpy(),
                                  np.asarray(g_val), self.cfg.xgb.early_stopping_rounds)
        self._fit_playoff(X_tr, y_tr, g_tr, playoff.teams, playoff.series, self.cfg.xgb.n_estimators,
                          callbacks=[monitor])
        return monitor.best_round + 1

    def _fit_playoff(self, X, y, seasons, teams, series, n_rounds: int, callbacks=None) -> xgb.XGBRanker:
        rows, labels, qid, weights = playoff_groups(seasons, teams, y["order_label"].to_numpy(), series,
                                                    self.cfg.playoff.order_weight)
        c = self.cfg.xgb
        model = xgb.XGBRanker(objective="rank:pairwise", n_estimators=n_rounds, learning_rate=c.learning_rate,
                              max_depth=c.max_depth, subsample=c.subsample, colsample_bytree=c.colsample_bytree,
                              min_child_weight=c.min_child_weight, reg_lambda=c.reg_lambda, tree_method="hist",
                              callbacks=callbacks, random_state=self.cfg.seed, n_jobs=self.cfg.n_jobs)
        model.fit(X.iloc[rows], labels, qid=qid, sample_weight=weights, verbose=False)
        return model

    def _fit_xgb(self, X, y, groups, n_rounds: int, callbacks=None) -> xgb.XGBModel:
        label = xgb_label_column(self.cfg.objective)
        model = self._build_xgb(n_rounds, callbacks)
        order = np.argsort(groups, kind="stable")       # XGBoost wants each qid's rows together
        extra = {"qid": np.asarray(groups)[order]} if self.cfg.is_ranking else {}
        model.fit(X.iloc[order], y[label].iloc[order], verbose=False, **extra)
        return model

    def _build_xgb(self, n_rounds: int, callbacks=None) -> xgb.XGBModel:
        c = self.cfg.xgb
        cls = xgb.XGBRanker if self.cfg.is_ranking else xgb.XGBRegressor
        return cls(objective=self.cfg.objective, n_estimators=n_rounds, learning_rate=c.learning_rate,
                   max_depth=c.max_depth, subsample=c.subsample, colsample_bytree=c.colsample_bytree,
                   min_child_weight=c.min_child_weight, reg_lambda=c.reg_lambda,
                   tree_method="hist", callbacks=callbacks,
                   random_state=self.cfg.seed, n_jobs=self.cfg.n_jobs)

    def _build_rf(self) -> RandomForestRegressor:
        c = self.cfg.rf
        return RandomForestRegressor(n_estimators=c.n_estimators, max_depth=c.max_depth,
                                     min_samples_leaf=c.min_samples_leaf, random_state=self.cfg.seed,
                                     n_jobs=self.cfg.n_jobs)
