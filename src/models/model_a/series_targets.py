"""Playoff series of the training seasons as tensors for Model A's likelihood loss.

Who beat whom (winner, loser, best-of, whether the winner had home court) comes from
src/league/series.season_series_results: the real pairings where
data/interim/playoff_series.parquet has the season, the fixed bracket walked with series_won
before (one row format, one walk: that module's doc). Home court follows the simulator's rule,
so the loss is the probability the simulator would give each series. A season without series
rows can still feed the ListMLE term.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable

import numpy as np
import pandas as pd
import torch

from src.errors import DataError
from src.features.roster import RosterBatch
from src.league.bracket import build_bracket
from src.league.series import season_series_results

log = logging.getLogger(__name__)


@dataclass
class SeriesTensors:
    """One season's series; `home`/`away` index rows of that season's RosterBatch."""
    home: torch.Tensor       # [S] long
    away: torch.Tensor       # [S] long
    best_of: torch.Tensor    # [S] long
    home_won: torch.Tensor   # [S] bool

    def __len__(self) -> int:
        return int(self.home.numel())

    @cached_property
    def lengths(self) -> list[int]:
        """The season's series lengths (best-of), sorted: read by every training step's loss."""
        return torch.unique(self.best_of).tolist()


def series_by_season(teams: pd.DataFrame, series: pd.DataFrame | None,
                     seasons: Iterable[int]) -> dict[int, pd.DataFrame]:
    """season -> series results (WINNER_LOSER_COLUMNS) for each season with a known outcome."""
    known = set(teams.loc[teams["outcome_known"].astype(bool), "season"].astype(int))
    out = {}
    for season in sorted({int(s) for s in seasons} & known):
        results = season_series_results(build_bracket(teams, series, season), teams, series)
        if not results.empty:
            out[season] = results
    return out


def series_tensors(roster: RosterBatch, results: pd.DataFrame) -> SeriesTensors:
    """Index the series of one season into `roster` (a batch of that season only)."""
    row = {str(t): i for i, t in enumerate(roster.team)}
    missing = sorted((set(results["winner"]) | set(results["loser"])) - set(row))
    if missing:
        raise DataError(f"season {int(roster.season[0])}: playoff team(s) {', '.join(missing)} "
                        "have no roster in player_seasons")
    winner = np.array([row[t] for t in results["winner"]], dtype=np.int64)
    loser = np.array([row[t] for t in results["loser"]], dtype=np.int64)
    home_won = results["winner_home"].to_numpy(dtype=bool)
    return SeriesTensors(home=torch.from_numpy(np.where(home_won, winner, loser)),
                         away=torch.from_numpy(np.where(home_won, loser, winner)),
                         best_of=torch.from_numpy(results["best_of"].to_numpy(dtype=np.int64).copy()),
                         home_won=torch.from_numpy(home_won.copy()))
