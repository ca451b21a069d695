"""A real `python -m stages.ingest` process killed (SIGKILL) while writing its tables, or
failing on a corrupt input, leaves the previous outputs byte-for-byte intact and readable.

The kill is placed inside the stage's own process: pandas' to_parquet is wrapped so that
the N-th table written gets half a file, then the process kills itself, as an OOM kill or
a pulled plug would. Killing at the third table proves ingest writes every table before
renaming any (a kill there would otherwise leave two new tables beside one old one)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from src.data.ingest import OUTPUT_NAMES, build_tables, write_tables

REPO_ROOT = Path(__file__).resolve().parents[1]
FIRST, LAST = 2011, 2013
N_TABLES = len(OUTPUT_NAMES)

_DYING_STAGE = textwrap.dedent("""
    import os, runpy, signal, sys
    import pandas as pd
    KILL_AT = int(sys.argv[1])
    real_to_parquet, calls = pd.DataFrame.to_parquet, []
    def dying_to_parquet(self, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == KILL_AT:
            with open(path, "wb") as fh:
                fh.write(b"PAR1 half a table")
                fh.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return real_to_parquet(self, path, *args, **kwargs)
    pd.DataFrame.to_parquet = dying_to_parquet
    sys.argv = ["stages.ingest", "--params", "params.yaml"]
    runpy.run_module("stages.ingest", run_name="__main__")
""")


@pytest.fixture(scope="module")
def league(tmp_path_factory) -> Path:
    from src.data.synthetic import generate_league
    return generate_league(tmp_path_factory.mktemp("kill_league"), seed=0,
                           first_season=FIRST, last_season=LAST)


@pytest.fixture
def work(league: Path, tmp_path: Path) -> Path:
    """A working directory with params.yaml pointing at the league and the previous ingest
    outputs (seasons 2012..2013) already in data/interim."""
    params = (REPO_ROOT / "params.yaml").read_text()
    params = params.replace("raw_dir: data/raw", f"raw_dir: {league}", 1)
    params = params.replace("first_season: 1997", f"first_season: {FIRST}", 1)
    # the synthetic league's players cover 69-100% of a team's minutes (real files: 100-102%)
    params = params.replace("min_team_minutes_share: 0.98", "min_team_minutes_share: 0.6", 1)
    assert str(league) in params and f"first_season: {FIRST}" in params
    assert "min_team_minutes_share: 0.6" in params
    (tmp_path / "params.yaml").write_text(params)
    write_tables(build_tables(league, FIRST + 1), tmp_path / "data" / "interim")
    return tmp_path


def _outputs(work: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((work / "data" / "interim").iterdir())}


def _run(work: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "LOG_LEVEL": "WARNING"}
    return subprocess.run([sys.executable, *args], cwd=work, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("kill_at", [1, N_TABLES])
def test_stage_killed_mid_write_keeps_previous_tables(work: Path, kill_at: int) -> None:
    before = _outputs(work)
    killed = _run(work, "-c", _DYING_STAGE, str(kill_at))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    after = _outputs(work)
    for name in OUTPUT_NAMES.values():
        assert after[name] == before[name], f"{name} changed by a killed run"
    teams = pd.read_parquet(work / "data" / "interim" / "team_seasons.parquet")
    assert sorted(teams["season"].unique()) == [FIRST + 1, LAST]     # the previous run's
    # SIGKILL allows no clean-up: the dead run's temp files (all made before the first
    # write) stay behind, hidden and apart from the outputs
    leftovers = sorted(set(after) - set(before))
    assert len(leftovers) == N_TABLES
    assert all(n.startswith(".") and n.endswith(".tmp") for n in leftovers)


def test_next_run_after_a_kill_replaces_all_tables(work: Path) -> None:
    _run(work, "-c", _DYING_STAGE, str(N_TABLES))
    ok = _run(work, "-m", "stages.ingest", "--params", "params.yaml")
    assert ok.returncode == 0, ok.stderr
    interim = work / "data" / "interim"
    for name in OUTPUT_NAMES.values():
        assert pd.read_parquet(interim / name)["season"].min() == FIRST


def test_stage_on_corrupt_input_exits_non_zero_and_keeps_outputs(work: Path,
                                                                 league: Path) -> None:
    raw = work / "raw"
    raw.mkdir()
    for src in league.iterdir():
        (raw / src.name).write_bytes(src.read_bytes())
    params = (work / "params.yaml").read_text().replace(str(league), str(raw))
    (work / "params.yaml").write_text(params)
    shooting = raw / "Player Shooting.csv"
    shooting.write_bytes(shooting.read_bytes()[:-40])              # cut inside the last line
    before = _outputs(work)
    failed = _run(work, "-m", "stages.ingest", "--params", "params.yaml")
    assert failed.returncode == 1
    output = failed.stdout + failed.stderr
    assert "Player Shooting.csv" in output and "truncated" in output
    assert "Traceback" not in output                                 # a message, not a crash
    assert _outputs(work) == before                                  # nothing new, nothing lost
