"""Targets through the API: everyone who reads a metric reads its targets; the plan's
working-group leads set, change and clear them, with optimistic locking and history.

The plan runs FY2021-FY2025, so new targets may be set for those years (as on the targets
page); "Removals completed" is a quarterly count owned by ERO.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from metrics.api import NO_TARGET
from metrics.models import Target
from metrics.target_forms import MIN_ABOVE_MAX
from metrics.values import WHOLE_NUMBER
from plans.models import Metric
from tests.api.conftest import send
from tests.factories import MetricFactory, TargetFactory

LIST = "/api/v1/targets/"
DETAIL = "/api/v1/targets/{id}/"


def url(target: Target) -> str:
    return reverse("api:target-detail", args=[target.pk])


def etag(target: Target) -> str:
    return f'"{target.pk}-{target.version}"'


@pytest.fixture
def target(ero_metric: Metric) -> Target:
    return TargetFactory(metric=ero_metric, fiscal_year=2025, quarter=1, value=Decimal(100))


def new_target(metric: Metric, **fields: object) -> dict:
    return {"metric": metric.pk, "fiscal_year": 2025, "quarter": 2, **fields}


def test_readers_list_targets(viewer_client: Client, target: Target, check_response) -> None:
    response = viewer_client.get(reverse("api:target-list"), {"fiscal_year": 2025, "office": "ERO"})

    check_response(response, "get", LIST)
    [row] = response.json()["results"]
    assert (row["id"], row["period"], row["value"], row["version"]) == (
        target.pk,
        "FY2025 Q1",
        "100.0000",
        1,
    )


def test_target_detail_sends_its_etag(reporter_client: Client, target: Target, check_response):
    response = reporter_client.get(url(target))

    check_response(response, "get", DETAIL)
    assert response.headers["ETag"] == etag(target)


def test_outsider_gets_404_for_a_target(outsider_client: Client, target: Target) -> None:
    assert outsider_client.get(url(target)).status_code == 404
    assert outsider_client.get(reverse("api:target-list")).json()["count"] == 0


def test_lead_sets_a_target_with_a_reason(
    lead_client: Client, ero_metric: Metric, check_response
) -> None:
    body = new_target(ero_metric, value=150, reason="Budget request")

    response = send(lead_client, "post", reverse("api:target-list"), body)

    check_response(response, "post", LIST)
    assert response.status_code == 201
    stored = Target.objects.get()
    assert (stored.value, stored.quarter, stored.updated_by.username) == (
        Decimal(150),
        2,
        "working_group_lead-ice",
    )
    assert stored.history.latest().history_change_reason == "Budget request"
    assert response.headers["Location"] == url(stored)


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("steward_client", 403),
        ("approver_client", 403),
        ("viewer_client", 403),
        ("reporter_client", 403),
        ("outsider_client", 404),
    ],
)
def test_only_leads_set_targets(request, client_name: str, status: int, ero_metric: Metric):
    client = request.getfixturevalue(client_name)

    response = send(client, "post", reverse("api:target-list"), new_target(ero_metric, value=1))

    assert response.status_code == status
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"value": "1.5"}, {"value": [WHOLE_NUMBER]}),
        ({"min_value": 5}, {"min_value": ["This metric's targets do not use this field."]}),
        (
            {"value": 5, "quarter": 5},
            {"quarter": ["Ensure this value is less than or equal to 4."]},
        ),
        (
            {"value": 5, "fiscal_year": 2031},
            {
                "fiscal_year": [
                    "FY2031 is outside the fiscal years of the plan's targets (2021-2025)."
                ]
            },
        ),
        ({}, {"non_field_errors": [NO_TARGET]}),
    ],
)
def test_invalid_targets_are_a_400_naming_the_field(
    lead_client: Client, ero_metric: Metric, fields: dict, errors: dict, check_response
) -> None:
    response = send(
        lead_client, "post", reverse("api:target-list"), new_target(ero_metric, **fields)
    )

    check_response(response, "post", LIST)
    assert response.json() == errors
    assert not Target.objects.exists()


def test_a_range_targets_minimum_cannot_pass_its_maximum(
    lead_client: Client, objective, offices
) -> None:
    metric = MetricFactory(
        element=objective, owner_office=offices["ERO"], direction=Metric.Direction.RANGE
    )

    response = send(
        lead_client,
        "post",
        reverse("api:target-list"),
        new_target(metric, min_value=9, max_value=3),
    )

    assert response.json() == {"min_value": [MIN_ABOVE_MAX]}


def test_an_annual_metrics_target_has_no_quarter(lead_client: Client, objective, offices):
    metric = MetricFactory(
        element=objective, owner_office=offices["ERO"], frequency=Metric.Frequency.ANNUAL
    )

    response = send(lead_client, "post", reverse("api:target-list"), new_target(metric, value=3))

    assert list(response.json()) == ["quarter"]


def test_setting_a_target_that_exists_is_a_409(lead_client: Client, target: Target) -> None:
    body = new_target(target.metric, quarter=1, value=3)

    response = send(lead_client, "post", reverse("api:target-list"), body)

    assert response.status_code == 409
    assert url(target) in response.json()["detail"]


def test_lead_changes_a_target_with_if_match(
    lead_client: Client, target: Target, check_response
) -> None:
    response = send(lead_client, "patch", url(target), {"value": 110}, if_match=etag(target))

    check_response(response, "patch", DETAIL)
    target.refresh_from_db()
    assert (target.value, target.version) == (Decimal(110), 2)
    assert response.headers["ETag"] == f'"{target.pk}-2"'


def test_a_stale_if_match_on_a_target_is_a_412_and_changes_nothing(
    lead_client: Client, target: Target, check_response
) -> None:
    seen = etag(target)
    send(lead_client, "put", url(target), {"value": 110}, if_match=seen)

    response = send(lead_client, "put", url(target), {"value": 999}, if_match=seen)

    check_response(response, "put", DETAIL)
    assert response.status_code == 412
    target.refresh_from_db()
    assert (target.value, target.version) == (Decimal(110), 2)


def test_a_stale_body_version_on_a_target_is_a_409(lead_client: Client, target: Target):
    target.version = 4
    target.save()

    response = send(lead_client, "patch", url(target), {"value": 999, "version": 3})

    assert (response.status_code, response.json()["current_version"]) == (409, 4)
    target.refresh_from_db()
    assert target.value == Decimal(100)


def test_changing_a_target_without_a_version_is_a_428(lead_client: Client, target: Target):
    response = send(lead_client, "patch", url(target), {"value": 999})

    assert response.status_code == 428


def test_viewer_gets_403_changing_a_target(viewer_client: Client, target: Target) -> None:
    response = send(viewer_client, "patch", url(target), {"value": 1}, if_match=etag(target))

    assert response.status_code == 403


def test_lead_clears_a_target(lead_client: Client, target: Target, check_response) -> None:
    response = send(lead_client, "delete", url(target), if_match=etag(target))

    check_response(response, "delete", DETAIL)
    assert response.status_code == 204
    assert not Target.objects.exists()
    assert Target.history.latest().history_type == "-"


def test_clearing_a_stale_target_is_a_412(lead_client: Client, target: Target) -> None:
    response = send(lead_client, "delete", url(target), if_match=f'"{target.pk}-9"')

    assert response.status_code == 412
    assert Target.objects.exists()


def test_steward_gets_403_clearing_a_target(steward_client: Client, target: Target) -> None:
    response = send(steward_client, "delete", url(target), if_match=etag(target))

    assert response.status_code == 403
