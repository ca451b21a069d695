"""ModelATrainer: the playoff-series likelihood of each training season (plus an optional
ListMLE term on post_playoff_rank), AdamW, gradient clipping, attention monitoring with
restart on collapse. One optimiser step per season."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd
import torch

from src.artifacts import TEAM_SEASONS
from src.errors import ConfigError, DataError
from src.features.roster import FeatureSpec, RosterBatch
from src.models.model_a.config import ModelAConfig, ModelATrainingConfig, check_same_architecture
from src.league.monte_carlo import GameModel
from src.models.model_a.deep_set_rank import ON_COURT, DeepSetRank
from src.models.model_a.grad_clip import clip_grad_norm_
from src.models.model_a.losses import grouped_list_mle
from src.models.model_a.base_trainer import START_EPOCH, BaseTrainer, Callback, EarlyStopping
from src.models.model_a.callbacks import (COLLAPSE_REASON, STAT_KEYS, AttentionMonitorCallback,
                                    ProgressBarCallback, attention_stats)
from src.models.model_a.warm_start import WarmStart, fit_value_head
from src.utils.model_files import KIND_KEY, MODEL_A, check_kind
from src.models.model_a.series_loss import torch_series_nll
from src.models.model_a.series_targets import SeriesTensors, series_tensors
# issue 30 item 4: the playoff-game signal (hooks marked "playoff games" below)
from src.features.playoff_game_rosters import GameTensors, game_tensors
from src.models.model_a.game_loss import games_nll

log = logging.getLogger(__name__)

TEAM_SOURCE = TEAM_SEASONS.path   # named in its errors
RESEED_STEP = 1000   # restart k uses seed + k * RESEED_STEP: new init, still deterministic


@dataclass
class TrainList:
    """One training season: its rosters, true ranks, optional conference groups (ListMLE) and
    its playoff series (None when the season has none to learn from)."""
    roster: RosterBatch
    ranks: torch.Tensor
    groups: torch.Tensor | None
    series: SeriesTensors | None = None
    games: GameTensors | None = None     # playoff games with box scores (hook: playoff games)


def make_lists(batch: RosterBatch, team_seasons: pd.DataFrame, per_conference: bool,
               series: dict[int, pd.DataFrame] | None = None,
               games: dict[int, pd.DataFrame] | None = None) -> list[TrainList]:
    """One list per season of `batch`; ranks = post_playoff_rank (outcome_known seasons);
    `series`: season -> series results (src/models/model_a/series_targets.series_by_season);
    `games`: season -> who played each playoff game (src/features/playoff_game_rosters.py)."""
    key = team_seasons.set_index(["season", "team"])
    lists = []
    for season_batch in batch.by_season():
        season = int(season_batch.season[0])
        idx = list(zip(season_batch.season.tolist(), season_batch.team.tolist()))
        missing = [t for s, t in idx if (s, t) not in key.index]
        if missing:
            raise DataError(f"{TEAM_SOURCE}: no row for team(s) {', '.join(missing)} of season "
                            f"{season} (they have players in player_seasons)")
        rows = key.loc[idx]
        if not rows["outcome_known"].astype(bool).all() or rows["post_playoff_rank"].isna().any():
            raise DataError(f"{TEAM_SOURCE}: column post_playoff_rank unknown in season {season};"
                            " only seasons with outcome_known can be trained on")
        ranks = torch.tensor(rows["post_playoff_rank"].to_numpy(dtype=np.int64))
        groups = None
        if per_conference:
            codes = pd.Categorical(rows["conference"].astype(str)).codes
            groups = torch.as_tensor(np.asarray(codes, dtype=np.int64))
        results = (series or {}).get(season)
        tensors = series_tensors(season_batch, results) if results is not None else None
        played = (games or {}).get(season)      # hook: playoff games
        game_rows = game_tensors(season_batch, played) if played is not None else None
        lists.append(TrainList(season_batch, ranks, groups, tensors, game_rows))
    return lists


class ModelATrainer(BaseTrainer):
    """`early_stopping`: watch val_loss (series log-loss of the validation seasons) with the
    config's patience; False for a refit of a fixed number of epochs."""

    def __init__(self, model_config: ModelAConfig, train_config: ModelATrainingConfig,
                 feature_spec: FeatureSpec | None = None, game_model: GameModel | None = None,
                 callbacks: Sequence[Callback] = (), early_stopping: bool = True,
                 epochs: int | None = None) -> None:
        if game_model is None:
            raise ConfigError("Model A trains on the playoff-series likelihood: pass the "
                              "simulator's GameModel (params.yaml simulation)")
        self.model_config, self.train_config = model_config, train_config
        self.feature_spec, self.game_model = feature_spec, game_model
        self.seed, self.restarts = train_config.seed, 0
        self.monitor = None
        if train_config.attention_debug:
            self.monitor = AttentionMonitorCallback(
                train_config.attention_entropy_min, train_config.attention_variance_min,
                train_config.attention_collapse_patience, train_config.attention_collapse_action)
        stopping = [EarlyStopping(train_config.patience, train_config.min_delta, "val_loss",
                                  train_config.restore_best_weights,
                                  include_start=train_config.warm_start)] if early_stopping else []
        self.warm_start_result: WarmStart | None = None
        super().__init__(self._build(self.seed), None,
                         train_config.epochs if epochs is None else epochs,
                         [*callbacks, *stopping, ProgressBarCallback("model_a epochs"),
                          *([self.monitor] if self.monitor else [])])

    def _build(self, seed: int) -> DeepSetRank:
        """A freshly initialised model (and log temperature, anchors) for `seed`; its optimiser
        is built when first used (`optimizer`)."""
        torch.manual_seed(seed)
        self.generator = torch.Generator().manual_seed(seed)
        model = DeepSetRank.from_config(self.model_config)
        self._init_value_prior(model)
        # ListMLE reads strength / T with T learned (starting at listmle_temperature), so the
        # ranking term cannot stretch the points scale the series likelihood sets
        self.log_temperature = torch.nn.Parameter(
            torch.tensor(float(np.log(self.train_config.listmle_temperature))))
        # the starting weights (value prior, minutes-biased attention): L2-SP pulls toward them,
        # value head and bias by prior_l2, encoder and attention by attention_prior_l2
        self._anchor(model)
        self._optimizer: torch.optim.Optimizer | None = None
        return model

    @property
    def optimizer(self) -> torch.optim.Optimizer:
        """AdamW over the model and the log temperature, built on first use: a trainer
        restored only to score (src/training/model_a_fits.restore) never needs one, and the
        first optimiser of a process imports torch's compiler (~1.4 s)."""
        if self._optimizer is None:
            self._optimizer = torch.optim.AdamW(
                [{"params": [p for _, p in self.model.output_parameters()]},
                 {"params": [self.log_temperature], "weight_decay": 0.0}],
                lr=self.train_config.learning_rate, weight_decay=self.train_config.weight_decay,
                fused=True)
        return self._optimizer

    @optimizer.setter
    def optimizer(self, optimizer: torch.optim.Optimizer | None) -> None:
        self._optimizer = optimizer

    def _anchor(self, model: DeepSetRank) -> None:
        cfg = self.train_config
        self.anchored = [(p, cfg.prior_l2 if name.startswith(("value_", "bias")) else
                          cfg.attention_prior_l2) for name, p in model.output_parameters()]
        self.start_weights = [p.detach().clone() for p, _ in self.anchored]
        # weight -> (parameters, their starts): what _penalise's foreach calls read
        self._anchor_groups: dict[float, tuple[list, list]] = {}
        for (p, weight), p0 in zip(self.anchored, self.start_weights):
            if weight > 0:
                params, starts = self._anchor_groups.setdefault(weight, ([], []))
                params.append(p)
                starts.append(p0)

    def warm_start(self, batches: Sequence[TrainList]) -> None:
        """Fit the value head's linear weights on `batches`' series (src/models/model_a/warm_start.py)
        and anchor L2-SP at the result."""
        self.warm_start_result = fit_value_head(self.model, batches, self.game_model,
                                                self.train_config.warm_start_l2,
                                                self.train_config.playoff_games_weight)
        self._anchor(self.model)

    @torch.no_grad()
    def start_logs(self, batches: Sequence[TrainList],
                   val_batches: Sequence[TrainList] | None) -> dict[str, Any]:
        """With the warm start: the first history row (epoch -1), series log-loss of the
        training and validation seasons and the attention statistics, so the curves show where
        training starts and a 0-epoch fit has a history; early stopping reads its val_loss."""
        if not self.train_config.warm_start:
            return super().start_logs(batches, val_batches)
        self.model.eval()
        usable = self.usable(batches)
        stats = [attention_stats(self.model(*b.roster.model_inputs())[2], b.roster.key_padding_mask)
                 for b in usable]
        return {"epoch": START_EPOCH, **self.epoch_logs(),
                "train_loss": self._finite(self._eval_epoch(usable), "train_loss", START_EPOCH),
                "val_loss": self._finite(self._eval_epoch(val_batches), "val_loss", START_EPOCH)
                if val_batches else None,
                **{k: float(np.mean([row[k] for row in stats])) for k in STAT_KEYS}}

    def _init_value_prior(self, model: DeepSetRank) -> None:
        """value_prior {f: w}: the value head starts at sum_f w * f (unstandardised) / ON_COURT,
        so the untrained strength is the expected-minutes-weighted mean of that mix."""
        prior = self.train_config.value_prior
        if not prior:
            return
        spec = self.feature_spec
        unknown = [f for f in prior if spec is None or f not in spec.feature_names]
        if unknown:
            raise ConfigError(f"model_a.value_prior: {', '.join(unknown)} not a roster feature "
                              f"({', '.join(spec.feature_names) if spec else 'no feature spec'})")
        with torch.no_grad():
            for name, weight in prior.items():
                i = spec.feature_names.index(name)
                model.value_linear.weight[0, i] = weight * spec.stds[i] / ON_COURT
                model.value_linear.bias.add_(weight * spec.means[i] / ON_COURT)

    def epoch_logs(self) -> dict[str, Any]:
        return {"restarts": self.restarts, "seed": self.seed}

    def checkpoint_extras(self) -> dict[str, Any]:
        extras: dict[str, Any] = {KIND_KEY: MODEL_A, "model_config": self.model_config.to_dict()}
        if self.feature_spec is not None:
            extras["feature_spec"] = self.feature_spec.to_dict()
        return extras

    def check_checkpoint(self, ckpt: dict[str, Any], source: str) -> None:
        """Same-shaped weights of another config (e.g. other dropout) would load silently."""
        check_kind(ckpt.get(KIND_KEY), MODEL_A, source, "train_a", allow_missing=True)
        if "model_config" in ckpt:
            check_same_architecture(ModelAConfig(**ckpt["model_config"]), self.model_config,
                                    source)

    def series_nll(self, strength: torch.Tensor, series: SeriesTensors) -> torch.Tensor:
        """[S] -log P(observed winner) of each series of the season under the simulator."""
        return torch_series_nll(strength[series.home], strength[series.away], series.best_of,
                                series.home_won, self.game_model, series.lengths)

    def season_loss(self, strength: torch.Tensor, item: TrainList) -> torch.Tensor:
        """Mean series log-loss of the season + listmle_weight * ListMLE(strength / T). The
        L2-SP penalty of a training step is added by `_penalise` (outside the graph)."""
        cfg = self.train_config
        terms = []
        if item.series is not None:
            terms.append(self.series_nll(strength, item.series).mean())
        if item.games is not None and cfg.playoff_games_weight > 0:     # hook: playoff games
            terms.append(cfg.playoff_games_weight * games_nll(
                self.model, item.roster, item.games, self.game_model).mean())
        if cfg.listmle_weight > 0:
            terms.append(cfg.listmle_weight * grouped_list_mle(
                strength / self.log_temperature.exp(), item.ranks, item.groups))
        # summed from the first term (0 + x is x: one graph node fewer a step)
        loss = terms[0] if terms else strength.new_zeros(())
        for term in terms[1:]:
            loss = loss + term
        return loss

    @torch.no_grad()
    def _penalise(self) -> float:
        """L2-SP: adds the gradient of sum(weight * (p - p0)^2), 2 * weight * (p - p0), to each
        anchored parameter's gradient and returns the penalty. Written out instead of built
        into the autograd graph: ~50 fewer graph nodes a step, a tenth of a training step;
        one foreach call per weight instead of a loop over the parameters."""
        penalty = 0.0
        for weight, (params, starts) in self._anchor_groups.items():
            diffs = torch._foreach_sub(params, starts)
            penalty += weight * float((torch.stack(torch._foreach_norm(diffs)) ** 2).sum())
            for p in params:
                if p.grad is None:
                    p.grad = torch.zeros_like(p)
            torch._foreach_add_([p.grad for p in params], diffs, alpha=2.0 * weight)
        return penalty

    def usable(self, batches: Sequence[TrainList]) -> list[TrainList]:
        """Seasons the loss can learn from (a season without series needs the ListMLE term)."""
        return [b for b in batches
                if b.series is not None or self.train_config.listmle_weight > 0]

    def _train_epoch(self, batches: Sequence[TrainList]) -> float:
        self.model.train()
        batches = self.usable(batches)
        if not batches:
            raise DataError("Model A: no training season has playoff series (and "
                            "listmle_weight is 0): nothing to learn from")
        losses, params = [], [p for _, p in self.model.output_parameters()]
        stepped = [*params, self.log_temperature]       # the optimiser's parameters
        for i, j in enumerate(torch.randperm(len(batches), generator=self.generator).tolist()):
            item = batches[j]
            strength, _, _ = self.model(*item.roster.model_inputs())
            loss = self.season_loss(strength, item)
            # optimizer.zero_grad() (set_to_none) without its wrapper that switches torch's
            # compiler off around it: ~5% of a step here
            for p in stepped:
                p.grad = None
            loss.backward()
            penalty = self._penalise()
            clip_grad_norm_(params, self.train_config.grad_clip)
            self.optimizer.step()
            losses.append(float(loss.detach()) + penalty)
            self.batch_end(i, {"loss": losses[-1]})
            if self.stop_training:
                break
        return float(np.mean(losses))

    @torch.no_grad()
    def _eval_epoch(self, batches: Sequence[TrainList]) -> float:
        """Series log-loss pooled over the validation seasons' series (the yardstick); the
        training objective when no validation season has series."""
        self.model.eval()
        with_series = [b for b in batches if b.series is not None]
        if with_series:
            nll = [self.series_nll(self.model(*b.roster.model_inputs())[0], b.series)
                   for b in with_series]
            return float(torch.cat(nll).mean())
        return float(np.mean([float(self.season_loss(self.model(*b.roster.model_inputs())[0], b))
                              for b in self.usable(batches)]))

    def fit(self, batches: Sequence[TrainList], val_batches: Sequence[TrainList] | None = None,
            progress: Any = None) -> list[dict[str, Any]]:
        """Train; on attention collapse with "stop_and_restart", re-seed, re-initialise and
        start again from epoch 0, at most `attention_max_restarts` times. The last allowed
        attempt only logs collapses, so training always ends with a usable model."""
        cfg = self.train_config
        while True:
            last_try = self.restarts >= cfg.attention_max_restarts
            if self.monitor is not None and cfg.attention_collapse_action == "stop_and_restart":
                self.monitor.action = "log" if last_try else "stop_and_restart"
            if cfg.warm_start:
                self.warm_start(batches)
            super().fit(batches, val_batches, progress)
            if self.stop_reason != COLLAPSE_REASON or cfg.attention_collapse_action != "stop_and_restart":
                return self.history
            self.restarts += 1
            self.seed = cfg.seed + self.restarts * RESEED_STEP
            log.warning("attention collapsed; restart %d/%d with seed %d", self.restarts,
                        cfg.attention_max_restarts, self.seed)
            self.model = self._build(self.seed)

    def predict(self, batch: RosterBatch) -> torch.Tensor:
        return self.predict_with_attention(batch)[0]

    @torch.no_grad()
    def predict_with_attention(self, batch: RosterBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """(strength in points [teams], attention [teams, slots]) in eval mode."""
        self.model.eval()
        strength, _, attn_w = self.model(*batch.model_inputs())
        return strength, attn_w
