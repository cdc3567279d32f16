"""A metric's record over time, and an office's standing: the data of their pages."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch

from metrics.models import DataCall, Evidence, Measurement
from metrics.periods import FiscalQuarter, FiscalYear
from metrics.rollup import fiscal_year_values
from plans.access import visible_plans
from plans.models import Metric, Office, User
from reports.assessment import PlanValues, due_date, load_plan_values, rule_of, status_in
from reports.charts import PeriodPoint
from reports.status import ActualValue, Status, StatusCounts, TargetValue, assess

COMPLETENESS_QUARTERS = 8


@dataclass
class YearOverYear:
    fiscal_year: int
    value: Decimal
    prior: Decimal
    change: Decimal
    percent: Decimal | None  # None when the prior value is zero


@dataclass
class MetricPerformance:
    points: list[PeriodPoint]
    measurements: list[Measurement]
    comparison: YearOverYear | None


def metric_performance(metric: Metric, *, today: date) -> MetricPerformance:
    """Every quarter with a target or a value, each fiscal year after its quarters, oldest
    first, and the latest year-over-year comparison. Five queries."""
    measurements = list(
        metric.measurements.select_related("reviewed_by", "entered_by").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))
        )
    )
    years = sorted({m.fiscal_year for m in measurements} | set(_target_years(metric)))
    values = load_plan_values([metric.pk], years)
    approved = [m for m in measurements if m.status == Measurement.Status.APPROVED]
    year_values = year_values_of(metric, approved)
    at_risk = metric.element.plan.at_risk_percent
    points = []
    for year in years:
        if metric.frequency == Metric.Frequency.QUARTERLY:
            for quarter in FiscalYear(year).quarters():
                point = _point(metric, quarter, values, today, at_risk)
                if point.actual is not None or point.target is not None:
                    points.append(point)
        points.append(_year_point(metric, year, year_values.get(year), values, today, at_risk))
    return MetricPerformance(points, measurements, _comparison(year_values))


def year_values_of(metric: Metric, approved: list[Measurement]) -> dict[int, Decimal | None]:
    """Fiscal-year values: stored for annual metrics, by the aggregation rule otherwise."""
    if metric.frequency == Metric.Frequency.ANNUAL:
        return {m.fiscal_year: m.value for m in approved if m.quarter is None}
    return {year: value for year, value, _n in fiscal_year_values(metric.aggregation, approved)}


def _point(
    metric: Metric, quarter: FiscalQuarter, values: PlanValues, today: date, at_risk: Decimal
) -> PeriodPoint:
    key = (quarter.fiscal_year, quarter.quarter)
    actual, target = values.actuals[metric.pk].get(key), values.targets[metric.pk].get(key)
    status = status_in(metric, quarter, values, today=today, at_risk_percent=at_risk)
    return _make_point(quarter.label, actual.value if actual else None, target, status)


def _year_point(
    metric: Metric,
    year: int,
    value: Decimal | None,
    values: PlanValues,
    today: date,
    at_risk: Decimal,
) -> PeriodPoint:
    target = values.targets[metric.pk].get((year, None)) or _summed_target(metric, year, values)
    status = assess(
        rule_of(metric),
        target,
        ActualValue(value=value) if value is not None else None,
        due=due_date(FiscalYear(year)),
        today=today,
        at_risk_percent=at_risk,
    )
    return _make_point(f"FY{year}", value, target, status)


def _summed_target(metric: Metric, year: int, values: PlanValues) -> TargetValue | None:
    """A summed metric's fiscal-year target, from its four quarterly targets when the year
    has none of its own."""
    if metric.aggregation not in (Metric.Aggregation.SUM, Metric.Aggregation.CUMULATIVE):
        return None
    quarters = [values.targets[metric.pk].get((year, q)) for q in (1, 2, 3, 4)]
    if any(t is None or t.value is None for t in quarters):
        return None
    return TargetValue(value=sum((t.value for t in quarters), Decimal(0)))


def _make_point(
    label: str, actual: Decimal | None, target: TargetValue | None, status: Status
) -> PeriodPoint:
    return PeriodPoint(
        label=label,
        actual=actual,
        target=target.value if target else None,
        min_target=target.min_value if target else None,
        max_target=target.max_value if target else None,
        status=status,
    )


def _target_years(metric: Metric) -> list[int]:
    return list(metric.targets.values_list("fiscal_year", flat=True).distinct())


def _comparison(by_year: dict[int, Decimal | None]) -> YearOverYear | None:
    """The latest fiscal year against the one before, when both have a value."""
    years = sorted(year for year, value in by_year.items() if value is not None)
    if len(years) < 2 or years[-1] - 1 not in by_year or by_year[years[-1] - 1] is None:
        return None
    value, prior = by_year[years[-1]], by_year[years[-1] - 1]
    change = value - prior
    percent = (change * 100 / abs(prior)).quantize(Decimal("0.1")) if prior else None
    return YearOverYear(years[-1], value, prior, change, percent)


@dataclass
class OfficeMetric:
    metric: Metric
    status: Status
    period: str


@dataclass
class OfficeStanding:
    metrics: list[OfficeMetric]
    totals: StatusCounts
    completeness: list[tuple[str, Decimal | None]]


def office_standing(office: Office, user: User, *, today: date) -> OfficeStanding:
    """The office's metrics in the plans the user can see, each judged in its plan's
    latest data-call quarter, and the share of quarterly values submitted per quarter."""
    metrics = list(
        Metric.objects.filter(owner_office=office, element__plan__in=visible_plans(user))
        .select_related("element__plan")
        .order_by("element__plan__title", "element__number", "order")
    )
    quarters = latest_quarters({m.element.plan_id for m in metrics}, today)
    years = sorted({q.fiscal_year for q in quarters.values()})
    values = load_plan_values([m.pk for m in metrics], years)
    lines = []
    for metric in metrics:
        quarter = quarters[metric.element.plan_id]
        status = status_in(
            metric,
            quarter,
            values,
            today=today,
            at_risk_percent=metric.element.plan.at_risk_percent,
        )
        lines.append(OfficeMetric(metric, status, quarter.label))
    totals = StatusCounts.of(line.status for line in lines)
    return OfficeStanding(lines, totals, _completeness(office, metrics, today))


def latest_quarters(plan_ids: set[int], today: date) -> dict[int, FiscalQuarter]:
    """Each plan's latest data-call quarter (else the quarter that ended last); one query."""
    fallback = FiscalQuarter.from_date(today).previous()
    quarters = dict.fromkeys(plan_ids, fallback)
    calls = DataCall.objects.filter(plan_id__in=plan_ids).order_by("-fiscal_year", "-quarter")
    for plan_id, year, quarter in calls.values_list("plan_id", "fiscal_year", "quarter"):
        if quarters[plan_id] is fallback:
            quarters[plan_id] = FiscalQuarter(year, quarter)
    return quarters


def _completeness(
    office: Office, metrics: list[Metric], today: date
) -> list[tuple[str, Decimal | None]]:
    """Per quarter: the share of the office's quarterly metrics with a submitted or approved
    value. One query."""
    quarterly = [m.pk for m in metrics if m.frequency == Metric.Frequency.QUARTERLY]
    last = FiscalQuarter.from_date(today).previous()
    quarters = [*last.last(COMPLETENESS_QUARTERS - 1), last]
    done = Counter()
    rows = (
        Measurement.objects.filter(
            metric_id__in=quarterly,
            status__in=[Measurement.Status.SUBMITTED, Measurement.Status.APPROVED],
            fiscal_year__gte=quarters[0].fiscal_year,
        )
        .values_list("fiscal_year", "quarter")
        .annotate(n=Count("id"))
    )
    for year, quarter, n in rows:
        done[(year, quarter)] = n
    if not quarterly:
        return [(q.label, None) for q in quarters]
    return [(q.label, Decimal(done[(q.fiscal_year, q.quarter)]) / len(quarterly)) for q in quarters]
