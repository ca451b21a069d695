"""Model B's playoff-outcome XGBoost (score_xgb_playoff, model_b.playoff): every training series
is a query group of its two teams (winner ranked first), each training season's full final
order a weaker group with weight `order_weight`. Its rounds are early-stopped on the same
validation NDCG as the ranker's (src/models/model_b/boosting.py)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb

from src.models.model_b.boosting import has_rows, validation_monitor, with_validation, xgb_kwargs
from src.models.model_b.config import ModelBConfig
from src.models.model_b.xgb_file import XgbFileEstimator
from src.models.names import XGB_PLAYOFF_NAME, score_column
from src.utils.model_files import XGB_PLAYOFF

log = logging.getLogger(__name__)

PLAYOFF_SCORE = score_column(XGB_PLAYOFF_NAME)


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


class PlayoffXgb(XgbFileEstimator):
    KIND = XGB_PLAYOFF

    def __init__(self, cfg: ModelBConfig):
        super().__init__(cfg)
        self.n_rounds: int = cfg.xgb.n_estimators if cfg is not None else 0

    def fit(self, X: pd.DataFrame, y: pd.DataFrame, groups: np.ndarray, playoff: PlayoffRows,
            X_val: pd.DataFrame | None = None, y_val: pd.DataFrame | None = None,
            groups_val: np.ndarray | None = None) -> "PlayoffXgb":
        """y: the target columns (order_label); groups: season of each row; playoff: the rows'
        teams and the training seasons' series."""
        self.feature_names = list(X.columns)
        teams = playoff.teams
        if has_rows(X_val):
            monitor = validation_monitor(self.cfg, X_val, y_val, groups_val)
            self._fit(X, y, groups, teams, playoff.series, self.cfg.xgb.n_estimators, callbacks=[monitor])
            self.n_rounds = monitor.best_round + 1
            X, y, groups = with_validation(X, y, groups, X_val, y_val, groups_val)
            teams = np.concatenate([playoff.teams, playoff.val_teams])
        self.model = self._fit(X, y, groups, teams, playoff.series, self.n_rounds)
        return self

    @classmethod
    def load(cls, path: str | Path) -> "PlayoffXgb":
        """The saved model, ready to predict (get_params of a loaded estimator is {"cfg": None})."""
        return cls.load_file(path, "rank:pairwise")

    @staticmethod
    def objective_of(cfg: ModelBConfig) -> str:
        return "rank:pairwise"

    def _fit(self, X, y, seasons, teams, series, n_rounds: int, callbacks=None) -> xgb.XGBRanker:
        rows, labels, qid, weights = playoff_groups(seasons, teams, y["order_label"].to_numpy(), series,
                                                    self.cfg.playoff.order_weight)
        model = xgb.XGBRanker(objective="rank:pairwise", **xgb_kwargs(self.cfg, n_rounds, callbacks))
        model.fit(X.iloc[rows], labels, qid=qid, sample_weight=weights, verbose=False)
        return model
