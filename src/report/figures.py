"""PNG figures drawn with matplotlib (Agg) from the plot-data files dvc.yaml declares, so the
report shows what `dvc plots show` shows: same files, same columns, same titles and labels."""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")                # no display: a report is built on servers and in CI
import matplotlib.pyplot as plt      # noqa: E402
import numpy as np                   # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
import pandas as pd                  # noqa: E402

from src.utils.display import metric_text
from src.errors import DataError     # noqa: E402
from src.report.config import ReportConfig  # noqa: E402
from src.report.sources import PlotSpec, Series  # noqa: E402
from src.utils.io import atomic_path  # noqa: E402
from src.utils.plot_style import MODEL_COLOURS  # noqa: E402

# Long-form plot data (src/evaluation/plot_data.py, train_plots.py): one series per value of
# the first of these columns the file has, named by it.
GROUP_COLUMNS = ("model", "curve")
# Series that are references, not models: drawn grey and dashed.
REFERENCE_STEMS = {"diagonal"}
REFERENCE_PREFIXES = ("perfect calibration", "collapse threshold", "uniform over")
REFERENCE_STYLES = ("--", ":", "-.")
# Series whose magnitudes differ more than this get one panel each (else the small one is flat).
SCALE_SPLIT_RATIO = 50.0
# Scatter of two rank columns: the y = x line is "predicted exactly".
RANK_SUFFIX = "rank"
BAR_HEADROOM = 1.15                  # room right of the longest bar for its value
COUNT_COLUMN = "count"               # reliability bins carry their size: drawn as marker area
COUNT_AREA = 6.0                     # points^2 per sqrt(count): 1 team 6, 250 teams 95
# Lines that are not models: tab20's ten dark hues, then their light twins, greys left out
# (they are the references'), so up to 18 lines in a plot each get their own colour.
LINE_COLOURS = [plt.get_cmap("tab20")(i) for i in [*range(0, 20, 2), *range(1, 20, 2)]
                if i not in (14, 15)]
# A curve that moves by less than this share of its axis looks flat: the figure says so.
FLAT_SHARE = 0.05
LABEL_CHARS_PER_INCH = 12            # axis label / title characters per inch at their font size


@dataclass
class Extras:
    """Additions a section knows about: vertical markers (x, label, colour), horizontal
    reference lines per column (y, label), and why the curves are flat when they are."""
    vlines: list[tuple[float, str, str]] = field(default_factory=list)
    hlines: dict[str, tuple[float, str]] = field(default_factory=dict)
    flat_reason: str = ""


@dataclass
class Drawn:
    path: Path | None                # None: nothing to draw
    notes: list[str]                 # series left out, and why


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")


def render(spec: PlotSpec, frames: dict[str, pd.DataFrame], path: Path, cfg: ReportConfig,
           extras: Extras | None = None, title_suffix: str = "") -> Drawn:
    """Draw `spec` from `frames` (file -> table) to `path`. Series with no data are noted."""
    extras = extras or Extras()
    data, notes = _series_data(spec, frames)
    if not any(not _is_reference(s) for s in data):
        return Drawn(None, notes + [f"No figure for '{spec.title}': none of its data is present."])
    draw = _bar_horizontal if _is_bar(spec) else _scatter if "scatter" in spec.template else _linear
    fig = draw(spec, data, cfg, extras)
    title = spec.title + title_suffix
    if draw is _linear and (flat := flat_note(spec, data, extras.flat_reason)):
        title += ". " + flat
    width = int(cfg.figure_size[0] * LABEL_CHARS_PER_INCH)
    fig.suptitle(textwrap.fill(title, width), fontsize=10)     # over the figure: never cut off
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=cfg.dpi, metadata={"Software": None})
    plt.close(fig)
    return Drawn(path, notes)


