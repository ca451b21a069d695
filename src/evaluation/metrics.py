"""Ranking metrics of one season: league-wide, within each conference, among playoff teams.

The truth is MISSION.md's `post_playoff_rank` (1 = champion) and graded `relevance`
(0 missed playoffs .. 5 champion). Higher score = stronger team.

* spearman: scipy's Spearman correlation of score with -post_playoff_rank;
* ndcg_at_k: scikit-learn's ndcg_score (src/utils/ranking.py) with gain = relevance (linear gain, log2 discount,
  tied scores averaged);
* rank_mae: mean |predicted rank - actual rank| (predicted rank 1 = highest score, tied
  scores share their average rank);
* top1: 1 if the highest-scored team is the actual best of the group (league: champion;
  conference: conference champion; playoff teams: champion).
Conference metrics are the mean of the two conferences. Among the 16 playoff teams,
regular-season win% no longer decides the order of the truth by construction.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata, spearmanr

from src.utils.ranking import ndcg

TRUTH_COLUMNS = ("post_playoff_rank", "relevance")


def group_metrics(score, actual_rank, relevance, ks) -> dict[str, float]:
    """Metrics of one group of teams (arrays aligned by team)."""
    score = np.asarray(score, float)
    actual = rankdata(np.asarray(actual_rank, float), method="average")
    predicted = rankdata(-score, method="average")
    out = {"spearman": float(spearmanr(score, -actual).statistic)}
    for k in ks:
        out[f"ndcg_at_{k}"] = ndcg(np.asarray(relevance, float), score, k=k)
    out["rank_mae"] = float(np.mean(np.abs(predicted - actual)))
    out["top1"] = float(actual[int(np.argmax(score))] == actual.min())
    return out


def season_ranking_metrics(season: pd.DataFrame, score_col: str, ks) -> dict[str, float]:
    """League, conference (`conf_` prefix) and playoff-team (`playoff_` prefix) metrics."""
    df = season.sort_values("team")

    def block(rows: pd.DataFrame) -> dict[str, float]:
        return group_metrics(rows[score_col], rows["post_playoff_rank"], rows["relevance"], ks)

    out = block(df)
    conf = [block(g) for _, g in df.groupby("conference")]
    out.update({f"conf_{k}": float(np.mean([c[k] for c in conf])) for k in conf[0]})
    playoff = df[df["made_playoffs"].astype(bool)]
    out.update({f"playoff_{k}": v for k, v in block(playoff).items()})
    return out


def pool_seasons(per_season: dict[int, dict[str, float]]) -> dict[str, float]:
    """Mean over seasons of each metric."""
    frame = pd.DataFrame.from_dict(per_season, orient="index")
    return {k: float(v) for k, v in frame.mean().items()}
