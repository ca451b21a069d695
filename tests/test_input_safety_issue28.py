"""Issue 28, rows 1, 2, 3, 9, 10, 11, 12: what a user types (environment, params, make
arguments, the fit cache folder) can neither run a command, exhaust the machine, nor have a
tampered cached fit used; a dead cluster or a killed stage leaves no raw traceback and no
orphaned workers. Each test failed on the code before the issue."""
from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from src.config import load_params
from src.errors import ConfigError, OutputError
from src.features.roster import select_rosters
from src.params import parse_params
from src.utils.resource_bounds import usable_cpus
from src.training import model_a_fits
from src.models.model_a.fit import FitTask
from src.training.model_a_fits import ModelAFitCache, default_cache, fit_many
from src.utils import cluster, parallel
from src.utils.cluster import ClusterError
from src.utils.io import write_text
from tests.conftest import roster_cfg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import make_forecast  # noqa: E402


# -- row 1 and 9: every resource a user sets is bounded, refused by name before any work --

def _params_with(section: str, key: str, value):
    params = load_params(ROOT / "params.yaml")
    params[section][key] = value
    return params


@pytest.mark.parametrize("section,key,value,bound", [
    ("model_a_selection", "n_jobs", 100000, str(max(usable_cpus(), 2))),
    ("model_b", "n_jobs", 100000, str(max(usable_cpus(), 2))),
    ("simulation", "n_sims", 10**10, "1000000"),
    ("evaluation", "n_bootstrap", 10**9, "100000"),
    ("playoff_update", "prior_sd_grid", [1e-300], "0.01..50"),
    ("playoff_update", "prior_sd_grid", [1e300], "0.01..50"),
    ("playoff_update", "margin_cap_grid", [1e-300], "1..200"),
    ("simulation", "scale", 1e-300, "1..50"),
])
def test_validate_params_refuses_a_resource_beyond_its_bound_naming_key_and_bound(
        section, key, value, bound):
    with pytest.raises(ConfigError, match=rf"params.yaml: {section}\.{key} .*{bound}"):
        parse_params(_params_with(section, key, value))


def test_the_committed_params_are_within_every_bound():
    parse_params(load_params(ROOT / "params.yaml"))


def test_pipeline_n_jobs_above_the_cpus_is_refused_naming_the_bound(monkeypatch):
    monkeypatch.setenv(parallel.JOBS_ENV, "100000")
    with pytest.raises(ConfigError, match=rf"PIPELINE_N_JOBS=100000: at most {usable_cpus()}"):
        parallel.local_jobs()


def test_warm_up_never_starts_more_workers_than_tasks_or_cpus():
    assert parallel.bounded_jobs(100000, 24) == min(usable_cpus(), 24)
    assert parallel.bounded_jobs(100000, 1) == 1
    assert parallel.warm_up(100000, (), n_tasks=1) is None      # one task: nothing to start


# -- row 2: make passes values as arguments; a failing forecast fails make -------------

