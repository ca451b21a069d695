"""The pandera schema of each raw table (from its CsvSpec) and the one DataError it raises.

Every range of src/data/schema.py is checked here, on every row of the file, right after
read_csv parsed the numbers: a value out of range is a DataError naming file, column, CSV
row, season (and team where the file has one) and the value, with how many values of that
column are bad. Empty values pass: which columns must be filled is require_values' job.
"""
from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from src.data.schema import CsvSpec
from src.errors import DataError

_HEADER_LINES = 1


@functools.lru_cache(maxsize=None)
def table_schema(spec: CsvSpec) -> pa.DataFrameSchema:
    """Columns with their [low, high] and the row rules of `spec`, as a pandera schema."""
    columns = {name: pa.Column(float, pa.Check.in_range(low, high), nullable=True,
                               name=name, title=f"in [{low:g}, {high:g}]")
               for name, low, high in spec.ranges}
    checks = [pa.Check(rule.holds, name=rule.rule, error=rule.rule)
              for rule in spec.row_rules]
    return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)


def validate_table(df: pd.DataFrame, spec: CsvSpec, path: Path) -> None:
    """Raise a DataError for the first row (in file order) that breaks a range or row rule."""
    try:
        table_schema(spec).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _first_failure(df, spec, exc.failure_cases, Path(path)) from None


def _first_failure(df: pd.DataFrame, spec: CsvSpec, cases: pd.DataFrame, path: Path) -> DataError:
    """One readable error for pandera's failure cases: the earliest row of the file."""
    ranges = {name: (low, high) for name, low, high in spec.ranges}
    rules = {rule.column: rule.rule for rule in spec.row_rules}
    cases = cases.dropna(subset=["index"])
    column_level = cases["schema_context"] == "Column"
    # a row rule's case names every column of the row: keep the one the rule reports at
    cases = cases.loc[column_level | (cases["column"].map(rules) == cases["check"])]
    labels = cases["index"].astype("int64")
    # the file's first bad row; in it a column's own range before a rule across columns
    first = cases.assign(_pos=labels.map(df.index.get_loc), _rule=~column_level).sort_values(
        ["_pos", "_rule", "column"], kind="stable").iloc[0]
    column, label = first["column"], int(first["index"])
    n_bad = int((cases["column"] == column).sum())
    if first["schema_context"] == "Column":
        low, high = ranges[column]
        rule = f"allowed [{low:g}, {high:g}]"
    else:
        rule = f"{rules[column]} must hold"
    return DataError(f"{path}: column '{column}', row {int(label) + _HEADER_LINES + 1}"
                     f"{_where(df.loc[label])}: {_value(df.at[label, column])} is out of range "
                     f"({rule}; {n_bad} bad value(s) in this column)")


def _value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else repr(value)


def _where(row: pd.Series) -> str:
    """', season 2013, team BOS' from whatever the row has (Team_Records: 'Season' '2012-13')."""
    season = row.get("season")
    if season is None and isinstance(row.get("Season"), str) and row["Season"][:4].isdigit():
        season = int(row["Season"][:4]) + 1
    text = "" if season is None or pd.isna(season) else f", season {int(season)}"
    for key in ("abbreviation", "team", "TEAM_ABBREVIATION", "Team"):
        if isinstance(row.get(key), str):
            return f"{text}, team {row[key]}"
    return text
