"""Shared entry-point plumbing for stages: --quiet, logging, a summary of written files."""
from __future__ import annotations

import argparse
import gc
import logging
import signal
import sys
from pathlib import Path
from typing import Callable, Iterable

from src.errors import PipelineError
from src.utils.logging import repeats_summary, setup_logging
from src.utils.worker_guard import stop_local_workers

log = logging.getLogger("stage")


def stage_main(name: str, run: Callable[[argparse.Namespace], Iterable[Path]],
               add_args: Callable[[argparse.ArgumentParser], None] | None = None) -> None:
    """Parse args, set up logging, call `run`, and end with one screen of what was written."""
    parser = argparse.ArgumentParser(prog=f"python -m stages.{name}")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    parser.add_argument("--params", default="params.yaml", help="params file (default: params.yaml)")
    if add_args:
        add_args(parser)
    args = parser.parse_args()
    setup_logging(args.quiet)
    # SIGTERM (dvc, a CI timeout, `kill`) raises SystemExit, so every atomic writer's
    # `finally` removes its temp file instead of leaving it beside the outputs
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        written = list(run(args))
    except PipelineError as exc:
        log.error("%s failed: %s", name, exc)
        sys.exit(1)
    held = repeats_summary()
    if held:
        log.info(held)
    if written:
        log.info("%s wrote %s", name, ", ".join(str(p) for p in written))
    # the interpreter's shutdown runs the garbage collector over every object once more
    # (torch's and pandas' modules: ~0.4 s a stage); frozen, it skips them. The outputs are
    # written and closed; exit handlers (worker shutdown, logging) still run.
    gc.freeze()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # the local workers are killed, not waited for: a task can run for minutes
    stop_local_workers()
    log.error("terminated (signal %d): workers stopped, temp files removed, outputs left as "
              "they were", signum)
    raise SystemExit(128 + signum)
