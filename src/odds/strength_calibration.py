"""Map a model's score onto the simulator's points scale, and temper title odds.

Scores of different models live on different scales. For test season t the map is fitted
only on rows with season < t: each season's scores are standardised within the season (z)
and points = slope * z. Only differences of points matter to the simulator, so no intercept.
The slope is fitted one of two ways (`simulation.calibrate_to`):
* srs: least squares of season-centred SRS on z. Regression to the mean shrinks the
  slope whenever the score is an imperfect proxy of SRS, whatever its playoff value.
* series: maximum likelihood of every earlier playoff series' result under the simulator's
  own exact series probability (same link, scale, home court, best-of). ~15 series a
  season instead of one champion, and it fits exactly what the simulator consumes.

The temperature step raises title odds to the power 1/T and renormalises within the
season; T is the maximum-likelihood value over earlier seasons' champions. The same
routine fits the softmax method's tau (points per unit of log-odds).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import softmax

from src.errors import DataError
from src.league.monte_carlo import GameModel
from src.odds.series_likelihood import series_nll

# Floor on a probability inside a log-likelihood: a zero-probability champion would make
# the fit undefined rather than merely bad.
_PROB_FLOOR = 1e-12


def standardise_by_season(values: pd.Series, seasons: pd.Series, what: str) -> pd.Series:
    """(x - season mean) / season std (ddof 0); a season with no spread is a DataError."""
    grouped = values.groupby(seasons)
    std = grouped.transform("std", ddof=0)
    flat = std <= 0
    if flat.any():
        raise DataError(f"{what}: season {int(seasons[flat].iloc[0])} has identical values for every "
                        "team, cannot standardise")
    return (values - grouped.transform("mean")) / std


@dataclass(frozen=True)
class PointsMap:
    slope: float            # points per season-standard-deviation of score
    n_rows: int             # team-seasons (srs) or series (series) the fit used
    max_season: int         # latest season the map saw (must be < the season it is applied to)
    target: str = "srs"     # srs | series

    def points(self, z: np.ndarray) -> np.ndarray:
        return self.slope * np.asarray(z, dtype=float)


def fit_points_map(train: pd.DataFrame, score_col: str) -> PointsMap:
    """Least squares of season-centred SRS on season-standardised score (columns season, srs, score_col)."""
    rows = train.dropna(subset=[score_col, "srs"])
    if rows["season"].nunique() < 2:
        raise DataError(f"{score_col}: fewer than 2 earlier seasons with scores to fit the points map")
    z = standardise_by_season(rows[score_col], rows["season"], score_col).to_numpy()
    y = (rows["srs"] - rows.groupby("season")["srs"].transform("mean")).to_numpy()
    slope = float(z @ y / (z @ z))
    return PointsMap(slope=slope, n_rows=len(rows), max_season=int(rows["season"].max()))


def series_log_likelihood(slope: float, z_diff: np.ndarray, best_of: np.ndarray,
                          winner_home: np.ndarray, model: GameModel) -> float:
    """Sum of log P(winner wins its series) with points = slope * z (z_diff = z_winner - z_loser),
    by the one series likelihood (src/odds/series_likelihood.py)."""
    margin = slope * np.asarray(z_diff, float)
    # the home-court team's margin: the winner's if it had home court, else the loser's
    home_margin = np.where(winner_home, margin, -margin)
    return -float(np.sum(series_nll(home_margin, np.zeros_like(home_margin), best_of, winner_home, model)))


def fit_series_map(series: pd.DataFrame, model: GameModel, bounds: Sequence[float]) -> PointsMap:
    """Max-likelihood slope over series rows (season, z_winner, z_loser, best_of, winner_home)."""
    if series.empty:
        raise DataError("no earlier playoff series with scored teams to fit the points map on")
    if series[["z_winner", "z_loser"]].isna().any().any():
        bad = series[series[["z_winner", "z_loser"]].isna().any(axis=1)].iloc[0]
        raise DataError(f"season {int(bad['season'])}: a team of a playoff series has no score "
                        "(columns z_winner/z_loser)")
    z_diff = (series["z_winner"] - series["z_loser"]).to_numpy()
    best_of, home = series["best_of"].to_numpy(int), series["winner_home"].to_numpy(bool)
    result = minimize_scalar(lambda a: -series_log_likelihood(a, z_diff, best_of, home, model),
                             bounds=tuple(bounds), method="bounded")
    return PointsMap(slope=float(result.x), n_rows=len(series), max_season=int(series["season"].max()),
                     target="series")


def temper(probs: np.ndarray, temperature: float) -> np.ndarray:
    """p^(1/T) renormalised: T > 1 flattens over-confident odds, T < 1 sharpens."""
    logp = np.log(np.clip(np.asarray(probs, float), _PROB_FLOOR, None)) / temperature
    return softmax(logp)


def softmax_odds(points: np.ndarray, tau: float) -> np.ndarray:
    return softmax(np.asarray(points, float) / tau)


def fit_temperature(log_weights: Sequence[np.ndarray], champion_idx: Sequence[int],
                    bounds: Sequence[float]) -> float:
    """Max-likelihood T for p_i ∝ exp(w_i / T) over seasons (w = log-odds or points)."""
    if not log_weights:
        raise DataError("no earlier season with a known champion to fit a temperature on")

    def nll(log_t: float) -> float:
        t = np.exp(log_t)
        return -sum(np.log(max(softmax(w / t)[c], _PROB_FLOOR)) for w, c in zip(log_weights, champion_idx))

    low, high = np.log(bounds[0]), np.log(bounds[1])
    result = minimize_scalar(nll, bounds=(low, high), method="bounded")
    return float(np.exp(result.x))


def log_odds(probs: np.ndarray) -> np.ndarray:
    return np.log(np.clip(np.asarray(probs, float), _PROB_FLOOR, None))
