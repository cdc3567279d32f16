"""Fixtures for the audit trail: a PostgreSQL guard, an open data call with an ERO metric,
and a reader of the audit rows of one table.

The triggers exist only on PostgreSQL. Their tests skip on SQLite (the default local run),
never elsewhere: CI runs PostgreSQL, so there they always run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from metrics.models import DataCall
from plans.models import AuditEvent, Metric, Office, Plan
from tests.factories import DataCallFactory, MetricFactory, PlanElementFactory


@pytest.fixture
def postgres(db: None) -> None:
    """Skips the test unless the database has the audit triggers (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip("audit triggers exist on PostgreSQL only; set DATABASE_URL=postgres://...")


@pytest.fixture
def ero_metric(plan: Plan, offices: dict[str, Office]) -> Metric:
    goal = PlanElementFactory(plan=plan, number="1", title="Enforce the law", order=1)
    objective = PlanElementFactory(parent=goal, number="1.1", title="Remove", order=1)
    return MetricFactory(element=objective, name="Removals", owner_office=offices["ERO"])


@pytest.fixture
def data_call(plan: Plan, ero_metric: Metric) -> DataCall:
    """FY2026 Q4, open since ten days ago and due in ten days."""
    today = timezone.localdate()
    return DataCallFactory(
        plan=plan,
        fiscal_year=2026,
        quarter=4,
        opens_on=today - timedelta(days=10),
        due_on=today + timedelta(days=10),
    )


@pytest.fixture
def trail() -> Callable[..., list[AuditEvent]]:
    """trail("plans_plan", plan.pk) -> the audit rows of that table (and row), oldest first."""

    def read(table: str, object_id: object = None) -> list[AuditEvent]:
        events = AuditEvent.objects.filter(object_type=table).order_by("id")
        if object_id is not None:
            events = events.filter(object_id=str(object_id))
        return list(events)

    return read
