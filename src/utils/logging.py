"""One logging setup for every stage: rich console output, LOG_LEVEL / --quiet respected."""
from __future__ import annotations

import logging
import os
import sys

_CONFIGURED = False


def setup_logging(quiet: bool = False) -> None:
    """Configure the root logger once. LOG_LEVEL env wins; `quiet` means WARNING."""
    global _CONFIGURED
    level_name = os.environ.get("LOG_LEVEL") or ("WARNING" if quiet else "INFO")
    level = getattr(logging, level_name.upper(), logging.INFO)
    if _CONFIGURED:
        logging.getLogger().setLevel(level)
        return
    try:
        from rich.logging import RichHandler
        handler: logging.Handler = RichHandler(show_path=False, rich_tracebacks=False, markup=False)
        fmt = "%(name)s: %(message)s"
    except ImportError:  # rich is a dependency, but logging must never be the thing that fails
        handler = logging.StreamHandler(sys.stderr)
        fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    handler.setFormatter(logging.Formatter(fmt, datefmt="%H:%M:%S"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    _CONFIGURED = True


def progress_disabled() -> bool:
    """tqdm bars off under --quiet or LOG_LEVEL=WARNING (or higher)."""
    return logging.getLogger().getEffectiveLevel() > logging.INFO
