"""The quarterly review in a real browser: a working-group lead opens the packet of a
quarter from the plan's review list, records the meeting, a decision and an action item
with the keyboard (fixing a mistake on the way), sees them in the packet, and downloads it
as PDF. Axe on every state of every page, and no errors in the browser console."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from metrics.models import Measurement
from plans.models import Membership, Office, Plan
from reports.review_models import ActionItem, Decision
from tests.factories import (
    ActionItemFactory,
    MeasurementFactory,
    MembershipFactory,
    MetricFactory,
    OfficeFactory,
    PlanElementFactory,
    PlanFactory,
    ReviewMeetingFactory,
    TargetFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery"  # the factory's password
FY, Q = 2025, 2  # long past: every status is settled

# name: (office, FY2025 Q2 actual against a target of 100, explanation)
METRICS = {
    "Removals completed": ("ERO", Decimal(50), "Flights were cancelled in March."),
    "Detainers placed": ("ERO", Decimal(120), ""),
    "Investigations opened": ("HSI", Decimal(95), "Two agents retired."),
}


@pytest.fixture
def plan(transactional_db: None) -> Plan:
    """ICE's plan with one goal and three metrics in FY2025 Q2 (off track, on track, at
    risk), an FY2025 Q1 meeting with an item still open, and a working-group lead."""
    dhs = OfficeFactory(code="DHS", name="Department", kind=Office.Kind.DEPARTMENT)
    ice = OfficeFactory(code="ICE", name="Immigration Agency", kind=Office.Kind.AGENCY, parent=dhs)
    offices = {
        code: OfficeFactory(code=code, name=name, kind=Office.Kind.DIRECTORATE, parent=ice)
        for code, name in (("ERO", "Removal Operations"), ("HSI", "Investigations"))
    }
    plan = PlanFactory(title="ICE Strategic Plan", slug="ice-plan", owner=ice)
    goal = PlanElementFactory(plan=plan, number="1", title="Protect the homeland")
    objective = PlanElementFactory(parent=goal, number="1.1", title="Remove threats")
    for order, (name, (office, actual, why)) in enumerate(METRICS.items()):
        metric = MetricFactory(
            element=objective, owner_office=offices[office], name=name, order=order
        )
        TargetFactory(metric=metric, fiscal_year=FY, quarter=Q, value=Decimal(100))
        MeasurementFactory(
            metric=metric,
            fiscal_year=FY,
            quarter=Q,
            value=actual,
            explanation=why,
            status=Measurement.Status.APPROVED,
        )
    earlier = ReviewMeetingFactory(plan=plan, fiscal_year=FY, quarter=1, held_on=date(2025, 2, 4))
    ActionItemFactory(
        meeting=earlier,
        text="Audit the field counts",
        owner_name="Pat Doe",
        due_on=date(2025, 3, 31),
    )
    lead = UserFactory(username="wg-lead", first_name="Lee", last_name="Lead")
    MembershipFactory(user=lead, office=ice, role=Membership.Role.WORKING_GROUP_LEAD)
    return plan


def press(page: Page, key: str, times: int = 1) -> None:
    for _ in range(times):
        page.keyboard.press(key)


def tab_to(page: Page, target: Locator, most: int = 10) -> None:
    """Press Tab until `target` has focus (a date input takes a Tab per part of the date,
    and how many depends on the browser), failing after `most` presses."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    expect(target).to_be_focused()


