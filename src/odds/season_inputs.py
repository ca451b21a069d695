"""Brackets, champions and series results of the seasons with known outcomes: what the
title-odds code fits on (used by the evaluate and forecast stages)."""
from __future__ import annotations

import pandas as pd

from src.league.bracket import build_bracket
from src.league.series import as_winner_loser, series_table
from src.odds.title_odds import SeasonInputs


def season_inputs(teams: pd.DataFrame, series: pd.DataFrame | None, seasons: list[int],
                  with_series: bool = True) -> SeasonInputs:
    """Brackets and champions of the seasons with known outcomes; with_series adds who beat whom
    (src.league.series.py: the real home team where the game file has it)."""
    known = teams[teams["outcome_known"].astype(bool)]
    champions = known[known["champion"].fillna(False).astype(bool)]
    inputs = SeasonInputs(brackets={}, champions=dict(zip(champions["season"], champions["team"])))
    for s in seasons:
        if s in inputs.champions:
            inputs.brackets[s] = build_bracket(teams, series, s)
    if with_series:
        inputs.table = series_table(inputs.brackets, teams, series)
        for s, rows in as_winner_loser(inputs.table).groupby("season"):
            inputs.series[int(s)] = rows.reset_index(drop=True)
    return inputs
