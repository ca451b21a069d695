"""Title odds with the strengths' posterior uncertainty integrated (src/odds/strength_uncertainty.py,
src/evaluation/title_uncertainty.py): a series probability integrated by Gauss-Hermite equals a
numerical integral of an independently written series probability (scipy.integrate.quad), also
from a score; the posterior covariance is the ridge formula; no uncertainty (prior_sd 0, or a
factor 0) gives exactly today's odds; the odds of a morning read no game of that day or later."""
import numpy as np
import pandas as pd
import pytest
from conftest import synthetic_playoffs
from scipy.integrate import quad
from scipy.stats import norm

from src.evaluation.series_asof import title_odds_asof
from src.evaluation.title_uncertainty import daily_integrated_odds, integrated_title_odds_asof
from src.league.monte_carlo import GameModel
from src.league.state import SeriesState
from src.odds.playoff_update import GamesEvidence, UpdateSetting
from src.odds.strength_uncertainty import (delta_covariance, integrated_if_home, integrated_matrices,
                                           pair_variance, played_covariance)

MODEL = GameModel(home_court=2.5, link="normal", scale=11.5)
SETTING = UpdateSetting(prior_sd=4.0, margin_cap=20.0, home_court=2.5, game_noise=10.0, series_weight=0.5)
FIRST, LAST = 2016, 2018
HOME_GAMES_7 = {1, 2, 5, 7}


def _series_by_hand(diff: float, wins_home: int = 0, wins_away: int = 0) -> float:
    """P(the home-court team wins a best-of-7 from a score), games 1, 2, 5, 7 at home, normal link:
    a plain recursion over the games left (independent of src/league)."""
    if wins_home == 4:
        return 1.0
    if wins_away == 4:
        return 0.0
    at_home = (wins_home + wins_away + 1) in HOME_GAMES_7
    p = norm.cdf((diff + (MODEL.home_court if at_home else -MODEL.home_court)) / MODEL.scale)
    return p * _series_by_hand(diff, wins_home + 1, wins_away) + (1 - p) * _series_by_hand(diff, wins_home, wins_away + 1)


def _integral(mean: float, sd: float, wins_home: int = 0, wins_away: int = 0) -> float:
    value, _ = quad(lambda e: _series_by_hand(mean + e, wins_home, wins_away) * norm.pdf(e, scale=sd),
                    -10 * sd, 10 * sd, limit=200)
    return value


@pytest.mark.parametrize("mean,sd", [(3.0, 5.0), (-2.0, 8.5), (0.0, 2.0)])
def test_two_teams_one_series_equals_the_numerical_integral(mean, sd):
    strength = np.array([mean, 0.0])
    var = np.array([[0.0, sd ** 2], [sd ** 2, 0.0]])
    got = integrated_if_home(strength, var, MODEL, 7)[0, 1]
    want = _integral(mean, sd)
    assert got == pytest.approx(want, abs=1e-5)
    # the check can fail: the point probability is not the integral
    assert abs(_series_by_hand(mean) - want) > 1e-3


def test_a_series_in_progress_is_integrated_from_its_score():
    from src.league.bracket import Bracket
    teams = tuple(f"T{i:02d}" for i in range(16))
    bracket = Bracket(2020, teams, ("E",) * 8 + ("W",) * 8, (1, 8, 4, 5, 3, 6, 2, 7) * 2,
                      np.arange(16, 0, -1).astype(float), 7, "test")
    strength = np.linspace(6, -6, 16)
    var = np.full((16, 16), 30.0)
    np.fill_diagonal(var, 0.0)
    state = SeriesState(1, 0, 1, 0, 7, 1, 1)            # slot 0 holds home court, 1-1
    got = integrated_matrices(strength, var, bracket, MODEL, [state])[0][0, 1]
    assert got == pytest.approx(_integral(strength[0] - strength[1], np.sqrt(30.0), 1, 1), abs=1e-5)
    # a decided series is exactly won / lost, whatever the uncertainty
    won, lost = SeriesState(1, 2, 3, 3, 7, 4, 2), SeriesState(1, 4, 5, 5, 7, 1, 4)
    m = integrated_matrices(strength, var, bracket, MODEL, [won, lost])[0]
    assert (m[3, 2], m[2, 3], m[5, 4], m[4, 5]) == (1.0, 0.0, 0.0, 1.0)