def submit_with_enter(page: Page, button: str) -> None:
    """Tab to the form's button and press Enter."""
    tab_to(page, page.get_by_role("button", name=button, exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")


def table_rows(page: Page, name: str) -> list[list[str]]:
    table = page.get_by_role("table", name=name, exact=True)
    expect(table).to_be_visible()
    return [
        [" ".join(cell.split()) for cell in row.locator("th, td").all_text_contents()]
        for row in table.locator("tbody tr").all()
    ]


def test_lead_records_the_review_of_a_quarter_and_downloads_its_packet(
    page: Page, live_server, plan: Plan, login, axe_check
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The plan's reviews: choose FY2025 Q2 with the keyboard.
    login(page, live_server, "wg-lead", PASSWORD)
    page.goto(reverse("reports:review-list", args=[plan.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Quarterly reviews: ICE Strategic Plan"
    )
    expect(page.get_by_role("link", name="FY2025 Q1 review packet")).to_be_visible()
    axe_check(page)
    page.get_by_label("Fiscal year", exact=True).focus()
    page.keyboard.type("FY2025")
    press(page, "Tab")
    page.keyboard.type("Q2")
    submit_with_enter(page, "Open the packet")

    # The packet: off track, then at risk, then the rest; the item carried from Q1.
    expect(page).to_have_url(re.compile(r"/reviews/2025/q2/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Quarterly performance review: ICE Strategic Plan, FY2025 Q2"
    )
    attention = page.get_by_role("region", name="Needs attention", exact=True)
    expect(attention.get_by_role("heading", level=3)).to_have_text(
        ["Removals completed", "Investigations opened"]
    )
    expect(page.get_by_text("Explanation: Flights were cancelled in March.")).to_be_visible()
    assert table_rows(page, "Action items open in FY2025 Q2") == [
        ["Audit the field counts", "Pat Doe", "March 31, 2025", "FY2025 Q1", "Open", "Yes"]
    ]
    axe_check(page)

    # Record the meeting: its date and notes, by keyboard.
    page.get_by_label("Held on", exact=True).focus()
    page.keyboard.type("05062025")
    tab_to(page, page.get_by_label("Notes", exact=True))
    page.keyboard.type("The working group met in full.")
    submit_with_enter(page, "Save the meeting")
    expect(page.get_by_text("The FY2025 Q2 review meeting was saved.")).to_be_visible()
    expect(page.get_by_text("Review meeting held on May 6, 2025")).to_be_visible()
    axe_check(page)

    # A decision about the off-track metric.
    decision = page.get_by_role("form", name="Record a decision")
    decision.get_by_label("Decision", exact=True).focus()
    page.keyboard.type("Ask ERO for a recovery plan.")
    press(page, "Tab")
    page.keyboard.type("Removals")  # type-ahead in the metric select
    expect(decision.get_by_label("About a metric", exact=True)).to_have_value(
        str(plan.elements.get(number="1.1").metrics.get(name="Removals completed").pk)
    )
    submit_with_enter(page, "Record the decision")
    expect(page.get_by_text("The decision was recorded.")).to_be_visible()
    assert [row[:2] for row in table_rows(page, "Decisions of the FY2025 Q2 review")] == [
        ["Ask ERO for a recovery plan.", "Removals completed"]
    ]
    axe_check(page)

    # An action item without an owner: refused, with what was typed kept.
    item = page.get_by_role("form", name="Add an action item")
    item.get_by_label("Action item", exact=True).focus()
    page.keyboard.type("Send the recovery plan")
    tab_to(page, item.get_by_label("Due date", exact=True))  # past the owner fields
    page.keyboard.type("06302025")
    submit_with_enter(page, "Add the action item")
    summary = page.get_by_role("alert").filter(has_text="problem to fix")
    expect(summary).to_contain_text("Owner office: Give an owner")
    item = page.get_by_role("form", name="Add an action item")
    expect(item.get_by_label("Action item", exact=True)).to_have_value("Send the recovery plan")
    expect(item.get_by_label("Due date", exact=True)).to_have_value("2025-06-30")
    axe_check(page)

    # Follow the summary's link to the field, choose ERO, and add it.
    summary.get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    item.get_by_label("Owner office", exact=True).focus()
    page.keyboard.type("ERO")
    expect(item.get_by_label("Owner office", exact=True)).to_have_value(
        str(Office.objects.get(code="ERO").pk)
    )
    submit_with_enter(page, "Add the action item")
    expect(page.get_by_text("The action item was added.")).to_be_visible()
    assert table_rows(page, "Action items open in FY2025 Q2") == [
        ["Audit the field counts", "Pat Doe", "March 31, 2025", "FY2025 Q1", "Open", "Yes"],
        ["Send the recovery plan", "ERO", "June 30, 2025", "FY2025 Q2", "Open", "Yes"],
    ]
    axe_check(page)
    assert Decision.objects.filter(meeting__quarter=Q).count() == 1
    assert ActionItem.objects.filter(plan=plan).count() == 2

    # Download the packet as PDF: the same metrics, decision and items.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == "review-packet-ice-plan-fy2025-q2.pdf"
    with open(download.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    for expected in [*METRICS, "Ask ERO for a recovery plan.", "Send the recovery plan"]:
        assert expected in text

    assert errors == []
