"""Bounds on every params.yaml value that sets how much work or memory a run takes.

The typed sections check each key's type and sign; these checks add an upper end (and, for
values that enter a division or a matrix inverse, a lower end), so that a typo such as
`n_sims: 1e10` (596 GiB of brackets) or `prior_sd_grid: [1e-300]` (a singular matrix) is
refused by validate_params, naming the key and the bound, before any stage does work.

The bounds are wide: each is 10-1000x the value params.yaml uses, well inside what the
code handles (numbers in points are NBA point margins and spreads).
"""
from __future__ import annotations

import os
from typing import Any, Iterable

from src.errors import ConfigError

MAX_SIMS = 1_000_000          # Monte Carlo brackets a season (x30 teams x8 bytes: ~240 MB an array)
MAX_RESAMPLES = 100_000       # bootstrap resamples, permutations of the chance baseline
MAX_GRID_VALUES = 50          # candidates in one playoff_update grid (each is scored on 8 seasons)
PRIOR_SD_POINTS = (0.01, 50.0)    # a playoff delta's prior sd: 0 (no update) or in this range
MARGIN_CAP_POINTS = (1.0, 200.0)  # a game's margin counts up to this (100 = uncapped)
GAME_SCALE_POINTS = (1.0, 50.0)   # game-to-game spread of the point margin
TEMPERATURE_RANGE = (1e-3, 1e3)   # simulation.temperature_bounds
MIN_WORKERS_BOUND = 2         # the workers bound is the usable CPUs, never below this


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, e.g. a container's share)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _show(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


def check_at_most(key: str, value: float, bound: float, why: str) -> None:
    if value > bound:
        raise ConfigError(f"params.yaml: {key} = {_show(value)} is above its bound "
                          f"{_show(bound)} ({why})")


def check_range(key: str, value: float, low: float, high: float, why: str,
                zero_ok: bool = False) -> None:
    if zero_ok and value == 0:
        return
    if not low <= value <= high:
        zero = "0 or " if zero_ok else ""
        raise ConfigError(f"params.yaml: {key} = {_show(value)} is outside its bounds: {zero}"
                          f"{low:g}..{high:g} ({why})")


def _check_grid(key: str, values: Iterable[float], low: float, high: float, why: str,
                zero_ok: bool = False) -> None:
    values = list(values)
    check_at_most(f"{key} (number of values)", len(values), MAX_GRID_VALUES,
                  "each candidate is scored on every validation season")
    for value in values:
        check_range(key, value, low, high, why, zero_ok)


def check_workers(fields: dict[str, Any]) -> None:
    """Processes and threads: never more than the CPUs this machine lets the process use
    (they do not change results, only how long a run takes and how much memory it holds).
    At least MIN_WORKERS_BOUND, so that params.yaml's 2 passes on a 1-CPU machine too: there
    the fan-out starts one process (src/utils/parallel.py bounded_jobs)."""
    cpus = max(usable_cpus(), MIN_WORKERS_BOUND)
    why = "the CPUs this process may use here; results do not depend on it"
    for key, value in (("model_a_selection.n_jobs", fields["model_a_selection"].n_jobs),
                       ("model_b.n_jobs", fields["model_b"].n_jobs),
                       ("model_a.num_threads", fields["model_a_training"].num_threads),
                       ("explain.rfx_fuse.n_threads", fields["explain"].rfx_fuse.n_threads)):
        check_at_most(key, value, cpus, why)


def check_resources(fields: dict[str, Any]) -> None:
    """Every bound above, on the typed sections of params.yaml (src/params.py)."""
    check_workers(fields)
    sim, update = fields["simulation"], fields["playoff_update"]
    check_at_most("simulation.n_sims", sim.n_sims, MAX_SIMS,
                  "brackets held in memory at once; the odds' Monte Carlo error is ~0.1% at 1e6")
    check_at_most("forecast.schedules", fields["forecast"].schedules, sim.n_sims,
                  "each schedule plays simulation.n_sims / schedules brackets")
    check_at_most("evaluation.n_bootstrap", fields["evaluation"].n_bootstrap, MAX_RESAMPLES,
                  "resamples held in memory at once")
    check_at_most("explain.n_permutations", fields["explain"].n_permutations, MAX_RESAMPLES,
                  "shuffles held in memory at once")
    check_range("simulation.scale", sim.scale, *GAME_SCALE_POINTS, "points: an NBA game's spread")
    for bound in sim.temperature_bounds:
        check_range("simulation.temperature_bounds", bound, *TEMPERATURE_RANGE,
                    "points per unit of score")
    prior_why = "points: a tiny sd makes the update's matrix singular, a huge one overflows"
    _check_grid("playoff_update.prior_sd_grid", update.prior_sd_grid, *PRIOR_SD_POINTS,
                prior_why, zero_ok=True)
    check_range("playoff_update.default_prior_sd", update.default_prior_sd, *PRIOR_SD_POINTS,
                prior_why, zero_ok=True)
    cap_why = "points: 100 already counts every margin in full"
    _check_grid("playoff_update.margin_cap_grid", update.margin_cap_grid, *MARGIN_CAP_POINTS,
                cap_why)
    check_range("playoff_update.default_margin_cap", update.default_margin_cap,
                *MARGIN_CAP_POINTS, cap_why)