def _series_data(spec: PlotSpec, frames: dict[str, pd.DataFrame]):
    data, empty = {}, {}
    for s in spec.series:
        frame = frames.get(s.file)
        if frame is None:
            continue                 # missing file: the section already says so
        for col in (spec.x, s.column):
            if col not in frame.columns:
                raise DataError(f"{s.file}: column '{col}' declared in dvc.yaml plot "
                                f"'{spec.title}' is not in the file")
        rows = frame.dropna(subset=[spec.x, s.column])
        if rows.empty:
            empty.setdefault(s.file, []).append(s.column)
            continue
        group = next((c for c in GROUP_COLUMNS if c in rows.columns), None)
        if group is None:
            data[s] = rows
            continue
        for value, part in rows.groupby(group, sort=False):
            data[Series(s.file, s.column, str(value))] = part
    notes = [f"`{file}` has no values in column(s) {', '.join(f'`{c}`' for c in cols)}: left "
             f"out of '{spec.title}' (a model not run or not enabled)." for file, cols in empty.items()]
    if _is_bar(spec) and len({(s.file, s.column) for s in data}) > 1:
        notes.append(f"'{spec.title}': a bar chart shows one column; drawn "
                     f"`{next(iter(data)).column}`, left out the others.")
    return data, notes


def _is_bar(spec: PlotSpec) -> bool:
    return spec.template.startswith("bar") or "bars" in spec.template


def _is_reference(s: Series) -> bool:
    return Path(s.file).stem in REFERENCE_STEMS or (s.group or "").startswith(REFERENCE_PREFIXES)


def _label(s: Series, all_series: list[Series]) -> str:
    if s.group is not None:
        return s.group
    files = {x.file for x in all_series}
    columns = {x.column for x in all_series}
    if len(files) == 1:
        return s.column
    if len(columns) == 1:
        return Path(s.file).stem
    if Path(s.file).stem == s.column:       # dvclive: one file per metric, named after it
        return s.column
    return f"{Path(s.file).stem}: {s.column}"


def _panels(data: dict[Series, pd.DataFrame]) -> list[list[Series]]:
    """One panel, or one per series when their scales are too far apart to share an axis."""
    series = list(data)
    peaks = [float(np.nanmax(np.abs(data[s][s.column].to_numpy(float)))) for s in series]
    positive = [p for p in peaks if p > 0]
    if len(positive) > 1 and max(positive) / min(positive) > SCALE_SPLIT_RATIO:
        return [[s] for s in series]
    return [series]


def flat_note(spec: PlotSpec, data: dict[Series, pd.DataFrame], reason: str) -> str:
    """'Every curve is flat (...)' when every non-reference line moves by less than FLAT_SHARE
    of the axis it is drawn on, with the largest move measured; '' otherwise."""
    lines = [rows[s.column].to_numpy(float) for s, rows in data.items() if not _is_reference(s)]
    lines = [v for v in lines if len(v) > 1]          # a single point (a refit of 0 epochs) never moves
    if not lines:
        return ""
    every = np.concatenate([rows[s.column].to_numpy(float) for s, rows in data.items()])
    span = float(np.nanmax(every) - np.nanmin(every))
    moves = max(float(np.nanmax(v) - np.nanmin(v)) for v in lines)
    if span <= 0 or moves >= FLAT_SHARE * span:
        return ""
    return (f"Every curve is nearly flat: it moves by at most {moves:.2g} over its epochs"
            + (f" ({reason})" if reason else ""))


def _figure(cfg: ReportConfig, n_panels: int = 1):
    width, height = cfg.figure_size
    # constrained: axis labels and the legend outside the axes all stay inside the figure
    fig, axes = plt.subplots(n_panels, 1, figsize=(width, height * (1 + 0.6 * (n_panels - 1))),
                             sharex=True, squeeze=False, layout="constrained")
    return fig, list(axes[:, 0])


def _legend(ax) -> None:
    """The legend right of the axes, never over the data."""
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)


def _axis_label(text: str, inches: float) -> str:
    """An axis label wrapped to the length of its axis, so no end is cut off."""
    return textwrap.fill(text, max(20, int(inches * LABEL_CHARS_PER_INCH)))


def _line_colour(label: str, used: list) -> object:
    """A model's own colour (src/utils/plot_style.py); any other line the next free colour."""
    if label in MODEL_COLOURS:
        return MODEL_COLOURS[label]
    free = [c for c in LINE_COLOURS if c not in used]
    return (free or LINE_COLOURS)[0]


