"""Bracket simulator: series maths by hand, Monte Carlo against the exact recursion."""
import numpy as np
import pytest

from src.league.monte_carlo import (GameModel, exact_bracket_probs, first_round_best_of,
                                       game_win_prob, series_win_prob, simulate_bracket)

NORMAL = GameModel(home_court=2.5, link="normal", scale=11.5)
NO_HOME = GameModel(home_court=0.0, link="normal", scale=11.5)


def test_series_win_prob_by_hand():
    # best-of-7 at p = 0.6 each game: sum_{k>=4} C(7,k) .6^k .4^(7-k)
    assert series_win_prob(0.6, 0.6, 7) == pytest.approx(35 * .6**4 * .4**3 + 21 * .6**5 * .4**2 + 7 * .6**6 * .4 + .6**7)
    # best-of-5: sum_{k>=3} C(5,k) .6^k .4^(5-k) = .3456 + .2592 + .07776
    assert series_win_prob(0.6, 0.6, 5) == pytest.approx(0.68256)
    assert series_win_prob(0.5, 0.5, 7) == pytest.approx(0.5)


def test_series_home_games_weigh_four_of_seven():
    # win every home game, lose every away game: 4 of 7 wins the series, 3 of 5 too
    assert series_win_prob(1.0, 0.0, 7) == pytest.approx(1.0)
    assert series_win_prob(1.0, 0.0, 5) == pytest.approx(1.0)
    assert series_win_prob(0.0, 1.0, 7) == pytest.approx(0.0)


def test_links_share_the_scale_as_standard_deviation():
    # one standard deviation of margin: Phi(1) for normal, expit(pi / sqrt 3) for logistic
    assert game_win_prob(11.5, NORMAL) == pytest.approx(0.841345, abs=1e-6)
    logistic = GameModel(home_court=2.5, link="logistic", scale=11.5)
    assert game_win_prob(11.5, logistic) == pytest.approx(1 / (1 + np.exp(-np.pi / np.sqrt(3))))


def test_equal_teams_without_home_court_are_one_in_sixteen():
    exact = exact_bracket_probs(np.zeros(16), np.arange(16.0), NO_HOME)
    assert exact[:, 3] == pytest.approx(np.full(16, 1 / 16))
    assert exact.sum(axis=0) == pytest.approx([8, 4, 2, 1])


def test_monte_carlo_matches_exact_within_sampling_error():
    rng = np.random.default_rng(0)
    strength, priority = rng.normal(0, 5, 16), rng.permutation(16).astype(float)
    n = 100_000
    mc = simulate_bracket(strength, priority, NORMAL, n_sims=n, seed=3)
    exact = exact_bracket_probs(strength, priority, NORMAL)
    sigma = np.sqrt(exact * (1 - exact) / n) + 1e-9
    assert np.all(np.abs(mc - exact) < 5 * sigma)
    assert mc.sum(axis=0) == pytest.approx([8, 4, 2, 1])


def test_seeded_and_deterministic():
    strength, priority = np.linspace(5, -5, 16), np.arange(16.0)
    a = simulate_bracket(strength, priority, NORMAL, 5000, seed=1)
    assert np.array_equal(a, simulate_bracket(strength, priority, NORMAL, 5000, seed=1))
    assert not np.array_equal(a, simulate_bracket(strength, priority, NORMAL, 5000, seed=2))


def test_home_court_goes_to_higher_priority():
    exact_home_first = exact_bracket_probs(np.zeros(16), np.arange(16.0)[::-1], NORMAL)
    # slot 0 has the best record; it beats equal-strength slot 1 more often than not
    assert exact_home_first[0, 0] > 0.5 > exact_home_first[1, 0]


def test_first_round_length_by_era():
    assert first_round_best_of(2002) == 5 and first_round_best_of(2003) == 7
    strength, priority = np.linspace(5, -5, 16), np.arange(16.0)[::-1]
    best_of_5 = exact_bracket_probs(strength, priority, NORMAL, first_round=5)
    best_of_7 = exact_bracket_probs(strength, priority, NORMAL, first_round=7)
    assert best_of_5[0, 0] < best_of_7[0, 0]   # shorter series: more upsets


def test_bad_input_raises():
    with pytest.raises(ValueError):
        simulate_bracket(np.zeros(15), np.arange(15.0), NORMAL, 10, 0)
    with pytest.raises(ValueError):
        simulate_bracket(np.full(16, np.nan), np.arange(16.0), NORMAL, 10, 0)
