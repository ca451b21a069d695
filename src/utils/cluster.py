"""The Dask cluster named by DASK_SCHEDULER_ADDRESS: a bounded connect, and its failures as
one message naming the address (never a raw traceback from distributed or tornado).

A failure here is raised before the stage writes anything: its outputs stay as they were
(every writer is atomic: src/utils/io.py).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import sys
from typing import Any, Callable, Iterator, Sequence

from src.errors import PipelineError

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
CONNECT_TIMEOUT_S = 10       # how long a stage waits for the scheduler to answer
ADVICE = (f"start the scheduler and its workers (docs/scale.md), or unset {SCHEDULER_ENV} to "
          "run on this machine's processes (PIPELINE_N_JOBS)")


class ClusterError(PipelineError):
    """The Dask cluster could not be reached, or failed during the run."""


def connect(address: str) -> Any:
    """A distributed Client of the scheduler at `address`, or ClusterError within
    CONNECT_TIMEOUT_S seconds."""
    from distributed import Client
    _check_address(address)
    client = Client.__new__(Client)
    try:
        client.__init__(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        return client
    except Exception as exc:       # OSError, TimeoutError (nothing answered), a DNS failure
        # the half-made client would try to close at exit, printing a 20 s timeout's traceback
        client._Client__loop = None
        raise ClusterError(f"{SCHEDULER_ENV}={address!r}: no Dask scheduler answered within "
                           f"{CONNECT_TIMEOUT_S} s ({_why(exc)}); {ADVICE}") from None


def _check_address(address: str) -> None:
    from distributed.comm.addressing import parse_address, parse_host_port
    try:
        scheme, location = parse_address(address)
        if scheme in ("tcp", "tls"):
            parse_host_port(location)
    except ValueError as exc:
        raise ClusterError(f"{SCHEDULER_ENV}={address!r} is not a scheduler address ({exc}): "
                           f"tcp://<host>:<port>, e.g. tcp://10.0.0.5:8786; {ADVICE}") from None


def is_cluster_failure(exc: BaseException) -> bool:
    """True for an error of the cluster itself (a worker or the scheduler gone, a lost
    connection), False for an error a task raised (those keep their own message)."""
    module = type(exc).__module__.split(".")[0]
    return (module in ("distributed", "tornado")
            or isinstance(exc, (OSError, TimeoutError, asyncio.CancelledError,
                                concurrent.futures.CancelledError)))


def cluster_failure(address: str, exc: BaseException) -> ClusterError:
    what = _why(exc)
    if type(exc).__name__ == "KilledWorker":
        what += (" (a worker died running it: out of memory is the usual cause; each worker "
                 "needs ~600 MB, `dask worker --memory-limit`)")
    return ClusterError(f"the Dask cluster at {SCHEDULER_ENV}={address!r} failed during the run: "
                        f"{what}; nothing was written. {ADVICE[0].upper()}{ADVICE[1:]}")


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def in_dask_worker() -> bool:
    """True inside a task on a Dask worker (a nested fan-out runs there, in order). A
    process that has not imported distributed is none: asking distributed would import it
    (~0.6 s of CPU in every stage that fans out, and in each local worker's tasks)."""
    if "distributed" not in sys.modules:
        return False
    try:
        from distributed import get_worker
        get_worker()
        return True
    except (ImportError, ValueError):
        return False


def run_on_cluster(client: Any, address: str, fn: Callable, jobs: Sequence[tuple]
                   ) -> Iterator[Any]:
    """fn(*job) for each job on the cluster, yielded as they finish; the first job listed
    runs first (priority). A worker or scheduler lost on the way: ClusterError naming the
    address (distributed's futures raise it; joblib's Dask backend waited forever on a
    KilledWorker)."""
    from distributed import as_completed
    try:
        futures = [client.submit(fn, *job, pure=False, priority=len(jobs) - rank)
                   for rank, job in enumerate(jobs)]
        for future in as_completed(futures, loop=client.loop):
            yield future.result()
    except (Exception, asyncio.CancelledError) as exc:
        if is_cluster_failure(exc):
            raise cluster_failure(address, exc) from None
        raise
