"""Model A as one fitted object: the network, the feature statistics of its training seasons
(FeatureSpec) and the checkpoint its fit wrote. `predict` scores whole seasons of rosters from
what the fit stored, `get_params` is its architecture (ModelAConfig), `save`/`load` are the
checkpoint (src/utils/model_files.py loads it safely).

The fit itself is src/models/model_a/fit.py (`fit_model_a(task)` returns a ModelAFit whose
`model` is this estimator): the torch fit loop (trainer, callbacks, warm start, early stopping,
restarts) stays in training/, where the fit cache, the warm-start twin and the walk-forward
runs drive it."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pandas as pd

from src.features.roster import FeatureSpec
from src.models.estimator import ConfigEstimator
from src.models.model_a.config import ModelAConfig
from src.models.model_a.deep_set_rank import DeepSetRank
from src.models.names import MODEL_A_NAME, score_column
from src.models.model_a.predict import attention_table, build_inputs, load_model_a, predict_with_attention
from src.utils.io import write_bytes

if TYPE_CHECKING:
    from src.models.model_a.fit import FitTask, ModelAFit

SCORE_COLUMN = score_column(MODEL_A_NAME)


class ModelA(ConfigEstimator):
    cfg: ModelAConfig

    def __init__(self, cfg: ModelAConfig):
        super().__init__(cfg)
        self.network: DeepSetRank | None = None
        self.spec: FeatureSpec | None = None
        self.checkpoint: bytes | None = None
        self.fit_result: "ModelAFit | None" = None   # what the fit recorded (epochs, history, ...)

    def fit(self, task: "FitTask") -> "ModelA":
        """One fit of `task` (its model_cfg is this estimator's architecture); returns self."""
        # imported here: a process that only predicts never loads the fit loop
        from src.models.model_a.fit import fit_model_a
        if task.model_cfg != self.cfg:
            raise ValueError("ModelA.fit: the task's model_cfg is not this estimator's config")
        fitted = self.of_fit(fit_model_a(task))
        self.network, self.spec, self.checkpoint = fitted.network, fitted.spec, fitted.checkpoint
        self.fit_result = fitted.fit_result
        return self

    @classmethod
    def of_fit(cls, fit: "ModelAFit") -> "ModelA":
        """The model of a fit already made (its trainer's network, feature statistics, checkpoint)."""
        model = cls.fitted(fit.trainer.model, fit.spec, fit.checkpoint_bytes())
        model.fit_result = fit
        return model

    @classmethod
    def fitted(cls, network: DeepSetRank, spec: FeatureSpec, checkpoint: bytes) -> "ModelA":
        """What a fit hands over: its network (architecture from the network's own config),
        its feature statistics and its checkpoint bytes."""
        model = cls(network.config)
        model.network, model.spec, model.checkpoint = network, spec, checkpoint
        return model

    def predict(self, players: pd.DataFrame, seasons: Iterable[int]) -> pd.DataFrame:
        """season, team, score_model_a of `seasons`' rosters (player_seasons rows: the seasons
        before them too, the shrinkage prior), standardised with the fit's statistics."""
        return self.predict_with_attention(players, seasons)[0]

    def predict_with_attention(self, players: pd.DataFrame,
                               seasons: Iterable[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The scores and the attention table (src/models/model_a/predict.py attention_table)."""
        if self.network is None:
            raise RuntimeError("ModelA.predict called before fit")
        seasons = list(seasons)
        batch = build_inputs(self.spec, players, seasons)
        scores, _ = predict_with_attention(self.network, batch)
        frame = pd.DataFrame({"season": batch.season.astype(int), "team": batch.team.astype(str),
                              SCORE_COLUMN: scores.numpy().astype(float)})
        return frame, attention_table(self.network, self.spec, players, seasons)

    def save(self, path: str | Path) -> Path:
        """The checkpoint as the fit wrote it (same fit = same bytes)."""
        return write_bytes(self.checkpoint, path)

    @classmethod
    def load(cls, path: str | Path, expected: ModelAConfig | None = None) -> "ModelA":
        """The checkpoint at `path`; `expected`: refuse one of another architecture."""
        network, spec = load_model_a(path, expected=expected)
        return cls.fitted(network, spec, Path(path).read_bytes())
