"""The Dask cluster named by DASK_SCHEDULER_ADDRESS: a bounded connect, and its failures as
one message naming the address (never a raw traceback from distributed or tornado).

A failure here is raised before the stage writes anything: its outputs stay as they were
(every writer is atomic: src/utils/io.py).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any

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
    try:
        return Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except Exception as exc:       # OSError, TimeoutError, ValueError (a malformed address)
        raise ClusterError(f"{SCHEDULER_ENV}={address!r}: no Dask scheduler answered within "
                           f"{CONNECT_TIMEOUT_S} s ({_why(exc)}); {ADVICE}") from None


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
