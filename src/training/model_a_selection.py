"""Nested walk-forward choice of Model A's settings (params.yaml `model_a_selection`).

Each candidate (one combination of `grid`: `features.roster` or `model_a` keys) is fitted
walk-forward: for every season v from first_train + min_fit_seasons to last_test, a fit on
the seasons before v scores v, and v's playoff series give its log-loss (strengths as points
under the simulator's game model). For test season t the candidate with the lowest pooled
series log-loss over the `validation_seasons` seasons before t is chosen, and its fit on the
seasons before t (the same fit that scored t as a validation season of later choices) scores
t. So every choice behind a score of t reads seasons < t only. The out-of-fold splits use the
choice made for the first test season (seasons before it only); the final model the choice
made on the last `validation_seasons` seasons.

Every fit is a task of src/training/model_a_fits.py: all candidates' walk-forward fits go
out at once (local processes or a Dask cluster, src/utils/parallel.py), then the out-of-fold
fits of the first choice and the final fit of the last; a fit whose inputs were fitted
before is read from the fit cache instead.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from src.config import SeasonsConfig
from src.features.roster import select_rosters_many
from src.models.model_a.config import (ModelAConfig, ModelASelectionConfig, ModelATrainingConfig,
                                       grid_choices, with_choice)
from src.features.config import RosterConfig
from src.models.names import MODEL_A_NAME, score_column
from src.models.model_a.fit import FitTask, ModelAFit, SeriesData, score_seasons
from src.training.model_a_fits import ModelAFitCache, fit_many
from src.training.report_a import season_series_nll
from src.splits import TEST, WALK_FORWARD_FOLD, Split, oof_splits, walk_forward_splits
from src.training.walk_forward import planned_fits, with_split
from src.utils.digest import season_digests
from src.utils.io import write_bytes

log = logging.getLogger(__name__)

SCORE_COLUMN = score_column(MODEL_A_NAME)


@dataclass(frozen=True)
class Candidate:
    label: str
    choice: dict[str, Any]
    model_cfg: ModelAConfig
    train_cfg: ModelATrainingConfig
    roster_cfg: RosterConfig


def candidates(grid: dict[str, list], model_cfg: ModelAConfig, train_cfg: ModelATrainingConfig,
               roster_cfg: RosterConfig) -> list[Candidate]:
    roster_keys = {f.name for f in dataclasses.fields(RosterConfig)}
    out = []
    for choice in grid_choices(grid):
        roster = dataclasses.replace(roster_cfg, **{k: v for k, v in choice.items()
                                                    if k in roster_keys})
        arch, train = with_choice(model_cfg, train_cfg, {k: v for k, v in choice.items()
                                                         if k not in roster_keys})
        label = ", ".join(f"{k}={v}" for k, v in choice.items()) or "params.yaml"
        out.append(Candidate(label, choice, arch, train, roster))
    return out


@dataclass
class CandidateRun:
    """One candidate's walk-forward fits, reduced to what the choice and the outputs need:
    season v -> its scores of v (fit on seasons < v) and the per-series log-loss of v's series;
    for a test season also the fit's summary and checkpoint bytes."""
    candidate: Candidate
    scores: dict[int, pd.DataFrame]
    series_nll: dict[int, np.ndarray]
    summaries: dict[int, dict]
    checkpoints: dict[int, bytes]

    def pooled_loss(self, seasons: list[int]) -> float:
        losses = [self.series_nll[v] for v in seasons if v in self.series_nll]
        return float(np.mean(np.concatenate(losses))) if losses else float("inf")

    def add(self, v: int, fit: ModelAFit, rosters: pd.DataFrame, seasons: SeasonsConfig,
            series: SeriesData) -> None:
        """The fit on the seasons before v, scoring v."""
        self.scores[v] = score_seasons(fit, rosters, [v])
        if v >= seasons.first_test:      # a test season's model: its summary and checkpoint
            split = Split(TEST, WALK_FORWARD_FOLD, tuple(fit.train_seasons), (v,))
            self.summaries[v] = fit_summary(split, fit)
            self.checkpoints[v] = fit.checkpoint_bytes()
        if v in series.by_season:
            self.series_nll[v] = season_series_nll(self.scores[v], SCORE_COLUMN,
                                                   series.by_season[v], series.game_model)


