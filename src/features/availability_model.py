"""P(a rotation player misses the team's next playoff game | how he stands after its last one),
fitted on the box scores of earlier seasons.

Each case: a rotation player (src/features/availability.ROTATION) of a playoff team and one of
its games after the first, both games with a box score. Its cell: the games he had missed in a
row before it (0, 1, 2, 3 or more) and the status of his last game read as `played`, `coach`
(the coach's decision) or `out` (injury, suspension, away or absent). The probability of a cell
is its share of missed next games, with one pseudo-case at the pooled rate of all cases
(so an empty cell reads as the pooled rate, not as 0 or 1). Nothing is set by hand: every
number comes from the seasons the fit is given (walk-forward: seasons before the forecast).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from src.features.availability import game_statuses, known_games, with_rotation

MAX_RUN = 3
PRIOR_CASES = 1.0


@dataclass(frozen=True)
class AvailabilityModel:
    seasons: tuple[int, ...]
    pooled: float                       # share of missed next games over every case
    cells: dict[tuple[int, str], tuple[float, int]]   # (run, last) -> (P(miss), cases)

    def p_miss(self, missed_in_row: int, status: str) -> tuple[float, int]:
        """(P(misses the next game), the cases of his cell) after a last game with `status`."""
        key = (min(int(missed_in_row), MAX_RUN), last_class(status))
        return self.cells.get(key, (self.pooled, 0))


CASE_COLUMNS = ["season", "run", "last", "missed"]


def last_class(status: str) -> str:
    return "played" if status == "played" else "coach" if status == "coach" else "out"


def cases(box: pd.DataFrame, games: pd.DataFrame, roster: pd.DataFrame, seasons: list[int]) -> pd.DataFrame:
    """season, run, last, missed: one row per rotation player per team game after the team's first
    of the season (a run of missed games never carries over from one season to the next)."""
    frames = [season_cases(box, games, roster, int(s)) for s in seasons]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CASE_COLUMNS)


def season_cases(box: pd.DataFrame, games: pd.DataFrame, roster: pd.DataFrame, season: int) -> pd.DataFrame:
    rotation = with_rotation(roster[roster["season"] == season])
    rotation = rotation[rotation["rotation"]]
    grid = game_statuses(box[box["season"] == season], rotation, known_games(games, season, None))
    grid = grid.sort_values(["team", "player_id", "date", "game_id"], kind="stable")
    rows = []
    for _, g in grid.groupby(["team", "player_id"], sort=False):
        run, prev = 0, None
        for status in g["status"]:
            if prev is not None and prev != "unknown" and status != "unknown":
                rows.append((season, min(run, MAX_RUN), last_class(prev), status != "played"))
            run = 0 if status in ("played", "unknown") else run + 1
            prev = status
    return pd.DataFrame(rows, columns=CASE_COLUMNS)


def fit_availability(box: pd.DataFrame, games: pd.DataFrame, roster: pd.DataFrame,
                     seasons: list[int]) -> AvailabilityModel | None:
    """The model fitted on `seasons` (None when they hold no case: no box scores)."""
    return fit_cases(cases(box, games, roster, seasons), seasons)


def fit_cases(table: pd.DataFrame, seasons: list[int]) -> AvailabilityModel | None:
    """The model fitted on the cases of `seasons` (rows of `cases`; other seasons' rows ignored)."""
    table = table[table["season"].isin(seasons)]
    if table.empty:
        return None
    pooled = float(table["missed"].mean())
    cells = {}
    for (run, last), g in table.groupby(["run", "last"]):
        n = int(len(g))
        cells[(int(run), str(last))] = ((float(g["missed"].sum()) + PRIOR_CASES * pooled) / (n + PRIOR_CASES), n)
    return AvailabilityModel(tuple(sorted(seasons)), pooled, cells)
