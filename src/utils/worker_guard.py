"""Local worker processes never outlive the stage that started them.

Two ends: the stage, on SIGTERM (or any exit through `stop_local_workers`), kills its loky
workers instead of waiting for them; each worker watches its parent's pid and exits when the
parent is gone (a `kill -9` of the stage runs no handler at all, and loky's idle workers
would otherwise wait minutes, each holding its ~570 MB of torch, before they time out).
"""
from __future__ import annotations

import multiprocessing
import os
import threading

PARENT_POLL_S = 1.0      # how often a worker looks at its parent (a read of one pid)

_watching = False


def in_loky_worker() -> bool:
    """True in a loky worker process (not in the stage itself, nor in a Dask worker)."""
    return multiprocessing.current_process().name.startswith("LokyProcess")


def _exit_when_orphaned(parent: int) -> None:
    stopped = threading.Event()
    while not stopped.wait(PARENT_POLL_S):
        if os.getppid() != parent:       # re-parented: the stage is gone
            os._exit(1)


def watch_parent() -> None:
    """In a loky worker: a daemon thread that ends the process when its parent dies
    (called by every task and the warm-up; installs itself once per process)."""
    global _watching
    if _watching or not in_loky_worker():
        return
    _watching = True
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),),
                     name="parent watch", daemon=True).start()


def stop_local_workers() -> None:
    """Kill the local loky workers now (SIGTERM of the stage: nothing waits for a task to
    end). A no-op when none were started."""
    from joblib.externals.loky import reusable_executor
    executor = reusable_executor._executor
    if executor is None:
        return
    for process in list(getattr(executor, "_processes", {}).values()):
        if process.is_alive():
            process.kill()
    executor.shutdown(wait=False, kill_workers=True)
