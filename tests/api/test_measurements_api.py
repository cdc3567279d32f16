"""Measurements through the API (metrics/api.py): entering, optimistic locking, the review
workflow, and that every rule of the entry and review pages holds here too.

The ERO steward enters values for "Removals completed" (a count) in the open FY2026 Q4
data call; the ERO approver and the ICE lead review; the ICE viewer and reporter read; the
FEMA steward is an outsider.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.forms import CHANGE_REASON, DONE_NEEDS_DATE, EXPLAIN_MISS, REQUIRED_ON_SUBMIT
from metrics.models import DataCall, Measurement
from metrics.services import COMMENT_REQUIRED
from metrics.values import PERCENT_RANGE, WHOLE_NUMBER
from plans.models import Membership, Metric, Office, User
from tests.api.conftest import send
from tests.factories import MeasurementFactory, MetricFactory, TargetFactory
from tests.queries import request_overhead

Role = Membership.Role
Status = Measurement.Status
LIST = "/api/v1/measurements/"
DETAIL = "/api/v1/measurements/{id}/"


def url(measurement: Measurement, verb: str = "detail") -> str:
    return reverse(f"api:measurement-{verb}", args=[measurement.pk])


def etag(measurement: Measurement) -> str:
    return f'"{measurement.pk}-{measurement.version}"'


@pytest.fixture
def draft(data_call: DataCall, ero_metric: Metric) -> Measurement:
    return MeasurementFactory(metric=ero_metric, value=Decimal(120), status=Status.DRAFT)


@pytest.fixture
def submitted(data_call: DataCall, ero_metric: Metric) -> Measurement:
    return MeasurementFactory(metric=ero_metric, value=Decimal(120), status=Status.SUBMITTED)


def new_value(data_call: DataCall, metric: Metric, **fields: object) -> dict:
    return {"data_call": data_call.pk, "metric": metric.pk, **fields}


# Reading --------------------------------------------------------------------------------------


def test_readers_list_values_with_their_version(
    reporter_client: Client, draft: Measurement, check_response
) -> None:
    response = reporter_client.get(reverse("api:measurement-list"))

    check_response(response, "get", LIST)
    [row] = response.json()["results"]
    assert (row["id"], row["office"], row["period"], row["value"], row["version"]) == (
        draft.pk,
        "ERO",
        "FY2026 Q4",
        "120.0000",
        1,
    )


def test_value_detail_sends_its_etag(viewer_client: Client, draft: Measurement, check_response):
    response = viewer_client.get(url(draft))

    check_response(response, "get", DETAIL)
    assert response.headers["ETag"] == f'"{draft.pk}-1"'


def test_outsider_gets_404_for_a_value_and_an_empty_list(
    outsider_client: Client, draft: Measurement
) -> None:
    assert outsider_client.get(url(draft)).status_code == 404
    assert outsider_client.get(reverse("api:measurement-list")).json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"office": "ERO"}, ["ERO"]),
        ({"office": "HSI", "status": "submitted"}, ["HSI"]),
        ({"fiscal_year": 2026, "quarter": 4}, ["ERO", "HSI"]),
        ({"quarter": 3}, []),
        ({"plan": "another-plan"}, []),
        ({"whole_year": "true"}, []),
    ],
)
def test_values_filter_by_plan_office_period_and_status(
    admin_client: Client, draft: Measurement, hsi_metric: Metric, query: dict, expected: list
) -> None:
    MeasurementFactory(metric=hsi_metric, status=Status.SUBMITTED)

    response = admin_client.get(reverse("api:measurement-list"), query)

    assert [row["office"] for row in response.json()["results"]] == expected


def test_an_unknown_quarter_is_a_400_naming_it(admin_client: Client, draft, check_response):
    response = admin_client.get(reverse("api:measurement-list"), {"quarter": 5})

    check_response(response, "get", LIST)
    assert response.status_code == 400
    assert list(response.json()) == ["quarter"]


def _queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_value_list_costs_the_same_queries_for_1_and_50_values(
    make_user: Callable[..., User], data_call: DataCall, ero_metric: Metric, offices
) -> None:
    """Session, user, memberships, office tree, count, page with everything selected."""
    client = Client()
    client.force_login(make_user(Role.VIEWER, "ICE"))
    steward = make_user(Role.DATA_STEWARD, "ERO")
    people = {"entered_by": steward, "submitted_by": steward, "reviewed_by": steward}
    MeasurementFactory(metric=ero_metric, **people)
    one = _queries(client, reverse("api:measurement-list"))

    for _ in range(49):
        metric = MetricFactory(element=ero_metric.element, owner_office=offices["ERO"])
        MeasurementFactory(metric=metric, **people)

    assert _queries(client, reverse("api:measurement-list")) == one == 6 + request_overhead()


# Entering -------------------------------------------------------------------------------------


def test_steward_enters_a_draft_value(
    steward_client: Client, data_call: DataCall, ero_metric: Metric, check_response
) -> None:
    body = new_value(data_call, ero_metric, value=130, explanation="Surge staffing")

    response = send(steward_client, "post", reverse("api:measurement-list"), body)

    check_response(response, "post", LIST)
    assert response.status_code == 201
    stored = Measurement.objects.get()
    assert (stored.value, stored.status, stored.version) == (Decimal(130), Status.DRAFT, 1)
    assert stored.entered_by.username == "data_steward-ero"
    assert response.headers["ETag"] == etag(stored)
    assert response.headers["Location"] == url(stored)
    assert stored.history.latest().history_change_reason == "Draft saved"


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("viewer_client", 403),
        ("reporter_client", 403),
        ("approver_client", 403),
        ("lead_client", 403),
        ("outsider_client", 404),
    ],
)
def test_only_the_offices_stewards_enter_values(
    request, client_name: str, status: int, data_call: DataCall, ero_metric: Metric
) -> None:
    client = request.getfixturevalue(client_name)

    response = send(
        client, "post", reverse("api:measurement-list"), new_value(data_call, ero_metric, value=5)
    )

    assert response.status_code == status
    assert not Measurement.objects.exists()


def test_steward_cannot_enter_another_offices_value(
    steward_client: Client, data_call: DataCall, hsi_metric: Metric
) -> None:
    body = new_value(data_call, hsi_metric, value=5)

    response = send(steward_client, "post", reverse("api:measurement-list"), body)

    assert response.status_code == 403
    assert "HSI" in response.json()["detail"]


def test_anonymous_cannot_enter_a_value(data_call: DataCall, ero_metric: Metric) -> None:
    response = send(
        Client(), "post", reverse("api:measurement-list"), new_value(data_call, ero_metric, value=5)
    )

    assert response.status_code == 401


def test_a_count_must_be_whole(
    steward_client: Client, data_call: DataCall, ero_metric: Metric, check_response
) -> None:
    body = new_value(data_call, ero_metric, value="12.5")

    response = send(steward_client, "post", reverse("api:measurement-list"), body)

    check_response(response, "post", LIST)
    assert response.status_code == 400
    assert response.json() == {"value": [WHOLE_NUMBER]}
    assert not Measurement.objects.exists()


def test_a_number_that_is_not_one_is_a_400_naming_the_field(
    steward_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    body = new_value(data_call, ero_metric, value="lots")

    response = send(steward_client, "post", reverse("api:measurement-list"), body)

    assert response.status_code == 400
    assert list(response.json()) == ["value"]


def test_a_percentage_takes_numerator_and_denominator_and_refuses_a_value(
    steward_client: Client, data_call: DataCall, objective, offices
) -> None:
    metric = MetricFactory(
        element=objective,
        owner_office=offices["ERO"],
        kind=Metric.Kind.PERCENTAGE,
        unit=Metric.Unit.PERCENT,
    )
    create = reverse("api:measurement-list")

    refused = send(steward_client, "post", create, new_value(data_call, metric, value=50))
    accepted = send(
        steward_client, "post", create, new_value(data_call, metric, numerator=3, denominator=12)
    )

    assert refused.status_code == 400
    assert refused.json() == {"value": ["A percentage metric does not use this field."]}
    assert accepted.status_code == 201
    assert accepted.json()["value"] == "25.0000"


def test_a_milestone_refuses_even_a_zero_value_and_needs_the_date_it_was_done(
    steward_client: Client, data_call: DataCall, objective, offices
) -> None:
    metric = MetricFactory(
        element=objective, owner_office=offices["ERO"], kind=Metric.Kind.MILESTONE
    )
    create = reverse("api:measurement-list")

    zero = send(steward_client, "post", create, new_value(data_call, metric, value="0"))
    undated = send(
        steward_client, "post", create, new_value(data_call, metric, milestone_status="done")
    )

    assert zero.json() == {"value": ["A milestone metric does not use this field."]}
    assert undated.json() == {"milestone_date": [DONE_NEEDS_DATE]}
    assert not Measurement.objects.exists()


def test_a_percent_value_stays_within_its_range(
    steward_client: Client, data_call: DataCall, objective, offices
) -> None:
    metric = MetricFactory(element=objective, owner_office=offices["ERO"], unit=Metric.Unit.PERCENT)

    response = send(
        steward_client,
        "post",
        reverse("api:measurement-list"),
        new_value(data_call, metric, value=140),
    )

    assert response.json() == {"value": [PERCENT_RANGE.format(low=0, high=100)]}


def test_a_value_for_a_locked_quarter_is_refused(
    steward_client: Client, locked_call: DataCall, ero_metric: Metric, check_response
) -> None:
    body = new_value(locked_call, ero_metric, value=5)

    response = send(steward_client, "post", reverse("api:measurement-list"), body)

    check_response(response, "post", LIST)
    assert response.status_code == 400
    assert "closed on" in response.json()["non_field_errors"][0]
    assert not Measurement.objects.exists()


def test_a_value_the_call_does_not_collect_is_a_400_naming_the_metric(
    steward_client: Client, data_call: DataCall, ero_metric: Metric, objective, offices
) -> None:
    """An annual metric is collected by the fourth quarter's call only."""
    q3 = DataCall.objects.create(
        plan=data_call.plan,
        fiscal_year=2027,
        quarter=1,
        opens_on=data_call.opens_on,
        due_on=data_call.due_on,
    )
    annual = MetricFactory(
        element=objective, owner_office=offices["ERO"], frequency=Metric.Frequency.ANNUAL
    )

    response = send(
        steward_client, "post", reverse("api:measurement-list"), new_value(q3, annual, value=5)
    )

    assert response.status_code == 400
    assert "is not collected by the FY2027 Q1 data call" in response.json()["metric"][0]


