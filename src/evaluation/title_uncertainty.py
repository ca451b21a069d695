"""Title odds as of a morning with the strengths' posterior uncertainty integrated (issue 27,
calibrated title moves; src/odds/strength_uncertainty.py has the model and its approximation).

The same morning as src/evaluation/series_asof.title_odds_asof (the games before it, the update's
posterior mean, the bracket state, the morning's term added), with every series probability
averaged over the posterior of the two teams' strength difference, its covariance scaled by each
`factor` (0: exactly title_odds_asof's odds).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from src.evaluation.series_asof import GAMES_FILE
from src.evaluation.title_daily import ODDS_COLUMNS
from src.league.bracket import Bracket
from src.league.monte_carlo import GameModel, exact_bracket_probs
from src.league.sites import at_site
from src.league.state import bracket_state
from src.odds.playoff_update import GamesEvidence, UpdateSetting
from src.odds.strength_uncertainty import delta_covariance, integrated_matrices, pair_variance
from src.odds.title_odds import SeasonInputs


def integrated_title_odds_asof(pre: pd.Series, before: pd.DataFrame, bracket: Bracket,
                               setting: UpdateSetting, model: GameModel, factors: list[float],
                               shift: np.ndarray | None = None, damping: float = 1.0) -> np.ndarray:
    """[len(factors), slots] P(title) given the games in `before`: strengths pre + damping x
    delta + shift (delta the update's posterior mean), each series integrated over c x the
    posterior covariance of the damped deltas (damping^2 x covariance), c in `factors`."""
    teams = list(bracket.teams)
    evidence = (GamesEvidence.of(before, pre, model)
                if setting.prior_sd > 0 and len(before) else None)
    delta = evidence.deltas(setting, model) if evidence is not None else {}
    strength = np.array([pre[t] + delta.get(t, 0.0) for t in teams])
    if damping != 1.0:
        strength = np.array([pre[t] for t in teams], float) + damping * (strength - np.array([pre[t] for t in teams]))
    if shift is not None:
        strength = strength + shift
    states = bracket_state(bracket, before, GAMES_FILE)
    var = pair_variance(delta_covariance(evidence, teams, setting, model)) * damping ** 2
    model = at_site(model, bracket.season)        # the season's series and title odds
    return np.stack([exact_bracket_probs(strength, bracket.home_priority, model,
                                         matrices=integrated_matrices(strength, c * var, bracket, model, states))[:, -1]
                     for c in factors])


def daily_integrated_odds(pre: pd.Series, season_games: pd.DataFrame, inputs: SeasonInputs, season: int,
                          setting: UpdateSetting, model: GameModel, factors: list[float],
                          term=None, damping: float = 1.0) -> list[pd.DataFrame]:
    """Per factor, ODDS_COLUMNS on the morning of each playoff day of `season` (`term`: a
    MorningTerm of src/evaluation/title_daily.py added each morning; None = nothing)."""
    bracket = inputs.brackets[season]
    teams = list(bracket.teams)
    dates = season_games["date"].to_numpy()
    rows: list[list[pd.DataFrame]] = [[] for _ in factors]
    for day in np.unique(dates):
        shift = None if term is None else term.at(teams, pd.Timestamp(day)).to_numpy(float)
        probs = integrated_title_odds_asof(pre, season_games[dates < day], bracket, setting, model,
                                           factors, shift, damping)
        for out, p in zip(rows, probs):
            out.append(pd.DataFrame({"season": season, "date": pd.Timestamp(day), "team": teams, "p_champion": p}))
    return [pd.concat(r, ignore_index=True) if r else pd.DataFrame(columns=ODDS_COLUMNS) for r in rows]
