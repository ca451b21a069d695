"""metrics/headline.json: the few numbers `dvc exp show` and `dvc metrics diff` compare.

Every other number stays in plain report JSON (metrics/eval.json, metrics/train_*.json, ...),
which dvc.yaml declares as ordinary outputs, not as DVC metrics, so an experiment table fits
a screen. A key listed here but absent from the evaluation (a model not run, a metric not
computed yet) is left out, so new metrics drop in by adding their key.
"""
from __future__ import annotations

from pathlib import Path

HEADLINE_FILE = Path("metrics/headline.json")
HEADLINE_KEYS = (
    "ensemble.spearman",           # ranking of all 30 teams, mean over test seasons
    "ensemble.ndcg_at_4",          # the top of the ranking
    "ensemble.log_loss",           # title odds: mean over seasons of -log p(champion)
    "ensemble.brier",
    "series.ensemble.log_loss",    # playoff series outcomes (where the evaluation computes it)
    "baseline_srs_mc.log_loss",    # the title-odds bar to beat
)
DIGITS = 4                         # enough to tell experiments apart; short enough to read


def headline_metrics(metrics: dict[str, float]) -> dict[str, float]:
    """The headline subset of the evaluation's flat metrics, rounded, in HEADLINE_KEYS order."""
    return {key: round(float(metrics[key]), DIGITS) for key in HEADLINE_KEYS if key in metrics}
