"""Shared entry-point plumbing for stages: --quiet, logging, a summary of written files."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Callable, Iterable

from src.errors import PipelineError
from src.utils.logging import setup_logging

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
    try:
        written = list(run(args))
    except PipelineError as exc:
        log.error("%s failed: %s", name, exc)
        sys.exit(1)
    if written:
        log.info("%s wrote:\n%s", name, "\n".join(f"  {p}" for p in written))
