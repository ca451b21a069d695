"""The forecast's files: reports/forecast_<season>.{md,csv,parquet,html} (the markdown report
of src/inference/forecast_report.py, the table, and the page of src/inference/forecast_page.py)."""
from __future__ import annotations

from pathlib import Path

from src.inference.forecast import Forecast
from src.inference.forecast_page import render_page
from src.inference.forecast_report import render_markdown
from src.utils.io import atomic_path, write_parquet, write_text


def report_paths(out_dir: str | Path, season: int) -> dict[str, Path]:
    base = Path(out_dir) / f"forecast_{season}"
    return {"md": base.with_suffix(".md"), "csv": base.with_suffix(".csv"),
            "parquet": base.with_suffix(".parquet"), "html": base.with_suffix(".html")}


def write_forecast(fc: Forecast, out_dir: str | Path, k: int, calibration=None) -> list[Path]:
    paths = report_paths(out_dir, fc.status.season)
    with atomic_path(paths["csv"]) as tmp:
        fc.table.to_csv(tmp, index=False)
    return [write_text(render_markdown(fc, k), paths["md"]), paths["csv"],
            write_parquet(fc.table, paths["parquet"]),
            write_text(render_page(fc, k, calibration), paths["html"])]
