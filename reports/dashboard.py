"""The plan dashboard: status by goal and by office, the trend, what needs attention.

Everything is computed from a fixed number of queries (the metrics, the plan's elements,
targets and approved values as tuples, the data call's progress), then in memory with the
pure status rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from metrics.board import OfficeProgress, office_progress
from metrics.models import DataCall
from metrics.periods import FiscalQuarter
from plans.hierarchy import number_key
from plans.models import Metric, Plan, PlanElement
from reports.assessment import PlanValues, load_plan_values, plan_metrics, status_in
from reports.status import SEVERITY, ActualValue, Status, StatusCounts, TargetValue

TREND_QUARTERS = 8
ATTENTION = (Status.OFF_TRACK, Status.AT_RISK, Status.NO_DATA)


@dataclass(frozen=True)
class Filters:
    quarter: FiscalQuarter
    office: str = ""  # office code
    status: str = ""  # a Status value
    element: str = ""  # element number: show this element's subtree

    def as_query(self) -> dict[str, str]:
        query = {"fy": str(self.quarter.fiscal_year), "q": str(self.quarter.quarter)}
        query |= {k: v for k, v in (("office", self.office), ("status", self.status)) if v}
        return query | ({"element": self.element} if self.element else {})


@dataclass
class MetricLine:
    metric: Metric
    status: Status
    values: PlanValues
    quarter: FiscalQuarter

    @property
    def period_key(self) -> tuple[int, int | None]:
        if self.metric.frequency == Metric.Frequency.ANNUAL:
            return (self.quarter.fiscal_year, None)
        return (self.quarter.fiscal_year, self.quarter.quarter)

    @property
    def actual(self) -> ActualValue | None:
        return self.values.actuals[self.metric.pk].get(self.period_key)

    @property
    def target(self) -> TargetValue | None:
        return self.values.targets[self.metric.pk].get(self.period_key)


@dataclass
class Group:
    label: str
    element: PlanElement | None
    counts: StatusCounts
    lines: list[MetricLine] = field(default_factory=list)


@dataclass
class Dashboard:
    plan: Plan
    filters: Filters
    lines: list[MetricLine]
    totals: StatusCounts
    by_element: list[Group]
    by_office: list[Group]
    trend: list[tuple[str, Decimal | None]]
    attention: list[MetricLine]
    focus: PlanElement | None
    data_call: DataCall | None
    not_submitted: list[OfficeProgress]


def build_dashboard(plan: Plan, filters: Filters, *, today: date) -> Dashboard:
    all_elements = list(plan.elements.all())
    metrics = plan_metrics(plan, all_elements)
    elements = {e.number: e for e in all_elements}
    focus = elements.get(filters.element)
    trend_quarters = [*filters.quarter.last(TREND_QUARTERS - 1), filters.quarter]
    years = sorted({q.fiscal_year for q in trend_quarters})
    values = load_plan_values([m.pk for m in metrics], years)

    def status(metric: Metric, quarter: FiscalQuarter) -> Status:
        return status_in(metric, quarter, values, today=today, at_risk_percent=plan.at_risk_percent)

    scoped = [m for m in metrics if _in_scope(m, filters, focus)]
    lines = [MetricLine(m, status(m, filters.quarter), values, filters.quarter) for m in scoped]
    shown = [line for line in lines if not filters.status or line.status == filters.status]
    data_call = plan.data_calls.filter(
        fiscal_year=filters.quarter.fiscal_year, quarter=filters.quarter.quarter
    ).first()
    return Dashboard(
        plan=plan,
        filters=filters,
        lines=shown,
        totals=StatusCounts.of(line.status for line in lines),
        by_element=_by_child(lines, focus, elements),
        by_office=_by_office(lines),
        trend=[
            (q.label, StatusCounts.of(status(m, q) for m in scoped).share_on_track)
            for q in trend_quarters
        ],
        attention=sorted(
            (line for line in shown if line.status in ATTENTION),
            key=lambda line: SEVERITY.index(line.status),
        ),
        focus=focus,
        data_call=data_call,
        not_submitted=_not_submitted(data_call, filters.office),
    )


def _in_scope(metric: Metric, filters: Filters, focus: PlanElement | None) -> bool:
    if filters.office and metric.owner_office.code != filters.office:
        return False
    if focus is None:
        return True
    number = metric.element.number
    return number == focus.number or number.startswith(focus.number + ".")


def _ancestor_at(element: PlanElement, level: int) -> PlanElement:
    """The element's ancestor at `level` (or itself); parents were selected with the metric."""
    while element.level > level and element.parent_id is not None:
        element = element.parent
    return element


def _by_child(
    lines: list[MetricLine], focus: PlanElement | None, elements: dict[str, PlanElement]
) -> list[Group]:
    """Metrics grouped by the focused element's children (by goal when nothing is focused);
    metrics hung on the focused element itself form their own group."""
    level = focus.level + 1 if focus else 1
    grouped: dict[str, list[MetricLine]] = defaultdict(list)
    for line in lines:
        element = line.metric.element
        key = element.number if element.level < level else _ancestor_at(element, level).number
        grouped[key].append(line)
    groups = []
    for number in sorted(grouped, key=number_key):
        element = elements[number]
        label = f"{element.level_name} {element.number}"
        counts = StatusCounts.of(line.status for line in grouped[number])
        groups.append(Group(label, element, counts, grouped[number]))
    return groups


def _by_office(lines: list[MetricLine]) -> list[Group]:
    grouped: dict[str, list[MetricLine]] = defaultdict(list)
    for line in lines:
        grouped[line.metric.owner_office.code].append(line)
    return [
        Group(code, None, StatusCounts.of(line.status for line in rows), rows)
        for code, rows in sorted(grouped.items())
    ]


def _not_submitted(data_call: DataCall | None, office: str) -> list[OfficeProgress]:
    if data_call is None:
        return []
    rows = office_progress(data_call)
    return [r for r in rows if r.outstanding > 0 and (not office or r.office.code == office)]
