"""The game yardstick (src/evaluation/games.py) and title odds judged every day
(src/evaluation/title_daily.py): the batched update equals the one-setting solve and a hand-worked
case, a series in progress weighs less, and no game of the forecast day or later is read (beside a
check that can fail: an earlier game moves the forecast)."""
import numpy as np
import pandas as pd
import pytest

from src.evaluation.games import evaluate_games
from src.odds.game_asof import (CandidateGrid, asof_game_strengths, choose_setting, series_candidate_nll,
                                setting_for_season, walk_forward_games)
from src.evaluation.title_daily import one_day_changes
from src.odds.playoff_update import (GamesEvidence, PlayoffUpdateConfig, UpdateSetting, candidate_losses,
                                          chosen_setting, series_in_progress, strength_deltas)
from src.league.monte_carlo import GameModel

MODEL = GameModel(home_court=2.5, link="normal", scale=10.0)
CFG = PlayoffUpdateConfig(prior_sd_grid=[0.0, 2.0, 5.0], margin_cap_grid=[20.0, 100.0],
                          default_prior_sd=2.5, default_margin_cap=20.0, validation_seasons=2,
                          home_court_grid=[2.5, 4.0], game_noise_grid=[10.0, 12.0],
                          series_weight_grid=[0.25, 1.0])
BOOT = dict(n_resamples=50, seed=0, interval=0.9)


def _game(date, home, away, hp, ap, season=2020, game_id=None):
    return {"season": season, "date": pd.Timestamp(date), "home_team": home, "away_team": away,
            "home_pts": hp, "away_pts": ap, "home_won": hp > ap, "game_id": game_id or f"{season}{date}{home}",
            "round": 1, "game": 1}


def test_one_game_in_progress_by_hand():
    games = pd.DataFrame([_game("2019-04-18", "A", "B", 110, 100, season=2019)])
    strength = pd.Series({"A": 1.0, "B": -1.0})
    setting = UpdateSetting(5.0, 100.0, home_court=4.0, game_noise=10.0, series_weight=0.25)
    d = strength_deltas(games, strength, setting, MODEL)
    # r = 10 - (1 - (-1) + 4) = 4; the series (1-0) is in progress: weight w = 0.25, ridge k = 4;
    # (w X'X + k I) d = w X'r  ->  d_A = w r / (2 w + k) = 1 / 4.5 = -d_B
    assert d["A"] == pytest.approx(0.25 * 4 / (0.5 + 4)) and d["B"] == pytest.approx(-d["A"])
    # the same game once its series is decided (4-0) weighs 1: d_A = r / (2 + k) per game
    sweep = pd.DataFrame([_game(f"2019-04-{18 + k}", "A", "B", 110, 100, season=2019) for k in range(4)])
    assert not series_in_progress(sweep).any() and series_in_progress(sweep.iloc[:3]).all()
    d4 = strength_deltas(sweep, strength, setting, MODEL)
    assert d4["A"] == pytest.approx(4 * 4 / (8 + 4))


@pytest.mark.parametrize("season", [2019, 2020])           # 2020: the bubble's neutral court
def test_batched_update_equals_the_one_setting_solve(season):
    rng = np.random.default_rng(3)
    teams = list("ABCDEF")
    rows = [_game(f"{season}-04-{18 + k}", *rng.choice(teams, 2, replace=False), int(rng.integers(85, 125)),
                  int(rng.integers(85, 125)), season) for k in range(12)]
    games = pd.DataFrame(rows)
    strength = pd.Series(rng.normal(0, 4, len(teams)), index=teams)
    evidence = GamesEvidence.of(games, strength)
    assert evidence.home_edge == (0.0 if season == 2020 else 1.0)
    grid = CandidateGrid.of(CFG.candidates, MODEL)
    col = [teams.index(t) for t in evidence.teams]
    batched = grid.deltas(evidence.x, evidence.diff, evidence.margin, evidence.in_progress, evidence.home_edge)
    for k, setting in enumerate(CFG.candidates):
        one = evidence.deltas(setting, MODEL)
        expected = np.array([one.get(t, 0.0) for t in evidence.teams]) if one else np.zeros(len(col))
        assert batched[k] == pytest.approx(expected, abs=1e-9)


