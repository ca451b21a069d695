"""Strengths updated by playoff games: the ridge update by hand, the margin cap, the walk-forward
choice of its settings, and no game on or after a series' game 1 read for that series."""
import numpy as np
import pandas as pd
import pytest

from src.odds.playoff_update import (PlayoffUpdateConfig, UpdateSetting, chosen_setting,
                                          strength_deltas, walk_forward_asof)
from src.league.monte_carlo import GameModel

MODEL = GameModel(home_court=2.5, link="normal", scale=10.0)
CFG = PlayoffUpdateConfig(prior_sd_grid=[0.0, 2.0, 5.0], margin_cap_grid=[20.0, 100.0],
                          default_prior_sd=2.5, default_margin_cap=20.0, validation_seasons=2)


def _game(date, home, away, hp, ap, season=2020):
    return {"season": season, "date": pd.Timestamp(date), "home_team": home, "away_team": away,
            "home_pts": hp, "away_pts": ap}


def test_one_game_update_by_hand():
    games = pd.DataFrame([_game("2019-04-18", "A", "B", 110, 100, season=2019)])
    strength = pd.Series({"A": 1.0, "B": -1.0})
    d = strength_deltas(games, strength, UpdateSetting(5.0, 100.0), MODEL)
    # residual r = 10 - (1 - (-1) + 2.5) = 5.5; ridge k = (10 / 5)^2 = 4; d_A = r / (2 + k) = -d_B
    assert d["A"] == pytest.approx(5.5 / 6) and d["B"] == pytest.approx(-5.5 / 6)
    # 2020's bubble: a neutral court, no home court in the residual: r = 10 - 2 = 8
    bubble = strength_deltas(games.assign(season=2020), strength, UpdateSetting(5.0, 100.0), MODEL)
    assert bubble["A"] == pytest.approx(8 / 6) and bubble["B"] == pytest.approx(-8 / 6)
    assert strength_deltas(games, strength, UpdateSetting(0.0, 100.0), MODEL).empty
    # a 40-point win counts as a 20-point one under a cap of 20
    blowout = games.assign(home_pts=140)
    capped = strength_deltas(blowout, strength, UpdateSetting(5.0, 20.0), MODEL)
    assert capped["A"] == pytest.approx((20 - 4.5) / 6)


def test_choice_reads_only_earlier_seasons_and_defaults_first():
    losses = pd.DataFrame({"season": [2011] * 6 + [2012] * 6, "candidate": list(range(6)) * 2,
                           "loss": [0.5, 0.4, 0.6, 0.7, 0.7, 0.7] + [0.1, 0.9, 0.9, 0.9, 0.9, 0.9]})
    assert chosen_setting(losses, 2011, CFG) == (CFG.default, [])
    assert chosen_setting(losses, 2012, CFG) == (CFG.candidates[1], [2011])
    # 2012's results move the choice for 2013 only
    assert chosen_setting(losses, 2013, CFG)[0] == CFG.candidates[0]


def _season(season: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two rounds of a 4-team bracket: A-B and C-D from day 0, winners from day 10."""
    rows, day = [], pd.Timestamp(f"{season}-04-18")
    for k in range(7):
        rows.append(_game(day + pd.Timedelta(days=k), "A", "B", 100 + int(rng.integers(0, 20)), 105, season))
        rows.append(_game(day + pd.Timedelta(days=k), "C", "D", 100, 100 + int(rng.integers(1, 15)), season))
    for k in range(7):
        rows.append(_game(day + pd.Timedelta(days=10 + k), "A", "D", 100 + int(rng.integers(0, 15)), 106, season))
    series = pd.DataFrame({"season": season, "round": [1, 1, 2], "home_team": ["A", "C", "A"],
                           "away_team": ["B", "D", "D"], "start": [day, day, day + pd.Timedelta(days=10)],
                           "best_of": 7, "home_won": [True, False, False]})
    return pd.DataFrame(rows), series


def test_no_game_on_or_after_game_1_is_read():
    rng = np.random.default_rng(0)
    parts = [_season(s, rng) for s in (2018, 2019, 2020, 2021)]
    games = pd.concat([g for g, _ in parts], ignore_index=True)
    series = pd.concat([s for _, s in parts], ignore_index=True)
    pre = pd.Series(0.0, index=pd.MultiIndex.from_product([[2018, 2019, 2020, 2021], list("ABCD")]))
    home, away, _ = walk_forward_asof(series, pre, games, CFG, MODEL)
    target = (series["season"] == 2020) & (series["round"] == 2)
    # corrupt every game on or after the 2020 round-2 start, and every later season's game
    start = series.loc[target, "start"].iloc[0]
    later = (games["date"] >= start)
    corrupt = games.copy()
    corrupt.loc[later, "home_pts"] = 300
    home2, away2, _ = walk_forward_asof(series, pre, corrupt, CFG, MODEL)
    assert home2[target.to_numpy()] == pytest.approx(home[target.to_numpy()])
    assert away2[target.to_numpy()] == pytest.approx(away[target.to_numpy()])
    # the check can fail: corrupting a game before that start moves the forecast
    before = (games["season"] == 2020) & (games["date"] < start) & (games["home_team"] == "A")
    corrupt2 = games.copy()
    corrupt2.loc[before, "home_pts"] = 160
    home3, _, _ = walk_forward_asof(series, pre, corrupt2, CFG, MODEL)
    assert home3[target.to_numpy()][0] > home[target.to_numpy()][0] + 0.5
    # round-1 series have no playoff game before them: as-of = pre-playoff
    first = (series["round"] == 1).to_numpy()
    assert np.all(home[first] == 0.0) and np.all(away[first] == 0.0)
