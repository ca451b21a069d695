"""How models are drawn, everywhere: the forecast page (src/inference/forecast_page.py) and the
DVC plot templates (.dvc/plots/*.json; tests/test_plot_style.py checks them against this file).

One colour per model (matplotlib's tab10 colours). In a reliability diagram the line joins only
bins holding at least LINE_MIN_COUNT teams or series; a smaller bin is a dot sized by its count,
so one series won from a 40% bin does not pull the line to 100%."""
from __future__ import annotations

MODEL_COLOURS = {
    "ensemble": "#1f77b4",            # blue: the forecast's own model
    "model_a": "#2ca02c",
    "xgb": "#9467bd",
    "xgb_playoff": "#17becf",
    "rf": "#8c564b",
    "baseline_srs": "#d62728",        # red: the SRS baseline, as a ranking ...
    "baseline_srs_mc": "#d62728",     # ... and as Monte Carlo title odds (the same rating)
    "baseline_win_pct": "#e377c2",
    "baseline_uniform": "#7f7f7f",
    "perfect calibration": "#999999",
}

LINE_MIN_COUNT = 5     # a bin of 1-4 outcomes says little about calibration: a dot, not the line
