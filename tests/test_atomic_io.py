"""Outputs are replaced whole or not at all, even when the writing process is killed."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from src.utils.io import write_json, write_parquet


def test_failed_write_keeps_previous_output(tmp_path):
    out = tmp_path / "t.parquet"
    write_parquet(pd.DataFrame({"a": [1, 2]}), out)

    class Boom(pd.DataFrame):
        def to_parquet(self, path, **kw):  # half a file, then an error
            open(path, "wb").write(b"PAR1 partial")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_parquet(Boom({"a": [9]}), out)
    assert pd.read_parquet(out)["a"].tolist() == [1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]  # no temp file left


def test_killed_process_leaves_previous_output_intact(tmp_path):
    out = tmp_path / "m.json"
    write_json({"v": 1}, out)
    # The child starts the atomic write, writes part of the new file, then dies by SIGKILL.
    child = textwrap.dedent(f"""
        import os, signal
        from src.utils.io import atomic_path
        with atomic_path({str(out)!r}) as tmp:
            tmp.write_text('{{"v": 2, "trunc')
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", child], cwd=str(__import__("pathlib").Path(__file__).parents[1]))
    assert proc.returncode != 0
    assert json.loads(out.read_text()) == {"v": 1}
