"""Data changes reach the audit trail on PostgreSQL whatever code path makes them, with the
acting user; the trail cannot be changed; secrets never reach it."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from metrics.models import DataCall, Measurement
from metrics.services import ValueEntry, save_values
from plans.audit import acting_as
from plans.audit_sql import audited_tables, install_triggers
from plans.models import AuditEvent, Membership, Metric, Office, Plan, User
from tests.factories import MembershipFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.usefixtures("postgres")

Trail = Callable[..., list[AuditEvent]]


def test_a_service_save_is_recorded_with_the_user_it_acts_for(
    make_user: Callable[..., User], data_call: DataCall, ero_metric: Metric, trail: Trail
) -> None:
    steward = make_user(Membership.Role.DATA_STEWARD, "ERO")
    entry = ValueEntry(metric=ero_metric, value=Decimal("12"), explanation="Counted")

    with acting_as(steward):
        (saved,) = save_values(
            data_call=data_call, office=ero_metric.owner_office, entries=[entry], user=steward
        )

    (event,) = trail("metrics_measurement", saved.pk)
    assert (event.action, event.actor_id, event.actor_username) == (
        "insert",
        steward.pk,
        steward.username,
    )
    assert event.changes["value"] == {"new": 12.0}
    assert event.source == AuditEvent.Source.TRIGGER


def test_a_queryset_update_is_recorded_column_by_column(plan: Plan, trail: Trail) -> None:
    user = UserFactory(username="bulk-editor")

    with acting_as(user):
        Plan.objects.filter(pk=plan.pk).update(title="Renamed plan", status=Plan.Status.ARCHIVED)

    event = trail("plans_plan", plan.pk)[-1]
    assert event.action == AuditEvent.Action.UPDATE
    assert event.actor_username == "bulk-editor"
    assert event.changes == {
        "title": {"old": "ICE Strategic Plan", "new": "Renamed plan"},
        "status": {"old": "active", "new": "archived"},
    }


def test_bulk_create_records_every_row(trail: Trail) -> None:
    with acting_as(UserFactory(username="importer")):
        created = Office.objects.bulk_create(
            [
                Office(code=f"B{n}", name=f"Bulk {n}", kind=Office.Kind.PROGRAM_OFFICE)
                for n in range(3)
            ]
        )

    events = trail("plans_office")
    assert {e.object_id for e in events} >= {str(office.pk) for office in created}
    assert {e.actor_username for e in events if e.object_id in {str(o.pk) for o in created}} == {
        "importer"
    }


def test_raw_sql_is_recorded(plan: Plan, trail: Trail) -> None:
    with acting_as(UserFactory(username="dba")), connection.cursor() as cursor:
        cursor.execute("UPDATE plans_plan SET mission = %s WHERE id = %s", ["Raw mission", plan.pk])

    event = trail("plans_plan", plan.pk)[-1]
    assert (event.action, event.actor_username) == ("update", "dba")
    assert event.changes == {"mission": {"old": "", "new": "Raw mission"}}


def test_a_delete_is_recorded_with_the_row_as_it_was(
    offices: dict[str, Office], trail: Trail
) -> None:
    office = OfficeFactory(code="GONE", name="Closed office")

    with acting_as(UserFactory(username="remover")):
        Office.objects.filter(pk=office.pk).delete()

    event = trail("plans_office", office.pk)[-1]
    assert (event.action, event.actor_username) == ("delete", "remover")
    assert event.changes["code"] == {"old": "GONE"}


def test_changes_without_a_user_are_the_systems(trail: Trail) -> None:
    office = OfficeFactory(code="SYS")

    (event,) = trail("plans_office", office.pk)

    assert (event.actor_id, event.actor_username, event.request_id) == (None, "", "")


def test_a_request_names_its_user_address_and_id(admin_client: Client, trail: Trail) -> None:
    office = OfficeFactory(code="WEB", name="Before")
    data = {"code": "WEB", "name": "After", "kind": office.kind, "parent": "", "description": ""}

    response = admin_client.post(
        reverse("admin:plans_office_change", args=[office.pk]),
        data,
        headers={"X-Request-ID": "req-42"},
    )

    assert response.status_code == 302
    event = trail("plans_office", office.pk)[-1]
    assert (event.actor_username, event.action, event.changes) == (
        "admin",
        "update",
        {"name": {"old": "Before", "new": "After"}},
    )
    assert (event.ip_address, event.request_id) == ("127.0.0.1", "req-42")
    assert event.actor_id == User.objects.get(username="admin").pk


def test_an_api_token_request_names_the_tokens_user(
    make_user: Callable[..., User], data_call: DataCall, ero_metric: Metric, trail: Trail
) -> None:
    steward = make_user(Membership.Role.DATA_STEWARD, "ERO")
    key = Token.objects.create(user=steward).key
    body = {"data_call": data_call.pk, "metric": ero_metric.pk, "value": 3}

    response = Client().post(
        reverse("api:measurement-list"),
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Token {key}"},
    )

    assert response.status_code == 201
    (event,) = trail("metrics_measurement", Measurement.objects.get().pk)
    assert event.actor_username == steward.username


def test_the_audit_trail_refuses_update_and_delete(db: None) -> None:
    AuditEvent.objects.create(action=AuditEvent.Action.SIGN_OUT, source=AuditEvent.Source.APP)

    for statement in ("UPDATE plans_auditevent SET action = 'x'", "DELETE FROM plans_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            connection.cursor().execute(statement)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(action="x").count() == 0


def test_the_application_role_can_neither_truncate_nor_be_granted_to(db: None) -> None:
    """Run as a role shaped like docs/audit.md's application role: without TRUNCATE the
    privilege check refuses; granted it anyway, the trigger still does."""
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute("CREATE ROLE audit_test_app NOLOGIN")
        cursor.execute("GRANT USAGE ON SCHEMA public TO audit_test_app")
        cursor.execute("GRANT SELECT, INSERT ON plans_auditevent TO audit_test_app")
        cursor.execute("SET LOCAL ROLE audit_test_app")
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            cursor.execute("TRUNCATE plans_auditevent")
        with pytest.raises(DatabaseError, match="must be owner"), transaction.atomic():
            cursor.execute("DROP TRIGGER audit_append_only ON plans_auditevent")
        cursor.execute("RESET ROLE")
        cursor.execute("GRANT TRUNCATE, UPDATE, DELETE ON plans_auditevent TO audit_test_app")
        cursor.execute("SET LOCAL ROLE audit_test_app")
        for statement in ("TRUNCATE plans_auditevent", "UPDATE plans_auditevent SET action = ''"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(statement)
        cursor.execute("RESET ROLE")
        transaction.set_rollback(True)  # the role and its grants go with the transaction


def test_role_and_permission_changes_are_recorded(offices: dict[str, Office], trail: Trail) -> None:
    user = UserFactory(username="promoted")
    group = Group.objects.create(name="Reviewers")

    with acting_as(UserFactory(username="security-officer")):
        membership = MembershipFactory(user=user, office=offices["ERO"], role="viewer")
        Membership.objects.filter(pk=membership.pk).update(role="office_approver")
        User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
        user.groups.add(group)
        membership.delete()

    actions = [(e.action, e.changes.get("role")) for e in trail("plans_membership", membership.pk)]
    assert actions == [
        ("insert", {"new": "viewer"}),
        ("update", {"old": "viewer", "new": "office_approver"}),
        ("delete", {"old": "office_approver"}),
    ]
    promotion = trail("plans_user", user.pk)[-1]
    assert promotion.changes == {
        "is_superuser": {"old": False, "new": True},
        "is_staff": {"old": False, "new": True},
    }
    (grant,) = trail("plans_user_groups")
    assert grant.changes["group_id"] == {"new": group.pk}
    assert grant.actor_username == "security-officer"


def test_password_hashes_and_token_keys_never_reach_the_trail(trail: Trail) -> None:
    user = UserFactory(username="secretive")
    user.set_password("a brand new passphrase")
    user.save()
    key = Token.objects.create(user=user).key

    stored = " ".join(json.dumps(e.changes) for e in AuditEvent.objects.all())
    assert user.password not in stored
    assert key not in stored
    change = trail("plans_user", user.pk)[-1]
    assert change.changes["password"] == "[not recorded]"
    (token_event,) = trail("authtoken_token")
    assert token_event.object_id == str(user.pk)  # named by its user, not by the key


def test_a_sign_in_time_alone_writes_no_data_change(trail: Trail) -> None:
    user = UserFactory(username="regular")
    before = len(trail("plans_user", user.pk))

    User.objects.filter(pk=user.pk).update(last_login="2026-01-01T00:00:00Z")

    assert len(trail("plans_user", user.pk)) == before


def test_every_audited_table_has_its_trigger_and_installing_again_does_nothing(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'audit_row'"
        )
        covered = {row[0] for row in cursor.fetchall()}

    tables = {table.name for table in audited_tables()}
    assert covered == tables
    assert {
        "plans_membership",
        "metrics_measurement",
        "reports_reportbuild",
        "plans_user",
    } <= tables
    assert not any(name.startswith(("plans_historical", "metrics_historical")) for name in tables)
    assert "plans_auditevent" not in tables
    assert install_triggers(connection) is False


def test_acting_as_leaves_a_failed_transaction_to_its_rollback(db: None) -> None:
    OfficeFactory(code="DUP")

    with pytest.raises(IntegrityError), transaction.atomic(), acting_as(UserFactory()):
        Office.objects.create(code="DUP", name="Twice", kind=Office.Kind.AGENCY)

    assert Office.objects.filter(code="DUP").count() == 1


def test_the_audit_page_shows_a_change_old_and_new(admin_client: Client) -> None:
    office = OfficeFactory(code="SHOWN", name="Before")
    with acting_as(UserFactory(username="editor")):
        Office.objects.filter(pk=office.pk).update(name="After")

    response = admin_client.get(reverse("plans:audit-log"), {"object_type": "plans_office"})

    page = response.content.decode()
    assert "<code>name</code>: Before → After" in page
    assert f"Office (plans_office) {office.pk}" in page