def _make(*args: str) -> subprocess.CompletedProcess:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # -o: the venv counts as set up (the test never installs anything)
    return subprocess.run(["make", "-s", "-o", ".venv/.installed", "forecast", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PY": sys.executable})


@pytest.mark.parametrize("template", [
    "SEASON=2024; touch {mark}",
    "SEASON=$(shell touch {mark})",
    "SEASON=2024' ; touch {mark} '",
])
def test_make_forecast_never_runs_what_season_contains(tmp_path, template):
    mark = tmp_path / "x"
    done = _make(template.format(mark=mark))
    assert done.returncode != 0
    assert not mark.exists()
    assert "is not a year" in done.stderr


def test_make_forecast_refuses_an_as_of_that_is_not_a_date(tmp_path):
    mark = tmp_path / "y"
    done = _make("SEASON=2024", f"AS_OF=2024-05-15; touch {mark} #")
    assert done.returncode != 0 and not mark.exists()
    assert "AS_OF='2024-05-15; touch" in done.stderr and "is not a date" in done.stderr


def test_make_forecast_as_of_without_season_is_an_error():
    done = _make("AS_OF=2024-05-15")
    assert done.returncode != 0 and "needs SEASON" in done.stderr


def test_make_forecast_passes_allow_known_only_with_as_of():
    python = sys.executable
    assert make_forecast.commands("2024", "")[-1] == [python, "-m", "stages.forecast",
                                                     "--season", "2024"]
    assert make_forecast.commands("2024", "2024-05-15")[-1][-3:] == [
        "--as-of", "2024-05-15", "--allow-known"]
    assert make_forecast.commands("", "") == [[python, "-m", "dvc", "repro", "forecast"]]
    with pytest.raises(make_forecast.UsageError, match="not a date"):
        make_forecast.commands("2024", "2024-02-30")


# -- row 3: the fit cache is verified; a bad entry is a warning and a refit --------------

SEASONS = tuple(range(2001, 2005))


@pytest.fixture
def cached_fit(tiny_league, model_a_configs_small, series_data, tmp_path):
    """(task, cache, the fit as first made, the entry's .pt and .json)."""
    arch, train = model_a_configs_small(epochs=1)
    players, teams = tiny_league(seasons=SEASONS, n_teams=4, n_players=6, seed=2)
    roster = roster_cfg(8, 0)
    task = FitTask.of(select_rosters(players, SEASONS, roster), teams, SEASONS[:-1], arch,
                      train, roster, 1, series_data(teams))
    cache = ModelAFitCache(tmp_path / "cache")
    fit, = fit_many([task], cache, n_jobs=1, desc="test")
    pt, = (tmp_path / "cache").glob("*/*.pt")
    return task, cache, fit, pt, pt.with_suffix(".json")


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _plant_val_loss(path: Path) -> None:
    entry = json.loads(path.read_text())
    entry["meta"]["val_loss"] = -5
    path.write_text(json.dumps(entry))


def _plant_pickle(path: Path) -> None:
    import pickle

    class Planted:
        def __reduce__(self):
            return (os.system, ("touch /tmp/planted-by-issue28-test",))
    path.write_bytes(pickle.dumps({"model_state": Planted()}))


def _plant_pickle_with_its_hash(path: Path) -> None:
    """A planted pickle whose recorded hash was made to match: torch refuses to unpickle it."""
    from src.training.fit_cache_entry import envelope
    _plant_pickle(path)
    entry = json.loads(path.with_suffix(".json").read_text())
    path.with_suffix(".json").write_text(envelope("model_a", entry["key"], {"pt": path.read_bytes()},
                                                  entry["meta"]))


@pytest.mark.parametrize("damage", [
    _flip_byte,
    _plant_pickle_with_its_hash,
    lambda pt: pt.write_bytes(pt.read_bytes()[:100]),                     # truncated
    lambda pt: _plant_val_loss(pt.with_suffix(".json")),
    lambda pt: pt.with_suffix(".json").write_text("{not json"),
    _plant_pickle,
])
def test_a_damaged_cache_entry_is_a_warning_naming_it_and_a_refit(cached_fit, damage, caplog):
    task, cache, first, pt, _ = cached_fit
    damage(pt)
    with caplog.at_level(logging.WARNING):
        again, = fit_many([task], cache, n_jobs=1, desc="test")
    assert cache.misses == 2 and cache.hits == 0          # fitted again, not read
    assert any(str(pt.with_suffix("")) in r.getMessage() and "fitted again" in r.getMessage()
               for r in caplog.records)
    assert again.checkpoint_bytes() == first.checkpoint_bytes()
    assert again.val_loss == first.val_loss and again.val_loss >= 0
    assert not Path("/tmp/planted-by-issue28-test").exists()
    fit_many([task], cache, n_jobs=1, desc="test")        # the entry was replaced: a hit
    assert cache.hits == 1


def test_a_cache_folder_that_cannot_be_made_is_refused_before_any_fit(monkeypatch):
    monkeypatch.setenv(model_a_fits.CACHE_ENV, "/dev/null/x")
    with pytest.raises(ConfigError, match="MODEL_A_FIT_CACHE=/dev/null/x: /dev/null/x cannot"):
        default_cache()


def test_a_read_only_cache_is_read_but_not_written(cached_fit, monkeypatch, caplog):
    task, _, first, pt, _ = cached_fit
    folder = pt.parents[1]

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setenv(model_a_fits.CACHE_ENV, str(folder))
    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    with caplog.at_level(logging.WARNING):
        cache = default_cache()
    assert not cache.writable and "read-only" in caplog.text
    again, = fit_many([task], cache, n_jobs=1, desc="test")
    assert cache.hits == 1 and again.checkpoint_bytes() == first.checkpoint_bytes()


# -- row 11: an output folder that cannot be written: one error naming the folder ------

def test_a_read_only_output_folder_is_an_error_naming_it(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match=f"cannot write {tmp_path}/seasons/f.md: the folder "
                                          f"{tmp_path}/seasons"):
        write_text("x", tmp_path / "seasons" / "f.md")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_chmod_read_only_folder_is_an_error_naming_it(tmp_path):
    folder = tmp_path / "seasons"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="is read-only"):
            write_text("x", folder / "f.md")
    finally:
        folder.chmod(0o755)


# -- row 10: a cluster that is unreachable, malformed or dies: one message, bounded --------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("address,expected", [
    ("garbage!!", "is not a scheduler address"),
    ("tcp://127.0.0.1:1", "no Dask scheduler answered within 2 s"),    # nothing listens
])
def test_an_unusable_scheduler_address_is_one_message_naming_it(monkeypatch, address, expected):
    pytest.importorskip("distributed")
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 2)     # 10 s in a stage
    monkeypatch.setenv(parallel.SCHEDULER_ENV, address)
    start = time.monotonic()
    with pytest.raises(ClusterError, match=expected) as caught:
        parallel.fan_out(abs, [(-1,), (-2,)], n_jobs=2, desc="t")
    assert address in str(caught.value) and time.monotonic() - start < 30


