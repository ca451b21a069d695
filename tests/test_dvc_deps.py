"""dvc.yaml deps cannot go stale: every stage depends on each project file it imports.

The import closure of `python -m stages.<name>` (static, via ast: module-level and
function-level imports, within src/ and stages/) must be covered by the stage's deps
(a file listed, or a folder holding it). Editing any of those files then re-runs the stage.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("src", "stages")
VALIDATED = "data/interim/params_validated.txt"


def _stages() -> dict[str, dict]:
    return yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]


def module_file(module: str) -> Path | None:
    """The file of a project module (`src.x.y`), or None for third-party modules."""
    if module.split(".")[0] not in PACKAGES:
        return None
    base = REPO.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(path: Path) -> set[str]:
    """Every module named by an import statement of `path` (`from a import b` gives a and a.b)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def import_closure(module: str) -> set[Path]:
    """Project files `module` loads, itself included (non-empty package __init__ files too)."""
    seen: set[Path] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):   # importing a.b.c runs a/__init__ and a/b/__init__
            path = module_file(".".join(parts[:i]))
            if path is None or path in seen:
                continue
            seen.add(path)
            todo.extend(imported_modules(path))
    return {p for p in seen if p.name != "__init__.py" or p.read_text().strip()}


def _covered(path: Path, deps: list[str]) -> bool:
    rel = path.relative_to(REPO)
    return any(rel == Path(d) or Path(d) in rel.parents for d in deps)


def _dep_paths(stage: dict) -> list[str]:
    return [d if isinstance(d, str) else next(iter(d)) for d in stage.get("deps", [])]


@pytest.mark.parametrize("name", sorted(_stages()))
def test_stage_deps_cover_its_import_closure(name):
    stage = _stages()[name]
    module = stage["cmd"].split("python -m ", 1)[1].split()[0]
    deps = _dep_paths(stage)
    missing = sorted(str(p.relative_to(REPO)) for p in import_closure(module) if not _covered(p, deps))
    assert not missing, f"dvc.yaml stage {name!r} imports but does not depend on: {missing}"


@pytest.mark.parametrize("name", sorted(_stages()))
def test_stage_deps_exist_or_are_outputs(name):
    """A misspelt dep would be a file DVC never finds (and the stage never re-runs for it)."""
    outs = {next(iter(o)) if isinstance(o, dict) else o
            for s in _stages().values() for key in ("outs", "metrics") for o in s.get(key, [])}
    for dep in _dep_paths(_stages()[name]):
        inside_an_out = any(Path(out) in Path(dep).parents for out in outs)
        assert dep.startswith("${") or dep in outs or inside_an_out or (REPO / dep).exists(), \
            f"{name}: {dep}"


def test_every_stage_runs_after_params_validation():
    """validate_params runs first, so a bad param stops `dvc repro`/`dvc exp run` before DVC
    removes any other stage's outputs (DVC removes a stage's outs right before running it).
    Its own output persists: a refused value leaves it, so undoing the edit leaves `dvc status`
    as it was (issue 29 row 5)."""
    stages = _stages()
    assert stages["validate_params"]["outs"] == [{VALIDATED: {"persist": True}}]
    assert "params.yaml" in _dep_paths(stages["validate_params"])
    for name, stage in stages.items():
        if name != "validate_params":
            assert VALIDATED in _dep_paths(stage), name


def test_closure_sees_function_level_imports(tmp_path):
    """The test's own machinery: an import inside a function counts too."""
    module = tmp_path / "late.py"
    module.write_text("import os\n\ndef f():\n    from src.utils.io import write_json\n")
    assert imported_modules(module) == {"os", "src.utils.io", "src.utils.io.write_json"}
    closure = {p.relative_to(REPO).as_posix() for p in import_closure("src.utils.io")}
    assert closure == {"src/utils/io.py", "src/errors.py", "src/artifacts.py"}

# The package layers of src/ are import-linter contracts in pyproject.toml (tests/test_import_contracts.py).


@pytest.mark.parametrize("name", sorted(_stages()))
def test_stage_deps_name_no_code_it_does_not_import(name):
    """An extra code dep re-runs the stage for nothing; a folder dep must be imported whole."""
    closure = import_closure(_stages()[name]["cmd"].split("python -m ", 1)[1].split()[0])
    extra = []
    for dep in _dep_paths(_stages()[name]):
        if not dep.startswith(PACKAGES):
            continue
        path = REPO / dep
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        extra += [str(f.relative_to(REPO)) for f in files
                  if f not in closure and (f.name != "__init__.py" or f.read_text().strip())]
    assert not extra, f"dvc.yaml stage {name!r} depends on code it never imports: {extra}"


@pytest.mark.parametrize("stage_module", ["stages.stack", "stages.evaluate", "stages.forecast"])
def test_no_torch_in_the_stack_evaluate_and_forecast_processes(stage_module):
    """torch (~1.5 s to import) stays with Model A's fit and scoring: importing these stages
    does not import it (the forecast imports it only when Model A scores a season)."""
    import os
    import subprocess
    import sys
    code = f"import sys, {stage_module}; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.strip() == "False", f"{stage_module} imports torch"


ODDS_AND_PAGE_CODE = ("src.odds.title_odds", "src.odds.strength_calibration", "src.odds.playoff_update",
                      "src.odds.fits", "src.odds.season_inputs", "src.inference", "src.evaluation",
                      "src.report")


def test_odds_and_page_code_stay_out_of_model_a_fits():
    """Model A's fit cache keys on the source of every src module the train_a process loaded
    (src/training/fit_cache.code_digest) and dvc.yaml re-runs train_a on its code deps: the
    title odds, points map, playoff update and the pages are neither, so editing them re-runs
    no Model A fit."""
    import os
    import subprocess
    import sys
    code = "import sys, stages.train_a; print(' '.join(sorted(m for m in sys.modules if m.startswith('src.'))))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    loaded = out.stdout.split()
    assert "src.odds.config" in loaded                      # the game model: part of the fit
    assert not [m for m in loaded if m.startswith(ODDS_AND_PAGE_CODE)]
    deps = [d.removesuffix(".py").replace("/", ".") for d in _dep_paths(_stages()["train_a"])]
    assert not [d for d in deps if d.startswith(ODDS_AND_PAGE_CODE)]
