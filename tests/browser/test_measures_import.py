"""The measures import wizard in a real browser: a working-group lead uploads a spreadsheet
with one bad row, keeps the guessed columns, reads the preview, skips the bad row and
imports. Keyboard only for every choice and button, and axe on every step."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from metrics.models import Measurement
from plans.models import Membership, Metric, Office, Plan
from tests.factories import MembershipFactory, OfficeFactory, PlanFactory, UserFactory

PASSWORD = "correct-horse-battery"  # the factory's password
SAMPLE = Path(__file__).resolve().parent.parent / "metrics" / "data" / "apr_measures.csv"


@pytest.fixture
def plan(transactional_db: None, settings, tmp_path: Path) -> Plan:
    """The ICE plan (empty), with ERO and HSI below ICE and a lead who may edit it."""
    settings.MEDIA_ROOT = tmp_path
    ice = OfficeFactory(
        code="ICE", name="Immigration and Customs Enforcement", kind=Office.Kind.AGENCY
    )
    for code in ("ERO", "HSI"):
        OfficeFactory(code=code, name=f"Office {code}", kind=Office.Kind.DIRECTORATE, parent=ice)
    lead = UserFactory(username="wg-lead", first_name="Lee", last_name="Lead")
    MembershipFactory(user=lead, office=ice, role=Membership.Role.WORKING_GROUP_LEAD)
    return PlanFactory(title="ICE Strategic Plan", slug="ice-plan", owner=ice)


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "apr-with-a-bad-row.csv"
    path.write_bytes(SAMPLE.read_bytes() + b"G,O,KPI,2021,ten,,,,,,,,\n")
    return path


def press(page: Page, locator, key: str = "Enter") -> None:
    """Focus the control and use the keyboard on it, as a keyboard-only user does."""
    locator.focus()
    expect(locator).to_be_focused()
    page.keyboard.press(key)


def test_lead_uploads_maps_previews_and_imports_with_the_keyboard(
    page: Page, live_server, plan: Plan, bad_file: Path, login, axe_check
) -> None:
    login(page, live_server, "wg-lead", PASSWORD)
    page.goto(reverse("metrics:measures-import", args=[plan.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import measures into ICE Strategic Plan"
    )
    axe_check(page)

    # Submitting without a file: the error summary takes focus and links to the field.
    press(page, page.get_by_role("button", name="Upload and choose columns"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("1 problem to fix")
    expect(summary).to_be_focused()
    axe_check(page)
    press(
        page, summary.get_by_role("link", name="Spreadsheet of measures: This field is required.")
    )
    expect(page.locator("#id_file")).to_be_focused()

    page.locator("#id_file").set_input_files(str(bad_file))
    press(page, page.get_by_role("button", name="Upload and choose columns"))

    # Step 2: the columns are guessed from the headings; the person can change them.
    expect(
        page.get_by_role("heading", level=2, name="Step 2 of 4 Choose the columns")
    ).to_be_visible()
    kpi = page.get_by_label("KPI (required)")
    expect(kpi).to_have_value("2")
    expect(page.get_by_label("Quarter", exact=True)).to_have_value("")
    axe_check(page)
    press(page, page.get_by_role("button", name="Preview the import"))

    # Step 3: what will be written, and the bad row with its row and line numbers.
    written = page.get_by_role("table", name="What the import will write")
    expect(written.get_by_role("row", name="Metrics 9 0 0")).to_be_visible()
    bad_rows = page.locator("table[aria-labelledby=bad-rows-heading]")
    expect(bad_rows).to_contain_text("Row 13 (line 15 in a text editor)")
    expect(bad_rows).to_contain_text("Target 'ten' is not a number.")
    axe_check(page)
    assert not Metric.objects.exists()

    # Import without ticking the box: refused, nothing saved, the box is linked.
    press(page, page.get_by_role("button", name="Import", exact=True))
    expect(page.get_by_role("alert")).to_contain_text("1 row(s) cannot be imported")
    axe_check(page)
    assert not Metric.objects.exists()

    press(page, page.get_by_label("Import the other rows and skip the rows listed above"), "Space")
    expect(
        page.get_by_label("Import the other rows and skip the rows listed above")
    ).to_be_checked()
    press(page, page.get_by_role("button", name="Import", exact=True))

    # Step 4: done.
    status = page.get_by_role("status")
    expect(status).to_contain_text("apr-with-a-bad-row.csv was imported")
    expect(page.get_by_text("Metrics: 9 created, 0 updated, 0 unchanged.")).to_be_visible()
    axe_check(page)
    assert Metric.objects.filter(element__plan=plan).count() == 9
    removals = Measurement.objects.get(metric__name="Removals", fiscal_year=2021)
    assert (removals.value, removals.status) == (Decimal(185884), Measurement.Status.APPROVED)