def _seasons() -> tuple[pd.DataFrame, pd.Series]:
    """Four seasons of a 4-team playoff: A-B and C-D in round 1 from day 0, A-D from day 10."""
    rng = np.random.default_rng(0)
    rows = []
    for season in (2018, 2019, 2020, 2021):
        day = pd.Timestamp(f"{season}-04-18")
        for k in range(7):
            rows.append(_game(day + pd.Timedelta(days=k), "A", "B", 100 + int(rng.integers(-5, 20)), 105, season)
                        | {"game": k + 1})
            rows.append(_game(day + pd.Timedelta(days=k), "C", "D", 100, 100 + int(rng.integers(-5, 15)), season)
                        | {"game": k + 1})
        for k in range(7):
            rows.append(_game(day + pd.Timedelta(days=10 + k), "A", "D", 100 + int(rng.integers(-5, 15)), 106, season)
                        | {"round": 2, "game": k + 1})
    games = pd.DataFrame(rows)
    games["game_id"] = [f"g{i:03d}" for i in range(len(games))]
    pre = pd.Series(0.0, index=pd.MultiIndex.from_product([[2018, 2019, 2020, 2021], list("ABCD")]))
    return games, pre


def test_no_game_of_that_day_or_later_is_read():
    games, pre = _seasons()
    base = walk_forward_games(games, pre, CFG, MODEL)
    target = int(np.flatnonzero((games["season"] == 2020) & (games["home_team"] == "A")
                                & (games["away_team"] == "D"))[2])        # game 3 of the 2020 final
    day = games.loc[target, "date"]
    later = games["date"] >= day          # that day's games and every later one (later seasons too)
    corrupt = games.copy()
    corrupt.loc[later, "home_pts"] = 300
    corrupt["home_won"] = corrupt["home_pts"] > corrupt["away_pts"]
    moved = walk_forward_games(corrupt, pre, CFG, MODEL)
    assert moved.p_home[target] == pytest.approx(base.p_home[target])
    assert moved.margin[target] == pytest.approx(base.margin[target])
    assert moved.chosen[2020] == base.chosen[2020]
    # the check can fail: an earlier game of the same final, corrupted, moves the forecast
    earlier = (games["season"] == 2020) & (games["away_team"] == "D") & (games["date"] < day)
    corrupt2 = games.copy()
    corrupt2.loc[earlier, "home_pts"] = 140
    grid = CandidateGrid.of([base.chosen[2020]], MODEL)
    h, _ = asof_game_strengths(games, pre, grid)
    h2, _ = asof_game_strengths(corrupt2, pre, grid)
    assert base.chosen[2020].prior_sd > 0 and h2[0, target] > h[0, target] + 0.1
    # a forecast outside the yardstick (a replay, the live season) chooses as the yardstick did
    assert setting_for_season(2020, games, pre, CFG, MODEL) == base.chosen[2020]
    # game 1 of round 1 knows no playoff game: the pre-playoff strengths
    first = (games["date"] == games.groupby("season")["date"].transform("min")).to_numpy()
    assert np.all(h[0, first] == 0.0)


def _series(games: pd.DataFrame) -> pd.DataFrame:
    """The series of _seasons with their game 1 (home court: the home team of game 1)."""
    rows = []
    for (season, home, away), g in games.groupby(["season", "home_team", "away_team"], sort=True):
        rows.append({"season": season, "round": int(g["round"].iloc[0]), "home_team": home, "away_team": away,
                     "start": g["date"].min(), "best_of": 7, "home_won": bool(g["home_won"].sum() >= 4)})
    return pd.DataFrame(rows)


