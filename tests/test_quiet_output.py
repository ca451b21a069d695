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


def _record(msg, args, level=logging.INFO, **extra):
    record = logging.LogRecord("src.x", level, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_a_once_note_is_said_once_and_its_repeats_are_counted():
    say_once = project_logging.SayOnce()
    logging.getLogger().setLevel(logging.INFO)
    first = _record("rosters: dropped %d player-seasons", (917,), once=True)
    again = _record("rosters: dropped %d player-seasons", (26,), once=True)
    other = _record("explain %d: %d players", (2006, 428))
    assert say_once.filter(first) and say_once.filter(other) and say_once.filter(other)
    assert not say_once.filter(again) and again.levelname == "DEBUG"   # held back, not lost
    assert say_once.held[("src.x", "rosters: dropped %d player-seasons")] == 2
    logging.getLogger().setLevel(logging.DEBUG)
    assert say_once.filter(_record("rosters: dropped %d player-seasons", (5,), once=True))
    logging.getLogger().setLevel(logging.INFO)


def test_ingest_notes_become_one_line_per_kind_with_the_count(caplog):
    notes = [_record("season %d: %s v %s left out", (1999 + i, "UTA", "PHO"), logging.DEBUG,
                     summary_level=logging.WARNING) for i in range(3)]
    notes.append(_record("season %d: tied seeds %s", (2003, "W"), logging.DEBUG, summary_level=logging.INFO))
    with caplog.at_level(logging.INFO, logger="summary"):
        project_logging.summarise_notes(notes, logging.getLogger("summary"))
    said = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "summary"]
    assert said == [(logging.WARNING, "3 x season 1999: UTA v PHO left out (+2 more like it; "
                                      "LOG_LEVEL=DEBUG lists each)"),
                    (logging.INFO, "1 x season 2003: tied seeds W")]


def test_collected_keeps_a_block_s_records_off_the_root_handlers(caplog):
    with caplog.at_level(logging.DEBUG):
        with project_logging.collected("src.collected_test") as records:
            logging.getLogger("src.collected_test.child").debug("a note %d", 1)
    assert [r.getMessage() for r in records] == ["a note 1"]
    assert "a note 1" not in caplog.text


def test_ingest_says_one_line_per_input_file(caplog):
    notes = [_record("%s: dropped %d row(s): %s", ("Team_Records.csv", 48, "not NBA")),
             _record("%s: dropped %d row(s): %s", ("Per 100 Poss.csv", 473, "not NBA")),
             _record("%s: dropped %d row(s): %s", ("Team_Records.csv", 30, "no champion")),
             _record("%s: details", ("Team_Records.csv",), logging.DEBUG)]     # not shown at INFO
    logging.getLogger().setLevel(logging.INFO)
    with caplog.at_level(logging.INFO, logger="files"):
        project_logging.summarise_by_subject(notes, logging.getLogger("files"))
    assert [r.getMessage() for r in caplog.records if r.name == "files"] == [
        "Team_Records.csv: dropped 48 row(s): not NBA; dropped 30 row(s): no champion",
        "Per 100 Poss.csv: dropped 473 row(s): not NBA"]
