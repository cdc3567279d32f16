"""Shared fixtures: a small organisation with one plan, and one signed-in client per role.

The organisation is DHS -> ICE -> ERO, plus HSI beside ERO. The plan belongs to ICE, so
roles in ICE or ERO reach it and a role in nothing reaches nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from plans.models import Membership, Office, Plan, User
from tests.factories import MembershipFactory, OfficeFactory, PlanFactory, UserFactory

Role = Membership.Role


@pytest.fixture(autouse=True)
def test_settings(settings) -> None:
    """Serve `{% static %}` from the finders, without the collectstatic manifest that the
    production storage needs (tests run with DEBUG off), and hash passwords cheaply: PBKDF2
    costs a quarter of a second per user."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def offices(db: None) -> dict[str, Office]:
    dhs = OfficeFactory(code="DHS", name="Department", kind=Office.Kind.DEPARTMENT)
    ice = OfficeFactory(code="ICE", name="Agency", kind=Office.Kind.AGENCY, parent=dhs)
    ero = OfficeFactory(code="ERO", name="Removals", kind=Office.Kind.DIRECTORATE, parent=ice)
    hsi = OfficeFactory(code="HSI", name="Investigations", kind=Office.Kind.DIRECTORATE, parent=ice)
    fema = OfficeFactory(code="FEMA", name="Emergencies", kind=Office.Kind.AGENCY, parent=dhs)
    return {"DHS": dhs, "ICE": ice, "ERO": ero, "HSI": hsi, "FEMA": fema}


@pytest.fixture
def plan(offices: dict[str, Office]) -> Plan:
    return PlanFactory(title="ICE Strategic Plan", slug="ice-plan", owner=offices["ICE"])


@pytest.fixture
def make_user(offices: dict[str, Office]) -> Callable[..., User]:
    """make_user("viewer", office="ICE") -> a user holding that role in that office."""

    def make(role: str | None, office: str = "ERO", username: str | None = None) -> User:
        user = UserFactory(username=username or f"{role or 'nobody'}-{office}".lower())
        if role is not None:
            MembershipFactory(user=user, office=offices[office], role=role)
        return user

    return make


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(db: None) -> Client:
    return _client_for(UserFactory(username="admin", is_superuser=True, is_staff=True))


@pytest.fixture
def steward_client(make_user: Callable[..., User]) -> Client:
    return _client_for(make_user(Role.DATA_STEWARD, "ERO"))


@pytest.fixture
def approver_client(make_user: Callable[..., User]) -> Client:
    return _client_for(make_user(Role.OFFICE_APPROVER, "ERO"))


@pytest.fixture
def lead_client(make_user: Callable[..., User]) -> Client:
    return _client_for(make_user(Role.WORKING_GROUP_LEAD, "ICE"))


@pytest.fixture
def reporter_client(make_user: Callable[..., User]) -> Client:
    return _client_for(make_user(Role.REPORTING_STAFF, "ICE"))


@pytest.fixture
def viewer_client(make_user: Callable[..., User]) -> Client:
    return _client_for(make_user(Role.VIEWER, "ICE"))


@pytest.fixture
def outsider_client(make_user: Callable[..., User]) -> Client:
    """Signed in, but holds a role only in FEMA, off the plan owner's line."""
    return _client_for(make_user(Role.DATA_STEWARD, "FEMA"))
