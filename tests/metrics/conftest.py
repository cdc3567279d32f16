"""Fixtures for quarterly data collection: factories for data calls, values and targets, a
small plan with one ERO metric and one HSI metric, and users who have email addresses.

Dates: `today` is the real local date, because the views decide locking with
`timezone.localdate()`; services take `today=` explicitly, so their tests move it around
the data call's dates instead. The `data_call` is the plan's FY2026 Q4 call, open from ten
days ago until ten days from now.

The role clients of tests/conftest.py are redefined here to sign in the same users as the
user fixtures below (same usernames, roles and offices), so that a test can hold both the
client and the user behind it, and so that reminders and notices have addresses to go to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from metrics.models import DataCall
from plans.models import Membership, Metric, Office, Plan, PlanElement, User
from tests.factories import (
    DataCallFactory,
    MetricFactory,
    PlanElementFactory,
    UserFactory,
)

Role = Membership.Role


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def objective(plan: Plan) -> PlanElement:
    goal = PlanElementFactory(plan=plan, number="1", title="Enforce immigration law", order=1)
    return PlanElementFactory(parent=goal, number="1.1", title="Remove noncitizens", order=1)


@pytest.fixture
def ero_metric(objective: PlanElement, offices: dict[str, Office]) -> Metric:
    return MetricFactory(
        element=objective,
        name="Removals completed",
        owner_office=offices["ERO"],
        kind=Metric.Kind.NUMERIC,
        unit=Metric.Unit.COUNT,
        direction=Metric.Direction.INCREASE,
        frequency=Metric.Frequency.QUARTERLY,
    )


@pytest.fixture
def hsi_metric(objective: PlanElement, offices: dict[str, Office]) -> Metric:
    return MetricFactory(
        element=objective,
        name="Criminal arrests",
        owner_office=offices["HSI"],
        kind=Metric.Kind.NUMERIC,
        unit=Metric.Unit.COUNT,
        frequency=Metric.Frequency.QUARTERLY,
    )


@pytest.fixture
def data_call(plan: Plan, today: date, ero_metric: Metric, hsi_metric: Metric) -> DataCall:
    """FY2026 Q4, open since ten days ago and due in ten days."""
    return DataCallFactory(
        plan=plan,
        fiscal_year=2026,
        quarter=4,
        opens_on=today - timedelta(days=10),
        due_on=today + timedelta(days=10),
    )


@pytest.fixture
def locked_call(plan: Plan, today: date, ero_metric: Metric, hsi_metric: Metric) -> DataCall:
    """FY2026 Q3, which closed yesterday."""
    return DataCallFactory(
        plan=plan,
        fiscal_year=2026,
        quarter=3,
        opens_on=today - timedelta(days=40),
        due_on=today - timedelta(days=1),
    )


@pytest.fixture
def role_user(offices: dict[str, Office]) -> Callable[..., User]:
    """role_user(Role.DATA_STEWARD, "ERO") -> the user "data_steward-ero" holding that role,
    with an email address; the same user every time it is asked for."""

    def make(role: str, office: str, username: str | None = None, **fields: object) -> User:
        username = username or f"{role}-{office}".lower()
        user = UserFactory(
            username=username,
            email=fields.pop("email", f"{username}@example.gov"),
            first_name=fields.pop("first_name", "Test"),
            last_name=fields.pop("last_name", username),
            **fields,
        )
        Membership.objects.get_or_create(user=user, office=offices[office], role=role)
        return user

    return make


@pytest.fixture
def steward(role_user: Callable[..., User]) -> User:
    return role_user(Role.DATA_STEWARD, "ERO", first_name="Sam", last_name="Steward")


@pytest.fixture
def approver(role_user: Callable[..., User]) -> User:
    return role_user(Role.OFFICE_APPROVER, "ERO", first_name="Alex", last_name="Approver")


@pytest.fixture
def lead(role_user: Callable[..., User]) -> User:
    return role_user(Role.WORKING_GROUP_LEAD, "ICE", first_name="Lee", last_name="Lead")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def steward_client(steward: User) -> Client:
    return signed_in(steward)


@pytest.fixture
def approver_client(approver: User) -> Client:
    return signed_in(approver)


@pytest.fixture
def lead_client(lead: User) -> Client:
    return signed_in(lead)


@pytest.fixture
def reporter_client(role_user: Callable[..., User]) -> Client:
    return signed_in(role_user(Role.REPORTING_STAFF, "ICE"))


@pytest.fixture
def viewer_client(role_user: Callable[..., User]) -> Client:
    return signed_in(role_user(Role.VIEWER, "ICE"))


@pytest.fixture
def outsider_client(role_user: Callable[..., User]) -> Client:
    """Signed in, but holds a role only in FEMA, off the plan owner's line."""
    return signed_in(role_user(Role.DATA_STEWARD, "FEMA"))
