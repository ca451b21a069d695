"""The files the report reads (the contracts of the stages that write them)."""
from __future__ import annotations

from src import artifacts

# repo-relative strings of the registered paths (src/artifacts.py: the one table of them)
EVAL_METRICS = str(artifacts.EVAL_METRICS.path)
EVAL_REPORT = str(artifacts.EVAL_REPORT.path)
TRAIN_A_METRICS = str(artifacts.TRAIN_A_METRICS.path)
TRAIN_HISTORY = str(artifacts.TRAIN_HISTORY.path)
TRAIN_B_METRICS = str(artifacts.TRAIN_B_METRICS.path)
STACK_METRICS = str(artifacts.STACK_METRICS.path)
EXPLAIN_METRICS = str(artifacts.EXPLAIN_METRICS.path)
EXPLAIN_SUMMARY = str(artifacts.EXPLAIN_SUMMARY.path)
TITLE_ODDS = "plots/evaluate/title_odds.csv"
RANK_VS_ACTUAL = "plots/evaluate/rank_vs_actual.csv"
PARAMS = "params.yaml"

# Without at least one of these there is nothing to report: the command fails.
METRICS_FILES = (EVAL_METRICS, TRAIN_A_METRICS, TRAIN_B_METRICS, STACK_METRICS, EXPLAIN_METRICS)

# Sections of the report and the dvc.yaml plots (by data-file prefix) each one shows;
# a declared plot no section claims goes to "Other plots", so none is dropped.
PLOT_SECTIONS = {
    "calibration": ("plots/evaluate/reliability", "plots/evaluate/series_reliability"),
    "ranks": ("plots/evaluate/rank_vs_actual", "plots/evaluate/season_spearman"),
    "title_odds": ("plots/evaluate/title_odds",),
    "model_a": ("plots/train_a",),
}
