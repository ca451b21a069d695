"""A forecast as of a date in the playoffs: the bracket as it stands, strengths updated by the
playoff games played so far, round and title odds from the bracket state, and (where playoff
games exist) the title odds of every playoff team after each day of the playoffs.

As of a date means at the end of that day: its games are known. Playoff games come from the
game file for the seasons it holds, or from a user's file for a season it does not (params
`forecast.playoff_results`, --results) in any format src/data/results_file.py reads. The update's
setting (src/odds/playoff_update.py) is the one the evaluate stage chose on the playoff games of
the seasons before the forecast season (models/odds_fits.json). Where the evaluate stage saved a
playoff-record choice, each team's players' earlier playoff record (src/odds/playoff_record.py) is
added after the update, as the yardsticks add it (0 once a playoff game lacks box scores), and
where the evaluate stage chose availability for the season, the players missing from each
team's last game (src/inference/availability_term.py; src/inference/forecast._morning_term).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from src.data.results_file import playoff_window, read_results
from src.errors import DataError
from src.odds.playoff_record import RecordTerm
from src.odds.playoff_update import UpdateSetting, strength_deltas
from src.league.bracket import Bracket
from src.league.monte_carlo import GameModel, exact_bracket_probs, simulate_bracket
from src.league.sites import at_site
from src.league.state import SeriesState, bracket_state, state_matrices

log = logging.getLogger(__name__)

PATH_COLUMNS = ["date", "team", "p_champion"]


@dataclass
class PlayoffsAsOf:
    as_of: pd.Timestamp | None       # None: before the playoffs (no game known)
    source: str                      # the games' file
    games: pd.DataFrame              # the season's games on or before as_of
    setting: UpdateSetting
    states: list[SeriesState]
    strength: pd.Series              # team -> points after the update (bracket teams)
    rounds: np.ndarray               # (16, 4) P(win at least r series), bracket slot order
    path: pd.DataFrame               # PATH_COLUMNS: title odds after each day of the playoffs
    pre: pd.Series | None = None     # team -> pre-playoff points (bracket teams)
    model: GameModel | None = None   # the simulator's game model (a game's own: setting.game_model)
    title_strength: pd.Series | None = None   # what the round and title odds play: the update shrunk by
                                              # the title damping k (None: `strength`, k = 1)
    availability: pd.Series | None = None     # the availability term's part of title_strength (points)
    damping: float = 1.0                      # the title damping k of title_strength


def read_playoff_results(path: Path, season: int, teams: pd.DataFrame, first_season: int) -> pd.DataFrame:
    """A user's playoff games of `season` (src/data/results_file.py: its formats and checks);
    `line` names each game's line in the file, for the bracket's errors too."""
    return read_results(Path(path), season, teams)


def asof_cut(games: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.DataFrame:
    """The games played on or before `as_of` (all of them when None)."""
    return games if as_of is None else games[games["date"] <= as_of]


def playoffs_as_of(bracket: Bracket, points: pd.Series, games: pd.DataFrame, source: str,
                   as_of: pd.Timestamp | None, setting: UpdateSetting, model: GameModel,
                   n_sims: int, seed: int, record: RecordTerm | None = None, damping: float = 1.0) -> PlayoffsAsOf:
    """The bracket state and odds of bracket.season as of `as_of` (points: team -> pre-playoff;
    record: the term added to the updated strengths each morning (the players' playoff record,
    availability), None = left out; damping: the title damping k the evaluate stage chose,
    src/evaluation/title_damping.py: the round and title odds play pre + k (updated - pre) + term,
    the games and spreads the whole update)."""
    model = at_site(model, bracket.season)        # the season's series and title odds
    known = asof_cut(games, as_of)
    states = bracket_state(bracket, known, source)
    morning = _morning_after(known, games, as_of)
    strength = _updated(points, known, bracket, setting, model, record, morning)
    title = strength if damping == 1.0 else _updated(points, known, bracket, setting, model, record, morning, damping)
    values = title.loc[list(bracket.teams)].to_numpy(float)
    matrices = state_matrices(values, bracket, model, states)
    rounds = simulate_bracket(values, bracket.home_priority, model, n_sims, seed,
                              bracket.first_round_best_of, matrices)
    path = title_path(bracket, points, games, setting, model, source, record, damping)
    last = None if known.empty else pd.Timestamp(known["date"].max())
    parts = getattr(record, "availability_at", None)
    availability = None if parts is None or morning is None else parts(list(bracket.teams), morning)
    return PlayoffsAsOf(as_of if as_of is not None else last, source, known, setting, states,
                        strength, rounds, path, points.loc[list(bracket.teams)].astype(float), model, title,
                        availability, damping)


def _updated(points: pd.Series, games: pd.DataFrame, bracket: Bracket, setting: UpdateSetting,
             model: GameModel, record: RecordTerm | None = None, morning: pd.Timestamp | None = None,
             damping: float = 1.0) -> pd.Series:
    base = points.loc[list(bracket.teams)].astype(float)
    delta = strength_deltas(games, base, setting, model).reindex(base.index).fillna(0.0)
    out = base.add(delta if damping == 1.0 else damping * delta)
    if record is None or morning is None:
        return out
    return out + record.at(list(bracket.teams), morning).to_numpy(float)


def _morning_after(known: pd.DataFrame, games: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.Timestamp | None:
    """The morning after the last day counted (as of a date: the end of that day); before any game,
    the morning of the first."""
    if as_of is not None:
        return pd.Timestamp(as_of) + pd.Timedelta(days=1)
    if not known.empty:
        return pd.Timestamp(known["date"].max()) + pd.Timedelta(days=1)
    return None if games.empty else pd.Timestamp(games["date"].min())


def title_path(bracket: Bracket, points: pd.Series, games: pd.DataFrame, setting: UpdateSetting,
               model: GameModel, source: str, record: RecordTerm | None = None, damping: float = 1.0) -> pd.DataFrame:
    """Exact title odds of the bracket's teams before the playoffs and after each day of games
    (damping: the title damping k, as in playoffs_as_of)."""
    days = [None, *sorted(pd.to_datetime(games["date"]).unique())]
    rows = []
    for day in days:
        known = games.iloc[:0] if day is None else games[games["date"] <= day]
        morning = (pd.Timestamp(games["date"].min()) if day is None and len(games) else
                   None if day is None else pd.Timestamp(day) + pd.Timedelta(days=1))
        strength = _updated(points, known, bracket, setting, model, record, morning, damping).to_numpy(float)
        matrices = state_matrices(strength, bracket, model, bracket_state(bracket, known, source))
        title = exact_bracket_probs(strength, bracket.home_priority, model, matrices=matrices)[:, -1]
        start = games["date"].min() - pd.Timedelta(days=1) if day is None and len(games) else day
        rows += [{"date": start, "team": t, "p_champion": float(p)} for t, p in zip(bracket.teams, title)]
    return pd.DataFrame(rows, columns=PATH_COLUMNS)


def check_as_of_applies(as_of: pd.Timestamp | None, season: int, season_games: pd.DataFrame,
                        origin: str, results: str) -> None:
    """An as-of date the season cannot answer is an error saying why: outside its playoff window
    (the regular season is the pre-playoff forecast: leave the date out), or a season without
    playoff games (the game file lacks it and no results file is given)."""
    if as_of is None:
        return
    low, high = playoff_window(season)
    if not low <= as_of <= high:
        raise DataError(f"{origin} {as_of:%Y-%m-%d}: outside season {season}'s playoff window "
                        f"({low:%Y-%m-%d} to {high:%Y-%m-%d}); a forecast before the playoffs is the "
                        "pre-playoff one: leave the as-of date out")
    if season_games.empty:
        given = f"the results file {results} has none" if results else (
            "the game file lacks the season and no results file is given (params "
            "forecast.playoff_results or --results)")
        raise DataError(f"{origin} {as_of:%Y-%m-%d}: season {season} has no playoff games to read "
                        f"as of a date: {given}")
