"""Same params + data = same model-file bytes (no temp names or clock times inside), so DVC
skips explain/forecast after a no-change train_a; and a killed train_a never leaves a
half-written walk-forward folder beside the old models."""
from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import xgboost as xgb
from sklearn.ensemble import RandomForestRegressor

from src.config import load_params
from src.features.roster import FeatureSpec
from src.league.monte_carlo import GameModel
from src.models.model_a.config import model_a_configs
from src.models.model_b.config import model_b_config
from src.models.model_a.trainer import ModelATrainer
from src.models.model_b.files import load_rf
from src.models.model_b.model import ModelB
from src.utils.io import atomic_dir

from tests.conftest import GAME_MODEL_ARGS

REPO = Path(__file__).resolve().parents[1]
PARAMS = load_params(REPO / "params.yaml")


def _later(monkeypatch) -> None:
    """Move the clock an hour on: a timestamp written into a file would now differ."""
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3600)


def _model_a_trainer() -> ModelATrainer:
    import torch
    torch.manual_seed(0)
    arch, train = model_a_configs(PARAMS["model_a"])
    train = dataclasses.replace(train, value_prior={})       # features a, b, c below
    arch = dataclasses.replace(arch, num_embeddings=16, encoder_hidden=(8, 4), attention_heads=2,
                               stat_dim=3)
    spec = FeatureSpec(feature_names=["a", "b", "c"], means=[0.0] * 3, stds=[1.0] * 3,
                       max_players=5, min_minutes=0.0, num_embeddings=16, train_seasons=[2001],
                       shrink_minutes=500.0, prior_seasons=2, availability_power=0.5)
    return ModelATrainer(arch, train, feature_spec=spec, game_model=GameModel(**GAME_MODEL_ARGS))


def test_model_a_checkpoint_bytes_do_not_depend_on_name_or_time(tmp_path, monkeypatch):
    trainer = _model_a_trainer()
    first = trainer.save_checkpoint(tmp_path / "a" / "model_a.pt").read_bytes()
    _later(monkeypatch)
    second = trainer.save_checkpoint(tmp_path / "b" / "other_name.pt").read_bytes()
    assert first == second
    names = zipfile.ZipFile(tmp_path / "a" / "model_a.pt").namelist()
    assert all(not n.startswith(".") and ".tmp" not in n for n in names), names


def _model_b_trainer() -> ModelB:
    X = np.arange(60, dtype=float).reshape(30, 2)
    trainer = ModelB(model_b_config(PARAMS))
    trainer.ranker.model = xgb.XGBRegressor(n_estimators=3, n_jobs=1, random_state=0).fit(X, X[:, 0])
    trainer.forest.model = RandomForestRegressor(n_estimators=3, max_depth=2, random_state=0).fit(X, X[:, 0])
    return trainer


def test_model_b_file_bytes_do_not_depend_on_time(tmp_path, monkeypatch):
    trainer = _model_b_trainer()
    first = [p.read_bytes() for p in trainer.save(tmp_path / "x1.json", tmp_path / "r1.skops")]
    _later(monkeypatch)
    second = [p.read_bytes() for p in trainer.save(tmp_path / "x2.json", tmp_path / "r2.skops")]
    assert first == second
    X = np.arange(60, dtype=float).reshape(30, 2)
    loaded = load_rf(tmp_path / "r2.skops")            # still a valid file, the same forest
    assert np.array_equal(loaded.predict(X), trainer.forest.model.predict(X))


# ---- the walk-forward folder is replaced whole ----
def _old_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "models" / "model_a_walk_forward"
    folder.mkdir(parents=True)
    for season in (2006, 2007, 2008):
        (folder / f"{season}.pt").write_text(f"old {season}")
    return folder


def test_atomic_dir_replaces_the_folder_only_on_success(tmp_path):
    folder = _old_folder(tmp_path)
    with pytest.raises(RuntimeError):
        with atomic_dir(folder) as tmp:
            (tmp / "2006.pt").write_text("new 2006")
            raise RuntimeError("training diverged")
    assert sorted(p.read_text() for p in folder.iterdir()) == ["old 2006", "old 2007", "old 2008"]
    with atomic_dir(folder) as tmp:
        (tmp / "2006.pt").write_text("new 2006")
    assert [p.read_text() for p in folder.iterdir()] == ["new 2006"]   # stale seasons gone too
    assert sorted(p.name for p in folder.parent.iterdir()) == ["model_a_walk_forward"]


_DYING_TRAIN_A = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import stages.train_a as stage

    def two_checkpoints_then_die(*args, walk_forward_dir, **kwargs):
        for season in (2006, 2007):
            Path(walk_forward_dir, f"{season}.pt").write_text(f"new {season}")
        os.kill(os.getpid(), signal.SIGKILL)

    stage.read_input = lambda path, made_by: None
    stage.series_by_season = lambda *args, **kwargs: None
    stage.SeriesData = lambda *args, **kwargs: None
    stage.played_games = lambda *args, **kwargs: {}    # issue 30: who played each playoff game
    stage.select_rosters = lambda *args, **kwargs: None
    stage.configure_torch = lambda cfg: None
    stage.run_all_splits = two_checkpoints_then_die
    stage.run_nested = two_checkpoints_then_die      # model_a_selection.grid set
    sys.argv = ["stages.train_a", "--params", sys.argv[1]]
    stage.stage_main("train_a", stage.run)
""")


def test_killed_train_a_leaves_the_old_walk_forward_folder_whole(tmp_path):
    """Issue 12: the folder used to be cleared first, so a kill left 2 of 19 checkpoints."""
    folder = _old_folder(tmp_path)
    proc = subprocess.run([sys.executable, "-c", _DYING_TRAIN_A, str(REPO / "params.yaml")],
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert sorted(p.read_text() for p in folder.iterdir()) == ["old 2006", "old 2007", "old 2008"]
    with atomic_dir(folder):                       # the next run removes the killed run's temp
        pass
    assert sorted(p.name for p in folder.parent.iterdir()) == ["model_a_walk_forward"]


def test_stages_pin_torch_cpu_kernels_before_torch_loads():
    """Model A's float rounding depends on the CPU code path: every stage runs on AVX2's."""
    code = ("import stages, torch; x = torch.ones(2) + 1; "
            "print(torch.backends.cpu.get_cpu_capability())")
    env = {k: v for k, v in os.environ.items() if k not in ("ATEN_CPU_CAPABILITY", "MKL_CBWR")}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=120).stdout.strip()
    assert out in ("AVX2", "DEFAULT"), out      # DEFAULT: a CPU without AVX2 (or not x86)


def test_configure_torch_turns_on_deterministic_kernels_without_the_compiler():
    """It sets torch's switch directly (the public call imports the inductor compiler, ~1.5 s
    a process): the switch must still be on afterwards."""
    code = textwrap.dedent("""
        import sys, torch
        from src.config import load_params
        from src.models.model_a.config import model_a_configs
        from src.models.model_a.fit import configure_torch
        configure_torch(model_a_configs(load_params()["model_a"])[1])
        print(torch.are_deterministic_algorithms_enabled(), "torch._inductor" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.split() == ["True", "False"]
