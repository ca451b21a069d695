"""Roster tensors for Model A: each team-season is a padded set of its players.

`select_rosters` keeps each team's end-of-season roster: players who finished the regular
season with it (src/features/player_features.py), at least `min_minutes` in the season, the
top `max_players` by expected playoff minutes; `minutes` = that expectation as a share of the
roster's (the attention bias). It
`fit_feature_spec` takes standardisation statistics from training seasons only, and
`to_batch` turns rosters into a `RosterBatch` with a key-padding mask, minutes shares
(the attention bias) and hashed player-id indices (unseen players still get a row).
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd
import torch

from src.config import PlayerValueConfig
from src.errors import DataError
from src.features.player_features import FEATURE_NAMES, SOURCE, player_feature_frame
from src.features.player_value import player_values
from src.features.playoff_concentration import concentrate
from src.features.config import RosterConfig
from src.utils.logging import ONCE

log = logging.getLogger(__name__)


def player_index(player_id: str, num_embeddings: int) -> int:
    """Stable embedding row in 1..num_embeddings-1 (0 = padding). hashlib, never hash():
    Python's hash() of a str changes from process to process."""
    digest = hashlib.blake2b(str(player_id).encode("utf-8"), digest_size=8).digest()
    return 1 + int.from_bytes(digest, "little") % (num_embeddings - 1)


@dataclass(frozen=True)
class FeatureSpec:
    """All a checkpoint needs to rebuild inputs: feature order, training-season stats."""
    feature_names: list[str]
    means: list[float]
    stds: list[float]
    max_players: int
    min_minutes: float
    num_embeddings: int
    train_seasons: list[int]
    shrink_minutes: float
    prior_seasons: int
    availability_power: float
    player_value: dict | None = None     # features.player_value the `player_value` column read
    # hook (issue 30 item 3): power the minutes shares are raised to in to_batch (1 = as is),
    # the playoff minutes concentration of the fit's training seasons (playoff_concentration.py)
    minutes_power: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "FeatureSpec":
        return cls(**values)

    @property
    def roster(self) -> RosterConfig:
        return RosterConfig(max_players=self.max_players, min_minutes=self.min_minutes,
                            shrink_minutes=self.shrink_minutes, prior_seasons=self.prior_seasons,
                            availability_power=self.availability_power,
                            player_value=PlayerValueConfig(**self.player_value)
                            if self.player_value else None)


@dataclass
class RosterBatch:
    """Teams (rows) x roster slots. key_padding_mask is True at empty slots."""
    season: np.ndarray          # [T] int
    team: np.ndarray            # [T] str
    player_id: np.ndarray       # [T, P] str, "" at padding
    player: np.ndarray          # [T, P] str, "" at padding
    stats: torch.Tensor         # [T, P, F] float32, standardised, 0 at padding
    player_index: torch.Tensor  # [T, P] long, 0 at padding
    minutes: torch.Tensor       # [T, P] float32 minutes share of the team, 0 at padding
    key_padding_mask: torch.Tensor  # [T, P] bool

    def __len__(self) -> int:
        return len(self.team)

    def model_inputs(self) -> tuple[torch.Tensor, ...]:
        return self.stats, self.player_index, self.minutes, self.key_padding_mask

    def select(self, rows: np.ndarray | list[int]) -> "RosterBatch":
        idx = np.asarray(rows, dtype=int)
        t = torch.as_tensor(idx, dtype=torch.long)
        return RosterBatch(self.season[idx], self.team[idx], self.player_id[idx],
                           self.player[idx], self.stats[t], self.player_index[t],
                           self.minutes[t], self.key_padding_mask[t])

    def by_season(self) -> list["RosterBatch"]:
        """One batch per season (the unit of a ListMLE list), seasons ascending."""
        return [self.select(np.flatnonzero(self.season == s)) for s in np.unique(self.season)]

    def with_slot_masked(self, row: int, slot: int) -> "RosterBatch":
        """Copy with one player removed (leave-one-player-out re-scoring)."""
        mask = self.key_padding_mask.clone()
        mask[row, slot] = True
        if bool(mask[row].all()):
            raise DataError(f"cannot mask the only player of {self.team[row]} {self.season[row]}")
        return dataclasses.replace(self, key_padding_mask=mask)


