"""The quarterly review packet: a plan's quarter as a printable Document.

`build_packet` takes the statuses from the plan dashboard (reports/dashboard.py), so the
packet and the dashboard never disagree, and adds what the review meeting needs: the metrics
off track, at risk or without data first, each with its owner office, its actual against
its target, the office's explanation and a chart of the last eight quarters; then every
other metric in a table per goal; then the meeting's decisions and the action items open
in that quarter. Renderers (reports/rendering/) turn the Document into HTML, PDF or Word.

Queries: the dashboard's (about nine, whatever the number of metrics), one for the
explanations of the metrics that need attention, and `load_review`'s three.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from metrics.models import Measurement
from metrics.periods import FiscalQuarter, FiscalYear
from metrics.values import percentage
from plans.formatting import format_value
from plans.models import Metric, Plan
from reports import charts
from reports.assessment import rule_of, status_in
from reports.dashboard import (
    ATTENTION,
    TREND_QUARTERS,
    Dashboard,
    Filters,
    MetricLine,
    build_dashboard,
)
from reports.documents import (
    Chart,
    Document,
    Paragraph,
    Run,
    Section,
    Series,
    Table,
    paragraph,
)
from reports.review_models import ActionItem, Decision, ReviewMeeting
from reports.status import ActualValue, QuarterInput, Status, TargetValue, year_to_date

NO_VALUE = "—"
NO_EXPLANATION = "The office gave no explanation."
NO_DECISIONS = "No decisions have been recorded for this quarter."
NO_ITEMS = "No action items are open for this quarter."
NO_MEETING = "No review meeting has been recorded for this quarter yet."
MILESTONES = dict(Measurement.Milestone.choices)
ATTENTION_HEADER = ("Metric", "Office", "Target", "Actual", "Status")
ITEM_HEADER = ("Action item", "Owner", "Due", "Raised in", "Status", "Overdue")
DECISION_HEADER = ("Decision", "About", "Recorded by", "Recorded on")


@dataclass
class ReviewRecord:
    """What the meeting of a quarter recorded, and the action items open in that quarter."""

    quarter: FiscalQuarter
    meeting: ReviewMeeting | None
    decisions: list[Decision]
    items: list[ActionItem]


@dataclass(frozen=True)
class Judged:
    """The actual and target a status was decided on, as text, and for which period."""

    period: str
    actual: str
    target: str
    milestone: bool = False

    @property
    def sentence(self) -> str:
        """ "actual 50 against a target of 100", "In progress; due by May 1, 2026", or
        what is missing."""
        if self.milestone:
            state = "no approved status" if self.actual == NO_VALUE else self.actual
            return state + (f"; due by {self.target}" if self.target != NO_VALUE else "")
        actual = "no approved value" if self.actual == NO_VALUE else f"actual {self.actual}"
        if self.target == NO_VALUE:
            return f"{actual}; no target is set"
        if self.actual == NO_VALUE:
            return f"{actual}; the target is {self.target}"
        return f"{actual} against a target of {self.target}"


def load_review(plan: Plan, quarter: FiscalQuarter) -> ReviewRecord:
    """The quarter's meeting, its decisions and the action items carried into it: three
    queries (two when there is no meeting)."""
    meeting = ReviewMeeting.objects.filter(
        plan=plan, fiscal_year=quarter.fiscal_year, quarter=quarter.quarter
    ).first()
    decisions = []
    if meeting is not None:
        decisions = list(
            meeting.decisions.select_related("metric", "element", "recorded_by").order_by(
                "recorded_at", "pk"
            )
        )
    items = list(ActionItem.objects.open_at_end_of(plan, quarter))
    return ReviewRecord(quarter, meeting, decisions, items)


def build_packet(
    plan: Plan, quarter: FiscalQuarter, *, today: date, review: ReviewRecord | None = None
) -> Document:
    """The packet for the plan's quarter; pass `review` when the caller loaded it already."""
    board = build_dashboard(plan, Filters(quarter=quarter), today=today)
    review = review or load_review(plan, quarter)
    explanations = _explanations(board.attention, quarter)
    sections = (
        _attention_section(board, explanations, today=today),
        _others_section(board),
        _decisions_section(review),
        _items_section(review, today=today),
    )
    held = review.meeting.held_on if review.meeting else None
    return Document(
        title=f"Quarterly performance review: {plan.title}, {quarter.label}",
        subtitle=f"Review meeting held on {long_date(held)}" if held else NO_MEETING,
        author=plan.owner.name,
        subject=f"Quarterly performance review, {quarter.label}",
        date_label=f"Prepared on {long_date(today)}",
        sections=sections,
    )


