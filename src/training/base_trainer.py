"""A small class-based training loop shared by the models that train by epochs.

`BaseTrainer.fit` owns the epoch loop, early stopping (patience, min_delta, best weights
restored), the callback calls and checkpointing. Subclasses implement `_train_epoch`
(calling `self.batch_end` after each optimiser step) and `_eval_epoch`.
"""
from __future__ import annotations

import copy
import io
import logging
import math
from pathlib import Path
from typing import Any, Sequence

import torch
from torch import nn

from src.errors import PipelineError
from src.utils.io import write_bytes
from src.utils.model_files import load_torch_checkpoint

log = logging.getLogger(__name__)


class Callback:
    """Keras-style hooks; each receives the mutable `logs` dict of its event."""
    trainer: "BaseTrainer | None" = None

    def set_trainer(self, trainer: "BaseTrainer") -> None:
        self.trainer = trainer

    def on_train_start(self, logs: dict[str, Any]) -> None: ...
    def on_epoch_start(self, epoch: int, logs: dict[str, Any]) -> None: ...
    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None: ...
    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None: ...
    def on_train_end(self, logs: dict[str, Any]) -> None: ...


class BaseTrainer:
    """fit(batches, val_batches=None) -> history (one dict per epoch).

    Early stopping watches val_loss (train_loss when there are no validation batches);
    an epoch improves when its loss is below the best by more than `min_delta`. At the end
    the best epoch's weights are put back. A callback may end training early by setting
    `stop_training` (and `stop_reason`)."""

    def __init__(self, model: nn.Module, optimizer: torch.optim.Optimizer, epochs: int,
                 patience: int, min_delta: float, callbacks: Sequence[Callback] = ()) -> None:
        self.model, self.optimizer = model, optimizer
        self.epochs, self.patience, self.min_delta = epochs, patience, min_delta
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            cb.set_trainer(self)
        self.history: list[dict[str, Any]] = []
        self.stop_training, self.stop_reason = False, None
        self.best_epoch, self.best_loss = -1, math.inf

    # -- subclass API -------------------------------------------------------------------
    def _train_epoch(self, batches: Sequence[Any]) -> float:
        raise NotImplementedError

    def _eval_epoch(self, batches: Sequence[Any]) -> float:
        raise NotImplementedError

    def epoch_logs(self) -> dict[str, Any]:
        """Extra keys every history row carries (e.g. the restart count)."""
        return {}

    def checkpoint_extras(self) -> dict[str, Any]:
        """Extra plain-typed entries of a checkpoint (e.g. model_config, feature_spec)."""
        return {}

    def check_checkpoint(self, ckpt: dict[str, Any], source: str) -> None:
        """Raise if `ckpt` may not be resumed by this trainer (e.g. another architecture)."""

    def batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        for cb in self.callbacks:
            cb.on_batch_end(batch, logs)

    # -- the loop -----------------------------------------------------------------------
    def fit(self, batches: Sequence[Any], val_batches: Sequence[Any] | None = None,
            progress: Any = None) -> list[dict[str, Any]]:
        self.stop_training, self.stop_reason = False, None
        self.best_epoch, self.best_loss, best_state, wait = -1, math.inf, None, 0
        self._call("on_train_start", {})
        for epoch in range(self.epochs):
            logs: dict[str, Any] = {"epoch": epoch, **self.epoch_logs()}
            self._call("on_epoch_start", epoch, logs)
            logs["train_loss"] = self._finite(self._train_epoch(batches), "train_loss", epoch)
            logs["val_loss"] = (self._finite(self._eval_epoch(val_batches), "val_loss", epoch)
                                if val_batches else None)
            self._call("on_epoch_end", epoch, logs)
            self.history.append(logs)
            if progress is not None:
                progress.update(1)
            watched = logs["val_loss"] if logs["val_loss"] is not None else logs["train_loss"]
            if watched < self.best_loss - self.min_delta:
                self.best_epoch, self.best_loss, wait = epoch, watched, 0
                best_state = copy.deepcopy(self.model.state_dict())
            else:
                wait += 1
                if wait >= self.patience:
                    self.stop_training, self.stop_reason = True, "early_stopping"
            if self.stop_training:
                break
        if best_state is not None:
            self.model.load_state_dict(best_state)
        self._call("on_train_end", {"best_epoch": self.best_epoch, "best_loss": self.best_loss,
                                    "stop_reason": self.stop_reason})
        return self.history

    def _call(self, event: str, *args: Any) -> None:
        for cb in self.callbacks:
            getattr(cb, event)(*args)

    @staticmethod
    def _finite(value: float, name: str, epoch: int) -> float:
        if not math.isfinite(value):   # raise, never hide a broken model behind nan_to_num
            raise PipelineError(f"training diverged: {name} = {value} at epoch {epoch}")
        return float(value)

    # -- checkpoints --------------------------------------------------------------------
    def save_checkpoint(self, path: str | Path) -> Path:
        """Plain tensors/numbers/strings only, so torch.load(weights_only=True) reads it."""
        ckpt = {"model_state": self.model.state_dict(),
                "optimizer_state": self.optimizer.state_dict(),
                "epoch": int(self.best_epoch), "history": self.history,
                **self.checkpoint_extras()}
        buffer = io.BytesIO()          # not a temp file: torch names the zip's folder after it
        torch.save(ckpt, buffer)
        return write_bytes(buffer.getvalue(), path)

    def load_checkpoint(self, path: str | Path) -> dict[str, Any]:
        ckpt = load_torch_checkpoint(path)
        self.check_checkpoint(ckpt, str(path))
        self.model.load_state_dict(ckpt["model_state"])
        self.optimizer.load_state_dict(ckpt["optimizer_state"])
        self.history = list(ckpt.get("history", []))
        self.best_epoch = int(ckpt.get("epoch", -1))
        return ckpt
