"""`python -m src.report`: write reports/report.md and reports/figures/*.png (see build.py)."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from src.config import load_params
from src.errors import PipelineError
from src.report.build import build_report
from src.report.config import report_config
from src.utils.logging import setup_logging

log = logging.getLogger("report")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m src.report", description=__doc__)
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    parser.add_argument("--params", default="params.yaml", help="params file (default: params.yaml)")
    parser.add_argument("--root", default=".", help="repository root holding metrics/, plots/, "
                        "dvc.yaml (default: .)")
    args = parser.parse_args(argv)
    setup_logging(args.quiet)
    try:
        params = load_params(Path(args.root) / args.params)
        report = build_report(Path(args.root), report_config(params), params)
    except PipelineError as exc:
        log.error("report failed: %s", exc)
        return 1
    log.info("report wrote:\n  %s\n%s", report.path,
             "\n".join(f"  {p}" for p in report.figures))
    if report.missing:
        log.warning("report: %d input(s) missing, named in the report", len(report.missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
