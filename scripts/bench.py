"""`make bench`: how long the pipeline and its hot parts take on this machine (not a test).

Times, on the real data: a cold `dvc repro` of the whole pipeline (in a throwaway clone,
so the workspace is untouched), a no-op `dvc repro`, one Model A fit on every training
season, one walk-forward fold of Model B, 100,000 bracket simulations of one season, and
the peak memory of any pipeline process. Prints a table and writes metrics/bench.local.json
(git-ignored); with --update (`make bench UPDATE=1`) the committed metrics/bench.json instead.
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
TARGETS = {"cold_repro_s": 600, "noop_repro_s": 15, "train_a_stage_s": 240, "model_a_fit_s": 30,
           "monte_carlo_100k_s": 1.0, "peak_memory_gib": 4.0}


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def dvc_repro(workdir: Path) -> None:
    env = {**os.environ, "DVC_NO_ANALYTICS": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run([str(Path(sys.executable).parent / "dvc"), "repro", "--quiet"], cwd=workdir,
                   env=env, check=True)


def clone_with_raw_data(raw_dir: Path, dest: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(REPO), str(dest)], check=True)
    (dest / "data" / "raw").mkdir(parents=True, exist_ok=True)
    for csv in raw_dir.glob("*.csv"):
        shutil.copy2(csv, dest / "data" / "raw" / csv.name)
    return dest


def bench_model_a(workdir: Path, params: dict) -> float:
    from src.features.roster import select_rosters
    from src.models.config import model_a_configs, roster_config
    from src.inference.config import simulation_config
    from src.inference.title_odds import game_model
    from src.training.fit_model_a import SeriesData, configure_torch, fit_model_a
    from src.training.series_targets import series_by_season

    seasons = seasons_config(params)
    model_cfg, train_cfg = model_a_configs(params["model_a"])
    roster_cfg = roster_config(params)
    configure_torch(train_cfg)
    train = list(range(seasons.first_train, seasons.last_test + 1))
    players = pd.read_parquet(workdir / "data/interim/player_seasons.parquet")
    teams = pd.read_parquet(workdir / "data/interim/team_seasons.parquet")
    rosters = select_rosters(players, train, roster_cfg)
    series = SeriesData(series_by_season(
        teams, pd.read_parquet(workdir / "data/interim/playoff_series.parquet"), train),
        game_model(simulation_config(params)))
    seconds, _ = timed(fit_model_a, rosters, teams, train, model_cfg, train_cfg, roster_cfg,
                       seasons.n_val_seasons, series)
    return seconds


def bench_model_b_fold(workdir: Path, params: dict) -> float:
    from src.training.model_b_config import model_b_config
    from src.training.splitters import early_stopping_split, walk_forward_splits
    from src.training.targets import KEY, TARGET_COLUMNS, season_targets
    from src.training.train_model_b import ModelBTrainer

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
    from src.training.train_model_b import PlayoffRows
    series = observed_series(teams, pd.read_parquet(workdir / "data/interim/playoff_series.parquet"),
                             list(split.train_seasons))
    playoff = PlayoffRows(teams=fit["team"].to_numpy(), series=series, val_teams=val["team"].to_numpy())

    def one_fold():
        trainer = ModelBTrainer(model_b_config(params)).fit(
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
    args = parser.parse_args()
    raw_dir = Path(args.raw_dir)
    if not (raw_dir / "Team Summaries.csv").exists():
        sys.exit(f"bench: no real data in {raw_dir} (run `make repro` first or set NBA_RAW_DIR)")
    params = load_params(REPO / "params.yaml")
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="nba-bench-") as tmp:
        workdir = clone_with_raw_data(raw_dir, Path(tmp) / "repo")
        print("bench: cold dvc repro of the whole pipeline (a few minutes)...", flush=True)
        results["cold_repro_s"], _ = timed(dvc_repro, workdir)
        results["noop_repro_s"], _ = timed(dvc_repro, workdir)
        # every walk-forward and out-of-fold fit of Model A, as the stage itself timed it
        results["train_a_stage_s"] = json.loads((workdir / "metrics/train_a.json").read_text())["stage_seconds"]
        results["model_a_fit_s"] = bench_model_a(workdir, params)
        results["model_b_fold_s"] = bench_model_b_fold(workdir, params)
    results["monte_carlo_100k_s"] = bench_monte_carlo(params)
    peak_kib = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    results["peak_memory_gib"] = peak_kib / 2**20
    results = {k: round(v, 3) for k, v in results.items()}
    report = {**results, "date": date.today().isoformat(), "cpus": os.cpu_count(),
              "machine": platform.machine(), "python": platform.python_version()}
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
