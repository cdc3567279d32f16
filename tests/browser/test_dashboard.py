"""Journey 2 in a real browser: a working-group lead opens the plan dashboard from the plan
page, sees status by goal and by office (charts drawn, data tables with the right numbers),
filters by office with the keyboard, drills down from a goal to a metric's chart of actuals
against targets, and sees which office has not submitted. Axe on every page, and no errors
in the browser console."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from metrics.models import DataCall, Measurement
from plans.models import Membership, Metric, Office, Plan
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
APPROVED = Measurement.Status.APPROVED
FY, Q = 2025, 4  # a quarter long past its due date, so every status is settled
AT_RISK_METRIC = "Removals completed"

# name: (goal, office, FY2025 Q4 actual against a target of 100, or None: not reported)
# Increase is better; at risk means within 10% short of the target.
METRICS = {
    "Detainers placed": ("1", "ERO", Decimal(120)),  # on track
    AT_RISK_METRIC: ("1", "ERO", Decimal(95)),  # at risk
    "Investigations opened": ("1", "HSI", Decimal(50)),  # off track
    "Victims assisted": ("2", "HSI", None),  # no data: HSI has not submitted it
    "Officers trained": ("2", "ERO", Decimal(130)),  # on track
}
# Earlier quarters of the at-risk metric, for its chart: (quarter, target, actual).
HISTORY = [
    (1, Decimal(90), Decimal(92)),
    (2, Decimal(90), Decimal(70)),
    (3, Decimal(95), Decimal(99)),
]

# The data tables under the charts: group, off track, at risk, no data, on track, not yet
# due, share on track (of the metrics due).
BY_GOAL = [
    ["Goal 1", "1", "1", "0", "1", "0", "33.3%"],
    ["Goal 2", "0", "0", "1", "1", "0", "50%"],
]
BY_OFFICE = [
    ["ERO", "0", "1", "0", "2", "0", "66.7%"],
    ["HSI", "1", "0", "1", "0", "0", "0%"],
]
BY_GOAL_FOR_ERO = [
    ["Goal 1", "0", "1", "0", "1", "0", "50%"],
    ["Goal 2", "0", "0", "0", "1", "0", "100%"],
]


@pytest.fixture
def plan(transactional_db: None) -> Plan:
    """DHS -> ICE -> ERO and HSI; ICE's plan with two goals and five quarterly metrics, each
    judged against a target of 100 in FY2025 Q4; that quarter's data call, in which HSI has
    not submitted one value; and a working-group lead at ICE."""
    dhs = OfficeFactory(code="DHS", name="Department", kind=Office.Kind.DEPARTMENT)
    ice = OfficeFactory(code="ICE", name="Immigration Agency", kind=Office.Kind.AGENCY, parent=dhs)
    offices = {
        "ERO": OfficeFactory(
            code="ERO", name="Removal Operations", kind=Office.Kind.DIRECTORATE, parent=ice
        ),
        "HSI": OfficeFactory(
            code="HSI", name="Investigations", kind=Office.Kind.DIRECTORATE, parent=ice
        ),
    }
    plan = PlanFactory(title="ICE Strategic Plan", slug="ice-plan", owner=ice)
    objectives = {}
    for number, title in (("1", "Protect the homeland"), ("2", "Serve the victims")):
        goal = PlanElementFactory(plan=plan, number=number, title=title, order=int(number))
        objectives[number] = PlanElementFactory(
            parent=goal, number=f"{number}.1", title=f"Objective {number}.1"
        )
    for order, (name, (goal, office, actual)) in enumerate(METRICS.items()):
        metric = MetricFactory(
            element=objectives[goal], owner_office=offices[office], name=name, order=order
        )
        TargetFactory(metric=metric, fiscal_year=FY, quarter=Q, value=Decimal(100))
        if actual is not None:
            MeasurementFactory(
                metric=metric, fiscal_year=FY, quarter=Q, value=actual, status=APPROVED
            )
    removals = Metric.objects.get(name=AT_RISK_METRIC)
    for quarter, target, actual in HISTORY:
        TargetFactory(metric=removals, fiscal_year=FY, quarter=quarter, value=target)
        MeasurementFactory(
            metric=removals, fiscal_year=FY, quarter=quarter, value=actual, status=APPROVED
        )
    DataCallFactory(
        plan=plan, fiscal_year=FY, quarter=Q, opens_on=date(2025, 10, 1), due_on=date(2025, 11, 14)
    )
    lead = UserFactory(username="wg-lead", first_name="Lee", last_name="Lead")
    MembershipFactory(user=lead, office=ice, role=Membership.Role.WORKING_GROUP_LEAD)
    return plan


def table_rows(table: Locator) -> list[list[str]]:
    """The body rows of a table, each as the text of its cells (as in the HTML: a tag's
    text is not upper-cased as USWDS shows it)."""
    expect(table).to_be_visible()
    return [
        [" ".join(cell.split()) for cell in row.locator("th, td").all_text_contents()]
        for row in table.locator("tbody tr").all()
    ]


def expect_chart_drawn(page: Page, title: str) -> Locator:
    """The chart's figure (found by its title), with Plotly's SVG inside its plot."""
    figure = page.get_by_role("figure", name=title, exact=True)
    expect(figure.locator(".app-chart__plot svg.main-svg").first).to_be_visible()
    return figure


def chart_table(page: Page, title: str) -> Locator:
    return page.get_by_role("table", name=f"Data for: {title}", exact=True)


def test_lead_reviews_the_dashboard_filters_by_office_and_drills_down_to_a_metric(
    page: Page, live_server, plan: Plan, login, axe_check
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    # From the plan page to its dashboard, which opens on the latest data call's quarter.
    login(page, live_server, "wg-lead", PASSWORD)
    page.goto(reverse("plans:plan-detail", args=[plan.slug]))
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ICE Strategic Plan")
    expect(page.get_by_role("heading", level=1)).to_contain_text("dashboard")
    expect(page.locator(".usa-intro")).to_have_text("FY2025 Q4, all offices.")

    tiles = page.get_by_role("list", name="Where the plan stands")
    expect(tiles.get_by_role("listitem").first).to_have_text(re.compile(r"40%\s+on track"))
    for count, label in [("1", "Off track"), ("1", "At risk"), ("1", "No data"), ("2", "On track")]:
        expect(tiles.get_by_role("link", name=f"{count} {label}", exact=True)).to_be_visible()

    expect_chart_drawn(page, "Status by goal")
    expect_chart_drawn(page, "Status by office")
    expect_chart_drawn(page, "Share of metrics on track")
    assert table_rows(chart_table(page, "Status by goal")) == BY_GOAL
    assert table_rows(chart_table(page, "Status by office")) == BY_OFFICE
    by_goal = page.get_by_role("table", name="By goal", exact=True)
    assert table_rows(by_goal) == [  # the drill-down: the same counts, whole percents
        ["Goal 1: Protect the homeland", "1", "1", "0", "1", "0", "33%"],
        ["Goal 2: Serve the victims", "0", "0", "1", "1", "0", "50%"],
    ]
    axe_check(page)

    # Filter by office with the keyboard: type ahead in the select, Tab to the button, Enter.
    office = page.get_by_label("Office", exact=True)
    office.focus()
    page.keyboard.type("ERO")
    expect(office).to_have_value("ERO")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Status", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Apply filters")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]office=ERO(&|$)"))
    expect(page.get_by_label("Office", exact=True)).to_have_value("ERO")
    expect(page.locator(".usa-intro")).to_have_text("FY2025 Q4, ERO.")
    expect_chart_drawn(page, "Status by goal")
    assert table_rows(chart_table(page, "Status by goal")) == BY_GOAL_FOR_ERO
    assert table_rows(chart_table(page, "Status by office")) == [BY_OFFICE[0]]
    axe_check(page)

    # Drill down: the goal, then the metric that needs attention.
    page.get_by_role("table", name="By goal", exact=True).get_by_role(
        "link", name="Goal 1: Protect the homeland"
    ).click()
    expect(page).to_have_url(re.compile(r"element=1(&|$)"))
    expect(page).to_have_url(re.compile(r"office=ERO"))
    expect(page.get_by_text("Showing Goal 1: Protect the homeland")).to_be_visible()
    attention = page.get_by_role("table", name="Needs attention", exact=True)
    assert table_rows(attention) == [[AT_RISK_METRIC, "1.1", "ERO", "At risk", "95", "100"]]
    axe_check(page)
    attention.get_by_role("link", name=AT_RISK_METRIC).click()

    # The metric page: actuals against targets, drawn and tabulated, and the values.
    expect(page.get_by_role("heading", level=1)).to_have_text(AT_RISK_METRIC)
    expect_chart_drawn(page, "Actuals against targets")
    assert table_rows(chart_table(page, "Actuals against targets")) == [
        ["FY2025 Q1", "92", "90", "On track"],
        ["FY2025 Q2", "70", "90", "Off track"],
        ["FY2025 Q3", "99", "95", "On track"],
        ["FY2025 Q4", "95", "100", "At risk"],
        ["FY2025", "356", "375", "At risk"],
    ]
    values = page.get_by_role("table", name="Values", exact=True)
    assert [row[:3] for row in table_rows(values)] == [
        ["FY2025 Q1", "92", "Approved"],
        ["FY2025 Q2", "70", "Approved"],
        ["FY2025 Q3", "99", "Approved"],
        ["FY2025 Q4", "95", "Approved"],
    ]
    axe_check(page)

    # Back on the (unfiltered) dashboard: HSI has not submitted, ERO has.
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link", name="Dashboard").click()
    behind = page.get_by_role("table", name="Offices that have not submitted", exact=True)
    assert table_rows(behind) == [["HSI: Investigations", "1 of 2 values", "1"]]
    data_call = DataCall.objects.get(plan=plan)
    expect(page.get_by_role("link", name=f"The {data_call.period.label} data call")).to_be_visible()
    axe_check(page)

    # The office page of the office that is behind.
    behind.get_by_role("link", name="HSI: Investigations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Investigations (HSI)")
    standing = page.get_by_role("list", name="Metrics the office owns")
    expect(standing.get_by_role("listitem").first).to_have_text(
        re.compile(r"0%\s+on track\s+of 2 metrics due")
    )
    owned = page.get_by_role("table", name=re.compile("ICE Strategic Plan"))
    assert [row[0] for row in table_rows(owned)] == ["Investigations opened", "Victims assisted"]
    expect_chart_drawn(page, "Share of quarterly values submitted")
    axe_check(page)

    assert errors == []
