"""One Model A fit (fit_model_a; `ModelA.fit(task)` in estimator.py wraps it) and its scores;
the loop over the splits, their summaries and the fit cache are in src/training/
(model_a_selection.py, model_a_fits.py). A fit takes its task: a `FitTask`
holds everything it reads (the rows of its training seasons, the three configs, the
validation-season count, the series and game model), and is what the fit cache keys on
(src/training/model_a_fits.py).

Each fit: standardisation statistics from the split's training seasons only; the latest
`n_val_seasons` training seasons are held out for early stopping and for the nested choice:
every candidate of `select_grid` is fitted on the earlier training seasons and the one with
the lowest series log-loss on the validation seasons wins (all of them < the split's test
season). With `refit_on_all` the winner is then refitted on every training season for its
early-stopped number of epochs, same seed, no early stopping.
"""
from __future__ import annotations

import dataclasses
import logging
import math
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable

import numpy as np
import pandas as pd
import torch
from scipy.stats import spearmanr

from src.errors import ConfigError
from src.features.playoff_concentration import fit_concentration
from src.features.roster import FeatureSpec, fit_feature_spec, to_batch
from src.league.monte_carlo import GameModel
from src.models.names import MODEL_A_NAME, score_column
from src.models.model_a.config import ModelAConfig, ModelATrainingConfig, grid_choices, with_choice
from src.features.config import RosterConfig
from src.splits import early_stopping_split
from src.models.model_a.base_trainer import START_EPOCH
from src.models.model_a.trainer import ModelATrainer, TrainList, make_lists
from src.models.model_a.warm_start_twin import WarmStartSnapshot
from src.utils.digest import frame_digest, season_digests

log = logging.getLogger(__name__)

SCORE_COLUMN = score_column(MODEL_A_NAME)


@dataclass
class ModelAFit:
    trainer: ModelATrainer
    spec: FeatureSpec
    train_seasons: list[int]
    val_seasons: list[int]
    best_epoch: int
    epochs_run: int
    restarts: int
    val_loss: float | None          # series log-loss of the validation seasons (best epoch)
    val_spearman: float | None
    choice: dict                    # the select_grid candidate chosen ({} without a grid)
    fit_seconds: float
    history: list[dict]     # per epoch; "phase" = "select" (early stopping) or "refit"
    # the attention monitor over every trainer of the fit: lowest batch statistics and the
    # number of batches below the thresholds (src/training/model_a_fits.py reads them)
    monitor_lowest: dict[str, float] = field(default_factory=dict)
    monitor_flagged: int = 0
    checkpoint: bytes | None = None   # the checkpoint as written after the fit (a cached fit)

    def checkpoint_bytes(self) -> bytes:
        return self.checkpoint if self.checkpoint is not None else self.trainer.checkpoint_bytes()


def monitor_summary(trainers: list[ModelATrainer]) -> tuple[dict[str, float], int]:
    """(lowest entropy and variance of any monitored batch, batches flagged) over `trainers`."""
    monitors = [t.monitor for t in trainers if t.monitor is not None]
    lowest = {key: min((m.lowest[key] for m in monitors), default=math.inf)
              for key in ("entropy", "variance")}
    return lowest, sum(m.flagged for m in monitors)


def configure_torch(cfg: ModelATrainingConfig) -> None:
    """Fixed threads and deterministic kernels: same params + data = same outputs."""
    torch.set_num_threads(cfg.num_threads)
    # torch.use_deterministic_algorithms(True) also imports the inductor compiler to set its
    # flag (~1.5 s in each process, workers included); nothing here is compiled, so the
    # kernels' switch is set directly where torch has it
    set_deterministic = getattr(torch._C, "_set_deterministic_algorithms", None)
    if set_deterministic is None:
        torch.use_deterministic_algorithms(True)
    else:
        set_deterministic(True, warn_only=False)


def season_spearman(trainer: ModelATrainer, lists: list[TrainList]) -> float | None:
    """Mean over lists of Spearman(score, -post_playoff_rank); None without lists."""
    if not lists:
        return None
    values = [spearmanr(trainer.predict(item.roster).numpy(), -item.ranks.numpy()).statistic
              for item in lists]
    return float(np.mean(values))


@dataclass
class SeriesData:
    """What the likelihood needs: season -> series results, and the simulator's game model;
    `games` (hook: playoff games, issue 30 item 4): season -> who played each playoff game with
    a box score (src/features/playoff_game_rosters.game_minutes), empty when not trained on."""
    by_season: dict[int, pd.DataFrame]
    game_model: GameModel
    games: dict[int, pd.DataFrame] = field(default_factory=dict)

    @cached_property
    def game_digests(self) -> dict[int, str]:
        """season -> digest of its playoff-game rows (a fit's cache key reads them)."""
        return {s: frame_digest(f) for s, f in self.games.items()}

    @cached_property
    def season_digests(self) -> dict[int, str]:
        """season -> digest of its series rows; hashed once here for every fit cut from these
        seasons (a fit cache key reads ~16 of them: one pandas hash each cost ~1 ms)."""
        return {s: frame_digest(f) for s, f in self.by_season.items()}


