"""Model A's playoff-series loss: the likelihood of src/odds/series_likelihood.py written in
torch, differentiable in the strengths (same game model, same formula, same floor)."""
from __future__ import annotations

from functools import lru_cache
from math import comb

import torch

from src.league.monte_carlo import GameModel
from src.odds.series_likelihood import LOGISTIC_SD_FACTOR, PROB_FLOOR


def torch_game_win_prob(margin: torch.Tensor, model: GameModel) -> torch.Tensor:
    z = margin / model.scale
    if model.link == "normal":
        return torch.special.ndtr(z)
    return torch.sigmoid(z / LOGISTIC_SD_FACTOR)


@lru_cache(maxsize=None)
def _pmf_constants(n: int, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(k, n - k, C(n, k)) for k = 0..n: built once (a training step calls for them ~4 times)."""
    k = torch.arange(n + 1, dtype=dtype)
    return k, n - k, torch.tensor([float(comb(n, j)) for j in range(n + 1)], dtype=dtype)


@lru_cache(maxsize=None)
def _needed_road_wins(best_of: int) -> torch.Tensor:
    """For k home wins (k = 0..n_home): road wins still needed, n_away + 1 where impossible."""
    n_home = need = (best_of + 1) // 2
    n_away = best_of - n_home
    return torch.tensor([min(max(need - k, 0), n_away + 1) for k in range(n_home + 1)])


def _binom_pmfs(n: int, p: torch.Tensor) -> torch.Tensor:
    """[..., n + 1]: P(k wins of n) for k = 0..n, games independent with P(win) = p."""
    k, n_minus_k, coef = _pmf_constants(n, p.dtype)
    p = p.unsqueeze(-1)
    return coef * p ** k * (1.0 - p) ** n_minus_k


def _torch_series_win_prob(p_home: torch.Tensor, p_away: torch.Tensor, best_of: int) -> torch.Tensor:
    """Same sum of binomials as monte_carlo.series_win_prob, differentiable, as a few
    vectorised ops (the autograd graph of Model A's loss is most of a training step: one
    node per binomial term made the likelihood's backward pass cost more than the model's)."""
    n_home = (best_of + 1) // 2
    home, away = _binom_pmfs(n_home, p_home), _binom_pmfs(best_of - n_home, p_away)
    # at_least[..., m] = P(the home team wins at least m of its away games), 0 past n_away
    at_least = torch.flip(torch.cumsum(torch.flip(away, [-1]), -1), [-1])
    at_least = torch.cat([at_least, torch.zeros_like(at_least[..., :1])], -1)
    return (home * at_least[..., _needed_road_wins(best_of)]).sum(-1)


def torch_series_home_win_prob(home_strength: torch.Tensor, away_strength: torch.Tensor,
                               best_of: torch.Tensor, model: GameModel,
                               lengths: list[int] | None = None) -> torch.Tensor:
    """Differentiable P(home-court team wins its series); `lengths`: the sorted distinct
    `best_of` where the caller has them (SeriesTensors.lengths), else found here."""
    margin = home_strength - away_strength
    p_home_game = torch_game_win_prob(margin + model.home_court, model)
    p_away_game = torch_game_win_prob(margin - model.home_court, model)
    lengths = torch.unique(best_of).tolist() if lengths is None else lengths
    if len(lengths) == 1:           # every series of a season since 2003: no merge needed
        return _torch_series_win_prob(p_home_game, p_away_game, int(lengths[0]))
    out = torch.zeros_like(margin)
    for n in lengths:
        rows = best_of == n
        out = torch.where(rows, _torch_series_win_prob(p_home_game, p_away_game, int(n)), out)
    return out


def torch_series_nll(home_strength: torch.Tensor, away_strength: torch.Tensor, best_of: torch.Tensor,
                     home_won: torch.Tensor, model: GameModel,
                     lengths: list[int] | None = None) -> torch.Tensor:
    """-log P(observed winner), one entry per series (reduce as the caller needs)."""
    p_home = torch_series_home_win_prob(home_strength, away_strength, best_of, model, lengths)
    p_observed = torch.where(home_won.bool(), p_home, 1.0 - p_home)
    return -torch.log(p_observed.clamp_min(PROB_FLOOR))
