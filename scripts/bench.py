"""`make bench`: how long the pipeline and its hot parts take on this machine (not a test).

Times, on the real data: a cold `dvc repro` of the whole pipeline (in a throwaway clone,
so the workspace is untouched), a no-op `dvc repro`, the ML engineer's loop `dvc exp run -S
model_a.attention_entropy_min=0.4` after it (Model A's fits come from the stage's fit cache),
the same grid of fits (stage train_b: Model B on every split and the final fit, 24 tasks) in
local worker processes and on a Dask LocalCluster of 2 worker processes (and whether both
wrote the same bytes; --check-exp also re-runs train_a cold with the exp's params and compares
its outputs with the exp run's, read from the fit cache), one Model A fit on every training
season, one walk-forward fold of Model B, 100,000 bracket simulations of one season, and the
peak memory of any pipeline process. Prints a table and writes metrics/bench.local.json
(git-ignored); with --update (`make bench UPDATE=1`) the committed metrics/bench.json instead.
The machine's load average before and after goes with the numbers (other work on the same
cores makes every time longer).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from src.config import load_params, seasons_config  # noqa: E402
from src.utils.io import write_json  # noqa: E402

LOCAL_RESULT = REPO / "metrics/bench.local.json"      # a run on this machine, not committed
COMMITTED_RESULT = REPO / "metrics/bench.json"        # the numbers the README quotes
TARGETS = {"cold_repro_s": 180, "noop_repro_s": 2, "exp_run_entropy_s": 30,
           "train_a_stage_s": 240, "model_a_fit_s": 30, "monte_carlo_100k_s": 1.0,
           "peak_memory_gib": 4.0}
EXP_PARAM = "model_a.attention_entropy_min=0.4"
GRID_OUTPUTS = ("data/processed/oof_model_b.parquet", "models/model_b_xgb.json",
                "models/model_b_rf.skops")
MODEL_A_OUTPUTS = ("data/processed/oof_model_a.parquet", "models/model_a.pt")
PINS = {"ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "AVX2", "OPENBLAS_NUM_THREADS": "1"}  # stages/__init__.py


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def stage_env(**extra: str) -> dict[str, str]:
    """The environment `make repro` gives the stages (the Makefile's exports)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "DVC_NO_ANALYTICS": "1", "PYTHONHASHSEED": "0",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", **extra}


def dvc(workdir: Path, *args: str) -> None:
    subprocess.run([str(Path(sys.executable).parent / "dvc"), *args], cwd=workdir,
                   env=stage_env(), check=True)


def dvc_repro(workdir: Path) -> None:
    dvc(workdir, "repro", "--quiet")


def exp_run(workdir: Path) -> None:
    """The loop an ML engineer runs; the experiment is applied to the clone's workspace."""
    for key, value in (("user.email", "bench@localhost"), ("user.name", "bench")):
        subprocess.run(["git", "config", key, value], cwd=workdir, check=True)
    dvc(workdir, "exp", "run", "--quiet", "-S", EXP_PARAM)


def run_stage(workdir: Path, stage: str, outputs: tuple[str, ...], **env: str) -> dict[str, bytes]:
    """`python -m stages.<stage>` in the clone; returns the bytes of `outputs`."""
    subprocess.run([sys.executable, "-m", f"stages.{stage}", "--quiet"], cwd=workdir,
                   env=stage_env(**env), check=True)
    return {name: (workdir / name).read_bytes() for name in outputs}


def local_cluster(workdir: Path) -> subprocess.Popen:
    """A Dask LocalCluster of 2 single-threaded worker processes, started in the clone (its
    workers import the clone's code, with the stages' CPU pins); prints its address."""
    code = ("from distributed import LocalCluster\n"
            "c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, "
            "dashboard_address=None)\n"
            "print(c.scheduler_address, flush=True)\n"
            "import sys; sys.stdin.read()\n")
    return subprocess.Popen([sys.executable, "-c", code], cwd=workdir, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL,
                            env=stage_env(PYTHONPATH=str(workdir), **PINS))


def bench_grid(workdir: Path, results: dict) -> None:
    """The same grid of fits in local processes and on a 2-worker LocalCluster, each with an
    empty fit cache (src/training/fit_cache.py): every fit is made, none read back."""
    with tempfile.TemporaryDirectory(prefix="nba-fit-cache-") as tmp:
        results["grid_local_s"], local = timed(run_stage, workdir, "train_b", GRID_OUTPUTS,
                                               FIT_CACHE=f"{tmp}/local")
    cluster = local_cluster(workdir)
    try:
        address = cluster.stdout.readline().strip()
        with tempfile.TemporaryDirectory(prefix="nba-fit-cache-") as tmp:
            results["grid_dask_2_workers_s"], remote = timed(
                run_stage, workdir, "train_b", GRID_OUTPUTS, DASK_SCHEDULER_ADDRESS=address,
                FIT_CACHE=tmp)
    finally:
        cluster.stdin.close()
        cluster.wait(timeout=60)
    results["grid_same_bytes"] = float(local == remote)


def check_exp(workdir: Path, results: dict) -> None:
    """train_a cold (empty fit cache) with the exp run's params: the same bytes as the exp
    run's outputs, which came from the fit cache."""
    from_cache = {name: (workdir / name).read_bytes() for name in MODEL_A_OUTPUTS}
    with tempfile.TemporaryDirectory(prefix="nba-fit-cache-") as tmp:
        results["train_a_cold_s"], cold = timed(run_stage, workdir, "train_a", MODEL_A_OUTPUTS,
                                                MODEL_A_FIT_CACHE=tmp)
    results["exp_run_same_bytes_as_cold"] = float(from_cache == cold)


def clone_with_raw_data(raw_dir: Path, dest: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(REPO), str(dest)], check=True)
    (dest / "data" / "raw").mkdir(parents=True, exist_ok=True)
    for csv in raw_dir.glob("*.csv"):
        shutil.copy2(csv, dest / "data" / "raw" / csv.name)
    return dest


