"""Output people read: rounded floats in logs, no progress bars off a terminal, a one-line
message outside the venv, a closing summary that fits 100 columns, bench results untracked."""
import io
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from src.utils import logging as project_logging
from src.utils.logging import RoundFloats, progress_disabled, short_float

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("value, shown", [
    (0.9391625615763545, "0.9392"), (1e-06, "1e-06"), (62.05123, "62.051"), (-0.000123456, "-0.0001235"),
    (7, "7"), ("text", "text"), (float("nan"), "nan"),
])
def test_log_floats_are_rounded(value, shown):
    assert str(short_float(value)) == shown


def test_round_floats_filter_rewrites_record_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "val Spearman %s, epoch %d, %.1fs",
                               (0.9391625615763545, 32, 1.04), None)
    RoundFloats().filter(record)
    assert record.getMessage() == "val Spearman 0.9392, epoch 32, 1.0s"


def test_progress_bars_only_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True
    logging.getLogger().setLevel(logging.INFO)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert progress_disabled()                       # a pipe, a CI log, a file
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert not progress_disabled()
    logging.getLogger().setLevel(logging.WARNING)    # --quiet
    assert progress_disabled()
    logging.getLogger().setLevel(logging.INFO)


def test_stage_commands_outside_the_venv_say_what_to_do():
    code = "import sys; sys.modules['pandas'] = None; import stages"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 2
    assert "source .venv/bin/activate" in done.stderr and "make repro" in done.stderr
    assert "Traceback" not in done.stderr


def test_closing_summary_fits_100_columns():
    done = subprocess.run([sys.executable, "scripts/run_summary.py"], cwd=REPO, capture_output=True,
                          text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 100
    assert any("forecast_" in line for line in lines)       # every declared output is listed


def test_bench_writes_an_ignored_file_unless_asked():
    from scripts import bench  # noqa: F401  (import check: the module loads without running)
    ignored = subprocess.run(["git", "check-ignore", "-q", "metrics/bench.local.json"], cwd=REPO)
    assert ignored.returncode == 0
    assert subprocess.run(["git", "check-ignore", "-q", "dvc_plots/index.html"], cwd=REPO).returncode == 0


def test_setup_logging_is_plain_off_a_terminal(monkeypatch):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    monkeypatch.setattr(project_logging, "_CONFIGURED", False)
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    try:
        project_logging.setup_logging()
        logging.getLogger("t").info("Spearman %s", 0.93916256)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    line = stream.getvalue().strip()
    assert line.endswith("INFO t: Spearman 0.9392") and "\n" not in line
