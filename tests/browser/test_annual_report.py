"""Journey 3 in a real browser: staff open the FY2020 annual report (seed 004's content and
figures), preview it, build it, watch a build's progress until its files appear, and
download it as Word, PDF and HTML. Axe on every page, no errors in the console."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from metrics.seed import load_fy2020_figures
from plans.models import Membership, Office
from plans.seed import load_seed_data
from reports.builds import run_build
from reports.models import AnnualReport, ReportBuild
from reports.seed import load_fy2020_report
from tests.factories import MembershipFactory, UserFactory

PASSWORD = "correct-horse-battery"  # the factory's password
REMOVALS = "In FY 2020, ICE removed 185,884 aliens."

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def report(settings, tmp_path) -> AnnualReport:
    settings.MEDIA_ROOT = tmp_path
    load_seed_data()
    load_fy2020_figures()
    load_fy2020_report()
    # Reporting staff produce the report to Congress.
    staff = UserFactory(username="report-staff", first_name="Rory", last_name="Writer")
    MembershipFactory(
        user=staff, office=Office.objects.get(code="ICE"), role=Membership.Role.REPORTING_STAFF
    )
    return AnnualReport.objects.get(fiscal_year=2020)


def _download(page: Page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).first.click()
    path = info.value.path()
    with open(path, "rb") as stream:
        return stream.read()


def test_staff_build_the_fy2020_report_and_download_it(
    page: Page, live_server, report: AnnualReport, login, axe_check
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    login(page, live_server, "report-staff", PASSWORD)
    page.get_by_role("link", name="Annual reports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual reports")
    axe_check(page)

    page.get_by_role("link", name=report.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(report.title)
    expect(page.get_by_role("table", name="Sections of the report in order")).to_contain_text(
        "Enforcement and Removal Operations"
    )
    axe_check(page)

    # The preview prints today's figures, exactly as the files will.
    page.get_by_role("link", name="Preview with today's data").click()
    expect(page.locator(".report-preview")).to_contain_text(REMOVALS)
    expect(page.locator(".report-preview")).to_contain_text("a 65% increase from FY 2019")
    axe_check(page)
    page.go_back()

    # Build every format; in-process tasks finish before the build page opens.
    page.get_by_role("button", name="Build the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Build")
    expect(page.get_by_role("status")).to_contain_text("Finished")
    axe_check(page)

    word = _download(page, "Download Word")
    with zipfile.ZipFile(io.BytesIO(word)) as archive:
        body = archive.read("word/document.xml").decode()
    assert "185,884" in body
    pdf = _download(page, "Download PDF")
    assert pdf.startswith(b"%PDF")
    html = _download(page, "Download Web page").decode()
    assert REMOVALS in re.sub(r"<[^>]+>", "", html)
    assert not errors, errors


def test_the_build_page_shows_progress_until_the_files_are_ready(
    page: Page, live_server, report: AnnualReport, login, axe_check
) -> None:
    # A queued build that no worker has picked up yet.
    build = ReportBuild.objects.create(report=report, formats=["html", "xlsx"], step="Waiting")
    login(page, live_server, "report-staff", PASSWORD)
    page.goto(reverse("reports:annual-build", args=[build.pk]))
    expect(page.get_by_role("status")).to_contain_text("Queued")
    expect(page.get_by_role("link", name="Check again")).to_be_visible()
    axe_check(page)

    # The worker runs it; the page, polling, reloads with the files.
    run_build(build.pk)
    expect(page.get_by_role("status")).to_contain_text("Finished", timeout=15_000)
    expect(page.get_by_role("link", name=re.compile("Download Excel appendix"))).to_be_visible()
    expect(page.get_by_role("link", name="Check again")).to_have_count(0)
    axe_check(page)
