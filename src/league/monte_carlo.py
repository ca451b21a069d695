"""Vectorised Monte Carlo of a fixed 16-team NBA playoff bracket.

Slots: 16 positions, East in slots 0-7 and West in 8-15, each conference in seed order
1, 8, 4, 5, 3, 6, 2, 7 (`SLOT_SEEDS`). Adjacent slots meet in round 1, adjacent round-1
winners in round 2 (1/8 v 4/5, 3/6 v 2/7), the two halves in the conference finals and
the conference champions in the Finals. No re-seeding: the bracket is fixed.

A game's win probability comes from the strength difference (points) plus home court
through a normal or logistic link whose standard deviation is `scale` points. A series
is decided exactly: with independent games, the winner of a best-of-n is whoever would
win the majority of all n games, so P(series) is a sum of two binomials (home games and
away games). Home court goes to the better regular-season record; the 2-2-1-1-1 pattern
gives the home-court team 4 of 7 games (2-2-1 gives 3 of 5). The 2-3-2 Finals format of
1985-2013 also gives 4 of 7, so it yields the same probability.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import comb

import numpy as np
from scipy.special import expit, ndtr

N_TEAMS = 16
N_ROUNDS = 4
SLOT_SEEDS = (1, 8, 4, 5, 3, 6, 2, 7)
# Seasons before this one (ending year) played a best-of-5 first round.
FIRST_BEST_OF_7_FIRST_ROUND = 2003
# Logistic with scale s has standard deviation s * pi / sqrt(3): this factor makes `scale`
# mean the same margin spread for both links.
_LOGISTIC_SD_FACTOR = np.sqrt(3.0) / np.pi


@dataclass(frozen=True)
class GameModel:
    home_court: float
    link: str
    scale: float


def game_win_prob(margin: np.ndarray, model: GameModel) -> np.ndarray:
    """P(win) of a game whose expected point margin is `margin` (home court included)."""
    z = np.asarray(margin, dtype=float) / model.scale
    if model.link == "normal":
        return ndtr(z)
    return expit(z / _LOGISTIC_SD_FACTOR)


def series_win_prob(p_home: np.ndarray, p_away: np.ndarray, best_of: int) -> np.ndarray:
    """P(home-court team wins a best-of-`best_of` series), game probs at home / away: the
    home team's wins at home (k of n_home) times P(enough of its n_away road games)."""
    n_home = (best_of + 1) // 2          # 4 of 7 (2-2-1-1-1), 3 of 5 (2-2-1)
    n_away = best_of - n_home
    need = (best_of + 1) // 2
    p_home, p_away = np.broadcast_arrays(np.asarray(p_home, float), np.asarray(p_away, float))
    home, away = _binom_pmfs(n_home, p_home), _binom_pmfs(n_away, p_away)
    # at_least[..., m] = P(at least m road wins), 0 past n_away
    at_least = np.flip(np.cumsum(np.flip(away, -1), -1), -1)
    at_least = np.concatenate([at_least, np.zeros_like(at_least[..., :1])], -1)
    needed = [min(max(need - k, 0), n_away + 1) for k in range(n_home + 1)]
    return (home * at_least[..., needed]).sum(-1)


def _binom_pmfs(n: int, p: np.ndarray) -> np.ndarray:
    """[..., n + 1]: P(Binom(n, p) = k) for k = 0..n, in plain numpy (scipy.stats.binom is
    ~10x slower on small arrays); one vectorised expression, the stacker calls this ~50,000
    times a run."""
    k, coef = _binom_constants(n)
    p = p[..., None]
    return coef * p ** k * (1.0 - p) ** (n - k)


