"""The idle-timeout warning (WCAG 2.2.1) in a real browser, with the session shortened to
seconds: the dialog opens before the end with focus inside and kept there, Escape or "Stay
signed in" keeps the session, and when time runs out the user lands on the sign-in page,
told why, and returns to the page after signing in again."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from playwright.sync_api import Page, expect

from plans.models import User
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # the factory's password
DIALOG = "Your session is about to end"


@pytest.fixture
def dana(transactional_db: None) -> User:
    return UserFactory(username="dana", first_name="Dana", last_name="Steward")


def shorten(settings, seconds: int, warning: int) -> None:
    """The live server runs in this process, so its pages render the shortened timings."""
    settings.SESSION_COOKIE_AGE = seconds
    settings.SESSION_WARNING_SECONDS = warning


def test_the_warning_traps_focus_passes_axe_and_escape_keeps_the_session(
    page: Page, live_server, dana: User, settings, login, axe_check
) -> None:
    shorten(settings, seconds=12, warning=10)  # the dialog opens 2 s after the page loads
    login(page, live_server, "dana", PASSWORD)

    dialog = page.get_by_role("dialog", name=DIALOG)
    expect(dialog).to_be_visible()
    stay = dialog.get_by_role("button", name="Stay signed in")
    sign_out = dialog.get_by_role("button", name="Sign out")
    expect(stay).to_be_focused()
    page.keyboard.press("Tab")
    expect(sign_out).to_be_focused()
    page.keyboard.press("Tab")
    expect(stay).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(sign_out).to_be_focused()
    expect(dialog).to_contain_text(re.compile(r"signed out in \d+ seconds"))
    axe_check(page)

    with page.expect_response(lambda r: r.url.endswith(reverse("keep-alive"))) as answer:
        page.keyboard.press("Escape")

    assert answer.value.status == 200
    expect(dialog).to_be_hidden()


def test_stay_signed_in_restarts_the_session(
    page: Page, live_server, dana: User, settings, login
) -> None:
    shorten(settings, seconds=10, warning=8)
    login(page, live_server, "dana", PASSWORD)
    dialog = page.get_by_role("dialog", name=DIALOG)
    expect(dialog).to_be_visible()
    first_end = Session.objects.get().expire_date

    with page.expect_response(lambda r: r.url.endswith(reverse("keep-alive"))) as answer:
        dialog.get_by_role("button", name="Stay signed in").click()

    assert answer.value.status == 200
    expect(dialog).to_be_hidden()
    assert Session.objects.get().expire_date > first_end
    expect(page).to_have_url(re.compile(re.escape(reverse("plans:plan-list")) + "$"))


def test_sign_out_in_the_dialog_signs_out(
    page: Page, live_server, dana: User, settings, login
) -> None:
    shorten(settings, seconds=12, warning=10)
    login(page, live_server, "dana", PASSWORD)
    dialog = page.get_by_role("dialog", name=DIALOG)

    with page.expect_navigation():
        dialog.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(re.escape(reverse("login")) + "$"))
    expect(page.get_by_text("You were signed out")).to_have_count(0)
    assert all("_auth_user_id" not in s.get_decoded() for s in Session.objects.all())


def test_when_time_runs_out_the_user_is_signed_out_told_why_and_brought_back(
    page: Page, live_server, dana: User, settings, login, axe_check
) -> None:
    shorten(settings, seconds=6, warning=4)
    login(page, live_server, "dana", PASSWORD)
    expect(page).to_have_url(re.compile(re.escape(reverse("plans:plan-list")) + "$"))

    page.wait_for_url(re.compile(re.escape(reverse("login")) + r"\?expired=1"), timeout=15_000)

    expect(page.get_by_role("status")).to_contain_text(
        "You were signed out after 1 minute without activity."
    )
    axe_check(page)
    page.get_by_label("Username", exact=True).fill("dana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("plans:plan-list")) + "$"))
    expect(page.get_by_role("banner")).to_contain_text("Dana Steward")
