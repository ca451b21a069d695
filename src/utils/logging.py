"""One logging setup for every stage: LOG_LEVEL / --quiet respected, floats rounded.

On a terminal: rich output and tqdm progress bars. Elsewhere (a pipe, a CI log, a file):
plain one-line records, never wrapped or padded, and no progress bars (a bar redrawn into a
file is a thousand frames of noise).
"""
from __future__ import annotations

import logging
import numbers
import os
import sys

_CONFIGURED = False
SIGNIFICANT = 4          # a float below 1 in a log record keeps 4 significant digits (0.9392)
DECIMALS = 3             # one of 1 or more keeps 3 decimals (62.051)


def short_float(value):
    """`value` rounded for a log line if it is a non-integer real; anything else unchanged."""
    if isinstance(value, numbers.Integral) or not isinstance(value, numbers.Real):
        return value
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        return value
    return round(value, DECIMALS) if abs(value) >= 1 else float(f"{value:.{SIGNIFICANT}g}")


class RoundFloats(logging.Filter):
    """Round the float arguments of every record (`log.info("Spearman %s", 0.93916256...)`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(short_float(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: short_float(v) for k, v in record.args.items()}
        return True


def on_terminal() -> bool:
    return sys.stderr.isatty()


def setup_logging(quiet: bool = False) -> None:
    """Configure the root logger once. LOG_LEVEL env wins; `quiet` means WARNING."""
    global _CONFIGURED
    level_name = os.environ.get("LOG_LEVEL") or ("WARNING" if quiet else "INFO")
    level = getattr(logging, level_name.upper(), logging.INFO)
    if _CONFIGURED:
        logging.getLogger().setLevel(level)
        return
    handler: logging.Handler
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    if on_terminal():
        try:
            from rich.logging import RichHandler
            handler = RichHandler(show_path=False, rich_tracebacks=False, markup=False)
            fmt = "%(name)s: %(message)s"
        except ImportError:  # rich is a dependency, but logging must never be the thing that fails
            handler = logging.StreamHandler(sys.stderr)
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(fmt, datefmt="%H:%M:%S"))
    handler.addFilter(RoundFloats())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    _CONFIGURED = True


def progress_disabled() -> bool:
    """tqdm bars only on a terminal, and not under --quiet or LOG_LEVEL=WARNING (or higher)."""
    return not on_terminal() or logging.getLogger().getEffectiveLevel() > logging.INFO
