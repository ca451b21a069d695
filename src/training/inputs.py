"""Reading stage inputs with errors that say which file is missing and which stage makes it."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from src.errors import DataError


def read_input(path: str | Path, made_by: str) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: not found (written by stage '{made_by}'; run `dvc repro {made_by}`)")
    return pd.read_parquet(path)
