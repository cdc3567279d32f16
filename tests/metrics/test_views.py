"""The pages of quarterly data collection (metrics/views.py), through the test client.

The plan belongs to ICE; under its objective 1.1 ERO owns "Removals completed" and HSI owns
"Criminal arrests". The `data_call` (FY2026 Q4) is open from ten days ago until ten days
from now, because the views lock by the real `timezone.localdate()`; the `locked_call`
(FY2026 Q3) closed yesterday. Role clients: steward and approver of ERO, lead, reporter and
viewer of ICE, outsider (a FEMA steward), administrator.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.forms import (
    CHANGE_REASON,
    EXPLAIN_MISS,
    EXPLAIN_MOVE,
    REASON_NOT_AVAILABLE,
    REQUIRED_ON_SUBMIT,
)
from metrics.models import DataCall, DataCallException, Measurement
from metrics.values import NOT_A_NUMBER, WHOLE_NUMBER
from plans.models import Membership, Metric, Office, Plan, PlanElement, User
from tests.factories import (
    DataCallFactory,
    MeasurementFactory,
    MetricFactory,
    OfficeFactory,
    TargetFactory,
)
from tests.metrics.conftest import signed_in

Role = Membership.Role
Status = Measurement.Status

# WhiteNoise warns once per client that STATIC_ROOT was never collected; tests need no files.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def text(response) -> str:
    """The page's HTML with entities decoded."""
    return html.unescape(response.content.decode())


def words(page: str) -> str:
    """What a reader sees: tags dropped, entities decoded, whitespace collapsed. Assertions
    on it survive changes of markup."""
    spaced = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    return re.sub(r" ([:;,.)”])", r"\1", spaced)


def error_of(response, auto_id: str) -> str | None:
    """The error message shown next to a field (the element `<auto_id>-error`)."""
    found = re.search(rf'id="{re.escape(auto_id)}-error"[^>]*>(.*?)</', text(response), re.S)
    return found[1].strip() if found else None


