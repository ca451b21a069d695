"""ExplainabilityComparator: do attention, leave-one-out and RFX-Fuse name the same players?

Per team-season and per pair of methods: agreement@k (share of the first method's top-k
players also in the second's top-k; k shrinks to the roster size) and the Spearman
correlation of the two rankings. The chance baseline shuffles the second method's scores
within each team (seeded, `n_permutations` draws): what agreement a method that knows
nothing about the players would reach. The league summary gives the mean and spread over
teams, the baseline mean, and the share of draws whose league mean reaches the observed
one (a one-sided permutation p-value).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from src.errors import DataError
from src.utils.parallel import fan_out, local_jobs

TEAM_KEY = ["season", "team"]
MIN_PLAYERS_FOR_SPEARMAN = 3


@dataclass(frozen=True)
class MethodPair:
    name: str       # e.g. "attention_vs_rfx"
    first: str      # score column, higher = more important
    second: str


def top_k_agreement(first: np.ndarray, second: np.ndarray, k: int) -> np.ndarray:
    """Agreement@k of `first` (n,) against each row of `second` (d, n); ties by position."""
    k = min(k, first.shape[-1])
    top_first = np.argsort(-first, kind="stable")[:k]
    top_second = np.argsort(-second, axis=1, kind="stable")[:, :k]
    return np.isin(top_second, top_first).sum(axis=1) / k


def rank_correlation(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Spearman of `first` (n,) with each row of `second` (d, n); NaN when undefined."""
    if first.shape[-1] < MIN_PLAYERS_FOR_SPEARMAN:
        return np.full(second.shape[0], np.nan)
    return ranks_correlation(rankdata(first), rankdata(second, axis=1))


