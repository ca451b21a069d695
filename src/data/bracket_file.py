"""A user's bracket file (CSV ``conference,seed,team``, src/league/real_bracket.py says what it
means): read here, in data/, as text rows with their line numbers, so the league package checks
a frame and reads no file."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from src.data.results_file import csv_rows, decode_text
from src.errors import DataError

BRACKET_COLUMNS = ("conference", "seed", "team")
ROW_COLUMNS = ["line", *BRACKET_COLUMNS]


def read_bracket_rows(path: Path) -> pd.DataFrame:
    """ROW_COLUMNS: each data row's line number and its cells as written (header checked)."""
    path = Path(path)
    rows = csv_rows(decode_text(path, "bracket file"))
    header = [h.lower() for h in rows[0][1]] if rows else []
    missing = [c for c in BRACKET_COLUMNS if c not in header]
    if missing:
        raise DataError(f"{path}: line 1: missing column(s) {', '.join(missing)}; a bracket file's "
                        f"columns are {', '.join(BRACKET_COLUMNS)} (e.g. W,1,OKC)")
    col = {c: header.index(c) for c in BRACKET_COLUMNS}
    out = [(line, *(cells[col[c]] if col[c] < len(cells) else "" for c in BRACKET_COLUMNS))
           for line, cells in rows[1:]]
    return pd.DataFrame(out, columns=ROW_COLUMNS)
