"""A forecast as of a date in the playoffs: the bracket as it stands, strengths updated by the
playoff games played so far, round and title odds from the bracket state, and (where playoff
games exist) the title odds of every playoff team after each day of the playoffs.

As of a date means at the end of that day: its games are known. Playoff games come from the
game file for the seasons it holds, or from a user's file for a season it does not (params
`forecast.playoff_results`), either in the game file's format or in the minimal CSV

    date,home,away,home_pts,away_pts
    2025-04-19,OKC,MEM,131,80

with Basketball-Reference team codes. The update's setting (src/odds/playoff_update.py) is the
one the evaluate stage chose on the seasons before the forecast season (models/odds_fits.json).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from src.errors import DataError
from src.odds.playoff_update import UpdateSetting, strength_deltas
from src.league.bracket import Bracket
from src.league.monte_carlo import GameModel, exact_bracket_probs, simulate_bracket
from src.league.series import games_from_file
from src.league.state import SeriesState, bracket_state, state_matrices

log = logging.getLogger(__name__)

MINIMAL_COLUMNS = ["date", "home", "away", "home_pts", "away_pts"]
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


def read_playoff_results(path: Path, season: int, teams: pd.DataFrame, first_season: int) -> pd.DataFrame:
    """A user's playoff games of `season` as GAME_COLUMNS' date/team/points columns; the game
    file's format or the minimal CSV; errors name the file, row and column."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: playoff results file not found (params forecast.playoff_results)")
    head = pd.read_csv(path, nrows=0).columns
    if set(MINIMAL_COLUMNS) <= set(head):
        return _minimal_games(path, season, teams)
    games = games_from_file(path, teams, first_season)
    return games[games["season"] == season].reset_index(drop=True)


def _minimal_games(path: Path, season: int, teams: pd.DataFrame) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    known = set(teams.loc[teams["season"] == season, "team"])
    for column in ("home", "away"):
        bad = ~raw[column].isin(known)
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise DataError(f"{path}: row {i + 2}, column '{column}': {raw[column].iloc[i]!r} is not a "
                            f"team of season {season} (Basketball-Reference codes, e.g. OKC, BRK)")
    out = pd.DataFrame({"season": season, "home_team": raw["home"], "away_team": raw["away"]})
    out["date"] = pd.to_datetime(raw["date"], format="%Y-%m-%d", errors="coerce")
    if out["date"].isna().any():
        i = int(out["date"].isna().to_numpy().argmax())
        raise DataError(f"{path}: row {i + 2}, column 'date': {raw['date'].iloc[i]!r} is not a date "
                        "like 2025-04-19")
    for column in ("home_pts", "away_pts"):
        pts = pd.to_numeric(raw[column], errors="coerce")
        bad = pts.isna() | (pts < 0) | (pts != pts.round())
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise DataError(f"{path}: row {i + 2}, column '{column}': {raw[column].iloc[i]!r} is not "
                            "a number of points")
        out[column] = pts.astype("int64")
    out.index = out.index + 2            # errors downstream name the CSV line
    return out


def asof_cut(games: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.DataFrame:
    """The games played on or before `as_of` (all of them when None)."""
    return games if as_of is None else games[games["date"] <= as_of]


def playoffs_as_of(bracket: Bracket, points: pd.Series, games: pd.DataFrame, source: str,
                   as_of: pd.Timestamp | None, setting: UpdateSetting, model: GameModel,
                   n_sims: int, seed: int) -> PlayoffsAsOf:
    """The bracket state and odds of bracket.season as of `as_of` (points: team -> pre-playoff)."""
    known = asof_cut(games, as_of)
    states = bracket_state(bracket, known, source)
    strength = _updated(points, known, bracket, setting, model)
    values = strength.loc[list(bracket.teams)].to_numpy(float)
    matrices = state_matrices(values, bracket, model, states)
    rounds = simulate_bracket(values, bracket.home_priority, model, n_sims, seed,
                              bracket.first_round_best_of, matrices)
    path = title_path(bracket, points, games, setting, model, source)
    last = None if known.empty else pd.Timestamp(known["date"].max())
    return PlayoffsAsOf(as_of if as_of is not None else last, source, known, setting, states,
                        strength, rounds, path)


def _updated(points: pd.Series, games: pd.DataFrame, bracket: Bracket, setting: UpdateSetting,
             model: GameModel) -> pd.Series:
    base = points.loc[list(bracket.teams)].astype(float)
    delta = strength_deltas(games, base, setting, model)
    return base.add(delta.reindex(base.index).fillna(0.0))


def title_path(bracket: Bracket, points: pd.Series, games: pd.DataFrame, setting: UpdateSetting,
               model: GameModel, source: str) -> pd.DataFrame:
    """Exact title odds of the bracket's teams before the playoffs and after each day of games."""
    days = [None, *sorted(pd.to_datetime(games["date"]).unique())]
    rows = []
    for day in days:
        known = games.iloc[:0] if day is None else games[games["date"] <= day]
        strength = _updated(points, known, bracket, setting, model).to_numpy(float)
        matrices = state_matrices(strength, bracket, model, bracket_state(bracket, known, source))
        title = exact_bracket_probs(strength, bracket.home_priority, model, matrices=matrices)[:, -1]
        start = games["date"].min() - pd.Timedelta(days=1) if day is None and len(games) else day
        rows += [{"date": start, "team": t, "p_champion": float(p)} for t, p in zip(bracket.teams, title)]
    return pd.DataFrame(rows, columns=PATH_COLUMNS)