def bench_model_a(workdir: Path, params: dict) -> float:
    from src.features.roster import select_rosters
    from src.models.model_a.config import model_a_configs
    from src.features.config import roster_config
    from src.odds.config import simulation_config
    from src.odds.config import game_model
    from src.models.model_a.fit import FitTask, SeriesData, configure_torch, fit_model_a
    from src.models.model_a.series_targets import series_by_season

    seasons = seasons_config(params)
    model_cfg, train_cfg = model_a_configs(params["model_a"])
    roster_cfg = roster_config(params)
    configure_torch(train_cfg)
    train = seasons.known_seasons
    players = pd.read_parquet(workdir / "data/interim/player_seasons.parquet")
    teams = pd.read_parquet(workdir / "data/interim/team_seasons.parquet")
    rosters = select_rosters(players, train, roster_cfg)
    series = SeriesData(series_by_season(
        teams, pd.read_parquet(workdir / "data/interim/playoff_series.parquet"), train),
        game_model(simulation_config(params)))
    seconds, _ = timed(fit_model_a, FitTask.of(rosters, teams, train, model_cfg, train_cfg, roster_cfg,
                                               seasons.n_val_seasons, series))
    return seconds


def bench_model_b_fold(workdir: Path, params: dict) -> float:
    from src.models.model_b.config import model_b_config
    from src.splits import early_stopping_split, walk_forward_splits
    from src.training.targets import KEY, TARGET_COLUMNS, season_targets
    from src.models.model_b.model import ModelB

    seasons = seasons_config(params)
    split = walk_forward_splits(seasons)[-1]
    teams = pd.read_parquet(workdir / "data/interim/team_seasons.parquet")
    features = pd.read_parquet(workdir / "data/processed/team_features.parquet")
    targets = season_targets(teams, list(split.train_seasons))
    rows = features.merge(targets[KEY + TARGET_COLUMNS], on=KEY)
    cols = [c for c in features.columns if c not in KEY]
    fit_s, val_s = early_stopping_split(split.train_seasons, seasons.n_val_seasons)
    fit, val = rows[rows.season.isin(fit_s)], rows[rows.season.isin(val_s)]

    from src.league.series import observed_series
    from src.models.model_b.playoff import PlayoffRows
    series = observed_series(teams, pd.read_parquet(workdir / "data/interim/playoff_series.parquet"),
                             list(split.train_seasons))
    playoff = PlayoffRows(teams=fit["team"].to_numpy(), series=series, val_teams=val["team"].to_numpy())

    def one_fold():
        trainer = ModelB(model_b_config(params)).fit(
            fit[cols], fit[TARGET_COLUMNS], fit["season"].to_numpy(),
            val[cols], val[TARGET_COLUMNS], val["season"].to_numpy(), playoff)
        return trainer.predict(features.loc[features.season == split.predict_seasons[0], cols])
    seconds, _ = timed(one_fold)
    return seconds


