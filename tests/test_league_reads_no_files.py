"""The league package reads no files (issue 26): its modules take frames; src/data/ and the
stages read. The import-linter contract of pyproject.toml refuses league -> data and the I/O
helpers; this test refuses what that contract cannot see: pandas' or numpy's readers, open(),
Path.read_text/read_bytes."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

LEAGUE = Path(__file__).resolve().parents[1] / "src" / "league"
READERS = {"open", "read_csv", "read_parquet", "read_json", "read_excel", "read_table", "read_pickle",
           "read_text", "read_bytes", "load", "loadtxt", "genfromtxt", "fromfile"}


def file_reads(source: str) -> list[str]:
    """`name (line)` of every call in `source` whose function is one of READERS."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in READERS:
                found.append(f"{name} (line {node.lineno})")
    return found


@pytest.mark.parametrize("path", sorted(LEAGUE.glob("*.py")), ids=lambda p: p.name)
def test_no_league_module_reads_a_file(path: Path):
    assert file_reads(path.read_text()) == []


def test_the_check_sees_a_read():
    assert file_reads("import pandas as pd\nx = pd.read_parquet('a')\ny = open('b')\n") == \
        ["read_parquet (line 2)", "open (line 3)"]
