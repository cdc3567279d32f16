"""The quarterly review packet as a Document: order, content, charts, carried-over items,
and a query count that does not grow with the number of metrics."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from metrics.models import Measurement
from metrics.periods import FiscalQuarter
from plans.models import Metric, Office, Plan
from reports.documents import Chart, Document, Paragraph, Section, Table, document_text
from reports.review import build_packet, load_review
from reports.review_models import ActionItem, ReviewMeeting
from tests.factories import (
    ActionItemFactory,
    DataCallFactory,
    DecisionFactory,
    MeasurementFactory,
    MetricFactory,
    PlanElementFactory,
    ReviewMeetingFactory,
    TargetFactory,
    UserFactory,
)

APPROVED = Measurement.Status.APPROVED
Q2 = FiscalQuarter(2026, 2)  # January to March 2026; values due by 15 May 2026
TODAY = date(2026, 6, 1)

# name: (goal, office, FY2026 Q2 actual against a target of 100, explanation); None: missing.
METRICS = {
    "Detainers placed": ("1", "ERO", Decimal(120), ""),  # on track
    "Removals completed": ("1", "ERO", Decimal(95), "Flights were cancelled in March."),
    "Investigations opened": ("2", "HSI", Decimal(50), "Two field offices lost staff."),
    "Victims assisted": ("2", "HSI", None, ""),  # no data
    "Officers trained": ("2", "ERO", Decimal(130), ""),  # on track
}


def aware(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def metrics(plan: Plan, offices: dict[str, Office]) -> dict[str, Metric]:
    made = {}
    objectives = {}
    for number, title in (("1", "Protect the homeland"), ("2", "Serve the victims")):
        goal = PlanElementFactory(plan=plan, number=number, title=title, order=int(number))
        objectives[number] = PlanElementFactory(parent=goal, number=f"{number}.1")
    for order, (name, (goal, office, actual, why)) in enumerate(METRICS.items()):
        metric = MetricFactory(
            element=objectives[goal], owner_office=offices[office], name=name, order=order
        )
        TargetFactory(metric=metric, fiscal_year=2026, quarter=2, value=Decimal(100))
        if actual is not None:
            MeasurementFactory(
                metric=metric,
                fiscal_year=2026,
                quarter=2,
                value=actual,
                explanation=why,
                status=APPROVED,
            )
        made[name] = metric
    return made


def section(document: Document, heading: str) -> Section:
    return next(s for s in document.sections if s.heading == heading)


def packet(plan: Plan, quarter: FiscalQuarter = Q2, today: date = TODAY) -> Document:
    return build_packet(plan, quarter, today=today)


def items_table(document: Document) -> Table:
    return next(b for b in section(document, "Action items").blocks if isinstance(b, Table))


def test_packet_is_titled_with_the_plan_and_quarter_and_the_meeting_date(
    plan: Plan, metrics: dict[str, Metric]
) -> None:
    ReviewMeetingFactory(plan=plan, held_on=date(2026, 5, 20))

    document = packet(plan)

    assert document.title == "Quarterly performance review: ICE Strategic Plan, FY2026 Q2"
    assert document.subtitle == "Review meeting held on May 20, 2026"
    assert [s.heading for s in document.sections] == [
        "Needs attention",
        "All other metrics by goal",
        "Decisions",
        "Action items",
    ]


def test_metrics_off_track_come_first_then_at_risk_then_missing(
    plan: Plan, metrics: dict[str, Metric]
) -> None:
    attention = section(packet(plan), "Needs attention")

    assert [s.heading for s in attention.subsections] == [
        "Investigations opened",
        "Removals completed",
    ]
    missing = attention.blocks[1]
    assert missing.caption == "Metrics without an approved value in FY2026 Q2"
    assert [row[0] for row in missing.rows] == ["Victims assisted"]
    assert attention.blocks[0].text == (
        "3 of 5 metrics need attention in FY2026 Q2: 1 off track, 1 at risk, 1 no data; "
        "worst first."
    )


def test_the_other_metrics_follow_in_a_table_per_goal(
    plan: Plan, metrics: dict[str, Metric]
) -> None:
    others = section(packet(plan), "All other metrics by goal")

    assert [s.heading for s in others.subsections] == [
        "Goal 1: Protect the homeland",
        "Goal 2: Serve the victims",
    ]
    tables = [s.blocks[0] for s in others.subsections]
    assert tables[0].header == ("Metric", "Office", "Target", "Actual", "Status")
    assert tables[0].rows == (("Detainers placed", "ERO", "100", "120", "On track"),)
    assert tables[1].rows == (("Officers trained", "ERO", "100", "130", "On track"),)


def test_a_metric_needing_attention_shows_its_office_status_figures_and_explanation(
    plan: Plan, metrics: dict[str, Metric]
) -> None:
    attention = section(packet(plan), "Needs attention")

    removals = attention.subsections[1]
    texts = [b.text for b in removals.blocks if isinstance(b, Paragraph)]
    assert texts == [
        "Owner office: Removals (ERO)",
        "Status: At risk",
        "FY2026 Q2: actual 95 against a target of 100",
        "Explanation: Flights were cancelled in March.",
    ]


def test_a_missing_value_says_where_the_offices_value_stands(
    plan: Plan, metrics: dict[str, Metric]
) -> None:
    MeasurementFactory(
        metric=metrics["Victims assisted"],
        fiscal_year=2026,
        quarter=2,
        value=Decimal(80),
        status=Measurement.Status.SUBMITTED,
    )

    text = document_text(packet(plan))

    assert "FY2026 Q2: no approved value; the target is 100" in text
    assert "The office's value is submitted, not yet approved." in text


def test_the_chart_shows_eight_quarters_of_actuals_as_bars_and_targets_as_a_line(
    plan: Plan, metrics: dict[str, Metric]
) -> None:
    removals = metrics["Removals completed"]
    for year, quarter, value in [(2025, 3, 90), (2025, 4, 99), (2026, 1, 70)]:
        TargetFactory(metric=removals, fiscal_year=year, quarter=quarter, value=Decimal(90))
        MeasurementFactory(
            metric=removals, fiscal_year=year, quarter=quarter, value=value, status=APPROVED
        )

    attention = section(packet(plan), "Needs attention")

    chart = attention.subsections[1].blocks[-1]
    assert isinstance(chart, Chart)
    assert chart.title == "Removals completed: actuals against targets"
    assert chart.categories == (
        "FY2024 Q3",
        "FY2024 Q4",
        "FY2025 Q1",
        "FY2025 Q2",
        "FY2025 Q3",
        "FY2025 Q4",
        "FY2026 Q1",
        "FY2026 Q2",
    )
    actual, target = chart.series
    assert (actual.name, actual.kind) == ("Actual", "bar")
    assert actual.values == (None, None, None, None, 90.0, 99.0, 70.0, 95.0)
    assert (target.name, target.kind) == ("Target", "line")
    assert target.values == (None, None, None, None, 90.0, 90.0, 90.0, 100.0)
    assert chart.summary.startswith("The latest actual, 95 in FY2026 Q2, is below its target")
    assert chart.table.header == ("Period", "Actual", "Target", "Status")
    assert chart.table.rows[-2:] == (
        ("FY2026 Q1", "70", "90", "Off track"),
        ("FY2026 Q2", "95", "100", "At risk"),
    )


def test_decisions_of_the_meeting_are_listed_with_what_they_are_about(
    plan: Plan, metrics: dict[str, Metric]
) -> None:
    meeting = ReviewMeetingFactory(plan=plan, notes="Quorum present.")
    lead = UserFactory(username="lee", first_name="Lee", last_name="Lead")
    DecisionFactory(
        meeting=meeting,
        text="Ask HSI for a recovery plan.",
        metric=metrics["Investigations opened"],
        recorded_by=lead,
    )
    DecisionFactory(meeting=meeting, text="Keep the targets.", recorded_by=lead)
    DecisionFactory(meeting=ReviewMeetingFactory(plan=plan, quarter=1), text="Older decision")

    decisions = section(packet(plan), "Decisions")

    assert decisions.blocks[0].text == "Quorum present."
    table = decisions.blocks[1]
    assert [row[:3] for row in table.rows] == [
        ("Ask HSI for a recovery plan.", "Investigations opened", "Lee Lead"),
        ("Keep the targets.", "The whole plan", "Lee Lead"),
    ]


def test_a_quarter_without_a_meeting_says_so(plan: Plan, metrics: dict[str, Metric]) -> None:
    document = packet(plan)

    assert document.subtitle == "No review meeting has been recorded for this quarter yet."
    assert section(document, "Action items").blocks[0].text == (
        "No action items are open for this quarter."
    )


@pytest.fixture
def meetings(plan: Plan) -> dict[int, ReviewMeeting]:
    return {q: ReviewMeetingFactory(plan=plan, fiscal_year=2026, quarter=q) for q in (1, 2, 3)}


def test_open_items_carry_into_later_quarters_until_closed(
    plan: Plan, meetings: dict[int, ReviewMeeting]
) -> None:
    still_open = ActionItemFactory(meeting=meetings[1], text="Still open")
    ActionItemFactory(
        meeting=meetings[1],
        text="Closed in Q1",
        status=ActionItem.Status.CLOSED,
        closed_at=aware(2026, 3, 20, 12),  # FY2026 Q2 ends on 31 March 2026
    )
    closed_after = ActionItemFactory(
        meeting=meetings[1],
        text="Closed after Q2",
        status=ActionItem.Status.CLOSED,
        closed_at=aware(2026, 4, 10, 9),
        closing_note="Done.",
    )
    raised_now = ActionItemFactory(meeting=meetings[2], text="Raised in Q2")
    ActionItemFactory(meeting=meetings[3], text="Raised in Q3")
    ActionItemFactory(meeting=ReviewMeetingFactory(quarter=1), text="Another plan's")

    items = list(ActionItem.objects.open_at_end_of(plan, Q2))
    later = list(ActionItem.objects.open_at_end_of(plan, FiscalQuarter(2026, 3)))

    assert items == [still_open, closed_after, raised_now]
    assert [item.text for item in later] == ["Still open", "Raised in Q2", "Raised in Q3"]


def test_an_item_closed_at_its_own_quarters_meeting_stays_in_that_packet(
    plan: Plan, meetings: dict[int, ReviewMeeting]
) -> None:
    item = ActionItemFactory(
        meeting=meetings[2], status=ActionItem.Status.CLOSED, closed_at=aware(2026, 3, 1)
    )

    assert list(ActionItem.objects.open_at_end_of(plan, Q2)) == [item]
    assert list(ActionItem.objects.open_at_end_of(plan, FiscalQuarter(2026, 3))) == []


def test_items_show_owner_due_date_the_quarter_raised_in_and_whether_overdue(
    plan: Plan, offices: dict[str, Office], meetings: dict[int, ReviewMeeting]
) -> None:
    ActionItemFactory(
        meeting=meetings[1],
        text="Fix the count",
        owner_office=offices["ERO"],
        owner_name="Pat Doe",
        due_on=date(2026, 5, 1),
    )
    ActionItemFactory(meeting=meetings[2], text="Brief the board", owner_name="Sam Roe")
    ActionItemFactory(
        meeting=meetings[1],
        text="Send the memo",
        owner_office=offices["HSI"],
        owner_name="",
        due_on=date(2026, 4, 1),
        status=ActionItem.Status.CLOSED,
        closed_at=aware(2026, 4, 15, 12),
        closing_note="Sent late.",
    )

    table = items_table(packet(plan))

    assert table.header == ("Action item", "Owner", "Due", "Raised in", "Status", "Overdue")
    assert table.rows == (
        (
            "Send the memo",
            "HSI",
            "April 1, 2026",
            "FY2026 Q1",
            "Closed on April 15, 2026: Sent late.",
            "Yes",
        ),
        ("Fix the count", "ERO (Pat Doe)", "May 1, 2026", "FY2026 Q1", "Open", "Yes"),
        ("Brief the board", "Sam Roe", "June 30, 2026", "FY2026 Q2", "Open", "No"),
    )
    lead = section(packet(plan), "Action items").blocks[0].text
    assert lead == "3 action items open in FY2026 Q2, 2 carried over from earlier quarters."


def test_load_review_reads_the_meeting_its_decisions_and_the_open_items(
    plan: Plan, meetings: dict[int, ReviewMeeting]
) -> None:
    DecisionFactory(meeting=meetings[2], text="Decided")
    ActionItemFactory(meeting=meetings[1], text="Carried")

    review = load_review(plan, Q2)

    assert review.meeting == meetings[2]
    assert [d.text for d in review.decisions] == ["Decided"]
    assert [i.text for i in review.items] == ["Carried"]


def many_metrics(plan: Plan, offices: dict[str, Office], count: int) -> None:
    """`count` metrics under two goals, alternately off track, at risk, on track and
    missing, with a meeting, a decision about one and items open in Q2."""
    objectives = [
        PlanElementFactory(parent=PlanElementFactory(plan=plan, number=n), number=f"{n}.1")
        for n in ("1", "2")
    ]
    values = [Decimal(50), Decimal(95), Decimal(120), None]
    metric = None
    for n in range(count):
        metric = MetricFactory(
            element=objectives[n % 2],
            owner_office=offices["ERO" if n % 2 else "HSI"],
            name=f"Metric {n}",
        )
        TargetFactory(metric=metric, fiscal_year=2026, quarter=2, value=Decimal(100))
        if values[n % 4] is not None:
            MeasurementFactory(
                metric=metric, fiscal_year=2026, quarter=2, value=values[n % 4], status=APPROVED
            )
    DataCallFactory(
        plan=plan, fiscal_year=2026, quarter=2, opens_on=date(2026, 4, 1), due_on=date(2026, 5, 15)
    )
    meeting = ReviewMeetingFactory(plan=plan)
    DecisionFactory(meeting=meeting, metric=metric, recorded_by=UserFactory())
    ActionItemFactory(meeting=meeting, owner_office=offices["ERO"], metric=metric)
    ActionItemFactory(meeting=ReviewMeetingFactory(plan=plan, quarter=1))


@pytest.mark.parametrize("count", [1, 20])
def test_the_packet_costs_the_same_queries_for_1_and_20_metrics(
    plan: Plan, offices: dict[str, Office], count: int, django_assert_num_queries
) -> None:
    many_metrics(plan, offices, count)
    fresh = Plan.objects.select_related("owner").get(pk=plan.pk)

    with django_assert_num_queries(13):
        document = build_packet(fresh, Q2, today=TODAY)

    assert f"Metric {count - 1}" in document_text(document)


def test_range_and_milestone_metrics_state_their_own_kind_of_target(
    plan: Plan, offices: dict[str, Office]
) -> None:
    objective = PlanElementFactory(parent=PlanElementFactory(plan=plan, number="1"), number="1.1")
    ranged = MetricFactory(
        element=objective,
        owner_office=offices["ERO"],
        name="Days in custody",
        unit=Metric.Unit.DAYS,
        direction=Metric.Direction.RANGE,
    )
    TargetFactory(
        metric=ranged, fiscal_year=2026, quarter=2, value=None, min_value=20, max_value=30
    )
    MeasurementFactory(metric=ranged, fiscal_year=2026, quarter=2, value=40, status=APPROVED)
    milestone = MetricFactory(
        element=objective,
        owner_office=offices["HSI"],
        name="Open the lab",
        kind=Metric.Kind.MILESTONE,
        unit=Metric.Unit.OTHER,
    )
    TargetFactory(
        metric=milestone, fiscal_year=2026, quarter=2, value=None, due_date=date(2026, 3, 1)
    )
    MeasurementFactory(
        metric=milestone,
        fiscal_year=2026,
        quarter=2,
        value=None,
        milestone_status=Measurement.Milestone.IN_PROGRESS,
        status=APPROVED,
    )

    document = packet(plan)
    text = document_text(document)

    assert "FY2026 Q2: actual 40 days against a target of 20 days to 30 days" in text
    assert "FY2026 Q2: In progress; due by March 1, 2026" in text
    chart = section(document, "Needs attention").subsections[0].blocks[-1]
    assert [s.name for s in chart.series] == ["Actual", "Target minimum", "Target maximum"]
