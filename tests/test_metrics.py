"""Ranking metrics against values worked out by hand."""
import numpy as np
import pandas as pd
import pytest

from src.evaluation.metrics import group_metrics, pool_seasons, season_ranking_metrics


def test_group_metrics_by_hand():
    # predicted order A B C D; truth B A C D; relevance A=1, B=2
    m = group_metrics([4, 3, 2, 1], [2, 1, 3, 4], [1, 2, 0, 0], ks=[2])
    assert m["spearman"] == pytest.approx(1 - 6 * 2 / (4 * 15))                 # d^2 = 1 + 1
    dcg = 1 / np.log2(2) + 2 / np.log2(3)
    ideal = 2 / np.log2(2) + 1 / np.log2(3)
    assert m["ndcg_at_2"] == pytest.approx(dcg / ideal)
    assert m["rank_mae"] == pytest.approx(0.5)
    assert m["top1"] == 0.0


def test_perfect_order_scores_perfectly():
    m = group_metrics([4, 3, 2, 1], [1, 2, 3, 4], [3, 2, 1, 0], ks=[2, 4])
    assert m == {"spearman": pytest.approx(1.0), "ndcg_at_2": pytest.approx(1.0),
                 "ndcg_at_4": pytest.approx(1.0), "rank_mae": 0.0, "top1": 1.0}


def _season() -> pd.DataFrame:
    # 6 teams, 3 per conference; 4 made the playoffs; E1 champion, W1 finalist
    return pd.DataFrame({
        "team": ["E1", "E2", "E3", "W1", "W2", "W3"],
        "conference": ["E", "E", "E", "W", "W", "W"],
        "made_playoffs": [True, True, False, True, True, False],
        "post_playoff_rank": [1, 3, 5, 2, 4, 6],
        "relevance": [5, 3, 0, 4, 3, 0],
        "score": [6.0, 2.0, 4.0, 5.0, 3.0, 1.0],
    })


def test_season_metrics_league_conference_and_playoff_blocks():
    m = season_ranking_metrics(_season(), "score", ks=[4])
    # league: predicted ranks E1 1, W1 2, E3 3, W2 4, E2 5, W3 6 vs truth 1,2,5,4,3,6
    assert m["rank_mae"] == pytest.approx((0 + 0 + 2 + 0 + 2 + 0) / 6)
    assert m["top1"] == 1.0
    # east: predicted E1, E3, E2 vs truth E1, E2, E3 -> mae 2/3; west perfect -> mean 1/3
    assert m["conf_rank_mae"] == pytest.approx((2 / 3 + 0) / 2)
    assert m["conf_top1"] == 1.0
    # playoff teams only: E1, W1, W2, E2 predicted; truth E1, W1, E2, W2 -> mae 2/4
    assert m["playoff_rank_mae"] == pytest.approx(0.5)


def test_pool_is_mean_over_seasons():
    pooled = pool_seasons({2001: {"spearman": 0.5, "top1": 1.0}, 2002: {"spearman": 0.7, "top1": 0.0}})
    assert pooled == {"spearman": pytest.approx(0.6), "top1": pytest.approx(0.5)}
