"""The stacker fitted on the playoff likelihood (`stacking.objective: series`).

The ensemble strength of a team, in points, is a weighted sum of its level-1 columns (model
scores, and linear regular-season signals such as SRS, src/training/signals.py), each scaled
per season (z-score, or centred over one pre-test SD): points = sum_k w_k x_k. The weights
maximise the likelihood of the training seasons' playoff series under the simulator's game
model (src/odds/series_likelihood.py) minus an L2 penalty `penalty * |w|^2`, optionally
with recent seasons weighted more (`half_life`) or fitted on each playoff game as a best-of-1
(`fit_on_games`), so the ensemble needs no further points map.

Nested choice (never on the season being scored): every candidate (columns, scaling, penalty,
half-life) is scored by rolling-origin validation inside the training seasons: for each of the
last `selection_seasons` training seasons v, fitted on the training seasons before v and scored
on v's series. The rule (`best`, `one_se`, `average`, see SeriesStacker) turns the candidates
into the ensemble, refitted on all training seasons. The caller passes only rows of the
training seasons.
"""
from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from src.errors import DataError
from src.league.monte_carlo import GameModel
from src.models.stacker.fitted import Member, centred_sd, season_centred
from src.odds.series_likelihood import series_nll

log = logging.getLogger(__name__)

# Step (points) of the central difference of a series' log-likelihood in its margin: the
# likelihood is smooth on the scale of a point, so 1e-4 leaves ~1e-8 relative error.
_MARGIN_STEP = 1e-4


@dataclass(frozen=True)
class SeasonSeries:
    """One season's series: home-minus-away z of every level-1 column, best-of, home won, and
    the weight of each series in a fit (1 unless recent seasons count more, `half_life`)."""
    diff: np.ndarray            # (n_series, n_columns)
    best_of: np.ndarray
    home_won: np.ndarray
    weight: np.ndarray | None = None


def season_designs(z: pd.DataFrame, series: pd.DataFrame, columns: list[str]) -> dict[int, SeasonSeries]:
    """z: season, team + columns (standardised per season); series: series_table COLUMNS rows."""
    by_team = z.set_index(["season", "team"])[columns]
    out = {}
    for season, rows in series.groupby("season"):
        home = pd.MultiIndex.from_arrays([rows["season"], rows["home_team"]])
        away = pd.MultiIndex.from_arrays([rows["season"], rows["away_team"]])
        missing = [k for k in [*home, *away] if k not in by_team.index]
        if missing:
            raise DataError(f"season {missing[0][0]}: playoff team {missing[0][1]} has no level-1 score "
                            "to stack")
        out[int(season)] = SeasonSeries(by_team.loc[home].to_numpy(float) - by_team.loc[away].to_numpy(float),
                                        rows["best_of"].to_numpy(int), rows["home_won"].to_numpy(bool))
    return out


def _stack(designs: list[SeasonSeries], cols: list[int], season_weights: list[float] | None = None) -> SeasonSeries:
    weights = season_weights or [1.0] * len(designs)
    return SeasonSeries(np.vstack([d.diff[:, cols] for d in designs]),
                        np.concatenate([d.best_of for d in designs]),
                        np.concatenate([d.home_won for d in designs]),
                        np.concatenate([np.full(len(d.best_of), w) for d, w in zip(designs, weights)]))


def season_weights(seasons: list[int], half_life: float) -> list[float]:
    """Weight of each fit season: 1 for the latest, halving every `half_life` seasons back
    (0 = every season counts the same)."""
    if half_life <= 0:
        return [1.0] * len(seasons)
    last = max(seasons)
    return [0.5 ** ((last - s) / half_life) for s in seasons]


def penalised_nll(w: np.ndarray, data: SeasonSeries, penalty: float, model: GameModel) -> tuple[float, np.ndarray]:
    """Weighted sum of series NLLs at margin diff @ w plus penalty |w|^2, and its gradient in w."""
    d = data.diff @ w
    weight = np.ones_like(d) if data.weight is None else data.weight
    # the NLL at d and at d +/- a step (its central-difference slope) in one call: the stacker
    # evaluates this ~8,000 times a run
    margins = np.stack([d, d + _MARGIN_STEP, d - _MARGIN_STEP])
    nll, up, down = series_nll(margins, np.zeros_like(margins), data.best_of, data.home_won, model)
    slope = (up - down) / (2 * _MARGIN_STEP)
    return float(weight @ nll + penalty * w @ w), data.diff.T @ (weight * slope) + 2 * penalty * w


