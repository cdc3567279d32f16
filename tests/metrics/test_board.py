"""How far each office has got with a data call (metrics/board.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.board import OfficeProgress, office_progress
from metrics.models import DataCall, Measurement
from metrics.services import grant_exception
from plans.models import Metric, Office, Plan, PlanElement, User
from tests.factories import DataCallFactory, MeasurementFactory, MetricFactory, OfficeFactory

Status = Measurement.Status


def add_metrics(element: PlanElement, office: Office, count: int, **fields: object) -> list[Metric]:
    return [
        MetricFactory(
            element=element, owner_office=office, name=f"{office.code} metric {n}", **fields
        )
        for n in range(count)
    ]


def by_office(rows: list[OfficeProgress]) -> dict[str, OfficeProgress]:
    return {row.office.code: row for row in rows}


def test_office_progress_counts_each_status_and_the_missing_values(
    data_call: DataCall,
    ero_metric: Metric,
    objective: PlanElement,
    offices: dict[str, Office],
) -> None:
    more = add_metrics(objective, offices["ERO"], 5)
    MeasurementFactory(metric=ero_metric, status=Status.DRAFT)
    MeasurementFactory(metric=more[0], status=Status.SUBMITTED)
    MeasurementFactory(metric=more[1], status=Status.SUBMITTED)
    MeasurementFactory(metric=more[2], status=Status.APPROVED)
    MeasurementFactory(metric=more[3], status=Status.RETURNED)

    ero = by_office(office_progress(data_call))["ERO"]

    assert ero.due == 6
    assert ero.entered == 5
    assert ero.count(Status.DRAFT) == 1
    assert ero.count(Status.SUBMITTED) == 2
    assert ero.count(Status.APPROVED) == 1
    assert ero.count(Status.RETURNED) == 1
    assert ero.missing == 1
    assert ero.outstanding == 3


def test_office_progress_has_one_row_per_office_owning_metrics_ordered_by_name(
    data_call: DataCall, offices: dict[str, Office]
) -> None:
    rows = office_progress(data_call)

    # "Investigations" (HSI) sorts before "Removals" (ERO); ICE and FEMA own no metrics.
    assert [row.office.code for row in rows] == ["HSI", "ERO"]
    assert [(row.due, row.entered, row.missing) for row in rows] == [(1, 0, 1), (1, 0, 1)]


def test_office_progress_ignores_values_of_other_periods_and_plans(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office]
) -> None:
    MeasurementFactory(metric=ero_metric, fiscal_year=2026, quarter=3, status=Status.APPROVED)
    MeasurementFactory(metric=ero_metric, fiscal_year=2025, quarter=4, status=Status.APPROVED)
    other_plan_metric = MetricFactory(name="Elsewhere", owner_office=offices["ERO"])
    MeasurementFactory(metric=other_plan_metric, status=Status.APPROVED)

    ero = by_office(office_progress(data_call))["ERO"]

    assert (ero.due, ero.entered, ero.missing) == (1, 0, 1)


def test_annual_metrics_count_only_in_the_fourth_quarter(
    plan: Plan, ero_metric: Metric, objective: PlanElement, offices: dict[str, Office]
) -> None:
    annual = MetricFactory(
        element=objective,
        name="Removals with convictions",
        owner_office=offices["ERO"],
        frequency=Metric.Frequency.ANNUAL,
    )
    MeasurementFactory(metric=annual, fiscal_year=2026, quarter=None, status=Status.APPROVED)
    third = DataCallFactory(plan=plan, fiscal_year=2026, quarter=3)
    fourth = DataCallFactory(plan=plan, fiscal_year=2026, quarter=4)

    in_third = by_office(office_progress(third))["ERO"]
    in_fourth = by_office(office_progress(fourth))["ERO"]

    assert (in_third.due, in_third.count(Status.APPROVED), in_third.missing) == (1, 0, 1)
    assert (in_fourth.due, in_fourth.count(Status.APPROVED), in_fourth.missing) == (2, 1, 1)


def test_office_progress_carries_the_offices_exception(
    data_call: DataCall, offices: dict[str, Office], lead: User
) -> None:
    until = data_call.due_on + timedelta(days=4)
    grant_exception(
        data_call=data_call, office=offices["ERO"], until=until, reason="Audit", user=lead
    )

    rows = by_office(office_progress(data_call))

    assert rows["ERO"].exception_until == until
    assert rows["HSI"].exception_until is None


@pytest.mark.parametrize(
    ("days_after_due", "statuses", "exception_days", "overdue"),
    [
        (-1, [], None, False),  # before the due date
        (0, [], None, False),  # on the due date
        (1, [], None, True),  # the day after, nothing entered
        (1, [Status.DRAFT], None, True),
        (1, [Status.RETURNED], None, True),
        (1, [Status.SUBMITTED], None, False),
        (1, [Status.APPROVED], None, False),
        (1, [], 3, False),  # exception still running
        (3, [], 3, False),  # last day of the exception
        (4, [], 3, True),  # exception over
    ],
)
def test_is_overdue_after_the_due_date_with_values_outstanding_and_no_exception(
    data_call: DataCall,
    ero_metric: Metric,
    offices: dict[str, Office],
    lead: User,
    days_after_due: int,
    statuses: list[str],
    exception_days: int | None,
    overdue: bool,
) -> None:
    for status in statuses:
        MeasurementFactory(metric=ero_metric, status=status)
    if exception_days is not None:
        grant_exception(
            data_call=data_call,
            office=offices["ERO"],
            until=data_call.due_on + timedelta(days=exception_days),
            reason="Audit",
            user=lead,
        )
    ero = by_office(office_progress(data_call))["ERO"]
    day: date = data_call.due_on + timedelta(days=days_after_due)

    assert ero.is_overdue(data_call, day) is overdue


def count_queries(data_call: DataCall) -> int:
    with CaptureQueriesContext(connection) as queries:
        office_progress(data_call)
    return len(queries)


def test_office_progress_runs_the_same_queries_for_1_and_20_offices(
    plan: Plan, objective: PlanElement, offices: dict[str, Office], lead: User
) -> None:
    call = DataCallFactory(plan=plan, fiscal_year=2025, quarter=2)
    first = OfficeFactory(code="P0", parent=offices["ICE"])
    for metric in add_metrics(objective, first, 2):
        MeasurementFactory(metric=metric, fiscal_year=2025, quarter=2)
    grant_exception(data_call=call, office=first, until=call.due_on, reason="x", user=lead)
    one_office = count_queries(call)

    for n in range(1, 20):
        office = OfficeFactory(code=f"P{n}", parent=offices["ICE"])
        for metric in add_metrics(objective, office, 2):
            MeasurementFactory(metric=metric, fiscal_year=2025, quarter=2, status=Status.SUBMITTED)
        grant_exception(data_call=call, office=office, until=call.due_on, reason="x", user=lead)

    assert len(office_progress(call)) == 20
    assert count_queries(call) == one_office == 4
