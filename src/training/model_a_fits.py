"""Model A fits as tasks: run in parallel (src/utils/parallel.py) and cached by their inputs.

A `FitTask` is everything one `fit_model_a` call reads: the roster, team and series rows of
its training seasons, the three configs, the validation-season count, the game model.
`fit_many` runs a list of them; a fit whose inputs were fitted before is read back from a
content-addressed folder instead (`ModelAFitCache`: Model A's entries of the one fit cache,
src/training/fit_cache.py), so a parameter change re-fits only the fits it reaches. The key
is a SHA-256 of every input (the rows, the configs, the project's code the process has
loaded from src/, the versions of torch/numpy/pandas and the CPU pins).

One exception, exact by construction: the attention monitor's thresholds
(`attention_entropy_min`, `attention_variance_min`) act on a fit only when a training batch
falls below them. A fit records the lowest entropy and variance of any of its batches and
how many batches were below the thresholds it ran with; a fit with none below is stored
without the thresholds in its key and is re-used for any thresholds at or below those
lowest values (no batch would have been flagged: the same fit, byte for byte). A fit in which
some batch was flagged is stored under its exact thresholds.

A task of `epochs: 0` whose inputs are otherwise those of a task to be trained is not fitted
on its own: the trained fit computes its two warm starts first and hands it back with its own
record (src/models/model_a/warm_start_twin.py), the same bytes; both are stored under their keys.
"""
from __future__ import annotations

import dataclasses
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
import torch

from src.features.roster import FeatureSpec
from src.models.model_a.config import ModelATrainingConfig, with_choice
from src.models.model_a.fit import (FitTask, ModelAFit, configure_torch, fit_model_a,
                                      fit_with_zero_epoch_twin, twin_eligible)
from src.models.model_a.trainer import ModelATrainer
from src.training.fit_cache import (MODEL_A_ENV, CachedKind, Entry, FitCache, cache_folder,
                                    cache_writable, fit_key)
from src.training.fit_cache_entry import BadEntry, check_numbers
from src.utils.parallel import fan_out

log = logging.getLogger(__name__)

CACHE_ENV = MODEL_A_ENV                 # Model A's folder (src/training/fit_cache.py)
THRESHOLDS = {"attention_entropy_min": "entropy", "attention_variance_min": "variance"}
# what a fit imports in a worker (src/utils/parallel.warm_up): this module, and torch's
# compiler, which the first optimiser of a process imports (~1.4 s)
WORKER_MODULES = (__name__, "torch._dynamo")


@dataclass
class FitRecord:
    """A fit as plain data (what a worker sends back and the cache stores): the checkpoint
    bytes and every ModelAFit field but the trainer."""
    checkpoint: bytes
    meta: dict[str, Any]


def fit_cost(task: FitTask) -> float:
    """A relative estimate of a fit's time (for the fan-out's order): seasons x epochs + 1
    (the warm start)."""
    return len(task.train_seasons) * (task.train_cfg.epochs + 1)


def run_fit(task: FitTask, with_twin: bool = False) -> tuple[FitRecord, FitRecord | None]:
    """One fit (in a worker process or here; torch is set up by the task itself) and, with
    `with_twin`, the fit of the same inputs with epochs 0 read off its warm starts (None
    where there is none to read: src/models/model_a/warm_start_twin.py)."""
    configure_torch(task.train_cfg)
    fit, twin = fit_with_zero_epoch_twin(task) if with_twin else (fit_model_a(task), None)
    return to_record(fit), (to_record(twin) if twin is not None else None)


def to_record(fit: ModelAFit) -> FitRecord:
    meta = {f.name: getattr(fit, f.name) for f in dataclasses.fields(fit)
            if f.name not in ("trainer", "spec", "checkpoint")}
    meta["spec"] = fit.spec.to_dict()
    return FitRecord(fit.trainer.checkpoint_bytes(), json.loads(json.dumps(meta)))


def zero_epoch_twins(tasks: Sequence[FitTask], todo: Sequence[int]) -> dict[int, int]:
    """{i: j}: task i (epochs > 0) gives task j (its inputs with epochs 0) off its warm
    starts, so task j is not fitted on its own."""
    trained = {task_key(tasks[i], with_thresholds=True, epochs=0): i for i in todo
               if tasks[i].train_cfg.epochs > 0 and twin_eligible(tasks[i].train_cfg)}
    pairs = {}
    for j in todo:
        if tasks[j].train_cfg.epochs == 0:
            i = trained.pop(task_key(tasks[j], with_thresholds=True), None)
            if i is not None:
                pairs[i] = j
    return pairs


def restore(record: FitRecord, task: FitTask) -> ModelAFit:
    """The ModelAFit of a record: a trainer with the fitted weights (for scoring) and the
    checkpoint bytes as they were written."""
    meta = dict(record.meta)
    spec = FeatureSpec.from_dict(meta.pop("spec"))
    arch, tcfg = with_choice(task.model_cfg.with_stat_dim(len(spec.feature_names)),
                             task.train_cfg, meta["choice"])
    trainer = ModelATrainer(arch, tcfg, spec, task.series.game_model, early_stopping=False,
                            epochs=0)
    state = torch.load(io.BytesIO(record.checkpoint), map_location="cpu", weights_only=True)
    trainer.model.load_state_dict(state["model_state"])
    return ModelAFit(trainer=trainer, spec=spec, **meta, checkpoint=record.checkpoint)


# -- the content-addressed cache (src/training/fit_cache.py) -----------------------------

