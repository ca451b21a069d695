"""`make help` lists every target of the Makefile, and every target does something."""
import re
import shutil
import subprocess
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
