"""Title and series odds with and without a named player, from his contribution.

Without him his team's strength is its strength minus his contribution above replacement
(points, src/explain/attention.py: the contributions of a team add up to its strength above a
team of replacement-level players, so taking one off leaves his minutes to a replacement-level
player). Both sides are computed the same way, exactly (no simulation noise between them), from
the bracket as it stands (src/league/state.py): a decided series stays decided, a series in
progress is won from its score, only the strength of the player's team changes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from src.league.bracket import Bracket
from src.league.monte_carlo import GameModel, exact_bracket_probs
from src.league.state import SeriesState, state_matrices

WHATIF_COLUMNS = ["team", "player", "contribution", "why", "opponent", "series_round",
                  "p_series_with", "p_series_without", "p_title_with", "p_title_without"]


def live_series(states: list[SeriesState], slot: int) -> SeriesState | None:
    """The team's series not yet decided (its latest round); None once it is out or champion."""
    live = [s for s in states if slot in (s.slot_a, s.slot_b) and s.winner_slot is None]
    return max(live, key=lambda s: s.round) if live else None


def team_odds(strength: np.ndarray, bracket: Bracket, model: GameModel, states: list[SeriesState],
              slot: int) -> tuple[float, float, int | None, int | None]:
    """(P(team wins its live series), P(title), opponent slot, round) for one strength vector."""
    matrices = state_matrices(strength, bracket, model, states)
    title = exact_bracket_probs(strength, bracket.home_priority, model, matrices=matrices)[slot, -1]
    series = live_series(states, slot)
    if series is None:
        return float("nan"), float(title), None, None
    other = series.slot_b if series.slot_a == slot else series.slot_a
    return float(matrices[series.round - 1][slot, other]), float(title), other, series.round


def what_if(strength: pd.Series, bracket: Bracket, model: GameModel, states: list[SeriesState],
            players: pd.DataFrame) -> pd.DataFrame:
    """WHATIF_COLUMNS per row of `players` (team, player, contribution, why): odds with his team
    at `strength` and without him (strength minus his contribution)."""
    base = strength.loc[list(bracket.teams)].to_numpy(float)
    slots = {t: i for i, t in enumerate(bracket.teams)}
    rows = []
    for p in players.itertuples(index=False):
        slot = slots[p.team]
        without = base.copy()
        without[slot] -= float(p.contribution)
        s_with, t_with, other, rnd = team_odds(base, bracket, model, states, slot)
        s_without, t_without, _, _ = team_odds(without, bracket, model, states, slot)
        rows.append((p.team, p.player, float(p.contribution), p.why,
                     None if other is None else bracket.teams[other], rnd,
                     s_with, s_without, t_with, t_without))
    return pd.DataFrame(rows, columns=WHATIF_COLUMNS)