def test_entering_a_value_that_exists_is_a_409_pointing_at_it(
    steward_client: Client, draft: Measurement, data_call: DataCall, ero_metric: Metric
) -> None:
    body = new_value(data_call, ero_metric, value=5)

    response = send(steward_client, "post", reverse("api:measurement-list"), body)

    assert response.status_code == 409
    assert url(draft) in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.value == Decimal(120)


def test_an_empty_value_is_a_400(steward_client: Client, data_call: DataCall, ero_metric: Metric):
    response = send(
        steward_client, "post", reverse("api:measurement-list"), new_value(data_call, ero_metric)
    )

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]


def test_a_missing_reference_is_a_400_naming_it(steward_client: Client, data_call: DataCall):
    response = send(steward_client, "post", reverse("api:measurement-list"), {"value": 5})

    assert response.status_code == 400
    assert set(response.json()) == {"data_call", "metric"}


# Changing, with optimistic locking --------------------------------------------------------


def test_steward_changes_a_value_with_if_match(
    steward_client: Client, draft: Measurement, check_response
) -> None:
    response = send(steward_client, "patch", url(draft), {"value": 125}, if_match=etag(draft))

    check_response(response, "patch", DETAIL)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.value, draft.version) == (Decimal(125), 2)
    assert response.headers["ETag"] == f'"{draft.pk}-2"'


