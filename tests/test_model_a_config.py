"""ModelAConfig: validation, params round trip, architecture DNA in checkpoints."""
from __future__ import annotations

import dataclasses

import pytest
import torch

from src.config import load_params
from src.errors import ConfigError
from src.models.model_a.predict import load_model_a
from src.models.model_a.config import ModelAConfig, model_a_configs
from src.models.model_a.deep_set_rank import DeepSetRank


@pytest.mark.parametrize("field, value, words", [
    ("dropout", -0.1, "dropout"),
    ("attention_input_dropout", 1.0, "attention_input_dropout"),
    ("attention_heads", 3, "must divide"),            # width 8 is not a multiple of 3
    ("attention_temperature", 0.0, "attention_temperature"),
    ("fallback_strategy", "median", "fallback_strategy"),
    ("encoder_hidden", (), "encoder_hidden"),
    ("num_embeddings", 1, "num_embeddings"),
])
def test_bad_values_raise_naming_the_field(model_a_configs_small, field, value, words):
    arch, _ = model_a_configs_small()
    with pytest.raises(ConfigError, match=words):
        dataclasses.replace(arch, **{field: value})


def test_params_yaml_section_builds_and_round_trips():
    arch, train = model_a_configs(load_params()["model_a"])
    assert ModelAConfig(**arch.to_dict()) == arch
    assert train.attention_collapse_action in ("log", "stop", "stop_and_restart")


def test_unknown_and_missing_keys_are_errors():
    section = dict(load_params()["model_a"])
    with pytest.raises(ConfigError, match="unknown key.*bogus"):
        model_a_configs({**section, "bogus": 1})
    section.pop("attention_heads")
    with pytest.raises(ConfigError, match="missing key.*attention_heads"):
        model_a_configs(section)


def _save(model: DeepSetRank, path, with_config: bool) -> None:
    ckpt = {"model_state": model.state_dict(),
            "feature_spec": {"feature_names": ["a"] * model.config.stat_dim,
                             "means": [0.0] * model.config.stat_dim,
                             "stds": [1.0] * model.config.stat_dim, "max_players": 4,
                             "min_minutes": 0.0, "num_embeddings": model.config.num_embeddings,
                             "train_seasons": [2001], "shrink_minutes": 500.0,
                             "prior_seasons": 2, "availability_power": 0.5}}
    if with_config:
        ckpt["model_config"] = model.config.to_dict()
    torch.save(ckpt, path)


def test_from_checkpoint_reads_model_config(tmp_path, model_a_configs_small):
    arch, _ = model_a_configs_small(attention_temperature=0.5, encoder_hidden=(12, 6),
                                    attention_heads=3)
    arch = arch.with_stat_dim(5)
    _save(DeepSetRank.from_config(arch), tmp_path / "m.pt", with_config=True)
    assert ModelAConfig.from_checkpoint(tmp_path / "m.pt") == arch


def test_old_checkpoint_without_config_is_inferred_from_shapes(tmp_path, model_a_configs_small):
    arch, _ = model_a_configs_small(encoder_hidden=(12, 6), attention_heads=3, embedding_dim=5)
    arch = arch.with_stat_dim(7)
    model = DeepSetRank.from_config(arch)
    _save(model, tmp_path / "old.pt", with_config=False)
    defaults, _ = model_a_configs_small()          # different widths/dims: shapes must win
    defaults = dataclasses.replace(defaults, attention_heads=3, encoder_hidden=(9, 6))
    inferred = ModelAConfig.from_checkpoint(tmp_path / "old.pt", defaults=defaults)
    assert (inferred.stat_dim, inferred.embedding_dim, inferred.encoder_hidden) == (7, 5, (12, 6))
    loaded, spec = load_model_a(tmp_path / "old.pt", defaults=defaults)
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value)
    assert spec.max_players == 4


def test_old_checkpoint_never_reads_params_yaml_from_the_working_directory(tmp_path, monkeypatch,
                                                                           model_a_configs_small):
    """Without defaults an old checkpoint is a clear error, whatever params.yaml lies in the cwd."""
    arch, _ = model_a_configs_small()
    _save(DeepSetRank.from_config(arch.with_stat_dim(3)), tmp_path / "old.pt", with_config=False)
    (tmp_path / "params.yaml").write_text("model_a: {}\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"old.pt: an old checkpoint without 'model_config'"):
        ModelAConfig.from_checkpoint(tmp_path / "old.pt")


def test_load_refuses_a_mismatched_architecture(tmp_path, model_a_configs_small):
    arch, _ = model_a_configs_small()
    _save(DeepSetRank.from_config(arch.with_stat_dim(3)), tmp_path / "m.pt", with_config=True)
    expected = dataclasses.replace(arch, attention_use_residual=False)
    with pytest.raises(ConfigError, match="attention_use_residual"):
        load_model_a(tmp_path / "m.pt", expected=expected)
    load_model_a(tmp_path / "m.pt", expected=arch)   # stat_dim 0 = not compared


def test_zero_epochs_needs_the_warm_start():
    section = dict(load_params()["model_a"])
    _, train = model_a_configs({**section, "epochs": 0, "warm_start": True})
    assert train.epochs == 0
    with pytest.raises(ConfigError, match="epochs.*unless warm_start"):
        model_a_configs({**section, "epochs": 0, "warm_start": False})
