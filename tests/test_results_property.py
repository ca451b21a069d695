"""Property-based (hypothesis): results files of the 2025 league, generated as playoffs could go
(every series from game 1, some stopped part-way, later rounds only between winners), are
accepted and give a consistent bracket state: no series beyond its wins, every decided series
exactly one winner, every game counted once. The same files with one game broken (repeated, after
its series was decided, a tie, an impossible score, a date outside the playoffs, an unknown team)
are refused, naming that game's own line."""
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from src.data.results_file import read_results
from src.errors import DataError
from src.inference.forecast import real_bracket
from src.league.real_bracket import first_round, make_bracket, seed_orders
from src.league.state import HOME_GAMES, bracket_state
from league_2025 import REAL_EAST, REAL_WEST, SEASON, teams_2025, write

TEAMS = teams_2025()
ORDERS = {c: [p[0] for p in pairs] + [p[1] for p in reversed(pairs)]
          for c, pairs in (("E", REAL_EAST), ("W", REAL_WEST))}
REAL = make_bracket(SEASON, ORDERS, TEAMS, "bracket_file")
START = pd.Timestamp("2025-04-19")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def playoffs(draw):
    """Rows (date, home, away, home_pts, away_pts) of a playoff run and its decided series."""
    rows, decided = [], {}
    alive = [(t, START) for t in REAL.teams]            # slot order: neighbours meet
    rank = dict(zip(REAL.teams, -REAL.home_priority))
    for r in range(1, 5):
        nxt = []
        for (a, ready_a), (b, ready_b) in zip(alive[0::2], alive[1::2]):
            if a is None or b is None:
                nxt.append((None, None))
                continue
            home, away = sorted((a, b), key=rank.get)
            day = max(ready_a, ready_b) + pd.Timedelta(days=draw(st.integers(0, 2)))
            outcomes = draw(st.lists(st.booleans(), min_size=0, max_size=7))
            wins = {home: 0, away: 0}
            for k, home_court_won in enumerate(outcomes):
                if max(wins.values()) == 4:
                    break
                host, guest = (home, away) if (k + 1) in HOME_GAMES[7] else (away, home)
                host_won = home_court_won == (host == home)
                pts = draw(st.integers(80, 130))
                margin = draw(st.integers(1, 25))
                rows.append((day, host, guest, pts + margin if host_won else pts, pts if host_won else pts + margin))
                wins[home if home_court_won else away] += 1
                day += pd.Timedelta(days=draw(st.integers(1, 2)))
            winner = next((t for t, w in wins.items() if w == 4), None)
            if winner is not None:
                decided[frozenset((home, away))] = (winner, day)
            nxt.append((winner, day))
        alive = nxt
    return rows, decided


def _text(rows) -> str:
    ordered = sorted(rows, key=lambda g: g[0])
    return "date,home,away,home_pts,away_pts\n" + "".join(
        f"{d:%Y-%m-%d},{h},{a},{hp},{ap}\n" for d, h, a, hp, ap in ordered)


@SETTINGS
@given(run=playoffs())
def test_every_accepted_file_gives_a_consistent_bracket(tmp_path, run):
    rows, decided = run
    if not rows:
        return
    games = read_results(write(tmp_path / "r.csv", _text(rows)), SEASON, TEAMS)
    bracket, _ = real_bracket(TEAMS, None, SEASON, games, None, "r.csv")
    states = bracket_state(bracket, games, "r.csv")
    assert sum(s.wins_home + s.wins_away for s in states) == len(rows)
    for s in states:
        assert max(s.wins_home, s.wins_away) <= s.need                  # no series beyond its wins
        decided_now = (s.wins_home == s.need) + (s.wins_away == s.need)
        assert decided_now <= 1                                          # never two winners
        assert (s.winner_slot is not None) == (decided_now == 1)
        pair = frozenset((bracket.teams[s.slot_a], bracket.teams[s.slot_b]))
        if pair in decided:
            assert bracket.teams[s.winner_slot] == decided[pair][0]
    assert {frozenset(k) for k in decided} <= {frozenset((bracket.teams[s.slot_a], bracket.teams[s.slot_b]))
                                               for s in states}
    # every first-round series that started is a real pairing
    for conf in ("E", "W"):
        started = {frozenset((h, a)) for _, h, a, _, _ in rows} & {frozenset(p) for p in first_round(ORDERS[conf])}
        assert started <= {frozenset(p) for p in first_round(seed_orders(bracket)[conf])}


BREAKS = ["repeat", "after_decided", "tie", "points", "date", "team"]


@SETTINGS
@given(run=playoffs(), kind=st.sampled_from(BREAKS), data=st.data())
def test_every_broken_file_is_refused_with_its_line(tmp_path, run, kind, data):
    rows, decided = run
    if not rows or (kind == "after_decided" and not decided):
        return
    lines = _text(rows).splitlines()
    n = len(lines)
    i = data.draw(st.integers(2, n), label="line")
    date, home, away, hp, ap = lines[i - 1].split(",")
    if kind == "repeat":
        lines.append(lines[i - 1])
        bad = n + 1
    elif kind == "after_decided":
        pair = data.draw(st.sampled_from(sorted(decided, key=sorted)), label="series")
        a, b = sorted(pair)
        lines.append(f"{decided[pair][1]:%Y-%m-%d},{a},{b},101,99")
        bad = n + 1
    else:
        if kind == "tie":
            hp = ap
        elif kind == "points":
            hp = data.draw(st.sampled_from(["-5", "0", "49", "201", "1e20", "nan", "inf", "1000000", "99.5", "x"]))
        elif kind == "date":
            date = data.draw(st.sampled_from(["1999-04-20", "2025-03-31", "2025-08-01", "2031-01-01", "2025-02-30"]))
        else:
            home = data.draw(st.sampled_from(["XXX", "Boston", "", away]))
        lines[i - 1] = ",".join((date, home, away, hp, ap))
        bad = i
    path = write(tmp_path / "r.csv", "\n".join(lines) + "\n")
    try:
        games = read_results(path, SEASON, TEAMS)
        bracket, _ = real_bracket(TEAMS, None, SEASON, games, None, "r.csv")
        bracket_state(bracket, games, "r.csv")
    except DataError as err:
        assert f"line {bad}" in str(err), (kind, bad, str(err))
    else:
        raise AssertionError(f"{kind} at line {bad} accepted")
