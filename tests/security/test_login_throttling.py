"""Sign-in throttling (django-axes): five failures for one username from one address lock
that pair out for 15 minutes with a 429 page that says when to try again; a success
clears the count; other users and other addresses are unaffected; the API takes no
passwords, so it offers no way around the lock."""

from __future__ import annotations

import base64

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from plans.models import User
from plans.session_views import client_ip
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # the factory's password


@pytest.fixture
def dana(db: None) -> User:
    return UserFactory(username="dana")


def sign_in(client: Client, username: str, password: str, url: str = "") -> int:
    response = client.post(url or reverse("login"), {"username": username, "password": password})
    return response.status_code


def fail(client: Client, times: int, username: str = "dana") -> list[int]:
    return [sign_in(client, username, "wrong-password-guess") for _ in range(times)]


def test_the_fifth_failure_locks_the_username_from_that_address(client: Client, dana: User) -> None:
    assert fail(client, 4) == [200] * 4  # the form again, with its error

    response = client.post(reverse("login"), {"username": "dana", "password": "wrong"})

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    text = response.content.decode()
    assert "Sign-in paused" in text
    assert "Try again after" in text
    assert "15 minutes" in text


def test_a_locked_out_pair_is_refused_even_with_the_right_password(
    client: Client, dana: User
) -> None:
    fail(client, 5)

    assert sign_in(client, "dana", PASSWORD) == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_clears_the_failures(client: Client, dana: User) -> None:
    fail(client, 4)
    assert sign_in(client, "dana", PASSWORD) == 302
    client.post(reverse("logout"))

    assert fail(client, 4) == [200] * 4
    assert sign_in(client, "dana", PASSWORD) == 302


def test_another_user_from_the_same_address_can_still_sign_in(client: Client, dana: User) -> None:
    UserFactory(username="lee")
    fail(client, 5)

    assert sign_in(client, "lee", PASSWORD) == 302


def test_the_same_user_from_another_address_can_still_sign_in(dana: User) -> None:
    fail(Client(REMOTE_ADDR="203.0.113.7"), 5)

    assert sign_in(Client(REMOTE_ADDR="198.51.100.20"), "dana", PASSWORD) == 302


def test_the_admin_sign_in_is_throttled_too(client: Client, dana: User) -> None:
    url = reverse("admin:login")

    statuses = [sign_in(client, "dana", "wrong-password-guess", url) for _ in range(5)]

    assert statuses == [200, 200, 200, 200, 429]


def test_the_api_accepts_no_password_so_it_cannot_bypass_the_lock(
    client: Client, dana: User
) -> None:
    """Token and session authentication only: HTTP Basic credentials are not even read."""
    basic = base64.b64encode(f"dana:{PASSWORD}".encode()).decode()

    response = client.get(reverse("api:plan-list"), HTTP_AUTHORIZATION=f"Basic {basic}")

    assert response.status_code in (401, 403)
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]


def test_behind_the_tls_proxy_the_address_is_the_one_the_proxy_appended(settings) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20"
    )

    assert client_ip(request) == "198.51.100.20"


def test_without_a_proxy_a_forwarded_header_is_ignored(settings) -> None:
    settings.SECURE_PROXY_SSL_HEADER = None
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_ip(request) == "10.0.0.2"
