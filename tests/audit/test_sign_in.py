"""Sign-ins, failed sign-ins, sign-outs and lockouts are audit events on every database."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import AuditEvent, User
from tests.factories import UserFactory

Action = AuditEvent.Action
PASSWORD = "correct-horse-battery"  # the factory's


@pytest.fixture
def person(db: None) -> User:
    return UserFactory(username="pat")


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_sign_in_is_recorded_with_who_where_and_success(person: User) -> None:
    response = sign_in(Client(), "pat", PASSWORD)

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.SIGN_IN)
    assert (event.actor_id, event.actor_username, event.outcome) == (person.pk, "pat", "success")
    assert (event.ip_address, event.source) == ("127.0.0.1", AuditEvent.Source.APP)
    assert (event.object_type, event.object_id) == ("plans_user", str(person.pk))
    assert event.request_id


def test_a_failed_sign_in_is_recorded_with_the_username_typed_and_no_password(
    person: User,
) -> None:
    response = sign_in(Client(), "pat", "wrong-password-123")

    assert response.status_code == 200
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert (event.actor_id, event.actor_username, event.outcome) == (None, "pat", "failure")
    assert event.ip_address == "127.0.0.1"
    stored = AuditEvent.objects.values_list("actor_username", "object_id", "changes", "request_id")
    assert "wrong-password-123" not in str(list(stored))


def test_an_unknown_username_is_recorded_as_typed(db: None) -> None:
    sign_in(Client(), "nobody-here", "whatever-it-is")

    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert (event.actor, event.actor_username) == (None, "nobody-here")


def test_a_sign_out_is_recorded(person: User) -> None:
    client = Client()
    client.force_login(person)

    client.post(reverse("logout"))

    event = AuditEvent.objects.get(action=Action.SIGN_OUT)
    assert (event.actor_id, event.outcome) == (person.pk, "success")


def test_a_lockout_is_recorded(person: User, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()

    for _ in range(3):
        sign_in(client, "pat", "wrong-password-123")

    event = AuditEvent.objects.filter(action=Action.LOCKED_OUT).first()
    assert event is not None
    assert (event.actor_username, event.outcome, event.ip_address) == (
        "pat",
        "failure",
        "127.0.0.1",
    )