@dataclass
class FitTask:
    """The inputs of one fit_model_a call, cut to its training seasons."""
    rosters: pd.DataFrame
    teams: pd.DataFrame
    train_seasons: tuple[int, ...]
    model_cfg: ModelAConfig
    train_cfg: ModelATrainingConfig
    roster_cfg: RosterConfig
    n_val_seasons: int
    series: SeriesData

    @classmethod
    def of(cls, rosters: pd.DataFrame, teams: pd.DataFrame, train_seasons, model_cfg,
           train_cfg, roster_cfg, n_val_seasons: int, series: SeriesData,
           row_digests: tuple[dict[int, str], dict[int, str]] | None = None) -> "FitTask":
        """`row_digests`: season_digests of `rosters` and `teams` where the caller cuts many
        tasks from them (hashed once, not once per task); else hashed for this task's seasons."""
        train = tuple(sorted(int(s) for s in train_seasons))
        # hook: playoff games (issue 30 item 4): only a fit that trains on them carries them,
        # so their rows (and digests) never reach the key of a series-only fit
        games = ({s: f for s, f in series.games.items() if s in train}
                 if trains_on_games(train_cfg) else {})
        in_train = SeriesData({s: f for s, f in series.by_season.items() if s in train},
                              series.game_model, games)
        # the series digests of the full SeriesData, hashed once for all the tasks cut from it
        in_train.season_digests = {s: series.season_digests[s] for s in in_train.by_season}
        in_train.game_digests = {s: series.game_digests[s] for s in games}
        task = cls(rosters[rosters["season"].isin(train)], teams[teams["season"].isin(train)],
                   train, model_cfg, train_cfg, roster_cfg, n_val_seasons, in_train)
        if row_digests is not None:
            task.data_digest = task.digest_of(*row_digests)
        return task

    @cached_property
    def data_digest(self) -> dict[str, Any]:
        """Digests of the task's rows (hashed once: the cache reads a task's key 2-3 times)."""
        return self.digest_of(season_digests(self.rosters), season_digests(self.teams))

    def digest_of(self, rosters: dict[int, str], teams: dict[int, str]) -> dict[str, Any]:
        """The task's digests, from season -> digest of the roster and team rows."""
        return {"rosters": {str(s): rosters[s] for s in self.train_seasons if s in rosters},
                "teams": {str(s): teams[s] for s in self.train_seasons if s in teams},
                "series": {str(s): d for s, d in sorted(self.series.season_digests.items())},
                # hook: playoff games; absent for a series-only fit (its key as before)
                **({"playoff_games": {str(s): d for s, d in sorted(self.series.game_digests.items())}}
                   if self.series.games else {})}


def trains_on_games(cfg: ModelATrainingConfig) -> bool:
    """Whether a fit of `cfg` reads the playoff games (hooks: playoff games, concentration)."""
    return cfg.playoff_games_weight > 0 or cfg.playoff_concentration or any(
        w > 0 for w in cfg.select_grid.get("playoff_games_weight", []))


def fit_model_a(task: FitTask) -> ModelAFit:
    """One Model A fit on the task's training seasons (grid choice and early stopping inside them)."""
    return _fit(task, snapshot=False)[0]


def twin_eligible(train_cfg: ModelATrainingConfig) -> bool:
    """Whether a fit of `train_cfg` with epochs > 0 also gives its 0-epoch twin (a warm
    start to snapshot, a refit, one setting: src/models/model_a/warm_start_twin.py)."""
    return train_cfg.warm_start and train_cfg.refit_on_all and not train_cfg.select_grid


def fit_with_zero_epoch_twin(task: FitTask) -> tuple[ModelAFit, ModelAFit | None]:
    """fit_model_a, and the fit of the same inputs with `epochs: 0` read off its warm starts
    (None where it has none to read: no validation seasons with series, so no refit)."""
    if not twin_eligible(task.train_cfg):
        raise ConfigError("a 0-epoch twin needs warm_start, refit_on_all and no select_grid")
    fit, snapshots = _fit(task, snapshot=True)
    if snapshots is None:
        return fit, None
    select, refit = snapshots
    zero = dataclasses.replace(task.train_cfg, epochs=0)
    arch = task.model_cfg.with_stat_dim(len(fit.spec.feature_names))
    trainer = ModelATrainer(arch, zero, fit.spec, task.series.game_model, early_stopping=False,
                            epochs=0)
    trainer.model.load_state_dict(refit.state)
    trainer.history = [{**select.logs, "phase": "select"}, {**refit.logs, "phase": "refit"}]
    twin = ModelAFit(trainer, fit.spec, fit.train_seasons, fit.val_seasons, START_EPOCH,
                     len(trainer.history), 0, float(select.logs["val_loss"]),
                     select.score_value, {}, select.seconds + refit.seconds, trainer.history,
                     {"entropy": math.inf, "variance": math.inf}, 0)
    return fit, twin


