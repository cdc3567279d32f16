"""The Content Security Policy as the browser enforces it (the shared `page` fixture
bypasses CSP so that axe can be injected; these tests do not): the plan dashboard and a
metric's page draw their Plotly charts with no `securitypolicyviolation` event."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from metrics.models import Measurement
from plans.models import Membership, Metric, Office
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import (
    DataCallFactory,
    MeasurementFactory,
    MembershipFactory,
    MetricFactory,
    OfficeFactory,
    PlanElementFactory,
    PlanFactory,
    TargetFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery"  # the factory's password
FY = 2025

# Runs before any script of every document the page opens, so nothing escapes it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.effectiveDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber + " " + (event.sample || "")
  );
});
"""


@pytest.fixture
def enforcing_page(browser: Browser, live_server) -> Iterator[Page]:
    """A page in its own context that enforces the CSP, recording every violation."""
    context = browser.new_context(bypass_csp=False, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def metric(transactional_db: None) -> Metric:
    """ICE's plan with one ERO metric reported for four quarters of FY2025 against its
    targets, that year's Q4 data call, and a working-group lead at ICE."""
    ice = OfficeFactory(code="ICE", name="Immigration Agency", kind=Office.Kind.AGENCY)
    ero = OfficeFactory(
        code="ERO", name="Removal Operations", kind=Office.Kind.DIRECTORATE, parent=ice
    )
    plan = PlanFactory(title="ICE Strategic Plan", slug="ice-plan", owner=ice)
    goal = PlanElementFactory(plan=plan, number="1", title="Protect the homeland")
    objective = PlanElementFactory(parent=goal, number="1.1", title="Objective 1.1")
    metric = MetricFactory(element=objective, owner_office=ero, name="Removals completed")
    for quarter, actual in enumerate([92, 70, 99, 95], start=1):
        TargetFactory(metric=metric, fiscal_year=FY, quarter=quarter, value=Decimal(100))
        MeasurementFactory(
            metric=metric,
            fiscal_year=FY,
            quarter=quarter,
            value=Decimal(actual),
            status=Measurement.Status.APPROVED,
        )
    DataCallFactory(
        plan=plan, fiscal_year=FY, quarter=4, opens_on=date(2025, 10, 1), due_on=date(2025, 11, 14)
    )
    lead = UserFactory(username="wg-lead")
    MembershipFactory(user=lead, office=ice, role=Membership.Role.WORKING_GROUP_LEAD)
    return metric


def violations(page: Page) -> list[str]:
    page.wait_for_timeout(300)  # violation events are dispatched asynchronously
    return page.evaluate("window.__cspViolations")


def expect_charts_drawn(page: Page) -> None:
    plots = page.locator("figure.app-chart .app-chart__plot svg.main-svg")
    expect(plots.first).to_be_visible()
    assert page.locator("figure.app-chart--drawn").count() >= 1


def test_the_dashboard_and_a_metric_page_draw_charts_without_a_csp_violation(
    enforcing_page: Page, live_server, metric: Metric, login
) -> None:
    page = enforcing_page
    login(page, live_server, "wg-lead", PASSWORD)
    assert violations(page) == []

    page.goto(reverse("reports:plan-dashboard", args=[metric.element.plan.slug]))
    expect_charts_drawn(page)
    assert violations(page) == []

    page.goto(reverse("reports:metric-page", args=[metric.pk]))
    expect_charts_drawn(page)
    assert violations(page) == []
    # Plotly took its global styles from css/charts.css instead of writing a <style>.
    assert page.evaluate("document.querySelectorAll('style').length") == 0


def test_the_policy_is_enforced_in_this_context(
    enforcing_page: Page, live_server, metric: Metric, login
) -> None:
    """The control: an inline script is refused and reported, so silence above means
    something."""
    page = enforcing_page
    login(page, live_server, "wg-lead", PASSWORD)

    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )

    assert page.evaluate("window.__ran === true") is False
    assert any(v.startswith("script-src-elem blocked inline") for v in violations(page))