@lru_cache(maxsize=None)
def _binom_constants(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(k = 0..n, C(n, k) as floats): built once per n."""
    return np.arange(n + 1), np.array([comb(n, j) for j in range(n + 1)], float)


def series_if_home(strength: np.ndarray, model: GameModel, best_of: int) -> np.ndarray:
    """H[i, j] = P(team i beats team j in a best-of-`best_of` series with i holding home court)."""
    s = np.asarray(strength, float)
    diff = s[:, None] - s[None, :]
    return series_win_prob(game_win_prob(diff + model.home_court, model),
                           game_win_prob(diff - model.home_court, model), best_of)


def series_matrix(strength: np.ndarray, home_priority: np.ndarray, model: GameModel,
                  best_of: int) -> np.ndarray:
    """P[i, j] = P(team i beats team j in a series); home court to the higher priority."""
    p_if_home = series_if_home(strength, model, best_of)
    # i away: i wins iff the home team j loses the series
    p_if_away = 1.0 - p_if_home.T
    i_home = home_priority[:, None] > home_priority[None, :]
    return np.where(i_home, p_if_home, p_if_away)


def round_matrices(strength: np.ndarray, home_priority: np.ndarray, model: GameModel,
                   first_round_best_of: int) -> list[np.ndarray]:
    best_of_7 = series_matrix(strength, home_priority, model, 7)
    first = best_of_7 if first_round_best_of == 7 else series_matrix(
        strength, home_priority, model, first_round_best_of)
    return [first, best_of_7, best_of_7, best_of_7]


def first_round_best_of(season: int) -> int:
    return 7 if season >= FIRST_BEST_OF_7_FIRST_ROUND else 5


def simulate_bracket(strength: np.ndarray, home_priority: np.ndarray, model: GameModel,
                     n_sims: int, seed: int, first_round: int = 7,
                     matrices: list[np.ndarray] | None = None) -> np.ndarray:
    """(16, 4) array: P(team in slot i wins at least r series), r = 1..4 (column 3 = title).

    `matrices`: per round P[i, j] of i beating j (default: round_matrices; a bracket state
    passes its own, src/league/state.state_matrices)."""
    _check_inputs(strength, home_priority)
    if matrices is None:
        matrices = round_matrices(strength, home_priority, model, first_round)
    rng = np.random.default_rng(seed)
    alive = np.broadcast_to(np.arange(N_TEAMS), (n_sims, N_TEAMS))
    wins = np.zeros((N_TEAMS, N_ROUNDS))
    for r, p_matrix in enumerate(matrices):
        a, b = alive[:, 0::2], alive[:, 1::2]
        a_wins = rng.random(a.shape) < p_matrix[a, b]
        alive = np.where(a_wins, a, b)
        wins[:, r] = np.bincount(alive.ravel(), minlength=N_TEAMS)
    return wins / n_sims


def play_brackets(slots: np.ndarray, priority: np.ndarray, if_home: list[np.ndarray],
                  rng: np.random.Generator) -> list[np.ndarray]:
    """Brackets whose field differs from one simulation to the next (the in-season forecast).

    slots: (n_sims, 16) team indices in slot order; priority: (n_sims, n_teams) home-court
    priority (higher = home court); if_home: per round, `series_if_home` matrices over all
    n_teams. Returns per round the (n_sims, 8 / 4 / 2 / 1) team indices of the series winners."""
    alive, winners = np.asarray(slots), []
    rows = np.arange(alive.shape[0])[:, None]
    for p_home in if_home:
        a, b = alive[:, 0::2], alive[:, 1::2]
        a_home = priority[rows, a] > priority[rows, b]
        p_a = np.where(a_home, p_home[a, b], 1.0 - p_home[b, a])
        alive = np.where(rng.random(a.shape) < p_a, a, b)
        winners.append(alive)
    return winners


def exact_bracket_probs(strength: np.ndarray, home_priority: np.ndarray, model: GameModel,
                        first_round: int = 7, matrices: list[np.ndarray] | None = None) -> np.ndarray:
    """The same (16, 4) probabilities computed exactly (the oracle the simulator is tested against)."""
    _check_inputs(strength, home_priority)
    if matrices is None:
        matrices = round_matrices(strength, home_priority, model, first_round)
    reach = np.ones(N_TEAMS)              # P(alive at the start of the round)
    out = np.zeros((N_TEAMS, N_ROUNDS))
    for r, p_matrix in enumerate(matrices):
        block = 2 ** (r + 1)               # teams in the sub-bracket that produces one winner
        half = block // 2
        new = np.zeros(N_TEAMS)
        for i in range(N_TEAMS):
            start = (i // block) * block
            mine = start + half if (i - start) < half else start
            opponents = np.arange(mine, mine + half)
            new[i] = reach[i] * np.sum(reach[opponents] * p_matrix[i, opponents])
        reach = new
        out[:, r] = reach
    return out


def _check_inputs(strength: np.ndarray, home_priority: np.ndarray) -> None:
    if np.shape(strength) != (N_TEAMS,) or np.shape(home_priority) != (N_TEAMS,):
        raise ValueError(f"a bracket needs {N_TEAMS} strengths and priorities, got "
                         f"{np.shape(strength)} and {np.shape(home_priority)}")
    if not np.all(np.isfinite(strength)):
        raise ValueError("bracket strengths must be finite")
