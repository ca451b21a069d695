"""2019-20's playoffs were played in the Orlando bubble (src/league/sites.py): its games, series
and title odds carry no home court, every other season's keep it to the bit."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from src.league.monte_carlo import GameModel, exact_bracket_probs, game_win_prob, series_win_prob
from src.league.sites import NEUTRAL_SITE_SEASONS, at_site, home_edge, home_edges
from src.odds.game_asof import CandidateGrid, game_forecast
from src.odds.playoff_update import UpdateSetting
from src.odds.series_likelihood import series_home_win_prob

MODEL = GameModel(home_court=2.5, link="normal", scale=11.5)


def test_only_the_bubble_season_is_neutral():
    from src.data.results_file import BUBBLE_SEASON
    assert NEUTRAL_SITE_SEASONS == {BUBBLE_SEASON}
    assert home_edge(2020) == 0.0 and home_edge(2019) == home_edge(2021) == 1.0
    assert home_edges([2019, 2020, 2021]).tolist() == [1.0, 0.0, 1.0]
    assert at_site(MODEL, 2019) is MODEL and at_site(MODEL, 2020) == GameModel(0.0, "normal", 11.5)


def test_series_odds_give_the_home_court_team_nothing_in_2020_and_the_same_bits_elsewhere():
    home, away, best_of = np.array([3.0, 3.0, -1.0]), np.array([0.0, 0.0, 2.0]), np.array([7, 7, 5])
    edges = home_edges([2019, 2020, 2019])
    p = series_home_win_prob(home, away, best_of, MODEL, edges)
    assert np.array_equal(p[[0, 2]], series_home_win_prob(home[[0, 2]], away[[0, 2]], best_of[[0, 2]], MODEL))
    neutral = game_win_prob(np.array([3.0]), MODEL)[0]
    assert p[1] == pytest.approx(series_win_prob(neutral, neutral, 7)) and p[1] < p[0]


def test_game_forecasts_of_2020_have_no_home_court():
    grid = CandidateGrid.of([UpdateSetting(2.0, 20.0, home_court=3.5, game_noise=10.0)], MODEL)
    home, away = np.array([[4.0, 4.0]]), np.array([[1.0, 1.0]])
    p, margin = game_forecast(home, away, grid, MODEL, home_edges([2019, 2020]))
    assert margin.tolist() == [[6.5, 3.0]]
    assert p[0, 1] == pytest.approx(game_win_prob(np.array([3.0 / 10.0 * MODEL.scale]), MODEL)[0])


def test_title_odds_of_a_neutral_season_are_the_bracket_without_home_court():
    strength = np.linspace(6, -6, 16)
    priority = np.arange(16, 0, -1, dtype=float)
    with_court = exact_bracket_probs(strength, priority, MODEL)[:, -1]
    neutral = exact_bracket_probs(strength, priority, at_site(MODEL, 2020))[:, -1]
    assert neutral.sum() == pytest.approx(1.0) and neutral[0] < with_court[0]
    assert np.array_equal(exact_bracket_probs(strength, priority, at_site(MODEL, 2019))[:, -1], with_court)


def test_synthetic_games_on_a_neutral_court_have_no_home_edge():
    from src.data import synthetic_sim
    rng = np.random.default_rng(0)
    teams = pd.DataFrame({"off": [5.0, 0.0], "def": [0.0, 0.0], "pace_true": [100.0, 100.0]})
    home, away = np.zeros(4000, int), np.ones(4000, int)
    hp, ap, _ = synthetic_sim._play_games(rng, teams, home, away, 0.0)
    hp2, ap2, _ = synthetic_sim._play_games(np.random.default_rng(0), teams, home, away)
    assert np.mean(hp - ap) == pytest.approx(5.0, abs=0.5)           # the strength gap only
    assert np.mean(hp2 - ap2) - np.mean(hp - ap) == pytest.approx(synthetic_sim.HOME_COURT, abs=0.2)


def test_the_page_says_when_a_season_had_no_home_court():
    from src.inference.forecast_playoffs import site_note
    assert "Orlando bubble" in site_note(2020) and site_note(2019) == ""
