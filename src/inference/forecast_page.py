"""reports/forecast_<season>.html: the forecast as one self-contained page (inline CSS, JS and
SVG; no font, script or image from a network), readable offline and mailable as one file.

A table of every team, sortable by any column (click a header), with the columns of
src/inference/forecast_report.team_columns and each team's top players; below it, how the
title odds of past seasons held up (the evaluate stage's pooled calibration), when the
evaluate stage's outputs are there.
"""
from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from src.inference.forecast import Forecast
from src.inference.forecast_games import games_html
from src.inference.forecast_playoffs import path_section, playoffs_section
from src.models.registry import ENSEMBLE_NAME
from src.inference.roster_page import roster_html
from src.utils.display import metric_text
from src.utils.plot_style import LINE_MIN_COUNT, MODEL_COLOURS
from src.inference.forecast_report import (PLAYERS_NOTE, method_lines, pct, status_lines, team_columns,
                                           top_players_text)

log = logging.getLogger(__name__)

CALIBRATION_MODELS = {ENSEMBLE_NAME: "ensemble (this forecast's model)", "baseline_srs_mc": "SRS Monte Carlo",
                      "baseline_uniform": "uniform 1/16"}
CALIBRATION_METRICS = {"log_loss": "title log-loss (lower is better)", "brier": "Brier (lower is better)",
                       "ece": "calibration error, ECE (lower is better)"}
LEGEND = {ENSEMBLE_NAME: "ensemble (this forecast)", "baseline_srs_mc": "SRS Monte Carlo"}
_SVG_SIZE, _SVG_PAD, _SVG_LEGEND = 360, 44, 190
NO_BREAK_HYPHEN = "\u2011"
# The page may not fetch anything: inline styles and scripts only, even if a later edit adds a URL.
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


@dataclass(frozen=True)
class PastCalibration:
    bins: pd.DataFrame           # model, pred_mean, actual_rate, count (pooled test seasons)
    metrics: dict[str, float]    # flat keys of metrics/eval.json
    seasons: str                 # e.g. "2006-2024"
    digits: int                  # decimals shown (params report.digits, src/utils/display.py)


def load_calibration(reliability_csv: Path, metrics_json: Path, report_json: Path,
                     digits: int) -> PastCalibration | None:
    """The evaluate stage's calibration, or None (logged) when it has not run."""
    missing = [str(p) for p in (reliability_csv, metrics_json, report_json) if not Path(p).exists()]
    if missing:
        log.warning("forecast page: no past-season calibration (%s missing; run `dvc repro evaluate`)",
                    ", ".join(missing))
        return None
    seasons = json.loads(Path(report_json).read_text()).get("test_seasons", [])
    span = f"{min(seasons)}-{max(seasons)}" if seasons else "test seasons"
    return PastCalibration(pd.read_csv(reliability_csv), json.loads(Path(metrics_json).read_text()), span,
                           digits)


def _inline_md(text: str) -> str:
    """The markdown of status_lines / method_lines as HTML: escape, then **bold** and `code`."""
    out = html.escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", out)


def _cell(value, text: str, prob: bool) -> str:
    sort = "" if pd.isna(value) else (f"{float(value):.6g}" if not isinstance(value, str) else value)
    style = ""
    if prob and not pd.isna(value):
        width = max(0.0, min(100.0, 100 * float(value)))
        style = f' style="background:linear-gradient(90deg,#cfe3f7 {width:.1f}%,transparent {width:.1f}%)"'
    return f'<td data-v="{html.escape(sort)}"{style}>{html.escape(text)}</td>'