def bench_monte_carlo(params: dict) -> float:
    from src.league.monte_carlo import GameModel, simulate_bracket

    sim = params["simulation"]
    model = GameModel(home_court=sim["home_court"], link=sim["link"], scale=sim["scale"])
    rng = np.random.default_rng(0)
    strength, priority = rng.normal(0, 5, 16), rng.permutation(16).astype(float)
    return min(timed(simulate_bracket, strength, priority, model, 100_000, seed=i)[0] for i in range(3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-dir", default=os.environ.get("NBA_RAW_DIR", str(REPO / "data/raw")),
                        help="folder with the real CSVs (default: data/raw, or NBA_RAW_DIR)")
    parser.add_argument("--update", action="store_true",
                        help=f"write the committed {COMMITTED_RESULT.relative_to(REPO)} "
                             f"(default: {LOCAL_RESULT.relative_to(REPO)}, git-ignored)")
    parser.add_argument("--check-exp", action="store_true",
                        help="also train Model A cold with the exp run's params and compare bytes")
    args = parser.parse_args()
    raw_dir = Path(args.raw_dir)
    if not (raw_dir / "Team Summaries.csv").exists():
        sys.exit(f"bench: no real data in {raw_dir} (run `make repro` first or set NBA_RAW_DIR)")
    params = load_params(REPO / "params.yaml")
    results: dict[str, float] = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="nba-bench-") as tmp:
        workdir = clone_with_raw_data(raw_dir, Path(tmp) / "repo")
        print("bench: cold dvc repro of the whole pipeline (a few minutes)...", flush=True)
        results["cold_repro_s"], _ = timed(dvc_repro, workdir)
        results["noop_repro_s"], _ = timed(dvc_repro, workdir)
        # every walk-forward and out-of-fold fit of Model A, as the stage itself timed it
        results["train_a_stage_s"] = json.loads((workdir / "metrics/train_a.json").read_text())["stage_seconds"]
        print(f"bench: dvc exp run -S {EXP_PARAM}...", flush=True)
        results["exp_run_entropy_s"], _ = timed(exp_run, workdir)
        if args.check_exp:
            print("bench: train_a cold with the exp's params...", flush=True)
            check_exp(workdir, results)
        print("bench: a grid of fits in local processes, then on a 2-worker LocalCluster...",
              flush=True)
        bench_grid(workdir, results)
        results["model_a_fit_s"] = bench_model_a(workdir, params)
        results["model_b_fold_s"] = bench_model_b_fold(workdir, params)
    results["monte_carlo_100k_s"] = bench_monte_carlo(params)
    peak_kib = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    results["peak_memory_gib"] = peak_kib / 2**20
    results = {k: round(v, 3) for k, v in results.items()}
    report = {**results, "date": date.today().isoformat(), "cpus": os.cpu_count(),
              "machine": platform.machine(), "python": platform.python_version(),
              "load_average_before": [round(x, 2) for x in load_before],
              "load_average_after": [round(x, 2) for x in os.getloadavg()]}
    out = COMMITTED_RESULT if args.update else LOCAL_RESULT
    write_json(report, out)
    print_table(results, out)


def print_table(results: dict[str, float], out: Path) -> None:
    from rich.console import Console
    from rich.table import Table
    table = Table(title=f"make bench ({os.cpu_count()} cores, {date.today().isoformat()})")
    for col in ("what", "value", "target"):
        table.add_column(col)
    for key, value in results.items():
        target = TARGETS.get(key)
        ok = "" if target is None else (" ok" if value <= target else " OVER")
        table.add_row(key, f"{value:g}", f"<= {target}{ok}" if target else "")
    Console().print(table)
    print(f"written: {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
