"""Level-1 scores for the stacker: the enabled models' out-of-sample scores, side by side.

Each model's file follows docs/contracts.md (season, team, split, fold, max_train_season,
score_<model>). Rows are joined on (season, team); split and fold must agree (all models
use src/splits.py), and a row's max_train_season becomes the latest over its
models. A row scored by a model that saw its own season is refused (leakage guard).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from src.errors import ConfigError, DataError
from src.models.registry import LEVEL1_SOURCES, score_column
from src.splits import OOF, TEST

KEY = ["season", "team"]
ROW_COLUMNS = [*KEY, "split", "fold", "max_train_season"]


def join_to_level1(level1: pd.DataFrame, other: pd.DataFrame, columns: list[str],
                   missing: str) -> pd.DataFrame:
    """level1 rows with `other`'s `columns` joined on (season, team). A level-1 row that
    `other` lacks is a DataError: `missing` formatted with that row's season and team."""
    merged = level1.merge(other[KEY + columns], on=KEY, how="left")
    absent = merged[columns].isna().any(axis=1)
    if absent.any():
        row = merged.loc[absent].iloc[0]
        raise DataError(missing.format(season=row["season"], team=row["team"]))
    return merged






def combine_level1(frames: dict[Path, pd.DataFrame | None], models: list[str],
                   first_test: int) -> pd.DataFrame:
    """ROW_COLUMNS + score_<model> for every model in `models`; frames maps file -> contents."""
    combined = None
    for model in models:
        if model not in LEVEL1_SOURCES:
            raise ConfigError(f"params.yaml: stacking.models: unknown model {model!r} "
                              f"(known: {', '.join(LEVEL1_SOURCES)})")
        path, stage = LEVEL1_SOURCES[model]
        frame = frames.get(path)
        if frame is None:
            raise DataError(f"{path}: not found, but stacking.models lists {model!r}; run stage "
                            f"'{stage}' or remove {model!r} from stacking.models")
        rows = _checked(frame, path, score_column(model), first_test)
        combined = rows if combined is None else _join(combined, rows, path)
    return combined.sort_values(KEY, kind="stable").reset_index(drop=True)


def _checked(frame: pd.DataFrame, path: Path, score: str, first_test: int) -> pd.DataFrame:
    missing = [c for c in ROW_COLUMNS + [score] if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    rows = frame[ROW_COLUMNS + [score]]
    if rows[score].isna().any():
        season = int(rows.loc[rows[score].isna(), "season"].iloc[0])
        raise DataError(f"{path}: column {score} is null in season {season}")
    leak = ((rows["split"] == TEST) & (rows["max_train_season"] >= rows["season"])) | (
        (rows["split"] == OOF) & (rows["max_train_season"] >= first_test))
    if leak.any():
        row = rows.loc[leak].iloc[0]
        raise DataError(f"{path}: row season={row.season} team={row.team} ({row.split}) was scored by a "
                        f"model trained through {row.max_train_season}: not out of sample")
    return rows


def _join(left: pd.DataFrame, right: pd.DataFrame, path: Path) -> pd.DataFrame:
    merged = left.merge(right, on=KEY, how="outer", suffixes=("", "_r"), indicator=True)
    unmatched = merged["_merge"] != "both"
    if unmatched.any():
        row = merged.loc[unmatched].iloc[0]
        raise DataError(f"{path}: season={row.season} team={row.team} is scored by only some of the "
                        f"stacked models ({int(unmatched.sum())} such rows)")
    differ = (merged["split"] != merged["split_r"]) | (merged["fold"] != merged["fold_r"])
    if differ.any():
        row = merged.loc[differ].iloc[0]
        raise DataError(f"{path}: season={row.season} split/fold differ between models "
                        "(all must use src/splits.py)")
    merged["max_train_season"] = merged[["max_train_season", "max_train_season_r"]].max(axis=1)
    return merged.drop(columns=["split_r", "fold_r", "max_train_season_r", "_merge"])


def read_level1_files(models: list[str]) -> dict[Path, pd.DataFrame | None]:
    """The score files of the listed models (None where a file does not exist yet)."""
    paths = {LEVEL1_SOURCES[m][0] for m in models if m in LEVEL1_SOURCES}
    return {p: pd.read_parquet(p) if p.exists() else None for p in sorted(paths)}
