"""Chart builders: plain points in, a Plotly figure with its summary and data table out.

Pure: no ORM, no request. Figures are plain JSON-ready dicts in Plotly's figure schema
(tests validate them with `plotly.graph_objects.Figure`); building them as dicts costs
microseconds, where `go.Figure(...).to_plotly_json()` costs about 9 ms per figure.
Decimals become floats and every text label is written by `plans.formatting.format_value`,
so the picture, the summary and the table show the same numbers.

Readable without colour: every status has its own pattern as well as its own colour, the
legend names it, and labels carry the values. Text colours pass 4.5:1 on what they sit on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from plans.formatting import format_value
from reports.status import SEVERITY, Status, StatusCounts

INK = "#1b1b1b"  # USWDS ink: 17.2:1 on white
MUTED = "#565c65"  # base-dark: 6.7:1 on white (axis lines, range edges)
GRID = "#dfe1e2"  # base-lighter
BAND = "rgba(113, 118, 122, 0.2)"  # base at 20% over white: #e3e4e4
NO_VALUE = "—"
NO_DATA_SUMMARY = "There is no data to show yet."
FONT = '"Source Sans Pro Web", "Helvetica Neue", Helvetica, Roboto, Arial, sans-serif'


@dataclass(frozen=True)
class Look:
    """How a status is drawn. The label text passes 4.5:1 on both the fill and the pattern
    lines: white text on dark fills with ink lines, ink text on light fills with white or
    light lines. Bars also get an ink outline, so light fills stand out from the white."""

    fill: str
    pattern: str
    pattern_colour: str
    text: str


# Okabe-Ito hues darkened or lightened for the text on them, greys for the neutral states.
LOOKS = {
    Status.OFF_TRACK: Look("#a23c00", "x", INK, "#ffffff"),  # white text 6.6:1
    Status.AT_RISK: Look("#e69f00", "/", "#ffffff", INK),  # ink text 7.7:1
    Status.NO_DATA: Look("#a9aeb1", ".", "#ffffff", INK),  # ink text 7.7:1
    Status.ON_TRACK: Look("#005ea2", "", INK, "#ffffff"),  # white text 6.7:1
    Status.NOT_YET_DUE: Look("#f0f0f0", "-", "#a9aeb1", INK),  # ink text 15.1:1 / 7.7:1
}
UNASSESSED = Look("#71767a", "\\", INK, "#ffffff")  # an actual without a status: 4.6:1
UNIT_TITLES = {"percent": "Percent", "dollars": "Dollars", "count": "Count"}


@dataclass
class Chart:
    """What a page needs to show one chart: the figure for plotly.js, and for everyone the
    title, a summary in words and the same numbers as a table (first column: row headers)."""

    id: str
    title: str
    figure: dict
    summary: str
    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class PeriodPoint:
    """One period of a metric: its actual and target (or target range) in the metric's unit."""

    label: str
    actual: Decimal | None = None
    target: Decimal | None = None
    min_target: Decimal | None = None
    max_target: Decimal | None = None
    status: Status | None = None


def status_bars(chart_id: str, title: str, groups: list[tuple[str, StatusCounts]]) -> Chart:
    """One horizontal bar per group, stacked by status, worst status first."""
    names = [name for name, _ in groups]
    data = [
        _status_trace(status, names, [counts[status] for _, counts in groups])
        for status in SEVERITY
    ]
    layout = _layout(title, hovermode="y unified", barmode="stack", bargap=0.35)
    layout["xaxis"] = _axis(title="Metrics", rangemode="tozero", tickformat=",d")
    layout["yaxis"] = _axis(autorange="reversed", type="category", showgrid=False)
    if not groups:
        _mark_empty(layout)
    rows = [
        [name, *(_count(counts[s]) for s in SEVERITY), _share(counts)] for name, counts in groups
    ]
    columns = ["Group", *(s.label for s in SEVERITY), "Share on track"]
    return Chart(
        chart_id, title, {"data": data, "layout": layout}, _bars_summary(groups), columns, rows
    )


