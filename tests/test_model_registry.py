"""One registry of model names (src/models/registry.py): the yardsticks, plots and forecast take
the level-1 list, Model B's estimators, the ensemble and the baselines from it, and Model A's
fit process never imports it (so the fit cache's code digest does not widen)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from src.artifacts import ARTIFACTS
from src.evaluation.evaluate import CANDIDATE, MODEL_COLUMNS, RANK_BASELINES
from src.evaluation.plot_data import SERIES_RELIABILITY_MODELS
from src.evaluation.series import SERIES_BASELINES
from src.models.registry import (BASELINES, ENSEMBLE_NAME, LEVEL1_MODELS, MODEL_A_NAME, MODEL_B_NAMES,
                                 final_model_files)

REPO = Path(__file__).resolve().parents[1]


def test_the_yardsticks_take_their_names_from_the_registry():
    assert list(MODEL_COLUMNS) == [*LEVEL1_MODELS, ENSEMBLE_NAME] and CANDIDATE == ENSEMBLE_NAME
    assert MODEL_COLUMNS[ENSEMBLE_NAME] == "score_ensemble"
    assert RANK_BASELINES is BASELINES and SERIES_BASELINES is BASELINES
    assert SERIES_RELIABILITY_MODELS == (ENSEMBLE_NAME, *BASELINES)


def test_model_b_names_and_final_files_follow_the_level1_list():
    assert MODEL_B_NAMES == tuple(n for n, m in LEVEL1_MODELS.items() if m.scores.stage == "train_b")
    assert MODEL_A_NAME in LEVEL1_MODELS and MODEL_A_NAME not in MODEL_B_NAMES
    files = final_model_files()
    assert list(files) == list(LEVEL1_MODELS)
    assert all(any(a.path == p for a in ARTIFACTS.values()) for p in files.values())


def test_model_a_fit_process_does_not_load_the_registry():
    """Every src module the train_a process loads is in the fit cache's code digest
    (src/training/fit_cache.code_digest): the registry, the yardsticks and the forecast stay out."""
    code = ("import importlib, sys, stages.train_a\n"
            "from src.training.model_a_fits import WORKER_MODULES\n"
            "[importlib.import_module(m) for m in WORKER_MODULES]\n"
            "print(' '.join(sorted(n for n in sys.modules if n.startswith('src.'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, check=True)
    loaded = set(out.stdout.split())
    assert "src.training.model_a_fits" in loaded and "src.models.names" in loaded
    assert not {m for m in loaded if m == "src.models.registry" or m.startswith(("src.evaluation", "src.inference"))}


def test_the_names_module_imports_nothing_of_the_project():
    """src/models/names.py is all Model A's fit process reads of the names (its score column):
    a module with no project import, so the fit cache's code digest gains that one file only."""
    import ast
    tree = ast.parse((REPO / "src/models/names.py").read_text())
    imported = [n.module if isinstance(n, ast.ImportFrom) else a.name for n in ast.walk(tree)
                if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names]
    assert not [m for m in imported if m and m.split(".")[0] in {"src", "stages"}]
    from src.models import names, registry
    assert registry.score_column is names.score_column and registry.MODEL_A_NAME == names.MODEL_A_NAME
