"""Tasks for the fan-out tests (test_parallel.py), in a module that imports nothing heavy: a
loky worker imports the module of the function it runs, and test_parallel.py's imports (torch,
the trainers) cost each fresh worker seconds that these checks of order and progress do not need."""
from __future__ import annotations

import os
import time


def slow_square(x: int) -> int:
    time.sleep(0.05 * (3 - x % 3))      # later tasks finish first
    return x * x


def worker_pid(_: int) -> int:
    return os.getpid()


def slow_worker_pid(_: int) -> int:
    time.sleep(0.1)         # long enough that every worker of the fan-out takes a task
    return os.getpid()
