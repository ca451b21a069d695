"""Where a season's playoff games were played: at the designated home team's arena, or on a
neutral court.

2019-20's playoffs (season 2020) were played in the Orlando "bubble", July-October 2020, without
crowds: every game has a designated home team in the data but no home court, and that was known
before the first game. Its home teams won 48.2% of 83 games while a home court of 2.5 points
forecast 60.4% (docs/asof.md, "The 2020 bubble"). Everything that gives a season's playoff game a
home court reads it here: the playoff update's residuals and game probabilities, the series and
title odds (a game model "at the site" of its season); the synthetic league plays its 2020
playoffs on a neutral court alike (src/data/synthetic_sim.py). Regular-season and play-in games
are not playoff games and keep their home court.
"""
from __future__ import annotations

import dataclasses
from typing import Iterable

import numpy as np

from src.league.monte_carlo import GameModel

# src/data/results_file.BUBBLE_SEASON is the same season seen from the calendar (the league reads
# no data module: tests/test_neutral_site.py checks the two agree)
NEUTRAL_SITE_SEASONS = frozenset({2020})


def home_edge(season: int) -> float:
    """1.0: the home court counts in full; 0.0: a neutral court."""
    return 0.0 if int(season) in NEUTRAL_SITE_SEASONS else 1.0


def home_edges(seasons: Iterable[int] | np.ndarray) -> np.ndarray:
    """home_edge of each entry (a season per game or series)."""
    return np.array([home_edge(s) for s in np.asarray(seasons).reshape(-1)], float)


def at_site(model: GameModel, season: int) -> GameModel:
    """`model` as the playoff games of `season` were played: home court 0 on a neutral court."""
    return model if home_edge(season) == 1.0 else dataclasses.replace(model, home_court=0.0)
