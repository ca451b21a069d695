"""`python -m stages.forecast` on refused model files: a one-line project error naming the
file and the reason, exit 1, no traceback, and no report rewritten. Issue 12: a checkpoint
of another architecture used to pass the forecast, and refused files gave raw tracebacks."""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from test_forecast_models import tiny_params, workdir  # noqa: F401 (the fixture)
from stages import forecast as stage

REPO = Path(__file__).resolve().parents[1]


class RunsCode:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch '{self.marker}'",)


def _other_architecture(root: Path) -> str:
    params = yaml.safe_load((root / "params.yaml").read_text())
    params["model_a"]["encoder_hidden"] = [16, 8]      # the checkpoint has [8, 8]
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    return "model_config.encoder_hidden"


def _pickle_checkpoint(root: Path) -> str:
    (root / stage.MODEL_A).write_bytes(pickle.dumps(RunsCode(root / "pwned")))
    return "refused: a bare Python pickle"


def _garbage_xgboost(root: Path) -> str:
    (root / stage.XGB_MODEL).write_text('{"learner": 3, garbage')
    return "refused: not a valid XGBoost JSON model"


def _pickle_as_skops(root: Path) -> str:
    (root / stage.RF_MODEL).write_bytes(pickle.dumps(RunsCode(root / "pwned")))
    return "refused: not a valid skops forest file"


@pytest.mark.parametrize("spoil", [_other_architecture, _pickle_checkpoint, _garbage_xgboost,
                                   _pickle_as_skops])
def test_forecast_stage_refuses_bad_model_files_in_one_line(workdir, tmp_path, spoil):  # noqa: F811
    root = Path(shutil.copytree(workdir, tmp_path / "work"))
    shutil.rmtree(root / "reports", ignore_errors=True)
    expected = spoil(root)
    proc = subprocess.run([sys.executable, "-m", "stages.forecast", "--params", "params.yaml", "-q"],
                          cwd=root, env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert expected in " ".join(output.split())          # rich may wrap the log line
    assert "Traceback" not in output and "weights_only" not in output
    assert not (root / "reports").exists() and not (root / "pwned").exists()
