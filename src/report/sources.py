"""What the report reads: dvc.yaml (plot declarations, which stage makes which file) and the
metrics / plot-data files, each either loaded or recorded as missing with its stage."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from src.errors import DataError

log = logging.getLogger(__name__)

DVC_YAML = "dvc.yaml"
_TABLE_SEPARATORS = {".csv": ",", ".tsv": "\t"}
DEFAULT_TEMPLATE = "linear"          # DVC's default when a plot names no template


@dataclass(frozen=True)
class Series:
    file: str                        # relative to the repo root, as dvc.yaml writes it
    column: str
    group: str | None = None         # long-form data: the value of its `model` / `curve` column


@dataclass(frozen=True)
class PlotSpec:
    """One entry of dvc.yaml's top-level `plots:`."""
    title: str
    template: str
    x: str
    series: tuple[Series, ...]
    x_label: str
    y_label: str

    @property
    def files(self) -> list[str]:
        return list(dict.fromkeys(s.file for s in self.series))


def read_dvc_yaml(root: Path) -> dict[str, Any]:
    path = root / DVC_YAML
    if not path.exists():
        raise DataError(f"{path}: not found (the report reads its plot declarations; run from "
                        "the repository root)")
    return yaml.safe_load(path.read_text()) or {}


def plot_specs(dvc: dict[str, Any]) -> list[PlotSpec]:
    """The `plots:` entries with an x field and per-file y columns (the form this project uses);
    any other form is logged and left out, not guessed at."""
    specs = []
    for entry in dvc.get("plots") or []:
        if not isinstance(entry, dict) or len(entry) != 1:
            log.warning("%s: plots entry %r is not `title: {x, y, ...}`; not rendered", DVC_YAML, entry)
            continue
        (title, spec), = entry.items()
        if not isinstance(spec, dict) or not isinstance(spec.get("x"), str) \
                or not isinstance(spec.get("y"), dict):
            log.warning("%s: plot %r has no string x and file->column y; not rendered", DVC_YAML, title)
            continue
        series = tuple(Series(str(f), str(c)) for f, cols in spec["y"].items()
                       for c in ([cols] if isinstance(cols, str) else cols))
        specs.append(PlotSpec(str(title), spec.get("template", DEFAULT_TEMPLATE), spec["x"], series,
                              spec.get("x_label", spec["x"]),
                              spec.get("y_label", _default_y_label(series))))
    return specs


def _default_y_label(series: tuple[Series, ...]) -> str:
    """dvc.yaml gave none: the column, or the shared last word (train_loss, val_loss -> loss)."""
    columns = list(dict.fromkeys(s.column for s in series))
    if len(columns) == 1:
        return columns[0]
    last_words = {c.rsplit("_", 1)[-1] for c in columns}
    return last_words.pop() if len(last_words) == 1 and all("_" in c for c in columns) \
        else "value (see legend)"


def producers(dvc: dict[str, Any]) -> dict[str, str]:
    """Output path (file or folder) -> the stage that writes it."""
    out: dict[str, str] = {}
    for stage, body in (dvc.get("stages") or {}).items():
        for kind in ("outs", "metrics", "plots"):
            for item in body.get(kind) or []:
                for path in (item if isinstance(item, dict) else [item]):
                    out[str(path).rstrip("/")] = stage
    return out


@dataclass
class Sources:
    """Reads inputs under `root`; a missing one is remembered with the stage that makes it."""
    root: Path
    made_by: dict[str, str]
    missing: list[str] = field(default_factory=list)

    def stage_of(self, rel: str) -> str | None:
        parts = Path(rel).parts
        for n in range(len(parts), 0, -1):
            stage = self.made_by.get(str(Path(*parts[:n])))
            if stage:
                return stage
        return None

    def missing_note(self, rel: str) -> str:
        stage = self.stage_of(rel)
        made = f"made by stage `{stage}` (run `dvc repro {stage}`)" if stage else \
            "no stage in dvc.yaml declares it"
        return f"`{rel}` is missing: {made}."

    def exists(self, rel: str) -> bool:
        if (self.root / rel).exists():
            return True
        if rel not in self.missing:
            self.missing.append(rel)
            log.info("report: %s", self.missing_note(rel))
        return False

    def json(self, rel: str) -> Any | None:
        if not self.exists(rel):
            return None
        try:
            return json.loads((self.root / rel).read_text())
        except json.JSONDecodeError as exc:
            raise DataError(f"{rel}: not valid JSON (line {exc.lineno}): {exc.msg}") from exc

    def text(self, rel: str) -> str | None:
        return (self.root / rel).read_text() if self.exists(rel) else None

    def table(self, rel: str) -> pd.DataFrame | None:
        if not self.exists(rel):
            return None
        sep = _TABLE_SEPARATORS.get(Path(rel).suffix)
        if sep is None:
            raise DataError(f"{rel}: plot data must be .csv or .tsv for the report")
        try:
            return pd.read_csv(self.root / rel, sep=sep)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise DataError(f"{rel}: unreadable plot data: {exc}") from exc
