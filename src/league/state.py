"""The state of a season's playoff bracket as of a date: decided series, series in progress
(score, next game, home court) and the pairings not started yet.

Playoff games before the as-of date are read as (season, date, home_team, away_team, home_pts,
away_pts): the game file's rows (src/data/playoff_games.playoff_games) or a user's file of the same
minimal columns. Two teams meet at most once in a season's playoffs, so the games of a pair are
its series; the bracket walk (src/league/walk.py) decides who meets whom, so a game between two
teams that cannot meet yet (one has not won its earlier series) is an error, as is a game after its
series was decided (which also refuses 4-4 and more wins than a series needs). Errors name a user
file's own line (column `line`, src/data/results_file.py), else the game id.

Home pattern: the home-court team (the home team of game 1; before game 1, the better record,
the simulator's rule) hosts games 1, 2, 5 and 7 of a best-of-7 (2-2-1-1-1) and 1, 2 and 5 of a
best-of-5 (2-2-1). A series in progress is won from its score with exactly that pattern.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from src.errors import DataError
from src.league.bracket import Bracket
from src.league.monte_carlo import N_TEAMS, GameModel, game_win_prob, round_matrices
from src.league.walk import walk

STATE_GAME_COLUMNS = ["date", "home_team", "away_team", "home_pts", "away_pts"]
HOME_GAMES = {7: frozenset({1, 2, 5, 7}), 5: frozenset({1, 2, 5})}


@dataclass(frozen=True)
class SeriesState:
    round: int
    slot_a: int                  # bracket slots (a the upper one)
    slot_b: int
    home_slot: int               # the home-court team's slot
    best_of: int
    wins_home: int
    wins_away: int

    @property
    def need(self) -> int:
        return self.best_of // 2 + 1

    @property
    def winner_slot(self) -> int | None:
        if self.wins_home >= self.need:
            return self.home_slot
        if self.wins_away >= self.need:
            return self.slot_b if self.home_slot == self.slot_a else self.slot_a
        return None

    @property
    def started(self) -> bool:
        return self.wins_home + self.wins_away > 0

    @property
    def next_game(self) -> int:
        return self.wins_home + self.wins_away + 1


@dataclass(frozen=True)
class _Games:
    """A games table's columns as arrays, read once per bracket_state (each pandas column access
    and sort costs more than the loops over a season's ~80 games: title odds as of each playoff
    morning call bracket_state ~1,600 times in evaluate). `rows`: the table's index labels."""
    rows: np.ndarray
    date: np.ndarray
    home: np.ndarray
    away: np.ndarray
    home_pts: np.ndarray
    away_pts: np.ndarray

    @classmethod
    def of(cls, games: pd.DataFrame) -> "_Games":
        return cls(games.index.to_numpy(), games["date"].to_numpy(),
                   games["home_team"].to_numpy(dtype=object), games["away_team"].to_numpy(dtype=object),
                   games["home_pts"].to_numpy(), games["away_pts"].to_numpy())


def bracket_state(bracket: Bracket, games: pd.DataFrame, source: str) -> list[SeriesState]:
    """Every pairing of the bracket whose teams are known from `games` (played before the as-of
    date), with its score; `source` names the games' file in errors."""
    slot = {t: i for i, t in enumerate(bracket.teams)}
    table = _Games.of(games)
    _check_teams(games, table, slot, bracket.season, source)
    by_date = np.argsort(table.date, kind="stable")      # pandas' mergesort order (NaT last)
    wins = _pair_wins(table, slot)
    firsts = _first_home(table, by_date, slot)
    states: dict[frozenset, SeriesState] = {}

    def winner_of(r: int, a: int, b: int) -> int | None:
        best_of = bracket.best_of(r)
        home = firsts.get(frozenset((a, b)))
        if home is None:
            home = a if bracket.home_priority[a] > bracket.home_priority[b] else b
        away = b if home == a else a
        state = SeriesState(r, a, b, home, best_of, wins.get((home, away), 0), wins.get((away, home), 0))
        states[frozenset((a, b))] = state
        return state.winner_slot

    _check_decided_first(games, table, by_date, bracket, source)
    list(walk(range(N_TEAMS), winner_of))
    _check_pairs_met(games, table, slot, states, bracket, source)
    return sorted(states.values(), key=lambda s: (s.round, s.slot_a))


def where(games: pd.DataFrame, row) -> str:
    """A game's place in its file: the file's own line (a user's results file, column `line`),
    else its game id."""
    if "line" in games and pd.notna(games.at[row, "line"]):
        return f"line {int(games.at[row, 'line'])}"
    if "game_id" in games and isinstance(games.at[row, "game_id"], str) and games.at[row, "game_id"]:
        return f"game {games.at[row, 'game_id']}"
    return f"row {row}"


