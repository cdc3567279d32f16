"""Chart builders (reports/charts.py) and the chart partial. Pure: no database."""

from __future__ import annotations

import json
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.template.loader import render_to_string

from reports.charts import (
    LOOKS,
    NO_DATA_SUMMARY,
    Chart,
    PeriodPoint,
    actuals_vs_targets,
    share_trend,
    status_bars,
)
from reports.status import SEVERITY, Status, StatusCounts

D = Decimal


def counts(**by_status: int) -> StatusCounts:
    return StatusCounts.of(s for s in Status for _ in range(by_status.get(s.name.lower(), 0)))


def figure_round_trips(chart: Chart) -> dict:
    """The figure is plain JSON, and valid for Plotly (unknown properties raise)."""
    go.Figure(chart.figure)
    return json.loads(json.dumps(chart.figure))


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


GOALS = [
    ("Goal 1", counts(on_track=3, at_risk=2, off_track=1, not_yet_due=4)),
    ("Goal 2", counts(on_track=5)),
    ("Goal 3", counts(on_track=1, off_track=4, no_data=1)),
]


# ---- status_bars ----


def test_status_bars_figure_is_json_ready_and_valid_plotly() -> None:
    figure = figure_round_trips(status_bars("goals", "Status by goal", GOALS))

    assert figure["layout"]["barmode"] == "stack"
    assert figure["layout"]["meta"] == {"title": "Status by goal"}
    assert figure["layout"]["paper_bgcolor"] == figure["layout"]["plot_bgcolor"] == "#ffffff"


def test_status_bars_stack_one_trace_per_status_in_severity_order() -> None:
    data = status_bars("goals", "Status by goal", GOALS).figure["data"]

    assert [trace["name"] for trace in data] == [s.label for s in SEVERITY]
    assert all(trace["orientation"] == "h" for trace in data)
    assert data[0]["y"] == ["Goal 1", "Goal 2", "Goal 3"]
    assert data[0]["x"] == [1, 0, 4]  # off track


def test_status_bars_differ_by_colour_and_by_pattern() -> None:
    markers = [trace["marker"] for trace in status_bars("g", "G", GOALS).figure["data"]]

    assert len({m["color"] for m in markers}) == len(SEVERITY)
    assert len({m["pattern"]["shape"] for m in markers}) == len(SEVERITY)


def test_status_labels_pass_contrast_on_their_fill_and_pattern() -> None:
    for look in LOOKS.values():
        assert contrast(look.text, look.fill) >= 4.5
        assert contrast(look.text, look.pattern_colour) >= 4.5


def test_status_bars_label_segments_with_their_count_when_not_empty() -> None:
    data = status_bars("g", "G", GOALS).figure["data"]
    on_track = data[SEVERITY.index(Status.ON_TRACK)]

    assert data[0]["text"] == ["1", "", "4"]
    assert on_track["text"] == ["3", "5", "1"]
    assert on_track["textposition"] == "inside"


def test_status_bars_table_shows_the_counts_and_share_on_track() -> None:
    chart = status_bars("g", "G", GOALS)

    assert chart.columns == [
        "Group",
        "Off track",
        "At risk",
        "No data",
        "On track",
        "Not yet due",
        "Share on track",
    ]
    assert chart.rows == [
        ["Goal 1", "1", "2", "0", "3", "4", "50%"],
        ["Goal 2", "0", "0", "0", "5", "0", "100%"],
        ["Goal 3", "4", "0", "1", "1", "0", "16.7%"],
    ]


def test_status_bars_summary_gives_each_group_and_the_worst() -> None:
    assert status_bars("g", "G", GOALS).summary == (
        "Goal 1: 3 of 10 on track, 2 at risk, 1 off track, 4 not yet due; "
        "Goal 2: 5 of 5 on track; "
        "Goal 3: 1 of 6 on track, 4 off track, 1 no data; "
        "worst: Goal 3 with 4 off track."
    )


def test_status_bars_summary_says_when_nothing_needs_attention() -> None:
    chart = status_bars("o", "O", [("ERO", counts(on_track=2)), ("HSI", counts())])

    assert chart.summary == (
        "ERO: 2 of 2 on track; HSI: no metrics; none off track, at risk or without data."
    )
    assert chart.rows[1][-1] == "—"


def test_status_bars_without_groups_say_there_is_no_data() -> None:
    chart = status_bars("g", "G", [])

    figure_round_trips(chart)
    assert chart.summary == NO_DATA_SUMMARY
    assert chart.rows == []
    assert chart.figure["layout"]["annotations"][0]["text"] == "No data"


# ---- share_trend ----