def long_date(day: date) -> str:
    """ "May 5, 2026" on every platform (strftime's %-d is not portable)."""
    return f"{day:%B} {day.day}, {day.year}"


# ---- needs attention ----


def _attention_section(board: Dashboard, explanations: dict[int, str], *, today: date) -> Section:
    attention = board.attention
    counts = board.totals
    if attention:
        parts = [
            f"{counts[s]} {s.label.lower()}"
            for s in (Status.OFF_TRACK, Status.AT_RISK, Status.NO_DATA)
            if counts[s]
        ]
        lead = (
            f"{len(attention)} of {counts.total} metrics need attention in "
            f"{board.filters.quarter.label}: {', '.join(parts)}; worst first."
        )
    else:
        lead = f"No metric is off track, at risk or without data in {board.filters.quarter.label}."
    # Off track and at risk get a subsection each, with their chart; metrics without data
    # have nothing to chart and share one table (a plan with a hundred missing values
    # would otherwise print a hundred empty charts).
    charted = [line for line in attention if line.status != Status.NO_DATA]
    missing = [line for line in attention if line.status == Status.NO_DATA]
    subsections = tuple(
        _attention_metric(line, explanations.get(line.metric.pk, ""), board, today=today)
        for line in charted
    )
    blocks: tuple[Paragraph | Table, ...] = (paragraph(lead, "lead"),)
    if missing:
        blocks += (_missing_table(missing, explanations, board.filters.quarter),)
    return Section("Needs attention", "needs-attention", blocks, subsections)


MISSING_HEADER = ("Metric", "Owner office", "Figures", "What the office said")


def _missing_table(
    lines: list[MetricLine], explanations: dict[int, str], quarter: FiscalQuarter
) -> Table:
    rows = []
    for line in lines:
        judged = judge(line)
        rows.append(
            (
                line.metric.name,
                str(line.metric.owner_office),
                f"{judged.period}: {judged.sentence}",
                explanations.get(line.metric.pk, "") or NO_EXPLANATION,
            )
        )
    return Table(
        f"Metrics without an approved value in {quarter.label}", MISSING_HEADER, tuple(rows)
    )


def _attention_metric(
    line: MetricLine, explanation: str, board: Dashboard, *, today: date
) -> Section:
    metric = line.metric
    judged = judge(line)
    blocks = (
        _labelled("Owner office", str(metric.owner_office)),
        _labelled("Status", line.status.label),
        _labelled(judged.period, judged.sentence),
        _labelled("Explanation", explanation or NO_EXPLANATION),
        _metric_chart(line, board, today=today),
    )
    return Section(metric.name, f"metric-{metric.pk}", blocks, in_contents=False)


def _labelled(label: str, text: str) -> Paragraph:
    return Paragraph((Run(f"{label}: ", bold=True), Run(text)))


def _explanations(lines: list[MetricLine], quarter: FiscalQuarter) -> dict[int, str]:
    """Per metric, what its office said about the quarter (annual metrics: the fiscal
    year): the approved value's explanation, why it is not available, or where an
    unapproved value stands. One query, none when nothing needs attention."""
    if not lines:
        return {}
    rows = Measurement.objects.filter(
        metric_id__in=[line.metric.pk for line in lines], fiscal_year=quarter.fiscal_year
    ).values_list("metric_id", "quarter", "status", "explanation", "not_available_reason")
    wanted = {line.metric.pk: line.period_key[1] for line in lines}
    said: dict[int, str] = {}
    for metric_id, row_quarter, status, explanation, not_available in rows.order_by():
        if wanted.get(metric_id, -1) != row_quarter:
            continue
        parts = [explanation.strip()]
        if not_available:
            parts.append(f"Not available: {not_available.strip()}")
        if status != Measurement.Status.APPROVED:
            parts.append(
                f"The office's value is {Measurement.Status(status).label.lower()}, "
                "not yet approved."
            )
        said[metric_id] = " ".join(part for part in parts if part)
    return said


