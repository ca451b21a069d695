"""params.yaml read strictly: unknown keys at any level, wrong types (no bool from a string, no
int from a float or a string) and out-of-range values are ConfigErrors naming the key path."""
from __future__ import annotations

import copy
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from src.config import load_params
from src.errors import ConfigError
from src.params import Params, parse_params

REPO = Path(__file__).resolve().parents[1]
PARAMS = load_params(REPO / "params.yaml")


def _with(path: str, value) -> dict:
    """A copy of params.yaml with the value at dotted `path` replaced (or added)."""
    params = copy.deepcopy(PARAMS)
    *parents, leaf = path.split(".")
    node = params
    for key in parents:
        node = node[key]
    node[leaf] = value
    return params


def _mapping_paths(node: dict, prefix: str = "") -> list[str]:
    paths = [prefix]
    for key, value in node.items():
        if isinstance(value, dict):
            paths += _mapping_paths(value, f"{prefix}{key}.")
    return paths


def test_the_committed_params_file_parses():
    params = parse_params(PARAMS)
    assert isinstance(params, Params)
    assert params.model_a.encoder_hidden == tuple(PARAMS["model_a"]["encoder_hidden"])
    assert params.model_b.xgb.subsample == PARAMS["model_b"]["xgb"]["subsample"]


@pytest.mark.parametrize("prefix", _mapping_paths(PARAMS))
def test_unknown_key_is_refused_at_every_level(prefix):
    with pytest.raises(ConfigError, match="typo_key"):
        parse_params(_with(prefix + "typo_key", 1))


def test_unknown_section_inside_features_is_refused():
    with pytest.raises(ConfigError, match=r"features.*typo_section"):
        parse_params(_with("features.typo_section", {"enabled": True}))


@pytest.mark.parametrize("path, value, rule", [
    # the examples: strings read as true, numbers as strings, floats as counts
    ("features.sos_srs.enabled", "false", "valid boolean"),
    ("simulation.temperature", "no", "valid boolean"),
    ("model_a.attention_use_pre_norm", 1, "valid boolean"),
    ("model_a.learning_rate", "0.001", "valid number"),
    ("simulation.n_sims", 2.5, "valid integer"),
    ("simulation.n_sims", "20000", "valid integer"),
    ("model_a.encoder_hidden", "64,32", "valid tuple"),
    ("model_a.encoder_hidden", [64, 32.5], "valid integer"),
    # out of range
    ("model_b.xgb.subsample", 1.5, "less than or equal to 1"),
    ("model_b.xgb.n_estimators", 0, "greater than 0"),
    ("model_b.rf.min_samples_leaf", -1, "greater than 0"),
    ("model_a.dropout", -1, "greater than or equal to 0"),
    ("seasons.n_val_seasons", 0, "greater than 0"),
    ("data.download_deadline_s", 0, "greater than 0"),
    ("explain.rfx_fuse.n_trees", 0, "greater than 0"),
    ("evaluation.ndcg_k", [4, 0], "greater than 0"),
])
def test_wrong_type_or_range_names_the_key_path(path, value, rule):
    with pytest.raises(ConfigError) as err:
        parse_params(_with(path, value))
    message = str(err.value)
    shown = value[-1] if isinstance(value, list) else value    # a list names the bad element
    assert path in message and rule in message and f"got {shown!r}" in message
    assert "\n" not in message   # one line, not pydantic's multi-line dump


def test_a_float_written_as_an_int_is_fine():
    assert parse_params(_with("model_a.dropout", 0)).model_a.dropout == 0.0


@pytest.mark.parametrize("path, value, found", [
    ("stacking.models", ["model_a", "lasso"], "stacking.models"),
    ("simulation.link", "probit", "simulation.link"),
    ("seasons.first_test", 1990, "first_train < first_test"),
    ("model_a.attention_heads", 5, "model_a.attention_heads"),
])
def test_rules_across_fields_still_apply(path, value, found):
    with pytest.raises(ConfigError, match=found):
        parse_params(_with(path, value))


def test_missing_key_and_unknown_top_level_key():
    params = copy.deepcopy(PARAMS)
    del params["model_b"]["xgb"]["subsample"]
    with pytest.raises(ConfigError, match=r"model_b.xgb.*subsample"):
        parse_params(params)
    with pytest.raises(ConfigError, match="unknown top-level key.*modle_a"):
        parse_params({**PARAMS, "modle_a": {}})


