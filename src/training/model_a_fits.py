"""Model A fits as tasks: run in parallel (src/utils/parallel.py) and cached by their inputs.

A `FitTask` is everything one `fit_model_a` call reads: the roster, team and series rows of
its training seasons, the three configs, the validation-season count, the game model.
`fit_many` runs a list of them; a fit whose inputs were fitted before is read back from a
content-addressed folder instead (`FitCache`), so a parameter change re-fits only the fits
it reaches. The key is a SHA-256 of every input (the rows, the configs, the project's code
the process has loaded from src/, the versions of torch/numpy/pandas and the CPU pins).

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
import hashlib
import io
import json
import logging
import os
import platform
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
import torch

from src.errors import ConfigError
from src.features.roster import FeatureSpec
from src.models.model_a.config import ModelATrainingConfig, with_choice
from src.models.model_a.fit import (FitTask, ModelAFit, configure_torch, fit_model_a,
                                      fit_with_zero_epoch_twin, twin_eligible)
from src.training.fit_cache_entry import BadEntry, envelope, verified_meta
from src.models.model_a.trainer import ModelATrainer
from src.utils.io import write_bytes, write_text
from src.utils.parallel import PINNED_ENV, fan_out

log = logging.getLogger(__name__)

CACHE_ENV = "MODEL_A_FIT_CACHE"          # a folder shared by a team or machine (docs/scale.md)
CACHE_SUBDIR = Path(".cache/model_a_fits")
THRESHOLDS = {"attention_entropy_min": "entropy", "attention_variance_min": "variance"}
SRC = Path(__file__).resolve().parents[1]
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


# -- the content-addressed cache --------------------------------------------------------

@lru_cache(maxsize=1)
def code_digest() -> str:
    """The source of every project module this process has loaded (the fit's code and what
    runs it): a change there is a new key, never a stale fit; a change elsewhere in src/
    (a report, the evaluation) keeps the cache."""
    files = sorted({Path(module.__file__).resolve() for name, module in list(sys.modules.items())
                    if name.split(".")[0] == "src" and getattr(module, "__file__", None)})
    h = hashlib.sha256()
    for path in files:
        h.update(str(path.relative_to(SRC)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def task_key(task: FitTask, with_thresholds: bool, epochs: int | None = None) -> str:
    """The cache key; with `epochs`, the key of the same inputs with that many epochs."""
    train = dataclasses.asdict(task.train_cfg)
    if epochs is not None:
        train["epochs"] = epochs
    if not with_thresholds:
        for key in THRESHOLDS:
            train.pop(key)
    parts = {
        "code": code_digest(),
        "env": {"torch": torch.__version__, "numpy": np.__version__, "pandas": pd.__version__,
                "python": platform.python_version(),
                **{k: os.environ.get(k) for k in PINNED_ENV}},
        "train_seasons": list(task.train_seasons), "n_val_seasons": task.n_val_seasons,
        "model": dataclasses.asdict(task.model_cfg), "train": train,
        "roster": dataclasses.asdict(task.roster_cfg),
        "game_model": dataclasses.asdict(task.series.game_model), **task.data_digest,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def thresholds_never_reached(meta: dict[str, Any], train_cfg: ModelATrainingConfig) -> bool:
    """True when no batch of the recorded fit would be flagged under `train_cfg`'s thresholds
    (flagged = a statistic strictly below its threshold, src/models/model_a/callbacks.py)."""
    if meta.get("monitor_flagged", 1) != 0:
        return False
    lowest = meta.get("monitor_lowest") or {}
    return all(getattr(train_cfg, key) <= lowest.get(stat, -np.inf)
               for key, stat in THRESHOLDS.items())


class FitCache:
    """<folder>/<key[:2]>/<key>.pt (checkpoint) + .json (the record with the hashes of its
    inputs and bytes, written last: src/training/fit_cache_entry.py). An entry that fails
    its check is a warning naming it, and the fit runs again (and replaces it). A folder
    that cannot be written is read from, and nothing is stored (said once)."""

    def __init__(self, folder: str | Path, writable: bool = True) -> None:
        self.folder = Path(folder)
        self.writable = writable
        self.hits = self.misses = 0

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / key[:2] / key
        return base.with_suffix(".pt"), base.with_suffix(".json")

    def _read(self, key: str) -> FitRecord | None:
        pt, meta = self._paths(key)
        if not pt.exists() and not meta.exists():
            return None
        try:
            checkpoint = pt.read_bytes()
            return FitRecord(checkpoint, verified_meta(key, checkpoint, meta.read_text()))
        except (OSError, UnicodeDecodeError, BadEntry) as exc:
            why = exc if isinstance(exc, BadEntry) else f"unreadable: {type(exc).__name__}: {exc}"
            log.warning("model A fit cache: entry %s not used, fitted again: %s",
                        meta.with_suffix(""), why)
            return None

    def get(self, task: FitTask) -> FitRecord | None:
        record = self._read(task_key(task, with_thresholds=False))
        if record is None or not thresholds_never_reached(record.meta, task.train_cfg):
            record = self._read(task_key(task, with_thresholds=True))
        self.hits, self.misses = self.hits + (record is not None), self.misses + (record is None)
        return record

    def put(self, task: FitTask, record: FitRecord) -> None:
        if not self.writable:
            return
        key = task_key(task, with_thresholds=record.meta["monitor_flagged"] != 0)
        pt, meta = self._paths(key)
        try:
            write_bytes(record.checkpoint, pt)
            write_text(envelope(key, record.checkpoint, record.meta), meta)
        except OSError as exc:         # a full disk, a folder made read-only during the run
            self.writable = False
            log.warning("model A fit cache %s: could not store a fit (%s); the run goes on "
                        "without storing fits", self.folder, exc)


def default_cache() -> FitCache:
    """MODEL_A_FIT_CACHE, else .cache/model_a_fits in the DVC repo (DVC_ROOT: the workspace's
    repo also for queued experiments, which run in temporary copies of it)."""
    folder = os.environ.get(CACHE_ENV)
    where = f"{CACHE_ENV}={folder}" if folder else "the fit cache"
    if not folder:
        folder = Path(os.environ.get("DVC_ROOT") or ".") / CACHE_SUBDIR
    return FitCache(folder, writable=cache_writable(Path(folder), where))


def cache_writable(folder: Path, where: str) -> bool:
    """Checked before any fit runs: True when fits can be stored in `folder`; False (said
    once) for a folder that can be read but not written; ConfigError when it is no folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if not folder.is_dir():
            raise ConfigError(f"{where}: {folder} cannot be made a folder ({exc.strerror}); "
                              f"name a writable folder in {CACHE_ENV}, or unset it") from None
    if not folder.is_dir():
        raise ConfigError(f"{where}: {folder} is not a folder; name a writable folder in "
                          f"{CACHE_ENV}, or unset it")
    try:
        probe = tempfile.TemporaryFile(dir=folder)
    except OSError as exc:
        log.warning("%s: %s is read-only (%s): cached fits are read from it, new fits are not "
                    "stored", where, folder, exc.strerror)
        return False
    probe.close()
    return True


