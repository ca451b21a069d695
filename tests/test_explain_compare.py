"""ExplainabilityComparator: agreement@k, Spearman and the shuffle baseline, by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from src.errors import DataError
from src.explain import compare
from src.explain.compare import (ExplainabilityComparator, MethodPair, rank_correlation,
                                 top_k_agreement)

PAIR = MethodPair("a_vs_b", "a", "b")


def _team(team: str, a: list[float], b: list[float], season: int = 2010) -> pd.DataFrame:
    return pd.DataFrame({"season": season, "team": team, "player_id": [f"{team}{i}" for i in
                         range(len(a))], "a": a, "b": b})


def test_agreement_at_k_by_hand():
    # top-2 of a = players 0,1; top-2 of b = players 1,3 -> one shared of two
    first = np.array([4.0, 3.0, 2.0, 1.0])
    second = np.array([[0.1, 0.9, 0.2, 0.8]])
    assert top_k_agreement(first, second, 2)[0] == pytest.approx(0.5)
    # k larger than the roster shrinks to the roster: always full agreement
    assert top_k_agreement(first[:2], second[:, :2], 3)[0] == pytest.approx(1.0)


def test_spearman_by_hand():
    first = np.array([1.0, 2.0, 3.0, 4.0])
    # ranks of second: 1,3,2,4 -> d = 0,1,1,0 -> 1 - 6*2/(4*15) = 0.8
    assert rank_correlation(first, np.array([[10.0, 30.0, 20.0, 40.0]]))[0] == pytest.approx(0.8)
    assert rank_correlation(first, -first[None, :])[0] == pytest.approx(-1.0)
    assert np.isnan(rank_correlation(first[:2], first[None, :2])[0])   # too few players


def test_per_team_rows_and_summary():
    players = pd.concat([_team("AAA", [4, 3, 2, 1], [4, 3, 2, 1]),       # identical
                         _team("BBB", [4, 3, 2, 1], [1, 2, 3, 4])])      # reversed
    comp = ExplainabilityComparator(players, [PAIR], top_k=2, n_permutations=400, seed=0)
    rows = comp.per_team().set_index("team")
    assert rows.loc["AAA", "agreement_at_k"] == 1.0 and rows.loc["BBB", "agreement_at_k"] == 0.0
    assert rows.loc["AAA", "spearman"] == pytest.approx(1.0)
    assert rows.loc["BBB", "spearman"] == pytest.approx(-1.0)
    # chance agreement@2 with 4 players is k/n = 0.5; chance Spearman is 0
    assert rows["baseline_agreement_at_k"].to_numpy() == pytest.approx([0.5, 0.5], abs=0.06)
    assert rows["baseline_spearman"].to_numpy() == pytest.approx([0.0, 0.0], abs=0.08)
    summary = comp.summary()
    assert summary["a_vs_b_agreement_at_k_mean"] == pytest.approx(0.5)
    assert summary["a_vs_b_agreement_at_k_std"] == pytest.approx(0.5)
    assert summary["a_vs_b_spearman_mean"] == pytest.approx(0.0)
    assert summary["a_vs_b_n_teams"] == 2


def test_strong_agreement_beats_the_baseline():
    rng = np.random.default_rng(1)
    teams = [_team(f"T{i}", list(v), list(v + rng.normal(scale=0.05, size=8)))
             for i, v in enumerate(rng.normal(size=(20, 8)))]
    summary = ExplainabilityComparator(pd.concat(teams), [PAIR], 3, 200, seed=2).summary()
    assert summary["a_vs_b_spearman_mean"] > 0.9
    assert summary["a_vs_b_spearman_baseline"] == pytest.approx(0.0, abs=0.05)
    assert summary["a_vs_b_agreement_at_k_baseline"] == pytest.approx(3 / 8, abs=0.03)
    assert summary["a_vs_b_agreement_at_k_p_value"] < 0.01


def test_seeded_and_deterministic():
    players = pd.concat([_team(f"T{i}", [5, 1, 3, 2, 4], [1, 2, 3, 4, 5]) for i in range(3)])
    one = ExplainabilityComparator(players, [PAIR], 2, 50, seed=7).summary()
    two = ExplainabilityComparator(players, [PAIR], 2, 50, seed=7).summary()
    assert one == two


def test_missing_score_names_team_and_season():
    players = _team("CCC", [1.0, 2.0, 3.0], [1.0, np.nan, 2.0], season=2015)
    with pytest.raises(DataError, match="column b .*CCC season 2015"):
        ExplainabilityComparator(players, [PAIR], 2, 10, seed=0)


def _naive_pair_rows(players: pd.DataFrame, pair: MethodPair, top_k: int, n_permutations: int,
                     seed: int) -> tuple[list[dict], np.ndarray, np.ndarray]:
    """The baseline as first written: shuffle the scores, rank every draw."""
    rng = np.random.default_rng([seed, compare._stable_id(pair.name)])
    rows, agree, corr = [], [], []
    for (season, team), group in players.groupby(["season", "team"], sort=True):
        first = group[pair.first].to_numpy(dtype=float)
        second = group[pair.second].to_numpy(dtype=float)
        shuffled = rng.permuted(np.tile(second, (n_permutations, 1)), axis=1)
        agree.append(top_k_agreement(first, shuffled, top_k))
        corr.append(rank_correlation(first, shuffled))
        rows.append({"season": season, "team": team,
                     "agreement_at_k": top_k_agreement(first, second[None, :], top_k)[0],
                     "spearman": rank_correlation(first, second[None, :])[0]})
    return rows, np.vstack(agree), np.vstack(corr)


def test_baseline_shuffles_positions_and_ranks_once_with_the_same_numbers():
    # pair_team_rows ranks each team once and shuffles positions: exactly the numbers of
    # ranking each shuffled draw (ties, a 2-player team, teams out of order included)
    rng = np.random.default_rng(5)
    teams = [_team(name, list(rng.integers(0, 4, n).astype(float)), list(rng.normal(size=n)),
                   season) for name, n, season in
             (("CCC", 7, 2011), ("AAA", 2, 2010), ("BBB", 13, 2010), ("DDD", 4, 2011))]
    players = pd.concat(teams, ignore_index=True)
    for pair in (PAIR, MethodPair("b_vs_a", "b", "a")):
        rows, draws = compare.pair_team_rows(players, pair, 3, 50, 7)
        naive_rows, naive_agree, naive_corr = _naive_pair_rows(players, pair, 3, 50, 7)
        assert rows[["season", "team"]].to_dict("records") == \
            [{"season": r["season"], "team": r["team"]} for r in naive_rows]
        assert np.array_equal(rows["agreement_at_k"], [r["agreement_at_k"] for r in naive_rows])
        assert np.array_equal(rows["spearman"], [r["spearman"] for r in naive_rows],
                              equal_nan=True)
        assert np.array_equal(draws["agreement_at_k"], naive_agree)
        assert np.array_equal(draws["spearman"], naive_corr, equal_nan=True)
