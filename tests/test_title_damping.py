"""Calibrated title moves (src/evaluation/title_damping.py): the title path's update shrunk by k
toward the pre-playoff strength. Hand-worked on a synthetic league (k = 0 is the pre-playoff
strengths played from the bracket state, k = 0.5 the strengths pre + delta / 2 computed here),
k of season t chosen on earlier seasons only, no game of the morning or later read."""
import numpy as np
import pandas as pd
import pytest
from conftest import synthetic_playoffs

from src.evaluation.series_asof import title_odds_asof
from src.evaluation.title_daily import daily_odds_of, evaluate_title_daily
from src.evaluation.title_damping import TitleDamping, choose_damping
from src.league.monte_carlo import GameModel, exact_bracket_probs
from src.league.state import bracket_state, state_matrices
from src.odds.playoff_update import UpdateSetting, strength_deltas

FIRST, LAST = 2016, 2018
MODEL = GameModel(home_court=2.5, link="normal", scale=11.5)
SETTING = UpdateSetting(prior_sd=4.0, margin_cap=20.0)
BOOT = {"n_resamples": 50, "seed": 0, "interval": 0.9}


@pytest.fixture(scope="module")
def league(tmp_path_factory):
    return synthetic_playoffs(tmp_path_factory, FIRST, LAST)


def _midway(games, season):
    played = games[games["season"] == season].sort_values("date")
    days = sorted(played["date"].unique())
    return played, pd.Timestamp(days[len(days) // 2])


def test_damped_title_odds_by_hand(league):
    pre, games, inputs = league
    season = LAST
    played, morning = _midway(games, season)
    before = played[played["date"] < morning]
    bracket, p = inputs.brackets[season], pre.loc[season]
    shift = np.zeros((3, len(bracket.teams)))
    shift[:, 0] = 1.5                                       # a morning term rides on top of the damping
    got = title_odds_asof(p, before, bracket, SETTING, MODEL, shift, [1.0, 0.5, 0.0])
    delta = strength_deltas(before, p, SETTING, MODEL)
    assert max(abs(v) for v in delta.values) > 0.5          # the update moved someone: the case says something
    states = bracket_state(bracket, before, "test")
    for row, k in enumerate((1.0, 0.5, 0.0)):
        strength = np.array([p[t] + k * delta.get(t, 0.0) for t in bracket.teams]) + shift[row]
        want = exact_bracket_probs(strength, bracket.home_priority, MODEL,
                                   matrices=state_matrices(strength, bracket, MODEL, states))[:, -1]
        np.testing.assert_allclose(got[row], want, rtol=0, atol=1e-12)
    # k = 1 is the undamped path exactly (the same bytes as without dampings)
    np.testing.assert_array_equal(got[0], title_odds_asof(p, before, bracket, SETTING, MODEL, shift)[0])
    assert not np.allclose(got[0], got[2])


def test_the_damped_path_reads_no_game_of_its_morning_or_later(league):
    pre, games, inputs = league
    season = LAST
    played, morning = _midway(games, season)
    corrupt = played.copy()
    later = corrupt["date"] >= morning
    # the same winners (the bracket stays the same), every loser now scores 25 points fewer
    loser = np.where(corrupt["home_pts"] > corrupt["away_pts"], "away_pts", "home_pts")
    for col in ("home_pts", "away_pts"):
        hit = later & (loser == col)
        corrupt.loc[hit, col] = corrupt.loc[hit, col] - 25
    args = (pre.loc[season],)
    clean = daily_odds_of(*args, played, inputs, season, SETTING, MODEL, [None], [0.6])[0]
    dirty = daily_odds_of(*args, corrupt, inputs, season, SETTING, MODEL, [None], [0.6])[0]
    upto = clean["date"] <= morning
    np.testing.assert_array_equal(clean.loc[upto, "p_champion"], dirty.loc[upto, "p_champion"])
    # the check beside it can fail: the mornings after the corrupted day do move
    assert not np.allclose(clean.loc[~upto, "p_champion"], dirty.loc[~upto, "p_champion"])


def _losses(values: dict[int, float]) -> pd.DataFrame:
    seasons = np.repeat(list(values), 5)
    return pd.DataFrame({"season": seasons, "log_loss": [values[s] for s in seasons]})


def test_k_of_season_t_is_chosen_on_earlier_seasons_only():
    losses = {1.0: _losses({2016: 1.0, 2017: 1.0, 2018: 1.0}), 0.7: _losses({2016: 0.9, 2017: 1.1, 2018: 1.0}),
              0.5: _losses({2016: 1.2, 2017: 0.8, 2018: 1.0})}
    chosen = choose_damping(losses, [2016, 2017, 2018, 2019])
    assert chosen[2016] == 1.0                    # nothing earlier
    assert chosen[2017] == 0.7                    # 2016 alone
    assert chosen[2018] == 1.0                    # 2016-2017: 1.0 and 0.7 and 0.5 tie at 1.0: the larger k
    corrupted = {k: f.assign(log_loss=np.where(f["season"] >= 2017, 0.01 if k == 0.5 else 9.0, f["log_loss"]))
                 for k, f in losses.items()}
    assert choose_damping(corrupted, [2017])[2017] == chosen[2017]
    # the check beside it can fail: corrupting 2016 (earlier than 2017) moves the choice
    earlier = {k: f.assign(log_loss=np.where(f["season"] < 2017, 0.01 if k == 0.5 else 9.0, f["log_loss"]))
               for k, f in losses.items()}
    assert choose_damping(earlier, [2017])[2017] == 0.5


def test_the_damped_path_is_judged_beside_its_source(league):
    pre, games, inputs = league
    chosen = {"ensemble": {s: SETTING for s in range(FIRST, LAST + 1)}}
    played = games[games["season"].isin(range(FIRST, LAST + 1))]
    damping = TitleDamping("ensemble", (1.0, 0.5), LAST + 1, BOOT)
    metrics, report, tables = evaluate_title_daily({"ensemble": pre}, played, inputs, chosen, MODEL, ["ensemble"],
                                                   None, damping)
    assert set(report["damping"]["choices"]) == {str(s) for s in range(FIRST, LAST + 2)}
    assert report["damping"]["choices"][str(FIRST)] == 1.0
    first = tables["ensemble_damped"]["season"] == FIRST
    np.testing.assert_array_equal(tables["ensemble_damped"].loc[first, "p_champion"],
                                  tables["ensemble"].loc[tables["ensemble"]["season"] == FIRST, "p_champion"])
    assert "title_daily.ensemble_damped.log_loss" in metrics
    assert "bootstrap.title_daily.ensemble_damped_vs_ensemble.log_loss.diff" in metrics
    assert report["largest_changes"]["ensemble_damped"]
