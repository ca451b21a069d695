"""The artifact registry (src/artifacts.py) and the level-1 model list agree with dvc.yaml:
each artifact is an output of the stage named for it, and every file a stage hands to
another stage is registered."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from src.artifacts import ARTIFACTS, by_path
from src.errors import DataError
from src.models.registry import LEVEL1_MODELS, LEVEL1_SOURCES
from src.utils.io import read_input

REPO = Path(__file__).resolve().parents[1]
STAGES = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]


def _paths(entries) -> set[str]:
    return {e if isinstance(e, str) else next(iter(e)) for e in entries or []}


def _outs(stage: dict) -> set[str]:
    return _paths(stage.get("outs")) | _paths(stage.get("metrics"))


@pytest.mark.parametrize("name", sorted(ARTIFACTS))
def test_artifact_is_an_output_of_its_stage(name):
    artifact = ARTIFACTS[name]
    assert artifact.stage in STAGES, f"{name}: no dvc.yaml stage {artifact.stage!r}"
    assert str(artifact.path) in _outs(STAGES[artifact.stage]), (
        f"{name}: {artifact.path} is not an output of stage {artifact.stage!r} in dvc.yaml")


def test_every_file_passed_between_stages_is_registered():
    """A dep of one stage that another stage writes is in the registry."""
    written_by = {out: name for name, stage in STAGES.items() for out in _outs(stage)}
    for name, stage in STAGES.items():
        for dep in _paths(stage.get("deps")):
            if dep in written_by and not dep.startswith("${"):   # raw_dir: a params path
                artifact = by_path(dep)
                assert artifact is not None, f"{name} reads {dep}: add it to src/artifacts.py"
                assert artifact.stage == written_by[dep]


def test_level1_models_read_registered_score_files():
    for model in LEVEL1_MODELS.values():
        assert ARTIFACTS[model.scores.name] == model.scores
        assert ARTIFACTS[model.final_model.name] == model.final_model
        assert model.score_column == f"score_{model.name}"
    assert LEVEL1_SOURCES == {m.name: (m.scores.path, m.scores.stage) for m in LEVEL1_MODELS.values()}


def test_read_input_names_the_stage_from_the_registry(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match=r"scores.parquet: not found \(written by stage 'stack'; "
                                        r"run `dvc repro stack`\)"):
        read_input(ARTIFACTS["scores"].path)
    with pytest.raises(ValueError, match="written by stage 'ingest'"):
        read_input(ARTIFACTS["team_seasons"].path, "train_a")     # a wrong hint is a bug