def test_patch_keeps_the_fields_it_does_not_send(steward_client: Client, draft: Measurement):
    draft.explanation = "Kept"
    draft.save()

    send(steward_client, "patch", url(draft), {"value": 125, "version": 1})

    draft.refresh_from_db()
    assert (draft.value, draft.explanation) == (Decimal(125), "Kept")


def test_put_replaces_every_field(steward_client: Client, draft: Measurement, check_response):
    draft.explanation = "Dropped"
    draft.save()

    response = send(steward_client, "put", url(draft), {"value": 125}, if_match=etag(draft))

    check_response(response, "put", DETAIL)
    draft.refresh_from_db()
    assert (draft.value, draft.explanation) == (Decimal(125), "")


def test_a_stale_if_match_is_a_412_and_changes_nothing(
    steward_client: Client, draft: Measurement, check_response
) -> None:
    seen = etag(draft)
    send(steward_client, "patch", url(draft), {"value": 121}, if_match=seen)

    response = send(steward_client, "patch", url(draft), {"value": 999}, if_match=seen)

    check_response(response, "patch", DETAIL)
    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    assert response.headers["ETag"] == f'"{draft.pk}-2"'
    assert "Nothing was saved" in response.json()["detail"]
    draft.refresh_from_db()
    assert (draft.value, draft.version, draft.history.count()) == (Decimal(121), 2, 2)


