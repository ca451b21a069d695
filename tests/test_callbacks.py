"""AttentionMonitorCallback: hand-computed stats, the hook's life cycle, forced collapse."""
from __future__ import annotations

import math

import pytest
import torch

from src.features.roster import fit_feature_spec, select_rosters, to_batch
from src.features.config import RosterConfig
from src.models.model_a.callbacks import AttentionMonitorCallback, attention_stats
from src.models.model_a.trainer import ModelATrainer, make_lists
from tests.conftest import GAME_MODEL_ARGS, tiny_series

from src.league.monte_carlo import GameModel

GAME = GameModel(**GAME_MODEL_ARGS)


def test_stats_on_a_hand_made_tensor_with_padding():
    attn = torch.tensor([[0.5, 0.5, 0.0], [0.7, 0.2, 0.1]])
    pad = torch.tensor([[False, False, True], [False, False, False]])
    stats = attention_stats(attn, pad)
    entropy_b = -(0.7 * math.log(0.7) + 0.2 * math.log(0.2) + 0.1 * math.log(0.1))  # 0.801819
    var_b = ((0.7 - 1 / 3) ** 2 + (0.2 - 1 / 3) ** 2 + (0.1 - 1 / 3) ** 2) / 3       # 0.068889
    assert stats["attention_entropy_mean"] == pytest.approx((math.log(2) + entropy_b) / 2)
    assert stats["attention_variance_mean"] == pytest.approx((0.0 + var_b) / 2)
    assert stats["attention_max_weight_mean"] == pytest.approx((0.5 + 0.7) / 2)


def _lists(tiny_league, seasons=(2001, 2002, 2003)):
    players, teams = tiny_league(seasons=seasons)
    cfg = RosterConfig(max_players=8, min_minutes=0, shrink_minutes=500, prior_seasons=2, availability_power=0.5)
    rosters = select_rosters(players, seasons, cfg)
    spec = fit_feature_spec(rosters, seasons, cfg, 64)
    batch = to_batch(spec, rosters)
    return spec, batch, make_lists(batch, teams, per_conference=False, series=tiny_series(teams))


def test_monitor_does_not_change_outputs_and_hook_is_removed(tiny_league, model_a_configs_small):
    spec, batch, lists = _lists(tiny_league)
    arch, train = model_a_configs_small(epochs=2)
    trainer = ModelATrainer(arch.with_stat_dim(len(spec.feature_names)), train, spec, GAME)
    model = trainer.model.eval()
    before = model(*batch.model_inputs())[0]
    monitor = trainer.monitor
    monitor.on_train_start({})
    assert len(model._forward_hooks) == 1
    assert torch.equal(model(*batch.model_inputs())[0], before)
    monitor.on_train_end({})
    assert len(model._forward_hooks) == 0
    trainer.fit(lists)
    assert len(trainer.model._forward_hooks) == 0
    assert trainer.history[-1]["attention_entropy_mean"] > 0


def test_forced_collapse_restarts_and_ends_with_a_usable_model(tiny_league,
                                                              model_a_configs_small):
    """Forced collapse: an entropy floor no distribution over <= 8 players can reach (ln 8 < 5).
    README one-liner: dvc exp run -S model_a.attention_entropy_min=5"""
    spec, batch, lists = _lists(tiny_league)
    arch, train = model_a_configs_small(attention_entropy_min=5.0, attention_max_restarts=2)
    trainer = ModelATrainer(arch.with_stat_dim(len(spec.feature_names)), train, spec, GAME)
    history = trainer.fit(lists)
    assert trainer.restarts == 2
    assert sorted({row["restarts"] for row in history}) == [0, 1, 2]
    assert len({row["seed"] for row in history}) == 3
    last = [row for row in history if row["restarts"] == 2]
    assert len(last) > 1 and last[0]["epoch"] == 0        # the last attempt trains from epoch 0
    scores = trainer.predict(batch)
    assert torch.isfinite(scores).all() and scores.std() > 0


