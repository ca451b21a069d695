"""Stage report: reports/report.md and reports/figures/*.png from the metrics and plot-data files
of the same `dvc repro` (every number read from those files; figures drawn from the plot data
dvc.yaml declares). `make report` runs it (`dvc repro report`); `python -m src.report` builds
the same report outside DVC (e.g. of the synthetic demo)."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from src.config import load_params
from src.report.build import build_report
from src.report.config import report_config
from src.utils.cli import stage_main

log = logging.getLogger("stages.report")


def run(args: argparse.Namespace) -> list[Path]:
    params = load_params(args.params)
    report = build_report(Path("."), report_config(params), params)
    if report.missing:
        log.warning("report: %d input(s) missing, named in the report", len(report.missing))
    return [report.path, *report.figures]


if __name__ == "__main__":
    stage_main("report", run)
