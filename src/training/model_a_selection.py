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
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from tqdm import tqdm

from src.config import SeasonsConfig
from src.features.roster import select_rosters
from src.models.config import (ModelAConfig, ModelASelectionConfig, ModelATrainingConfig,
                               RosterConfig, grid_choices, with_choice)
from src.training.fit_model_a import (SeriesData, clear_checkpoints, configure_torch,
                                      fit_model_a, fit_summary, score_seasons, with_split)
from src.training.report_a import season_series_nll
from src.training.splitters import TEST, WALK_FORWARD_FOLD, Split, oof_splits
from src.utils.io import write_bytes
from src.utils.logging import progress_disabled

log = logging.getLogger(__name__)

SCORE_COLUMN = "score_model_a"


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


def run_candidate(candidate: Candidate, players: pd.DataFrame, teams: pd.DataFrame,
                  seasons: SeasonsConfig, cfg: ModelASelectionConfig,
                  series: SeriesData) -> CandidateRun:
    """Every walk-forward fit of one candidate (also in a worker process: torch is set up
    here, and only plain results go back)."""
    configure_torch(candidate.train_cfg)
    all_seasons = list(range(seasons.first_train, seasons.last_test + 1))
    rosters = select_rosters(players, all_seasons, candidate.roster_cfg)
    run = CandidateRun(candidate, {}, {}, {}, {})
    first = seasons.first_train + cfg.min_fit_seasons
    for v in tqdm(range(first, seasons.last_test + 1), desc=f"model_a [{candidate.label}]",
                  disable=progress_disabled()):
        train = tuple(range(seasons.first_train, v))
        fit = fit_model_a(rosters, teams, train, candidate.model_cfg, candidate.train_cfg,
                          candidate.roster_cfg, seasons.n_val_seasons, series)
        run.scores[v] = score_seasons(fit, rosters, [v])
        if v >= seasons.first_test:      # a test season's model: its summary and checkpoint
            run.summaries[v] = fit_summary(Split(TEST, WALK_FORWARD_FOLD, train, (v,)), fit)
            run.checkpoints[v] = fit.trainer.checkpoint_bytes()
        if v in series.by_season:
            run.series_nll[v] = season_series_nll(run.scores[v], SCORE_COLUMN,
                                                  series.by_season[v], series.game_model)
    return run


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
               walk_forward_dir: Path | None = None
               ) -> tuple[pd.DataFrame, list[dict], Candidate, dict]:
    """(oof_model_a rows, one summary per split, the candidate chosen for the final model and
    what chose it). Candidates run in `cfg.n_jobs` processes; the results do not depend on it."""
    jobs = (delayed(run_candidate)(c, players, teams, seasons, cfg, series) for c in cands)
    runs = Parallel(n_jobs=min(cfg.n_jobs, len(cands)))(jobs)
    frames, summaries = [], []
    first_choice, first_info = choose(runs, seasons.first_test, cfg.validation_seasons)
    chosen = first_choice.candidate
    rosters = select_rosters(players, range(seasons.first_train, seasons.last_test + 1),
                             chosen.roster_cfg)
    for split in oof_splits(seasons):
        fit = fit_model_a(rosters, teams, split.train_seasons, chosen.model_cfg,
                          chosen.train_cfg, chosen.roster_cfg, seasons.n_val_seasons, series)
        frames.append(with_split(score_seasons(fit, rosters, split.predict_seasons), split))
        summaries.append({**fit_summary(split, fit), "nested": first_info})
    if walk_forward_dir is not None:
        clear_checkpoints(Path(walk_forward_dir))
    by_choice: dict[str, list[int]] = {}
    for t in seasons.test_seasons:
        run, info = choose(runs, t, cfg.validation_seasons)
        split = Split(TEST, WALK_FORWARD_FOLD, tuple(range(seasons.first_train, t)), (t,))
        frames.append(with_split(run.scores[t], split))
        summaries.append({**run.summaries[t], "nested": info})
        if walk_forward_dir is not None:
            write_bytes(run.checkpoints[t], Path(walk_forward_dir) / f"{t}.pt")
        log.debug("test %d: chose %s", t, info["chosen"])
        by_choice.setdefault(str(info["chosen"]), []).append(t)
    final, final_info = choose(runs, seasons.last_test + 1, cfg.validation_seasons)
    log.info("nested choice, test seasons per candidate: %s; final model: %s",
             "; ".join(f"{c}: {', '.join(map(str, ts))}" for c, ts in by_choice.items()),
             final_info["chosen"])
    oof = pd.concat(frames, ignore_index=True).sort_values(["season", "team"], kind="stable")
    return oof.reset_index(drop=True), summaries, final.candidate, final_info