TREND = [
    ("FY2024 Q1", D("0.62")),
    ("FY2024 Q2", None),
    ("FY2024 Q3", D("0.5500")),
    ("FY2024 Q4", D("0.75")),
    ("FY2025 Q1", D("0.7")),
]


def test_share_trend_draws_percent_floats_with_labels_and_gaps() -> None:
    chart = share_trend("trend", "Share on track", TREND)
    (trace,) = figure_round_trips(chart)["data"]

    assert trace["x"] == [label for label, _ in TREND]
    assert trace["y"] == [62.0, None, 55.0, 75.0, 70.0]
    assert trace["text"] == ["62%", "", "55%", "75%", "70%"]
    assert trace["connectgaps"] is False
    assert chart.figure["layout"]["yaxis"]["ticksuffix"] == "%"
    assert chart.figure["layout"]["yaxis"]["range"][0] == 0


def test_share_trend_table_has_a_dash_for_a_missing_period() -> None:
    chart = share_trend("trend", "Share on track", TREND)

    assert chart.columns == ["Period", "Share on track"]
    assert chart.rows == [
        ["FY2024 Q1", "62%"],
        ["FY2024 Q2", "—"],
        ["FY2024 Q3", "55%"],
        ["FY2024 Q4", "75%"],
        ["FY2025 Q1", "70%"],
    ]


def test_share_trend_summary_states_first_last_lowest_and_highest() -> None:
    assert share_trend("t", "T", TREND).summary == (
        "Share on track rose from 62% in FY2024 Q1 to 70% in FY2025 Q1. "
        "Lowest 55% in FY2024 Q3, highest 75% in FY2024 Q4; no data for 1 period."
    )


@pytest.mark.parametrize(
    ("points", "summary"),
    [
        ([("Q1", D("0.625"))], "Share on track was 62.5% in Q1."),
        (
            [("Q1", D("0.5")), ("Q2", D("0.4"))],
            "Share on track fell from 50% in Q1 to 40% in Q2. Lowest 40% in Q2, highest 50% in Q1.",
        ),
        (
            [("Q1", D("0.5")), ("Q2", D("0.5"))],
            "Share on track stayed at 50% from Q1 to Q2. Lowest 50% in Q1, highest 50% in Q1.",
        ),
        ([("Q1", None), ("Q2", None)], NO_DATA_SUMMARY),
        ([], NO_DATA_SUMMARY),
    ],
)
def test_share_trend_summaries(points: list, summary: str) -> None:
    chart = share_trend("t", "T", points)

    figure_round_trips(chart)
    assert chart.summary == summary


def test_share_trend_can_name_another_share() -> None:
    chart = share_trend("c", "C", [("Q1", D(1))], label="Share submitted on time")

    assert chart.columns == ["Period", "Share submitted on time"]
    assert chart.summary == "Share submitted on time was 100% in Q1."


# ---- actuals_vs_targets ----

POINTS = [
    PeriodPoint("FY2024 Q1", D("80.00"), D("90"), status=Status.AT_RISK),
    PeriodPoint("FY2024 Q2", None, D("90"), status=Status.NO_DATA),
    PeriodPoint("FY2024 Q3", D("96.5"), D("90"), status=Status.ON_TRACK),
]


def test_actuals_are_bars_per_status_with_float_values_and_labels() -> None:
    chart = actuals_vs_targets("a", "Actuals against targets", "percent", POINTS)
    bars = [t for t in figure_round_trips(chart)["data"] if t["type"] == "bar"]

    assert [b["name"] for b in bars] == ["Actual: at risk", "Actual: on track"]
    assert [(b["x"], b["y"], b["text"]) for b in bars] == [
        (["FY2024 Q1"], [80.0], ["80%"]),
        (["FY2024 Q3"], [96.5], ["96.5%"]),
    ]
    assert bars[0]["marker"]["pattern"]["shape"] != bars[1]["marker"]["pattern"]["shape"]
    assert bars[0]["marker"]["color"] != bars[1]["marker"]["color"]


def test_target_is_a_dashed_line_with_markers_and_a_gap_for_none() -> None:
    points = [*POINTS, PeriodPoint("FY2024 Q4", D(99))]
    data = actuals_vs_targets("a", "A", "percent", points).figure["data"]
    (target,) = [t for t in data if t["name"] == "Target"]

    assert target["y"] == [90.0, 90.0, 90.0, None]
    assert target["line"]["dash"] == "dash"
    assert target["marker"]["symbol"] == "diamond"
    assert target["connectgaps"] is False


def test_actuals_axis_is_titled_by_the_unit_and_ordered_by_period() -> None:
    layout = actuals_vs_targets("a", "A", "dollars", POINTS).figure["layout"]

    assert layout["yaxis"]["title"]["text"] == "Dollars"
    assert layout["yaxis"]["tickprefix"] == "$"
    assert layout["xaxis"]["categoryarray"] == ["FY2024 Q1", "FY2024 Q2", "FY2024 Q3"]


