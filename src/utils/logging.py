"""One logging setup for every stage: LOG_LEVEL / --quiet respected, floats rounded, a note
said once per run.

A note marked `extra=ONCE` (a rule applied to many calls: rosters built per season, a subsample
per fit) is shown the first time its message template comes up; later ones go to DEBUG and
`repeats_summary()` (called at the end of every stage) says how many were held back, so no
count disappears. `collected(...)` gathers the records of a block so a stage can say them as
one summary line (stage ingest does so for the bracket notes every later stage would repeat).

On a terminal: rich output and tqdm progress bars. Elsewhere (a pipe, a CI log, a file):
plain one-line records, never wrapped or padded, and no progress bars (a bar redrawn into a
file is a thousand frames of noise).
"""
from __future__ import annotations

import logging
import numbers
import os
import sys
from collections import Counter
from contextlib import contextmanager
from typing import Iterator

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


ONCE = {"once": True}     # `log.info(msg, *args, extra=ONCE)`: said once per run, repeats at DEBUG


class SayOnce(logging.Filter):
    """Let the first record of each ONCE template through; count (and demote) the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.held: Counter = Counter()
        self.first: dict[tuple, str] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "once", False):
            return True
        key = (record.name, record.msg)
        seen = key in self.held
        self.held[key] += 1
        if not seen:
            self.first[key] = record.getMessage()
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger().isEnabledFor(logging.DEBUG)


_SAY_ONCE = SayOnce()


def repeats_summary() -> str | None:
    """One line on the ONCE notes held back in this run (None if none were)."""
    held = {k: n - 1 for k, n in _SAY_ONCE.held.items() if n > 1}
    if not held:
        return None
    parts = [f"{n} more like '{_SAY_ONCE.first[key]}'" for key, n in held.items()]
    return f"notes said once, repeats at DEBUG (LOG_LEVEL=DEBUG shows them): {'; '.join(parts)}"


def said_at_ingest(level: int) -> dict:
    """`extra` of a DEBUG note about the data that every stage building the same table would
    repeat: stage ingest collects them and says each kind once at `level` (summarise_notes)."""
    return {"summary_level": level}


def summarise_notes(records: list[logging.LogRecord], logger: logging.Logger) -> None:
    """One line per kind of note (message template): how many, the first in full. With
    DEBUG enabled every record is shown as well."""
    kinds: dict[tuple, list[logging.LogRecord]] = {}
    for record in records:
        kinds.setdefault((record.name, record.msg), []).append(record)
        if logger.isEnabledFor(logging.DEBUG):
            logging.getLogger(record.name).parent.handle(record)
    for group in kinds.values():
        level = max(getattr(r, "summary_level", r.levelno) for r in group)
        more = f" (+{len(group) - 1} more like it; LOG_LEVEL=DEBUG lists each)" if len(group) > 1 else ""
        logger.log(level, "%d x %s%s", len(group), group[0].getMessage(), more)


def summarise_by_subject(records: list[logging.LogRecord], logger: logging.Logger) -> None:
    """The records that would have been shown, one line per subject (the text before the first
    ": ", e.g. a file name), their rests joined by "; ", at the highest level among them."""
    subjects: dict[str, list[logging.LogRecord]] = {}
    for record in records:
        if logging.getLogger().isEnabledFor(record.levelno):
            subject = record.getMessage().split(": ", 1)[0]
            subjects.setdefault(subject, []).append(record)
    for subject, group in subjects.items():
        rests = [r.getMessage().split(": ", 1)[-1] for r in group]
        logger.log(max(r.levelno for r in group), "%s: %s", subject, "; ".join(rests))


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def collected(logger_name: str) -> Iterator[list[logging.LogRecord]]:
    """Records of `logger_name` (and children) at any level logged inside the block."""
    logger = logging.getLogger(logger_name)
    collector, old = _Collector(), (logger.level, logger.propagate)
    logger.addHandler(collector)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False         # the caller says them (as a summary); not the root handler
    try:
        yield collector.records
    finally:
        logger.removeHandler(collector)
        logger.setLevel(old[0])
        logger.propagate = old[1]


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
    handler.addFilter(_SAY_ONCE)
    logging.basicConfig(level=level, handlers=[handler], force=True)
    _CONFIGURED = True


def progress_disabled() -> bool:
    """tqdm bars only on a terminal, and not under --quiet or LOG_LEVEL=WARNING (or higher)."""
    return not on_terminal() or logging.getLogger().getEffectiveLevel() > logging.INFO