def share_trend(
    chart_id: str,
    title: str,
    points: list[tuple[str, Decimal | None]],
    *,
    label: str = "Share on track",
) -> Chart:
    """A share (0-1, as `StatusCounts.share_on_track`) over periods, drawn in percent;
    a period without a share (None) is a gap in the line."""
    labels = [period for period, _ in points]
    percents = [_percent(share) for _, share in points]
    texts = [format_value(p, "percent") for p in percents]
    trace = {
        "type": "scatter",
        "mode": "lines+markers+text",
        "name": label,
        "x": labels,
        "y": [_float(p) for p in percents],
        "text": texts,
        "textposition": "top center",
        "textfont": {"color": INK},
        "cliponaxis": False,
        "connectgaps": False,
        "line": {"color": LOOKS[Status.ON_TRACK].fill, "width": 3},
        "marker": {"size": 9, "symbol": "circle", "color": LOOKS[Status.ON_TRACK].fill},
        "hovertemplate": f"{label}: %{{text}}<extra></extra>",
    }
    layout = _layout(title, showlegend=False)
    layout["xaxis"] = _axis(type="category", showgrid=False)
    layout["yaxis"] = _axis(range=[0, 105], ticksuffix="%", tickvals=[0, 25, 50, 75, 100])
    if not points:
        _mark_empty(layout)
    rows = [[period, text or NO_VALUE] for period, text in zip(labels, texts, strict=True)]
    summary = _trend_summary(label, list(zip(labels, percents, strict=True)))
    return Chart(
        chart_id, title, {"data": [trace], "layout": layout}, summary, ["Period", label], rows
    )


def actuals_vs_targets(chart_id: str, title: str, unit: str, points: list[PeriodPoint]) -> Chart:
    """Actuals as bars patterned by status, the target as a dashed line, a target range as
    a shaded band."""
    labels = [p.label for p in points]
    data = _actual_traces(points, unit)
    if any(p.target is not None for p in points):
        data.append(_target_trace(points, unit))
    layout = _layout(title, barmode="overlay", bargap=0.3, shapes=_band(points))
    layout["xaxis"] = _axis(
        type="category", categoryorder="array", categoryarray=labels, showgrid=False
    )
    layout["yaxis"] = _axis(title=_unit_title(unit), rangemode="tozero", **_tick_format(unit))
    if not points:
        _mark_empty(layout)
    ranged = any(p.min_target is not None or p.max_target is not None for p in points)
    plain = any(p.target is not None for p in points)
    target_column = "Target range" if ranged and not plain else "Target"
    rows = [
        [
            p.label,
            _cell(p.actual, unit),
            _target_text(p, unit) or NO_VALUE,
            p.status.label if p.status else NO_VALUE,
        ]
        for p in points
    ]
    figure = {"data": data, "layout": layout}
    summary = _actuals_summary(points, unit)
    return Chart(
        chart_id, title, figure, summary, ["Period", "Actual", target_column, "Status"], rows
    )


# ---- traces ----


def _status_trace(status: Status, names: list[str], counts: list[int]) -> dict:
    look = LOOKS[status]
    return {
        "type": "bar",
        "orientation": "h",
        "name": status.label,
        "y": names,
        "x": counts,
        "marker": _marker(look),
        "text": [str(c) if c > 0 else "" for c in counts],
        "textposition": "inside",
        "insidetextanchor": "middle",
        "textangle": 0,
        "insidetextfont": {"color": look.text, "weight": "bold"},
        "cliponaxis": False,
        "hovertemplate": f"{status.label}: %{{x}}<extra></extra>",
    }


def _actual_traces(points: list[PeriodPoint], unit: str) -> list[dict]:
    """One bar trace per status (so the legend explains each pattern), worst first."""
    present = {p.status for p in points if p.actual is not None}
    traces = []
    for status in [*SEVERITY, None]:
        if status not in present:
            continue
        mine = [p for p in points if p.actual is not None and p.status == status]
        look = LOOKS[status] if status else UNASSESSED
        texts = [format_value(p.actual, unit) for p in mine]
        name = f"Actual: {status.label.lower()}" if status else "Actual"
        traces.append(
            {
                "type": "bar",
                "name": name,
                "x": [p.label for p in mine],
                "y": [_float(p.actual) for p in mine],
                "text": texts,
                "textposition": "outside",
                "textfont": {"color": INK},
                "cliponaxis": False,
                "marker": _marker(look),
                "hovertemplate": f"{name}: %{{text}}<extra></extra>",
            }
        )
    return traces