# ---- what a status was decided on ----


def judge(line: MetricLine) -> Judged:
    """The actual and target behind the line's status: the quarter's, the fiscal year's
    for annual metrics, year to date for cumulative ones (as reports/assessment.py)."""
    metric, quarter = line.metric, line.quarter
    if metric.frequency == Metric.Frequency.ANNUAL:
        period = FiscalYear(quarter.fiscal_year).label
        actual, target = line.actual, line.target
    elif metric.aggregation == Metric.Aggregation.CUMULATIVE:
        period = f"Year to date through {quarter.label}"
        actual, target = _year_to_date(line)
    else:
        period = quarter.label
        actual, target = line.actual, line.target
    milestone = metric.kind == Metric.Kind.MILESTONE
    return Judged(period, actual_text(metric, actual), target_text(metric, target), milestone)


def _year_to_date(line: MetricLine) -> tuple[ActualValue | None, TargetValue | None]:
    year = line.quarter.fiscal_year
    actuals = line.values.actuals[line.metric.pk]
    targets = line.values.targets[line.metric.pk]
    quarters = [
        QuarterInput(n, actuals.get((year, n)), targets.get((year, n)))
        for n in range(1, line.quarter.quarter + 1)
    ]
    return year_to_date(rule_of(line.metric), quarters, line.quarter.quarter)


def actual_number(metric: Metric, actual: ActualValue | None) -> Decimal | None:
    """The reported number (a percentage's from its fraction when no value was given)."""
    if actual is None or actual.not_available:
        return None
    if actual.value is None and metric.kind == Metric.Kind.PERCENTAGE and actual.denominator:
        return percentage(actual.numerator or Decimal(0), actual.denominator)
    return actual.value


def actual_text(metric: Metric, actual: ActualValue | None) -> str:
    if actual is not None and actual.not_available:
        return "not available"
    if metric.kind == Metric.Kind.MILESTONE:
        if actual is None or not actual.milestone_status:
            return NO_VALUE
        text = MILESTONES.get(actual.milestone_status, actual.milestone_status)
        done = actual.milestone_date
        return f"{text} ({long_date(done)})" if done else text
    return format_value(actual_number(metric, actual), metric.unit) or NO_VALUE


def target_text(metric: Metric, target: TargetValue | None) -> str:
    if target is None:
        return NO_VALUE
    if metric.kind == Metric.Kind.MILESTONE:
        return long_date(target.due_date) if target.due_date else NO_VALUE
    if target.value is not None:
        return format_value(target.value, metric.unit)
    low = format_value(target.min_value, metric.unit)
    high = format_value(target.max_value, metric.unit)
    if low and high:
        return f"{low} to {high}"
    return f"at least {low}" if low else f"at most {high}" if high else NO_VALUE


# ---- the chart of a metric ----


def _metric_chart(line: MetricLine, board: Dashboard, *, today: date) -> Chart:
    """Actuals as bars and the target as a line over the last eight quarters (annual
    metrics: the fiscal years those quarters fall in), with the web chart's summary and
    data table, so that the page and the packet state the same numbers."""
    metric = line.metric
    points = _points(line, board, today=today)
    title = f"{metric.name}: actuals against targets"
    web = charts.actuals_vs_targets(f"metric-{metric.pk}", title, metric.unit, points)
    series = [Series("Actual", tuple(_float(p.actual) for p in points), "bar")]
    for name, attribute in (
        ("Target", "target"),
        ("Target minimum", "min_target"),
        ("Target maximum", "max_target"),
    ):
        values = tuple(_float(getattr(p, attribute)) for p in points)
        if any(v is not None for v in values):
            series.append(Series(name, values, "line"))
    table = Table(
        caption=f"Data for: {title}",
        header=tuple(web.columns),
        rows=tuple(tuple(row) for row in web.rows),
        numeric_columns=frozenset({1, 2}),
    )
    unit = metric.get_unit_display() + (f" ({metric.unit_label})" if metric.unit_label else "")
    return Chart(
        title=title,
        categories=tuple(p.label for p in points),
        series=tuple(series),
        summary=web.summary,
        table=table,
        y_label=unit,
    )


