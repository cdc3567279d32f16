"""Signing in to the API: tokens for systems, the session (with CSRF) for the browser, and
the command that gives a user their token."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from metrics.models import DataCall, Measurement
from plans.models import Membership, Metric, User
from tests.api.conftest import send

Role = Membership.Role


def token_for(user: User) -> str:
    return Token.objects.create(user=user).key


def test_a_token_signs_a_system_in(make_user: Callable[..., User], plan) -> None:
    key = token_for(make_user(Role.VIEWER, "ICE"))

    response = Client().get(reverse("api:plan-list"), headers={"Authorization": f"Token {key}"})

    assert response.status_code == 200
    assert [row["slug"] for row in response.json()["results"]] == ["ice-plan"]


def test_an_unknown_token_is_a_401(db) -> None:
    response = Client().get(reverse("api:plan-list"), headers={"Authorization": "Token nope"})

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_an_inactive_users_token_is_a_401(make_user: Callable[..., User]) -> None:
    user = make_user(Role.VIEWER, "ICE")
    key = token_for(user)
    user.is_active = False
    user.save()

    response = Client().get(reverse("api:plan-list"), headers={"Authorization": f"Token {key}"})

    assert response.status_code == 401


def test_a_token_writes_without_csrf_and_with_the_users_roles(
    make_user: Callable[..., User], data_call: DataCall, ero_metric: Metric
) -> None:
    key = token_for(make_user(Role.DATA_STEWARD, "ERO"))
    client = Client(enforce_csrf_checks=True)
    body = {"data_call": data_call.pk, "metric": ero_metric.pk, "value": 3}

    response = send(
        client, "post", reverse("api:measurement-list"), body, authorization=f"Token {key}"
    )

    assert response.status_code == 201
    assert Measurement.objects.get().entered_by.username == "data_steward-ero"


def test_a_browser_session_must_send_the_csrf_token_to_write(
    make_user: Callable[..., User], data_call: DataCall, ero_metric: Metric
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.DATA_STEWARD, "ERO"))
    body = {"data_call": data_call.pk, "metric": ero_metric.pk, "value": 3}

    response = send(client, "post", reverse("api:measurement-list"), body)

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Measurement.objects.exists()


# The command -------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_create_api_token_prints_the_users_token_and_keeps_it(make_user) -> None:
    user = make_user(Role.VIEWER, "ICE")

    first, second = run(user.username), run(user.username)

    assert first == second == Token.objects.get(user=user).key


def test_create_api_token_rotate_replaces_the_token(make_user) -> None:
    user = make_user(Role.VIEWER, "ICE")
    old = run(user.username)

    new = run(user.username, "--rotate")

    assert new != old
    assert Token.objects.get(user=user).key == new


def test_create_api_token_refuses_an_unknown_user(db) -> None:
    with pytest.raises(CommandError, match='No user is named "ghost"'):
        run("ghost")


def test_create_api_token_refuses_an_inactive_user(make_user) -> None:
    user = make_user(Role.VIEWER, "ICE")
    user.is_active = False
    user.save()

    with pytest.raises(CommandError, match="inactive"):
        run(user.username)
