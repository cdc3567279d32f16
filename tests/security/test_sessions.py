"""Sessions end after 15 minutes without a request; a request restarts the idle clock,
writing the session only when the clock is more than a minute old; signed-in pages carry
the warning dialog and the time their session has left; "Stay signed in" posts to a
keep-alive URL that needs sign-in."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plans import sessions
from plans.models import Membership, Plan

# On PostgreSQL every request names its user to the audit trail (one query), so even
# anonymous requests reach the database.
pytestmark = pytest.mark.django_db


def stored_session(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def age_the_clock(client: Client, seconds: float) -> None:
    """Makes the session's idle clock look `seconds` old, its stored end moved to match."""
    session = client.session
    session[sessions.RESTARTED] = time.time() - seconds
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - seconds)
    )


def test_sessions_last_15_minutes_and_restart_at_most_once_a_minute() -> None:
    assert settings.SESSION_COOKIE_AGE == 900
    assert settings.SESSION_REFRESH_SECONDS == 60
    assert sessions.refresh_seconds() == 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_WARNING_SECONDS == 120


def test_a_request_moves_the_session_end_15_minutes_ahead(
    viewer_client: Client, plan: Plan
) -> None:
    age_the_clock(viewer_client, 14 * 60)

    viewer_client.get(reverse("plans:plan-list"))

    remaining = stored_session(viewer_client).expire_date - timezone.now()
    assert timedelta(minutes=14) < remaining <= timedelta(minutes=15)


def test_a_request_within_the_minute_writes_nothing(viewer_client: Client, plan: Plan) -> None:
    age_the_clock(viewer_client, 30)
    before = stored_session(viewer_client).expire_date

    html = viewer_client.get(reverse("plans:plan-list")).content.decode()

    assert stored_session(viewer_client).expire_date == before
    # The page counts down from what is left, not from a fresh 15 minutes.
    assert 'data-session-seconds="870"' in html or 'data-session-seconds="869"' in html


def test_a_request_a_minute_after_the_restart_restarts_the_clock(
    viewer_client: Client, plan: Plan
) -> None:
    age_the_clock(viewer_client, 61)

    html = viewer_client.get(reverse("plans:plan-list")).content.decode()

    remaining = stored_session(viewer_client).expire_date - timezone.now()
    assert remaining > timedelta(seconds=899)
    assert 'data-session-seconds="900"' in html


def test_a_session_never_outlives_15_minutes_of_idleness(viewer_client: Client, plan: Plan) -> None:
    """The last request may leave the clock up to a minute old: the session then ends
    earlier than 15 minutes after it, never later."""
    age_the_clock(viewer_client, 59)
    viewer_client.get(reverse("plans:plan-list"))

    remaining = stored_session(viewer_client).expire_date - timezone.now()
    assert (
        timedelta(minutes=14) - timedelta(seconds=2) < remaining <= timedelta(minutes=14, seconds=1)
    )


def test_signing_in_starts_the_clock(client: Client, plan: Plan, make_user) -> None:
    client.force_login(make_user(Membership.Role.VIEWER, "ICE"))

    assert abs(client.session[sessions.RESTARTED] - time.time()) < 5


def test_an_idle_session_ends_and_the_next_page_asks_to_sign_in(
    viewer_client: Client, plan: Plan
) -> None:
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = viewer_client.get(reverse("plans:plan-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signed_in_pages_carry_the_warning_dialog_and_its_timings(
    viewer_client: Client, plan: Plan
) -> None:
    html = viewer_client.get(reverse("plans:plan-list")).content.decode()

    assert 'id="session-timeout"' in html
    assert 'role="dialog"' in html
    assert 'aria-modal="true"' in html
    assert 'data-session-seconds="900"' in html
    assert 'data-warning-seconds="120"' in html
    assert f'data-expired-url="{reverse("login")}?expired=1"' in html
    assert "js/session-timeout.js" in html
    assert "Stay signed in" in html


def test_the_timings_follow_the_settings(viewer_client: Client, plan: Plan, settings) -> None:
    settings.SESSION_COOKIE_AGE = 6
    settings.SESSION_WARNING_SECONDS = 4

    html = viewer_client.get(reverse("plans:plan-list")).content.decode()

    assert 'data-session-seconds="6"' in html
    assert 'data-warning-seconds="4"' in html


def test_the_sign_in_page_has_no_timer(client: Client) -> None:
    html = client.get(reverse("login")).content.decode()

    assert "session-timeout" not in html


def test_keep_alive_restarts_the_session(viewer_client: Client, plan: Plan) -> None:
    age_the_clock(viewer_client, 870)

    response = viewer_client.post(reverse("keep-alive"))

    assert response.status_code == 200
    assert response.json() == {"expires_in": 900}
    remaining = stored_session(viewer_client).expire_date - timezone.now()
    assert remaining > timedelta(minutes=14)


def test_keep_alive_needs_sign_in(client: Client) -> None:
    response = client.post(reverse("keep-alive"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_keep_alive_only_takes_post(viewer_client: Client, plan: Plan, method: str) -> None:
    assert getattr(viewer_client, method)(reverse("keep-alive")).status_code == 405


def test_keep_alive_checks_the_csrf_token(viewer_client: Client, plan: Plan) -> None:
    viewer_client.handler.enforce_csrf_checks = True

    assert viewer_client.post(reverse("keep-alive")).status_code == 403


def test_the_sign_in_page_says_why_after_a_timeout(client: Client) -> None:
    response = client.get(reverse("login") + "?expired=1&next=/plans/")

    html = response.content.decode()
    assert "You were signed out after 15 minutes without activity." in html
    assert 'name="next" value="/plans/"' in html


def test_the_sign_in_page_is_quiet_without_a_timeout(client: Client) -> None:
    assert "You were signed out" not in client.get(reverse("login")).content.decode()


def test_signing_out_after_the_session_ended_lands_on_sign_in(client: Client, db: None) -> None:
    """What the script does when time runs out, whether or not the session still exists."""
    expired = reverse("login") + "?expired=1&next=/plans/"

    response = client.post(reverse("logout"), {"next": expired})

    assert response.status_code == 302
    assert response["Location"] == expired


def test_signing_out_ends_a_live_session(viewer_client: Client, plan: Plan) -> None:
    viewer_client.post(reverse("logout"))

    response = viewer_client.get(reverse("plans:plan-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
