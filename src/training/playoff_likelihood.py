"""The likelihood of playoff series outcomes given team strengths in points.

One game model for everything that learns from or is judged on playoff series: the simulator's
(src/league/monte_carlo.py). A game's expected margin is the strength difference plus home
court; P(win) goes through the `link` (normal or logistic) with spread `scale` points; a
best-of-n series is won by whoever would win the majority of all n games, so with the home-court
team at home in (n+1)//2 of them (2-2-1-1-1 and 2-2-1), P(home team wins the series) is a sum
of products of two binomials. `simulation` params set link, scale and home court.

Two implementations of the same formula:
* numpy (`series_home_win_prob`, `series_nll`): for the points map, the stacker, the yardstick;
* torch (`torch_series_home_win_prob`, `torch_series_nll`): differentiable, for Model A's loss.
Both take the home team's strength, the away team's strength, best-of and whether the home
team won, one entry per series. torch is imported inside the torch functions: the stages that
use only the numpy half (stack, evaluate, forecast) then never import it (~1.5 s a process).
"""
from __future__ import annotations

from math import comb, sqrt
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

from src.league.monte_carlo import GameModel, game_win_prob, series_win_prob

# Floor on a series probability inside a log: a model that is certain and wrong gets a large
# finite loss rather than inf (which would stop an optimiser dead).
PROB_FLOOR = 1e-9
# A logistic with scale s has standard deviation s * pi / sqrt(3): dividing by this factor makes
# `scale` the same margin spread for both links (as in monte_carlo.py).
_LOGISTIC_SD_FACTOR = sqrt(3.0) / np.pi


def series_home_win_prob(home_strength: np.ndarray, away_strength: np.ndarray,
                         best_of: np.ndarray, model: GameModel) -> np.ndarray:
    """P(home-court team wins its series), one entry per series (strengths in points)."""
    margin = np.asarray(home_strength, float) - np.asarray(away_strength, float)
    best_of = np.broadcast_to(np.asarray(best_of, int), margin.shape)
    out = np.empty(margin.shape)
    for n in np.unique(best_of):
        rows = best_of == n
        out[rows] = series_win_prob(game_win_prob(margin[rows] + model.home_court, model),
                                    game_win_prob(margin[rows] - model.home_court, model), int(n))
    return out


def series_nll(home_strength: np.ndarray, away_strength: np.ndarray, best_of: np.ndarray,
               home_won: np.ndarray, model: GameModel) -> np.ndarray:
    """-log P(observed winner), one entry per series."""
    p_home = series_home_win_prob(home_strength, away_strength, best_of, model)
    p_observed = np.where(np.asarray(home_won, bool), p_home, 1.0 - p_home)
    return -np.log(np.clip(p_observed, PROB_FLOOR, None))


def torch_game_win_prob(margin: torch.Tensor, model: GameModel) -> torch.Tensor:
    import torch
    z = margin / model.scale
    if model.link == "normal":
        return torch.special.ndtr(z)
    return torch.sigmoid(z / _LOGISTIC_SD_FACTOR)


def _binom_pmfs(n: int, p: torch.Tensor) -> list[torch.Tensor]:
    """[P(k wins of n) for k = 0..n], games independent with P(win) = p."""
    q = 1.0 - p
    return [comb(n, k) * p ** k * q ** (n - k) for k in range(n + 1)]


def _torch_series_win_prob(p_home: torch.Tensor, p_away: torch.Tensor, best_of: int) -> torch.Tensor:
    """Same sum of binomials as monte_carlo.series_win_prob, differentiable. Each binomial
    term is built once (the autograd graph of Model A's loss is most of a training step)."""
    import torch
    n_home = (best_of + 1) // 2
    n_away = best_of - n_home
    need = (best_of + 1) // 2
    home, away = _binom_pmfs(n_home, p_home), _binom_pmfs(n_away, p_away)
    # at_least[m] = P(the home team wins at least m of its away games)
    at_least = [torch.zeros_like(p_away)] * (n_away + 2)
    for m in range(n_away, -1, -1):
        at_least[m] = away[m] + at_least[m + 1]
    total = torch.zeros_like(p_home)
    for k_home in range(n_home + 1):
        total = total + home[k_home] * at_least[max(need - k_home, 0)]
    return total


def torch_series_home_win_prob(home_strength: torch.Tensor, away_strength: torch.Tensor,
                               best_of: torch.Tensor, model: GameModel) -> torch.Tensor:
    """Differentiable P(home-court team wins its series)."""
    import torch
    margin = home_strength - away_strength
    p_home_game = torch_game_win_prob(margin + model.home_court, model)
    p_away_game = torch_game_win_prob(margin - model.home_court, model)
    out = torch.zeros_like(margin)
    for n in torch.unique(best_of).tolist():
        rows = best_of == n
        out = torch.where(rows, _torch_series_win_prob(p_home_game, p_away_game, int(n)), out)
    return out


def torch_series_nll(home_strength: torch.Tensor, away_strength: torch.Tensor, best_of: torch.Tensor,
                     home_won: torch.Tensor, model: GameModel) -> torch.Tensor:
    """-log P(observed winner), one entry per series (reduce as the caller needs)."""
    import torch
    p_home = torch_series_home_win_prob(home_strength, away_strength, best_of, model)
    p_observed = torch.where(home_won.bool(), p_home, 1.0 - p_home)
    return -torch.log(p_observed.clamp_min(PROB_FLOOR))
