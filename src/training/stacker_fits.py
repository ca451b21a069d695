"""The stacker's fits in the fit cache (src/training/fit_cache.py): the walk-forward choices of
the series-likelihood stacker (kind `stacker_splits`: one Selection per split) and the final
stacker (kind `stacker`: models/stacker.json's bytes).

A split's key is the `stacking` params, the game model and the digests of the series designs
its choice reads (each scaling's and, fitted on games, each game design's, of its training
seasons; every season hashed once for all splits). The final stacker's key is the params, the
game model, first_test and the digests of the rows, target and series it is fitted on. An
entry is read back as JSON (nothing in it runs); a fit made here is read back from the bytes
it stores too, so a cold and a warm run write the same bytes. The ridge of objective order is
refitted every run (a RidgeCV per split: milliseconds, less than reading an entry)."""
from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from src.league.monte_carlo import GameModel
from src.models.stacker.config import StackingConfig
from src.models.stacker.fitted import FittedStacker
from src.models.stacker.series import SeasonSeries, Selection
from src.training.fit_cache import CachedKind, Entry, FitCache, cached_fits, fit_key, library_versions
from src.utils.digest import frame_digest

PART = "stacker"
LIBRARIES = ("numpy", "pandas", "scipy", "sklearn")


def _selection(entry: Entry, where: str) -> Selection:
    return Selection.from_dict(json.loads(entry.parts[PART]))


def _final(entry: Entry, where: str) -> FittedStacker:
    return FittedStacker.from_bytes(entry.parts[PART], f"{where}.{PART}")


SPLIT_CHOICES = CachedKind("stacker_splits", (PART,), _selection)
FINAL_STACKER = CachedKind("stacker", (PART,), _final)


def _params(cfg: StackingConfig, model: GameModel | None, **more: Any) -> dict[str, Any]:
    return {"stacking": dataclasses.asdict(cfg),
            "game_model": None if model is None else dataclasses.asdict(model), **more}


def design_digest(design: SeasonSeries) -> str:
    h = hashlib.sha256()
    for array in (design.diff, design.best_of, design.home_won, design.weight):
        if array is not None:
            a = np.ascontiguousarray(array)
            h.update(f"{a.dtype}{a.shape}".encode() + a.tobytes())
    return h.hexdigest()


def design_digests(designs: dict[str, dict[int, SeasonSeries]]) -> dict[str, dict[int, str]]:
    """scaling -> season -> digest of its design (hashed once for every split)."""
    return {scaling: {s: design_digest(d) for s, d in by_season.items()}
            for scaling, by_season in designs.items()}


def split_keys(cfg: StackingConfig, model: GameModel, designs: dict, games: dict,
               trains: Sequence[set[int]]) -> list[str]:
    """The key of each split's choice: what SeriesStacker.select reads of its training seasons."""
    series, played = design_digests(designs), design_digests(games)
    libraries = library_versions(*LIBRARIES)

    def cut(digests: dict[str, dict[int, str]], train: set[int]) -> dict:
        return {k: {str(s): d for s, d in sorted(by_season.items()) if s in train}
                for k, by_season in sorted(digests.items())}
    return [fit_key(SPLIT_CHOICES.name, _params(cfg, model),
                    {"series": cut(series, train), "games": cut(played, train)}, libraries)
            for train in trains]


def selection_entry(selection: Selection) -> Entry:
    """A split's choice as stored, and as read back from its bytes (the same either way)."""
    data = json.dumps(selection.to_dict()).encode()
    return Entry({PART: data}, {"fit_seasons": [min(selection.fit_seasons), max(selection.fit_seasons)]},
                 loaded=Selection.from_dict(json.loads(data)))


def cached_selections(cache: FitCache | None, keys: Sequence[str],
                      select: Callable[[int], Selection]) -> list[Selection]:
    """Every split's choice: read back, or `select(i)` for the misses (in split order)."""
    entries = cached_fits(cache, keys, lambda todo: [selection_entry(select(i)) for i in todo],
                          "stacker walk-forward fits")
    return [entry.loaded for entry in entries]


def final_key(cfg: StackingConfig, model: GameModel | None, first_test: int, history: pd.DataFrame,
              y: pd.Series | None, series: pd.DataFrame | None) -> str:
    data = {"history": frame_digest(history),
            "y": None if y is None else frame_digest(y.to_frame()),
            "series": None if series is None else frame_digest(series)}
    return fit_key(FINAL_STACKER.name, _params(cfg, model, first_test=first_test), data,
                   library_versions(*LIBRARIES))


def cached_final(cache: FitCache | None, key: str, fit: Callable[[], FittedStacker]) -> FittedStacker:
    """The final stacker: read back, or fitted; either way as read from its file's bytes."""
    def made(todo: list[int]) -> list[Entry]:
        data = fit().to_bytes()
        return [Entry({PART: data}, {}, loaded=FittedStacker.from_bytes(data, "the fitted stacker"))]
    entry, = cached_fits(cache, [key], made, "stacker final fit")
    return entry.loaded
