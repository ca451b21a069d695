"""The bracket as of a date: state from games, a series won from its score (hand-worked), the
bracket-state Monte Carlo (a decided bracket gives 0/1 odds), and the games validators."""
import numpy as np
import pandas as pd
import pytest

from src.errors import DataError
from src.league.bracket import Bracket
from src.league.monte_carlo import N_TEAMS, SLOT_SEEDS, GameModel, exact_bracket_probs, simulate_bracket
from src.league.state import bracket_state, series_win_prob_from, state_matrices

TEAMS = tuple(f"T{i:02d}" for i in range(N_TEAMS))
MODEL = GameModel(home_court=2.5, link="normal", scale=11.5)
BRACKET = Bracket(season=2020, teams=TEAMS, conference=("E",) * 8 + ("W",) * 8, seed=SLOT_SEEDS * 2,
                  home_priority=np.arange(N_TEAMS, 0, -1.0), first_round_best_of=7,
                  source="seeding_rules")


def _games(*series: tuple[str, str, int, int], start: str = "2020-04-18") -> pd.DataFrame:
    """Games of each (home-court team, other, home wins, away wins): away wins first (a series
    ends on its deciding win), each at home."""
    rows, day = [], pd.Timestamp(start)
    for home, away, wh, wa in series:
        for k in range(wh + wa):
            won = k >= wa
            rows.append({"date": day + pd.Timedelta(days=k), "home_team": home, "away_team": away,
                         "home_pts": 100 + 5 * won, "away_pts": 100 + 5 * (not won)})
    return pd.DataFrame(rows)


def test_three_one_lead_by_hand():
    p = 0.6
    # no home court: 1 - P(lose the next three)
    assert series_win_prob_from(p, p, 3, 1, 7) == pytest.approx(1 - (1 - p) ** 3)
    # with home court: games 5 (home), 6 (away), 7 (home)
    ph, pa = 0.7, 0.45
    assert series_win_prob_from(ph, pa, 3, 1, 7) == pytest.approx(ph + (1 - ph) * pa + (1 - ph) * (1 - pa) * ph)
    # trailing 1-3 at home court: must win games 5, 6 and 7
    assert series_win_prob_from(ph, pa, 1, 3, 7) == pytest.approx(ph * pa * ph)
    assert series_win_prob_from(ph, pa, 4, 2, 7) == 1.0 and series_win_prob_from(ph, pa, 0, 3, 5) == 0.0


def test_state_reads_score_and_home_court():
    states = bracket_state(BRACKET, _games(("T00", "T01", 3, 1), ("T03", "T02", 2, 0)), "games.csv")
    first = {(s.slot_a, s.slot_b): s for s in states}
    assert (first[(0, 1)].wins_home, first[(0, 1)].wins_away, first[(0, 1)].next_game) == (3, 1, 5)
    # T03 hosted game 1: it holds home court although T02 has the better priority
    assert first[(2, 3)].home_slot == 3 and first[(2, 3)].winner_slot is None
    assert len(states) == 8        # no series decided: round 2 pairings unknown


def test_in_progress_series_enters_the_monte_carlo():
    strength = np.zeros(N_TEAMS)
    states = bracket_state(BRACKET, _games(("T00", "T01", 3, 1)), "games.csv")
    m = state_matrices(strength, BRACKET, MODEL, states)
    from src.league.monte_carlo import game_win_prob
    ph, pa = game_win_prob(2.5, MODEL), game_win_prob(-2.5, MODEL)
    expected = series_win_prob_from(ph, pa, 3, 1, 7)
    assert m[0][0, 1] == pytest.approx(expected) and m[0][1, 0] == pytest.approx(1 - expected)
    exact = exact_bracket_probs(strength, BRACKET.home_priority, MODEL, matrices=m)
    assert exact[0, 0] == pytest.approx(expected)


def test_decided_bracket_gives_zero_one_odds():
    rng = np.random.default_rng(0)
    alive, series, r = list(TEAMS), [], 1
    while len(alive) > 1:
        nxt = []
        for a, b in zip(alive[0::2], alive[1::2]):
            w, l = (a, b) if rng.random() < 0.5 else (b, a)
            series.append((w, l, 4, int(rng.integers(0, 4))))
            nxt.append(w)
        alive, r = nxt, r + 1
    games = pd.concat([_games(s, start=f"2020-0{4 + i // 8}-{1 + i % 8 * 3:02d}")
                       for i, s in enumerate(series)], ignore_index=True)
    states = bracket_state(BRACKET, games, "games.csv")
    assert len(states) == 15 and all(s.winner_slot is not None for s in states)
    strength = rng.normal(0, 5, N_TEAMS)
    m = state_matrices(strength, BRACKET, MODEL, states)
    champion = TEAMS.index(alive[0])
    exact = exact_bracket_probs(strength, BRACKET.home_priority, MODEL, matrices=m)
    assert exact[champion, 3] == 1.0 and exact[:, 3].sum() == 1.0
    sims = simulate_bracket(strength, BRACKET.home_priority, MODEL, 500, 1, matrices=m)
    assert sims[champion, 3] == 1.0


def test_game_between_teams_that_cannot_meet_is_refused():
    # T00 has not won its round-1 series: it cannot play T02 yet
    games = _games(("T00", "T01", 3, 0), ("T00", "T02", 1, 0))
    with pytest.raises(DataError, match=r"games.csv: row 3: T00 v T02 is not a series"):
        bracket_state(BRACKET, games, "games.csv")


def test_too_many_wins_tie_and_unknown_team_are_refused():
    with pytest.raises(DataError, match="comes after the series was decided \\(T00 won it 4-0 on 2020-04-21\\)"):
        bracket_state(BRACKET, _games(("T00", "T01", 5, 0)), "games.csv")
    tied = _games(("T00", "T01", 1, 0))
    tied.loc[0, "away_pts"] = tied.loc[0, "home_pts"]
    with pytest.raises(DataError, match="row 0: a playoff game has a winner"):
        bracket_state(BRACKET, tied, "games.csv")
    odd = _games(("T00", "XXX", 1, 0))
    with pytest.raises(DataError, match="row 0, column 'away_team': 'XXX'"):
        bracket_state(BRACKET, odd, "games.csv")
