"""The playoff series likelihood: hand-worked values, numpy == torch, gradients, recovery."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.stats import norm

from src.league.monte_carlo import GameModel
from src.models.model_a.series_loss import torch_series_home_win_prob, torch_series_nll
from src.odds.series_likelihood import series_home_win_prob, series_nll

NORMAL = GameModel(home_court=0.0, link="normal", scale=10.0)


def _strength_gap_for(p_game: float, model: GameModel) -> float:
    """Strength difference (no home court) that gives one game probability p under a normal link."""
    return float(norm.ppf(p_game) * model.scale)


@pytest.mark.parametrize("best_of, expected", [
    # p = 0.6 every game. Best-of-5: 0.6^5 + 5 * 0.6^4 * 0.4 + 10 * 0.6^3 * 0.4^2
    (5, 0.07776 + 0.2592 + 0.3456),
    # best-of-7: sum_{k=4..7} C(7,k) 0.6^k 0.4^(7-k) = 0.2903 + 0.2613 + 0.1306 + 0.0280
    (7, 0.290304 + 0.2612736 + 0.1306368 + 0.0279936),
])
def test_equal_game_probabilities_match_the_binomial_by_hand(best_of, expected):
    gap = _strength_gap_for(0.6, NORMAL)
    p = series_home_win_prob(np.array([gap]), np.array([0.0]), np.array([best_of]), NORMAL)
    assert p[0] == pytest.approx(expected, abs=1e-9)


def test_home_court_best_of_5_by_hand():
    """Home team: p=0.7 at home (3 games), p=0.5 away (2 games), needs 3 wins.
    k home wins: 3 -> 0.343; 2 -> 0.441 * P(>=1 of 2 away)=0.75; 1 -> 0.189 * P(2 of 2)=0.25."""
    # strength gap 5, home court 5: Phi(0 / s) = 0.5 away, and Phi(10 / s) = 0.7 at home
    # with s = 10 / Phi^-1(0.7)
    model = GameModel(home_court=5.0, link="normal", scale=10.0 / norm.ppf(0.7))
    p = series_home_win_prob(np.array([5.0]), np.array([0.0]), np.array([5]), model)
    assert p[0] == pytest.approx(0.343 + 0.441 * 0.75 + 0.189 * 0.25, abs=1e-9)


def test_nll_is_minus_log_of_the_observed_winner():
    gap = _strength_gap_for(0.6, NORMAL)
    nll = series_nll(np.array([gap, gap]), np.array([0.0, 0.0]), np.array([5, 5]),
                     np.array([True, False]), NORMAL)
    p = 0.68256
    assert nll == pytest.approx([-np.log(p), -np.log(1 - p)], abs=1e-9)


@pytest.mark.parametrize("link", ["normal", "logistic"])
def test_torch_matches_numpy(link):
    model = GameModel(home_court=2.5, link=link, scale=11.5)
    rng = np.random.default_rng(0)
    home, away = rng.normal(scale=6, size=40), rng.normal(scale=6, size=40)
    best_of = rng.choice([5, 7], size=40)
    won = rng.random(40) < 0.5
    expected = series_nll(home, away, best_of, won, model)
    got = torch_series_nll(torch.tensor(home), torch.tensor(away), torch.tensor(best_of),
                           torch.tensor(won), model)
    np.testing.assert_allclose(got.numpy(), expected, atol=1e-10)


@pytest.mark.parametrize("link", ["normal", "logistic"])
def test_gradient_check(link):
    model = GameModel(home_court=2.5, link=link, scale=11.5)
    home = torch.tensor([3.0, -2.0, 8.0, 0.5], dtype=torch.float64, requires_grad=True)
    away = torch.tensor([-1.0, 4.0, 1.0, 0.0], dtype=torch.float64, requires_grad=True)
    best_of, won = torch.tensor([7, 5, 7, 5]), torch.tensor([True, False, False, True])
    assert torch.autograd.gradcheck(
        lambda h, a: torch_series_nll(h, a, best_of, won, model).sum(), (home, away))


def test_series_probability_is_monotone_and_symmetric():
    model = GameModel(home_court=0.0, link="normal", scale=11.5)
    gaps = np.linspace(-15, 15, 31)
    p = series_home_win_prob(gaps, np.zeros_like(gaps), np.full(31, 7), model)
    assert np.all(np.diff(p) > 0)
    np.testing.assert_allclose(p + p[::-1], 1.0, atol=1e-12)   # no home court: P(d) = 1 - P(-d)


def test_fitting_strengths_by_the_likelihood_recovers_them():
    """Synthetic league, known strengths: series drawn from the game model, strengths fitted by
    maximum likelihood (torch, Adam) come back close to the truth (up to the free constant)."""
    model = GameModel(home_court=2.5, link="normal", scale=11.5)
    rng = np.random.default_rng(1)
    truth = rng.normal(scale=5.0, size=12)
    home, away = rng.integers(0, 12, size=(2, 6000))
    keep = home != away
    home, away = home[keep], away[keep]
    best_of = np.full(len(home), 7)
    p_home = series_home_win_prob(truth[home], truth[away], best_of, model)
    won = rng.random(len(home)) < p_home

    strength = torch.zeros(12, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([strength], lr=0.2)
    h, a, b, w = (torch.tensor(x) for x in (home, away, best_of, won))
    for _ in range(400):
        opt.zero_grad()
        loss = torch_series_nll(strength[h], strength[a], b, w, model).mean()
        loss.backward()
        opt.step()
    fitted = strength.detach().numpy()
    fitted, centred_truth = fitted - fitted.mean(), truth - truth.mean()
    assert np.corrcoef(fitted, centred_truth)[0, 1] > 0.97
    assert np.abs(fitted - centred_truth).max() < 2.0
