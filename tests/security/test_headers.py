"""Security headers on every kind of response: the Content Security Policy (pages, the
API, the sign-in page), framing, sniffing, referrer, HSTS over HTTPS, cookie flags and
the HTTPS redirect."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import Plan
from tests.factories import UserFactory

# On PostgreSQL every request names its user to the audit trail (one query), so even
# anonymous requests reach the database.
pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_a_page_carries_the_content_security_policy(viewer_client: Client, plan: Plan) -> None:
    response = viewer_client.get(reverse("plans:plan-detail", args=[plan.slug]))

    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == POLICY


def test_an_api_response_carries_the_content_security_policy(
    viewer_client: Client, plan: Plan
) -> None:
    response = viewer_client.get(reverse("api:plan-list"))

    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == POLICY


def test_the_sign_in_page_carries_the_policy_to_anonymous_visitors(client: Client) -> None:
    response = client.get(reverse("login"))

    assert directives(response["Content-Security-Policy"]) == POLICY


def test_scripts_may_not_run_inline_or_through_eval(viewer_client: Client, plan: Plan) -> None:
    header = viewer_client.get(reverse("plans:plan-list"))["Content-Security-Policy"]

    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header


def test_pages_cannot_be_framed_sniffed_or_leak_the_referrer(
    viewer_client: Client, plan: Plan
) -> None:
    response = viewer_client.get(reverse("plans:plan-list"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_https_responses_send_hsts_for_a_year_with_subdomains_and_preload(
    client: Client,
) -> None:
    response = client.get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_plain_http_responses_send_no_hsts(client: Client) -> None:
    assert "Strict-Transport-Security" not in client.get(reverse("login"))


def test_the_session_and_csrf_cookies_are_secure_httponly_and_same_site(db: None) -> None:
    UserFactory(username="dana")
    client = Client()
    client.get(reverse("login"))

    response = client.post(
        reverse("login"), {"username": "dana", "password": "correct-horse-battery"}
    )

    session = response.cookies["sessionid"]
    assert response.status_code == 302
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")
    csrf = response.cookies["csrftoken"]
    assert (csrf["secure"], csrf["samesite"]) == (True, "Lax")


def test_plain_http_is_redirected_to_https_when_the_redirect_is_on(settings) -> None:
    settings.SECURE_SSL_REDIRECT = True

    response = Client().get(reverse("login"))

    assert response.status_code == 301
    assert response["Location"] == "https://testserver" + reverse("login")


@pytest.mark.parametrize("secure", [True, False])
def test_the_suite_runs_without_the_redirect_over_either_scheme(client: Client, secure) -> None:
    """pyproject.toml turns the redirect off for the tests; production keeps it on."""
    assert client.get(reverse("login"), secure=secure).status_code == 200
