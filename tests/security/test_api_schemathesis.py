"""schemathesis against the API's own OpenAPI schema: every operation, fed generated
requests, answers without a server error and with a response its schema documents.

The schema is loaded in-process from /api/schema/ (which needs a token, as documented), and
requests go to the WSGI application directly, signed in with the token of a user who holds
every role that acts on the plan: data steward and office approver of ERO, working-group
lead of ICE. Each operation gets valid (positive) and invalid (negative) requests, and, so
that they reach real objects rather than 404s, about half of them name a seeded object in
their path and body: an ERO metric with a value and a target, an open data call.

schemathesis's own pytest wiring (`from_fixture`) does not run under pytest 9, so each
operation's strategy is driven by hypothesis here, and every operation's failure (shrunk
to its smallest request) is listed. Bounded: 25 examples per operation, derandomized so
that a failure reproduces, no deadline. About 30 seconds on the 2-core machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from config.wsgi import application
from plans.models import Membership, Metric, Office, Plan
from tests.factories import (
    DataCallFactory,
    MeasurementFactory,
    MembershipFactory,
    MetricFactory,
    PlanElementFactory,
    TargetFactory,
    UserFactory,
)

CHECKS = [not_a_server_error, response_schema_conformance]
Role = Membership.Role


@pytest.fixture
def seeded(plan: Plan, offices: dict[str, Office]) -> dict[str, Any]:
    """The ids of a small plan's objects, and the token of a user who may act on them."""
    today = timezone.localdate()
    goal = PlanElementFactory(plan=plan, number="1", title="Enforce", order=1)
    objective = PlanElementFactory(parent=goal, number="1.1", title="Remove", order=1)
    metric = MetricFactory(
        element=objective,
        name="Removals completed",
        owner_office=offices["ERO"],
        frequency=Metric.Frequency.QUARTERLY,
    )
    MetricFactory(
        element=objective,
        name="Share on time",
        owner_office=offices["ERO"],
        kind=Metric.Kind.PERCENTAGE,
        unit=Metric.Unit.PERCENT,
        frequency=Metric.Frequency.QUARTERLY,
    )
    data_call = DataCallFactory(
        plan=plan,
        fiscal_year=2026,
        quarter=4,
        opens_on=today - timedelta(days=10),
        due_on=today + timedelta(days=10),
    )
    measurement = MeasurementFactory(metric=metric, fiscal_year=2026, quarter=4)
    target = TargetFactory(metric=metric, fiscal_year=2026, quarter=4, value=Decimal(90))
    user = UserFactory(username="api-fuzzer")
    for office, role in [
        ("ERO", Role.DATA_STEWARD),
        ("ERO", Role.OFFICE_APPROVER),
        ("ICE", Role.WORKING_GROUP_LEAD),
    ]:
        MembershipFactory(user=user, office=offices[office], role=role)
    return {
        "token": Token.objects.create(user=user).key,
        "ids": {
            "/api/v1/offices/": offices["ERO"].pk,
            "/api/v1/plans/": plan.slug,
            "/api/v1/elements/": objective.pk,
            "/api/v1/metrics/": metric.pk,
            "/api/v1/targets/": target.pk,
            "/api/v1/measurements/": measurement.pk,
            "/api/v1/data-calls/": data_call.pk,
        },
        "body": {"metric": metric.pk, "data_call": data_call.pk},
    }


PATH_IDS = ("pk", "slug")


@pytest.fixture(autouse=True)
def keep_the_tests_connection() -> Iterator[None]:
    """The WSGI application closes stale connections at each request's start and end,
    which would close the test's own (inside its transaction) on PostgreSQL; Django's test
    client disconnects the same handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def load_schema(token: str) -> schemathesis.BaseSchema:
    """/api/schema/ as the WSGI application serves it to a signed-in client."""
    headers = {"Authorization": f"Token {token}"}
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=headers)


def cases(operation: schemathesis.APIOperation, seeded: dict[str, Any]) -> st.SearchStrategy:
    """Positive and negative requests, half of them naming the seeded objects."""
    real = next((v for p, v in seeded["ids"].items() if operation.path.startswith(p)), None)
    names = [p.name for p in operation.path_parameters if p.name in PATH_IDS]
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(mode))
        if real is not None and names:
            strategies.append(operation.as_strategy(mode, path_parameters={names[0]: real}))
    return st.tuples(st.one_of(strategies), st.booleans()).map(
        lambda pair: with_seeded_body(*pair, seeded["body"])
    )


def with_seeded_body(case: schemathesis.Case, swap: bool, references: dict[str, int]) -> Any:
    if swap and isinstance(case.body, dict):
        case.body = {**case.body, **{k: v for k, v in references.items() if k in case.body}}
    return case


def failure_of(operation: schemathesis.APIOperation, seeded: dict[str, Any]) -> str | None:
    """The operation's first failing request, shrunk, and what failed; None if none."""
    headers = {"Authorization": f"Token {seeded['token']}"}

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases(operation, seeded))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # the failed checks, with the request
        return f"{operation.label}: {error}"
    return None


def test_api_answers_without_server_error_and_as_its_schema_says(
    seeded: dict[str, Any], settings
) -> None:
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    schema = load_schema(seeded["token"])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, [operation.label for operation in operations]

    failures = [f for operation in operations if (f := failure_of(operation, seeded))]

    assert not failures, "\n\n".join(failures)
