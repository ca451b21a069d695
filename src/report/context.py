"""What every report section needs: the inputs, the config and the figures written so far."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from src.report import figures
from src.report.config import ReportConfig
from src.report.inputs import PLOT_SECTIONS
from src.report.sources import PlotSpec, Sources
from src.report.tables import fmt


@dataclass
class Context:
    root: Path
    cfg: ReportConfig
    params: dict[str, Any]
    sources: Sources
    specs: list[PlotSpec]
    frames: dict[str, pd.DataFrame]           # plot-data file -> table (present files only)
    written: list[Path] = field(default_factory=list)

    @property
    def report_path(self) -> Path:
        return self.root / self.cfg.output

    @property
    def figures_dir(self) -> Path:
        return self.root / self.cfg.figures_dir

    def specs_of(self, section: str) -> list[PlotSpec]:
        prefixes = PLOT_SECTIONS[section]
        return [s for s in self.specs if any(f.startswith(prefixes) for f in s.files)]

    def unclaimed_specs(self) -> list[PlotSpec]:
        claimed = {id(s) for name in PLOT_SECTIONS for s in self.specs_of(name)}
        return [s for s in self.specs if id(s) not in claimed]

    def figure(self, spec: PlotSpec, extras: figures.Extras | None = None,
               title_suffix: str = "") -> list[str]:
        """Markdown for one declared plot: the image, or why there is none."""
        lines = [self.sources.missing_note(f) for f in spec.files if self.table(f) is None]
        path = self.figures_dir / f"{figures.slug(spec.title)}.png"
        drawn = figures.render(spec, self.frames, path, self.cfg, extras, title_suffix)
        lines += drawn.notes
        if drawn.path is not None:
            self.written.append(drawn.path)
            rel = os.path.relpath(drawn.path, self.report_path.parent)
            lines.append(f"![{spec.title}]({Path(rel).as_posix()})")
        return [block for line in lines for block in (line, "")]

    def table(self, rel: str) -> pd.DataFrame | None:
        """A plot-data table, read once; None (and noted as missing) when absent."""
        if rel not in self.frames:
            frame = self.sources.table(rel)
            if frame is not None:
                self.frames[rel] = frame
        return self.frames.get(rel)

    def number(self, value: Any) -> str:
        return fmt(value, self.cfg.digits)
