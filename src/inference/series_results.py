"""Who beat whom in each playoff series of a season, in the simulator's own terms.

The series-likelihood points map (strength_calibration.fit_series_map) needs, for every
series of every earlier season: winner, loser, best-of and whether the winner had home
court. Pairings come from data/interim/playoff_series.parquet where it has the season
(2011..2024); elsewhere they are reconstructed from the fixed bracket (bracket.py) and each
team's `series_won`: in round r the two teams of a sub-bracket still alive meet, and the one
with series_won >= r advances. Home court follows the simulator's rule (bracket
home_priority = better record), not the real home team, so the likelihood is exactly the
probability the simulator would have given that series.

A season whose reconstructed bracket contradicts series_won (the seeding-rule bracket is an
approximation before 2011) yields no series; the caller logs it, nothing is dropped silently.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from src.errors import DataError
from src.inference.bracket import Bracket
from src.inference.monte_carlo import N_ROUNDS, N_TEAMS

log = logging.getLogger(__name__)

SERIES_COLUMNS = ["season", "round", "winner", "loser", "best_of", "winner_home"]
_SERIES_FILE = "data/interim/playoff_series.parquet"
_TEAMS_FILE = "data/interim/team_seasons.parquet"


def series_from_table(bracket: Bracket, season_series: pd.DataFrame) -> pd.DataFrame:
    """The season's rows of playoff_series.parquet as SERIES_COLUMNS (home court by the bracket)."""
    priority = dict(zip(bracket.teams, bracket.home_priority))
    unknown = sorted((set(season_series["winner"]) | set(season_series["loser"])) - set(priority))
    if unknown:
        raise DataError(f"{_SERIES_FILE}: season {bracket.season}: team(s) {', '.join(unknown)} "
                        "play a series but are not in the season's bracket")
    out = season_series[["season", "round", "winner", "loser"]].copy()
    out["best_of"] = np.where(out["round"] == 1, bracket.first_round_best_of, 7)
    out["winner_home"] = [priority[w] > priority[l] for w, l in zip(out["winner"], out["loser"])]
    return out[SERIES_COLUMNS].reset_index(drop=True)


def series_from_bracket(bracket: Bracket, series_won: pd.Series) -> pd.DataFrame | None:
    """Series of the season walked through the fixed bracket; None if series_won contradicts it.

    `series_won`: series won by each playoff team, indexed by team.
    """
    missing = [t for t in bracket.teams if t not in series_won.index or pd.isna(series_won.get(t))]
    if missing:
        raise DataError(f"{_TEAMS_FILE}: season {bracket.season}: column series_won is missing for "
                        f"playoff team(s) {', '.join(missing)}")
    won = series_won.loc[list(bracket.teams)].to_numpy(dtype=int)
    alive = list(range(N_TEAMS))
    rows = []
    for r in range(1, N_ROUNDS + 1):
        winners = []
        for a, b in zip(alive[0::2], alive[1::2]):
            if (won[a] >= r) == (won[b] >= r):
                return None                # both or neither advanced: bracket approximation is wrong
            w, l = (a, b) if won[a] >= r else (b, a)
            rows.append({"season": bracket.season, "round": r, "winner": bracket.teams[w],
                         "loser": bracket.teams[l],
                         "best_of": bracket.first_round_best_of if r == 1 else 7,
                         "winner_home": bool(bracket.home_priority[w] > bracket.home_priority[l])})
            winners.append(w)
        alive = winners
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


def season_series_results(bracket: Bracket, teams: pd.DataFrame,
                          series: pd.DataFrame | None) -> pd.DataFrame | None:
    """Series of bracket.season: from playoff_series where present, else walked from series_won."""
    season = bracket.season
    rows = None if series is None else series[series["season"] == season]
    if rows is not None and not rows.empty:
        return series_from_table(bracket, rows)
    won = teams[teams["season"] == season].set_index("team")["series_won"]
    result = series_from_bracket(bracket, won)
    if result is None:
        log.warning("season %d: series_won in %s contradicts the %s bracket; its series are left "
                    "out of the series-likelihood points map", season, _TEAMS_FILE, bracket.source)
    return result
