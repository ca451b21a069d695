"""The stacker fitted on the playoff likelihood (`stacking.objective: series`).

The ensemble strength of a team, in points, is a weighted sum of its level-1 scores
standardised within the season: points = sum_k w_k z_k. The weights maximise the likelihood of
the training seasons' playoff series under the simulator's game model
(src/training/playoff_likelihood.py) minus an L2 penalty `penalty * |w|^2`, so the ensemble
needs no further points map: the title Monte Carlo uses it as it is.

Nested choice (never on the season being scored): which level-1 models enter and the penalty
are chosen by rolling-origin validation inside the training seasons: for each of the last
`selection_seasons` training seasons v, the stacker is fitted on the training seasons before v
and scored on v's series; the pair with the lowest pooled series log-loss wins (ties: fewer
models, then the smaller penalty, i.e. the first candidate in a fixed order), and is refitted
on all training seasons. The caller passes only rows of the training seasons.
"""
from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from src.errors import DataError
from src.inference.monte_carlo import GameModel
from src.training.playoff_likelihood import series_nll

log = logging.getLogger(__name__)

# Step (points) of the central difference of a series' log-likelihood in its margin: the
# likelihood is smooth on the scale of a point, so 1e-4 leaves ~1e-8 relative error.
_MARGIN_STEP = 1e-4


@dataclass(frozen=True)
class SeasonSeries:
    """One season's series: home-minus-away z of every level-1 column, best-of, home won."""
    diff: np.ndarray            # (n_series, n_columns)
    best_of: np.ndarray
    home_won: np.ndarray


def season_designs(z: pd.DataFrame, series: pd.DataFrame, columns: list[str]) -> dict[int, SeasonSeries]:
    """z: season, team + columns (standardised per season); series: series_table COLUMNS rows."""
    by_team = z.set_index(["season", "team"])[columns]
    out = {}
    for season, rows in series.groupby("season"):
        home = pd.MultiIndex.from_arrays([rows["season"], rows["home_team"]])
        away = pd.MultiIndex.from_arrays([rows["season"], rows["away_team"]])
        missing = [k for k in [*home, *away] if k not in by_team.index]
        if missing:
            raise DataError(f"season {missing[0][0]}: playoff team {missing[0][1]} has no level-1 score "
                            "to stack")
        out[int(season)] = SeasonSeries(by_team.loc[home].to_numpy(float) - by_team.loc[away].to_numpy(float),
                                        rows["best_of"].to_numpy(int), rows["home_won"].to_numpy(bool))
    return out


def _stack(designs: list[SeasonSeries], cols: list[int]) -> SeasonSeries:
    return SeasonSeries(np.vstack([d.diff[:, cols] for d in designs]),
                        np.concatenate([d.best_of for d in designs]),
                        np.concatenate([d.home_won for d in designs]))


def penalised_nll(w: np.ndarray, data: SeasonSeries, penalty: float, model: GameModel) -> tuple[float, np.ndarray]:
    """Sum of series NLLs at margin diff @ w plus penalty |w|^2, and its gradient in w."""
    d = data.diff @ w
    zero = np.zeros_like(d)
    nll = series_nll(d, zero, data.best_of, data.home_won, model)
    slope = (series_nll(d + _MARGIN_STEP, zero, data.best_of, data.home_won, model)
             - series_nll(d - _MARGIN_STEP, zero, data.best_of, data.home_won, model)) / (2 * _MARGIN_STEP)
    return float(nll.sum() + penalty * w @ w), data.diff.T @ slope + 2 * penalty * w


def fit_weights(data: SeasonSeries, penalty: float, model: GameModel) -> np.ndarray:
    """Points per season-SD of each column, maximising the penalised series likelihood."""
    result = minimize(penalised_nll, np.zeros(data.diff.shape[1]), args=(data, penalty, model),
                      jac=True, method="L-BFGS-B")
    return result.x


def mean_nll(w: np.ndarray, data: SeasonSeries, model: GameModel) -> float:
    d = data.diff @ w
    return float(series_nll(d, np.zeros_like(d), data.best_of, data.home_won, model).mean())


@dataclass
class Selection:
    scaling: str
    models: list[str]
    penalty: float
    weights: dict[str, float]
    fit_seasons: list[int]
    validation_seasons: list[int]
    validation: list[dict] = field(default_factory=list)   # every candidate's validation log-loss

    def report(self) -> dict:
        return {"scaling": self.scaling, "models": self.models, "penalty": self.penalty, "weights": self.weights,
                "fit_seasons": [min(self.fit_seasons), max(self.fit_seasons)],
                "validation_seasons": self.validation_seasons, "validation": self.validation}