def teams_table(fc: Forecast, k: int) -> str:
    cols = team_columns(fc)
    players = top_players_text(fc.table, k).drop(columns="team")
    names = fc.table["team_name"]
    # headers wrap (narrow columns) but never at a hyphen: "P(top-6)" keeps its "6"
    head = "".join(f'<th title="{html.escape(c.note)}" data-h="{html.escape(c.header)}">'
                   f'{html.escape(c.header).replace("-", NO_BREAK_HYPHEN)}</th>' for c in cols)
    head += f'<th title="{html.escape(PLAYERS_NOTE)}">top players</th>'
    rows = []
    for i in range(len(fc.table)):
        cells = []
        for c in cols:
            cell = _cell(c.value.iloc[i], str(c.text.iloc[i]), c.header.startswith("P("))
            if c.header == "team":
                cell = cell.replace("<td ", f'<td title="{html.escape(str(names.iloc[i]))}" ', 1)
            cells.append(cell)
        listed = [p for p in players.iloc[i] if p != "-"]
        cells.append(f'<td class="players" data-v="">{_players_cell(fc.table["player_1"].iloc[i], listed)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="sortable" id="teams"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _players_cell(top_name, listed: list[str]) -> str:
    """The top player's name; a click opens every listed player with his numbers (one per line),
    so the row stays one line high and the table fits a 1024 px screen."""
    if not listed:
        return ""
    lines = "<br>".join(html.escape(p) for p in listed)
    return f"<details><summary>{html.escape(str(top_name))}</summary>{lines}</details>"


def reliability_svg(bins: pd.DataFrame) -> str:
    """Predicted title probability (bin mean) against the observed title rate, one colour per model
    (src/utils/plot_style.py); the line joins bins of >= LINE_MIN_COUNT teams, every bin is a dot."""
    size, pad = _SVG_SIZE, _SVG_PAD
    span = size - 2 * pad
    xy = lambda x, y: (pad + span * x, size - pad - span * y)   # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + _SVG_LEGEND}" height="{size}" '
             'role="img" aria-label="reliability diagram">',
             f'<rect x="{pad}" y="{pad}" width="{span}" height="{span}" fill="none" stroke="#999"/>',
             '<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999" stroke-dasharray="4 3"/>'
             % (*xy(0, 0), *xy(1, 1))]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x, y = xy(tick, 0)
        parts.append(f'<text x="{x:.1f}" y="{y + 14:.1f}" font-size="10" text-anchor="middle">{tick:g}</text>')
        x, y = xy(0, tick)
        parts.append(f'<text x="{x - 6:.1f}" y="{y + 3:.1f}" font-size="10" text-anchor="end">{tick:g}</text>')
    parts.append(f'<text x="{size / 2:.0f}" y="{size - 6}" font-size="11" text-anchor="middle">'
                 'predicted title probability (bin mean)</text>')
    parts.append(f'<text x="12" y="{size / 2:.0f}" font-size="11" text-anchor="middle" '
                 f'transform="rotate(-90 12 {size / 2:.0f})">observed title rate</text>')
    for i, model in enumerate(LEGEND):
        colour = MODEL_COLOURS[model]
        rows = bins[(bins["model"] == model) & bins["count"].fillna(0).gt(0)].sort_values("pred_mean")
        joined = rows[rows["count"] >= LINE_MIN_COUNT]
        line = [xy(x, y) for x, y in zip(joined["pred_mean"], joined["actual_rate"])]
        if len(line) > 1:
            parts.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                         % (colour, " ".join(f"{x:.1f},{y:.1f}" for x, y in line)))
        for x, y, n in zip(rows["pred_mean"], rows["actual_rate"], rows["count"]):
            (cx, cy), big = xy(x, y), n >= LINE_MIN_COUNT
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{3 if big else 2}" '
                         + (f'fill="{colour}"' if big else f'fill="white" stroke="{colour}"')
                         + f'><title>{int(n)} teams</title></circle>')
        parts.append(f'<rect x="{size + 5}" y="{pad + 18 * i}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{size + 22}" y="{pad + 10 + 18 * i}" font-size="11">'
                     f'{html.escape(LEGEND[model])}</text>')
    return "".join(parts) + "</svg>"


