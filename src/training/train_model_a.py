"""ModelATrainer: ListMLE over one list per season (or per conference), AdamW, gradient
clipping, attention monitoring with restart on collapse."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd
import torch

from src.errors import DataError
from src.features.roster import FeatureSpec, RosterBatch
from src.models.config import ModelAConfig, ModelATrainingConfig, check_same_architecture
from src.models.deep_set_rank import DeepSetRank
from src.models.losses import grouped_list_mle
from src.training.base_trainer import BaseTrainer, Callback
from src.training.callbacks import COLLAPSE_REASON, AttentionMonitorCallback, ProgressBarCallback

log = logging.getLogger(__name__)

TEAM_SOURCE = "data/interim/team_seasons.parquet"
RESEED_STEP = 1000   # restart k uses seed + k * RESEED_STEP: new init, still deterministic


@dataclass
class TrainList:
    """One ListMLE list (a season): its rosters, true ranks and optional conference groups."""
    roster: RosterBatch
    ranks: torch.Tensor
    groups: torch.Tensor | None


def make_lists(batch: RosterBatch, team_seasons: pd.DataFrame,
               per_conference: bool) -> list[TrainList]:
    """One list per season of `batch`; ranks = post_playoff_rank (outcome_known seasons)."""
    key = team_seasons.set_index(["season", "team"])
    lists = []
    for season_batch in batch.by_season():
        season = int(season_batch.season[0])
        idx = list(zip(season_batch.season.tolist(), season_batch.team.tolist()))
        missing = [t for s, t in idx if (s, t) not in key.index]
        if missing:
            raise DataError(f"{TEAM_SOURCE}: no row for team(s) {', '.join(missing)} of season "
                            f"{season} (they have players in player_seasons)")
        rows = key.loc[idx]
        if not rows["outcome_known"].astype(bool).all() or rows["post_playoff_rank"].isna().any():
            raise DataError(f"{TEAM_SOURCE}: column post_playoff_rank unknown in season {season};"
                            " only seasons with outcome_known can be trained on")
        ranks = torch.tensor(rows["post_playoff_rank"].to_numpy(dtype=np.int64))
        groups = None
        if per_conference:
            codes = pd.Categorical(rows["conference"].astype(str)).codes
            groups = torch.as_tensor(np.asarray(codes, dtype=np.int64))
        lists.append(TrainList(season_batch, ranks, groups))
    return lists


class ModelATrainer(BaseTrainer):
    def __init__(self, model_config: ModelAConfig, train_config: ModelATrainingConfig,
                 feature_spec: FeatureSpec | None = None,
                 callbacks: Sequence[Callback] = ()) -> None:
        self.model_config, self.train_config = model_config, train_config
        self.feature_spec = feature_spec
        self.seed, self.restarts = train_config.seed, 0
        self.monitor = None
        if train_config.attention_debug:
            self.monitor = AttentionMonitorCallback(
                train_config.attention_entropy_min, train_config.attention_variance_min,
                train_config.attention_collapse_patience, train_config.attention_collapse_action)
        model, optimizer = self._build(self.seed)
        super().__init__(model, optimizer, train_config.epochs, train_config.patience,
                         train_config.min_delta,
                         [*callbacks, ProgressBarCallback("model_a epochs"),
                          *([self.monitor] if self.monitor else [])])

    def _build(self, seed: int) -> tuple[DeepSetRank, torch.optim.Optimizer]:
        torch.manual_seed(seed)
        self.generator = torch.Generator().manual_seed(seed)
        model = DeepSetRank.from_config(self.model_config)
        optimizer = torch.optim.AdamW(model.parameters(), lr=self.train_config.learning_rate,
                                      weight_decay=self.train_config.weight_decay)
        return model, optimizer

    def epoch_logs(self) -> dict[str, Any]:
        return {"restarts": self.restarts, "seed": self.seed}

    def checkpoint_extras(self) -> dict[str, Any]:
        extras: dict[str, Any] = {"model_config": self.model_config.to_dict()}
        if self.feature_spec is not None:
            extras["feature_spec"] = self.feature_spec.to_dict()
        return extras

    def check_checkpoint(self, ckpt: dict[str, Any], source: str) -> None:
        """Same-shaped weights of another config (e.g. other dropout) would load silently."""
        if "model_config" in ckpt:
            check_same_architecture(ModelAConfig(**ckpt["model_config"]), self.model_config,
                                    source)

    def _train_epoch(self, batches: Sequence[TrainList]) -> float:
        self.model.train()
        losses = []
        for i, j in enumerate(torch.randperm(len(batches), generator=self.generator).tolist()):
            item = batches[j]
            scores, _, _ = self.model(*item.roster.model_inputs())
            loss = grouped_list_mle(scores, item.ranks, item.groups)
            self.optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.train_config.grad_clip)
            self.optimizer.step()
            losses.append(float(loss.detach()))
            self.batch_end(i, {"loss": losses[-1]})
            if self.stop_training:
                break
        return float(np.mean(losses))

    @torch.no_grad()
    def _eval_epoch(self, batches: Sequence[TrainList]) -> float:
        self.model.eval()
        losses = [float(grouped_list_mle(self.model(*b.roster.model_inputs())[0], b.ranks,
                                         b.groups)) for b in batches]
        return float(np.mean(losses))

    def fit(self, batches: Sequence[TrainList], val_batches: Sequence[TrainList] | None = None,
            progress: Any = None) -> list[dict[str, Any]]:
        """Train; on attention collapse with "stop_and_restart", re-seed, re-initialise and
        start again from epoch 0, at most `attention_max_restarts` times. The last allowed
        attempt only logs collapses, so training always ends with a usable model."""
        cfg = self.train_config
        while True:
            last_try = self.restarts >= cfg.attention_max_restarts
            if self.monitor is not None and cfg.attention_collapse_action == "stop_and_restart":
                self.monitor.action = "log" if last_try else "stop_and_restart"
            super().fit(batches, val_batches, progress)
            if self.stop_reason != COLLAPSE_REASON or cfg.attention_collapse_action != "stop_and_restart":
                return self.history
            self.restarts += 1
            self.seed = cfg.seed + self.restarts * RESEED_STEP
            log.warning("attention collapsed; restart %d/%d with seed %d", self.restarts,
                        cfg.attention_max_restarts, self.seed)
            self.model, self.optimizer = self._build(self.seed)

    def predict(self, batch: RosterBatch) -> torch.Tensor:
        return self.predict_with_attention(batch)[0]

    @torch.no_grad()
    def predict_with_attention(self, batch: RosterBatch) -> tuple[torch.Tensor, torch.Tensor]:
        self.model.eval()
        scores, _, attn_w = self.model(*batch.model_inputs())
        return scores, attn_w
