"""`make forecast [SEASON=2025 [AS_OF=2025-05-15]]`: the values checked, then passed to the
programs as arguments (never through a shell), and the forecast's exit status is make's.

    no SEASON           dvc repro forecast (the pipeline's season, params forecast.season)
    SEASON=2025         dvc repro evaluate, then python -m stages.forecast --season 2025
    ... AS_OF=date      ... --as-of date --allow-known (a replay of a past season to that day)
    ... UNAVAILABLE=".." ... --unavailable "PHI: Joel Embiid; ..." (the odds without them; the
                        names are checked against the rosters by the forecast stage)

The Makefile hands the values over unexpanded ($(value ...)) and single-quoted, so neither
make nor the shell ever evaluates them; this script refuses anything but a year and a date
before it runs anything.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys

YEAR = re.compile(r"[0-9]{4}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class UsageError(Exception):
    pass


def checked_season(value: str) -> int:
    if not YEAR.fullmatch(value):
        raise UsageError(f"SEASON={value!r} is not a year: four digits, the year the season "
                         "ends (SEASON=2025 is 2024-25)")
    return int(value)


def checked_as_of(value: str) -> str:
    try:
        if DATE.fullmatch(value):
            return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise UsageError(f"AS_OF={value!r} is not a date: YYYY-MM-DD (AS_OF=2024-05-15)")


def commands(season: str, as_of: str, unavailable: str = "") -> list[list[str]]:
    """The argument lists to run in turn, or UsageError naming the value at fault."""
    python = sys.executable
    if not season:
        if as_of:
            raise UsageError(f"AS_OF={as_of!r} needs SEASON: the season to replay to that day "
                             "(make forecast SEASON=2024 AS_OF=2024-05-15)")
        if unavailable:
            raise UsageError(f"UNAVAILABLE={unavailable!r} needs SEASON (or set params forecast.unavailable "
                             "and run `dvc repro forecast`)")
        return [[python, "-m", "dvc", "repro", "forecast"]]
    forecast = [python, "-m", "stages.forecast", "--season", str(checked_season(season))]
    if as_of:
        forecast += ["--as-of", checked_as_of(as_of), "--allow-known"]
    if unavailable:
        forecast += ["--unavailable", unavailable]     # one argument: never split by a shell
    return [[python, "-m", "dvc", "repro", "evaluate"], forecast]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make forecast")
    parser.add_argument("--season", default="")
    parser.add_argument("--as-of", default="")
    parser.add_argument("--unavailable", default="")
    args = parser.parse_args(argv)
    try:
        steps = commands(args.season.strip(), args.as_of.strip(), args.unavailable.strip())
    except UsageError as exc:
        print(f"make forecast: {exc}", file=sys.stderr)
        return 2
    for step in steps[:-1]:
        status = subprocess.run(step).returncode
        if status != 0:
            return status
    os.execv(steps[-1][0], steps[-1])     # the forecast's exit status is make's


if __name__ == "__main__":
    sys.exit(main())
