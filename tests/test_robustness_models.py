"""Model files are data, never code: a checkpoint of another architecture is refused naming
the field that differs, and a tampered file (a pickle that would run code when loaded) is
refused without running it. Model A: torch.load(weights_only=True); the forest: skops
with trusted types; XGBoost: its own JSON only."""
from __future__ import annotations

import dataclasses
import json
import os
import pickle
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
import torch
import xgboost as xgb
from sklearn.ensemble import RandomForestRegressor

from src.config import load_params
from src.errors import ConfigError, DataError
from src.features.roster import FeatureSpec
from src.inference.predict_a import load_model_a, read_checkpoint
from src.models.config import ModelAConfig, model_a_configs
from src.training.train_model_a import ModelATrainer
from src.training.train_model_b import load_rf, load_xgb
from src.inference.monte_carlo import GameModel
from tests.conftest import GAME_MODEL_ARGS

GAME = GameModel(**GAME_MODEL_ARGS)

REPO_ROOT = Path(__file__).resolve().parents[1]
STAT_DIM = 3


class RunsCode:
    """Unpickling this calls os.system: what a tampered model file would smuggle in."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch '{self.marker}'",)


def _configs() -> tuple[ModelAConfig, object]:
    arch, train = model_a_configs(load_params(REPO_ROOT / "params.yaml")["model_a"])
    small = dataclasses.replace(arch, num_embeddings=16, encoder_hidden=(8, 4), attention_heads=2)
    # the value prior names a real roster feature; this spec has made-up ones
    return small.with_stat_dim(STAT_DIM), dataclasses.replace(train, value_prior={})


def _spec() -> FeatureSpec:
    return FeatureSpec(feature_names=["a", "b", "c"], means=[0.0] * STAT_DIM, stds=[1.0] * STAT_DIM,
                       max_players=5, min_minutes=0.0, num_embeddings=16, train_seasons=[2001],
                       shrink_minutes=500.0, prior_seasons=2, availability_power=0.5)


def _checkpoint(path: Path, arch: ModelAConfig, train) -> Path:
    return ModelATrainer(arch, train, feature_spec=_spec(), game_model=GAME).save_checkpoint(path)


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple[Path, ModelAConfig, object]:
    torch.set_num_threads(1)
    arch, train = _configs()
    return _checkpoint(tmp_path_factory.mktemp("ckpt") / "model_a.pt", arch, train), arch, train


# ---- Model A: a checkpoint of another ModelAConfig ----
def test_same_config_loads(saved) -> None:
    path, arch, _ = saved
    model, spec = load_model_a(path, expected=arch)
    assert model.config == arch and not model.training
    assert spec.feature_names == ["a", "b", "c"]
    load_model_a(path, expected=arch.with_stat_dim(0))       # 0 = "from the data": not compared


@pytest.mark.parametrize("field, value", [("attention_heads", 4), ("encoder_hidden", (8, 8)),
                                          ("dropout", 0.45), ("attention_temperature", 2.0),
                                          ("fallback_strategy", "uniform"), ("stat_dim", 7)])
def test_other_config_is_refused_naming_the_field(saved, field: str, value) -> None:
    path, arch, _ = saved
    expected = dataclasses.replace(arch, **{field: value})
    found = arch.to_dict()[field]
    with pytest.raises(ConfigError) as exc:
        load_model_a(path, expected=expected)
    msg = str(exc.value)
    assert str(path) in msg and f"model_config.{field} = {found!r}" in msg
    assert f"model_a.{field} = " in msg


def test_resuming_training_from_another_config_is_refused(saved) -> None:
    path, arch, train = saved
    other = ModelATrainer(dataclasses.replace(arch, dropout=0.45), train, feature_spec=_spec(),
                          game_model=GAME)
    with pytest.raises(ConfigError, match="dropout"):
        other.load_checkpoint(path)      # same shapes: load_state_dict alone accepts it


# ---- tampered files are not executed ----
def _tampered_checkpoint(path: Path, good: Path, marker: Path) -> Path:
    ckpt = torch.load(good, map_location="cpu", weights_only=True)
    ckpt["history"] = [RunsCode(marker)]          # a valid checkpoint with a payload inside
    torch.save(ckpt, path)
    return path


def test_tampered_checkpoint_is_not_executed(saved, tmp_path: Path) -> None:
    good, arch, train = saved
    marker = tmp_path / "pwned"
    bad = _tampered_checkpoint(tmp_path / "model_a.pt", good, marker)
    loaders = [read_checkpoint, load_model_a, ModelAConfig.from_checkpoint,
               ModelATrainer(arch, train, feature_spec=_spec(), game_model=GAME).load_checkpoint]
    for load in loaders:
        with pytest.raises(pickle.UnpicklingError, match="[Ww]eights only load failed"):
            load(bad)
        assert not marker.exists(), f"{load.__qualname__} ran the payload"
    # the payload is live: an unsafe load would have run it
    torch.load(bad, map_location="cpu", weights_only=False)
    assert marker.exists()


def _rf_file(path: Path) -> Path:
    X = np.arange(40, dtype=float).reshape(20, 2)
    sio.dump(RandomForestRegressor(n_estimators=2, max_depth=2, random_state=0).fit(X, X[:, 0]),
             path)
    return path


def _swap_schema(path: Path, change) -> None:
    """Rewrite schema.json inside a .skops zip: what an attacker editing the file does."""
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    members["schema.json"] = json.dumps(change(json.loads(members["schema.json"]))).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def test_tampered_skops_forest_is_refused(tmp_path: Path) -> None:
    path = _rf_file(tmp_path / "rf.skops")
    assert isinstance(load_rf(path), RandomForestRegressor)
    marker = tmp_path / "pwned"

    def to_popen(schema: dict) -> dict:   # the forest node now builds subprocess.Popen
        return {**schema, "__module__": "subprocess", "__class__": "Popen"}
    _swap_schema(path, to_popen)
    with pytest.raises(DataError, match=re.escape(str(path)) + ".*untrusted types.*subprocess.Popen"):
        load_rf(path)
    assert not marker.exists()


def test_pickle_renamed_to_skops_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "rf.skops"
    path.write_bytes(pickle.dumps(RunsCode(marker)))
    with pytest.raises(Exception):
        load_rf(path)
    assert not marker.exists()


def test_xgboost_loads_json_only(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    pickled = tmp_path / "xgb.json"
    pickled.write_bytes(pickle.dumps(RunsCode(marker)))
    # only a JSON model file is handed to XGBoost; anything else is refused before parsing
    with pytest.raises(DataError, match="not an XGBoost JSON model"):
        load_xgb(pickled, "rank:pairwise")
    assert not marker.exists()
    X = np.arange(40, dtype=float).reshape(20, 2)
    good = tmp_path / "good.json"
    xgb.XGBRegressor(n_estimators=2, n_jobs=1).fit(X, X[:, 0]).save_model(good)
    assert load_xgb(good, "reg:squarederror").predict(X).shape == (20,)


# ---- no unsafe loader anywhere in the library ----
UNSAFE = re.compile(r"pickle\.loads?\(|joblib\.load\(|weights_only\s*=\s*False|"
                    r"trusted\s*=\s*True|torch\.load\((?!.*weights_only\s*=\s*True)")


def test_no_unsafe_model_loading_in_src() -> None:
    offenders = [f"{p.relative_to(REPO_ROOT)}:{i}: {line.strip()}"
                 for p in sorted((REPO_ROOT / "src").rglob("*.py"))
                 for i, line in enumerate(p.read_text().splitlines(), start=1)
                 if UNSAFE.search(line)]
    assert offenders == []