def _target_trace(points: list[PeriodPoint], unit: str) -> dict:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "Target",
        "x": [p.label for p in points],
        "y": [_float(p.target) for p in points],
        "customdata": [format_value(p.target, unit) for p in points],
        "connectgaps": False,
        "line": {"color": INK, "dash": "dash", "width": 2},
        "marker": {
            "symbol": "diamond",
            "size": 10,
            "color": INK,
            "line": {"color": "#ffffff", "width": 1},
        },
        "hovertemplate": "Target: %{customdata}<extra></extra>",
    }


def _band(points: list[PeriodPoint]) -> list[dict]:
    """Target ranges as shaded boxes, one per period, behind the bars (a filled scatter
    would be drawn over them); the first box gives the legend entry."""
    shapes: list[dict] = []
    for index, point in enumerate(points):
        if point.min_target is None or point.max_target is None:
            continue
        shapes.append(
            {
                "type": "rect",
                "layer": "below",
                "xref": "x",
                "yref": "y",
                "x0": index - 0.5,
                "x1": index + 0.5,
                "y0": _float(point.min_target),
                "y1": _float(point.max_target),
                "fillcolor": BAND,
                "line": {"color": MUTED, "width": 1, "dash": "dot"},
                "name": "Target range",
                "legendgroup": "range",
                "showlegend": not shapes,
            }
        )
    return shapes


def _marker(look: Look) -> dict:
    pattern = {
        "shape": look.pattern,
        "fgcolor": look.pattern_colour,
        "fgopacity": 1,
        "size": 10,
        "solidity": 0.25,
        "fillmode": "overlay",
    }
    return {"color": look.fill, "pattern": pattern, "line": {"color": INK, "width": 1}}


# ---- layout ----


def _layout(title: str, **extra: object) -> dict:
    """The visible title is the page's figcaption; `meta` keeps it with the figure."""
    return {
        "meta": {"title": title},
        "font": {"family": FONT, "size": 14, "color": INK},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "x unified",
        "hoverlabel": {"bgcolor": "#ffffff", "bordercolor": MUTED, "font": {"color": INK}},
        "margin": {"l": 8, "r": 16, "t": 40, "b": 8, "pad": 4},
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
            "traceorder": "normal",
            "font": {"color": INK},
        },
        **extra,
    }


def _axis(title: str = "", **extra: object) -> dict:
    axis = {
        "automargin": True,
        "color": INK,
        "gridcolor": GRID,
        "linecolor": MUTED,
        "showline": True,
        "zeroline": True,
        "zerolinecolor": MUTED,
        "fixedrange": True,
    }
    if title:
        axis["title"] = {"text": title, "font": {"color": INK}}
    return {**axis, **extra}


def _mark_empty(layout: dict) -> None:
    layout["annotations"] = [
        {
            "text": "No data",
            "showarrow": False,
            "x": 0.5,
            "y": 0.5,
            "xref": "paper",
            "yref": "paper",
            "font": {"size": 18, "color": INK},
        }
    ]
    layout["xaxis"]["visible"] = layout["yaxis"]["visible"] = False


def _unit_title(unit: str) -> str:
    return UNIT_TITLES.get(unit, unit.replace("_", " ").capitalize() or "Value")


def _tick_format(unit: str) -> dict:
    if unit == "percent":
        return {"ticksuffix": "%", "tickformat": ",~f"}
    if unit == "dollars":
        return {"tickprefix": "$", "tickformat": ",~f"}
    return {"tickformat": ",~f"}


# ---- numbers as text ----


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _cell(value: Decimal | None, unit: str) -> str:
    return NO_VALUE if value is None else format_value(value, unit)


def _count(count: int) -> str:
    return format_value(Decimal(count), "count")


