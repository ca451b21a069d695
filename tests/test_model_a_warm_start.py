"""Model A's warm start (a ridge fit of the value head on the series likelihood before the
epochs) and EarlyStopping's include_start (the starting weights as epoch -1)."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from src.features.roster import fit_feature_spec, select_rosters, to_batch
from src.models.model_a.base_trainer import START_EPOCH, BaseTrainer, EarlyStopping
from src.models.model_a.trainer import ModelATrainer, make_lists
from src.models.model_a.warm_start import fit_value_head, season_terms
from tests.conftest import roster_cfg, tiny_series

ROSTER = roster_cfg(max_players=8, min_minutes=0)
ON_COURT = "on_court_plus_minus_per_100_poss"
SEASONS = (2001, 2002, 2003, 2004)


def _trainer_and_lists(tiny_league, make_configs, game_model, **overrides):
    players, teams = tiny_league(seasons=SEASONS)
    rosters = select_rosters(players, SEASONS, ROSTER)
    spec = fit_feature_spec(rosters, SEASONS, ROSTER, 64)
    lists = make_lists(to_batch(spec, rosters), teams, False, tiny_series(teams))
    arch, train = make_configs(**{"value_prior": {ON_COURT: 1.0}, "listmle_weight": 0.0,
                                  **overrides})
    trainer = ModelATrainer(arch.with_stat_dim(len(spec.feature_names)), train, spec, game_model)
    return trainer, lists


def _train_nll(trainer, lists, game_model):
    from src.models.model_a.series_loss import torch_series_nll
    from src.models.model_a.deep_set_rank import ON_COURT as FIVE
    terms = season_terms(trainer.model, lists)
    w = trainer.model.value_linear.weight[0].detach().double()
    losses = [torch_series_nll(*(lambda s: (s[t.home], s[t.away]))(FIVE * t.pooled_stats @ w + t.fixed),
                               t.best_of, t.home_won, game_model) for t in terms]
    return float(torch.cat(losses).mean())


def test_warm_start_lowers_the_training_series_loss_and_is_deterministic(
        tiny_league, model_a_configs_small, game_model):
    trainer, lists = _trainer_and_lists(tiny_league, model_a_configs_small, game_model)
    before = _train_nll(trainer, lists, game_model)
    result = fit_value_head(trainer.model, lists, game_model, l2=0.1)
    after = _train_nll(trainer, lists, game_model)
    assert result.train_series_nll == pytest.approx(after, rel=1e-5)
    assert after < before - 0.01
    again, lists2 = _trainer_and_lists(tiny_league, model_a_configs_small, game_model)
    fit_value_head(again.model, lists2, game_model, l2=0.1)
    assert torch.equal(again.model.value_linear.weight, trainer.model.value_linear.weight)


def test_a_large_ridge_keeps_the_prior_direction_and_fits_only_its_scale(
        tiny_league, model_a_configs_small, game_model):
    trainer, lists = _trainer_and_lists(tiny_league, model_a_configs_small, game_model)
    prior = trainer.model.value_linear.weight[0].detach().clone()
    result = fit_value_head(trainer.model, lists, game_model, l2=1e6)
    assert result.delta_norm < 1e-3 and result.scale > 1.0    # the tiny league's q is decisive
    torch.testing.assert_close(trainer.model.value_linear.weight[0], prior * result.scale,
                               rtol=1e-4, atol=1e-5)


def test_the_l2_sp_anchor_moves_to_the_warm_start(tiny_league, model_a_configs_small,
                                                  game_model):
    trainer, lists = _trainer_and_lists(tiny_league, model_a_configs_small, game_model,
                                        warm_start=True, warm_start_l2=0.1, epochs=1)
    trainer.fit(lists[:3], lists[3:])
    anchored = dict(zip([id(p) for p, _ in trainer.anchored], trainer.start_weights))
    fresh, _ = _trainer_and_lists(tiny_league, model_a_configs_small, game_model)
    fit_value_head(fresh.model, lists[:3], game_model, l2=0.1)     # the fit seasons only
    torch.testing.assert_close(anchored[id(trainer.model.value_linear.weight)],
                               fresh.model.value_linear.weight)
    prior, _ = _trainer_and_lists(tiny_league, model_a_configs_small, game_model)
    assert not torch.allclose(prior.model.value_linear.weight, fresh.model.value_linear.weight)


def test_a_refit_of_zero_epochs_is_the_warm_start(tiny_league, model_a_configs_small,
                                                  game_model):
    trainer, lists = _trainer_and_lists(tiny_league, model_a_configs_small, game_model,
                                        warm_start=True, warm_start_l2=0.1)
    refit = ModelATrainer(trainer.model_config, trainer.train_config, trainer.feature_spec,
                          game_model, early_stopping=False, epochs=0)
    history = refit.fit(lists)
    assert [row["epoch"] for row in history] == [START_EPOCH]     # the start row only
    assert history[0]["val_loss"] is None and history[0]["attention_entropy_mean"] > 0
    fit_value_head(trainer.model, lists, game_model, l2=0.1)
    assert torch.equal(refit.model.value_linear.weight, trainer.model.value_linear.weight)


class StartScripted(BaseTrainer):
    """val loss `start` before training; epoch e sets the weight to e + 1 and reports losses[e]."""
    def __init__(self, start, losses, include_start):
        model = nn.Linear(1, 1, bias=False)
        with torch.no_grad():
            model.weight.fill_(0.0)
        super().__init__(model, torch.optim.SGD(model.parameters(), lr=0.1), len(losses),
                         [EarlyStopping(10, 0.0, restore_best_weights=True,
                                        include_start=include_start)])
        self.start, self.losses, self.epoch = start, losses, -1

    def _train_epoch(self, batches):
        self.epoch += 1
        with torch.no_grad():
            self.model.weight.fill_(float(self.epoch + 1))
        return 1.0

    def _eval_epoch(self, batches):
        return self.start if self.epoch < 0 else self.losses[self.epoch]


def test_include_start_keeps_the_start_when_every_epoch_is_worse():
    trainer = StartScripted(0.5, [1.0, 0.9, 0.8], include_start=True)
    trainer.fit([None], val_batches=[None])
    assert trainer.best_epoch == START_EPOCH and trainer.best_loss == 0.5
    assert float(trainer.model.weight.detach()) == 0.0


def test_include_start_still_takes_a_better_epoch_and_is_opt_in():
    trainer = StartScripted(0.5, [1.0, 0.4, 0.8], include_start=True)
    trainer.fit([None], val_batches=[None])
    assert (trainer.best_epoch, float(trainer.model.weight.detach())) == (1, 2.0)
    plain = StartScripted(0.5, [1.0, 0.9, 0.8], include_start=False)
    plain.fit([None], val_batches=[None])
    assert (plain.best_epoch, float(plain.model.weight.detach())) == (2, 3.0)
