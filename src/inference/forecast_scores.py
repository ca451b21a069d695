"""Level-1 scores of one season from the final saved models (no training here).

Model A: models/model_a.pt rebuilt from the checkpoint alone (src/inference/predict_a.py), which
also gives each player's attention weight. Model B: the XGBoost JSON and the skops forest
(src/training/train_model_b.py loaders), fed the season's rows of team_features.parquet in the
column order the booster was trained with.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import torch

from src.errors import DataError
from src.models.config import ModelAConfig
from src.inference.predict_a import attention_table, build_inputs, load_model_a, predict_with_attention
from src.inference.forecast_players import with_team_minutes, with_value_parts
from src.training.level1 import KEY
from src.training.train_model_b import load_rf, load_xgb
from src.utils.model_files import XGB_PLAYOFF

log = logging.getLogger(__name__)
FEATURES_FILE = "data/processed/team_features.parquet"


def model_a_scores(model_path: str | Path, players: pd.DataFrame, season: int,
                   num_threads: int, *, expected: ModelAConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(season, team, score_model_a) and the attention table of `season` with each player's
    minutes for his team and his value's parts (forecast_players); a checkpoint whose
    architecture differs from `expected` (params.yaml model_a) is refused."""
    torch.set_num_threads(num_threads)
    model, spec = load_model_a(model_path, expected=expected)
    batch = build_inputs(spec, players, [season])
    scores, _ = predict_with_attention(model, batch)
    frame = pd.DataFrame({"season": batch.season.astype(int), "team": batch.team.astype(str),
                          "score_model_a": scores.numpy().astype(float)})
    table = with_team_minutes(attention_table(model, spec, players, [season]), players)
    return frame, with_value_parts(table, players, spec.roster.player_value)


def model_b_scores(xgb_path: str | Path, rf_path: str | Path, objective: str,
                   features: pd.DataFrame, season: int, playoff_path: str | Path | None = None) -> pd.DataFrame:
    """season, team, score_xgb, score_rf (and score_xgb_playoff from playoff_path) of `season`."""
    for path in (xgb_path, rf_path):
        if not Path(path).exists():
            raise DataError(f"{path}: Model B file not found (run `dvc repro train_b`)")
    xgb_model, rf_model = load_xgb(xgb_path, objective), load_rf(rf_path)
    names = xgb_model.get_booster().feature_names
    if not names:
        raise DataError(f"{xgb_path}: booster has no feature names; retrain (dvc repro train_b)")
    missing = [c for c in names if c not in features.columns]
    if missing:
        raise DataError(f"{FEATURES_FILE}: column(s) {', '.join(missing)} used by {xgb_path} are missing")
    if rf_model.n_features_in_ != len(names):
        raise DataError(f"{rf_path}: forest has {rf_model.n_features_in_} features, "
                        f"{xgb_path} has {len(names)}; retrain (dvc repro train_b)")
    rows = features[features["season"] == season].sort_values("team").reset_index(drop=True)
    if rows.empty:
        raise DataError(f"{FEATURES_FILE}: no rows for season {season} (stage sos_features must "
                        "keep seasons without outcomes)")
    X = rows[names]
    incomplete = X.isna().any(axis=1)
    if incomplete.any():
        log.warning("%s: season %d, team(s) %s have missing feature values (XGBoost and the forest "
                    "route them by their learned defaults)", FEATURES_FILE, season,
                    ", ".join(rows.loc[incomplete, "team"]))
    out = rows[KEY].copy()
    out["score_xgb"] = xgb_model.predict(X)
    out["score_rf"] = rf_model.predict(rows[list(rf_model.feature_names_in_)])
    if playoff_path is not None:
        if not Path(playoff_path).exists():
            raise DataError(f"{playoff_path}: playoff-outcome XGBoost not found (run `dvc repro train_b` "
                            "with model_b.playoff.enabled)")
        out["score_xgb_playoff"] = load_xgb(playoff_path, "rank:pairwise", XGB_PLAYOFF).predict(X)
    return out


def level1_scores(models: list[str], season: int, players: pd.DataFrame, features: pd.DataFrame,
                  model_a_path: str | Path, xgb_path: str | Path, rf_path: str | Path,
                  objective: str, num_threads: int,
                  playoff_path: str | Path | None = None, *,
                  expected: ModelAConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(season, team, score_<model> for each stacked model; Model A attention table).

    Model A always runs: its attention names each team's top players, even when the
    stacker does not use its score."""
    scores, attention = model_a_scores(model_a_path, players, season, num_threads, expected=expected)
    if {"xgb", "xgb_playoff", "rf"} & set(models):
        playoff = playoff_path if "xgb_playoff" in models else None
        scores = scores.merge(model_b_scores(xgb_path, rf_path, objective, features, season, playoff),
                              on=KEY, how="outer")
    keep = [*KEY, *(f"score_{m}" for m in models)]
    return scores[keep], attention