def test_validate_params_stage_exits_1_with_a_one_line_error(tmp_path):
    bad = tmp_path / "params.yaml"
    bad.write_text(yaml.safe_dump(_with("model_b.xgb.subsample", 1.5)))
    proc = subprocess.run([sys.executable, "-m", "stages.validate_params", "--params", str(bad)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "model_b.xgb.subsample" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


DVC_YAML = """
stages:
  validate_params:
    cmd: python -m stages.validate_params
    deps: [params.yaml]
    outs: [data/interim/params_validated.txt]
  train_a:
    cmd: python train.py
    deps: [data/interim/params_validated.txt, train.py]
    params: [model_a]
    outs: [models/model_a.pt]
    metrics:
      - metrics/train_a.json:
          cache: false
"""
# like stages/train_a.py: reads its params (refusing a bad one), then writes its outputs
TRAIN_PY = """
import pathlib
from src.models.model_a.config import model_a_configs
from src.config import load_params
model_a_configs(load_params()["model_a"])
for name, text in [("models/model_a.pt", "weights"), ("metrics/train_a.json", "{}")]:
    pathlib.Path(name).parent.mkdir(exist_ok=True)
    pathlib.Path(name).write_text(text)
"""


def _dvc_project(tmp_path: Path, dvc_yaml: str):
    dvc = shutil.which("dvc", path=str(Path(sys.executable).parent))
    if dvc is None:
        pytest.skip("dvc is not installed in this environment")
    shutil.copy(REPO / "params.yaml", tmp_path / "params.yaml")
    (tmp_path / "dvc.yaml").write_text(dvc_yaml)
    (tmp_path / "train.py").write_text(TRAIN_PY)
    env = {**os.environ, "PYTHONPATH": str(REPO), "DVC_NO_ANALYTICS": "1",
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost"}

    def run(*cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run([dvc if cmd[0] == "dvc" else cmd[0], *cmd[1:]], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300)

    run("git", "init", "-q")
    run("dvc", "init", "-q")
    assert run("dvc", "repro").returncode == 0
    run("git", "add", "-A")
    run("git", "commit", "-qm", "first run")
    return run


@pytest.mark.slow
@pytest.mark.parametrize("guarded", [True, False])
def test_bad_param_in_dvc_exp_run_removes_no_output(tmp_path, guarded):
    """DVC removes a stage's outputs right before running it. With validate_params upstream,
    it fails first and train_a's model and git-tracked metrics survive
    `dvc exp run -S model_a.dropout=-1`; without it (control), they are gone."""
    unguarded = "stages:\n  train_a:" + DVC_YAML.split("  train_a:", 1)[1].replace(
        "deps: [data/interim/params_validated.txt, train.py]", "deps: [train.py]")
    dvc_yaml = DVC_YAML if guarded else unguarded
    run = _dvc_project(tmp_path, dvc_yaml)
    proc = run("dvc", "exp", "run", "-S", "model_a.dropout=-1")
    assert proc.returncode != 0
    assert "model_a.dropout" in proc.stdout + proc.stderr
    kept = [(tmp_path / p).exists() for p in ("models/model_a.pt", "metrics/train_a.json")]
    assert kept == [guarded, guarded]


def test_a_key_written_twice_is_refused(tmp_path):
    """PyYAML would keep the second value silently."""
    text = re.sub(r"(?m)^(  dropout: .*)$", r"\1\n  dropout: 0.45", (REPO / "params.yaml").read_text(),
                  count=1)
    assert text.count("\n  dropout:") == 2
    (tmp_path / "params.yaml").write_text(text)
    with pytest.raises(ConfigError, match=r"params.yaml: line \d+: key 'dropout' appears twice"):
        load_params(tmp_path / "params.yaml")


def test_broken_yaml_names_the_line(tmp_path):
    (tmp_path / "params.yaml").write_text("data:\n  raw_dir: [data/raw\nseasons: {}\n")
    with pytest.raises(ConfigError, match=r"params.yaml: line \d+: not valid YAML"):
        load_params(tmp_path / "params.yaml")


@pytest.mark.parametrize("path, value, hint", [
    ("model_a.attention_entropy_min", "abc", "(a number is required)"),
    ("model_a.attention_entropy_min", "0.25", "(a quoted string: write the value without quotes)"),
    ("simulation.n_sims", "many", "(a whole number is required)"),
    ("simulation.temperature", "maybe", "(true or false is required)"),
    ("simulation.temperature", "false", "without quotes"),
])
def test_a_string_where_a_number_or_bool_belongs_gets_a_hint_that_fits_it(path, value, hint):
    with pytest.raises(ConfigError) as err:
        parse_params(_with(path, value))
    assert hint in str(err.value)
    if "quotes" not in hint:
        assert "quotes" not in str(err.value)      # nothing was quoted


@pytest.mark.parametrize("override, changed", [
    ("model_a.epochs=61", ["  epochs: 61"]),
    ("model_a.attention_entropy_min=abc", ["  attention_entropy_min: abc"]),
    ("simulation.temperature_bounds=[0.1,20.0]", ["  - 0.1"]),
    ("data.first_season=1997", []),
])
def test_dvc_exp_run_set_param_changes_only_the_value_it_sets(tmp_path, override, changed):
    """`dvc exp run -S` writes params.yaml back through DVC's own writer (ruamel round trip via
    OmegaConf: lists come back as block lists, comments stay where ruamel keeps them). The
    committed file is in that style, so an experiment's diff is the one value line."""
    hydra = pytest.importorskip("dvc.utils.hydra", reason="dvc[hydra] writer not installed")
    path = tmp_path / "params.yaml"
    shutil.copy(REPO / "params.yaml", path)
    hydra.apply_overrides(str(path), [override])
    before = (REPO / "params.yaml").read_text().splitlines()
    after = path.read_text().splitlines()
    assert len(after) == len(before)
    assert [a for b, a in zip(before, after) if a != b] == changed
