"""The one list of level-1 models: each model's name, its out-of-sample scores file and its
final model file (read by the stack, evaluate, forecast and explain stages). It names files
only (src/artifacts.py), never imports a model's code, so importing it widens no process and no
fit cache's code digest."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from src import artifacts
from src.artifacts import Artifact
# the names and score columns themselves (import-free: Model A's fit process reads them there)
from src.models.names import MODEL_A_NAME, RF_NAME, XGB_NAME, XGB_PLAYOFF_NAME, score_column


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
    Level1Model(MODEL_A_NAME, artifacts.OOF_MODEL_A, artifacts.MODEL_A),
    Level1Model(XGB_NAME, artifacts.OOF_MODEL_B, artifacts.XGB_MODEL),
    Level1Model(XGB_PLAYOFF_NAME, artifacts.OOF_MODEL_B, artifacts.XGB_PLAYOFF_MODEL),
    Level1Model(RF_NAME, artifacts.OOF_MODEL_B, artifacts.RF_MODEL))}
# level-1 model -> (file with its scores, stage that writes it)
LEVEL1_SOURCES = {m.name: (m.scores.path, m.scores.stage) for m in LEVEL1_MODELS.values()}
# Model B's estimators: the level-1 models whose scores train_b writes
MODEL_B_NAMES = tuple(m.name for m in LEVEL1_MODELS.values() if m.scores == artifacts.OOF_MODEL_B)

# The other names every yardstick and page uses: the stacker's blend and the baselines (name ->
# the team_seasons column it ranks by).
ENSEMBLE_NAME = "ensemble"
BASELINE_SRS, BASELINE_WIN_PCT = "baseline_srs", "baseline_win_pct"
BASELINES = {BASELINE_SRS: "srs", BASELINE_WIN_PCT: "win_pct"}


def final_model_files() -> dict[str, Path]:
    """Level-1 model -> its final model file (what the forecast loads)."""
    return {m.name: m.final_model.path for m in LEVEL1_MODELS.values()}
