"""The fan-out (src/utils/parallel.py): results in task order and the same bytes whichever
backend ran them: here, local worker processes, or a Dask cluster of 2 worker processes
named by DASK_SCHEDULER_ADDRESS."""
from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from src.config import SeasonsConfig
from src.errors import ConfigError
from src.features.config import OpponentAdjustedConfig, SosSrsConfig, TeamFeatureConfig
from src.features.team_features import build_team_features
from src.models.model_a.config import ModelASelectionConfig
from src.models.model_a.fit import SeriesData
from src.training.fit_model_b import fit_model_b
from src.training.model_a_selection import candidates, run_nested
from src.training.targets import season_targets
from src.utils import parallel
from src.utils.parallel import fan_out, local_jobs
from league_b import make_player_seasons, make_team_seasons
from parallel_tasks import slow_square, slow_worker_pid, worker_pid
from tests.conftest import roster_cfg, tiny_series
from tests.test_model_b import CFG as MODEL_B_CFG, SEASONS as MODEL_B_SEASONS

REPO = Path(__file__).resolve().parents[1]


def test_results_keep_task_order_and_progress_is_per_task(caplog):
    with caplog.at_level(logging.INFO, logger="src.utils.parallel"):
        assert fan_out(slow_square, [(i,) for i in range(6)], n_jobs=2, desc="squares") == \
            [0, 1, 4, 9, 16, 25]
    done = [r.getMessage() for r in caplog.records if r.getMessage().startswith("squares:")]
    assert len(done) == 6 and done[-1].startswith("squares: 6/6 done")


def test_costliest_tasks_go_first_and_results_keep_the_task_order(caplog):
    with caplog.at_level(logging.INFO, logger="src.utils.parallel"):
        assert fan_out(slow_square, [(i,) for i in range(6)], n_jobs=2, desc="costs",
                       costs=[0, 1, 2, 3, 4, 5]) == [0, 1, 4, 9, 16, 25]
    first = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("costs:"))
    # sent 5 and 4 first (without costs: 0 and 1, and 1 finishes first)
    assert "(5)" in first or "(4)" in first


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_on_result_sees_each_result_once_as_it_arrives_and_its_value_is_kept(n_jobs):
    seen = []

    def settle(i, result):
        seen.append((i, result))
        return -result
    assert fan_out(slow_square, [(i,) for i in range(5)], n_jobs=n_jobs, desc="settled",
                   costs=[0, 1, 2, 3, 4], on_result=settle) == [0, -1, -4, -9, -16]
    assert sorted(seen) == [(i, i * i) for i in range(5)]
    if n_jobs == 1:
        assert [i for i, _ in seen] == list(range(5))     # here: in task order


def test_a_long_fan_out_logs_a_line_each_tenth_of_its_tasks(caplog):
    with caplog.at_level(logging.INFO, logger="src.utils.parallel"):
        fan_out(abs, [(-i,) for i in range(150)], n_jobs=1, desc="many")
    done = [r.getMessage() for r in caplog.records if r.getMessage().startswith("many:")]
    assert [m.split()[1] for m in done] == [f"{15 * k}/150" for k in range(1, 11)]


def test_warm_up_starts_the_workers_that_the_next_fan_out_uses():
    warming = parallel.warm_up(2, ["parallel_tasks"])
    # slow tasks: on 2 CPUs one worker is warmed, quick tasks could all go to the other
    pids = fan_out(slow_worker_pid, [(i,) for i in range(8)], n_jobs=2, desc="pids")
    assert not warming.is_alive()                  # the fan-out waited for it
    assert set(warming.pids) & set(pids)           # and ran on the warmed workers
    assert parallel.warm_up(1, ["parallel_tasks"]) is None    # one job: nothing to start


def test_warm_up_leaves_a_core_to_the_stage(monkeypatch):
    # 2 CPUs: one worker imports during the stage's set-up (the stage has the other core);
    # the second starts bare and imports with its first task
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 2)
    warming = parallel.warm_up(2, ["parallel_tasks"])
    warming.join()
    assert len(warming.pids) == 1 and warming.pids[0] != os.getpid()
    pids = fan_out(worker_pid, [(i,) for i in range(8)], n_jobs=2, desc="pids")
    assert os.getpid() not in pids and len(pids) == 8


