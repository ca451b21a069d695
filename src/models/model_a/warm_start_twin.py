"""A 0-epoch Model A fit read off a trained fit of the same inputs.

The nested choice's grid `epochs: [60, 0]` fits every split twice: trained, and the warm start
alone. A fit of 0 epochs is its two warm starts: the value head fitted on the fit seasons and
scored on the validation seasons, then fitted again on all training seasons (the refit). A
fit of the same inputs with epochs > 0 computes exactly these two warm starts before its first
epoch (same seed, same initial weights, same seasons), so `WarmStartSnapshot` records them
there, and src/models/model_a/fit.fit_with_zero_epoch_twin builds the 0-epoch fit from
them: the same checkpoint bytes and history as fitting it, without fitting it (72 of the 144
candidate fits of a cold run). tests/test_model_a_fit_cache.py compares the two.
"""
from __future__ import annotations

import copy
import time
from typing import Any, Callable

import torch

from src.models.model_a.base_trainer import Callback


class WarmStartSnapshot(Callback):
    """The weights, the start logs (epoch -1) and `score(trainer)` when training starts, for
    the first attempt only (a restart after an attention collapse re-seeds); `seconds` from
    `started` (a time.perf_counter() reading) to then."""

    def __init__(self, started: float,
                 score: Callable[[Any], float | None] | None = None) -> None:
        self.score = score
        self.started = started
        self.state: dict[str, torch.Tensor] | None = None
        self.logs: dict[str, Any] = {}
        self.score_value: float | None = None
        self.seconds = 0.0

    def on_train_start(self, logs: dict[str, Any]) -> None:
        if self.state is not None:
            return
        self.state = copy.deepcopy(self.trainer.model.state_dict())
        self.logs = dict(logs)
        # predict() only reads the weights (eval mode, no dropout draw): training goes on as
        # if nothing had looked
        self.score_value = self.score(self.trainer) if self.score is not None else None
        self.seconds = time.perf_counter() - self.started
