"""The one list of level-1 models: each model's name, its out-of-sample scores file and its
final model file (read by the stack, evaluate, forecast and explain stages). It names files
only (src/artifacts.py), never imports a model's code, so importing it widens no process and no
fit cache's code digest."""
from __future__ import annotations

from dataclasses import dataclass

from src import artifacts
from src.artifacts import Artifact


def score_column(model: str) -> str:
    """The level-1 column of a model's (or signal's) score."""
    return f"score_{model}"


@dataclass(frozen=True)
class Level1Model:
    """A model the stacker can blend: its out-of-sample scores and its final model file."""
    name: str
    scores: Artifact        # out-of-fold + walk-forward scores (column score_<name>)
    final_model: Artifact   # trained on every season with outcomes (forecast)

    @property
    def score_column(self) -> str:
        return score_column(self.name)


# The one list of level-1 models (stack, evaluate, forecast and explain read it).
LEVEL1_MODELS: dict[str, Level1Model] = {m.name: m for m in (
    Level1Model("model_a", artifacts.OOF_MODEL_A, artifacts.MODEL_A),
    Level1Model("xgb", artifacts.OOF_MODEL_B, artifacts.XGB_MODEL),
    Level1Model("xgb_playoff", artifacts.OOF_MODEL_B, artifacts.XGB_PLAYOFF_MODEL),
    Level1Model("rf", artifacts.OOF_MODEL_B, artifacts.RF_MODEL))}
# level-1 model -> (file with its scores, stage that writes it)
LEVEL1_SOURCES = {m.name: (m.scores.path, m.scores.stage) for m in LEVEL1_MODELS.values()}