def control_value(response, name: str) -> str | None:
    """What the input or textarea named `name` holds as the page is served."""
    page = response.content.decode()
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    if tag:
        value = re.search(r'\bvalue="([^"]*)"', tag[0])
        return html.unescape(value[1]) if value else None
    area = re.search(rf'<textarea[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(area[1]).strip() if area else None


def entry_url(data_call: DataCall, office: str = "ERO") -> str:
    return reverse("metrics:quarter-entry", args=[data_call.pk, office])


def review_url(data_call: DataCall, office: str = "ERO") -> str:
    return reverse("metrics:quarter-review", args=[data_call.pk, office])


def field(metric: Metric, name: str) -> str:
    return f"m{metric.pk}-{name}"


def error_next_to(response, metric: Metric, name: str) -> str | None:
    return error_of(response, f"id_m{metric.pk}-{name}")


@pytest.fixture
def detainers(objective: PlanElement, offices: dict[str, Office]) -> Metric:
    """A second ERO metric, after "Removals completed"."""
    return MetricFactory(
        element=objective, name="Detainers issued", owner_office=offices["ERO"], order=2
    )


# Permission matrix ---------------------------------------------------------------------------

CLIENTS = [
    "steward_client",
    "approver_client",
    "lead_client",
    "reporter_client",
    "viewer_client",
    "outsider_client",
    "admin_client",
]
# (URL name, office, method) -> the status each client in CLIENTS gets.
MATRIX: dict[tuple[str, str | None, str], tuple[int, ...]] = {
    ("my-data-calls", None, "get"): (200, 200, 200, 200, 200, 200, 200),
    ("data-call-list", None, "get"): (200, 200, 200, 200, 200, 404, 200),
    ("data-call-list", None, "post"): (403, 403, 302, 403, 403, 404, 302),
    ("data-call-board", None, "get"): (200, 200, 200, 200, 200, 404, 200),
    ("data-call-exception", None, "post"): (403, 403, 302, 403, 403, 404, 302),
    ("quarter-entry", "ERO", "get"): (200, 403, 403, 403, 403, 404, 200),
    ("quarter-entry", "HSI", "get"): (403, 403, 403, 403, 403, 404, 200),
    ("quarter-entry", "ERO", "post"): (302, 403, 403, 403, 403, 404, 302),
    ("quarter-review", "ERO", "get"): (403, 200, 200, 403, 403, 404, 200),
    ("quarter-review", "HSI", "get"): (403, 403, 200, 403, 403, 404, 200),
    ("quarter-review", "ERO", "post"): (403, 302, 302, 403, 403, 404, 302),
    ("metric-values", None, "get"): (200, 200, 200, 200, 200, 404, 200),
}
CASES = [
    pytest.param(client, name, office, method, statuses[i], id=f"{client}-{method}-{name}-{office}")
    for (name, office, method), statuses in MATRIX.items()
    for i, client in enumerate(CLIENTS)
]


@pytest.fixture
def world(
    data_call: DataCall, ero_metric: Metric, detainers: Metric, today: date
) -> dict[str, object]:
    """The data call with one submitted ERO value to review and one ERO metric to enter."""
    submitted = MeasurementFactory(metric=detainers, status=Status.SUBMITTED, version=2)
    return {"data_call": data_call, "metric": ero_metric, "submitted": submitted, "today": today}


def url_of(name: str, office: str | None, world: dict) -> str:
    data_call: DataCall = world["data_call"]
    args = {
        "my-data-calls": [],
        "data-call-list": [data_call.plan.slug],
        "data-call-board": [data_call.pk],
        "data-call-exception": [data_call.pk],
        "quarter-entry": [data_call.pk, office],
        "quarter-review": [data_call.pk, office],
        "metric-values": [world["metric"].pk],
    }[name]
    return reverse(f"metrics:{name}", args=args)


def payload_of(name: str, world: dict) -> dict[str, object]:
    today: date = world["today"]
    metric: Metric = world["metric"]
    submitted: Measurement = world["submitted"]
    return {
        "data-call-list": {
            "fiscal_year": 2027,
            "quarter": 1,
            "opens_on": today.isoformat(),
            "due_on": (today + timedelta(days=30)).isoformat(),
            "reminder_days_before": 7,
        },
        "data-call-exception": {
            "office": "ERO",
            "until": (today + timedelta(days=20)).isoformat(),
            "reason": "Audit",
        },
        "quarter-entry": {
            "action": "save",
            field(metric, "value"): "120",
            field(submitted.metric, "value"): "100",
            field(submitted.metric, "version"): "2",
        },
        "quarter-review": {
            "action": "approve",
            "selected": [submitted.pk],
            f"version-{submitted.pk}": "2",
        },
    }.get(name, {})


def stored_state() -> tuple:
    return (
        list(DataCall.objects.values_list("fiscal_year", "quarter")),
        list(DataCallException.objects.values_list("office__code", "until")),
        list(Measurement.objects.values_list("metric_id", "value", "status", "version")),
    )


@pytest.mark.parametrize(("client_name", "name", "office", "method", "expected"), CASES)
def test_each_role_gets_its_status_and_changes_only_what_it_may(
    request: pytest.FixtureRequest,
    world: dict,
    client_name: str,
    name: str,
    office: str | None,
    method: str,
    expected: int,
) -> None:
    client: Client = request.getfixturevalue(client_name)
    url = url_of(name, office, world)
    before = stored_state()

    response = getattr(client, method)(url, payload_of(name, world) if method == "post" else {})

    assert response.status_code == expected
    changed = stored_state() != before
    assert changed is (method == "post" and expected == 302)


@pytest.mark.parametrize(
    ("name", "office", "method"),
    [
        ("my-data-calls", None, "POST"),
        ("data-call-list", None, "PUT"),
        ("data-call-board", None, "POST"),
        ("data-call-exception", None, "GET"),
        ("quarter-entry", "ERO", "PUT"),
        ("quarter-entry", "ERO", "DELETE"),
        ("quarter-review", "ERO", "PATCH"),
        ("metric-values", None, "POST"),
    ],
)
def test_wrong_method_is_refused_with_405(
    admin_client: Client, world: dict, name: str, office: str | None, method: str
) -> None:
    before = stored_state()

    response = admin_client.generic(method, url_of(name, office, world))

    assert response.status_code == 405
    assert stored_state() == before


@pytest.mark.parametrize(
    ("name", "office", "method"),
    [(name, office, method) for (name, office, method) in MATRIX],
)
def test_anonymous_user_is_sent_to_the_sign_in_page(
    world: dict, name: str, office: str | None, method: str
) -> None:
    url = url_of(name, office, world)
    before = stored_state()

    response = getattr(Client(), method)(url, payload_of(name, world) if method == "post" else {})

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"
    assert stored_state() == before


def test_outsider_learns_nothing_about_a_data_call(outsider_client: Client, world: dict) -> None:
    response = outsider_client.get(url_of("data-call-board", None, world))

    assert response.status_code == 404
    assert "ICE Strategic Plan" not in text(response)


def test_my_data_calls_lists_only_the_calls_of_plans_the_user_can_see(
    outsider_client: Client, viewer_client: Client, data_call: DataCall
) -> None:
    board = reverse("metrics:data-call-board", args=[data_call.pk])

    seen = text(viewer_client.get(reverse("metrics:my-data-calls")))
    unseen = text(outsider_client.get(reverse("metrics:my-data-calls")))

    assert board in seen
    assert "FY2026 Q4" in seen
    assert board not in unseen
    assert "There are no data calls for the plans you can see." in unseen


def test_lead_who_is_also_a_steward_of_ero_may_enter_eros_values(
    lead: User, lead_client: Client, data_call: DataCall, offices: dict[str, Office]
) -> None:
    Membership.objects.create(user=lead, office=offices["ERO"], role=Role.DATA_STEWARD)

    response = lead_client.get(entry_url(data_call))

    assert response.status_code == 200


def test_entry_for_an_office_without_metrics_in_the_call_is_404(
    admin_client: Client, data_call: DataCall
) -> None:
    response = admin_client.get(entry_url(data_call, "FEMA"))

    assert response.status_code == 404


# The entry form ------------------------------------------------------------------------------


def test_entry_page_shows_each_metric_under_its_element_with_unit_target_and_past_values(
    steward_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    TargetFactory(metric=ero_metric, value=Decimal("5000"))
    MeasurementFactory(metric=ero_metric, quarter=3, value=Decimal("4200"), status=Status.APPROVED)

    response = steward_client.get(entry_url(data_call))

    page = words(text(response))
    assert response.status_code == 200
    assert (
        "Goal 1 \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} Objective 1.1 Remove noncitizens"
        in page
    )
    assert "Removals completed" in page
    assert "Criminal arrests" not in page  # HSI's metric
    assert "Count; increase is better" in page
    assert "5,000" in page
    assert "FY2025 Q4 FY2026 Q1 FY2026 Q2 FY2026 Q3" in page
    assert "4,200" in page


def test_saving_a_draft_stores_the_values_and_redirects_back(
    steward: User, steward_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    url = entry_url(data_call)

    response = steward_client.post(
        url,
        {
            "action": "save",
            field(ero_metric, "value"): "1,234",
            field(ero_metric, "explanation"): "",
        },
    )

    assert response.status_code == 302
    assert response.url == url
    measurement = Measurement.objects.get(metric=ero_metric)
    assert (measurement.value, measurement.status) == (Decimal("1234"), Status.DRAFT)
    assert (measurement.fiscal_year, measurement.quarter) == (2026, 4)
    assert measurement.entered_by == steward
    assert measurement.history.latest().history_user == steward
    assert "Your values were saved as a draft." in text(steward_client.get(url))


def test_the_entry_page_shows_stored_values_and_versions_without_errors(
    steward: User, steward_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    MeasurementFactory(metric=ero_metric, quarter=4, value=Decimal("777"), version=3)

    response = steward_client.get(entry_url(data_call))

    page = response.content.decode()
    assert f'name="{field(ero_metric, "value")}" value="777"' in page
    assert f'name="{field(ero_metric, "version")}" value="3"' in page
    assert "problem" not in text(response)


def test_submitting_all_sends_values_for_review_and_emails_the_approver(
    steward_client: Client,
    approver: User,
    data_call: DataCall,
    ero_metric: Metric,
    django_capture_on_commit_callbacks,
    mailoutbox,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = steward_client.post(
            entry_url(data_call), {"action": "submit", field(ero_metric, "value"): "40"}
        )

    assert response.status_code == 302
    assert Measurement.objects.get(metric=ero_metric).status == Status.SUBMITTED
    assert [email.to for email in mailoutbox] == [[approver.email]]


def test_submit_with_a_missing_value_shows_the_error_by_the_field_and_in_the_summary(
    steward_client: Client, data_call: DataCall, ero_metric: Metric, detainers: Metric
) -> None:
    response = steward_client.post(
        entry_url(data_call),
        {
            "action": "submit",
            field(ero_metric, "value"): "1,234",
            field(ero_metric, "explanation"): "Typed with care",
            field(detainers, "value"): "",
        },
    )

    assert response.status_code == 200
    assert error_next_to(response, detainers, "value") == REQUIRED_ON_SUBMIT
    assert error_next_to(response, ero_metric, "value") is None
    assert "1 problem to fix; nothing was saved" in words(text(response))
    summary_link = re.search(
        rf'<a[^>]*href="#id_m{detainers.pk}-value"[^>]*>(.*?)</a>', text(response)
    )
    assert summary_link
    assert summary_link[1] == f"Detainers issued: {REQUIRED_ON_SUBMIT}"
    assert control_value(response, field(ero_metric, "value")) == "1,234"
    assert control_value(response, field(ero_metric, "explanation")) == "Typed with care"
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(("typed", "message"), [("12.5", WHOLE_NUMBER), ("lots", NOT_A_NUMBER)])
def test_a_value_the_unit_does_not_accept_is_shown_next_to_its_field(
    steward_client: Client, data_call: DataCall, ero_metric: Metric, typed: str, message: str
) -> None:
    response = steward_client.post(
        entry_url(data_call), {"action": "save", field(ero_metric, "value"): typed}
    )

    assert response.status_code == 200
    assert error_next_to(response, ero_metric, "value") == message
    assert control_value(response, field(ero_metric, "value")) == typed
    assert not Measurement.objects.exists()


def test_submit_needs_an_explanation_when_the_value_misses_its_target(
    steward_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    TargetFactory(metric=ero_metric, value=Decimal("500"))

    response = steward_client.post(
        entry_url(data_call), {"action": "submit", field(ero_metric, "value"): "480"}
    )

    assert response.status_code == 200
    assert error_next_to(response, ero_metric, "explanation") == EXPLAIN_MISS
    assert not Measurement.objects.exists()


def test_submit_with_an_explanation_of_the_missed_target_is_accepted(
    steward_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    TargetFactory(metric=ero_metric, value=Decimal("500"))

    response = steward_client.post(
        entry_url(data_call),
        {
            "action": "submit",
            field(ero_metric, "value"): "480",
            field(ero_metric, "explanation"): "Two field offices were closed by storms.",
        },
    )

    assert response.status_code == 302
    measurement = Measurement.objects.get(metric=ero_metric)
    assert measurement.status == Status.SUBMITTED
    assert measurement.explanation == "Two field offices were closed by storms."


def test_submit_needs_an_explanation_when_the_value_moves_more_than_half(
    steward_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    MeasurementFactory(metric=ero_metric, quarter=3, value=Decimal("100"), status=Status.APPROVED)

    response = steward_client.post(
        entry_url(data_call), {"action": "submit", field(ero_metric, "value"): "151"}
    )

    assert response.status_code == 200
    assert error_next_to(response, ero_metric, "explanation") == EXPLAIN_MOVE
    assert not Measurement.objects.filter(quarter=4).exists()


def test_percentage_is_computed_from_numerator_and_denominator(
    steward_client: Client, data_call: DataCall, objective: PlanElement, offices: dict[str, Office]
) -> None:
    metric = MetricFactory(
        element=objective,
        name="Facilities meeting detention standards",
        owner_office=offices["ERO"],
        kind=Metric.Kind.PERCENTAGE,
        unit=Metric.Unit.PERCENT,
    )

    response = steward_client.post(
        entry_url(data_call),
        {"action": "save", field(metric, "numerator"): "3", field(metric, "denominator"): "12"},
    )

    assert response.status_code == 302
    measurement = Measurement.objects.get(metric=metric)
    assert measurement.value == Decimal("25")
    assert (measurement.numerator, measurement.denominator) == (Decimal("3"), Decimal("12"))


def test_not_available_needs_a_reason(
    steward_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    response = steward_client.post(
        entry_url(data_call),
        {"action": "submit", field(ero_metric, "not_available"): "on"},
    )

    assert response.status_code == 200
    assert error_next_to(response, ero_metric, "not_available_reason") == REASON_NOT_AVAILABLE
    assert not Measurement.objects.exists()


def test_not_available_with_a_reason_is_submitted_without_a_number(
    steward_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    response = steward_client.post(
        entry_url(data_call),
        {
            "action": "submit",
            field(ero_metric, "not_available"): "on",
            field(ero_metric, "not_available_reason"): "The case system was down in August.",
        },
    )

    assert response.status_code == 302
    measurement = Measurement.objects.get(metric=ero_metric)
    assert (measurement.not_available, measurement.value) == (True, None)
    assert measurement.not_available_reason == "The case system was down in August."
    assert measurement.status == Status.SUBMITTED


def test_changing_an_approved_value_in_the_form_needs_a_reason(
    steward_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    approved = MeasurementFactory(
        metric=ero_metric, value=Decimal("100"), status=Status.APPROVED, version=3
    )

    response = steward_client.post(
        entry_url(data_call),
        {"action": "submit", field(ero_metric, "value"): "105", field(ero_metric, "version"): "3"},
    )

    assert response.status_code == 200
    assert error_next_to(response, ero_metric, "change_reason") == CHANGE_REASON
    approved.refresh_from_db()
    assert (approved.value, approved.status) == (Decimal("100"), Status.APPROVED)


def test_changing_an_approved_value_with_a_reason_sends_it_back_for_review(
    steward_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    approved = MeasurementFactory(
        metric=ero_metric, value=Decimal("100"), status=Status.APPROVED, version=3
    )

    response = steward_client.post(
        entry_url(data_call),
        {
            "action": "save",
            field(ero_metric, "value"): "105",
            field(ero_metric, "version"): "3",
            field(ero_metric, "change_reason"): "Houston reported late",
        },
    )

    assert response.status_code == 302
    approved.refresh_from_db()
    assert (approved.value, approved.status, approved.version) == (
        Decimal("105"),
        Status.SUBMITTED,
        4,
    )
    assert approved.history.latest().history_change_reason == "Houston reported late"


@pytest.fixture
def colleague_client(role_user: Callable[..., User]) -> Client:
    colleague = role_user(
        Role.DATA_STEWARD, "ERO", username="colleague", first_name="Casey", last_name="Colleague"
    )
    return signed_in(colleague)


def test_later_save_of_the_same_value_is_refused_with_the_conflict_message(
    steward_client: Client, colleague_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    MeasurementFactory(metric=ero_metric, value=Decimal("100"))
    url = entry_url(data_call)
    assert steward_client.get(url).status_code == colleague_client.get(url).status_code == 200
    colleague_client.post(
        url,
        {"action": "save", field(ero_metric, "value"): "4321", field(ero_metric, "version"): "1"},
    )

    response = steward_client.post(
        url,
        {"action": "save", field(ero_metric, "value"): "8765", field(ero_metric, "version"): "1"},
    )

    page = words(text(response))
    assert response.status_code == 200
    assert "Removals completed (FY2026 Q4): Casey Colleague changed this at" in page
    assert "while you were editing" in page
    assert control_value(response, field(ero_metric, "value")) == "8765"  # not lost
    stored = Measurement.objects.get(metric=ero_metric)
    assert (stored.value, stored.version) == (Decimal("4321"), 2)


def test_conflict_page_shows_the_other_persons_value(
    steward_client: Client, colleague_client: Client, data_call: DataCall, ero_metric: Metric
) -> None:
    """Issue 3, section 5: "refused with a clear message showing the other change". The
    colleague's 4,321 must be on the page, or the steward cannot tell what saving again
    would overwrite."""
    MeasurementFactory(metric=ero_metric, value=Decimal("100"))
    url = entry_url(data_call)
    colleague_client.post(
        url,
        {"action": "save", field(ero_metric, "value"): "4321", field(ero_metric, "version"): "1"},
    )

    response = steward_client.post(
        url,
        {"action": "save", field(ero_metric, "value"): "8765", field(ero_metric, "version"): "1"},
    )

    assert response.status_code == 200
    assert "4,321" in words(text(response))


def test_saving_again_after_a_conflict_on_two_values_replaces_both(
    steward_client: Client,
    colleague_client: Client,
    data_call: DataCall,
    ero_metric: Metric,
    detainers: Metric,
) -> None:
    """The conflict message says "save again to replace their change": the re-rendered form
    must carry the colleague's version of every value they changed, not only the first."""
    for metric in (ero_metric, detainers):
        MeasurementFactory(metric=metric, value=Decimal("100"))
    url = entry_url(data_call)
    colleague_client.post(
        url,
        {
            "action": "save",
            field(ero_metric, "value"): "110",
            field(ero_metric, "version"): "1",
            field(detainers, "value"): "210",
            field(detainers, "version"): "1",
        },
    )
    mine = {
        "action": "save",
        field(ero_metric, "value"): "120",
        field(ero_metric, "version"): "1",
        field(detainers, "value"): "220",
        field(detainers, "version"): "1",
    }
    conflict = steward_client.post(url, mine)
    assert conflict.status_code == 200
    again = {
        **mine,
        field(ero_metric, "version"): control_value(conflict, field(ero_metric, "version")),
        field(detainers, "version"): control_value(conflict, field(detainers, "version")),
    }

    response = steward_client.post(url, again)

    assert response.status_code == 302
    stored = dict(Measurement.objects.values_list("metric_id", "value"))
    assert stored == {ero_metric.pk: Decimal("120"), detainers.pk: Decimal("220")}


def test_locked_quarter_shows_why_and_saves_nothing(
    steward_client: Client, locked_call: DataCall, ero_metric: Metric
) -> None:
    response = steward_client.post(
        entry_url(locked_call), {"action": "save", field(ero_metric, "value"): "5"}
    )

    page = text(response)
    assert response.status_code == 200
    assert f"The FY2026 Q3 data call closed on {locked_call.due_on:%B %-d, %Y}." in words(page)
    assert re.search(rf'<fieldset[^>]*id="metric-{ero_metric.pk}"[^>]*\sdisabled', page)
    assert "Submit all for review" not in words(page)
    assert not Measurement.objects.exists()


def test_returned_values_are_listed_first_with_their_comments(
    steward_client: Client,
    approver: User,
    data_call: DataCall,
    ero_metric: Metric,
    detainers: Metric,
) -> None:
    MeasurementFactory(metric=ero_metric, status=Status.DRAFT)
    MeasurementFactory(
        metric=detainers,
        status=Status.RETURNED,
        review_comment="The count leaves out July.",
        reviewed_by=approver,
    )

    page = text(steward_client.get(entry_url(data_call)))

    summary_starts = page.index("Returned for changes")
    form_starts = page.index('class="entry-form"')
    summary = words(page[summary_starts:form_starts])
    assert summary_starts < form_starts
    assert f'href="#metric-{detainers.pk}"' in page[summary_starts:form_starts]
    assert "Detainers issued: “The count leaves out July.” (Alex Approver)" in summary
    assert "Removals completed" not in summary


# Review --------------------------------------------------------------------------------------


@pytest.fixture
def two_submitted(ero_metric: Metric, detainers: Metric) -> list[Measurement]:
    return [
        MeasurementFactory(metric=ero_metric, status=Status.SUBMITTED, version=2),
        MeasurementFactory(metric=detainers, status=Status.SUBMITTED, version=5),
    ]


def test_approving_chosen_values_leaves_the_others_submitted(
    approver: User, approver_client: Client, data_call: DataCall, two_submitted: list[Measurement]
) -> None:
    first, second = two_submitted
    url = review_url(data_call)

    response = approver_client.post(
        url, {"action": "approve", "selected": [first.pk], f"version-{first.pk}": "2"}
    )

    assert response.status_code == 302
    assert response.url == url
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.reviewed_by, first.version) == (Status.APPROVED, approver, 3)
    assert second.status == Status.SUBMITTED
    assert "1 value(s) approved." in text(approver_client.get(url))


def test_approving_all_approves_every_submitted_value(
    approver_client: Client, data_call: DataCall, two_submitted: list[Measurement]
) -> None:
    first, second = two_submitted

    response = approver_client.post(
        review_url(data_call),
        {"action": "approve_all", f"version-{first.pk}": "2", f"version-{second.pk}": "5"},
    )

    assert response.status_code == 302
    assert set(Measurement.objects.values_list("status", flat=True)) == {Status.APPROVED}


def test_lead_approves_another_offices_values(
    lead: User, lead_client: Client, data_call: DataCall, hsi_metric: Metric
) -> None:
    value = MeasurementFactory(metric=hsi_metric, status=Status.SUBMITTED, version=1)

    response = lead_client.post(
        review_url(data_call, "HSI"),
        {"action": "approve", "selected": [value.pk], f"version-{value.pk}": "1"},
    )

    assert response.status_code == 302
    value.refresh_from_db()
    assert (value.status, value.reviewed_by) == (Status.APPROVED, lead)


def test_returning_chosen_values_with_a_comment(
    approver_client: Client, data_call: DataCall, two_submitted: list[Measurement]
) -> None:
    first, second = two_submitted

    response = approver_client.post(
        review_url(data_call),
        {
            "action": "return",
            "selected": [second.pk],
            f"version-{second.pk}": "5",
            "comment": "The count leaves out July.",
        },
    )

    assert response.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.status, second.review_comment) == (Status.RETURNED, "The count leaves out July.")
    assert second.history.latest().history_change_reason == "Returned: The count leaves out July."
    assert first.status == Status.SUBMITTED


def test_returning_without_a_comment_shows_an_error_and_changes_nothing(
    approver_client: Client, data_call: DataCall, two_submitted: list[Measurement]
) -> None:
    first, _second = two_submitted

    response = approver_client.post(
        review_url(data_call),
        {"action": "return", "selected": [first.pk], f"version-{first.pk}": "2", "comment": " "},
    )

    assert response.status_code == 200
    assert "Say what the office should fix before returning values." in text(response)
    first.refresh_from_db()
    assert (first.status, first.version) == (Status.SUBMITTED, 2)


def test_approving_a_value_changed_since_the_page_was_opened_is_a_conflict(
    approver_client: Client, data_call: DataCall, two_submitted: list[Measurement]
) -> None:
    first, _second = two_submitted

    response = approver_client.post(
        review_url(data_call),
        {"action": "approve", "selected": [first.pk], f"version-{first.pk}": "1"},
    )

    assert response.status_code == 200
    assert "while you were editing" in text(response)
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED


def test_approving_with_nothing_chosen_says_so_without_a_comment_error(
    approver_client: Client, data_call: DataCall, two_submitted: list[Measurement]
) -> None:
    response = approver_client.post(review_url(data_call), {"action": "approve"})

    page = text(response)
    assert response.status_code == 200
    assert "Choose at least one submitted value." in page
    assert "This field is required." not in page
    assert set(Measurement.objects.values_list("status", flat=True)) == {Status.SUBMITTED}


# Board, data calls and exceptions ------------------------------------------------------------


def board_row(page: str, code: str) -> str:
    """The HTML of the board's row for the office."""
    rows = [row for row in re.findall(r"<tr\b.*?</tr>", page, re.S) if code in words(row).split()]
    assert len(rows) == 1, f"no single board row for {code}"
    return rows[0]


def cell(row: str, label: str) -> str:
    found = re.search(rf'data-label="{label}"[^>]*>(.*?)</t[dh]>', row, re.S)
    assert found, f"no {label} cell"
    return words(found[1])


def test_board_marks_overdue_offices(
    viewer_client: Client, locked_call: DataCall, hsi_metric: Metric
) -> None:
    MeasurementFactory(metric=hsi_metric, fiscal_year=2026, quarter=3, status=Status.SUBMITTED)

    response = viewer_client.get(reverse("metrics:data-call-board", args=[locked_call.pk]))

    page = text(response)
    assert response.status_code == 200
    ero, hsi = board_row(page, "ERO"), board_row(page, "HSI")
    assert re.match(r'<tr class="[^"]*board-table__overdue', ero)
    assert "Overdue" in cell(ero, "State")
    assert cell(ero, "Missing") == "1"
    assert "board-table__overdue" not in hsi
    assert "Overdue" not in cell(hsi, "State")
    assert "All submitted" in cell(hsi, "State")
    assert cell(hsi, "Submitted") == "1"


def test_board_offers_the_steward_entry_for_their_office_only(
    steward_client: Client, data_call: DataCall
) -> None:
    page = text(steward_client.get(reverse("metrics:data-call-board", args=[data_call.pk])))

    assert f'href="{entry_url(data_call, "ERO")}"' in page
    assert f'href="{entry_url(data_call, "HSI")}"' not in page
    assert reverse("metrics:data-call-exception", args=[data_call.pk]) not in page


def test_lead_opens_a_data_call(
    lead: User, lead_client: Client, plan: Plan, data_call: DataCall, today: date
) -> None:
    response = lead_client.post(
        reverse("metrics:data-call-list", args=[plan.slug]),
        {
            "fiscal_year": 2027,
            "quarter": 1,
            "opens_on": "2027-01-01",
            "due_on": "2027-02-14",
            "reminder_days_before": 5,
        },
    )

    created = DataCall.objects.get(plan=plan, fiscal_year=2027, quarter=1)
    assert response.status_code == 302
    assert response.url == reverse("metrics:data-call-board", args=[created.pk])
    assert (created.opens_on, created.due_on) == (date(2027, 1, 1), date(2027, 2, 14))
    assert (created.reminder_days_before, created.created_by) == (5, lead)


def test_a_second_data_call_for_the_same_quarter_gets_a_field_error(
    lead_client: Client, plan: Plan, data_call: DataCall
) -> None:
    response = lead_client.post(
        reverse("metrics:data-call-list", args=[plan.slug]),
        {
            "fiscal_year": 2026,
            "quarter": 4,
            "opens_on": "2026-10-01",
            "due_on": "2026-11-15",
            "reminder_days_before": 7,
        },
    )

    assert response.status_code == 200
    assert error_of(response, "id_quarter") == "The plan already has a data call for FY2026 Q4."
    assert DataCall.objects.count() == 1


def test_implausible_fiscal_year_gets_a_field_error_instead_of_a_broken_data_call(
    lead_client: Client, plan: Plan
) -> None:
    """A typo such as 226 for 2026 must be refused by the form: a stored call of FY226 has
    no `period` (FiscalYear refuses it), so every page listing the plan's calls would fail."""
    response = lead_client.post(
        reverse("metrics:data-call-list", args=[plan.slug]),
        {
            "fiscal_year": 226,
            "quarter": 1,
            "opens_on": "2027-01-01",
            "due_on": "2027-02-01",
            "reminder_days_before": 7,
        },
    )

    assert response.status_code == 200
    assert error_of(response, "id_fiscal_year")
    assert not DataCall.objects.exists()


def test_due_date_before_the_opening_date_gets_a_field_error(
    lead_client: Client, plan: Plan
) -> None:
    response = lead_client.post(
        reverse("metrics:data-call-list", args=[plan.slug]),
        {
            "fiscal_year": 2027,
            "quarter": 1,
            "opens_on": "2027-02-01",
            "due_on": "2027-01-01",
            "reminder_days_before": 7,
        },
    )

    assert response.status_code == 200
    assert error_of(response, "id_due_on") == "The due date cannot be before the opening date."
    assert not DataCall.objects.exists()


def test_lead_grants_an_exception_that_reopens_the_quarter_for_the_office(
    lead: User,
    lead_client: Client,
    steward_client: Client,
    locked_call: DataCall,
    ero_metric: Metric,
    today: date,
) -> None:
    until = today + timedelta(days=5)

    response = lead_client.post(
        reverse("metrics:data-call-exception", args=[locked_call.pk]),
        {"office": "ERO", "until": until.isoformat(), "reason": "Field audit ran late"},
    )

    assert response.status_code == 302
    assert response.url == reverse("metrics:data-call-board", args=[locked_call.pk])
    exception = DataCallException.objects.get(data_call=locked_call)
    assert (exception.office.code, exception.until) == ("ERO", until)
    assert (exception.reason, exception.granted_by) == ("Field audit ran late", lead)
    assert f"ERO may enter values until {until:%B %-d, %Y}." in text(lead_client.get(response.url))
    saved = steward_client.post(
        entry_url(locked_call), {"action": "save", field(ero_metric, "value"): "5"}
    )
    assert saved.status_code == 302
    assert Measurement.objects.get(metric=ero_metric).quarter == 3


def test_exception_for_an_office_outside_the_call_is_refused(
    lead_client: Client, locked_call: DataCall, today: date
) -> None:
    response = lead_client.post(
        reverse("metrics:data-call-exception", args=[locked_call.pk]),
        {"office": "FEMA", "until": today.isoformat(), "reason": "Why not"},
        follow=True,
    )

    assert response.status_code == 200
    assert "No exception was granted." in text(response)
    assert not DataCallException.objects.exists()


# Metric values and history -------------------------------------------------------------------


def test_metric_values_page_shows_values_targets_and_history(
    viewer_client: Client, steward: User, approver: User, ero_metric: Metric
) -> None:
    TargetFactory(metric=ero_metric, value=Decimal("5000"))
    MeasurementFactory(
        metric=ero_metric,
        value=Decimal("4800"),
        explanation="Storms closed two offices.",
        status=Status.APPROVED,
        entered_by=steward,
        reviewed_by=approver,
    )

    response = viewer_client.get(reverse("metrics:metric-values", args=[ero_metric.pk]))

    page = words(text(response))
    assert response.status_code == 200
    assert "5,000" in page
    assert "4,800" in page
    assert "Storms closed two offices." in page
    assert "Sam Steward" in page
    assert "Alex Approver" in page
    assert "Value FY2026 Q4" in page


# Query counts --------------------------------------------------------------------------------


def add_ero_metrics(objective: PlanElement, office: Office, count: int, start: int = 0) -> None:
    """Quarterly metrics, each with a submitted value, last quarter's value and a target."""
    for n in range(start, start + count):
        metric = MetricFactory(element=objective, name=f"Metric {n}", owner_office=office, order=n)
        MeasurementFactory(metric=metric, status=Status.SUBMITTED, value=Decimal(n + 100))
        MeasurementFactory(metric=metric, quarter=3, status=Status.APPROVED, value=Decimal(n + 90))
        TargetFactory(metric=metric, value=Decimal(n + 95))


def queries_for(client: Client, url: str, method: str = "get", data: dict | None = None) -> int:
    client.get(url)  # warm up: the first request of a client fills caches
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302)
    return len(queries)


@pytest.fixture
def bare_call(plan: Plan, objective: PlanElement, today: date) -> DataCall:
    """FY2026 Q4 with no metrics yet beyond what each test adds."""
    return DataCallFactory(
        plan=plan,
        opens_on=today - timedelta(days=10),
        due_on=today + timedelta(days=10),
    )


@pytest.mark.parametrize(
    ("client_name", "page"),
    [("steward_client", "entry"), ("approver_client", "review")],
)
def test_entry_and_review_pages_run_the_same_queries_for_1_and_50_metrics(
    request: pytest.FixtureRequest,
    bare_call: DataCall,
    objective: PlanElement,
    offices: dict[str, Office],
    client_name: str,
    page: str,
) -> None:
    client: Client = request.getfixturevalue(client_name)
    url = entry_url(bare_call) if page == "entry" else review_url(bare_call)
    add_ero_metrics(objective, offices["ERO"], 1)
    one = queries_for(client, url)

    add_ero_metrics(objective, offices["ERO"], 49, start=1)

    assert queries_for(client, url) == one


def test_saving_an_unchanged_entry_form_runs_the_same_queries_for_1_and_50_metrics(
    steward_client: Client, bare_call: DataCall, objective: PlanElement, offices: dict[str, Office]
) -> None:
    url = entry_url(bare_call)

    def unchanged_form() -> dict[str, str]:
        data = {"action": "save"}
        for m in Measurement.objects.filter(quarter=4).select_related("metric"):
            data[field(m.metric, "value")] = str(m.value)
            data[field(m.metric, "version")] = str(m.version)
        return data

    add_ero_metrics(objective, offices["ERO"], 1)
    one = queries_for(steward_client, url, "post", unchanged_form())

    add_ero_metrics(objective, offices["ERO"], 49, start=1)

    assert queries_for(steward_client, url, "post", unchanged_form()) == one
    assert set(Measurement.objects.filter(quarter=4).values_list("version", flat=True)) == {1}


def test_board_runs_the_same_queries_for_1_and_50_metrics(
    lead_client: Client, bare_call: DataCall, objective: PlanElement, offices: dict[str, Office]
) -> None:
    url = reverse("metrics:data-call-board", args=[bare_call.pk])
    add_ero_metrics(objective, offices["ERO"], 1)
    one = queries_for(lead_client, url)

    add_ero_metrics(objective, offices["ERO"], 49, start=1)

    assert queries_for(lead_client, url) == one


@pytest.mark.parametrize("client_name", ["lead_client", "viewer_client"])
def test_board_runs_the_same_queries_for_1_and_20_offices(
    request: pytest.FixtureRequest,
    bare_call: DataCall,
    objective: PlanElement,
    offices: dict[str, Office],
    client_name: str,
) -> None:
    client: Client = request.getfixturevalue(client_name)
    url = reverse("metrics:data-call-board", args=[bare_call.pk])
    add_ero_metrics(objective, offices["ERO"], 1)
    one = queries_for(client, url)

    for n in range(19):
        office = OfficeFactory(code=f"P{n}", name=f"Program {n}", parent=offices["ICE"])
        add_ero_metrics(objective, office, 1, start=100 + n)

    assert queries_for(client, url) == one


def test_metric_values_page_runs_the_same_queries_for_1_and_50_values(
    viewer_client: Client,
    ero_metric: Metric,
    steward: User,
    approver: User,
) -> None:
    url = reverse("metrics:metric-values", args=[ero_metric.pk])

    def add(first: int, count: int) -> None:
        for n in range(first, first + count):
            year, quarter = 2000 + n // 4, n % 4 + 1
            MeasurementFactory(
                metric=ero_metric,
                fiscal_year=year,
                quarter=quarter,
                status=Status.APPROVED,
                entered_by=steward,
                submitted_by=steward,
                reviewed_by=approver,
            )
            TargetFactory(metric=ero_metric, fiscal_year=year, quarter=quarter)

    add(0, 1)
    one = queries_for(viewer_client, url)

    add(1, 49)

    assert queries_for(viewer_client, url) == one