def _fit(task: FitTask,
         snapshot: bool) -> tuple[ModelAFit, tuple[WarmStartSnapshot, WarmStartSnapshot] | None]:
    """The fit and, with `snapshot`, its two warm starts (selection, refit) where it has
    both: validation seasons with series, and a refit."""
    start = time.perf_counter()
    rosters, team_seasons, series = task.rosters, task.teams, task.series
    model_cfg, train_cfg, roster_cfg = task.model_cfg, task.train_cfg, task.roster_cfg
    train_seasons = list(task.train_seasons)
    fit_seasons, val_seasons = early_stopping_split(train_seasons, task.n_val_seasons)
    spec = fit_feature_spec(rosters, train_seasons, roster_cfg, model_cfg.num_embeddings)
    if train_cfg.playoff_concentration:         # hook: playoff minutes concentration (item 3)
        spec = dataclasses.replace(spec, minutes_power=fit_concentration(
            rosters[rosters["season"].isin(train_seasons)], series.games))
    batch = to_batch(spec, rosters[rosters["season"].isin(train_seasons)])
    lists = make_lists(batch, team_seasons, train_cfg.listmle_per_conference, series.by_season,
                       series.games)
    fit_lists = [x for x in lists if int(x.roster.season[0]) in fit_seasons]
    val_lists = [x for x in lists if int(x.roster.season[0]) in val_seasons]
    if val_lists and not train_cfg.listmle_weight and all(x.series is None for x in val_lists):
        log.warning("validation seasons %s have no playoff series to score: no early stopping "
                    "and no select_grid choice in this fit", val_seasons)
        fit_lists, val_lists = lists, []
    choices = grid_choices(train_cfg.select_grid) if val_lists else [{}]
    best, trainers = None, []
    select_snap = (WarmStartSnapshot(start, lambda t: season_spearman(t, val_lists))
                   if snapshot and val_lists else None)
    for choice in choices:
        arch, tcfg = with_choice(model_cfg.with_stat_dim(len(spec.feature_names)), train_cfg, choice)
        trainer = ModelATrainer(arch, tcfg, spec, series.game_model,
                                callbacks=[select_snap] if select_snap else ())
        trainer.fit(fit_lists, val_lists or None)
        trainers.append(trainer)
        if best is None or (val_lists and trainer.best_loss < best[0].best_loss):
            best = (trainer, choice, arch, tcfg)
    trainer, choice, arch, tcfg = best
    if len(choices) > 1:
        log.info("select_grid: chose %s (val series log-loss %.4f)", choice, trainer.best_loss)
    best_epoch, restarts = trainer.best_epoch, trainer.restarts
    val_loss = trainer.best_loss if val_lists else None
    val_spearman = season_spearman(trainer, val_lists)
    history = [{**row, "phase": "select"} for row in trainer.history]
    refit_snap = None
    if tcfg.refit_on_all and val_lists:
        # best_epoch -1 (the warm start beat every epoch): a refit of 0 epochs, the warm start
        refit_snap = WarmStartSnapshot(time.perf_counter()) if select_snap else None
        trainer = ModelATrainer(arch, tcfg, spec, series.game_model, early_stopping=False,
                                epochs=best_epoch + 1, callbacks=[refit_snap] if refit_snap else ())
        trainer.fit(lists, None)
        trainers.append(trainer)
        restarts += trainer.restarts
        history += [{**row, "phase": "refit"} for row in trainer.history]
    # the checkpoint keeps the whole fit's history (selection epochs too), so the curves of a
    # walk-forward split that trained can be drawn even when its refit kept the warm start
    trainer.history = history
    fit = ModelAFit(trainer, spec, train_seasons, val_seasons, best_epoch, len(history),
                    restarts, val_loss, val_spearman, choice, time.perf_counter() - start,
                    history, *monitor_summary(trainers))
    return fit, ((select_snap, refit_snap) if refit_snap is not None else None)


def score_seasons(fit: ModelAFit, rosters: pd.DataFrame, seasons: Iterable[int]) -> pd.DataFrame:
    """season, team, score_model_a for `seasons` (inputs standardised with the fit's stats)."""
    batch = to_batch(fit.spec, rosters[rosters["season"].isin(list(seasons))])
    scores = fit.trainer.predict(batch).numpy().astype(float)
    return pd.DataFrame({"season": batch.season.astype(int), "team": batch.team.astype(str),
                         SCORE_COLUMN: scores})
