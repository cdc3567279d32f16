"""How far each office has got with a data call: the leads' board and the reminders."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from metrics.models import DataCall, DataCallException, Measurement
from plans.models import Metric, Office


@dataclass
class OfficeProgress:
    office: Office
    due: int
    by_status: Counter[str] = field(default_factory=Counter)
    exception_until: date | None = None

    def count(self, status: str) -> int:
        return self.by_status[status]

    @property
    def entered(self) -> int:
        return sum(self.by_status.values())

    @property
    def missing(self) -> int:
        """Metrics with no value at all yet."""
        return max(self.due - self.entered, 0)

    @property
    def outstanding(self) -> int:
        """Values not yet with the reviewers: missing, drafts and returned values."""
        done = self.count(Measurement.Status.SUBMITTED) + self.count(Measurement.Status.APPROVED)
        return self.due - done

    def is_overdue(self, data_call: DataCall, today: date) -> bool:
        late = data_call.is_overdue(today) and self.outstanding > 0
        return late and not (self.exception_until and today <= self.exception_until)


def office_progress(data_call: DataCall) -> list[OfficeProgress]:
    """One row per office that owns metrics in the call, ordered by office name.

    Four queries whatever the number of offices and metrics.
    """
    due = (
        data_call.metrics_due()
        .values("owner_office")
        .annotate(n=Count("id"))
        .values_list("owner_office", "n")
    )
    offices = Office.objects.in_bulk([office_id for office_id, _n in due])
    progress = {oid: OfficeProgress(office=offices[oid], due=n) for oid, n in due}
    for office_id, status, n in _status_counts(data_call):
        progress[office_id].by_status[status] = n
    for exception in DataCallException.objects.filter(data_call=data_call):
        if exception.office_id in progress:
            progress[exception.office_id].exception_until = exception.until
    return sorted(progress.values(), key=lambda row: row.office.name)


def _status_counts(data_call: DataCall) -> list[tuple[int, str, int]]:
    """(office id, status, count) for the values of the metrics the call collects."""
    in_period = Q(quarter=data_call.quarter, metric__frequency=Metric.Frequency.QUARTERLY)
    if data_call.quarter == 4:
        in_period |= Q(quarter=None, metric__frequency=Metric.Frequency.ANNUAL)
    rows = (
        Measurement.objects.filter(in_period, fiscal_year=data_call.fiscal_year)
        .filter(metric__element__plan_id=data_call.plan_id)
        .values("metric__owner_office", "status")
        .annotate(n=Count("id"))
        .values_list("metric__owner_office", "status", "n")
    )
    return list(rows)
