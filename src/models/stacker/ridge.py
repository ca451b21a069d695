"""The stacker of objective order: a RidgeCV over level-1 scores standardised per season
(the target, `stacking.target`, is built by src/training/targets.py stacking_target). Scores
are z-scored within each season first, so the blend weighs each model's *ordering* of a season,
not its scale (a ranking objective's margins and a regression's relevance live on different
scales)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV

from src.models.estimator import ConfigEstimator
from src.models.registry import score_column
from src.models.stacker.config import StackingConfig
from src.models.stacker.fitted import standardise_per_season


class RidgeStacker(ConfigEstimator):
    cfg: StackingConfig

    def __init__(self, cfg: StackingConfig):
        super().__init__(cfg)
        self.columns = [score_column(m) for m in cfg.models]
        self.ridge: RidgeCV | None = None
        self.train_seasons: tuple[int, ...] = ()
        self.n_fit_rows = 0

    def fit(self, level1: pd.DataFrame, y: pd.Series) -> "RidgeStacker":
        """level1: whole seasons with season and score_<model> columns; y: the target of each
        row. Scores are standardised over every team of a season; the ridge fits the rows that
        have a target (playoff_order: playoff teams only)."""
        X = standardise_per_season(level1, self.columns)
        fitted = y.notna().to_numpy()
        self.ridge = RidgeCV(alphas=self.cfg.alphas).fit(X.to_numpy()[fitted], y.to_numpy(float)[fitted])
        self.train_seasons = tuple(sorted(int(s) for s in level1["season"].unique()))
        self.n_fit_rows = int(fitted.sum())
        return self

    def predict(self, level1: pd.DataFrame) -> np.ndarray:
        return self.ridge.predict(standardise_per_season(level1, self.columns).to_numpy())

    def summary(self) -> dict[str, float]:
        return {"alpha": float(self.ridge.alpha_), "intercept": float(self.ridge.intercept_),
                **{f"coef_{m}": float(c) for m, c in zip(self.cfg.models, self.ridge.coef_)}}
