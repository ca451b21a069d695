"""Read a raw CSV and validate it against its CsvSpec: every error names file, column and row."""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from src.data.schema import CsvSpec
from src.errors import DataError

log = logging.getLogger(__name__)

# A data row's line number in the CSV: one header line, and lines count from 1.
_HEADER_LINES = 1
_BOOL_TEXT = {"TRUE": True, "FALSE": False, "True": True, "False": False}


def csv_line(label: int) -> int:
    """CSV line number of the row with index label `label` (what a user sees in an editor).

    Tables from `read_csv` keep the file's row positions as their index through filtering,
    so an error found late still points at the right line."""
    return int(label) + _HEADER_LINES + 1


def read_csv(raw_dir: Path, spec: CsvSpec) -> pd.DataFrame:
    """All required columns of `spec.name`, numbers parsed; other columns are dropped."""
    path = Path(raw_dir) / spec.name
    if not path.is_file():
        raise DataError(f"{path}: required input file is missing (data.raw_dir = {raw_dir})")
    try:
        df = pd.read_csv(path, dtype=str, encoding=spec.encoding)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: cannot be parsed as CSV: {exc}") from exc
    missing = [c for c in spec.columns if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)} "
                        f"(found: {', '.join(map(str, df.columns))})")
    df = df.loc[:, list(spec.columns)]
    for column in spec.numeric:
        df[column] = to_number(df[column], path, column)
    return df


def to_number(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Parse a text column as float; NA stays NaN, any other non-number is a DataError."""
    parsed = pd.to_numeric(values, errors="coerce")
    bad = parsed.isna() & values.notna()
    if bad.any():
        label = bad.idxmax()
        raise DataError(f"{path}: column '{column}', row {csv_line(label)}: "
                        f"{values.loc[label]!r} is not a number "
                        f"({int(bad.sum())} bad value(s) in this column)")
    return parsed.astype("float64")


def to_bool(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Parse TRUE/FALSE text; anything else (including empty) is a DataError."""
    parsed = values.map(_BOOL_TEXT)
    bad = parsed.isna()
    if bad.any():
        label = bad.idxmax()
        raise DataError(f"{path}: column '{column}', row {csv_line(label)}: "
                        f"{values.loc[label]!r} is not TRUE/FALSE")
    return parsed.astype(bool)


def to_int(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Numbers that must be whole and present (seasons, wins, games)."""
    bad = values.isna() | (values.round() != values)
    if bad.any():
        label = bad.idxmax()
        raise DataError(f"{path}: column '{column}', row {csv_line(label)}: "
                        f"{values.loc[label]!r} is not a whole number")
    return values.astype("int64")


def drop_logged(df: pd.DataFrame, drop: pd.Series, path: Path, why: str) -> pd.DataFrame:
    """Remove rows where `drop` is true, logging how many and why (nothing is dropped silently)."""
    n = int(drop.sum())
    if n:
        log.info("%s: dropped %d row(s): %s", Path(path).name, n, why)
    return df.loc[~drop]


def check_unique(df: pd.DataFrame, key: list[str], path: Path) -> None:
    """Duplicate keys are a DataError naming the first duplicate and its CSV row."""
    dup = df.duplicated(key, keep=False)
    if dup.any():
        first = df.loc[dup].iloc[0]
        where = ", ".join(f"{k}={first[k]}" for k in key)
        same = (df[key] == first[key]).all(axis=1)
        rows = ", ".join(str(csv_line(i)) for i in df.index[same])
        raise DataError(f"{path}: duplicate rows for ({where}) in column(s) {', '.join(key)}: "
                        f"rows {rows}")