def _percent(share: Decimal | None) -> Decimal | None:
    """A 0-1 share in percent points to one decimal place: 0.625 -> 62.5."""
    if share is None:
        return None
    return (Decimal(share) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _share(counts: StatusCounts) -> str:
    return format_value(_percent(counts.share_on_track), "percent") or NO_VALUE


def _target_text(point: PeriodPoint, unit: str) -> str:
    if point.target is not None:
        return format_value(point.target, unit)
    low, high = format_value(point.min_target, unit), format_value(point.max_target, unit)
    if low and high:
        return f"{low} to {high}"
    return f"at least {low}" if low else f"at most {high}" if high else ""


# ---- summaries ----


def _bars_summary(groups: list[tuple[str, StatusCounts]]) -> str:
    """Per group, on track of all and the other statuses; then the group with the most
    off track (or at risk, or without data)."""
    if not groups:
        return NO_DATA_SUMMARY
    order = [Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA, Status.NOT_YET_DUE]
    parts = []
    for name, counts in groups:
        if not counts.total:
            parts.append(f"{name}: no metrics")
            continue
        others = [f"{_count(counts[s])} {s.label.lower()}" for s in order if counts[s]]
        on_track = f"{_count(counts[Status.ON_TRACK])} of {_count(counts.total)} on track"
        parts.append(f"{name}: " + ", ".join([on_track, *others]))
    bad = SEVERITY[:3]  # off track, at risk, no data
    name, counts = max(groups, key=lambda group: [group[1][s] for s in bad])
    worst = next((s for s in bad if counts[s]), None)
    if len(groups) > 1 and worst:
        parts.append(f"worst: {name} with {_count(counts[worst])} {worst.label.lower()}")
    elif len(groups) > 1:
        parts.append("none off track, at risk or without data")
    return "; ".join(parts) + "."


def _trend_summary(label: str, points: list[tuple[str, Decimal | None]]) -> str:
    """First and last, lowest and highest, and how many periods have no value."""
    known = [(period, value) for period, value in points if value is not None]
    if not known:
        return NO_DATA_SUMMARY
    (first, a), (last, b) = known[0], known[-1]
    sentences = [f"{label} was {_pct(a)} in {first}"]
    if len(known) > 1:
        low = min(known, key=lambda point: point[1])
        high = max(known, key=lambda point: point[1])
        change = _compare(b, a, "rose", "fell", f"stayed at {_pct(a)}")
        ends = (
            f"from {first} to {last}"
            if a == b
            else f"from {_pct(a)} in {first} to {_pct(b)} in {last}"
        )
        sentences = [
            f"{label} {change} {ends}",
            f"Lowest {_pct(low[1])} in {low[0]}, highest {_pct(high[1])} in {high[0]}",
        ]
    missing = len(points) - len(known)
    if missing:
        sentences[-1] += f"; no data for {missing} period{'' if missing == 1 else 's'}"
    return ". ".join(sentences) + "."


def _actuals_summary(points: list[PeriodPoint], unit: str) -> str:
    """The latest actual against its target, then the change since the first actual."""
    reported = [p for p in points if p.actual is not None]
    if not reported:
        return "No actual values have been reported yet." if points else NO_DATA_SUMMARY
    first, latest = reported[0], reported[-1]
    value = format_value(latest.actual, unit)
    text = f"The latest actual, {value} in {latest.label}, {_against_target(latest, unit)}"
    text += f" ({latest.status.label.lower()})." if latest.status else "."
    if len(reported) > 1:
        verb = _compare(latest.actual, first.actual, "rose", "fell", "were unchanged")
        text += f" Actuals {verb} from {format_value(first.actual, unit)} in {first.label}."
    return text


def _against_target(point: PeriodPoint, unit: str) -> str:
    actual, low, high = point.actual, point.min_target, point.max_target
    if point.target is not None:
        side = _compare(actual, point.target, "above", "below", "equal to")
        return f"is {side} its target of {format_value(point.target, unit)}"
    if low is None and high is None:
        return "has no target"
    side = "below" if low is not None and actual < low else "within"
    side = "above" if high is not None and actual > high else side
    return f"is {side} its target range of {_target_text(point, unit)}"


def _compare(value: Decimal, other: Decimal, more: str, less: str, same: str) -> str:
    return more if value > other else less if value < other else same


def _pct(value: Decimal) -> str:
    return format_value(value, "percent")
