"""One colour per model across the forecast page and every DVC plot template; no legend for the
revision (one revision in `dvc plots show` is noise); reliability lines skip tiny bins."""
import json
from pathlib import Path

import pandas as pd
import pytest

from src.inference.forecast_page import reliability_svg
from src.utils.plot_style import LINE_MIN_COUNT, MODEL_COLOURS

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((REPO / ".dvc/plots").glob("*.json"))


def _encodings(node):
    if isinstance(node, dict):
        if isinstance(node.get("encoding"), dict):
            yield node["encoding"]
        for value in node.values():
            yield from _encodings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _encodings(value)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_template_colours_are_the_project_s_and_revision_has_no_legend(template):
    spec = json.loads(template.read_text())
    for enc in _encodings(spec):
        colour = enc.get("color", {})
        if colour.get("field") == "model":
            scale = colour["scale"]
            assert scale["range"] == [MODEL_COLOURS[m] for m in scale["domain"]]
        for channel in ("color", "strokeDash"):
            if enc.get(channel, {}).get("field") == "rev":
                assert enc[channel].get("legend", "shown") is None, f"{channel}: revision legend"


@pytest.mark.parametrize("name", ["reliability.json", "series_reliability.json"])
def test_reliability_lines_join_only_bins_with_enough_outcomes(name):
    line = json.loads((REPO / ".dvc/plots" / name).read_text())["layer"][0]
    assert line["mark"]["type"] == "line"
    assert f"datum.count >= {LINE_MIN_COUNT}" in line["transform"][0]["filter"]


def test_page_reliability_uses_the_same_colours_and_skips_tiny_bins_in_the_line():
    bins = pd.DataFrame({"model": ["ensemble"] * 3 + ["baseline_srs_mc"],
                         "pred_mean": [0.05, 0.3, 0.4, 0.05], "actual_rate": [0.05, 0.3, 1.0, 0.04],
                         "count": [200, 20, 1, 240]})
    svg = reliability_svg(bins)
    assert MODEL_COLOURS["ensemble"] in svg and MODEL_COLOURS["baseline_srs_mc"] in svg
    ensemble_line = next(p for p in svg.split("<polyline")[1:] if MODEL_COLOURS["ensemble"] in p)
    assert ensemble_line.count(",") == 2            # two points joined; the 1-series bin is a dot
    assert svg.count("<circle") == 4                # every non-empty bin is still drawn
