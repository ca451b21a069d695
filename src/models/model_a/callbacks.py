"""Attention monitoring as a PyTorch forward hook on the model (its attention output).

Per training batch, over valid roster slots only: mean entropy, variance and max weight
of each team's attention distribution. Collapse = entropy below `entropy_min` (a spike on
one player) or variance below `variance_min` (uniform, attention is doing nothing) for
`patience` consecutive batches; the action is "log", "stop" or "stop_and_restart" (the
trainer restarts; see ModelATrainer.fit).
"""
from __future__ import annotations

import logging
import math
from typing import Any

import torch

from src.models.model_a.config import COLLAPSE_ACTIONS
from src.models.model_a.base_trainer import Callback

log = logging.getLogger(__name__)

COLLAPSE_REASON = "attention_collapse"
STAT_KEYS = ("attention_entropy_mean", "attention_variance_mean", "attention_max_weight_mean")


def valid_slots(key_padding_mask: torch.Tensor, dtype: torch.dtype
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(valid [B,P] as 0/1, valid slots per team [B] (at least 1), the same as a column [B,1])."""
    valid = (~key_padding_mask).to(dtype)
    n_valid = valid.sum(-1).clamp_min(1.0)
    return valid, n_valid, n_valid.unsqueeze(-1)


def attention_stats(attn_w: torch.Tensor, key_padding_mask: torch.Tensor,
                    slots: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None
                    ) -> dict[str, float]:
    """Means over teams of: entropy -sum p log p, population variance of the weights and
    the largest weight, each over the team's valid slots (padding ignored, 0 log 0 = 0).
    `slots`: valid_slots of the mask where the caller has them. The entropy's sign is taken
    once, on the mean (a sum of negated terms is the negated sum: the same bits)."""
    valid, n_valid, n_column = slots if slots is not None else valid_slots(key_padding_mask, attn_w.dtype)
    p = attn_w * valid
    sum_p_log_p = (p * torch.log(torch.where(p > 0, p, 1.0))).sum(-1)
    variance = (((p - p.sum(-1, keepdim=True) / n_column) ** 2) * valid).sum(-1) / n_valid
    max_weight = p.max(-1).values
    minus_entropy, variance_mean, max_mean = torch.stack(
        [sum_p_log_p.mean(), variance.mean(), max_weight.mean()]).tolist()
    return dict(zip(STAT_KEYS, (-minus_entropy, variance_mean, max_mean)))


class AttentionMonitorCallback(Callback):
    def __init__(self, entropy_min: float, variance_min: float, patience: int,
                 action: str) -> None:
        if action not in COLLAPSE_ACTIONS:
            raise ValueError(f"attention_collapse_action must be one of {COLLAPSE_ACTIONS}")
        self.entropy_min, self.variance_min = entropy_min, variance_min
        self.patience, self.action = patience, action
        self.handle: Any = None
        self.collapses = 0
        self._captured: tuple[torch.Tensor, torch.Tensor] | None = None
        self._streak = 0
        self._epoch_stats: list[dict[str, float]] = []
        self._slots_of: dict[int, tuple] = {}    # id(mask) -> (mask, (version, dtype), valid_slots)
        # what a fit cache needs to know whether other thresholds would have acted: the
        # lowest statistics of any training batch, and how many batches were below them
        self.lowest = {"entropy": math.inf, "variance": math.inf}
        self.flagged = 0

    def _hook(self, module: torch.nn.Module, args: tuple, output: tuple) -> None:
        # DeepSetRank: args (stats, player_index, minutes, key_padding_mask), output
        # (strength, value, attn_w); validation/inference passes are not training batches
        if module.training:
            self._captured = (output[2].detach(), args[3])      # the mask: no autograd

    def _slots(self, mask: torch.Tensor, dtype: torch.dtype) -> tuple[torch.Tensor, ...]:
        """valid_slots of a season's padding mask, computed once per fit: training passes each
        season's same mask tensor every epoch. The mask is held with its slots (so its id is not
        reused) and an in-place change (its version) computes them again."""
        hit = self._slots_of.get(id(mask))
        if hit is None or hit[0] is not mask or hit[1] != (mask._version, dtype):
            hit = self._slots_of[id(mask)] = (mask, (mask._version, dtype), valid_slots(mask, dtype))
        return hit[2]

    def on_train_start(self, logs: dict[str, Any]) -> None:
        self.remove_hook()
        self._slots_of = {}
        self.handle = self.trainer.model.register_forward_hook(self._hook)
        self._streak, self._captured = 0, None

    def on_epoch_start(self, epoch: int, logs: dict[str, Any]) -> None:
        self._epoch_stats = []

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        if self._captured is None:
            return
        attn_w, mask = self._captured
        self._captured = None
        stats = attention_stats(attn_w, mask, self._slots(mask, attn_w.dtype))
        self._epoch_stats.append(stats)
        entropy, variance = stats["attention_entropy_mean"], stats["attention_variance_mean"]
        self.lowest = {"entropy": min(self.lowest["entropy"], entropy),
                       "variance": min(self.lowest["variance"], variance)}
        collapsed = entropy < self.entropy_min or variance < self.variance_min
        self.flagged += int(collapsed)
        self._streak = self._streak + 1 if collapsed else 0
        if self._streak >= self.patience:
            self._on_collapse(stats)

    def _on_collapse(self, stats: dict[str, float]) -> None:
        self.collapses += 1
        self._streak = 0
        log.warning("attention collapse (entropy %.4f < %s or variance %.2e < %s for %d "
                    "batches): action %s", stats["attention_entropy_mean"], self.entropy_min,
                    stats["attention_variance_mean"], self.variance_min, self.patience,
                    self.action)
        if self.action != "log":
            self.trainer.stop_training = True
            self.trainer.stop_reason = COLLAPSE_REASON

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        for key in STAT_KEYS:
            values = [s[key] for s in self._epoch_stats]
            logs[key] = sum(values) / len(values) if values else None
        logs["attention_collapses"] = self.collapses

    def on_train_end(self, logs: dict[str, Any]) -> None:
        self.remove_hook()
        self._slots_of = {}

    def remove_hook(self) -> None:
        if self.handle is not None:
            self.handle.remove()
            self.handle = None


class ProgressBarCallback(Callback):
    """A tqdm bar over epochs (Keras' ProgbarLogger), cleared when training ends so that
    the many fits of a stage leave one line each at most. Off under --quiet."""

    def __init__(self, desc: str = "epochs") -> None:
        self.desc, self.bar = desc, None

    def on_train_start(self, logs: dict[str, Any]) -> None:
        from tqdm import tqdm

        from src.utils.logging import progress_disabled
        self.on_train_end(logs)      # a restart begins a fresh bar
        self.bar = tqdm(total=self.trainer.epochs if self.trainer else None, desc=self.desc,
                        leave=False, disable=progress_disabled())

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        if self.bar is not None:
            self.bar.set_postfix({k: f"{logs[k]:.3f}" for k in ("train_loss", "val_loss")
                                  if isinstance(logs.get(k), float)}, refresh=False)
            self.bar.update(1)

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
