"""The in-season forecast's Monte Carlo (src/league/season_sim.py, schedule.py, playin.py) on
small hand-made leagues: schedules that add up, records that cannot change, odds that sum to
what a season hands out, and the play-in against hand-worked cases."""
import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from src.errors import DataError
from src.league.monte_carlo import GameModel, exact_bracket_probs, play_brackets, series_if_home
from src.league.playin import play_in
from src.league.schedule import CONFERENCE_GAMES, OTHER_CONFERENCE_GAMES, draw_schedule
from src.league.season_sim import League, league_from, simulate_season

MODEL = GameModel(home_court=2.5, link="normal", scale=11.5)
CONF = np.array(["E"] * 15 + ["W"] * 15)


def league(season=2026, games=None, wins=None, strength=None) -> League:
    games = np.full(30, 60) if games is None else np.asarray(games)
    wins = games // 2 if wins is None else np.asarray(wins)
    strength = np.linspace(8, -8, 30) if strength is None else np.asarray(strength, float)
    return League(season=season, teams=np.array([f"T{i:02d}" for i in range(30)]), conference=CONF,
                  wins=wins, games=games, strength=strength)


def test_schedule_gives_every_team_its_remaining_games_half_at_home():
    rng = np.random.default_rng(0)
    remaining = rng.integers(15, 26, size=30)
    remaining[0] += remaining.sum() % 2          # an even league total: every game can be paired
    same_conf, total = 0, 0
    for _ in range(20):
        sched = draw_schedule(remaining, CONF, rng)
        assert sched.unpaired == 0 and (sched.home != sched.away).all()
        home, away = np.bincount(sched.home, minlength=30), np.bincount(sched.away, minlength=30)
        assert (home + away == remaining).all()
        assert (np.abs(home - away) <= 1).all()
        same_conf += (CONF[sched.home] == CONF[sched.away]).sum()
        total += len(sched.home)
    assert same_conf / total == pytest.approx(CONFERENCE_GAMES / (CONFERENCE_GAMES + OTHER_CONFERENCE_GAMES),
                                              abs=0.03)


def test_schedule_counts_a_game_nobody_can_pair_for_one_team_only():
    remaining = np.zeros(30, dtype=int)
    remaining[3] = 2                             # only T03 has games left
    sched = draw_schedule(remaining, CONF, np.random.default_rng(1))
    assert len(sched.home) == 2 and sched.unpaired == 2
    mine = np.where(sched.home == 3, sched.counted[:, 0], sched.counted[:, 1])
    assert mine.all() and (CONF[np.where(sched.home == 3, sched.away, sched.home)] == "E").all()


def test_a_team_with_every_game_played_keeps_its_record():
    games = np.full(30, 60)
    games[[0, 17]] = 82
    wins = games // 2
    wins[0], wins[17] = 70, 12
    out = simulate_season(league(games=games, wins=wins), MODEL, 2000, 3, 10, 7).set_index("team")
    for team, w in (("T00", 70), ("T17", 12)):
        assert out.loc[team, ["wins_mean", "wins_lo", "wins_hi"]].tolist() == [w, w, w]
        assert out.loc[team, "games_left"] == 0
    assert out.loc["T00", "p_top6"] == 1.0 and out.loc["T17", "p_playoffs"] == 0.0


@pytest.mark.parametrize("season, playin", [(2026, 8), (2019, 0)])
def test_odds_sum_to_what_a_season_hands_out(season, playin):
    out = simulate_season(league(season=season), MODEL, 3000, 5, 10, 7)
    assert out["p_champion"].sum() == pytest.approx(1.0)
    assert out["p_playoffs"].sum() == pytest.approx(16)
    assert out["p_top6"].sum() == pytest.approx(12)
    assert out["p_playin"].sum() == pytest.approx(playin)
    for r, total in zip(range(1, 5), (8, 4, 2, 1)):
        assert out[f"p_round{r}"].sum() == pytest.approx(total)
    assert out.groupby(CONF)["seed_mean"].sum().tolist() == pytest.approx([120, 120])   # 1 + ... + 15
    assert ((out["p_round1"] <= out["p_playoffs"]) & (out["p_champion"] <= out["p_round3"])).all()


def test_stronger_teams_project_better_and_wins_add_up():
    out = simulate_season(league(), MODEL, 4000, 7, 20, 7)
    east = out.iloc[:15]
    assert east["wins_mean"].is_monotonic_decreasing                   # strength falls with index
    assert (out["wins_mean"] - 30).sum() == pytest.approx(30 * 22 / 2)  # 22 left each, one winner a game
    assert (out["wins_lo"] <= out["wins_mean"]).all() and (out["wins_mean"] <= out["wins_hi"]).all()


