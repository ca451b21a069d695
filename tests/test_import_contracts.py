"""The layering of the code is enforced: `lint-imports` checks the import-linter contracts of
pyproject.toml (layers; only training/ imports training/; no import cycle between sibling
modules), here so that the test run (and CI) fails on a broken one."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _lint_imports() -> str:
    found = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(found).exists():
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    return found


def test_import_contracts_are_kept():
    out = subprocess.run([_lint_imports(), "--no-cache"], cwd=REPO, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert out.stdout.count(" KEPT") == len(contracts) >= 3


def test_the_contracts_catch_an_upward_import(tmp_path):
    """The layers contract is not vacuous: a league module importing the forecast breaks it."""
    shutil.copytree(REPO / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "stages", tmp_path / "stages", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    walk = tmp_path / "src" / "league" / "walk.py"
    walk.write_text(walk.read_text() + "\nfrom src.inference import forecast  # noqa: E402,F401\n")
    out = subprocess.run([_lint_imports(), "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert out.returncode != 0 and "BROKEN" in out.stdout
    assert "src.league.walk -> src.inference.forecast" in out.stdout
