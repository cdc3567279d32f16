"""Statuses of many metrics over many periods, from a fixed number of queries.

`load_plan_values` fetches a plan's targets and approved values as plain tuples (three
queries whatever the size); `status_in` then decides a metric's status in a quarter with
the pure rules of reports/status.py: quarterly metrics by their quarter (cumulative ones
year to date), annual metrics by their fiscal-year row, due once the fiscal year's Q4 data
call would be.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from metrics.models import VALUE_FIELDS, Measurement, Target
from metrics.periods import FiscalQuarter, FiscalYear
from plans.hierarchy import number_key
from plans.models import Metric, Plan, PlanElement
from reports.status import (
    ActualValue,
    QuarterInput,
    Rule,
    Status,
    TargetValue,
    assess,
    year_to_date,
)

# Values are due this long after their period ends (the usual data-call window).
REPORTING_LAG = timedelta(days=45)
Period = tuple[int, int | None]  # (fiscal year, quarter or None for the fiscal year)


@dataclass
class PlanValues:
    """Targets and approved actuals of a plan's metrics, keyed by metric id and period."""

    targets: dict[int, dict[Period, TargetValue]] = field(default_factory=lambda: defaultdict(dict))
    actuals: dict[int, dict[Period, ActualValue]] = field(default_factory=lambda: defaultdict(dict))


def load_plan_values(metric_ids: list[int], fiscal_years: list[int]) -> PlanValues:
    """Two queries of plain tuples, however many metrics and periods."""
    values = PlanValues()
    wanted = Q(metric_id__in=metric_ids, fiscal_year__in=fiscal_years)
    # .order_by(): the models' default ordering would sort every row for nothing.
    target_rows = (
        Target.objects.filter(wanted)
        .order_by()
        .values_list(
            "metric_id", "fiscal_year", "quarter", "value", "min_value", "max_value", "due_date"
        )
    )
    for metric_id, year, quarter, value, low, high, due in target_rows:
        values.targets[metric_id][(year, quarter)] = TargetValue(value, low, high, due)
    actual_rows = (
        Measurement.objects.filter(wanted, status=Measurement.Status.APPROVED)
        .order_by()
        .values_list("metric_id", "fiscal_year", "quarter", *VALUE_FIELDS)
        .iterator(chunk_size=5000)
    )
    for metric_id, year, quarter, *rest in actual_rows:
        values.actuals[metric_id][(year, quarter)] = ActualValue(*rest)
    return values


def rule_of(metric: Metric) -> Rule:
    return Rule(direction=metric.direction, aggregation=metric.aggregation, kind=metric.kind)


def due_date(period: FiscalQuarter | FiscalYear) -> date:
    return period.end + REPORTING_LAG


def status_in(
    metric: Metric,
    quarter: FiscalQuarter,
    values: PlanValues,
    *,
    today: date,
    at_risk_percent: Decimal,
) -> Status:
    """The metric's status for the quarter (annual metrics: for the quarter's fiscal year)."""
    targets, actuals = values.targets[metric.pk], values.actuals[metric.pk]
    rule = rule_of(metric)
    if metric.frequency == Metric.Frequency.ANNUAL:
        year = quarter.fiscal_year
        period: FiscalQuarter | FiscalYear = FiscalYear(year)
        target, actual = targets.get((year, None)), actuals.get((year, None))
    elif metric.aggregation == Metric.Aggregation.CUMULATIVE:
        period = quarter
        quarters = [
            QuarterInput(
                n, actuals.get((quarter.fiscal_year, n)), targets.get((quarter.fiscal_year, n))
            )
            for n in range(1, quarter.quarter + 1)
        ]
        actual, target = year_to_date(rule, quarters, quarter.quarter)
    else:
        period = quarter
        key = (quarter.fiscal_year, quarter.quarter)
        target, actual = targets.get(key), actuals.get(key)
    return assess(
        rule, target, actual, due=due_date(period), today=today, at_risk_percent=at_risk_percent
    )


def plan_metrics(plan: Plan, elements: Iterable[PlanElement] | None = None) -> list[Metric]:
    """The plan's metrics with their element, its ancestors and the owner, in plan order.

    Two queries: the plan's elements (or the ones given), each made once and hung on its
    children and metrics, rather than a copy of the element and its ancestors per metric.
    """
    by_id = {
        element.pk: element for element in (plan.elements.all() if elements is None else elements)
    }
    for element in by_id.values():
        element.plan = plan
        if element.parent_id is not None:
            element.parent = by_id[element.parent_id]
    metrics = list(Metric.objects.filter(element__plan=plan).select_related("owner_office"))
    for metric in metrics:
        metric.element = by_id[metric.element_id]
    return sorted(metrics, key=lambda m: (number_key(m.element.number), m.order, m.pk))