def ranks_correlation(first_ranks: np.ndarray, second_ranks: np.ndarray) -> np.ndarray:
    """rank_correlation from the ranks (`rankdata`) of `first` (n,) and of each row of
    `second` (d, n), n >= MIN_PLAYERS_FOR_SPEARMAN."""
    centre = (first_ranks.shape[-1] + 1) / 2
    a, b = first_ranks - centre, second_ranks - centre
    denom = np.sqrt((a ** 2).sum() * (b ** 2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, (b * a).sum(axis=1) / denom, np.nan)


class ExplainabilityComparator:
    """Compare per-player importance columns of one frame (one row per rostered player)."""

    def __init__(self, players: pd.DataFrame, pairs: list[MethodPair], top_k: int,
                 n_permutations: int, seed: int, source: str = "contributors"):
        needed = TEAM_KEY + sorted({c for p in pairs for c in (p.first, p.second)})
        missing = [c for c in needed if c not in players.columns]
        if missing:
            raise DataError(f"{source}: missing column(s) {', '.join(missing)}")
        for col in needed[2:]:
            bad = players[col].isna()
            if bad.any():
                row = players.loc[bad].iloc[0]
                raise DataError(f"{source}: column {col} is missing for {row['team']} "
                                f"season {row['season']}")
        self.players, self.pairs, self.top_k = players, pairs, top_k
        self.n_permutations, self.seed = n_permutations, seed

    def per_team(self) -> pd.DataFrame:
        """One row per team-season and pair, with the shuffled-baseline means beside."""
        return pd.concat([self._results[p.name][0] for p in self.pairs], ignore_index=True)

    def summary(self) -> dict[str, float]:
        """Flat keys for metrics/explain.json."""
        out: dict[str, float] = {"top_k": self.top_k}
        for pair in self.pairs:
            rows, draws = self._results[pair.name]
            out[f"{pair.name}_n_teams"] = len(rows)
            for metric in ("agreement_at_k", "spearman"):
                observed = rows[metric].mean()
                league_draws = np.nanmean(draws[metric], axis=0)   # one league mean per draw
                out[f"{pair.name}_{metric}_mean"] = float(observed)
                out[f"{pair.name}_{metric}_std"] = float(rows[metric].std(ddof=0))
                out[f"{pair.name}_{metric}_baseline"] = float(league_draws.mean())
                out[f"{pair.name}_{metric}_p_value"] = float(
                    (1 + (league_draws >= observed).sum()) / (1 + len(league_draws)))
        return out

    @cached_property
    def _results(self) -> dict[str, tuple[pd.DataFrame, dict[str, np.ndarray]]]:
        # one task per pair (its own generator: a pair's baseline does not depend on the others)
        columns = TEAM_KEY + sorted({c for p in self.pairs for c in (p.first, p.second)})
        tasks = [(self.players[columns], pair, self.top_k, self.n_permutations, self.seed)
                 for pair in self.pairs]
        results = fan_out(pair_team_rows, tasks, n_jobs=local_jobs(), desc="method pairs",
                          labels=[p.name for p in self.pairs])
        return {pair.name: result for pair, result in zip(self.pairs, results)}


def pair_team_rows(players: pd.DataFrame, pair: MethodPair, top_k: int, n_permutations: int,
                   seed: int) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Per team-season rows of one pair, and its shuffled draws (one row per team)."""
    rng = np.random.default_rng([seed, _stable_id(pair.name)])
    rows, agree_draws, corr_draws = [], [], []
    for (season, team), first, second in _team_scores(players, pair):
        # a shuffle of positions: the draws a shuffle of the scores would take (they depend on
        # the length only), and the ranks of a shuffled row are its ranks shuffled alike, so
        # each team is ranked once, not once per draw (the same numbers, ~5x faster)
        order = rng.permuted(np.tile(np.arange(len(second)), (n_permutations, 1)), axis=1)
        shuffled = second[order]
        agree = top_k_agreement(first, second[None, :], top_k)[0]
        agree_draws.append(top_k_agreement(first, shuffled, top_k))
        if len(first) < MIN_PLAYERS_FOR_SPEARMAN:
            corr, corr_draws_team = np.nan, np.full(n_permutations, np.nan)
        else:
            first_ranks, second_ranks = rankdata(first), rankdata(second)
            corr = ranks_correlation(first_ranks, second_ranks[None, :])[0]
            corr_draws_team = ranks_correlation(first_ranks, second_ranks[order])
        corr_draws.append(corr_draws_team)
        rows.append({"season": int(season), "team": team, "pair": pair.name,
                     "n_players": len(first), "agreement_at_k": agree, "spearman": corr,
                     "baseline_agreement_at_k": float(agree_draws[-1].mean()),
                     "baseline_spearman": float(np.nanmean(corr_draws[-1]))
                     if np.isfinite(corr_draws[-1]).any() else np.nan})
    if not rows:
        raise DataError("contributors: no team-seasons to compare")
    return pd.DataFrame(rows), {"agreement_at_k": np.vstack(agree_draws),
                                "spearman": np.vstack(corr_draws)}


def _team_scores(players: pd.DataFrame, pair: MethodPair
                 ) -> Iterator[tuple[tuple, np.ndarray, np.ndarray]]:
    """((season, team), first scores, second scores) per team-season, in key order, rows in
    table order: what groupby(TEAM_KEY, sort=True) gives, without a frame per group."""
    codes = players.groupby(TEAM_KEY, sort=True).ngroup().to_numpy()
    kept = np.flatnonzero(codes >= 0)          # -1: a missing key, which groupby drops
    if not len(kept):
        return
    order = kept[np.argsort(codes[kept], kind="stable")]
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
    first = players[pair.first].to_numpy(dtype=float)[order]
    second = players[pair.second].to_numpy(dtype=float)[order]
    seasons, teams = players["season"].to_numpy()[order], players["team"].to_numpy()[order]
    for lo, hi in zip(starts, np.r_[starts[1:], len(order)]):
        yield (seasons[lo], teams[lo]), first[lo:hi], second[lo:hi]


def within_team_rank(frame: pd.DataFrame, column: str) -> pd.Series:
    """1 = highest `column` in the team-season; ties by minutes share, then player id."""
    order = frame.sort_values(["season", "team", column, "minutes_share", "player_id"],
                              ascending=[True, True, False, False, True], kind="mergesort")
    ranks = order.groupby(["season", "team"]).cumcount() + 1
    return ranks.reindex(frame.index)


def _stable_id(name: str) -> int:
    return int.from_bytes(name.encode("utf-8")[:8].ljust(8, b"\0"), "little")