def fit_weights(data: SeasonSeries, penalty: float, model: GameModel) -> np.ndarray:
    """Points per season-SD of each column, maximising the penalised series likelihood."""
    result = minimize(penalised_nll, np.zeros(data.diff.shape[1]), args=(data, penalty, model),
                      jac=True, method="L-BFGS-B")
    return result.x


RULES = ("best", "one_se", "average")


@dataclass(frozen=True)
class Candidate:
    """One stacker setting the nested rule compares."""
    scaling: str
    cols: tuple[int, ...]
    penalty: float
    half_life: float

    def simplicity(self) -> tuple:
        """Sort key, simplest first: fewest models, then the most shrinkage, then the least
        recency weighting (0 = every season alike)."""
        return (len(self.cols), -self.penalty, -math.inf if self.half_life == 0 else -self.half_life)


@dataclass
class Selection:
    members: list[Member]                                  # averaged with equal shares (one unless rule average)
    fit_seasons: list[int]
    validation_seasons: list[int]
    rule: str = "best"
    validation: list[dict] = field(default_factory=list)   # every candidate's validation log-loss

    @property
    def models(self) -> list[str]:
        return sorted({m for member in self.members for m in member.weights})

    @property
    def weights(self) -> dict[str, float]:
        """Mean weight of each model over the members (0 where a member leaves it out)."""
        return {m: float(np.mean([x.weights.get(m, 0.0) for x in self.members])) for m in self.models}

    @property
    def penalty(self) -> float:
        return float(np.mean([x.penalty for x in self.members]))

    @property
    def scaling(self) -> str:
        kinds = {x.scaling for x in self.members}
        return kinds.pop() if len(kinds) == 1 else "mixed"

    def to_dict(self) -> dict:
        """Everything the selection holds, as JSON values (weights as [name, weight] pairs:
        their order is the order of the sum)."""
        members = [{**m.report(), "weights": [[k, w] for k, w in m.weights.items()]} for m in self.members]
        return {"members": members, "fit_seasons": list(self.fit_seasons),
                "validation_seasons": list(self.validation_seasons), "rule": self.rule,
                "validation": self.validation}

    @classmethod
    def from_dict(cls, values: dict) -> "Selection":
        members = [Member(m["scaling"], float(m["penalty"]), float(m["half_life"]),
                          {str(k): float(w) for k, w in m["weights"]}) for m in values["members"]]
        return cls(members, [int(s) for s in values["fit_seasons"]],
                   [int(s) for s in values["validation_seasons"]], str(values["rule"]),
                   list(values["validation"]))

    def report(self) -> dict:
        return {"rule": self.rule, "scaling": self.scaling, "models": self.models, "penalty": self.penalty,
                "weights": self.weights, "members": [x.report() for x in self.members],
                "fit_seasons": [min(self.fit_seasons), max(self.fit_seasons)],
                "validation_seasons": self.validation_seasons, "validation": self.validation}