def _points(line: MetricLine, board: Dashboard, *, today: date) -> list[charts.PeriodPoint]:
    metric, quarter, values = line.metric, line.quarter, line.values
    quarters = [*quarter.last(TREND_QUARTERS - 1), quarter]
    if metric.frequency == Metric.Frequency.ANNUAL:
        periods = [
            (f"FY{y}", (y, None), FiscalQuarter(y, 4))
            for y in sorted({q.fiscal_year for q in quarters})
        ]
    else:
        periods = [(q.label, (q.fiscal_year, q.quarter), q) for q in quarters]
    points = []
    for label, key, judged_in in periods:
        actual = values.actuals[metric.pk].get(key)
        target = values.targets[metric.pk].get(key)
        status = status_in(
            metric, judged_in, values, today=today, at_risk_percent=board.plan.at_risk_percent
        )
        points.append(
            charts.PeriodPoint(
                label=label,
                actual=actual_number(metric, actual),
                target=target.value if target else None,
                min_target=target.min_value if target else None,
                max_target=target.max_value if target else None,
                status=status,
            )
        )
    return points


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# ---- the other metrics ----


def _others_section(board: Dashboard) -> Section:
    subsections = []
    for group in board.by_element:
        lines = [line for line in group.lines if line.status not in ATTENTION]
        if not lines:
            continue
        heading = f"{group.label}: {group.element.display_title}" if group.element else group.label
        rows = tuple(_other_row(line) for line in lines)
        table = Table(heading, ATTENTION_HEADER, rows, numeric_columns=frozenset({2, 3}))
        anchor = f"goal-{group.element.number}" if group.element else "goal"
        subsections.append(Section(heading, anchor, (table,)))
    blocks = () if subsections else (paragraph("There are no other metrics."),)
    return Section("All other metrics by goal", "other-metrics", blocks, tuple(subsections))


def _other_row(line: MetricLine) -> tuple[str, ...]:
    judged = judge(line)
    office = line.metric.owner_office.code
    return (line.metric.name, office, judged.target, judged.actual, line.status.label)


# ---- the meeting ----


def _decisions_section(review: ReviewRecord) -> Section:
    meeting = review.meeting
    blocks: list[Paragraph | Table] = []
    if meeting is None:
        blocks.append(paragraph(NO_MEETING))
    elif meeting.notes.strip():
        blocks.extend(paragraph(text) for text in meeting.notes.split("\n\n") if text.strip())
    if review.decisions:
        rows = tuple(_decision_row(decision) for decision in review.decisions)
        caption = f"Decisions of the {review.quarter.label} review"
        blocks.append(Table(caption, DECISION_HEADER, rows))
    elif meeting is not None:
        blocks.append(paragraph(NO_DECISIONS))
    return Section("Decisions", "decisions", tuple(blocks))


def _decision_row(decision: Decision) -> tuple[str, ...]:
    if decision.metric is not None:
        about = decision.metric.name
    elif decision.element is not None:
        about = f"{decision.element.number} {decision.element.display_title}"
    else:
        about = "The whole plan"
    user = decision.recorded_by
    by = (user.get_full_name() or user.get_username()) if user else NO_VALUE
    return (decision.text, about, by, long_date(timezone.localdate(decision.recorded_at)))


def _items_section(review: ReviewRecord, *, today: date) -> Section:
    if not review.items:
        return Section("Action items", "action-items", (paragraph(NO_ITEMS),))
    carried = sum(1 for item in review.items if item.meeting.period != review.quarter)
    lead = (
        f"{len(review.items)} action item{'s' if len(review.items) != 1 else ''} open in "
        f"{review.quarter.label}, {carried} carried over from earlier quarters."
    )
    rows = tuple(_item_row(item, today=today) for item in review.items)
    table = Table(f"Action items open in {review.quarter.label}", ITEM_HEADER, rows)
    return Section("Action items", "action-items", (paragraph(lead), table))


def _item_row(item: ActionItem, *, today: date) -> tuple[str, ...]:
    if item.closed_at is None:
        status = "Open"
    else:
        status = f"Closed on {long_date(timezone.localdate(item.closed_at))}"
        status += f": {item.closing_note}" if item.closing_note else ""
    return (
        item.text,
        item.owner_label,
        long_date(item.due_on),
        item.meeting.period.label,
        status,
        "Yes" if item.is_overdue(today) else "No",
    )
