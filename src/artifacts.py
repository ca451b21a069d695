"""Every file one stage writes and another reads: name -> path and the dvc.yaml stage that
writes it. Stages take their paths from here, `read_input` names the stage to run when a
file is missing, and tests/test_artifacts.py checks this table against dvc.yaml's outs."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Artifact:
    name: str
    path: Path
    stage: str          # the dvc.yaml stage that writes it


PARAMS_VALIDATED = Artifact("params_validated", Path("data/interim/params_validated.txt"), "validate_params")
TEAM_SEASONS = Artifact("team_seasons", Path("data/interim/team_seasons.parquet"), "ingest")
PLAYER_SEASONS = Artifact("player_seasons", Path("data/interim/player_seasons.parquet"), "ingest")
PLAYOFF_SERIES = Artifact("playoff_series", Path("data/interim/playoff_series.parquet"), "ingest")
PLAYOFF_BOX_SCORES = Artifact("playoff_box_scores", Path("data/interim/playoff_box_scores.parquet"), "box_scores")
BOX_SCORE_LINK = Artifact("box_score_link", Path("reports/box_score_link.json"), "box_scores")
TEAM_FEATURES = Artifact("team_features", Path("data/processed/team_features.parquet"), "sos_features")
OOF_MODEL_A = Artifact("oof_model_a", Path("data/processed/oof_model_a.parquet"), "train_a")
MODEL_A = Artifact("model_a", Path("models/model_a.pt"), "train_a")
TRAIN_HISTORY = Artifact("train_history", Path("metrics/train_history.json"), "train_a")
MODEL_A_WALK_FORWARD = Artifact("model_a_walk_forward", Path("models/model_a_walk_forward"), "train_a")
OOF_MODEL_B = Artifact("oof_model_b", Path("data/processed/oof_model_b.parquet"), "train_b")
XGB_MODEL = Artifact("xgb_model", Path("models/model_b_xgb.json"), "train_b")
XGB_PLAYOFF_MODEL = Artifact("xgb_playoff_model", Path("models/model_b_xgb_playoff.json"), "train_b")
RF_MODEL = Artifact("rf_model", Path("models/model_b_rf.skops"), "train_b")
SCORES = Artifact("scores", Path("data/processed/scores.parquet"), "stack")
STACK_SELECTION = Artifact("stack_selection", Path("reports/stack_selection.json"), "stack")
STACKER = Artifact("stacker", Path("models/stacker.json"), "stack")
ODDS_FITS = Artifact("odds_fits", Path("models/odds_fits.json"), "evaluate")
PREDICTIONS = Artifact("predictions", Path("data/processed/predictions.parquet"), "evaluate")
GAME_PREDICTIONS = Artifact("game_predictions", Path("data/processed/game_predictions.parquet"), "evaluate")
EVAL_METRICS = Artifact("eval_metrics", Path("metrics/eval.json"), "evaluate")
EVAL_REPORT = Artifact("eval_report", Path("reports/eval_report.json"), "evaluate")
HEADLINE_METRICS = Artifact("headline_metrics", Path("metrics/headline.json"), "evaluate")
# read by stage report
TRAIN_A_METRICS = Artifact("train_a_metrics", Path("metrics/train_a.json"), "train_a")
TRAIN_B_METRICS = Artifact("train_b_metrics", Path("metrics/train_b.json"), "train_b")
STACK_METRICS = Artifact("stack_metrics", Path("metrics/stack.json"), "stack")
EXPLAIN_METRICS = Artifact("explain_metrics", Path("metrics/explain.json"), "explain")
# read by stage evaluate (availability: each player's contribution above replacement, points)
EXPLAIN_CONTRIBUTORS = Artifact("explain_contributors", Path("reports/explain/contributors.parquet"), "explain")
EXPLAIN_SUMMARY = Artifact("explain_summary", Path("reports/explain/summary.md"), "explain")
EVALUATE_PLOTS = Artifact("evaluate_plots", Path("plots/evaluate"), "evaluate")
TRAIN_A_PLOTS = Artifact("train_a_plots", Path("plots/train_a"), "train_a_plots")

ARTIFACTS: dict[str, Artifact] = {a.name: a for a in (
    PARAMS_VALIDATED, TEAM_SEASONS, PLAYER_SEASONS, PLAYOFF_SERIES, PLAYOFF_BOX_SCORES, BOX_SCORE_LINK,
    TEAM_FEATURES, OOF_MODEL_A,
    MODEL_A, MODEL_A_WALK_FORWARD, TRAIN_HISTORY, OOF_MODEL_B, XGB_MODEL, XGB_PLAYOFF_MODEL, RF_MODEL, SCORES,
    STACK_SELECTION, STACKER, ODDS_FITS, PREDICTIONS, GAME_PREDICTIONS, EVAL_METRICS, EVAL_REPORT, HEADLINE_METRICS,
    TRAIN_A_METRICS,
    TRAIN_B_METRICS,
    STACK_METRICS, EXPLAIN_METRICS, EXPLAIN_CONTRIBUTORS, EXPLAIN_SUMMARY, EVALUATE_PLOTS, TRAIN_A_PLOTS)}


def by_path(path: str | Path) -> Artifact | None:
    """The registered artifact at `path` (None for a file no stage hands to another)."""
    path = Path(path)
    return next((a for a in ARTIFACTS.values() if a.path == path), None)