def test_a_stale_body_version_is_a_409_and_changes_nothing(
    steward_client: Client, draft: Measurement, check_response
) -> None:
    draft.version = 3
    draft.save()

    response = send(steward_client, "patch", url(draft), {"value": 999, "version": 2})

    check_response(response, "patch", DETAIL)
    assert response.status_code == 409
    assert response.json()["current_version"] == 3
    draft.refresh_from_db()
    assert (draft.value, draft.version) == (Decimal(120), 3)


def test_a_stale_version_wins_over_invalid_content(steward_client: Client, draft: Measurement):
    """Preconditions are checked before the body: the client must re-read first."""
    response = send(steward_client, "patch", url(draft), {"value": "x"}, if_match=f'"{draft.pk}-9"')

    assert response.status_code == 412


def test_another_objects_etag_is_a_412(steward_client: Client, draft: Measurement) -> None:
    response = send(
        steward_client, "patch", url(draft), {"value": 5}, if_match=f'"{draft.pk + 1}-1"'
    )

    assert response.status_code == 412


def test_a_change_without_a_version_is_a_428(
    steward_client: Client, draft: Measurement, check_response
) -> None:
    response = send(steward_client, "patch", url(draft), {"value": 999})

    check_response(response, "patch", DETAIL)
    assert response.status_code == 428
    draft.refresh_from_db()
    assert draft.value == Decimal(120)


@pytest.mark.parametrize("header", ["*", '"1-1", "1-2"', "3"])
def test_an_if_match_that_is_not_one_etag_is_a_400(
    steward_client: Client, draft: Measurement, header: str
) -> None:
    response = send(steward_client, "patch", url(draft), {"value": 5}, if_match=header)

    assert response.status_code == 400
    assert list(response.json()) == ["If-Match"]


def test_if_match_and_body_version_must_agree(steward_client: Client, draft: Measurement):
    response = send(
        steward_client, "patch", url(draft), {"value": 5, "version": 2}, if_match=etag(draft)
    )

    assert response.status_code == 400
    assert list(response.json()) == ["version"]


def test_viewer_gets_403_changing_a_value(viewer_client: Client, draft: Measurement) -> None:
    response = send(viewer_client, "patch", url(draft), {"value": 5}, if_match=etag(draft))

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.value == Decimal(120)


def test_outsider_gets_404_changing_a_value(outsider_client: Client, draft: Measurement):
    response = send(outsider_client, "patch", url(draft), {"value": 5}, if_match=etag(draft))

    assert response.status_code == 404


def test_a_value_of_a_locked_quarter_cannot_change(
    steward_client: Client, locked_call: DataCall, ero_metric: Metric
) -> None:
    value = MeasurementFactory(metric=ero_metric, quarter=3)

    response = send(steward_client, "patch", url(value), {"value": 5}, if_match=etag(value))

    assert response.status_code == 400
    assert "closed on" in response.json()["non_field_errors"][0]


def test_an_approved_value_changes_only_with_a_reason_and_goes_back_to_review(
    steward_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    approved = MeasurementFactory(metric=ero_metric, status=Status.APPROVED)

    refused = send(steward_client, "patch", url(approved), {"value": 90}, if_match=etag(approved))
    accepted = send(
        steward_client,
        "patch",
        url(approved),
        {"value": 90, "change_reason": "Late field reports"},
        if_match=etag(approved),
    )

    assert refused.status_code == 400
    assert refused.json() == {"change_reason": [CHANGE_REASON]}
    assert accepted.status_code == 200
    approved.refresh_from_db()
    assert (approved.value, approved.status) == (Decimal(90), Status.SUBMITTED)
    assert approved.history.latest().history_change_reason == "Late field reports"


# Submitting -----------------------------------------------------------------------------------


def test_steward_submits_a_draft(
    steward_client: Client, draft: Measurement, check_response
) -> None:
    response = send(steward_client, "post", url(draft, "submit"), if_match=etag(draft))

    check_response(response, "post", "/api/v1/measurements/{id}/submit/")
    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.status, draft.version, draft.submitted_by.username) == (
        Status.SUBMITTED,
        2,
        "data_steward-ero",
    )


def test_submitting_a_value_that_misses_its_target_needs_an_explanation(
    steward_client: Client, draft: Measurement, ero_metric: Metric, check_response
) -> None:
    TargetFactory(metric=ero_metric, value=Decimal(200))

    response = send(steward_client, "post", url(draft, "submit"), {"version": 1})

    check_response(response, "post", "/api/v1/measurements/{id}/submit/")
    assert response.status_code == 400
    assert response.json() == {"explanation": [EXPLAIN_MISS]}
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_submitting_needs_a_value(steward_client: Client, draft: Measurement) -> None:
    draft.value, draft.explanation = None, "Numbers are late"
    draft.save()

    response = send(steward_client, "post", url(draft, "submit"), {"version": 1})

    assert response.json() == {"value": [REQUIRED_ON_SUBMIT]}