def fit_many(tasks: Sequence[FitTask], cache: FitCache | None, n_jobs: int, desc: str,
             labels: Sequence[str] | None = None) -> list[ModelAFit]:
    """fit_model_a for every task, in task order: cached fits read back, the others fitted
    in parallel (and stored)."""
    records = [cache.get(t) if cache is not None else None for t in tasks]
    todo = [i for i, r in enumerate(records) if r is None]
    labels = list(labels) if labels is not None else [str(i) for i in range(len(tasks))]
    twins = zero_epoch_twins(tasks, todo)
    read_off = set(twins.values())
    run = [i for i in todo if i not in read_off]
    fitted = fan_out(run_fit, [(tasks[i], i in twins) for i in run], n_jobs=n_jobs, desc=desc,
                     costs=[fit_cost(tasks[i]) for i in run], labels=[labels[i] for i in run])
    for i, (record, twin) in zip(run, fitted):
        records[i] = record
        if i in twins:
            records[twins[i]] = twin
    missed = [i for i in todo if records[i] is None]    # a twin with nothing to read off
    refitted = fan_out(run_fit, [(tasks[i],) for i in missed], n_jobs=n_jobs, desc=desc,
                       labels=[labels[i] for i in missed])
    for i, (record, _) in zip(missed, refitted):
        records[i] = record
    if cache is not None:
        for i in todo:
            cache.put(tasks[i], records[i])
        log.info("%s: %d fits read from %s, %d fitted (%d of them read off the warm starts "
                 "of a trained fit of the same inputs)", desc, len(tasks) - len(todo),
                 cache.folder, len(todo), len(twins) - len(missed))
    return [restore(r, t) for r, t in zip(records, tasks)]
