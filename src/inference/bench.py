"""Timing of the bracket simulator (`make bench`): 100,000 brackets of one season on one core."""
from __future__ import annotations

import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402  (after the thread setting)

from src.league.monte_carlo import GameModel, simulate_bracket  # noqa: E402

N_SIMS, REPEATS = 100_000, 5


def main() -> None:
    rng = np.random.default_rng(0)
    strength, priority = rng.normal(0, 5, 16), rng.permutation(16).astype(float)
    model = GameModel(home_court=2.5, link="normal", scale=11.5)
    times = []
    for repeat in range(REPEATS):
        start = time.perf_counter()
        simulate_bracket(strength, priority, model, N_SIMS, seed=repeat)
        times.append(time.perf_counter() - start)
    print(f"monte carlo: {N_SIMS} brackets in {min(times) * 1000:.1f} ms (best of {REPEATS}), "
          f"median {np.median(times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