def test_viewer_gets_403_submitting(viewer_client: Client, draft: Measurement) -> None:
    response = send(viewer_client, "post", url(draft, "submit"), if_match=etag(draft))

    assert response.status_code == 403


# Reviewing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["approver_client", "lead_client", "admin_client"])
def test_reviewers_approve_a_submitted_value(
    request, client_name: str, submitted: Measurement, check_response
) -> None:
    client = request.getfixturevalue(client_name)

    response = send(client, "post", url(submitted, "approve"), if_match=etag(submitted))

    check_response(response, "post", "/api/v1/measurements/{id}/approve/")
    assert response.status_code == 200
    submitted.refresh_from_db()
    assert (submitted.status, submitted.version) == (Status.APPROVED, 2)
    assert response.json()["status"] == "approved"


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("steward_client", 403),
        ("viewer_client", 403),
        ("reporter_client", 403),
        ("outsider_client", 404),
    ],
)
def test_others_cannot_approve(request, client_name: str, status: int, submitted: Measurement):
    client = request.getfixturevalue(client_name)

    response = send(client, "post", url(submitted, "approve"), if_match=etag(submitted))

    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_approving_a_draft_is_a_400_naming_the_status(
    approver_client: Client, draft: Measurement, check_response
) -> None:
    response = send(approver_client, "post", url(draft, "approve"), if_match=etag(draft))

    check_response(response, "post", "/api/v1/measurements/{id}/approve/")
    assert response.status_code == 400
    assert "only submitted values can be approved" in response.json()["status"][0]


def test_approving_a_stale_version_is_a_412(
    approver_client: Client, submitted: Measurement
) -> None:
    response = send(
        approver_client, "post", url(submitted, "approve"), if_match=f'"{submitted.pk}-7"'
    )

    assert response.status_code == 412
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_approver_returns_a_value_with_a_comment(
    approver_client: Client, submitted: Measurement, check_response
) -> None:
    response = send(
        approver_client,
        "post",
        url(submitted, "return"),
        {"comment": "Check the Q4 total"},
        if_match=etag(submitted),
    )

    check_response(response, "post", "/api/v1/measurements/{id}/return/")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_comment) == (Status.RETURNED, "Check the Q4 total")
    assert submitted.history.latest().history_change_reason == "Returned: Check the Q4 total"


def test_returning_without_a_comment_is_a_400_naming_the_comment(
    approver_client: Client, submitted: Measurement
) -> None:
    response = send(
        approver_client,
        "post",
        url(submitted, "return"),
        {"comment": " "},
        if_match=etag(submitted),
    )

    assert response.status_code == 400
    assert response.json() == {"comment": [COMMENT_REQUIRED]}
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_a_value_outside_any_data_call_cannot_be_reviewed_here(
    approver_client: Client, ero_metric: Metric
) -> None:
    orphan = MeasurementFactory(metric=ero_metric, fiscal_year=2019, status=Status.SUBMITTED)

    response = send(approver_client, "post", url(orphan, "approve"), if_match=etag(orphan))

    assert response.status_code == 400
    assert "No data call" in response.json()["non_field_errors"][0]


def test_annual_values_belong_to_the_fourth_quarters_call(
    steward_client: Client, data_call: DataCall, objective, offices: dict[str, Office]
) -> None:
    annual = MetricFactory(
        element=objective, owner_office=offices["ERO"], frequency=Metric.Frequency.ANNUAL
    )
    created = send(
        steward_client,
        "post",
        reverse("api:measurement-list"),
        new_value(data_call, annual, value=7),
    )

    value = Measurement.objects.get(metric=annual)
    changed = send(steward_client, "patch", url(value), {"value": 8}, if_match=etag(value))

    assert (created.status_code, changed.status_code) == (201, 200)
    assert created.json()["quarter"] is None
    assert changed.json()["period"] == "FY2026"


def test_reopened_call_lets_an_office_with_an_exception_enter(
    steward_client: Client, locked_call: DataCall, ero_metric: Metric, today, offices
) -> None:
    locked_call.exceptions.create(
        office=offices["ERO"], until=today + timedelta(days=2), reason="Field outage"
    )

    response = send(
        steward_client,
        "post",
        reverse("api:measurement-list"),
        new_value(locked_call, ero_metric, value=5),
    )

    assert response.status_code == 201
