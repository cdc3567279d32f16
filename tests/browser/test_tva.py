"""The targets-vs-actuals table in a real browser: readable, scrollable by keyboard, axe."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import Page, expect

from plans.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.reports.test_pages import build

PASSWORD = "correct-horse-battery"


def test_targets_vs_actuals_page_lists_metrics_by_period_and_passes_axe(
    page: Page, live_server, transactional_db, plan, offices, axe_check, login
) -> None:
    build(plan, offices, goals=2, per_goal=2)
    user = UserFactory(username="lead")
    MembershipFactory(user=user, office=offices["ICE"], role=Membership.Role.WORKING_GROUP_LEAD)
    login(page, live_server, "lead", PASSWORD)

    page.goto(live_server.url + reverse("plans:plan-detail", args=[plan.slug]))
    page.get_by_role("link", name="Targets vs actuals").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Targets vs actuals")
    table = page.locator("table.tva-table")
    expect(table.get_by_role("rowheader", name="Metric 1-1")).to_be_visible()
    expect(table).to_contain_text("Off track")
    expect(page.get_by_role("link", name="Excel")).to_be_visible()
    axe_check(page)
