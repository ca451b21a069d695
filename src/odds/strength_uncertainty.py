"""Title and round odds with the strengths' posterior uncertainty integrated (issue 27, calibrated
title moves; docs/asof.md "Strength uncertainty").

The in-playoff update (src/odds/playoff_update.py) is a Gaussian posterior over the teams' deltas:
prior N(0, prior_sd^2) each, after the games the covariance of the teams that played is
(X_w'X_w / noise^2 + I / prior_sd^2)^-1 (`played_covariance`), a team without a playoff game
keeps prior_sd^2, and teams that never shared a game are independent. The point odds
(src/league/state.state_matrices) treat the posterior mean as certain. Here every series matchup
(i, j) is won with probability E[P(series | mean difference + e)], e ~ N(0, c Var(delta_i -
delta_j)), by Gauss-Hermite quadrature over N_NODES nodes; a series in progress the same, from its
score and home pattern. c (`factor`) scales the covariance: 0 gives exactly the point odds.

Approximation, stated: each series is integrated on its own. The same team's delta is one number
in every round it plays, so its series are correlated; the bracket recursion
(exact_bracket_probs) multiplies the integrated series probabilities as if they were independent.
"""
from __future__ import annotations

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from src.league.bracket import Bracket
from src.league.monte_carlo import GameModel, game_win_prob, series_win_prob
from src.league.state import SeriesState, series_win_prob_from, state_matrices
from src.odds.playoff_update import GamesEvidence, UpdateSetting

N_NODES = 21     # 9 err by up to 5e-4 on a series at the pre-playoff sd of 8.5 points (prior_sd 6), 21 by < 1e-6


def _nodes(n: int = N_NODES) -> tuple[np.ndarray, np.ndarray]:
    """Standard normal nodes and weights (sum 1): E f(Z) ~ sum w f(x)."""
    x, w = hermegauss(n)
    return x, w / w.sum()


def played_covariance(evidence: GamesEvidence, setting: UpdateSetting, model: GameModel) -> np.ndarray:
    """[teams, teams] posterior covariance (points^2) of the deltas of the teams that played
    (evidence.teams): (X_w'X_w / noise^2 + I / prior_sd^2)^-1, each game weighted as
    GamesEvidence.deltas weighs it (series_weight for a series in progress; the margin cap moves
    the mean only), noise the setting's game noise; zeros without an update (prior_sd 0)."""
    n = len(evidence.teams)
    if setting.prior_sd == 0 or not n:
        return np.zeros((n, n))
    noise = setting.game_model(model).scale
    w = np.where(evidence.in_progress, setting.series_weight, 1.0)
    precision = (evidence.x.T * w) @ evidence.x / noise ** 2 + np.eye(n) / setting.prior_sd ** 2
    return np.linalg.inv(precision)


def delta_covariance(evidence: GamesEvidence | None, teams: list[str], setting: UpdateSetting,
                     model: GameModel) -> np.ndarray:
    """[len(teams), len(teams)] posterior covariance (points^2) of the bracket teams' deltas
    given `evidence` (the games before the morning; None: no game yet): the played teams' block
    from GamesEvidence.covariance, prior_sd^2 on the diagonal for the rest; zeros for prior_sd 0."""
    n = len(teams)
    cov = np.eye(n) * setting.prior_sd ** 2
    if evidence is None or not evidence.teams or setting.prior_sd == 0:
        return cov
    pos = np.array([teams.index(t) for t in evidence.teams])
    cov[np.ix_(pos, pos)] = played_covariance(evidence, setting, model)
    return cov


def pair_variance(cov: np.ndarray) -> np.ndarray:
    """V[i, j] = Var(delta_i - delta_j) = C_ii + C_jj - 2 C_ij (clipped at 0 against rounding)."""
    d = np.diag(cov)
    return np.clip(d[:, None] + d[None, :] - 2.0 * cov, 0.0, None)


def integrated_if_home(strength: np.ndarray, pair_var: np.ndarray, model: GameModel,
                       best_of: int, n_nodes: int = N_NODES) -> np.ndarray:
    """H[i, j] = E P(i beats j in a best-of series with i holding home court), the strength
    difference i - j normal around its mean with variance pair_var[i, j]."""
    s = np.asarray(strength, float)
    x, w = _nodes(n_nodes)
    diff = (s[:, None] - s[None, :])[None] + np.sqrt(pair_var)[None] * x[:, None, None]
    p = series_win_prob(game_win_prob(diff + model.home_court, model),
                        game_win_prob(diff - model.home_court, model), best_of)
    return np.clip(np.tensordot(w, p, axes=1), 0.0, 1.0)


def integrated_matrices(strength: np.ndarray, pair_var: np.ndarray, bracket: Bracket,
                        model: GameModel, states: list[SeriesState],
                        n_nodes: int = N_NODES) -> list[np.ndarray]:
    """state_matrices with every series probability integrated over the strength difference
    (variance pair_var[i, j]); exactly state_matrices where every variance is 0."""
    if not np.any(pair_var > 0):
        return state_matrices(strength, bracket, model, states)
    i_home = bracket.home_priority[:, None] > bracket.home_priority[None, :]

    def matrix(best_of: int) -> np.ndarray:
        p_if_home = integrated_if_home(strength, pair_var, model, best_of, n_nodes)
        return np.where(i_home, p_if_home, 1.0 - p_if_home.T)

    seven = matrix(7)
    first = seven if bracket.first_round_best_of == 7 else matrix(bracket.first_round_best_of)
    matrices = [first.copy(), seven.copy(), seven.copy(), seven.copy()]
    for st in states:
        if not st.started:
            continue
        away = st.slot_b if st.home_slot == st.slot_a else st.slot_a
        p = _from_score(float(strength[st.home_slot] - strength[away]), float(pair_var[st.home_slot, away]),
                        st, model, n_nodes)
        matrices[st.round - 1][st.home_slot, away] = p
        matrices[st.round - 1][away, st.home_slot] = 1.0 - p
    return matrices


def _from_score(mean: float, var: float, st: SeriesState, model: GameModel, n_nodes: int) -> float:
    """E P(the home-court team wins the series from its score), the strength difference
    N(mean, var); a decided series exactly 1 / 0."""
    if st.winner_slot is not None:
        return 1.0 if st.winner_slot == st.home_slot else 0.0
    x, w = _nodes(n_nodes)
    p = sum(wk * series_win_prob_from(game_win_prob(d + model.home_court, model),
                                      game_win_prob(d - model.home_court, model),
                                      st.wins_home, st.wins_away, st.best_of)
            for wk, d in zip(w, mean + np.sqrt(var) * x))
    return min(max(float(p), 0.0), 1.0)
