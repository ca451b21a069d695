"""One rounding: a metric is stored at full precision and rounded once, when shown, by the same
function in the run summary, the report, the forecast page and the README tables."""
import importlib.util
import json
from pathlib import Path

import pandas as pd

from src.inference.forecast_page import PastCalibration, calibration_section
from src.report.tables import fmt, pooled_table
from src.utils.display import MISSING, metric_text

REPO = Path(__file__).resolve().parents[1]
STORED = 1.715450775079266      # ensemble title log-loss of a real run (metrics/eval.json)


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_metric_text_rounds_once_from_full_precision():
    assert metric_text(STORED, 3) == "1.715"
    assert metric_text(round(STORED, 4), 3) == "1.716"     # what rounding twice used to show
    assert metric_text(None, 3) == metric_text(float("nan"), 3) == MISSING
    assert metric_text(19, 3) == "19" and metric_text(True, 3) == "True"


def test_run_summary_report_page_and_readme_show_the_same_text(tmp_path, monkeypatch):
    flat = {"ensemble.log_loss": STORED}
    report_cell = pooled_table(flat, ["log_loss"], 3)[-1]
    page = calibration_section(PastCalibration(
        pd.DataFrame(columns=["model", "pred_mean", "actual_rate", "count"]), flat, "2006-2024", 3))
    summary = _script("run_summary")
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics/headline.json").write_text(json.dumps({"title_log_loss": STORED}))
    monkeypatch.setattr(summary, "REPO", tmp_path)
    readme = _script("readme_results").results_markdown(flat, {
        "seasons": {"first_test": 2006, "last_test": 2024}, "evaluation": {"interval": 0.9},
        "report": {"digits": 3}})
    assert fmt(STORED, 3) == "1.715"
    assert "| 1.715 |" in report_cell and "<td>1.715</td>" in page and "| 1.715 |" in readme
    assert summary.headline_lines(3) == ["headline (metrics/headline.json): title_log_loss 1.715"]