def candidate_rosters(players: pd.DataFrame, seasons: SeasonsConfig,
                      cands: list[Candidate]) -> dict[RosterConfig, pd.DataFrame]:
    """The rosters of each distinct roster setting among the candidates."""
    all_seasons = seasons.known_seasons
    return select_rosters_many(players, all_seasons, (c.roster_cfg for c in cands))


def task_of(cand: Candidate, rosters: pd.DataFrame, teams: pd.DataFrame, train: tuple[int, ...],
            seasons: SeasonsConfig, series: SeriesData,
            digests: tuple[dict[int, str], dict[int, str]] | None = None) -> FitTask:
    return FitTask.of(rosters, teams, train, cand.model_cfg, cand.train_cfg, cand.roster_cfg,
                      seasons.n_val_seasons, series, digests)


def row_digests(rosters: dict[RosterConfig, pd.DataFrame], teams: pd.DataFrame
                ) -> dict[RosterConfig, tuple[dict[int, str], dict[int, str]]]:
    """Per roster setting: season_digests of its rosters and of the teams, hashed once for the
    ~150 tasks cut from them (a key of each: ~1.4 s hashed task by task)."""
    team_digests = season_digests(teams)
    return {cfg: (season_digests(frame), team_digests) for cfg, frame in rosters.items()}


def walk_forward_runs(players: pd.DataFrame, teams: pd.DataFrame, seasons: SeasonsConfig,
                      cands: list[Candidate], cfg: ModelASelectionConfig, series: SeriesData,
                      cache: ModelAFitCache | None) -> tuple[list[CandidateRun], dict]:
    """Every candidate fitted on the seasons before v, for v from first_train +
    min_fit_seasons to last_test (one task each), and the rosters of each roster setting."""
    rosters = candidate_rosters(players, seasons, cands)
    first = seasons.first_train + cfg.min_fit_seasons
    pairs = [(c, v) for c in cands for v in seasons.known_seasons if v >= first]
    digests = row_digests(rosters, teams)
    tasks = [task_of(c, rosters[c.roster_cfg], teams,
                     tuple(s for s in seasons.known_seasons if s < v), seasons, series,
                     digests[c.roster_cfg])
             for c, v in pairs]
    fits = fit_many(tasks, cache, cfg.n_jobs, "model_a candidates",
                    [f"{c.label}: fit < {v}" for c, v in pairs])
    runs = {c.label: CandidateRun(c, {}, {}, {}, {}) for c in cands}
    for (c, v), fit in zip(pairs, fits):
        runs[c.label].add(v, fit, rosters[c.roster_cfg], seasons, series)
    return [runs[c.label] for c in cands], rosters


def choose(runs: list[CandidateRun], before: int, n_seasons: int) -> tuple[CandidateRun, dict]:
    """The run with the lowest pooled series log-loss over the n seasons before `before`
    (ties: grid order), and every candidate's loss."""
    window = list(range(before - n_seasons, before))
    losses = {r.candidate.label: r.pooled_loss(window) for r in runs}
    best = min(runs, key=lambda r: losses[r.candidate.label])
    return best, {"validation_seasons": [window[0], window[-1]],
                  "validation_series_logloss": {k: round(v, 5) for k, v in losses.items()},
                  "chosen": best.candidate.label}