def test_choice_takes_the_reaction_from_the_series_and_the_weight_from_the_games():
    cands = CFG.candidates
    game_loss = np.linspace(1.0, 0.5, len(cands))              # the games alone: the last candidate
    series_loss = np.full(len(cands), 0.7)
    series_loss[2] = 0.6                                      # the series: candidate 2's reaction
    chosen = choose_setting(cands, game_loss, series_loss)
    same = [c for c in cands if (c.prior_sd, c.margin_cap, c.home_court, c.game_noise)
            == (cands[2].prior_sd, cands[2].margin_cap, cands[2].home_court, cands[2].game_noise)]
    # of candidate 2's reaction, the weight the games score best (the later candidate: lower loss)
    assert chosen == same[-1] and chosen.series_weight != cands[2].series_weight
    assert choose_setting(cands, game_loss, None) == cands[-1]
    assert choose_setting(cands, game_loss, np.full(len(cands), np.nan)) == cands[-1]


def test_series_losses_equal_the_one_setting_path_and_choose_walk_forward():
    games, pre = _seasons()
    series = _series(games)
    grid = CandidateGrid.of(CFG.candidates, MODEL)
    batched = series_candidate_nll(series, pre, games, grid, MODEL)
    one = candidate_losses(series, pre, games, CFG, MODEL)      # src/odds/playoff_update.py, per setting
    assert batched.ravel() == pytest.approx(one.sort_values(["candidate"], kind="stable")["loss"].to_numpy())
    walk = walk_forward_games(games, pre, CFG, MODEL, series)
    for season in (2020, 2021):
        by_series, _ = chosen_setting(one, season, CFG)
        chosen = walk.chosen[season]
        assert (chosen.prior_sd, chosen.margin_cap, chosen.home_court, chosen.game_noise) == \
            (by_series.prior_sd, by_series.margin_cap, by_series.home_court, by_series.game_noise)
        # a forecast outside the yardstick chooses as the yardstick did
        assert setting_for_season(season, games, pre, CFG, MODEL, series) == chosen
    # no series or game of season t or later is read for t: corrupt them, 2020's choice stands
    corrupt = games.assign(home_pts=np.where(games["season"] >= 2020, 300, games["home_pts"]))
    corrupt["home_won"] = corrupt["home_pts"] > corrupt["away_pts"]
    moved = walk_forward_games(corrupt, pre, CFG, MODEL, _series(corrupt))
    assert moved.chosen[2020] == walk.chosen[2020]
    # the check can fail: the corrupted games move the series losses they reach
    assert not np.allclose(series_candidate_nll(_series(corrupt), pre, corrupt, grid, MODEL), batched)


def test_game_metrics_and_predictions():
    games, pre = _seasons()
    points = {"ensemble": pre + 0.5 * (pre.index.get_level_values(1) == "A"), "baseline_srs": pre,
              "baseline_win_pct": pre}
    result = evaluate_games(games, points, CFG, MODEL, BOOT)
    preds, m = result.predictions, result.metrics
    assert list(preds.columns[:7]) == ["season", "date", "game_id", "round", "game", "home_team", "away_team"]
    assert {"p_home_ensemble", "margin_home_ensemble", "home_won", "margin"} <= set(preds)
    assert preds["p_home_ensemble"].between(0, 1).all() and len(preds) == len(games)
    p = preds["p_home_ensemble"].to_numpy()
    y = preds["home_won"].to_numpy(float)
    assert m["games.ensemble.log_loss"] == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert m["games.ensemble.margin_mae"] == pytest.approx(
        np.mean(np.abs(preds["margin_home_ensemble"] - preds["margin"])))
    assert m["games_round1.ensemble.n"] + m["games_rounds2_4.ensemble.n"] == m["games.ensemble.n"]
    boot = "bootstrap.games_games2_7.ensemble_vs_baseline_srs.log_loss"
    assert m[f"{boot}.low"] <= m[f"{boot}.diff"] <= m[f"{boot}.high"]


def test_one_day_changes_by_hand():
    odds = pd.DataFrame({"season": 2020, "date": pd.to_datetime(["2020-04-18", "2020-04-19", "2020-04-21"] * 2),
                         "team": ["A"] * 3 + ["B"] * 3, "p_champion": [0.5, 0.3, 0.6, 0.5, 0.7, 0.4]})
    changes = one_day_changes(odds)
    assert changes["change"].round(6).tolist() == [-0.2, 0.3, 0.2, -0.3]
    assert changes["date"].dt.day.tolist() == [19, 21, 19, 21]
