"""metrics/headline.json: the few numbers `dvc exp show` and `dvc metrics diff` compare.

Every other number stays in plain report JSON (metrics/eval.json, metrics/train_*.json, ...),
which dvc.yaml declares as ordinary outputs, not as DVC metrics, so an experiment table fits
a screen. Short names (the table's column headers) map to keys of metrics/eval.json; a key
the evaluation did not compute (a model not run, a metric not there yet) is left out, so a
new metric drops in by adding one line here.
"""
from __future__ import annotations

from src.artifacts import HEADLINE_METRICS

HEADLINE_FILE = HEADLINE_METRICS.path
HEADLINE = {                                     # headline name -> metrics/eval.json key
    "spearman": "ensemble.spearman",             # ranking of all 30 teams, mean over test seasons
    "ndcg_at_4": "ensemble.ndcg_at_4",           # the top of the ranking
    "title_log_loss": "ensemble.log_loss",       # title odds: mean over seasons of -log p(champion)
    "title_brier": "ensemble.brier",
    "series_log_loss": "series.ensemble.log_loss",   # playoff series outcomes (once evaluated)
    "srs_mc_log_loss": "baseline_srs_mc.log_loss",   # the title-odds bar to beat
}


def headline_metrics(metrics: dict[str, float]) -> dict[str, float]:
    """The headline subset of the evaluation's flat metrics, renamed, in HEADLINE order. Full
    precision: rounding is for display (`dvc exp show` shows 5 significant digits, the run
    summary src/utils/display.py), never for the stored number."""
    return {name: float(metrics[key]) for name, key in HEADLINE.items() if key in metrics}
