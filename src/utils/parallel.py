"""One fan-out for every parallel loop of the pipeline: `fan_out(fn, tasks, ...)`.

Where the work runs is the environment's business, never params.yaml's (it must not change
DVC's hashes): local worker processes (joblib's loky) by default, or a Dask cluster when
`DASK_SCHEDULER_ADDRESS` (Dask's own variable) names its scheduler. Results come back in task
order whichever backend ran them, and every task is a pure function of its arguments (each
sets up its own torch/numpy state), so the outputs are the same bytes on any backend.

Progress is reported per finished task: a tqdm bar in a terminal; in a log (what a DVC
stage's log or a CI job shows) a line each tenth of the tasks, with the task's name.

Dask workers must run the project's code under the same CPU pins as the stage that submits
the work (ATEN_CPU_CAPABILITY, MKL_CBWR: see stages/__init__.py); a worker whose pins differ
refuses the task with an error naming it, instead of returning other floats.
"""
from __future__ import annotations

import gc
import importlib
import logging
import os
import threading
import time
from typing import Any, Callable, Iterator, Sequence

from joblib import Parallel, delayed, parallel_config
from tqdm import tqdm

from src.errors import ConfigError
from src.utils.resource_bounds import usable_cpus
from src.utils.cluster import SCHEDULER_ENV, connect, in_dask_worker, run_on_cluster
from src.utils.logging import progress_disabled
from src.utils.worker_guard import watch_parent

log = logging.getLogger(__name__)

JOBS_ENV = "PIPELINE_N_JOBS"      # local worker processes (default: the CPUs this process may use)
# environment variables that change float results (stages/__init__.py sets them before torch).
# Not the BLAS thread counts: loky and Dask set those in their workers themselves, and the
# tasks' numbers come from torch (threads set by each task) and tree models, not OpenBLAS.
PINNED_ENV = ("ATEN_CPU_CAPABILITY", "MKL_CBWR")
LOG_STEPS = 10      # progress lines a fan-out writes to a log (one per tenth of its tasks)

_clients: dict[str, Any] = {}
_warming: list["WarmUp"] = []
_frozen = False          # in a worker: gc.freeze() done (_freeze_imports)


def scheduler_address() -> str | None:
    return os.environ.get(SCHEDULER_ENV) or None


def local_jobs() -> int:
    """Local worker processes for a fan-out: PIPELINE_N_JOBS (at most the usable CPUs),
    else one per usable CPU. An environment setting like the scheduler address: it changes
    where work runs, not results."""
    value, cpus = os.environ.get(JOBS_ENV), usable_cpus()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ConfigError(f"{JOBS_ENV}={value!r}: must be a whole number >= 1")
        if int(value) > cpus:
            raise ConfigError(f"{JOBS_ENV}={value}: at most {cpus} (the CPUs this process may "
                              "use; each worker holds ~570 MB of torch)")
        return int(value)
    return cpus


def bounded_jobs(n_jobs: int, n_tasks: int | None = None) -> int:
    """Worker processes to start for `n_jobs` asked: never more than the usable CPUs nor
    than the tasks (a params value checked on another machine may exceed this one's)."""
    return max(1, min(n_jobs, usable_cpus(), n_tasks if n_tasks is not None else n_jobs))


def backend_name() -> str:
    """'dask' when a scheduler is named in the environment, else 'loky' (local processes)."""
    return "dask" if scheduler_address() else "loky"


def _pins() -> dict[str, str | None]:
    return {key: os.environ.get(key) for key in PINNED_ENV}


def _run_task(index: int, fn: Callable, args: tuple, pins: dict[str, str | None]) -> tuple:
    """(index, fn(*args)) in a worker: the index lets results finish in any order."""
    watch_parent()          # a loky worker ends with its stage, even a kill -9'd one
    if not in_dask_worker():            # a Dask worker outlives the stage: left as it is
        _freeze_imports()
    here = _pins()
    if here != pins:
        import socket
        raise ConfigError(f"worker {socket.gethostname()} (pid {os.getpid()}) runs with "
                          f"{here}, the submitting stage with {pins}: start the Dask workers "
                          "with the same environment (docs/scale.md), or floats would differ")
    return index, fn(*args)


def _finished(jobs: list[tuple], n_jobs: int) -> Iterator[tuple[int, Any]]:
    """(index, result) of each job as it finishes: on the Dask cluster named in the
    environment (all its workers), else in `n_jobs` local loky processes."""
    address = scheduler_address()
    if address is None:
        with parallel_config(backend="loky"):
            yield from Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
                delayed(_run_task)(*job) for job in jobs)
        return
    client = _clients.get(address)
    if client is None or client.status not in ("running", "connecting"):
        client = _clients[address] = connect(address)
    yield from run_on_cluster(client, address, _run_task, jobs)