def calibration_section(cal: PastCalibration | None) -> str:
    if cal is None:
        return ("<h2>How past title odds held up</h2><p>Not available: the evaluate stage's outputs were "
                "missing when this page was written (<code>dvc repro evaluate</code>, then the forecast "
                "again).</p>")
    head = "".join(f"<th>{html.escape(label)}</th>" for label in CALIBRATION_METRICS.values())
    rows = []
    for model, label in CALIBRATION_MODELS.items():
        values = [cal.metrics.get(f"{model}.{m}") for m in CALIBRATION_METRICS]
        if all(v is None for v in values):
            continue
        cells = "".join(f"<td>{metric_text(v, cal.digits)}</td>" for v in values)
        rows.append(f"<tr><td>{html.escape(label)}</td>{cells}</tr>")
    return (f"<h2>How past title odds held up ({html.escape(cal.seasons)}, walk-forward)</h2>"
            "<p>The same model, each season's odds made only from earlier seasons (the evaluate stage). "
            "Points on the dashed diagonal are perfectly calibrated: of the teams given about 20%, "
            f"about one in five won. Hollow dots: bins of fewer than {LINE_MIN_COUNT} teams, too few "
            "to join the line. Every metric of every model: <code>reports/report.md</code> "
            "(<code>make report</code>).</p>"
            f'<div class="cal">{reliability_svg(cal.bins)}'
            f'<table class="metrics"><thead><tr><th>model</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1rem;color:#222;max-width:72rem}
h1{font-size:1.5rem;margin-bottom:.3rem} h2{font-size:1.15rem;margin-top:1.8rem}
p,li{font-size:.9rem;line-height:1.35} code{background:#f3f3f3;padding:0 .2em}
table{border-collapse:collapse;font-size:.8rem}
th,td{padding:.2rem .3rem;border-bottom:1px solid #e3e3e3;text-align:right;white-space:nowrap}
th{background:#f6f6f6;position:sticky;top:0;cursor:pointer;user-select:none;white-space:normal;
   vertical-align:bottom;max-width:5.2rem;line-height:1.15}
th:hover{background:#e8eef5} th.asc::after{content:" \\25B2"} th.desc::after{content:" \\25BC"}
#teams td:nth-child(2),#teams td:nth-child(3),#teams th:nth-child(2),#teams th:nth-child(3),
#teams th:last-child,td.players{text-align:left}
#teams th:last-child{max-width:none}
td.players{white-space:normal;font-size:.75rem;color:#444;width:10.5rem;max-width:10.5rem}
td.players summary{cursor:pointer;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
td.players details[open] summary{margin-bottom:.15rem}
tbody tr:hover{background:#fafad2} .cal{display:flex;gap:2rem;align-items:flex-start;flex-wrap:wrap}
.metrics td:first-child,.metrics th:first-child{text-align:left} .metrics th{white-space:normal;max-width:9rem}
.bracket{display:flex;gap:1.2rem;flex-wrap:wrap} .round h3{font-size:.9rem;margin:.2rem 0}
.round ul{padding-left:1rem;margin:0} .round li{font-size:.82rem}
"""

_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var numeric = rows.every(function (r) { var v = r.cells[col].dataset.v; return v === "" || !isNaN(parseFloat(v)); });
      var desc = th.classList.contains("asc") || (!th.classList.contains("desc") && numeric && col > 0);
      table.querySelectorAll("th").forEach(function (h) { h.classList.remove("asc", "desc"); });
      th.classList.add(desc ? "desc" : "asc");
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v, c;
        if (numeric) { c = (x === "" ? -Infinity : parseFloat(x)) - (y === "" ? -Infinity : parseFloat(y)); }
        else { c = x.localeCompare(y); }
        return desc ? -c : c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
// forecast_<season>.html#sort=<header> opens the page sorted by that column
(function () {
  var m = /^#sort=(.+)$/.exec(decodeURIComponent(location.hash));
  if (!m) { return; }
  document.querySelectorAll("table.sortable th").forEach(function (th) {
    if ((th.dataset.h || th.textContent) === m[1]) { th.click(); }
  });
})();
"""


def render_page(fc: Forecast, k: int, calibration: PastCalibration | None) -> str:
    s = fc.status.season
    status = "".join(f"<p>{_inline_md(line)}</p>" for line in status_lines(fc))
    # where the real bracket (results or bracket file) differs from the product's own seeding
    status += "".join(f"<p>{html.escape(note)}</p>" for note in fc.fit.get("bracket_notes", []))
    method = "".join(f"<li>{_inline_md(line[2:])}</li>" for line in method_lines(fc))
    favourite = fc.table.sort_values("p_champion", ascending=False).iloc[0]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>NBA forecast {s}</title><style>{_STYLE}</style></head>
<body>
<h1>NBA forecast {s}</h1>
<p>Favourite: <strong>{html.escape(str(favourite['team_name']))}</strong>, {pct(favourite['p_champion'])} to win the title.</p>
{status}
{playoffs_section(fc.playoffs, fc.bracket)}{roster_html(fc.roster)}
{games_html(fc.playoffs, fc.bracket, fc.status.outcome_known)}
<h2>Every team</h2>
<p>Click a column header to sort (<code>#sort=P(playoffs)</code> in the address opens it sorted); hover a header for what it means;
click a player's name for the team's top players.</p>
{teams_table(fc, k)}
{path_section(fc.playoffs)}
<h2>How it was made</h2><ul>{method}</ul>
{calibration_section(calibration)}
<script>{_SCRIPT}</script>
</body></html>
"""