def test_the_covariance_is_the_ridge_posterior():
    games = pd.DataFrame({"home_team": ["A", "A", "B"], "away_team": ["B", "B", "A"],
                          "home_pts": [100, 90, 101], "away_pts": [90, 99, 95]})
    pre = pd.Series({"A": 3.0, "B": 1.0, "C": 0.0})
    evidence = GamesEvidence.of(games, pre, MODEL)
    # the last game leaves the series in progress (1-2 of a best-of-7): every row weighs 0.5
    x = np.array([[1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    want = 10.0 ** 2 * np.linalg.inv(0.5 * x.T @ x + (10.0 / 4.0) ** 2 * np.eye(2))
    np.testing.assert_allclose(played_covariance(evidence, SETTING, MODEL), want, rtol=1e-12)
    cov = delta_covariance(evidence, ["C", "A", "B"], SETTING, MODEL)
    assert cov[0, 0] == 16.0 and cov[0, 1] == 0.0 and cov[0, 2] == 0.0      # C has not played
    np.testing.assert_allclose(cov[1:, 1:], want)
    v = pair_variance(cov)
    assert v[1, 2] == pytest.approx(want[0, 0] + want[1, 1] - 2 * want[0, 1])
    assert v[0, 1] == pytest.approx(16.0 + want[0, 0])


@pytest.fixture(scope="module")
def league(tmp_path_factory):
    return synthetic_playoffs(tmp_path_factory, FIRST, LAST)


def test_no_uncertainty_gives_exactly_todays_odds(league):
    pre, games, inputs = league
    season = LAST
    played = games[games["season"] == season].sort_values("date", kind="stable")
    bracket = inputs.brackets[season]
    day = sorted(played["date"].unique())[len(played["date"].unique()) // 2]
    before = played[played["date"] < day]
    off = UpdateSetting(prior_sd=0.0, margin_cap=20.0)
    for setting, factors in ((off, [0.0, 1.0]), (SETTING, [0.0])):
        today = title_odds_asof(pre.loc[season], before, bracket, setting, MODEL)
        got = integrated_title_odds_asof(pre.loc[season], before, bracket, setting, MODEL, factors)
        for row in got:
            np.testing.assert_array_equal(row, today)
    # the check can fail: with uncertainty the odds differ (and still sum to 1)
    moved = integrated_title_odds_asof(pre.loc[season], before, bracket, SETTING, MODEL, [1.0])[0]
    assert not np.allclose(moved, title_odds_asof(pre.loc[season], before, bracket, SETTING, MODEL))
    assert moved.sum() == pytest.approx(1.0)


def test_integration_flattens_a_favourite_before_any_game(league):
    pre, games, inputs = league
    season = LAST
    bracket = inputs.brackets[season]
    none = games.iloc[:0]
    point = title_odds_asof(pre.loc[season], none, bracket, SETTING, MODEL)
    odds = integrated_title_odds_asof(pre.loc[season], none, bracket, SETTING, MODEL, [0.25, 1.0])
    top = int(np.argmax(point))
    assert point[top] > odds[0][top] > odds[1][top]


def test_a_morning_reads_no_game_of_its_day_or_later(league):
    pre, games, inputs = league
    season = LAST
    played = games[games["season"] == season].reset_index(drop=True)
    days = sorted(played["date"].unique())
    cut = days[len(days) // 2]
    corrupt = played.copy()
    later = corrupt["date"] >= cut
    # every result from the cut on blown out by 25 more points (winners kept: the bracket stays valid)
    home_won = corrupt["home_pts"] > corrupt["away_pts"]
    corrupt.loc[later & home_won, "home_pts"] += 25
    corrupt.loc[later & ~home_won, "away_pts"] += 25
    clean = daily_integrated_odds(pre.loc[season], played, inputs, season, SETTING, MODEL, [1.0])[0]
    dirty = daily_integrated_odds(pre.loc[season], corrupt, inputs, season, SETTING, MODEL, [1.0])[0]
    upto = clean["date"] <= cut
    np.testing.assert_array_equal(clean.loc[upto, "p_champion"], dirty.loc[upto, "p_champion"])
    # the check can fail: the mornings after the cut see the blown-out results
    assert not np.allclose(clean.loc[~upto, "p_champion"], dirty.loc[~upto, "p_champion"])
