"""The one split policy every model shares.

* Out-of-fold (OOF): the seasons before the first test season are split into
  season-grouped folds (no season on both sides). Each fold's seasons are scored by
  a model trained on the other folds. These scores are the stacker's first
  training rows; every model behind them saw only seasons < first_test.
* Walk-forward: for each test season t, a model trained on every season < t scores t.

Each `Split` records `max_train_season`, so a test can prove that no score reaching
test season t came from a model that saw a season >= t.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import GroupKFold

from src.config import SeasonsConfig
from src.errors import ConfigError

OOF = "oof"
TEST = "test"
WALK_FORWARD_FOLD = -1


@dataclass(frozen=True)
class Split:
    kind: str                       # OOF | TEST
    fold: int                       # OOF fold index, WALK_FORWARD_FOLD for test splits
    train_seasons: tuple[int, ...]
    predict_seasons: tuple[int, ...]

    @property
    def max_train_season(self) -> int:
        return max(self.train_seasons)

    @property
    def name(self) -> str:
        return f"oof fold {self.fold}" if self.kind == OOF else f"test {self.predict_seasons[0]}"


def oof_splits(cfg: SeasonsConfig) -> list[Split]:
    seasons = np.array(cfg.oof_seasons)
    if len(seasons) < cfg.n_oof_folds:
        raise ConfigError(f"params.yaml: seasons.n_oof_folds={cfg.n_oof_folds} exceeds the "
                          f"{len(seasons)} seasons before first_test={cfg.first_test}")
    splits = []
    for fold, (train_idx, pred_idx) in enumerate(
            GroupKFold(n_splits=cfg.n_oof_folds).split(seasons, groups=seasons)):
        splits.append(Split(OOF, fold, tuple(int(s) for s in sorted(seasons[train_idx])),
                            tuple(int(s) for s in sorted(seasons[pred_idx]))))
    return splits


def walk_forward_splits(cfg: SeasonsConfig) -> list[Split]:
    return [Split(TEST, WALK_FORWARD_FOLD, tuple(range(cfg.first_train, t)), (t,))
            for t in cfg.test_seasons]


def all_splits(cfg: SeasonsConfig) -> list[Split]:
    return oof_splits(cfg) + walk_forward_splits(cfg)


def early_stopping_split(train_seasons: tuple[int, ...] | list[int],
                         n_val: int) -> tuple[list[int], list[int]]:
    """Hold out the latest `n_val` training seasons for early stopping / model selection."""
    seasons = sorted(train_seasons)
    if n_val <= 0 or len(seasons) <= n_val:
        return seasons, []
    return seasons[:-n_val], seasons[-n_val:]
