"""BaseTrainer in the Keras shape: EarlyStopping (opt-in best-weight restore) and
ModelCheckpoint as callbacks in a CallbackList, NaN check; ModelATrainer: determinism and
inference from the checkpoint alone."""
from __future__ import annotations

import dataclasses

import pytest
import torch
from torch import nn

from src.errors import ConfigError, PipelineError
from src.features.roster import fit_feature_spec, select_rosters, to_batch
from src.models.model_a.predict import build_inputs, load_model_a, predict_with_attention
from src.models.model_a.predict import attention_table
from src.features.config import RosterConfig
from src.models.model_a.base_trainer import BaseTrainer, Callback, EarlyStopping, ModelCheckpoint
from src.models.model_a.trainer import ModelATrainer, make_lists
from src.league.monte_carlo import GameModel
from tests.conftest import GAME_MODEL_ARGS, tiny_series

GAME = GameModel(**GAME_MODEL_ARGS)


class ScriptedTrainer(BaseTrainer):
    """Epoch e sets the weight to e and reports val_losses[e]."""
    def __init__(self, val_losses, patience=None, callbacks=(), restore=True):
        model = nn.Linear(1, 1, bias=False)
        stopping = [EarlyStopping(patience, 0.0, restore_best_weights=restore)] if patience else []
        super().__init__(model, torch.optim.SGD(model.parameters(), lr=0.1), len(val_losses),
                         [*callbacks, *stopping])
        self.val_losses, self.epoch = val_losses, -1

    def _train_epoch(self, batches):
        self.epoch += 1
        with torch.no_grad():
            self.model.weight.fill_(float(self.epoch))
        self.batch_end(0, {})
        return 1.0

    def _eval_epoch(self, batches):
        return self.val_losses[self.epoch]


class Recorder(Callback):
    def __init__(self):
        self.events = []

    def on_train_start(self, logs): self.events.append("start")
    def on_epoch_start(self, epoch, logs): self.events.append(f"e{epoch}")
    def on_batch_end(self, batch, logs): self.events.append("b")
    def on_epoch_end(self, epoch, logs): self.events.append(f"/e{epoch}")
    def on_train_end(self, logs): self.events.append("end")


def test_early_stopping_restores_the_best_weights():
    recorder = Recorder()
    trainer = ScriptedTrainer([3.0, 2.0, 1.0, 2.0, 3.0, 4.0, 0.5], patience=3,
                              callbacks=[recorder])
    history = trainer.fit([None], val_batches=[None])
    assert len(history) == 6 and trainer.stop_reason == "early_stopping"   # epochs 3,4,5 worse
    assert trainer.best_epoch == 2 and float(trainer.model.weight.detach()) == 2.0
    assert recorder.events[:4] == ["start", "e0", "b", "/e0"] and recorder.events[-1] == "end"


def test_best_weights_are_kept_only_when_asked():
    trainer = ScriptedTrainer([3.0, 2.0, 1.0, 2.0, 3.0, 4.0, 0.5], patience=3, restore=False)
    trainer.fit([None], val_batches=[None])
    assert trainer.best_epoch == 2 and float(trainer.model.weight.detach()) == 5.0   # last epoch


def test_without_early_stopping_every_epoch_runs():
    """A refit: a fixed number of epochs, no patience at all."""
    trainer = ScriptedTrainer([3.0, 2.0, 1.0, 2.0, 3.0, 4.0, 0.5])
    history = trainer.fit([None], val_batches=[None])
    assert len(history) == 7 and trainer.stop_reason is None and trainer.best_epoch == 6


def test_model_checkpoint_saves_the_best_epoch(tmp_path):
    path = tmp_path / "best.pt"
    trainer = ScriptedTrainer([3.0, 1.0, 2.0], callbacks=[ModelCheckpoint(path)])
    trainer.fit([None], val_batches=[None])
    ckpt = torch.load(path, weights_only=True)
    assert ckpt["epoch"] == 1 and float(ckpt["model_state"]["weight"]) == 1.0


def test_non_finite_loss_raises():
    trainer = ScriptedTrainer([1.0, float("nan")], patience=5)
    with pytest.raises(PipelineError, match="val_loss = nan at epoch 1"):
        trainer.fit([None], val_batches=[None])


def _setup(tiny_league, seasons=(2001, 2002, 2003, 2004)):
    players, teams = tiny_league(seasons=seasons)
    cfg = RosterConfig(max_players=8, min_minutes=0, shrink_minutes=500, prior_seasons=2, availability_power=0.5)
    rosters = select_rosters(players, seasons, cfg)
    spec = fit_feature_spec(rosters, seasons[:3], cfg, 64)
    batch = to_batch(spec, rosters)
    return players, spec, batch, make_lists(batch, teams, per_conference=False,
                                            series=tiny_series(teams))


def test_checkpoint_inference_equals_trained_model(tiny_league, model_a_configs_small, tmp_path):
    players, spec, batch, lists = _setup(tiny_league)
    arch, train = model_a_configs_small(dropout=0.2)
    trainer = ModelATrainer(arch.with_stat_dim(len(spec.feature_names)), train, spec, GAME)
    trainer.fit(lists[:2], lists[2:3])
    expected_scores, expected_w = trainer.predict_with_attention(batch)
    path = trainer.save_checkpoint(tmp_path / "model_a.pt")
    ckpt = torch.load(path, weights_only=True)
    assert {"model_state", "model_config", "optimizer_state", "epoch", "history",
            "feature_spec"} <= set(ckpt)
    model, loaded_spec = load_model_a(path)
    rebuilt = build_inputs(loaded_spec, players, [2001, 2002, 2003, 2004])
    scores, attn_w = predict_with_attention(model, rebuilt)
    assert torch.allclose(scores, expected_scores, atol=1e-6)
    assert torch.allclose(attn_w, expected_w, atol=1e-6)
    table = attention_table(model, loaded_spec, players, [2004])
    assert len(table) == 6 * 8 and not table["fallback"].any()
    assert table.groupby("team")["attention"].sum().to_numpy() == pytest.approx(1.0, abs=1e-5)
    resumed = ModelATrainer(arch.with_stat_dim(len(spec.feature_names)), train, spec, GAME)
    resumed.load_checkpoint(path)
    assert torch.allclose(resumed.predict(batch), expected_scores, atol=1e-6)


def test_same_seed_same_model_and_training_learns(tiny_league, model_a_configs_small):
    _, spec, batch, lists = _setup(tiny_league)
    arch, train = model_a_configs_small(epochs=15, patience=15)
    arch = arch.with_stat_dim(len(spec.feature_names))
    first, second = ModelATrainer(arch, train, spec, GAME), ModelATrainer(arch, train, spec, GAME)
    first.fit(lists[:3])
    second.fit(lists[:3])
    assert torch.equal(first.predict(batch), second.predict(batch))
    assert first.history[-1]["train_loss"] < first.history[0]["train_loss"]


def test_resuming_from_another_architecture_is_refused(tiny_league, model_a_configs_small,
                                                       tmp_path):
    _, spec, _, lists = _setup(tiny_league)
    arch, train = model_a_configs_small(epochs=1)
    arch = arch.with_stat_dim(len(spec.feature_names))
    path = ModelATrainer(arch, train, spec, GAME).save_checkpoint(tmp_path / "m.pt")
    other = ModelATrainer(dataclasses.replace(arch, dropout=0.5), train, spec, GAME)
    with pytest.raises(ConfigError, match="model_config.dropout"):
        other.load_checkpoint(path)        # same shapes: load_state_dict alone would accept it