def test_a_local_fan_out_never_imports_distributed():
    # asking "am I a Dask worker?" must not import distributed (~0.6 s) in a stage or worker
    code = ("import sys; from src.utils.parallel import fan_out; "
            "r = fan_out(abs, [(-1,), (-2,), (-3,)], n_jobs=2, desc='abs'); "
            "print(r, 'distributed' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, text=True,
                         capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.split("\n")[0] == "[1, 2, 3] False"


def test_local_jobs_comes_from_the_environment(monkeypatch):
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 4)
    monkeypatch.setenv(parallel.JOBS_ENV, "3")
    assert local_jobs() == 3
    monkeypatch.setenv(parallel.JOBS_ENV, "two")
    with pytest.raises(ConfigError, match="PIPELINE_N_JOBS='two'"):
        local_jobs()


def _model_a(tiny_league, model_a_configs_small, game_model, n_jobs):
    players, teams = tiny_league(seasons=tuple(range(2001, 2007)), n_teams=4, n_players=6, seed=4)
    seasons = SeasonsConfig(first_train=2001, first_test=2005, last_test=2006, n_oof_folds=2,
                            n_val_seasons=1)
    arch, train = model_a_configs_small(epochs=2, listmle_weight=0.0)
    cfg = ModelASelectionConfig(grid={"availability_power": [0.0, 1.0]}, validation_seasons=1,
                                min_fit_seasons=2, n_jobs=n_jobs)
    cands = candidates(cfg.grid, arch, train, roster_cfg(6, 0))
    oof, summaries, _, info, final = run_nested(players, teams, seasons, cands, cfg,
                                                SeriesData(tiny_series(teams), game_model))
    return oof, [{k: v for k, v in s.items() if k != "fit_seconds"} for s in summaries], \
        info, final.checkpoint_bytes()


def _model_b():
    teams = make_team_seasons(seasons=range(2000, 2012), n_teams=12)
    features = build_team_features(teams, make_player_seasons(teams),
                                   TeamFeatureConfig(SosSrsConfig(True), OpponentAdjustedConfig(True)))
    run = fit_model_b(features, season_targets(teams, list(range(2000, 2012))),
                      MODEL_B_SEASONS, dataclasses.replace(MODEL_B_CFG, xgb=dataclasses.replace(
                          MODEL_B_CFG.xgb, n_estimators=15)))
    xgb_json = bytes(run.final.ranker.model.get_booster().save_raw(raw_format="json"))
    # the forest's skops file too: fitted on a Dask worker, its trees did not share their
    # parameter strings with the forest, which skops wrote as other object ids (now canonical)
    return run.scores, run.rounds, xgb_json, run.final.forest.file_bytes


def _same(a, b):
    for x, y in zip(a, b):
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, check_exact=True)
        else:
            assert x == y


@pytest.mark.slow
def test_here_local_processes_and_a_dask_cluster_give_the_same_bytes(
        tiny_league, model_a_configs_small, game_model, monkeypatch):
    distributed = pytest.importorskip("distributed")
    monkeypatch.delenv(parallel.SCHEDULER_ENV, raising=False)
    here_a = _model_a(tiny_league, model_a_configs_small, game_model, n_jobs=1)
    local_a = _model_a(tiny_league, model_a_configs_small, game_model, n_jobs=2)
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    here_b = _model_b()
    monkeypatch.setenv(parallel.JOBS_ENV, "2")
    local_b = _model_b()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        monkeypatch.setenv(parallel.SCHEDULER_ENV, cluster.scheduler_address)
        assert parallel.backend_name() == "dask"
        dask_a = _model_a(tiny_league, model_a_configs_small, game_model, n_jobs=2)
        dask_b = _model_b()
        ran_on = set(fan_out(os.getpid, [()] * 4, n_jobs=2, desc="pids"))
        with distributed.Client(cluster) as client:
            worker_pids = set(client.run(os.getpid).values())
    assert len(worker_pids) == 2 and ran_on <= worker_pids and os.getpid() not in worker_pids
    _same(here_a, local_a)
    _same(here_a, dask_a)
    _same(here_b, local_b)
    _same(here_b, dask_b)
