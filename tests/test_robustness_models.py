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
from src.models.model_a.predict import load_model_a, read_checkpoint
from src.models.model_a.config import ModelAConfig, model_a_configs
from src.models.model_a.trainer import ModelATrainer
from src.models.model_b.files import load_rf, load_xgb
from src.utils.model_files import XGB_RANKER, xgb_json_bytes
from src.league.monte_carlo import GameModel
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
        with pytest.raises(DataError) as exc:
            load(bad)
        assert not marker.exists(), f"{load.__qualname__} ran the payload"
        # a project error naming file and reason; never torch's hint to load it unsafely
        assert str(bad) in str(exc.value) and "Python code" in str(exc.value)
        assert "weights_only" not in str(exc.value)
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
    with pytest.raises(DataError, match=re.escape(str(path)) + ": refused: not a valid skops"):
        load_rf(path)
    assert not marker.exists()


@pytest.mark.parametrize("content", [b"\x00\x01 random bytes", b"", b"PK\x03\x04 half a zip"])
def test_garbage_checkpoint_is_a_project_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model_a.pt"
    path.write_bytes(content)
    with pytest.raises(DataError, match=re.escape(str(path)) + ": refused: not a readable torch"):
        load_model_a(path)


@pytest.mark.parametrize("text", ['{"learner": 3, garbage', '{"version": [3, 0, 0]}', "{"])
def test_garbage_xgboost_json_is_a_project_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "xgb.json"
    path.write_text(text)
    with pytest.raises(DataError) as exc:
        load_xgb(path, "rank:pairwise")
    assert str(exc.value).startswith(f"{path}: refused: not a valid XGBoost JSON model (")
    assert "Stack trace" not in str(exc.value)


def test_missing_model_files_name_the_stage(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="train_b"):
        load_rf(tmp_path / "rf.skops")
    with pytest.raises(DataError, match="train_a"):
        load_model_a(tmp_path / "model_a.pt")


def test_xgboost_loads_json_only(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    pickled = tmp_path / "xgb.json"
    pickled.write_bytes(pickle.dumps(RunsCode(marker)))
    # only a JSON model file is handed to XGBoost; anything else is refused before parsing
    with pytest.raises(DataError, match="refused: not an XGBoost JSON model"):
        load_xgb(pickled, "rank:pairwise")
    assert not marker.exists()
    X = np.arange(40, dtype=float).reshape(20, 2)
    good = tmp_path / "good.json"
    model = xgb.XGBRegressor(n_estimators=2, n_jobs=1).fit(X, X[:, 0])
    good.write_bytes(xgb_json_bytes(model.get_booster(), XGB_RANKER))
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


# ---- the architecture check runs where checkpoints are loaded for real ----
def test_forecast_refuses_a_checkpoint_of_another_architecture(saved) -> None:
    """Issue 12: a consistent checkpoint with other widths used to pass the forecast."""
    from src.inference.forecast_scores import model_a_scores
    path, arch, _ = saved
    params_arch = model_a_configs(load_params(REPO_ROOT / "params.yaml")["model_a"])[0]
    with pytest.raises(ConfigError, match=re.escape(str(path)) + ".*model_config.num_embeddings"):
        model_a_scores(path, None, 2026, 1, expected=params_arch)


def test_explain_refuses_a_walk_forward_checkpoint_of_another_architecture(saved, tmp_path) -> None:
    from src.explain.attention import checkpoint_for_season
    path, arch, _ = saved
    (tmp_path / "2006.pt").write_bytes(path.read_bytes())
    wider = dataclasses.replace(arch, encoder_hidden=(16, 4))
    with pytest.raises(ConfigError, match="2006.pt.*model_config.encoder_hidden"):
        checkpoint_for_season(tmp_path, 2006, expected=wider)


def test_every_real_checkpoint_load_checks_the_architecture() -> None:
    """In src/ and stages/, load_model_a and checkpoint_for_season are always given the
    expected architecture (params.yaml model_a)."""
    calls = [(p, line) for folder in ("src", "stages") for p in sorted((REPO_ROOT / folder).rglob("*.py"))
             for line in p.read_text().split("\n")
             if re.search(r"\b(load_model_a|checkpoint_for_season)\(", line) and "def " not in line
             and not line.lstrip().startswith(("#", "model, spec = load_model_a(\"models"))]
    assert calls and all("expected=" in line for _, line in calls), calls
