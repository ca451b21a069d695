"""The final stacker as an estimator: `Stacker(cfg).fit(history, ...)` chooses and fits the
stacker on whole seasons of out-of-sample level-1 rows, `predict` applies what it stored (a
FittedStacker, src/models/stacker/fitted.py), `save`/`load` are models/stacker.json. The
walk-forward runs over the splits are src/training/train_stacking.py."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from src.league.monte_carlo import GameModel
from src.models.estimator import ConfigEstimator
from src.models.registry import score_column
from src.models.stacker.config import StackingConfig
from src.models.stacker.fitted import FittedStacker, centred_sd, standardise_per_season
from src.models.stacker.ridge import RidgeStacker
from src.models.stacker.series import SeriesStacker, scaled_features, season_designs

KEY = ["season", "team"]


def series_stacker(cfg: StackingConfig, model: GameModel) -> SeriesStacker:
    """The stacker over models + signals. Which columns may enter: every subset with
    select_models; otherwise the models alone and, with signals, the models plus every signal
    (the nested rule picks one per season)."""
    n_models, n_all = len(cfg.models), len(cfg.stacked)
    subsets = None
    if not cfg.select_models:
        subsets = [list(range(n_models))] + ([list(range(n_all))] if cfg.signals else [])
    return SeriesStacker(cfg.stacked, list(cfg.penalties), cfg.selection_seasons, cfg.min_fit_seasons,
                         cfg.select_models, model, list(cfg.half_lives), cfg.rule, subsets)


class Stacker(ConfigEstimator):
    cfg: StackingConfig

    def __init__(self, cfg: StackingConfig):
        super().__init__(cfg)
        self.fitted: FittedStacker | None = None

    def fit(self, history: pd.DataFrame, y: pd.Series | None = None, *, first_test: int,
            series: pd.DataFrame | None = None, game_model: GameModel | None = None) -> "Stacker":
        """history: whole seasons of out-of-sample level-1 rows; objective order: y, the ridge's
        target of each row; objective series: those seasons' playoff series (series_table
        COLUMNS) and the game model. first_test: the centred scaling's SD is of the seasons
        before it."""
        if self.cfg.objective == "series":
            if series is None or game_model is None:
                raise ValueError("stacking.objective series needs the playoff series and the game model")
            self.fitted = self._fit_series(history, series, game_model, first_test)
        else:
            if y is None:
                raise ValueError("stacking.objective order needs the target of each row")
            self.fitted = self._fit_order(history, y)
        return self

    def predict(self, level1: pd.DataFrame) -> np.ndarray:
        if self.fitted is None:
            raise RuntimeError("Stacker.predict called before fit")
        return self.fitted.predict(level1)

    def save(self, path: str | Path) -> Path:
        return self.fitted.save(path)

    @classmethod
    def load(cls, path: str | Path) -> "Stacker":
        """models/stacker.json, ready to predict (the file holds what was fitted, not the
        `stacking` params: get_params of a loaded stacker is {"cfg": None})."""
        loaded = cls(None)
        loaded.fitted = FittedStacker.load(path)
        return loaded

    def _fit_order(self, history: pd.DataFrame, y: pd.Series) -> FittedStacker:
        trainer = RidgeStacker(self.cfg).fit(history, y)
        seasons = [trainer.train_seasons[0], trainer.train_seasons[-1]]
        ridge = {"alpha": float(trainer.ridge.alpha_), "intercept": float(trainer.ridge.intercept_),
                 "coef": [float(c) for c in trainer.ridge.coef_]}
        return FittedStacker("order", list(self.cfg.models), seasons, len(history), ridge=ridge,
                             report={**trainer.summary(), "seasons": seasons, "rows": len(history)})

    def _fit_series(self, history: pd.DataFrame, series: pd.DataFrame, model: GameModel,
                    first_test: int) -> FittedStacker:
        cfg = self.cfg
        columns = [score_column(m) for m in cfg.stacked]
        train = history[KEY + columns].reset_index(drop=True)
        features = scaled_features(train, columns, cfg.scalings, first_test, standardise_per_season)
        played = series[series["season"].isin(train["season"].unique())]
        designs = {k: season_designs(train[KEY].join(x), played, columns) for k, x in features.items()}
        selection = series_stacker(cfg, model).select(designs)
        sd = centred_sd(train, columns, first_test)
        report = {k: v for k, v in selection.report().items() if k != "validation"}
        return FittedStacker("series", list(cfg.stacked), report["fit_seasons"], len(history),
                             selection.members, {c: float(sd[c]) for c in columns},
                             report={**report, "seasons": report["fit_seasons"], "rows": len(history)})
