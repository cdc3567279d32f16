"""The plan pages in a real browser: the seeded plans, keyboard use and axe on each page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from plans.models import Membership, Metric, Office
from plans.seed import load_seed_data
from tests.factories import MembershipFactory, UserFactory

PASSWORD = "correct-horse-battery"  # the factory's password


@pytest.fixture
def signed_in(page: Page, live_server, transactional_db: None, login) -> Page:
    """A viewer at DHS (so every seed plan is in reach), signed in."""
    load_seed_data()
    user = UserFactory(username="reader")
    MembershipFactory(user=user, office=Office.objects.get(code="DHS"), role=Membership.Role.VIEWER)
    login(page, live_server, "reader", PASSWORD)
    return page


def test_plan_list_shows_the_three_seed_plans_and_passes_axe(signed_in: Page, axe_check) -> None:
    page = signed_in
    expect(page).to_have_title("Plans | Strategic Plan Performance")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_role("row").filter(has_text="5 goals, 17 objectives, 53 sub-objectives"))
    axe_check(page)


def test_ice_plan_page_shows_all_53_sub_objectives_and_passes_axe(
    signed_in: Page, live_server, axe_check
) -> None:
    page = signed_in
    page.goto(live_server.url + reverse("plans:plan-detail", args=["ice-sp-2021-2025"]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "U.S. Immigration and Customs Enforcement Strategic Plan FY2021-2025"
    )
    expect(page.locator(".plan-tree__item--level-3")).to_have_count(53)
    expect(page.get_by_text("Sub-objective 5.4.3")).to_be_visible()
    axe_check(page)


def test_filtering_by_number_as_you_type_hides_the_rest_and_announces_the_count(
    signed_in: Page, live_server, axe_check
) -> None:
    page = signed_in
    page.goto(live_server.url + reverse("plans:plan-detail", args=["ice-sp-2021-2025"]))
    page.get_by_label("Filter by number or words").fill("1.2")
    status = page.locator("#plan-filter-status")
    expect(status).to_contain_text("match")
    expect(page.get_by_text("Sub-objective 1.2.1")).to_be_visible()
    expect(page.get_by_text("Sub-objective 1.1.1")).to_be_hidden()
    expect(page.get_by_text("Goal 2", exact=True)).to_be_hidden()
    axe_check(page)


def test_the_tree_collapses_and_opens_by_keyboard_alone(signed_in: Page, live_server) -> None:
    page = signed_in
    page.goto(live_server.url + reverse("plans:plan-detail", args=["ice-sp-2021-2025"]))
    goal_one = page.locator('li[data-element-number="1"] > details')
    summary = goal_one.locator("> summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(goal_one).not_to_have_attribute("open", "")
    expect(page.get_by_text("Objective 1.1", exact=True)).to_be_hidden()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Objective 1.1", exact=True)).to_be_visible()


def test_element_with_an_unknown_title_is_shown_as_unknown_and_passes_axe(
    signed_in: Page, live_server, axe_check
) -> None:
    page = signed_in
    page.goto(live_server.url + reverse("plans:element-detail", args=["dro-sp", "3.1"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Title not given in the source")
    expect(page.get_by_role("link", name="Enhance partnerships with local law enforcement"))
    axe_check(page)


def test_wps_action_page_lists_outcomes_and_metrics_and_passes_axe(
    signed_in: Page, live_server, axe_check
) -> None:
    page = signed_in
    page.goto(live_server.url + reverse("plans:element-detail", args=["dhs-wps-ip-2024", "1.2.1"]))
    expect(page.get_by_role("heading", name="Outcomes")).to_be_visible()
    expect(page.get_by_role("cell", name="S&T").first).to_be_visible()
    axe_check(page)


def test_metric_page_shows_its_definition_and_passes_axe(
    signed_in: Page, live_server, axe_check
) -> None:
    page = signed_in
    metric = Metric.objects.filter(element__plan__slug="dhs-wps-ip-2024").first()
    page.goto(live_server.url + reverse("plans:metric-detail", args=[metric.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(metric.name)
    expect(page.get_by_text("Owner office")).to_be_visible()
    axe_check(page)
