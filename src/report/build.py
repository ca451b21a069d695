"""Assemble reports/report.md and its figures from the pipeline's metrics and plot data."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from src.errors import PipelineError
from src.report.config import ReportConfig
from src.report.context import Context
from src.report.inputs import EVAL_REPORT, METRICS_FILES
from src.report.sections import SECTIONS
from src.report.sources import Sources, plot_specs, producers, read_dvc_yaml
from src.utils.io import write_text

log = logging.getLogger(__name__)


@dataclass
class Report:
    path: Path
    figures: list[Path]
    missing: list[str]               # inputs not found, relative to the repo root


def build_report(root: Path, cfg: ReportConfig, params: dict[str, Any]) -> Report:
    """Write the report under `root`; fails only when no metrics file exists at all."""
    root = Path(root)
    present = [m for m in METRICS_FILES if (root / m).exists()]
    if not present:
        raise PipelineError(f"no metrics to report: none of {', '.join(METRICS_FILES)} exists "
                            f"under {root.resolve()} (run `dvc repro` first)")
    dvc = read_dvc_yaml(root)
    ctx = Context(root, cfg, params, Sources(root, producers(dvc)), plot_specs(dvc), {})
    ctx.figures_dir.mkdir(parents=True, exist_ok=True)
    body: list[str] = []
    for section in SECTIONS:
        body += section(ctx)
    markdown = "\n".join(_header(ctx) + body).rstrip() + "\n"
    write_text(markdown, ctx.report_path)
    _remove_stale_figures(ctx)
    return Report(ctx.report_path, list(ctx.written), list(ctx.sources.missing))


def _header(ctx: Context) -> list[str]:
    lines = ["# NBA playoff strength: report", "",
             "Built by the `report` stage of `dvc repro` (`make report`) from the metrics and "
             "plot-data files of the same run; every number is read from those files, every "
             "figure drawn from the files `dvc plots show` uses (dvc.yaml `plots:`).", ""]
    report = ctx.sources.json(EVAL_REPORT) if (ctx.root / EVAL_REPORT).exists() else None
    seasons = (report or {}).get("test_seasons") or []
    if seasons:
        lines += [f"Walk-forward test seasons {min(seasons)}-{max(seasons)} ({len(seasons)} "
                  "seasons): each season is scored by models trained on earlier seasons only.", ""]
    if ctx.sources.missing:         # sections are built first, so this list is complete
        lines += ["Inputs not found (the sections below show what they could):", ""]
        lines += [f"- {ctx.sources.missing_note(rel)}" for rel in ctx.sources.missing] + [""]
    return lines


def _remove_stale_figures(ctx: Context) -> None:
    """PNGs in the figures folder from an earlier run whose plot is gone would mislead."""
    keep = {p.resolve() for p in ctx.written}
    for png in ctx.figures_dir.glob("*.png"):
        if png.resolve() not in keep:
            log.info("report: removing stale figure %s", png)
            png.unlink()
