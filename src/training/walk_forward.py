"""The walk-forward plan every fit shares (src/splits.py's policy, applied): which fits a
model makes (one per split, then the final fit on every season with outcomes), which rows
each one reads, and the split columns of the out-of-sample scores (oof_model_*.parquet,
docs/contracts.md). Model A (src/training/model_a_selection.py), Model B
(src/training/fit_model_b.py) and the stacker (src/training/train_stacking.py) all walk it."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from src.config import SeasonsConfig
from src.splits import Split, all_splits

FINAL = "final"


@dataclass(frozen=True)
class PlannedFit:
    """One fit: its training seasons and the split it scores (None: the final fit)."""
    train_seasons: tuple[int, ...]
    split: Split | None

    @property
    def name(self) -> str:
        return self.split.name if self.split is not None else FINAL


def planned_fits(seasons: SeasonsConfig, final: bool = True) -> list[PlannedFit]:
    """A fit per split (OOF folds, then the walk-forward test seasons) and, with `final`, the
    fit on every season with known outcomes (what the forecast uses)."""
    fits = [PlannedFit(split.train_seasons, split) for split in all_splits(seasons)]
    return fits + ([PlannedFit(tuple(seasons.known_seasons), None)] if final else [])


def rows_in(frame: pd.DataFrame, seasons) -> pd.Series:
    """Which rows of `frame` belong to `seasons` (a fit reads only its training seasons)."""
    return frame["season"].isin(list(seasons))


def with_split(scored: pd.DataFrame, split: Split) -> pd.DataFrame:
    """season, team, then the split columns (split, fold, max_train_season), then the scores."""
    out = scored.copy()
    out.insert(2, "split", split.kind)
    out.insert(3, "fold", split.fold)
    out.insert(4, "max_train_season", split.max_train_season)
    return out
