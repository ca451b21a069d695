"""Level-1 scores of one season from the final saved models (no training here).

Model A: models/model_a.pt rebuilt from the checkpoint alone (ModelA.load, src/models/model_a/), which
also gives each player's attention weight. Model B: the XGBoost JSON and the skops forest
(each estimator's `load`, src/models/model_b/), fed the season's rows of team_features.parquet in the column
order each was trained with; only the files of the stacked models are read.

torch is imported when Model A scores, not with this module: the forecast stage's other code
(and a test that imports it) runs without it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pandas as pd

from src import artifacts
from src.errors import DataError
from src.models.model_a.config import ModelAConfig
from src.inference.forecast_players import with_team_minutes, with_value_parts
from src.models.model_b.forest import Forest
from src.models.model_b.playoff import PlayoffXgb
from src.models.model_b.ranker import RankerXgb
from src.models.registry import MODEL_A_NAME, MODEL_B_NAMES, final_model_files

log = logging.getLogger(__name__)
FEATURES_FILE = str(artifacts.TEAM_FEATURES.path)
KEY = ["season", "team"]


def model_a_scores(model_path: str | Path, players: pd.DataFrame, season: int,
                   num_threads: int, *, expected: ModelAConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(season, team, score_model_a) and the attention table of `season` with each player's
    minutes for his team and his value's parts (forecast_players); a checkpoint whose
    architecture differs from `expected` (params.yaml model_a) is refused."""
    import torch

    from src.models.model_a.estimator import ModelA
    torch.set_num_threads(num_threads)
    model = ModelA.load(model_path, expected=expected)
    frame, attention = model.predict_with_attention(players, [season])
    table = with_team_minutes(attention, players)
    return frame, with_value_parts(table, players, model.spec.roster.player_value)


def season_rows(features: pd.DataFrame, season: int) -> pd.DataFrame:
    rows = features[features["season"] == season].sort_values("team").reset_index(drop=True)
    if rows.empty:
        raise DataError(f"{FEATURES_FILE}: no rows for season {season} (stage sos_features must "
                        "keep seasons without outcomes)")
    return rows


def feature_matrix(rows: pd.DataFrame, names: list[str], path: str | Path, season: int) -> pd.DataFrame:
    """The columns a saved model was trained on, in its order; missing values warned about."""
    if not names:
        raise DataError(f"{path}: model has no feature names; retrain (dvc repro train_b)")
    missing = [c for c in names if c not in rows.columns]
    if missing:
        raise DataError(f"{FEATURES_FILE}: column(s) {', '.join(missing)} used by {path} are missing")
    X = rows[list(names)]
    incomplete = X.isna().any(axis=1)
    if incomplete.any():
        log.warning("%s: season %d, team(s) %s have missing feature values (%s routes them by its "
                    "learned defaults)", FEATURES_FILE, season, ", ".join(rows.loc[incomplete, "team"]), path)
    return X


def model_b_scores(models: list[str], paths: Mapping[str, str | Path], objective: str,
                   features: pd.DataFrame, season: int) -> pd.DataFrame:
    """season, team, score_<name> of `season` for each Model B estimator in `models` (xgb, rf,
    xgb_playoff), each read from paths[name]."""
    rows = season_rows(features, season)
    out = rows[KEY].copy()
    for name in (m for m in MODEL_B_NAMES if m in models):
        path = paths.get(name)
        if path is None or not Path(path).exists():
            raise DataError(f"{path}: Model B file not found (run `dvc repro train_b`"
                            + (" with model_b.playoff.enabled)" if name == "xgb_playoff" else ")"))
        model = _load_model_b(name, path, objective)
        out[f"score_{name}"] = model.predict(feature_matrix(rows, model.feature_names, path, season))
    return out


def _load_model_b(name: str, path: str | Path, objective: str) -> RankerXgb | PlayoffXgb | Forest:
    if name == "rf":
        return Forest.load(path)
    return PlayoffXgb.load(path) if name == "xgb_playoff" else RankerXgb.load(path, objective)


@dataclass(frozen=True)
class Level1Inputs:
    """What the forecast's level-1 scores read: one object instead of eleven arguments; the
    model files default to the registry's (src/models/registry.py, artifacts.py paths)."""
    models: list[str]                # the stacked level-1 models (stacking.models)
    season: int
    players: pd.DataFrame            # player_seasons (Model A's rosters and attention table)
    features: pd.DataFrame           # team_features (Model B's rows)
    objective: str                   # Model B's ranking objective (model_b.objective)
    num_threads: int                 # torch threads for Model A
    expected: ModelAConfig           # params.yaml model_a: a checkpoint of another shape is refused
    # level-1 model -> its final model file (the registry's artifacts.py paths)
    model_files: Mapping[str, Path] = field(default_factory=final_model_files)


def level1_scores(task: Level1Inputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(season, team, score_<model> for each stacked model; Model A attention table).

    Model A always runs: its attention names each team's top players, even when the
    stacker does not use its score."""
    scores, attention = model_a_scores(task.model_files[MODEL_A_NAME], task.players, task.season,
                                       task.num_threads, expected=task.expected)
    if set(MODEL_B_NAMES) & set(task.models):
        scores = scores.merge(model_b_scores(task.models, task.model_files, task.objective, task.features,
                                             task.season), on=KEY, how="outer")
    keep = [*KEY, *(f"score_{m}" for m in task.models)]
    return scores[keep], attention
