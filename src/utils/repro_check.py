"""How far a fresh run's git-tracked outputs are from the committed ones (git HEAD).

torch's float kernels round differently across CPUs (e.g. with AVX-512), so a run on another
machine rewrites metrics, reports and plot data in their last digits: `git status` then lists
them as modified although nothing meaningful changed. This compares each changed file with its
committed version number by number and sorts it into one verdict, so the closing summary of
`make repro` can say plainly how far it is from the committed run:

* identical                  the same bytes
* beyond the Nth digit       same text; every number agrees to `SIGNIFICANT_DIGITS` or more,
                             and the summary says to how many digits they really agree
* rounding flip              as above, except shown (rounded) numbers whose last digit flipped
* timing only                only run facts differ (seconds, fits read from the cache)
* binary                     a figure: not compared, redrawn from the numbers above
* differs                    anything else (text, or a number beyond the tolerance): named

The tolerance is the precision results are shown at (3 significant digits): measured between
an AVX-512 machine and the one that committed the outputs, the largest relative difference was
3e-4 (a bootstrap's mean of differences), most files' below 1e-6.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

SIGNIFICANT_DIGITS = 3              # numbers agreeing to this many significant digits reproduce
RTOL = 10.0 ** -SIGNIFICANT_DIGITS
ATOL = 1e-12                        # numbers this close to zero count as equal
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")
# a line naming one of these is a run fact (wall time, fit-cache hits), not a result
RUN_FACT = re.compile(r"seconds|_s\b|fits_from_cache|fits_run")


@dataclass(frozen=True)
class FileVerdict:
    path: str
    kind: str                       # identical | digits | rounding | timing | binary | differs
    max_rel_diff: float = 0.0       # largest relative difference of a number (digits, rounding)
    detail: str = ""                # for `differs`: the first line that differs, old -> new


def _rel(a: float, b: float) -> float:
    if a == b or abs(a - b) <= ATOL:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


def _decimals(token: str) -> int | None:
    """Decimals of a plainly written number ("0.543" -> 3); None for exponent notation."""
    if "e" in token.lower():
        return None
    return len(token.split(".")[1]) if "." in token else 0


def _last_digit_flip(old: str, new: str) -> bool:
    """A rounded number whose last shown digit moved by one (0.543 -> 0.544, 0.5468 -> 0.54681
    where a trailing 0 is not written): the value under it moved by a hair across a rounding
    edge."""
    places = (_decimals(old), _decimals(new))
    if None in places:
        return False
    return math.isclose(abs(float(old) - float(new)), 10.0 ** -max(places), rel_tol=1e-6)


def compare_line(old: str, new: str) -> tuple[str, float]:
    """('digits' | 'rounding' | 'timing' | 'differs', largest relative difference)."""
    if NUMBER.sub("#", old) != NUMBER.sub("#", new):
        return "differs", math.inf
    if RUN_FACT.search(old):
        return "timing", 0.0
    kind, worst = "digits", 0.0
    for a, b in zip(NUMBER.findall(old), NUMBER.findall(new)):
        rel = _rel(float(a), float(b))
        if rel <= RTOL:
            worst = max(worst, rel)
        elif _last_digit_flip(a, b):
            kind = "rounding"
        else:
            return "differs", rel
    return kind, worst


def compare_file(path: str, old: bytes, new: bytes) -> FileVerdict:
    """The verdict of one file: its committed bytes against the fresh ones."""
    if old == new:
        return FileVerdict(path, "identical")
    try:
        old_lines, new_lines = old.decode().splitlines(), new.decode().splitlines()
    except UnicodeDecodeError:
        return FileVerdict(path, "binary")
    if len(old_lines) != len(new_lines):
        return FileVerdict(path, "differs", math.inf,
                           f"{len(old_lines)} lines committed, {len(new_lines)} now")
    kinds, worst = set(), 0.0
    for number, (a, b) in enumerate(zip(old_lines, new_lines), start=1):
        if a == b:
            continue
        kind, rel = compare_line(a, b)
        if kind == "differs":
            return FileVerdict(path, "differs", rel, f"line {number}: {_where(a, b)}")
        kinds.add(kind)
        worst = max(worst, rel)
    kind = next((k for k in ("rounding", "digits", "timing") if k in kinds), "identical")
    return FileVerdict(path, kind, worst)


def _where(old: str, new: str, before: int = 15, width: int = 45) -> str:
    """'old -> new' around the first character where the lines part (long lines: a window)."""
    start = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    start = max(0, start - before)

    def cut(line: str) -> str:
        piece = line[start:start + width]
        return ("..." if start else "") + piece.strip() + ("..." if start + width < len(line) else "")
    return f"{cut(old)} -> {cut(new)}"


def digits_agreeing(max_rel_diff: float) -> int:
    """Significant digits two numbers share at this relative difference (2.3e-8 -> 7)."""
    return 16 if max_rel_diff <= 0 else int(math.floor(-math.log10(max_rel_diff)))


def summary_lines(verdicts: list[FileVerdict], unchanged: int) -> list[str]:
    """Plain sentences: how many files reproduced and to how many digits, then each that differs."""
    by_kind: dict[str, list[FileVerdict]] = {}
    for verdict in verdicts:
        by_kind.setdefault(verdict.kind, []).append(verdict)
    parts = [f"{unchanged + len(by_kind.get('identical', []))} identical"]
    numeric = by_kind.get("digits", []) + by_kind.get("rounding", [])
    if numeric:
        parts.append(f"{len(numeric)} differ only in their last digits: " + _digit_counts(numeric))
    if rounding := by_kind.get("rounding"):
        parts.append(f"{len(rounding)} of these with a shown (rounded) number's last digit flipped "
                     f"({_names(rounding)})")
    if timing := by_kind.get("timing"):
        parts.append(f"{len(timing)} only in run times or fit-cache counts ({_names(timing)})")
    if binary := by_kind.get("binary"):
        parts.append(f"{len(binary)} figures redrawn from those numbers (binary, not compared)")
    differs = by_kind.get("differs", [])
    head = "reproduced: " if not differs else (
        f"{len(differs)} differ beyond it (expected after a change of code, params or data; "
        "else not reproduced); ")
    lines = [f"tolerance: numbers agree to {SIGNIFICANT_DIGITS} significant digits (the precision "
             "results are shown at)", head + "; ".join(parts) + "."]
    lines += [f"  differs: {v.path}: {v.detail}" for v in differs]
    return lines


def _digit_counts(verdicts: list[FileVerdict]) -> str:
    """'9 beyond the 7th significant digit, 3 beyond the 4th (largest relative difference 3.1e-04:
    reports/eval_report.json)': how many files agree to how many digits at least."""
    counts: dict[int, int] = {}
    for verdict in verdicts:
        digits = digits_agreeing(verdict.max_rel_diff)
        counts[digits] = counts.get(digits, 0) + 1
    worst = max(verdicts, key=lambda v: v.max_rel_diff)
    text = ", ".join(f"{n} beyond the {_ordinal(d)}" for d, n in sorted(counts.items(), reverse=True))
    text += " significant digit"
    return text + f" (largest relative difference {worst.max_rel_diff:.1e}: {worst.path})"


def _names(verdicts: list[FileVerdict], shown: int = 3) -> str:
    names = [v.path for v in verdicts]
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
