"""Charts of a report document as images: SVG for HTML and PDF, PNG for Word.

Matplotlib is used through `matplotlib.figure.Figure` and an Agg canvas only, never pyplot,
so no global figure state builds up in a long-running worker. Series differ without
colour: bars by hatch pattern and grey level, lines by marker and dash style, and the
legend names each one. Missing values (None) are gaps, never zeros. Output is
deterministic (fixed SVG id salt, no dates in metadata), so files can be compared.

Drawing costs about 30 ms per chart; a report with a dozen charts spends well under a
second here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patheffects import withStroke
from matplotlib.ticker import FuncFormatter

from reports.documents import Chart, Series

WIDTH_INCHES = 6.5  # the text width of a Letter page with 1 inch margins
HEIGHT_INCHES = 3.6
INK = "#1b1b1b"  # USWDS ink: 17.2:1 on white
MUTED = "#565c65"  # base-dark: 6.7:1 on white, for axes and ticks
GRID = "#dfe1e2"
# Fills from dark to light, so neighbouring bars differ in grey level as well as hatch.
BAR_FILLS = ("#162e51", "#a9aeb1", "#005ea2", "#f0f0f0", "#565c65")
BAR_HATCHES = ("", "//", "..", "xx", "\\\\")
LINE_MARKERS = ("o", "s", "^", "D", "v")
LINE_STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)))
SVG_SALT = "stratplan-report-chart"  # fixes the ids matplotlib derives for clip paths
MAX_BAR_LABELS = 24  # beyond this, value labels on bars overlap; the table has them all


def chart_svg(chart: Chart) -> str:
    """The chart as a standalone SVG document with a <title> and <desc> (its summary), so
    the file is accessible on its own as well as behind an <img alt>."""
    figure = _draw(chart)
    buffer = BytesIO()
    with _deterministic_svg():
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _with_title(buffer.getvalue().decode("utf-8"), chart)


def chart_png(chart: Chart, dpi: int = 150) -> bytes:
    """The chart as a PNG image (Word cannot embed SVG portably)."""
    figure = _draw(chart)
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


@contextmanager
def _deterministic_svg() -> Iterator[None]:
    """Matplotlib reads the id salt from its global settings only: set it for one save."""
    with matplotlib.rc_context({"svg.hashsalt": SVG_SALT, "svg.fonttype": "path"}):
        yield


def _with_title(svg: str, chart: Chart) -> str:
    title = f"<title>{escape(chart.title)}</title><desc>{escape(chart.summary)}</desc>"
    start = svg.index("<svg")
    end = svg.index(">", start) + 1
    return svg[:end] + title + svg[end:]


def _draw(chart: Chart) -> Figure:
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    _style_axes(axes, chart)
    positions = list(range(len(chart.categories)))
    bars = [s for s in chart.series if s.kind == "bar"]
    for index, series in enumerate(bars):
        _draw_bars(axes, series, index, len(bars), positions)
    lines = [s for s in chart.series if s.kind == "line"]
    for index, series in enumerate(lines):
        _draw_line(axes, series, index, positions)
    axes.set_xticks(positions, chart.categories)
    if len(chart.series) > 1:
        _legend(figure, axes, chart)
    return figure


def _legend(figure: Figure, axes: Axes, chart: Chart) -> None:
    """Below the plot, in the chart's series order (matplotlib lists lines before bars)."""
    handles, labels = axes.get_legend_handles_labels()
    order = [series.name for series in chart.series]
    pairs = sorted(zip(handles, labels, strict=True), key=lambda pair: order.index(pair[1]))
    figure.legend(
        [handle for handle, _label in pairs],
        [label for _handle, label in pairs],
        loc="outside lower center",
        ncols=min(len(pairs), 4),
        frameon=False,
    )


def _style_axes(axes: Axes, chart: Chart) -> None:
    axes.set_title(chart.title, loc="left", color=INK, fontsize=11, fontweight="bold")
    axes.set_ylabel(chart.y_label, color=INK)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _number(value)))
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(colors=MUTED, labelcolor=INK, labelsize=9)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(MUTED)


def _draw_bars(axes: Axes, series: Series, index: int, count: int, positions: list[int]) -> None:
    width = 0.8 / count
    offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
    heights = [math.nan if v is None else v for v in series.values]
    fill = BAR_FILLS[index % len(BAR_FILLS)]
    container = axes.bar(
        offsets,
        heights,
        width=width,
        label=series.name,
        color=fill,
        edgecolor=INK,
        linewidth=0.8,
        hatch=BAR_HATCHES[index % len(BAR_HATCHES)],
    )
    if len(series.values) * count <= MAX_BAR_LABELS:
        labels = ["" if v is None else _number(v) for v in series.values]
        axes.bar_label(container, labels=labels, padding=2, fontsize=8, color=INK)


def _draw_line(axes: Axes, series: Series, index: int, positions: list[int]) -> None:
    values = [math.nan if v is None else v for v in series.values]
    axes.plot(
        positions,
        values,
        label=series.name,
        color=INK,
        linewidth=1.6,
        linestyle=LINE_STYLES[index % len(LINE_STYLES)],
        marker=LINE_MARKERS[index % len(LINE_MARKERS)],
        markersize=6,
        markerfacecolor="white" if index % 2 else INK,
        markeredgecolor=INK,
        # A white halo keeps the line visible where it crosses a dark bar.
        path_effects=[withStroke(linewidth=4, foreground="white")],
    )


def _number(value: float) -> str:
    """Tick and bar labels as the text writes numbers: 1,250 and 12.5, never 1.25e+03."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")
