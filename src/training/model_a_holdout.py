"""Model A's settings chosen WITHOUT test seasons.

Each candidate (a set of `model_a` overrides) is fitted over the out-of-fold splits of
src/splits.py (season-grouped folds over seasons.first_train..first_test-1, the
same folds train_a scores for the stacker), and its OOF strengths are scored by the pooled
series log-loss of those pre-test seasons (src/training/report_a.series_log_loss: strengths
taken as points under the simulator's game model). No season >= first_test is read.
Run: `python docs/research/model_a_holdout.py` (reads the ingest outputs).
"""
from __future__ import annotations

import copy
import logging
import time
from typing import Any

import pandas as pd

from src.config import SeasonsConfig
from src.models.model_a.config import grid_choices, model_a_configs
from src.features.config import RosterConfig
from src.models.model_a.fit import FitTask, SeriesData, fit_model_a, score_seasons
from src.training.report_a import SCORE_COLUMN, series_log_loss
from src.splits import oof_splits

log = logging.getLogger(__name__)


def with_overrides(model_a: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A copy of params.yaml's model_a section with `overrides` set (keys must exist there)."""
    out = copy.deepcopy(model_a)
    out.update(copy.deepcopy(overrides))
    return out


def oof_strengths(rosters: pd.DataFrame, teams: pd.DataFrame, seasons: SeasonsConfig,
                  model_a: dict[str, Any], roster_cfg: RosterConfig,
                  series: SeriesData) -> pd.DataFrame:
    """season, team, score_model_a of every pre-test season, each from a fit on the other
    folds (fit_model_a: early stopping and any select_grid choice inside the fold)."""
    model_cfg, train_cfg = model_a_configs(model_a)
    frames = []
    for split in oof_splits(seasons):
        fit = fit_model_a(FitTask.of(rosters, teams, split.train_seasons, model_cfg, train_cfg,
                                     roster_cfg, seasons.n_val_seasons, series))
        frames.append(score_seasons(fit, rosters, split.predict_seasons))
    return pd.concat(frames, ignore_index=True)


def candidate_table(rosters: pd.DataFrame, teams: pd.DataFrame, seasons: SeasonsConfig,
                    model_a: dict[str, Any], roster_cfg: RosterConfig, series: SeriesData,
                    grid: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """One row per combination of `grid` (dimension -> candidate override dicts, e.g.
    {"l2_sp": [{"prior_l2": 1, "attention_prior_l2": 1}, ...]}): the candidate's index in
    `grid_choices(grid)`, a label per dimension and the pooled OOF series log-loss over the
    pre-test seasons; sorted best first (stable: ties keep grid order)."""
    pre_test = list(seasons.oof_seasons)
    rows = []
    for i, choice in enumerate(grid_choices(grid)):
        start = time.perf_counter()
        overrides = merged(choice)
        scores = oof_strengths(rosters, teams, seasons, with_overrides(model_a, overrides),
                               roster_cfg, series)
        loss = series_log_loss(scores, SCORE_COLUMN, series.by_season, pre_test,
                               series.game_model)
        rows.append({"candidate": i, **{k: label(v) for k, v in choice.items()},
                     "series_logloss": loss, "seconds": round(time.perf_counter() - start, 1)})
        log.info("%s: pre-test OOF series log-loss %.4f", overrides, loss)
    return pd.DataFrame(rows).sort_values("series_logloss", kind="stable").reset_index(drop=True)


def merged(choice: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The model_a overrides of one grid combination (its dimensions' dicts merged)."""
    out: dict[str, Any] = {}
    for key in sorted(choice):
        out.update(choice[key])
    return out


def best_overrides(grid: dict[str, list[dict[str, Any]]], table: pd.DataFrame) -> dict[str, Any]:
    """The model_a overrides of the table's best (first) row."""
    return merged(grid_choices(grid)[int(table["candidate"].iloc[0])])


def label(overrides: dict[str, Any]) -> str:
    """Short text of one dimension's overrides, e.g. 'prior_l2=1, attention_prior_l2=1'."""
    return ", ".join(f"{k}={_text(v)}" for k, v in overrides.items())


def _text(value: Any) -> str:
    if isinstance(value, dict) and all(isinstance(w, (int, float)) for w in value.values()):
        return "{" + " + ".join(f"{w:g} {k}" for k, w in value.items()) + "}"
    return str(value)
