"""A small class-based training loop in the Keras shape, shared by the models trained by epochs.

`BaseTrainer.fit` owns one epoch loop and nothing else: it calls the subclass's `_train_epoch`
(which calls `self.batch_end` after each optimiser step) and `_eval_epoch`, and dispatches the
events to a `CallbackList`. Early stopping (`EarlyStopping`, opt-in best-weight restore) and
checkpointing (`ModelCheckpoint`) are callbacks like any other; a callback ends training by
setting `trainer.stop_training` (and `stop_reason`).
"""
from __future__ import annotations

import copy
import io
import logging
import math
from pathlib import Path
from typing import Any, Iterable, Sequence

import torch
from torch import nn

from src.errors import PipelineError
from src.utils.io import write_bytes
from src.utils.model_files import load_torch_checkpoint

log = logging.getLogger(__name__)

EARLY_STOPPING_REASON = "early_stopping"
START_EPOCH = -1   # the weights before the first epoch (EarlyStopping include_start)


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


class CallbackList:
    """Calls every callback's hook, in order (Keras' CallbackList)."""

    def __init__(self, callbacks: Iterable[Callback] = ()) -> None:
        self.callbacks = list(callbacks)

    def __iter__(self):
        return iter(self.callbacks)

    def append(self, callback: Callback) -> None:
        self.callbacks.append(callback)

    def set_trainer(self, trainer: "BaseTrainer") -> None:
        for cb in self.callbacks:
            cb.set_trainer(trainer)

    def on_train_start(self, logs: dict[str, Any]) -> None:
        for cb in self.callbacks:
            cb.on_train_start(logs)

    def on_epoch_start(self, epoch: int, logs: dict[str, Any]) -> None:
        for cb in self.callbacks:
            cb.on_epoch_start(epoch, logs)

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        for cb in self.callbacks:
            cb.on_batch_end(batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        for cb in self.callbacks:
            cb.on_epoch_end(epoch, logs)

    def on_train_end(self, logs: dict[str, Any]) -> None:
        for cb in self.callbacks:
            cb.on_train_end(logs)


def monitored(logs: dict[str, Any], monitor: str) -> float:
    """The watched loss of an epoch: `monitor`, or train_loss when that is None (no validation)."""
    value = logs.get(monitor)
    return float(logs["train_loss"] if value is None else value)


class EarlyStopping(Callback):
    """Stop when `monitor` has not improved by more than `min_delta` for `patience` epochs.
    Records the best epoch on the trainer; with `restore_best_weights` (opt-in, as in Keras)
    puts that epoch's weights back at the end. With `include_start`, the starting weights are
    a candidate too (epoch -1, scored by the `monitor` value the trainer passes to
    on_train_start): a fit whose every epoch is worse keeps its start."""

    def __init__(self, patience: int, min_delta: float = 0.0, monitor: str = "val_loss",
                 restore_best_weights: bool = False, include_start: bool = False) -> None:
        self.patience, self.min_delta, self.monitor = patience, min_delta, monitor
        self.restore_best_weights, self.include_start = restore_best_weights, include_start
        self.best_state: dict[str, torch.Tensor] | None = None
        self.wait = 0

    def on_train_start(self, logs: dict[str, Any]) -> None:
        self.best_state, self.wait = None, 0
        if self.include_start and logs.get(self.monitor) is not None:
            trainer = self.trainer
            trainer.best_epoch, trainer.best_loss = START_EPOCH, float(logs[self.monitor])
            if self.restore_best_weights:
                self.best_state = copy.deepcopy(trainer.model.state_dict())

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        trainer = self.trainer
        value = monitored(logs, self.monitor)
        if value < trainer.best_loss - self.min_delta:
            trainer.best_epoch, trainer.best_loss, self.wait = epoch, value, 0
            if self.restore_best_weights:
                self.best_state = copy.deepcopy(trainer.model.state_dict())
            return
        self.wait += 1
        if self.wait >= self.patience:
            trainer.stop_training, trainer.stop_reason = True, EARLY_STOPPING_REASON

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self.restore_best_weights and self.best_state is not None:
            self.trainer.model.load_state_dict(self.best_state)


class ModelCheckpoint(Callback):
    """Save the trainer's checkpoint to `path` after every epoch, or only when `monitor`
    improves (`save_best_only`)."""

    def __init__(self, path: str | Path, monitor: str = "val_loss",
                 save_best_only: bool = True) -> None:
        self.path, self.monitor, self.save_best_only = Path(path), monitor, save_best_only
        self.best = math.inf

    def on_train_start(self, logs: dict[str, Any]) -> None:
        self.best = math.inf

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        value = monitored(logs, self.monitor)
        if not self.save_best_only or value < self.best:
            self.best = min(self.best, value)
            self.trainer.save_checkpoint(self.path, epoch=epoch)


class BaseTrainer:
    """fit(batches, val_batches=None) -> history (one dict per epoch).

    Without an EarlyStopping callback every epoch runs and `best_epoch` is the last one."""

    def __init__(self, model: nn.Module, optimizer: torch.optim.Optimizer, epochs: int,
                 callbacks: Sequence[Callback] = ()) -> None:
        self.model, self.optimizer, self.epochs = model, optimizer, epochs
        self.callbacks = CallbackList(callbacks)
        self.callbacks.set_trainer(self)
        self.history: list[dict[str, Any]] = []
        self.stop_training, self.stop_reason = False, None
        self.best_epoch, self.best_loss = -1, math.inf

    # -- subclass API -------------------------------------------------------------------
    def _train_epoch(self, batches: Sequence[Any]) -> float:
        raise NotImplementedError

    def _eval_epoch(self, batches: Sequence[Any]) -> float:
        raise NotImplementedError

    def start_logs(self, batches: Sequence[Any],
                   val_batches: Sequence[Any] | None) -> dict[str, Any]:
        """Logs of the weights before the first epoch (epoch -1), given to on_train_start and,
        when not empty, kept as the first history row. By default only the validation loss,
        and only for an EarlyStopping that counts the start as a candidate."""
        stopping = self.early_stopping
        if not val_batches or stopping is None or not stopping.include_start:
            return {}
        return {"epoch": START_EPOCH,
                "val_loss": self._finite(self._eval_epoch(val_batches), "val_loss", START_EPOCH)}

    def epoch_logs(self) -> dict[str, Any]:
        """Extra keys every history row carries (e.g. the restart count)."""
        return {}

    def checkpoint_extras(self) -> dict[str, Any]:
        """Extra plain-typed entries of a checkpoint (e.g. model_config, feature_spec)."""
        return {}

    def check_checkpoint(self, ckpt: dict[str, Any], source: str) -> None:
        """Raise if `ckpt` may not be resumed by this trainer (e.g. another architecture)."""

    def batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        self.callbacks.on_batch_end(batch, logs)

    @property
    def early_stopping(self) -> EarlyStopping | None:
        return next((cb for cb in self.callbacks if isinstance(cb, EarlyStopping)), None)

    # -- the loop -----------------------------------------------------------------------
    def fit(self, batches: Sequence[Any], val_batches: Sequence[Any] | None = None,
            progress: Any = None) -> list[dict[str, Any]]:
        self.stop_training, self.stop_reason = False, None
        self.best_epoch, self.best_loss = START_EPOCH, math.inf
        start = self.start_logs(batches, val_batches)
        if start:
            self.history.append(start)
        self.callbacks.on_train_start(start)
        for epoch in range(self.epochs):
            logs: dict[str, Any] = {"epoch": epoch, **self.epoch_logs()}
            self.callbacks.on_epoch_start(epoch, logs)
            logs["train_loss"] = self._finite(self._train_epoch(batches), "train_loss", epoch)
            logs["val_loss"] = (self._finite(self._eval_epoch(val_batches), "val_loss", epoch)
                                if val_batches else None)
            self.callbacks.on_epoch_end(epoch, logs)
            self.history.append(logs)
            if progress is not None:
                progress.update(1)
            if self.early_stopping is None:
                self.best_epoch, self.best_loss = epoch, monitored(logs, "val_loss")
            if self.stop_training:
                break
        self.callbacks.on_train_end({"best_epoch": self.best_epoch, "best_loss": self.best_loss,
                                     "stop_reason": self.stop_reason})
        return self.history

    @staticmethod
    def _finite(value: float, name: str, epoch: int) -> float:
        if not math.isfinite(value):   # raise, never hide a broken model behind nan_to_num
            raise PipelineError(f"training diverged: {name} = {value} at epoch {epoch}")
        return float(value)

    # -- checkpoints --------------------------------------------------------------------
    def save_checkpoint(self, path: str | Path, epoch: int | None = None) -> Path:
        return write_bytes(self.checkpoint_bytes(epoch), path)

    def checkpoint_bytes(self, epoch: int | None = None) -> bytes:
        """Plain tensors/numbers/strings only, so torch.load(weights_only=True) reads it."""
        ckpt = {"model_state": self.model.state_dict(),
                "optimizer_state": self.optimizer.state_dict(),
                "epoch": int(self.best_epoch if epoch is None else epoch),
                "history": self.history, **self.checkpoint_extras()}
        buffer = io.BytesIO()          # not a temp file: torch names the zip's folder after it
        torch.save(ckpt, buffer)
        return buffer.getvalue()

    def load_checkpoint(self, path: str | Path) -> dict[str, Any]:
        ckpt = load_torch_checkpoint(path)
        self.check_checkpoint(ckpt, str(path))
        self.model.load_state_dict(ckpt["model_state"])
        self.optimizer.load_state_dict(ckpt["optimizer_state"])
        self.history = list(ckpt.get("history", []))
        self.best_epoch = int(ckpt.get("epoch", -1))
        return ckpt