def test_stop_action_stops_without_restart(tiny_league, model_a_configs_small):
    spec, _, lists = _lists(tiny_league)
    arch, train = model_a_configs_small(attention_entropy_min=5.0,
                                        attention_collapse_action="stop")
    trainer = ModelATrainer(arch.with_stat_dim(len(spec.feature_names)), train, spec, GAME)
    trainer.fit(lists)
    assert trainer.restarts == 0 and trainer.stop_reason == "attention_collapse"
    assert len(trainer.history) == 1                       # 2 collapsed batches, epoch 0


def test_tiny_temperature_collapses_attention(tiny_league, model_a_configs_small):
    spec, _, lists = _lists(tiny_league)
    # one head: with several, each head spikes on its own player and their mean does not
    arch, train = model_a_configs_small(attention_temperature=1e-4, attention_heads=1,
                                        attention_entropy_min=0.05, attention_collapse_action="log")
    trainer = ModelATrainer(arch.with_stat_dim(len(spec.feature_names)), train, spec, GAME)
    trainer.fit(lists)
    assert trainer.monitor.collapses >= 1
    assert trainer.history[0]["attention_entropy_mean"] < 0.05


def test_bad_action_is_rejected():
    with pytest.raises(ValueError, match="attention_collapse_action"):
        AttentionMonitorCallback(0.1, 0.0, 2, "explode")


def test_progress_bar_counts_epochs_and_closes(monkeypatch):
    """The epoch bar advances once per epoch and is closed at train end (no leaked bars)."""
    from src.models.model_a.callbacks import ProgressBarCallback

    class FakeTrainer:
        epochs = 3

    monkeypatch.setattr("src.utils.logging.progress_disabled", lambda: False)
    cb = ProgressBarCallback("t")
    cb.set_trainer(FakeTrainer())
    cb.on_train_start({})
    for epoch in range(2):
        cb.on_epoch_end(epoch, {"train_loss": 1.0, "val_loss": None})
    assert cb.bar.n == 2 and cb.bar.total == 3
    cb.on_train_end({})
    assert cb.bar is None


def _reference_stats(attn_w, key_padding_mask):
    """The statistics as first written (the entropy negated per team, ones_like in the where)."""
    valid = (~key_padding_mask).to(attn_w.dtype)
    n_valid = valid.sum(-1).clamp_min(1.0)
    p = attn_w * valid
    entropy = -(p * torch.log(torch.where(p > 0, p, torch.ones_like(p)))).sum(-1)
    mean = p.sum(-1, keepdim=True) / n_valid.unsqueeze(-1)
    variance = (((p - mean) ** 2) * valid).sum(-1) / n_valid
    return torch.stack([entropy.mean(), variance.mean(), p.max(-1).values.mean()]).tolist()


def test_stats_are_the_same_bits_as_first_written_and_the_mask_memo_follows_an_in_place_change():
    g = torch.Generator().manual_seed(0)
    pad = torch.zeros(30, 15, dtype=torch.bool)
    pad[:, 12:] = True
    pad[4, 6:] = True
    attn = torch.softmax(torch.randn(30, 15, generator=g).masked_fill(pad, float("-inf")), -1)
    assert list(attention_stats(attn, pad).values()) == _reference_stats(attn, pad)
    monitor = AttentionMonitorCallback(0.1, 1e-6, 5, "log")
    first = monitor._slots(pad, attn.dtype)
    assert monitor._slots(pad, attn.dtype) is first                   # the same season's mask
    pad[4, 6:9] = False                                               # in place: recomputed
    attn = torch.softmax(torch.randn(30, 15, generator=g).masked_fill(pad, float("-inf")), -1)
    assert list(attention_stats(attn, pad, monitor._slots(pad, attn.dtype)).values()) == _reference_stats(attn, pad)