def select_rosters_many(players: pd.DataFrame, seasons: Iterable[int],
                        cfgs: Iterable[RosterConfig]) -> dict[RosterConfig, pd.DataFrame]:
    """select_rosters for each distinct setting; settings with the same player_value share
    its fit (most of the cost of a roster selection)."""
    wanted = sorted({int(s) for s in seasons})
    values: dict[Any, pd.DataFrame] = {}
    out = {}
    for cfg in dict.fromkeys(cfgs):
        if cfg.player_value is not None and cfg.player_value not in values:
            values[cfg.player_value] = player_values(value_history(players, wanted), wanted,
                                                     cfg.player_value)[0]
        out[cfg] = select_rosters(players, wanted, cfg, values.get(cfg.player_value))
    return out


def select_rosters(players: pd.DataFrame, seasons: Iterable[int], cfg: RosterConfig,
                   values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Feature frame of the players kept, with `slot` (0 = most expected minutes) per
    team-season. `players` may hold earlier seasons: the shrinkage reads the `prior_seasons`
    before each wanted season (never a later one). `values`: player_values of these seasons
    under cfg.player_value, when the caller has them already (select_rosters_many)."""
    wanted = sorted({int(s) for s in seasons})
    history = players["season"].between(wanted[0] - cfg.prior_seasons, wanted[-1]) if wanted \
        else players["season"].isin(wanted)
    frame = player_feature_frame(players[history], cfg)
    frame = frame[frame["season"].isin(wanted)]
    frame = with_player_value(frame, value_history(players, wanted), wanted, cfg, values)
    short = frame["mp"] < cfg.min_minutes
    if short.any():
        log.info("rosters: dropped %d player-seasons under %s minutes",
                 int(short.sum()), cfg.min_minutes, extra=ONCE)
    frame = frame[~short].sort_values(["season", "team", "minutes_weight", "mp", "player_id"],
                                      ascending=[True, True, False, False, True], kind="mergesort")
    frame["slot"] = frame.groupby(["season", "team"]).cumcount()
    over = frame["slot"] >= cfg.max_players
    if over.any():
        log.info("rosters: dropped %d players beyond the top %d by expected minutes of their team",
                 int(over.sum()), cfg.max_players, extra=ONCE)
    frame = frame[~over].reset_index(drop=True)
    missing = sorted(set(wanted) - set(frame["season"].unique()))
    if missing:
        raise DataError(f"{SOURCE}: no players with >= {cfg.min_minutes} minutes in season(s) "
                        f"{', '.join(map(str, missing))}")
    team_weight = frame.groupby(["season", "team"])["minutes_weight"].transform("sum")
    frame["minutes_share"] = frame["minutes_weight"] / team_weight.where(team_weight > 0)
    return frame


def value_history(players: pd.DataFrame, wanted: list[int]) -> pd.DataFrame:
    """The seasons a player value of `wanted` may read: every one up to the last wanted."""
    return players[players["season"] <= wanted[-1]] if wanted else players


def with_player_value(frame: pd.DataFrame, players: pd.DataFrame, wanted: list[int],
                      cfg: RosterConfig, values: pd.DataFrame | None = None) -> pd.DataFrame:
    """The `player_value` column (points per 100, src/features/player_value.py: season t's
    weights fitted on seasons < t of `players`); 0 without `cfg.player_value`. A season with no
    fit (the first season of the data) gets NaN: the training mean once standardised."""
    if cfg.player_value is None:
        return frame.assign(player_value=0.0)
    if values is None:
        values, _ = player_values(players, wanted, cfg.player_value)
    out = frame.drop(columns="player_value").merge(
        values[["season", "player_id", "value"]].rename(columns={"value": "player_value"}),
        on=["season", "player_id"], how="left", validate="one_to_one")
    return out


def fit_feature_spec(rosters: pd.DataFrame, train_seasons: Iterable[int], cfg: RosterConfig,
                     num_embeddings: int) -> FeatureSpec:
    """Means/stds of each feature over the kept players of the training seasons only."""
    train_seasons = sorted({int(s) for s in train_seasons})
    train = rosters[rosters["season"].isin(train_seasons)]
    if train.empty:
        raise DataError(f"{SOURCE}: no roster rows in training seasons {train_seasons}")
    means = train[FEATURE_NAMES].mean()
    stds = train[FEATURE_NAMES].std(ddof=0)
    unusable = means.index[means.isna()].tolist()
    if unusable:
        raise DataError(f"{SOURCE}: column(s) {', '.join(unusable)} have no values in "
                        f"training seasons {train_seasons[0]}..{train_seasons[-1]}")
    stds = stds.where(stds > 0, 1.0)   # a constant column standardises to 0, not NaN
    return FeatureSpec(list(FEATURE_NAMES), [float(v) for v in means],
                       [float(v) for v in stds], cfg.max_players, float(cfg.min_minutes),
                       int(num_embeddings), train_seasons, float(cfg.shrink_minutes),
                       int(cfg.prior_seasons), float(cfg.availability_power),
                       dataclasses.asdict(cfg.player_value) if cfg.player_value else None)


def to_batch(spec: FeatureSpec, rosters: pd.DataFrame) -> RosterBatch:
    """Standardise with the spec's statistics; unknown values become the training mean (0)."""
    keys = rosters[["season", "team"]].drop_duplicates().sort_values(["season", "team"])
    keys = keys.reset_index(drop=True)
    row_of = {(s, t): i for i, (s, t) in enumerate(zip(keys["season"], keys["team"]))}
    rows = np.array([row_of[k] for k in zip(rosters["season"], rosters["team"])], dtype=int)
    slots = rosters["slot"].to_numpy(dtype=int)
    n_teams, n_slots, n_feat = len(keys), spec.max_players, len(spec.feature_names)
    values = (rosters[spec.feature_names].to_numpy(dtype=np.float64)
              - np.asarray(spec.means)) / np.asarray(spec.stds)
    n_missing = int(np.isnan(values).sum())
    if n_missing:
        log.info("rosters: %d missing stat values set to the training mean", n_missing)
    stats = np.zeros((n_teams, n_slots, n_feat), dtype=np.float32)
    stats[rows, slots] = np.nan_to_num(values, nan=0.0)
    minutes = np.zeros((n_teams, n_slots), dtype=np.float32)
    minutes[rows, slots] = np.nan_to_num(rosters["minutes_share"].to_numpy(dtype=np.float32))
    minutes = concentrate(minutes, spec.minutes_power)        # hook: playoff concentration
    index = np.zeros((n_teams, n_slots), dtype=np.int64)
    index[rows, slots] = [player_index(p, spec.num_embeddings) for p in rosters["player_id"]]
    pad = np.ones((n_teams, n_slots), dtype=bool)
    pad[rows, slots] = False
    ids = np.full((n_teams, n_slots), "", dtype=object)
    ids[rows, slots] = rosters["player_id"].astype(str).to_numpy()
    names = np.full((n_teams, n_slots), "", dtype=object)
    names[rows, slots] = rosters["player"].astype(str).to_numpy()
    return RosterBatch(keys["season"].to_numpy(dtype=int), keys["team"].to_numpy(dtype=object),
                       ids, names, torch.from_numpy(stats), torch.from_numpy(index),
                       torch.from_numpy(minutes), torch.from_numpy(pad))