def test_ties_are_a_coin_flip():
    """Two identical teams, identical finished records: each takes the better seed half the time."""
    games, wins = np.full(30, 82), np.full(30, 41)
    wins[:15] = np.arange(15)[::-1] + 30
    wins[1] = wins[0]                              # T00 and T01 tie for the East's 1st place
    strength = np.zeros(30)
    out = simulate_season(league(games=games, wins=wins, strength=strength), MODEL, 20000, 9, 1, 7)
    seed = out.set_index("team")["seed_mean"]
    assert seed["T00"] == pytest.approx(1.5, abs=0.02) and seed["T01"] == pytest.approx(1.5, abs=0.02)
    assert seed["T00"] + seed["T01"] == pytest.approx(3.0)


HUGE = 1000.0     # a strength gap no single game overturns: hand-worked results are certain


@pytest.mark.parametrize("strength, seventh, eighth", [
    ((3, 2, 1, 0), 0, 1),      # favourites win everything: 7 beats 8, 9 beats 10, 8 beats 9
    ((2, 3, 0, 1), 1, 0),      # 8 wins game 1; 10 wins game 2; 7 (home) beats 10 in game 3
    ((0, 1, 2, 3), 1, 3),      # 10 beats 9 and then 7, the loser of game 1
    ((3, 0, 1, 2), 0, 3),      # 7 beats 8; 10 beats 9 and 8
])
def test_play_in_against_hand_worked_brackets(strength, seventh, eighth):
    teams = np.array([[0, 1, 2, 3]] * 5)     # seeds 7, 8, 9, 10 are teams 0..3
    s7, s8 = play_in(teams, HUGE * np.array(strength, float), MODEL, np.random.default_rng(0))
    assert (s7 == seventh).all() and (s8 == eighth).all()


def test_play_in_probabilities_with_equal_teams():
    """All four equal: home side wins with p = Phi(home_court / scale); worked by hand."""
    p = norm.cdf(MODEL.home_court / MODEL.scale)
    teams = np.tile([0, 1, 2, 3], (200_000, 1))
    s7, s8 = play_in(teams, np.zeros(4), MODEL, np.random.default_rng(1))
    assert np.mean(s7 == 0) == pytest.approx(p, abs=0.004)
    assert np.mean(s8 == 0) == pytest.approx((1 - p) * p, abs=0.004)          # lose game 1, win game 3 at home
    assert np.mean(s8 == 2) == pytest.approx(p * (1 - p), abs=0.004)          # win game 2 at home, game 3 away
    assert np.mean(s8 == 3) == pytest.approx((1 - p) ** 2, abs=0.004)         # two road wins


def test_play_brackets_matches_the_exact_fixed_bracket():
    rng = np.random.default_rng(2)
    strength, priority = rng.normal(0, 5, 16), rng.permutation(16).astype(float)
    n = 60_000
    slots = np.tile(np.arange(16), (n, 1))
    matrices = [series_if_home(strength, MODEL, 7)] * 4
    winners = play_brackets(slots, np.tile(priority, (n, 1)), matrices, rng)
    simulated = np.column_stack([np.bincount(w.ravel(), minlength=16) / n for w in winners])
    assert simulated == pytest.approx(exact_bracket_probs(strength, priority, MODEL), abs=0.01)


def test_league_needs_ten_teams_a_conference_with_a_play_in():
    rows = pd.DataFrame({"team": [f"T{i}" for i in range(18)], "conference": ["E"] * 9 + ["W"] * 9,
                         "wins": 30, "g": 60})
    points = pd.Series(0.0, index=rows["team"])
    with pytest.raises(DataError, match="season 2026, conference E: 9 teams, .* at least 10"):
        league_from(rows, points, 2026)
    assert len(league_from(rows, points, 2019).teams) == 18      # seeds 1-8 only before 2021
    with pytest.raises(DataError, match="no strength in points for team"):
        league_from(rows, points.iloc[1:], 2019)


def test_same_seed_same_forecast():
    first = simulate_season(league(), MODEL, 1000, 11, 5, 7)
    again = simulate_season(league(), MODEL, 1000, 11, 5, 7)
    pd.testing.assert_frame_equal(first, again)
    assert not simulate_season(league(), MODEL, 1000, 12, 5, 7).equals(first)