def _check_entry(entry: Entry, where: str) -> None:
    """Model A's own check of a cache entry: its losses are numbers, its checkpoint loads as
    tensors alone (torch.load weights_only: a planted pickle is refused)."""
    check_numbers(entry.meta, losses=("val_loss",), scores=("val_spearman",))
    try:
        state = torch.load(io.BytesIO(entry.parts["pt"]), map_location="cpu", weights_only=True)
    except Exception as exc:       # UnpicklingError (a planted object), EOFError, RuntimeError
        raise BadEntry(f"the .pt does not load as tensors ({type(exc).__name__})") from None
    if not isinstance(state, dict) or "model_state" not in state:
        raise BadEntry("the .pt holds no model_state")


MODEL_A = CachedKind("model_a", ("pt",), _check_entry)


def task_key(task: FitTask, with_thresholds: bool, epochs: int | None = None) -> str:
    """The cache key; with `epochs`, the key of the same inputs with that many epochs."""
    train = dataclasses.asdict(task.train_cfg)
    if epochs is not None:
        train["epochs"] = epochs
    if not with_thresholds:
        for key in THRESHOLDS:
            train.pop(key)
    params = {"train_seasons": list(task.train_seasons), "n_val_seasons": task.n_val_seasons,
              "model": dataclasses.asdict(task.model_cfg), "train": train,
              "roster": dataclasses.asdict(task.roster_cfg),
              "game_model": dataclasses.asdict(task.series.game_model)}
    return fit_key(MODEL_A.name, params, task.data_digest,
                   {"torch": torch.__version__, "numpy": np.__version__, "pandas": pd.__version__})


def thresholds_never_reached(meta: dict[str, Any], train_cfg: ModelATrainingConfig) -> bool:
    """True when no batch of the recorded fit would be flagged under `train_cfg`'s thresholds
    (flagged = a statistic strictly below its threshold, src/models/model_a/callbacks.py)."""
    if meta.get("monitor_flagged", 1) != 0:
        return False
    lowest = meta.get("monitor_lowest") or {}
    return all(getattr(train_cfg, key) <= lowest.get(stat, -np.inf)
               for key, stat in THRESHOLDS.items())


class ModelAFitCache:
    """Model A's entries in the fit cache (src/training/fit_cache.py): <folder>/<key[:2]>/
    <key>.pt (checkpoint) + .json (the record). A fit is looked up first under its key without
    the attention thresholds (re-used when no batch would be flagged), then with them."""

    def __init__(self, folder: str | Path, writable: bool = True) -> None:
        self.entries = FitCache(folder, MODEL_A, writable)

    folder = property(lambda self: self.entries.folder)
    writable = property(lambda self: self.entries.writable)
    hits = property(lambda self: self.entries.hits)
    misses = property(lambda self: self.entries.misses)

    def get(self, task: FitTask) -> FitRecord | None:
        entry = self.entries.peek(task_key(task, with_thresholds=False))
        if entry is None or not thresholds_never_reached(entry.meta, task.train_cfg):
            entry = self.entries.peek(task_key(task, with_thresholds=True))
        self.entries.count(entry is not None)
        return FitRecord(entry.parts["pt"], entry.meta) if entry is not None else None

    def put(self, task: FitTask, record: FitRecord) -> None:
        key = task_key(task, with_thresholds=record.meta["monitor_flagged"] != 0)
        self.entries.put(key, Entry({"pt": record.checkpoint}, record.meta))


def default_cache() -> ModelAFitCache:
    """MODEL_A_FIT_CACHE, else FIT_CACHE/model_a_fits, else .cache/model_a_fits in the DVC
    repo (src/training/fit_cache.py cache_folder); a folder that is no folder is refused."""
    folder, where = cache_folder(MODEL_A.name)
    return ModelAFitCache(folder, writable=cache_writable(folder, where))


def fit_many(tasks: Sequence[FitTask], cache: ModelAFitCache | None, n_jobs: int, desc: str,
             labels: Sequence[str] | None = None) -> list[ModelAFit]:
    """fit_model_a for every task, in task order: cached fits read back, the others fitted
    in parallel, each stored and read back as it arrives (while the others still run)."""
    records = [cache.get(t) if cache is not None else None for t in tasks]
    todo = [i for i, r in enumerate(records) if r is None]
    labels = list(labels) if labels is not None else [str(i) for i in range(len(tasks))]
    twins = zero_epoch_twins(tasks, todo)
    read_off = set(twins.values())
    fits: list[ModelAFit | None] = [None] * len(tasks)

    def settle(i: int, record: FitRecord | None) -> None:
        """A fitted record, as it arrives: stored and restored while the other fits run."""
        if record is not None:
            records[i], fits[i] = record, restore(record, tasks[i])
            if cache is not None:
                cache.put(tasks[i], record)

    def settle_with_twin(k: int, fitted: tuple[FitRecord, FitRecord | None]) -> None:
        settle(run[k], fitted[0])
        if run[k] in twins:
            settle(twins[run[k]], fitted[1])

    run = [i for i in todo if i not in read_off]
    fan_out(run_fit, [(tasks[i], i in twins) for i in run], n_jobs=n_jobs, desc=desc,
            costs=[fit_cost(tasks[i]) for i in run], labels=[labels[i] for i in run],
            on_result=settle_with_twin)
    missed = [i for i in todo if records[i] is None]    # a twin with nothing to read off
    fan_out(run_fit, [(tasks[i],) for i in missed], n_jobs=n_jobs, desc=desc,
            labels=[labels[i] for i in missed], on_result=lambda k, fitted: settle(missed[k], fitted[0]))
    if cache is not None:
        log.info("%s: %d fits read from %s, %d fitted (%d of them read off the warm starts "
                 "of a trained fit of the same inputs)", desc, len(tasks) - len(todo),
                 cache.folder, len(todo), len(twins) - len(missed))
    return [fit if fit is not None else restore(r, t) for fit, r, t in zip(fits, records, tasks)]
