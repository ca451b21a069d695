"""Warm start of Model A's value head: a ridge fit on the playoff-series likelihood.

Before the epochs, the linear part of the value head is fitted by L-BFGS on the training
seasons' series, everything else held at its start (attention at its minutes bias, the value
MLP at its zero output, dropout off). The weights are parametrised around the value prior:

    w = scale * w_prior + delta,      loss = mean series NLL + l2 * |delta|^2

`scale` is free, so the prior's direction (e.g. on-court +/-) gets the points scale the series
want without a penalty; `delta` lets every other roster feature in only as far as the series
of the training seasons pay for it. With ~15 series a season, a convex fit of ~35 weights is
what the data can carry; the epochs that follow (and early stopping, which may keep these
starting weights: EarlyStopping's epoch -1) decide whether attention and the MLP add more.
Full-batch, float64, no randomness: the same seasons give the same weights.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Sequence

import torch

from src.league.monte_carlo import GameModel
from src.models.model_a.deep_set_rank import ON_COURT, DeepSetRank
from src.models.model_a.series_loss import torch_series_nll
from src.models.model_a.warm_start_games import game_terms, games_mean_nll

log = logging.getLogger(__name__)

MAX_ITER = 200   # L-BFGS iterations: the problem is small and smooth, it converges well before


@dataclass(frozen=True)
class SeasonTerms:
    """One season with series, reduced to what the linear head's weights act on."""
    pooled_stats: torch.Tensor   # [T, F] attention-weighted team mean of the standardised stats
    fixed: torch.Tensor          # [T] strength from everything but the linear weights
    home: torch.Tensor
    away: torch.Tensor
    best_of: torch.Tensor
    home_won: torch.Tensor


@dataclass(frozen=True)
class WarmStart:
    scale: float
    delta_norm: float
    train_series_nll: float
    n_series: int


def pooled_terms(terms: Sequence[SeasonTerms]) -> SeasonTerms:
    """Every season's terms as one: teams stacked, series indices shifted to them. The loss
    is then one vectorised call instead of one per season (the warm start was most of a
    0-epoch fit, nearly all of it per-season call overhead)."""
    offsets = torch.cumsum(torch.tensor([0] + [len(t.fixed) for t in terms[:-1]]), 0)
    return SeasonTerms(torch.cat([t.pooled_stats for t in terms]),
                       torch.cat([t.fixed for t in terms]),
                       torch.cat([t.home + o for t, o in zip(terms, offsets)]),
                       torch.cat([t.away + o for t, o in zip(terms, offsets)]),
                       torch.cat([t.best_of for t in terms]),
                       torch.cat([t.home_won for t in terms]))


@torch.no_grad()
def season_terms(model: DeepSetRank, lists: Sequence) -> list[SeasonTerms]:
    """strength = ON_COURT * pooled_stats @ w + fixed, for each list (season) with series."""
    model.eval()
    out = []
    for item in lists:
        if item.series is None:
            continue
        stats, index, minutes, pad = item.roster.model_inputs()
        strength, _, attn = model(stats, index, minutes, pad)
        weights = model.value_linear.weight[0].double()
        pooled = torch.einsum("tp,tpf->tf", attn.double(), stats.double())
        fixed = strength.double() - ON_COURT * pooled @ weights
        s = item.series
        out.append(SeasonTerms(pooled, fixed, s.home, s.away, s.best_of, s.home_won))
    return out


def fit_value_head(model: DeepSetRank, lists: Sequence, game_model: GameModel,
                   l2: float, games_weight: float = 0.0) -> WarmStart | None:
    """Set model.value_linear.weight to the ridge fit (around its current weights, the value
    prior); None (weights unchanged) when no list has series. `games_weight` > 0 (hook:
    playoff games): plus that weight times the mean log-loss of the lists' playoff games."""
    terms = season_terms(model, lists)
    games = game_terms(model, lists) if games_weight > 0 else None
    if not terms:
        log.warning("warm start: no training season has playoff series; value head left at "
                    "its prior")
        return None
    pooled = pooled_terms(terms)
    prior = model.value_linear.weight[0].detach().double().clone()
    has_prior = bool(prior.abs().sum() > 0)
    scale = torch.ones((), dtype=torch.float64, requires_grad=has_prior)
    delta = torch.zeros_like(prior, requires_grad=True)
    n_series = len(pooled.home)
    params = [delta, scale] if has_prior else [delta]
    optimizer = torch.optim.LBFGS(params, max_iter=MAX_ITER, line_search_fn="strong_wolfe")

    def nll() -> torch.Tensor:
        w = scale * prior + delta
        loss = torch_series_nll(*_home_away(pooled, w), pooled.best_of, pooled.home_won,
                                game_model).sum() / n_series
        if games is not None:                                   # hook: playoff games
            loss = loss + games_weight * games_mean_nll(games, w, game_model)
        return loss

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = nll() + l2 * (delta ** 2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        model.value_linear.weight[0] = (scale * prior + delta).to(model.value_linear.weight.dtype)
        result = WarmStart(float(scale), float(delta.norm()), float(nll()), n_series)
    log.debug("warm start: scale %.3f, |delta| %.3f, train series NLL %.4f over %d series",
              result.scale, result.delta_norm, result.train_series_nll, n_series)
    return result


def _home_away(terms: SeasonTerms, w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    strength = ON_COURT * terms.pooled_stats @ w + terms.fixed
    return strength[terms.home], strength[terms.away]
