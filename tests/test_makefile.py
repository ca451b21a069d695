"""`make help` lists every target of the Makefile, and every target does something."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _phony() -> list[str]:
    line = next(l for l in (REPO / "Makefile").read_text().splitlines() if l.startswith(".PHONY:"))
    return line.split(":", 1)[1].split()


def test_help_lists_every_phony_target_with_one_line():
    done = subprocess.run(["make", "-s", "help"], cwd=REPO, capture_output=True, text=True, check=True)
    listed = [re.match(r"\s*make (\S+)\s+\S", l).group(1) for l in done.stdout.splitlines()]
    assert sorted(listed) == sorted(_phony())


@pytest.mark.parametrize("target", ["clean-venv", "report", "forecast", "repro", "test"])
def test_targets_have_a_recipe(target):
    # -n prints the commands without running them; VENV points at a path that does not exist
    # so `setup` would be planned too, never run
    done = subprocess.run(["make", "-n", target, "VENV=/nonexistent-venv"], cwd=REPO,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip(), f"make {target} does nothing"


def test_forecast_of_another_season_writes_where_git_ignores_it():
    plan = subprocess.run(["make", "-n", "forecast", "SEASON=2025", "VENV=/nonexistent-venv"], cwd=REPO,
                          capture_output=True, text=True, check=True).stdout
    # make hands the values to scripts/make_forecast.py, which runs the stage (issue 28)
    assert "scripts/make_forecast.py --season='2025'" in plan
    sys.path.insert(0, str(REPO / "scripts"))
    import make_forecast
    assert make_forecast.commands("2025", "")[-1][1:] == ["-m", "stages.forecast", "--season", "2025"]
    assert make_forecast.commands("", "")[-1][-2:] == ["repro", "forecast"]   # the stage's own outputs
    from stages.forecast import output_dir
    assert output_dir(2026, 2026) == Path("reports") and output_dir(2025, 2026) == Path("reports/seasons")
    if shutil.which("git") and (REPO / ".git").exists():
        ignored = subprocess.run(["git", "check-ignore", "-q", "reports/seasons/forecast_2025.html"],
                                 cwd=REPO)
        assert ignored.returncode == 0, "reports/seasons/ must be git-ignored"