def test_actuals_table_shows_formatted_values_and_dashes() -> None:
    chart = actuals_vs_targets("a", "A", "percent", POINTS)

    assert chart.columns == ["Period", "Actual", "Target", "Status"]
    assert chart.rows == [
        ["FY2024 Q1", "80%", "90%", "At risk"],
        ["FY2024 Q2", "—", "90%", "No data"],
        ["FY2024 Q3", "96.5%", "90%", "On track"],
    ]


def test_actuals_summary_compares_the_latest_with_its_target_and_the_first() -> None:
    assert actuals_vs_targets("a", "A", "percent", POINTS).summary == (
        "The latest actual, 96.5% in FY2024 Q3, is above its target of 90% (on track). "
        "Actuals rose from 80% in FY2024 Q1."
    )


RANGE = [
    PeriodPoint("FY2024", D(5), None, D(3), D(7), Status.ON_TRACK),
    PeriodPoint("FY2025", D(2), None, D(3), D(7), Status.OFF_TRACK),
]


def test_a_target_range_is_a_shaded_band_behind_the_bars_with_one_legend_entry() -> None:
    figure = figure_round_trips(actuals_vs_targets("r", "R", "days", RANGE))
    shapes = figure["layout"]["shapes"]

    assert [(s["x0"], s["x1"], s["y0"], s["y1"]) for s in shapes] == [
        (-0.5, 0.5, 3.0, 7.0),
        (0.5, 1.5, 3.0, 7.0),
    ]
    assert {(s["type"], s["layer"], s["name"]) for s in shapes} == {
        ("rect", "below", "Target range")
    }
    assert [s["showlegend"] for s in shapes] == [True, False]
    assert [t["name"] for t in figure["data"]] == ["Actual: off track", "Actual: on track"]


def test_a_plain_target_draws_no_band() -> None:
    assert actuals_vs_targets("a", "A", "percent", POINTS).figure["layout"]["shapes"] == []


def test_a_target_range_appears_in_the_table_and_summary() -> None:
    chart = actuals_vs_targets("r", "R", "days", RANGE)

    assert chart.columns == ["Period", "Actual", "Target range", "Status"]
    assert chart.rows == [
        ["FY2024", "5 days", "3 days to 7 days", "On track"],
        ["FY2025", "2 days", "3 days to 7 days", "Off track"],
    ]
    assert chart.summary == (
        "The latest actual, 2 days in FY2025, is below its target range of 3 days to 7 days "
        "(off track). Actuals fell from 5 days in FY2024."
    )


def test_actuals_without_status_or_target_are_plain_bars() -> None:
    chart = actuals_vs_targets("a", "A", "count", [PeriodPoint("FY2024", D(1500))])

    assert [t["name"] for t in figure_round_trips(chart)["data"]] == ["Actual"]
    assert chart.rows == [["FY2024", "1,500", "—", "—"]]
    assert chart.summary == "The latest actual, 1,500 in FY2024, has no target."


def test_targets_without_actuals_say_nothing_is_reported() -> None:
    chart = actuals_vs_targets("a", "A", "count", [PeriodPoint("FY2024", target=D(10))])

    assert chart.summary == "No actual values have been reported yet."


def test_actuals_without_points_say_there_is_no_data() -> None:
    chart = actuals_vs_targets("a", "A", "count", [])

    assert figure_round_trips(chart)["data"] == []
    assert chart.summary == NO_DATA_SUMMARY
    assert chart.rows == []


# ---- the partial ----


def test_chart_partial_embeds_the_figure_as_json_and_the_table() -> None:
    chart = status_bars("by-goal", "Status by goal", GOALS)

    html = render_to_string("reports/_chart.html", {"chart": chart})

    assert 'data-chart-source="chart-by-goal-data"' in html
    assert '<script id="chart-by-goal-data" type="application/json">' in html
    assert '<div class="app-chart__plot" aria-hidden="true"></div>' in html
    assert '<caption id="chart-by-goal-caption">Data for: Status by goal</caption>' in html
    assert '<th scope="row">Goal 3</th><td>4</td>' in html
    assert chart.summary in html
    assert "<script>" not in html
    assert "style=" not in html


def test_chart_partial_without_rows_shows_only_the_title_and_summary() -> None:
    html = render_to_string("reports/_chart.html", {"chart": status_bars("none", "Nothing", [])})

    assert NO_DATA_SUMMARY in html
    assert "<table" not in html
    assert "app-chart__plot" not in html
    assert "application/json" not in html
