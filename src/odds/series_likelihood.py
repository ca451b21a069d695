"""The likelihood of playoff series outcomes given team strengths in points.

One game model for everything that learns from or is judged on playoff series: the simulator's
(src/league/monte_carlo.py). A game's expected margin is the strength difference plus home
court; P(win) goes through the `link` (normal or logistic) with spread `scale` points; a
best-of-n series is won by whoever would win the majority of all n games, so with the home-court
team at home in (n+1)//2 of them (2-2-1-1-1 and 2-2-1), P(home team wins the series) is a sum
of products of two binomials. `simulation` params set link, scale and home court.

Two implementations of the same formula:
* numpy (`series_home_win_prob`, `series_nll`, here): for the points map, the stacker, the
  yardstick;
* torch (src/models/model_a/series_loss.py): differentiable, for Model A's loss. It lives with Model A
  so the stages that use only this numpy half (stack, evaluate, forecast) never import torch.
Both take the home team's strength, the away team's strength, best-of and whether the home
team won, one entry per series.
"""
from __future__ import annotations

from math import sqrt

import numpy as np

from src.league.monte_carlo import GameModel, game_win_prob, series_win_prob

# Floor on a series probability inside a log: a model that is certain and wrong gets a large
# finite loss rather than inf (which would stop an optimiser dead).
PROB_FLOOR = 1e-9
# A logistic with scale s has standard deviation s * pi / sqrt(3): dividing by this factor makes
# `scale` the same margin spread for both links (as in monte_carlo.py).
LOGISTIC_SD_FACTOR = sqrt(3.0) / np.pi


def series_home_win_prob(home_strength: np.ndarray, away_strength: np.ndarray,
                         best_of: np.ndarray, model: GameModel,
                         home_edge: np.ndarray | None = None) -> np.ndarray:
    """P(home-court team wins its series), one entry per series (strengths in points).
    `home_edge` (per series, broadcast like the strengths): the share of the home court its games
    had (src/league/sites.py: 0 on a neutral court); None: all of it."""
    margin = np.asarray(home_strength, float) - np.asarray(away_strength, float)
    best_of = np.broadcast_to(np.asarray(best_of, int), margin.shape)
    court = (np.full(margin.shape, model.home_court) if home_edge is None
             else model.home_court * np.broadcast_to(np.asarray(home_edge, float), margin.shape))
    out = np.empty(margin.shape)
    for n in np.unique(best_of):
        rows = best_of == n
        out[rows] = series_win_prob(game_win_prob(margin[rows] + court[rows], model),
                                    game_win_prob(margin[rows] - court[rows], model), int(n))
    return out


def series_nll(home_strength: np.ndarray, away_strength: np.ndarray, best_of: np.ndarray,
               home_won: np.ndarray, model: GameModel,
               home_edge: np.ndarray | None = None) -> np.ndarray:
    """-log P(observed winner), one entry per series (`home_edge`: as series_home_win_prob)."""
    p_home = series_home_win_prob(home_strength, away_strength, best_of, model, home_edge)
    p_observed = np.where(np.asarray(home_won, bool), p_home, 1.0 - p_home)
    return -np.log(np.clip(p_observed, PROB_FLOOR, None))