class SeriesStacker:
    """Fits (and caches) penalised series-likelihood weights for every candidate setting and
    chooses among them on validation seasons inside the training seasons (`rule`):
    * best: the lowest pooled validation log-loss (ties: the first, simplest candidate);
    * one_se: the simplest candidate whose validation log-loss is within one paired standard
      error (over the validation series) of the best one's: a candidate must beat a simpler one
      by more than the noise of the comparison to be preferred;
    * average: no choice; the ensemble is the mean of every candidate's points."""

    def __init__(self, models: list[str], penalties: list[float], selection_seasons: int,
                 min_fit_seasons: int, select_models: bool, model: GameModel,
                 half_lives: list[float] = (0.0,), rule: str = "best",
                 subsets: list[list[int]] | None = None):
        if rule not in RULES:
            raise ValueError(f"unknown selection rule {rule!r} (known: {RULES})")
        self.models, self.penalties, self.model = list(models), list(penalties), model
        self.half_lives, self.rule = list(half_lives), rule
        self.selection_seasons, self.min_fit_seasons = selection_seasons, min_fit_seasons
        sizes = range(1, len(models) + 1) if select_models else [len(models)]
        self.subsets = subsets or [list(c) for k in sizes for c in itertools.combinations(range(len(models)), k)]
        self._cache: dict[tuple, np.ndarray] = {}
        self._games: dict[str, dict[int, SeasonSeries]] = {}

    def fit_on_games(self, games: dict[str, dict[int, SeasonSeries]]) -> "SeriesStacker":
        """Fit weights on the playoff games (best-of-1 rows, home team of each game) of the
        seasons that have them instead of on their series: a series' winner is a function of
        its games, so the games carry all its information and more (how close it was). The
        choice is still judged on series."""
        self._games, self._cache = games, {}
        return self

    def candidates(self, scalings: list[str]) -> list[Candidate]:
        every = [Candidate(s, tuple(c), float(p), float(h)) for s, c, p, h in
                 itertools.product(scalings, self.subsets, self.penalties, self.half_lives)]
        return sorted(every, key=Candidate.simplicity)      # stable: params order within a tie

    def _weights(self, designs: dict[str, dict[int, SeasonSeries]], cand: Candidate, seasons: list[int]) -> np.ndarray:
        """Fitted on `seasons`: each season's games where the stacker was given them (fit on
        games), else its series."""
        key = (cand, tuple(seasons))
        if key not in self._cache:
            source = {s: self._games.get(cand.scaling, {}).get(s, designs[cand.scaling][s]) for s in seasons}
            data = _stack([source[s] for s in seasons], list(cand.cols), season_weights(seasons, cand.half_life))
            self._cache[key] = fit_weights(data, cand.penalty, self.model)
        return self._cache[key]

    def _validation_losses(self, designs, cand: Candidate, seasons: list[int], val: list[int]) -> np.ndarray:
        """Per-series log-loss on each validation season v, fitted on the seasons before v."""
        out = []
        for v in val:
            w = self._weights(designs, cand, [s for s in seasons if s < v])
            data = _stack([designs[cand.scaling][v]], list(cand.cols))
            d = data.diff @ w
            out.append(series_nll(d, np.zeros_like(d), data.best_of, data.home_won, self.model))
        return np.concatenate(out)

    def select(self, designs: dict[str, dict[int, SeasonSeries]]) -> Selection:
        """Choose among the candidates on the given (training) seasons' series (designs:
        scaling -> season -> series) and refit the choice on all of them."""
        scalings = list(designs)
        seasons = sorted(designs[scalings[0]])
        if len(seasons) < self.min_fit_seasons:
            raise DataError(f"stacking: {len(seasons)} training season(s) with playoff series, "
                            f"need at least min_fit_seasons={self.min_fit_seasons}")
        val = [v for v in seasons[-self.selection_seasons:]
               if sum(s < v for s in seasons) >= self.min_fit_seasons]
        cands = self.candidates(scalings)
        chosen, table = [max(cands, key=lambda c: (len(c.cols), -cands.index(c)))], []
        if val:
            losses = [self._validation_losses(designs, c, seasons, val) for c in cands]
            table = [{"scaling": c.scaling, "models": [self.models[i] for i in c.cols], "penalty": c.penalty,
                      "half_life": c.half_life, "log_loss": float(x.mean())} for c, x in zip(cands, losses)]
            chosen = _choose(cands, losses, self.rule)
        else:
            log.warning("stacking: no validation season inside %d..%d; all models, %s",
                        seasons[0], seasons[-1], chosen[0])
        members = [Member(c.scaling, c.penalty, c.half_life,
                          {self.models[i]: float(x) for i, x in zip(c.cols, self._weights(designs, c, seasons))})
                   for c in chosen]
        return Selection(members=members, fit_seasons=seasons, validation_seasons=val, rule=self.rule,
                         validation=table)


def _choose(cands: list[Candidate], losses: list[np.ndarray], rule: str) -> list[Candidate]:
    """The candidate(s) the rule keeps; `cands` are sorted simplest first."""
    if rule == "average":
        return list(cands)
    means = [x.mean() for x in losses]
    best = int(np.argmin(means))                            # first minimum: the simplest
    if rule == "best":
        return [cands[best]]
    for cand, x in zip(cands, losses):                      # one_se: simplest within one paired SE
        diff = x - losses[best]
        if diff.mean() <= diff.std(ddof=1) / np.sqrt(len(diff)):
            return [cand]
    return [cands[best]]


SCALINGS = ("season", "centred")


def scaled_features(level1: pd.DataFrame, columns: list[str], scalings: list[str], first_test: int,
                    standardise) -> dict[str, pd.DataFrame]:
    """Stacker inputs per scaling, rows aligned with level1:
    * season: z-score within each season (only the order and relative gaps of a season count);
    * centred: minus the season mean, divided by one constant per column (the SD of the centred
      scores of the seasons before `first_test`, which no test season touches), so a season in
      which the top team stands further out keeps that spread (as SRS does in points)."""
    out = {}
    for scaling in scalings:
        if scaling == "season":
            out[scaling] = standardise(level1, columns)
        elif scaling == "centred":
            out[scaling] = season_centred(level1, columns) / centred_sd(level1, columns, first_test)
        else:
            raise ValueError(f"unknown scaling {scaling!r} (known: {SCALINGS})")
    return out
