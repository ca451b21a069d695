"""Issue 29, what a newcomer trips over: the test command says how to get the browser tests,
`make dag` fits 100 columns, `make repro`'s summary says how far the outputs are from the
committed ones, a relative NBA_RAW_DIR is resolved where it was typed."""
import re
import subprocess
from pathlib import Path

import pytest

from scripts.dag import listing, parse_dot
from src.utils.repro_check import compare_file, compare_line, digits_agreeing, summary_lines

REPO = Path(__file__).resolve().parents[1]
INSTALL = "apt-get install -y chromium"


def test_readme_ci_and_make_test_name_one_chromium_install_line():
    readme, ci = (REPO / "README.md").read_text(), (REPO / ".ci/run").read_text()
    makefile = (REPO / "Makefile").read_text()
    assert INSTALL in readme.split("## ")[0]            # on the first screen, beside `make test`
    assert INSTALL in ci and "make test" in ci
    assert f"CHROMIUM_INSTALL := {INSTALL}" in makefile   # what `make test` prints without it


DOT = '''strict digraph {
"validate_params";
"download";
"ingest";
"train";
"validate_params" -> "download";
"validate_params" -> "ingest";
"validate_params" -> "train";
"download" -> "ingest";
"ingest" -> "train";
"download" -> "train";
}'''


def test_dag_listing_is_in_run_order_and_says_the_common_upstream_once():
    lines = listing(*parse_dot(DOT))
    assert "every stage reads validate_params" in lines[1]
    rows = {line.split()[0]: line.split(None, 1)[1] for line in lines[2:]}
    assert list(rows) == ["validate_params", "download", "ingest", "train"]
    assert rows["validate_params"] == "(first)" and rows["download"] == "<- validate_params"
    assert rows["train"] == "<- download, ingest"


def test_dag_listing_wraps_within_the_width():
    nodes = ["src"] + [f"stage_with_a_long_name_{i}" for i in range(12)] + ["sink"]
    edges = [("src", n) for n in nodes[1:]] + [(n, "sink") for n in nodes[1:-1]]
    lines = listing(nodes, edges, width=100)
    assert max(len(line) for line in lines) <= 100
    assert sum("stage_with_a_long_name_11" in line for line in lines) == 2   # its row, sink's list


def test_dag_of_a_repo_without_stages_is_a_clear_error():
    with pytest.raises(ValueError, match="no stage"):
        parse_dot("strict digraph {\n}")


def test_numbers_moved_in_the_8th_digit_reproduce_and_say_so():
    old = b'{\n  "series_log_loss": 0.5168481718576192,\n  "n": 19\n}\n'
    new = b'{\n  "series_log_loss": 0.5168481839367879,\n  "n": 19\n}\n'
    verdict = compare_file("metrics/headline.json", old, new)
    assert verdict.kind == "digits" and digits_agreeing(verdict.max_rel_diff) == 7
    line = summary_lines([verdict], unchanged=3)[1]
    assert line.startswith("reproduced") and "3 identical" in line
    assert "1 differ only in their last digits: 1 beyond the 7th significant digit" in line


def test_a_moved_result_is_named_with_its_line():
    old = b"team,value\nBOS,0.512\nDEN,1.25\n"
    new = b"team,value\nBOS,0.512\nDEN,1.31\n"
    verdict = compare_file("reports/x.csv", old, new)
    assert verdict.kind == "differs" and verdict.detail == "line 3: DEN,1.25 -> DEN,1.31"
    lines = summary_lines([verdict], unchanged=0)
    assert lines[1].startswith("1 differ beyond it (expected after a change")
    assert lines[2] == "  differs: reports/x.csv: line 3: DEN,1.25 -> DEN,1.31"


def test_a_long_line_is_shown_where_it_differs():
    old = "x" * 200 + "0.512,BOS" + "y" * 100
    verdict = compare_file("f.html", old.encode(), old.replace("BOS", "DEN").encode())
    assert "0.512,BOS" in verdict.detail and "0.512,DEN" in verdict.detail


def test_text_timing_rounding_and_binary_verdicts():
    assert compare_line('"name": "a"', '"name": "b"')[0] == "differs"
    assert compare_line('"stage_seconds": 63.63,', '"stage_seconds": 86.84,')[0] == "timing"
    assert compare_line("| spearman | 0.543 |", "| spearman | 0.544 |")[0] == "rounding"
    assert compare_line('"x": 0.54681,', '"x": 0.5468,')[0] == "digits"     # a dropped trailing 0
    assert compare_line("a 0.5", "a 0.7")[0] == "differs"
    assert compare_file("f.png", b"\x89PNG\xff\x00", b"\x89PNG\xfe\x00").kind == "binary"
    assert compare_file("f.txt", b"a\nb\n", b"a\n").kind == "differs"      # a line lost


def test_run_summary_compares_with_the_committed_outputs():
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run([str(REPO / ".venv/bin/python"), "scripts/run_summary.py"], cwd=REPO,
                          capture_output=True, text=True, check=True)
    assert re.search(r"git-tracked outputs against HEAD: \d+ files", done.stdout)
    assert re.search(r"^(reproduced: |\d+ differ beyond it)", done.stdout, re.M)


def test_a_relative_nba_raw_dir_is_read_from_the_users_repo(tmp_path, monkeypatch):
    from src.data.download import from_users_repo
    elsewhere = tmp_path / "exp_tempdir"                 # where a queued experiment runs
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("DVC_ROOT", str(tmp_path / "repo"))
    assert from_users_repo(Path("../shared/nba")) == tmp_path / "shared/nba"
    assert from_users_repo(tmp_path / "abs") == tmp_path / "abs"
    assert from_users_repo(None) is None
    monkeypatch.delenv("DVC_ROOT")                       # a stage run by hand: the current folder
    assert from_users_repo(Path("raw")) == elsewhere / "raw"

