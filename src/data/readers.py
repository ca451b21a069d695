"""Read a raw CSV and validate it against its CsvSpec: every error names file, column and row."""
from __future__ import annotations

import csv
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from src.data.schema import CsvSpec
from src.data.table_schema import validate_table
from src.errors import DataError

log = logging.getLogger(__name__)

# A data row's line number in the CSV: one header line, and lines count from 1.
_HEADER_LINES = 1
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_TAIL_BYTES = 1 << 16   # enough to hold a file's last line
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
    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty (0 bytes); restore it from its source")
    try:
        df = pd.read_csv(path, dtype=str, encoding=spec.encoding)
    except UnicodeDecodeError as exc:
        raise DataError(_encoding_problem(path, spec.encoding)) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: cannot be parsed as CSV: {exc}") from exc
    if df.empty:
        raise DataError(f"{path}: has a header but no data rows")
    if spec.ends_with_line_break:
        check_last_line(path, spec.encoding, df)
    return parse_table(df, spec, path)


def parse_table(df: pd.DataFrame, spec: CsvSpec, path: Path) -> pd.DataFrame:
    """A table of text cells (as read from `path`) -> its required columns, numbers parsed
    and checked against the spec's schema (ranges and row rules)."""
    missing = [c for c in spec.columns if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)} "
                        f"(found: {', '.join(map(str, df.columns))})")
    df = df.loc[:, list(spec.columns)]
    for column in spec.numeric:
        df[column] = to_number(df[column], path, column)
    validate_table(df, spec, path)
    return df


def _encoding_problem(path: Path, encoding: str) -> str:
    """Where the file stops being `encoding` text: line and byte, so a user can find it."""
    data = path.read_bytes()
    if data[:2] in _UTF16_BOMS:
        return (f"{path}: is UTF-16 text (byte-order mark {data[:2].hex()}), expected "
                f"{encoding}; save it as UTF-8")
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return (f"{path}: line {line}: byte 0x{data[exc.start]:02x} is not valid {encoding} "
                f"text (wrong encoding, e.g. latin-1?); save the file as UTF-8")
    return f"{path}: cannot be decoded as {encoding}"


def check_last_line(path: Path, encoding: str, df: pd.DataFrame) -> None:
    """A file cut mid-line (an interrupted copy or download) ends without a line break, and
    pandas would quietly fill the cut row's missing fields with NaN, or read a number cut
    short (1123 -> 11) as valid: refuse any file whose last line has no line break."""
    with open(path, "rb") as fh:
        fh.seek(max(0, path.stat().st_size - _TAIL_BYTES))
        tail = fh.read()
    if tail.endswith(b"\n"):
        return
    last = tail.rsplit(b"\n", 1)[-1].decode(encoding, errors="replace")
    fields, n_fields = next(csv.reader([last]), []), len(df.columns)
    line_no = csv_line(df.index[-1])
    what = (f"{len(fields)} of {n_fields} fields" if len(fields) < n_fields
            else "its last value may be cut short")
    raise DataError(f"{path}: line {line_no} is cut off ({what}, no line break at the end): "
                    "the file looks truncated; restore it from its source")


def to_number(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Parse a text column as float; NA stays NaN, any other non-number (inf included) is a
    DataError."""
    parsed = pd.to_numeric(values, errors="coerce")
    bad = (parsed.isna() & values.notna()) | np.isinf(parsed.astype("float64"))
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


def require_values(df: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    """Columns that must hold a value in every row (core stats): the first empty one is a
    DataError naming column, row, season and team; the count says how many more."""
    for column in columns:
        empty = df[column].isna()
        if empty.any():
            raise _first_bad_row(df, empty, column, path,
                                 lambda _: "value is empty (NA), but this stat is required "
                                           f"({int(empty.sum())} empty value(s) in this column)")


def log_empty_values(df: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    """Optional stats may be empty (kept as NaN): say how many, per column, in the log."""
    counts = {c: int(n) for c, n in df[list(columns)].isna().sum().items() if n}
    if counts:
        listed = ", ".join(f"{c} {n}" for c, n in counts.items())
        log.info("%s: empty values kept as NaN (optional stats): %s", Path(path).name, listed)


def check_range(df: pd.DataFrame, column: str, low, high, path: Path, rule: str) -> None:
    """Values of `column` must lie in [low, high] (scalars or Series aligned with `df`; NaN
    passes: emptiness is checked elsewhere). The first bad value is a DataError naming
    file, column, row, season and team; `rule` says what the bounds mean."""
    values = df[column]
    bad = (values < low) | (values > high)
    if bad.any():
        raise _first_bad_row(df, bad, column, path,
                             lambda label: f"{values.loc[label]!r} is out of range "
                                           f"({rule}; {int(bad.sum())} bad value(s) in this column)")


def _first_bad_row(df: pd.DataFrame, bad: pd.Series, column: str, path: Path, what) -> DataError:
    """The DataError for the first row flagged in `bad`: file, column, CSV row, season, team,
    then `what(label)`."""
    label = bad.idxmax()
    row = df.loc[label]
    team = f", team {row['team']}" if "team" in df.columns else ""
    return DataError(f"{path}: column '{column}', row {csv_line(label)}, season "
                     f"{row['season']}{team}: {what(label)}")