def _check_decided_first(games: pd.DataFrame, table: _Games, by_date: np.ndarray, bracket: Bracket,
                         source: str) -> None:
    """No game of a pair after its series is decided: a series needs `need` wins and ends there
    (this also refuses 4-4 and more wins than needed). Round-1 series are best-of-N of the era,
    later ones best-of-7; a pair's round is read off the order teams play in. Games in date
    order (`by_date`), a user's file's games of one day in the file's line order."""
    order = by_date
    if "line" in games:
        order = games.assign(_pos=np.arange(len(games))).sort_values(
            ["date", "line"], kind="mergesort")["_pos"].to_numpy()
    wins: dict[frozenset, dict[str, int]] = {}
    decided: dict[frozenset, tuple[str, str]] = {}
    series_of: dict[str, list[frozenset]] = {}
    for i in order:
        row, day, h, a = table.rows[i], table.date[i], table.home[i], table.away[i]
        pair = frozenset((h, a))
        if pair in decided:
            winner, by = decided[pair]
            raise DataError(f"{source}: {where(games, row)}: {h} v {a} on {pd.Timestamp(day):%Y-%m-%d} "
                            f"comes after the series was decided ({winner} on {by}); a series "
                            "ends when a team has the wins it needs")
        for team in (h, a):
            if pair not in series_of.setdefault(team, []):
                series_of[team].append(pair)
        first_round = len(series_of[h]) == 1 and len(series_of[a]) == 1
        need = bracket.best_of(1 if first_round else 2) // 2 + 1
        count = wins.setdefault(pair, {h: 0, a: 0})
        winner = h if table.home_pts[i] > table.away_pts[i] else a
        count[winner] += 1
        if count[winner] >= need:
            loser = a if winner == h else h
            decided[pair] = (f"{winner} won it {count[winner]}-{count[loser]}", f"{pd.Timestamp(day):%Y-%m-%d}")


def _check_teams(games: pd.DataFrame, table: _Games, slot: dict[str, int], season: int,
                 source: str) -> None:
    for column, teams in (("home_team", table.home), ("away_team", table.away)):
        unknown = np.fromiter((t not in slot for t in teams), bool, len(teams))
        if unknown.any():
            row = games.index[unknown.argmax()]
            raise DataError(f"{source}: {where(games, row)}, column '{column}': {games.at[row, column]!r} is not "
                            f"one of season {season}'s 16 playoff teams")
    tied = games["home_pts"] == games["away_pts"]
    if tied.any():
        row = games.index[tied.argmax()]
        raise DataError(f"{source}: {where(games, row)}: a playoff game has a winner with more points, "
                        f"got {games.at[row, 'home_pts']}-{games.at[row, 'away_pts']}")


def _pair_wins(table: _Games, slot: dict[str, int]) -> dict[tuple[int, int], int]:
    """(winner slot, loser slot) -> games won."""
    home_won = table.home_pts > table.away_pts
    winners = np.where(home_won, table.home, table.away)
    losers = np.where(home_won, table.away, table.home)
    out: dict[tuple[int, int], int] = {}
    for w, l in zip(winners, losers):
        out[(slot[w], slot[l])] = out.get((slot[w], slot[l]), 0) + 1
    return out


def _first_home(table: _Games, by_date: np.ndarray, slot: dict[str, int]) -> dict[frozenset, int]:
    """The home team of each pair's first game (its home-court team)."""
    out: dict[frozenset, int] = {}
    for h, a in zip(table.home[by_date], table.away[by_date]):
        out.setdefault(frozenset((slot[h], slot[a])), slot[h])
    return out


def _check_pairs_met(games: pd.DataFrame, table: _Games, slot: dict[str, int],
                     states: dict[frozenset, SeriesState], bracket: Bracket, source: str) -> None:
    """Every game is between two teams the bracket lets meet by then."""
    for row, h, a in zip(table.rows, table.home, table.away):
        if frozenset((slot[h], slot[a])) not in states:
            raise DataError(f"{source}: {where(games, row)}: {h} v {a} is not a series of season "
                            f"{bracket.season}'s bracket as it stands (each must first win its "
                            "earlier series against the team the bracket pairs it with)")


def series_win_prob_from(p_home_game: float, p_away_game: float, wins_home: int, wins_away: int,
                         best_of: int) -> float:
    """P(home-court team wins the series) from a score, games played in the home pattern;
    p_home_game / p_away_game: its win probability in a game at home / away."""
    return _from_score(float(p_home_game), float(p_away_game), wins_home, wins_away, best_of)


@lru_cache(maxsize=4096)
def _from_score(p_home: float, p_away: float, wh: int, wa: int, best_of: int) -> float:
    need = best_of // 2 + 1
    if wh >= need:
        return 1.0
    if wa >= need:
        return 0.0
    p = p_home if (wh + wa + 1) in HOME_GAMES[best_of] else p_away
    return p * _from_score(p_home, p_away, wh + 1, wa, best_of) + \
        (1 - p) * _from_score(p_home, p_away, wh, wa + 1, best_of)


def state_matrices(strength: np.ndarray, bracket: Bracket, model: GameModel,
                   states: list[SeriesState]) -> list[np.ndarray]:
    """Per-round series matrices of the bracket with every started series set from its state:
    a decided series is 1/0, a series in progress is won from its score (home pattern)."""
    matrices = [m.copy() for m in round_matrices(strength, bracket.home_priority, model,
                                                 bracket.first_round_best_of)]
    s = np.asarray(strength, float)
    for st in states:
        if not st.started:
            continue
        away = st.slot_b if st.home_slot == st.slot_a else st.slot_a
        diff = s[st.home_slot] - s[away]
        p = series_win_prob_from(game_win_prob(diff + model.home_court, model),
                                 game_win_prob(diff - model.home_court, model),
                                 st.wins_home, st.wins_away, st.best_of)
        matrices[st.round - 1][st.home_slot, away] = p
        matrices[st.round - 1][away, st.home_slot] = 1.0 - p
    return matrices