def _linear(spec: PlotSpec, data, cfg: ReportConfig, extras: Extras):
    panels = _panels(data)
    fig, axes = _figure(cfg, len(panels))
    for ax, group in zip(axes, panels):
        references = [s for s in group if _is_reference(s)]
        used: list = []
        for s in group:
            rows = data[s].sort_values(spec.x)
            label = _label(s, list(data)) if s.group or not _is_reference(s) else "perfect calibration"
            if _is_reference(s):
                style = dict(color="grey", linewidth=1,
                             linestyle=REFERENCE_STYLES[references.index(s) % len(REFERENCE_STYLES)])
            else:
                used.append(_line_colour(label, used))
                style = dict(marker="o", markersize=3, color=used[-1])
            sized = COUNT_COLUMN in rows.columns and not _is_reference(s)
            if sized:                # bins hold very different numbers of teams: show it
                style["marker"] = None
                label += " (larger marker = more in the bin)"
            line, = ax.plot(rows[spec.x], rows[s.column], label=label, **style)
            if sized:
                ax.scatter(rows[spec.x], rows[s.column], s=COUNT_AREA * np.sqrt(rows[COUNT_COLUMN]),
                           color=line.get_color(), alpha=0.6)
            if s.column in extras.hlines:
                y, text = extras.hlines[s.column]
                ax.axhline(y, color="tab:red", linestyle=":", linewidth=1, label=text)
        for x, text, colour in extras.vlines:
            ax.axvline(x, color=colour, linestyle="-.", linewidth=1, label=text)
        if len(panels) == 1:
            ax.set_ylabel(_axis_label(spec.y_label, cfg.figure_size[1]))
        else:
            ax.set_ylabel(_label(group[0], list(data)), fontsize=8)
        ax.grid(alpha=0.3)
        _legend(ax)
    axes[-1].set_xlabel(spec.x_label)
    if all(float(v).is_integer() for rows in data.values() for v in rows[spec.x]):
        axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))   # seasons, steps
    return fig


def _scatter(spec: PlotSpec, data, cfg: ReportConfig, extras: Extras):
    fig, (ax,) = _figure(cfg)
    for s, rows in data.items():
        # integer ranks repeat: one marker per (x, y) pair, its area showing how many
        counts = rows.groupby([spec.x, s.column]).size().reset_index(name="n")
        ax.scatter(counts[spec.x], counts[s.column], s=12 * counts["n"], alpha=0.5,
                   label=f"{_label(s, list(data))} (area = team-seasons)")
        if spec.x.endswith(RANK_SUFFIX) and s.column.endswith(RANK_SUFFIX):
            top = float(max(counts[spec.x].max(), counts[s.column].max()))
            ax.plot([1, top], [1, top], color="grey", linestyle="--", linewidth=1,
                    label="predicted = actual")
    ax.set_xlabel(spec.x_label)
    ax.set_ylabel(_axis_label(spec.y_label, cfg.figure_size[1]))
    ax.grid(alpha=0.3)
    _legend(ax)
    return fig


def _bar_horizontal(spec: PlotSpec, data, cfg: ReportConfig, extras: Extras):
    """Horizontal bars: `x` is the value, the y column names the bars (e.g. teams); long-form
    data gets one bar per group side by side, in the file's `favourite` order when it has one."""
    fig, (ax,) = _figure(cfg)
    groups = [s for s in data if (s.file, s.column) == (next(iter(data)).file, next(iter(data)).column)]
    first = data[groups[0]]
    order = first.sort_values("favourite" if "favourite" in first.columns else spec.x,
                              ascending="favourite" in first.columns)[groups[0].column].astype(str).tolist()
    height = 0.8 / len(groups)
    for k, s in enumerate(groups):
        rows = data[s].set_index(data[s][s.column].astype(str)).reindex(order)
        ys = np.arange(len(order))[::-1] + (len(groups) - 1 - 2 * k) * height / 2
        label = _label(s, groups) if s.group else None
        ax.barh(ys, rows[spec.x].fillna(0.0), height=height, label=label,
                color=MODEL_COLOURS.get(label, LINE_COLOURS[k % len(LINE_COLOURS)]))
        for y, value in zip(ys, rows[spec.x]):
            if not pd.isna(value):
                ax.annotate(metric_text(float(value), cfg.digits), (value, y), textcoords="offset points",
                            xytext=(3, -3), fontsize=7)
    ax.set_yticks(np.arange(len(order))[::-1], order)
    peak = max(float(data[s][spec.x].max()) for s in groups)
    ax.set_xlim(0, peak * BAR_HEADROOM)
    ax.set_xlabel(spec.x_label)
    ax.set_ylabel(_axis_label(spec.y_label, cfg.figure_size[1]))
    ax.grid(alpha=0.3, axis="x")
    if len(groups) > 1:
        _legend(ax)
    return fig
