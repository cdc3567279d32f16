"""What the quarterly entry and review pages show for each metric of an office.

Everything comes from a fixed number of queries whatever the number of metrics: the metrics
with their elements, the values of the period, the four quarters before it, the targets
and the evidence files.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from metrics.models import DataCall, Evidence, Measurement, Target
from metrics.periods import FiscalQuarter
from plans.hierarchy import number_key
from plans.models import Metric, Office, PlanElement

HISTORY_QUARTERS = 4


@dataclass
class EntryRow:
    metric: Metric
    measurement: Measurement | None
    target: Target | None
    history: list[tuple[str, Measurement | None]] = field(default_factory=list)

    @property
    def previous_value(self) -> Decimal | None:
        """The last quarter's value, for the "moved more than 50%" rule."""
        if not self.history:
            return None
        last = self.history[-1][1]
        return last.value if last is not None and not last.not_available else None

    @property
    def status(self) -> str:
        return self.measurement.status if self.measurement else "missing"


@dataclass
class EntryGroup:
    """Metrics hung under one plan element, with the element's ancestry for the heading."""

    path: list[PlanElement]
    rows: list[EntryRow] = field(default_factory=list)

    @property
    def element(self) -> PlanElement:
        return self.path[-1]


def metrics_for_office(data_call: DataCall, office: Office) -> QuerySet[Metric]:
    return (
        data_call.metrics_due()
        .filter(owner_office=office)
        .select_related("element__parent__parent", "element__plan", "owner_office")
    )


def entry_rows(data_call: DataCall, office: Office) -> list[EntryGroup]:
    """The office's metrics for the call, grouped by element in the plan's order."""
    metrics = list(metrics_for_office(data_call, office))
    current = _measurements(data_call, metrics)
    targets = _targets(data_call, metrics)
    history = _history(data_call, metrics)
    groups: dict[int, EntryGroup] = {}
    for metric in sorted(metrics, key=lambda m: (number_key(m.element.number), m.order, m.pk)):
        group = groups.setdefault(metric.element_id, EntryGroup(path=_path(metric.element)))
        group.rows.append(
            EntryRow(
                metric=metric,
                measurement=current.get(metric.pk),
                target=targets.get(metric.pk),
                history=history[metric.pk],
            )
        )
    return list(groups.values())


def _path(element: PlanElement) -> list[PlanElement]:
    """The element and its ancestors, top first; all selected with the metric, and given
    the element's plan so that their level names cost no query."""
    path = [element]
    while path[0].parent_id is not None:
        parent = path[0].parent
        parent.plan = element.plan
        path.insert(0, parent)
    return path


def _period_filter(data_call: DataCall, metrics: list[Metric]) -> Q:
    quarterly = [m.pk for m in metrics if m.frequency == Metric.Frequency.QUARTERLY]
    annual = [m.pk for m in metrics if m.frequency == Metric.Frequency.ANNUAL]
    return Q(fiscal_year=data_call.fiscal_year) & (
        Q(quarter=data_call.quarter, metric_id__in=quarterly)
        | Q(quarter=None, metric_id__in=annual)
    )


def _measurements(data_call: DataCall, metrics: list[Metric]) -> dict[int, Measurement]:
    rows = Measurement.objects.filter(_period_filter(data_call, metrics)).select_related(
        "entered_by", "submitted_by", "reviewed_by"
    )
    rows = rows.prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
    return {m.metric_id: m for m in rows}


def _targets(data_call: DataCall, metrics: list[Metric]) -> dict[int, Target]:
    rows = Target.objects.filter(_period_filter(data_call, metrics))
    return {t.metric_id: t for t in rows}


def _history(
    data_call: DataCall, metrics: list[Metric]
) -> dict[int, list[tuple[str, Measurement | None]]]:
    """The previous four quarters (quarterly metrics) or fiscal years (annual ones)."""
    quarters = FiscalQuarter(data_call.fiscal_year, data_call.quarter).last(HISTORY_QUARTERS)
    years = list(range(data_call.fiscal_year - HISTORY_QUARTERS, data_call.fiscal_year))
    wanted = Q()
    for quarter in quarters:
        wanted |= Q(fiscal_year=quarter.fiscal_year, quarter=quarter.quarter)
    wanted |= Q(fiscal_year__in=years, quarter=None)
    found: dict[tuple[int, int, int | None], Measurement] = {
        (m.metric_id, m.fiscal_year, m.quarter): m
        for m in Measurement.objects.filter(wanted, metric__in=metrics)
    }
    history: dict[int, list[tuple[str, Measurement | None]]] = defaultdict(list)
    for metric in metrics:
        if metric.frequency == Metric.Frequency.ANNUAL:
            periods = [(f"FY{year}", (metric.pk, year, None)) for year in years]
        else:
            periods = [(q.label, (metric.pk, q.fiscal_year, q.quarter)) for q in quarters]
        history[metric.pk] = [(label, found.get(key)) for label, key in periods]
    return history
