"""The audit log page: administrators only, filters, pages, CSV; and the cost of telling
the database who is acting."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import AuditEvent, Membership, Plan, User

URL = reverse("plans:audit-log")
Action = AuditEvent.Action


def event(username: str, action: str = Action.SIGN_IN, **fields: object) -> AuditEvent:
    return AuditEvent.objects.create(
        actor_username=username, action=action, source=AuditEvent.Source.APP, **fields
    )


def listed_usernames(response) -> list[str]:
    return [e.actor_username for e in response.context["page"].object_list]


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    response = Client().get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("client_name", ["steward_client", "lead_client", "viewer_client"])
def test_non_administrators_get_404(client_name: str, request: pytest.FixtureRequest) -> None:
    response = request.getfixturevalue(client_name).get(URL)

    assert response.status_code == 404


def test_the_page_answers_only_get(admin_client: Client) -> None:
    assert admin_client.post(URL).status_code == 405


def test_administrators_see_events_newest_first(admin_client: Client) -> None:
    event("first-person")
    event("second-person", Action.SIGN_OUT)

    response = admin_client.get(URL)

    assert response.status_code == 200
    names = listed_usernames(response)
    assert names.index("second-person") < names.index("first-person")
    assert "Signed out" in response.content.decode()


def test_filters_by_who_action_object_type_and_dates(admin_client: Client) -> None:
    event("alice", Action.SIGN_IN)
    event("alice", Action.SIGN_OUT)
    event("bob", Action.UPDATE, object_type="plans_plan", object_id="7")
    event("carol", occurred_at=timezone.make_aware(datetime(2024, 3, 5, 12)))

    def names(**query: str) -> list[str]:
        return listed_usernames(admin_client.get(URL, query))

    assert names(who="ALICE") == ["alice", "alice"]
    assert names(who="alice", action="sign_out") == ["alice"]
    assert names(object_type="plans_plan") == ["bob"]
    assert names(since="2024-03-05", until="2024-03-05") == ["carol"]
    assert "carol" not in names(since="2024-03-06")


def test_unknown_filter_values_show_the_errors_and_no_crash(admin_client: Client) -> None:
    response = admin_client.get(URL, {"action": "explode", "since": "yesterday"})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"action", "since"}


def test_events_come_in_pages_of_50(admin_client: Client) -> None:
    for _ in range(51):
        event("pager", Action.SIGN_OUT)

    first = admin_client.get(URL, {"who": "pager"})
    second = admin_client.get(URL, {"who": "pager", "page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 1
    assert "who=pager&amp;page=2" in first.content.decode()


def test_csv_export_has_every_matching_event_and_defuses_formulas(admin_client: Client) -> None:
    event("=HYPERLINK(1)", Action.SIGN_IN_FAILED, outcome="failure")
    event("plain", Action.SIGN_IN)

    response = admin_client.get(URL, {"action": "sign_in_failed", "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit-events.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["actor_username"] for row in rows] == ["'=HYPERLINK(1)"]


def test_the_admin_lists_events_but_cannot_change_them(admin_client: Client) -> None:
    saved = event("someone")

    listing = admin_client.get(reverse("admin:plans_auditevent_changelist"))
    add = admin_client.get(reverse("admin:plans_auditevent_add"))
    delete = admin_client.post(reverse("admin:plans_auditevent_delete", args=[saved.pk]))

    assert listing.status_code == 200
    assert (add.status_code, delete.status_code) == (403, 403)
    assert AuditEvent.objects.filter(pk=saved.pk).exists()


def test_the_middleware_costs_one_query_on_postgresql_and_none_elsewhere(
    make_user: Callable[..., User], plan: Plan, settings
) -> None:
    """The same page, once with the middleware and once without (a new client loads the
    middleware list afresh)."""
    viewer = make_user(Membership.Role.VIEWER, "ICE")
    url = reverse("plans:plan-detail", args=[plan.slug])

    def queries() -> list[dict]:
        client = Client()
        client.force_login(viewer)
        client.get(url)  # warms per-process caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return captured.captured_queries

    with_middleware = queries()
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "plans.audit.AuditContextMiddleware"
    ]
    without = queries()

    extra = 1 if connection.vendor == "postgresql" else 0
    assert len(with_middleware) - len(without) == extra
    assert sum("set_config('app.user_id'" in q["sql"] for q in with_middleware) == extra