def run_nested(players: pd.DataFrame, teams: pd.DataFrame, seasons: SeasonsConfig,
               cands: list[Candidate], cfg: ModelASelectionConfig, series: SeriesData,
               walk_forward_dir: Path | None = None, cache: ModelAFitCache | None = None
               ) -> tuple[pd.DataFrame, list[dict], Candidate, dict, ModelAFit]:
    """(oof_model_a rows, one summary per split, the candidate chosen for the final model,
    what chose it, and the final fit on every season). Fits run in `cfg.n_jobs` processes
    (or on a Dask cluster); the results do not depend on where they ran."""
    runs, rosters = walk_forward_runs(players, teams, seasons, cands, cfg, series, cache)
    first_choice, first_info = choose(runs, seasons.first_test, cfg.validation_seasons)
    final, final_info = choose(runs, seasons.next_season, cfg.validation_seasons)
    chosen = first_choice.candidate
    splits = oof_splits(seasons)
    all_seasons = tuple(seasons.known_seasons)
    digests = row_digests({c: rosters[c] for c in (chosen.roster_cfg, final.candidate.roster_cfg)}, teams)
    tasks = [*(task_of(chosen, rosters[chosen.roster_cfg], teams, s.train_seasons, seasons,
                       series, digests[chosen.roster_cfg]) for s in splits),
             task_of(final.candidate, rosters[final.candidate.roster_cfg], teams, all_seasons,
                     seasons, series, digests[final.candidate.roster_cfg])]
    *oof_fits, final_fit = fit_many(tasks, cache, cfg.n_jobs, "model_a out-of-fold + final",
                                    [s.name for s in splits] + ["final"])
    frames, summaries = [], []
    for split, fit in zip(splits, oof_fits):
        frames.append(with_split(score_seasons(fit, rosters[chosen.roster_cfg],
                                               split.predict_seasons), split))
        summaries.append({**fit_summary(split, fit), "nested": first_info})
    if walk_forward_dir is not None:
        clear_checkpoints(Path(walk_forward_dir))
    by_choice: dict[str, list[int]] = {}
    for split in walk_forward_splits(seasons):
        t = split.predict_seasons[0]
        run, info = choose(runs, t, cfg.validation_seasons)
        frames.append(with_split(run.scores[t], split))
        summaries.append({**run.summaries[t], "nested": info})
        if walk_forward_dir is not None:
            write_bytes(run.checkpoints[t], Path(walk_forward_dir) / f"{t}.pt")
        log.debug("test %d: chose %s", t, info["chosen"])
        by_choice.setdefault(str(info["chosen"]), []).append(t)
    log.info("nested choice, test seasons per candidate: %s; final model: %s",
             "; ".join(f"{c}: {', '.join(map(str, ts))}" for c, ts in by_choice.items()),
             final_info["chosen"])
    oof = pd.concat(frames, ignore_index=True).sort_values(["season", "team"], kind="stable")
    return oof.reset_index(drop=True), summaries, final.candidate, final_info, final_fit


def run_all_splits(rosters: pd.DataFrame, team_seasons: pd.DataFrame, seasons: SeasonsConfig,
                   model_cfg: ModelAConfig, train_cfg: ModelATrainingConfig,
                   roster_cfg: RosterConfig, series: SeriesData,
                   walk_forward_dir: Path | None = None, cache: ModelAFitCache | None = None,
                   n_jobs: int = 1) -> tuple[pd.DataFrame, list[dict], ModelAFit]:
    """Without a selection grid: out-of-sample scores (contract columns of
    oof_model_a.parquet), one summary per split, and the final fit on every season; each
    walk-forward model is saved to `walk_forward_dir/<season>.pt` if given."""
    plan = planned_fits(seasons)
    splits = [planned.split for planned in plan[:-1]]
    tasks = [FitTask.of(rosters, team_seasons, planned.train_seasons, model_cfg, train_cfg, roster_cfg,
                        seasons.n_val_seasons, series) for planned in plan]
    *fits, final = fit_many(tasks, cache, n_jobs, "model_a splits", [p.name for p in plan])
    frames, summaries = [], []
    if walk_forward_dir is not None:
        clear_checkpoints(Path(walk_forward_dir))
    for split, fit in zip(splits, fits):
        frames.append(with_split(score_seasons(fit, rosters, split.predict_seasons), split))
        summaries.append(fit_summary(split, fit))
        if walk_forward_dir is not None and split.kind == TEST:
            write_bytes(fit.checkpoint_bytes(),
                        Path(walk_forward_dir) / f"{split.predict_seasons[0]}.pt")
        log.info("%s: best epoch %d, val Spearman %s, %.1fs", split.name, fit.best_epoch,
                 fit.val_spearman, fit.fit_seconds)
    oof = pd.concat(frames, ignore_index=True).sort_values(["season", "team"], kind="stable")
    return oof.reset_index(drop=True), summaries, final


def fit_summary(split: Split | None, fit: ModelAFit) -> dict:
    return {"split": split.name if split else "final", "train_seasons":
            [fit.train_seasons[0], fit.train_seasons[-1]], "val_seasons": fit.val_seasons,
            "best_epoch": fit.best_epoch, "epochs_run": fit.epochs_run,
            "restarts": fit.restarts, "val_series_logloss": fit.val_loss,
            "val_spearman": fit.val_spearman, "choice": fit.choice,
            "fit_seconds": round(fit.fit_seconds, 2)}


def clear_checkpoints(directory: Path) -> None:
    """A season no longer tested must not leave its old model behind for explain to read."""
    stale = sorted(directory.glob("*.pt")) if directory.exists() else []
    for path in stale:
        path.unlink()
    if stale:
        log.info("removed %d walk-forward checkpoints of an earlier run from %s", len(stale),
                 directory)
