"""Data calls through the API: read-only, for everyone who reads the plan."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.models import DataCall
from plans.models import Office
from tests.factories import DataCallFactory, PlanFactory
from tests.queries import request_overhead


def test_data_calls_list_newest_first_with_whether_they_are_open(
    steward_client: Client, data_call: DataCall, locked_call: DataCall, check_response
) -> None:
    response = steward_client.get(reverse("api:data-call-list"))

    check_response(response, "get", "/api/v1/data-calls/")
    rows = response.json()["results"]
    assert [(r["period"], r["is_open"], r["is_overdue"]) for r in rows] == [
        ("FY2026 Q4", True, False),
        ("FY2026 Q3", False, True),
    ]


def test_data_calls_filter_by_quarter(viewer_client: Client, data_call, locked_call) -> None:
    response = viewer_client.get(reverse("api:data-call-list"), {"plan": "ice-plan", "quarter": 3})

    assert [row["id"] for row in response.json()["results"]] == [locked_call.pk]


def test_data_call_detail(reporter_client: Client, data_call: DataCall, check_response) -> None:
    response = reporter_client.get(reverse("api:data-call-detail", args=[data_call.pk]))

    check_response(response, "get", "/api/v1/data-calls/{id}/")
    assert response.json()["plan"] == "ice-plan"


def test_outsider_gets_404_for_a_data_call(outsider_client: Client, data_call: DataCall) -> None:
    response = outsider_client.get(reverse("api:data-call-detail", args=[data_call.pk]))

    assert response.status_code == 404
    assert outsider_client.get(reverse("api:data-call-list")).json()["count"] == 0


def test_data_calls_are_read_only(lead_client: Client, data_call: DataCall) -> None:
    response = lead_client.post(reverse("api:data-call-list"), {})

    assert response.status_code == 405


def test_data_call_list_costs_the_same_queries_for_1_and_50_calls(
    admin_client: Client, offices: dict[str, Office]
) -> None:
    """Session, user, count, page (and what every request costs): administrators need no
    membership queries."""
    DataCallFactory(plan=PlanFactory(owner=offices["ICE"]))

    with CaptureQueriesContext(connection) as one:
        admin_client.get(reverse("api:data-call-list"))
    for _ in range(49):
        DataCallFactory(plan=PlanFactory(owner=offices["ICE"]))
    with CaptureQueriesContext(connection) as fifty:
        admin_client.get(reverse("api:data-call-list"))

    assert len(one) == len(fifty) == 4 + request_overhead()
