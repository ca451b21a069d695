"""Report figures (issue 29 row 6): one colour per line within a plot, axis labels inside the
figure, legends outside the data, and a figure that says when its curves are flat."""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pandas as pd
import yaml

from src.report import figures
from src.report.config import report_config
from src.config import load_params
from src.report.sources import PlotSpec, Series

REPO = Path(__file__).resolve().parents[1]
CFG = report_config(load_params())
FILE = "plots/train_a/curves.csv"


def _spec(y_label: str = "series log-loss (nats per series)") -> PlotSpec:
    return PlotSpec("Model A loss", "curves", "epoch", (Series(FILE, "loss"),), "epoch", y_label)


def _curves(n: int, slope: float) -> pd.DataFrame:
    rows = [{"epoch": e, "loss": 0.5 + 0.01 * k + slope * e, "curve": f"split {2006 + k}"}
            for k in range(n) for e in range(10)]
    rows += [{"epoch": e, "loss": 0.3, "curve": "collapse threshold (x = 0.3)"} for e in (0, 9)]
    return pd.DataFrame(rows)


def _draw(frame: pd.DataFrame, tmp_path: Path, spec: PlotSpec | None = None, reason: str = ""):
    spec = spec or _spec()
    data, _ = figures._series_data(spec, {FILE: frame})
    fig = figures._linear(spec, data, CFG, figures.Extras())
    return fig, figures.flat_note(spec, data, reason)


def test_twelve_curves_get_twelve_colours_and_the_legend_sits_outside_the_axes(tmp_path):
    fig, _ = _draw(_curves(12, 0.01), tmp_path)
    ax = fig.axes[0]
    lines = [line for line in ax.get_lines() if not line.get_label().startswith("collapse")]
    colours = {matplotlib.colors.to_hex(line.get_color()) for line in lines}
    assert len(lines) == 12 and len(colours) == 12
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend, axes = ax.get_legend().get_window_extent(renderer), ax.get_window_extent(renderer)
    assert legend.x0 >= axes.x1                                  # right of the data, not on it
    figure = fig.bbox
    label = ax.yaxis.label.get_window_extent(renderer)
    assert figure.y0 <= label.y0 and label.y1 <= figure.y1      # the y label is not cut off
    assert legend.x1 <= figure.x1 + 1
    matplotlib.pyplot.close(fig)


def test_a_long_y_label_is_wrapped_to_its_axis(tmp_path):
    long = "series log-loss (nats per series; train adds the weight penalty; splits are validation)"
    fig, _ = _draw(_curves(2, 0.01), tmp_path, _spec(long))
    assert "\n" in fig.axes[0].get_ylabel()
    matplotlib.pyplot.close(fig)


def test_flat_curves_are_said_flat_with_the_measured_move_and_the_reason(tmp_path):
    fig, note = _draw(_curves(3, 0.0001), tmp_path, reason="attention follows minutes")
    assert note.startswith("Every curve is nearly flat: it moves by at most 0.0009")
    assert note.endswith("(attention follows minutes)")
    matplotlib.pyplot.close(fig)
    fig, note = _draw(_curves(3, 0.01), tmp_path)
    assert note == ""                                            # curves that learn: no note
    matplotlib.pyplot.close(fig)


def test_dvc_curve_templates_have_twenty_colours_and_attention_plots_say_why_they_are_flat():
    for name in ("curves.json", "attention_curves.json"):
        spec = json.loads((REPO / ".dvc/plots" / name).read_text())
        assert spec["encoding"]["color"]["scale"]["scheme"] == "tableau20"
    subtitle = json.loads((REPO / ".dvc/plots/attention_curves.json").read_text())["title"]["subtitle"]
    assert "flat" in " ".join(subtitle) and "'" not in " ".join(subtitle)   # a quote breaks the page
    plots = yaml.safe_load((REPO / "dvc.yaml").read_text())["plots"]
    templates = {next(iter(p)): next(iter(p.values()))["template"] for p in plots}
    assert all(t == "attention_curves" for title, t in templates.items() if "attention" in title)