class SeriesStacker:
    """Fits (and caches) penalised series-likelihood weights for subsets of the level-1 columns."""

    def __init__(self, models: list[str], penalties: list[float], selection_seasons: int,
                 min_fit_seasons: int, select_models: bool, model: GameModel):
        self.models, self.penalties, self.model = list(models), list(penalties), model
        self.selection_seasons, self.min_fit_seasons = selection_seasons, min_fit_seasons
        sizes = range(1, len(models) + 1) if select_models else [len(models)]
        self.subsets = [list(c) for k in sizes for c in itertools.combinations(range(len(models)), k)]
        self._cache: dict[tuple, np.ndarray] = {}

    def _weights(self, designs: dict[str, dict[int, SeasonSeries]], scaling: str, seasons: list[int],
                 cols: list[int], penalty: float) -> np.ndarray:
        key = (scaling, tuple(seasons), tuple(cols), penalty)
        if key not in self._cache:
            self._cache[key] = fit_weights(_stack([designs[scaling][s] for s in seasons], cols), penalty,
                                           self.model)
        return self._cache[key]

    def select(self, designs: dict[str, dict[int, SeasonSeries]]) -> Selection:
        """Choose scaling, models and penalty on the given (training) seasons' series (designs:
        scaling -> season -> series) and refit the choice on all of them."""
        scalings = list(designs)
        seasons = sorted(designs[scalings[0]])
        if len(seasons) < self.min_fit_seasons:
            raise DataError(f"stacking: {len(seasons)} training season(s) with playoff series, "
                            f"need at least min_fit_seasons={self.min_fit_seasons}")
        val = [v for v in seasons[-self.selection_seasons:]
               if sum(s < v for s in seasons) >= self.min_fit_seasons]
        best, table = (scalings[0], self.subsets[-1], self.penalties[0]), []
        if val:
            scored = []
            n_val = sum(len(designs[scalings[0]][v].best_of) for v in val)
            for scaling, cols, penalty in itertools.product(scalings, self.subsets, self.penalties):
                loss = sum(mean_nll(self._weights(designs, scaling, [s for s in seasons if s < v], cols, penalty),
                                    _stack([designs[scaling][v]], cols), self.model)
                           * len(designs[scaling][v].best_of) for v in val) / n_val
                scored.append((loss, scaling, cols, penalty))
                table.append({"scaling": scaling, "models": [self.models[c] for c in cols],
                              "penalty": penalty, "log_loss": loss})
            _, *best = min(scored, key=lambda x: x[0])
        else:
            log.warning("stacking: no validation season inside %d..%d; %s, all models, penalty %g",
                        seasons[0], seasons[-1], *best[::2])
        scaling, cols, penalty = best
        w = self._weights(designs, scaling, seasons, cols, penalty)
        return Selection(scaling=scaling, models=[self.models[c] for c in cols], penalty=float(penalty),
                         weights={self.models[c]: float(x) for c, x in zip(cols, w)},
                         fit_seasons=seasons, validation_seasons=val, validation=table)


def ensemble_points(features: dict[str, pd.DataFrame], selection: Selection, column_of) -> np.ndarray:
    """points = sum over the chosen models of weight * feature (of the chosen scaling)."""
    x = features[selection.scaling]
    out = np.zeros(len(x))
    for model, w in selection.weights.items():
        out += w * x[column_of(model)].to_numpy(float)
    return out


SCALINGS = ("season", "centred")


def scaled_features(level1: pd.DataFrame, columns: list[str], scalings: list[str], first_test: int,
                    standardise) -> dict[str, pd.DataFrame]:
    """Stacker inputs per scaling, rows aligned with level1:
    * season: z-score within each season (only the order and relative gaps of a season count);
    * centred: minus the season mean, divided by one constant per column (the SD of the centred
      scores of the seasons before `first_test`, which no test season touches), so a season in
      which the top team stands further out keeps that spread (as SRS does in points)."""
    out = {}
    for scaling in scalings:
        if scaling == "season":
            out[scaling] = standardise(level1, columns)
        elif scaling == "centred":
            centred = level1[columns] - level1.groupby("season")[columns].transform("mean")
            sd = centred[level1["season"] < first_test].std(ddof=0).replace(0.0, 1.0)
            out[scaling] = centred / sd
        else:
            raise ValueError(f"unknown scaling {scaling!r} (known: {SCALINGS})")
    return out