def _progress(total: int, desc: str) -> Callable[[int, str], None]:
    """A per-task reporter: tqdm on a terminal; in a log (a DVC stage's, CI's) a line each
    tenth of the tasks, naming the task that finished (a 150-fit stage: 10 lines, not 150)."""
    if not progress_disabled():          # a terminal, not --quiet
        bar = tqdm(total=total, desc=desc, leave=False)

        def tick(done: int, label: str) -> None:
            bar.set_postfix_str(label, refresh=False)
            bar.update(1)
            if done == total:
                bar.close()
        return tick
    start = time.perf_counter()          # a log (INFO; --quiet hides it)

    def log_tick(done: int, label: str) -> None:
        if done == total or done * LOG_STEPS // total > (done - 1) * LOG_STEPS // total:
            log.info("%s: %d/%d done (%s) after %.1fs", desc, done, total, label,
                     time.perf_counter() - start)
    return log_tick


def _import_modules(modules: Sequence[str]) -> int:
    watch_parent()
    for name in modules:
        importlib.import_module(name)
    _freeze_imports()
    return os.getpid()


def _freeze_imports() -> None:
    """Once per worker, after its imports (a warm-up's, or those of its first task, which
    unpickling the task made): the modules live as long as the worker, so frozen, the
    garbage collector no longer walks their objects (each collection, and the worker's
    exit, ~0.5 s with torch, is shorter)."""
    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True


class WarmUp(threading.Thread):
    """The background start of the local workers (`warm_up`); `pids`: the workers that ran
    its import tasks, once it is done."""

    def __init__(self, n_jobs: int, modules: Sequence[str], n_warm: int) -> None:
        super().__init__(name="worker warm-up", daemon=True)
        self.n_jobs, self.modules, self.n_warm = n_jobs, tuple(modules), n_warm
        self.pids: list[int] = []

    def run(self) -> None:
        with parallel_config(backend="loky"):
            self.pids = Parallel(n_jobs=self.n_jobs)(
                delayed(_import_modules)(self.modules) for _ in range(self.n_warm))


def warm_up(n_jobs: int, modules: Sequence[str], n_tasks: int | None = None) -> WarmUp | None:
    """Start the `n_jobs` local worker processes now, in a background thread, and import
    `modules` in as many of them as there are CPUs beside the stage's own process: a stage
    calls this before its own set-up (reading tables, building tasks), so that the workers'
    start (~3-4 s of imports each) overlaps that set-up instead of delaying the first task;
    the next `fan_out` waits for it and reuses the same workers. A worker left bare imports
    its task's modules with its first task: on 2 CPUs, importing in both workers during the
    set-up made three processes share two cores (the cold run no faster), and where no task
    comes (train_a with every fit in the fit cache: `dvc exp run`) it was ~4 s of CPU spent
    for nothing. Never more workers than the usable CPUs or `n_tasks` (the stage's count,
    when known before its set-up). Nothing to do (None) on a Dask cluster, whose workers
    are up, or with one job."""
    n_jobs = bounded_jobs(n_jobs, n_tasks)
    if scheduler_address() is not None or n_jobs <= 1:
        return None
    thread = WarmUp(n_jobs, modules, n_warm=max(1, min(n_jobs, usable_cpus() - 1)))
    thread.start()
    _warming.append(thread)
    return thread


def _wait_for_warm_up() -> None:
    while _warming:
        _warming.pop().join()


def fan_out(fn: Callable, tasks: Sequence[tuple], *, n_jobs: int, desc: str,
            labels: Sequence[str] | None = None, costs: Sequence[float] | None = None,
            on_result: Callable[[int, Any], Any] | None = None) -> list:
    """[fn(*task) for task in tasks], run in parallel on the environment's backend.

    `n_jobs` is the number of local processes (a Dask cluster uses all its workers); with
    one job, one task, or from inside a worker the tasks run here, in order. `labels` name the
    tasks in the progress report. `costs` (any relative estimate) send the costliest tasks
    first, so the workers end on short ones instead of one waiting on the other; the results
    keep the task order whatever the costs. `on_result(i, result)`, if given, runs here as each
    task's result arrives and its return value is kept instead: the caller's own work on a
    result (reading it back, storing it) overlaps the tasks still running instead of following
    the last one."""
    settle = on_result if on_result is not None else (lambda i, result: result)
    tasks = list(tasks)
    if not tasks:
        return []
    labels = list(labels) if labels is not None else [str(i) for i in range(len(tasks))]
    tick = _progress(len(tasks), desc)
    results: list[Any] = [None] * len(tasks)
    n_jobs = bounded_jobs(n_jobs, len(tasks))
    local = (scheduler_address() is None and n_jobs == 1) or in_dask_worker()
    if local:
        for i, args in enumerate(tasks):
            results[i] = settle(i, fn(*args))
            tick(i + 1, labels[i])
        return results
    pins = _pins()
    order = (sorted(range(len(tasks)), key=lambda i: -costs[i]) if costs is not None
             else range(len(tasks)))
    _wait_for_warm_up()
    finished = _finished([(i, fn, tasks[i], pins) for i in order], n_jobs)
    for done, (i, result) in enumerate(finished, start=1):
        results[i] = settle(i, result)
        tick(done, labels[i])
    return results