def _die() -> None:
    os._exit(3)


@pytest.mark.slow
def test_a_worker_that_dies_is_one_message_naming_the_address_and_a_real_setting(monkeypatch):
    distributed = pytest.importorskip("distributed")
    import dask
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     dashboard_address=None, silence_logs=logging.CRITICAL) as c:
        monkeypatch.setenv(parallel.SCHEDULER_ENV, c.scheduler_address)
        with pytest.raises(ClusterError, match="KilledWorker") as caught:
            parallel.fan_out(_die, [(), ()], n_jobs=2, desc="t")
    assert c.scheduler_address in str(caught.value)
    assert "dask worker --memory-limit" in str(caught.value)


@pytest.mark.slow
def test_a_scheduler_killed_mid_run_is_one_message_naming_the_address(monkeypatch):
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{_free_port()}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    dask = [sys.executable, "-m", "distributed.cli.dask_"]
    scheduler = subprocess.Popen([dask[0], dask[1], dask[2] + "scheduler", "--host", "127.0.0.1",
                                  "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
                                 env=env, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([dask[0], dask[1], dask[2] + "worker", address, "--nthreads", "1",
                               "--nworkers", "2", "--no-dashboard"], env=env,
                              stderr=subprocess.DEVNULL)
    try:
        monkeypatch.setenv(parallel.SCHEDULER_ENV, address)
        ran = parallel.fan_out(os.getpid, [(), ()], n_jobs=2, desc="up")   # the cluster works
        assert os.getpid() not in ran
        killer = subprocess.Popen(["sh", "-c", f"sleep 2; kill -9 {scheduler.pid}"])
        start = time.monotonic()
        with pytest.raises(ClusterError, match=f"Dask cluster at DASK_SCHEDULER_ADDRESS="
                                               f"'{address}' failed during the run"):
            parallel.fan_out(time.sleep, [(30,), (30,)], n_jobs=2, desc="t")
        assert time.monotonic() - start < 25
        killer.wait()
    finally:
        for process in (worker, scheduler):
            process.kill()
            process.wait()
        parallel._clients.clear()


# -- rows 1 and 12: local workers do not outlive their stage -----------------------------

CHILD = """
import os, signal, sys, time
from src.utils import cli, parallel
signal.signal(signal.SIGTERM, cli._exit_on_sigterm)
print(" ".join(map(str, sorted(set(parallel.fan_out(os.getpid, [()] * 8, n_jobs=2,
                                                            desc="pids"))))), flush=True)
parallel.fan_out(time.sleep, [(60,), (60,)], n_jobs=2, desc="sleep")
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat")
    return not (state.exists() and state.read_text().split(") ")[-1].startswith("Z"))


@pytest.mark.skipif(usable_cpus() < 2 or sys.platform != "linux",
                    reason="needs two CPUs (two local workers) and /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_local_workers_end_with_their_stage(sig):
    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    workers = [int(p) for p in child.stdout.readline().split()]
    try:
        assert workers and child.pid not in workers
        time.sleep(1.0)                       # the sleeping tasks have started
        child.send_signal(sig)
        child.wait(timeout=20)                # SIGTERM: the stage ends, not waiting for tasks
        deadline = time.monotonic() + 10
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(map(_alive, workers)), "a worker outlived its stage"
    finally:
        child.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
