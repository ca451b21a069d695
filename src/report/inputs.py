"""The files the report reads (the contracts of the stages that write them)."""
from __future__ import annotations

EVAL_METRICS = "metrics/eval.json"
EVAL_REPORT = "reports/eval_report.json"
TRAIN_A_METRICS = "metrics/train_a.json"
TRAIN_HISTORY = "metrics/train_history.json"
TRAIN_B_METRICS = "metrics/train_b.json"
STACK_METRICS = "metrics/stack.json"
EXPLAIN_METRICS = "metrics/explain.json"
EXPLAIN_SUMMARY = "reports/explain/summary.md"
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
