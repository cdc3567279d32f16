"""The page shell (base.html) and the sign-in page, in a real browser."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

PASSWORD = "correct-horse-battery-staple"


def make_user(username: str = "dsteward", **extra: str):
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


def test_login_page_passes_axe(page, live_server, axe_check):
    page.goto(f"{live_server.url}{reverse('login')}")

    expect(page).to_have_title("Sign in | Strategic Plan Performance")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    axe_check(page)


def test_government_banner_expands_and_still_passes_axe(page, live_server, axe_check):
    page.goto(f"{live_server.url}{reverse('login')}")
    guidance = page.get_by_text("Official websites use .gov")
    expect(guidance).to_be_hidden()

    page.get_by_role("button", name=re.compile("how you know")).click()

    expect(guidance).to_be_visible()
    axe_check(page)


def test_wrong_password_shows_the_error_and_keeps_the_username(
    page, live_server, transactional_db, axe_check, login
):
    make_user()

    login(page, live_server, "dsteward", "not-the-password")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Please enter a correct username and password")
    expect(page.get_by_label("Username", exact=True)).to_have_value("dsteward")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    axe_check(page)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, live_server):
    page.goto(f"{live_server.url}{reverse('login')}")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("main#main-content")).to_be_focused()


def test_signed_in_header_shows_the_name_and_sign_out_returns_to_sign_in(
    page, live_server, transactional_db, axe_check, login
):
    make_user(first_name="Dana", last_name="Steward")

    login(page, live_server, "dsteward", PASSWORD)

    header = page.get_by_role("banner")
    expect(header).to_contain_text("Dana Steward")
    axe_check(page)
    with page.expect_navigation():
        header.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("login")) + "$"))
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
