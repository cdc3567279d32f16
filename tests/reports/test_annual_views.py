"""Annual report pages: who may do what, editing content, building and downloading."""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.models import Measurement
from plans.models import Metric, Office, Plan
from reports import builds
from reports.documents import document_text
from reports.models import AnnualReport, ReportBlock, ReportBuild, ReportSection
from tests.factories import (
    AnnualReportFactory,
    MeasurementFactory,
    MetricFactory,
    PlanElementFactory,
    ReportBlockFactory,
    ReportSectionFactory,
)
from tests.queries import request_overhead

APPROVED = Measurement.Status.APPROVED


def fake_render(composition, fmt: str) -> bytes:
    return f"{fmt}\n{document_text(composition.document)}".encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Files go to a temporary folder; builds render quickly (the renderers have their own
    tests, and test_annual.py builds every real format)."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(builds, "render_format", fake_render)
    return tmp_path


@pytest.fixture
def removals(plan: Plan, offices: dict[str, Office]) -> Metric:
    element = PlanElementFactory(plan=plan, number="1", title="Enforce")
    metric = MetricFactory(
        element=element,
        name="Removals",
        owner_office=offices["ERO"],
        data_source="EID.",
    )
    for year, value in [(2019, "112000"), (2020, "185884")]:
        MeasurementFactory(
            metric=metric, fiscal_year=year, quarter=None, value=Decimal(value), status=APPROVED
        )
    return metric


@pytest.fixture
def report(plan: Plan, removals: Metric) -> AnnualReport:
    report = AnnualReportFactory(plan=plan, title="ICE FY 2020", fiscal_year=2020)
    first = ReportSectionFactory(report=report, heading="Message", order=1)
    ReportBlockFactory(section=first, order=1, text="We did the work.")
    second = ReportSectionFactory(report=report, heading="Removals section", order=2)
    ReportBlockFactory(
        section=second, order=1, text="ICE removed {value} aliens, {comparison}.", metric=removals
    )
    ReportSectionFactory(report=report, heading="Third", order=3)
    return report


@pytest.fixture
def build(report: AnnualReport) -> ReportBuild:
    """A finished build of html and xlsx."""
    done = builds.run_build(ReportBuild.objects.create(report=report, formats=["html", "xlsx"]).pk)
    assert done.status == ReportBuild.Status.FINISHED
    return done


def sections_of(report: AnnualReport) -> list[str]:
    return list(report.sections.order_by("order").values_list("heading", flat=True))


def section_data(section: ReportSection, *rows: dict[str, Any], heading: str | None = None) -> dict:
    """The section form as a browser posts it: one row per block, with the stored blocks'
    ids first."""
    data: dict[str, Any] = {
        "section-heading": section.heading if heading is None else heading,
        "section-included": "on",
        "block-count": str(len(rows)),
    }
    for index, row in enumerate(rows):
        prefix = f"block-{index}-"
        data[prefix + "id"] = row.get("id", "")
        data[prefix + "order"] = row.get("order", index + 1)
        data[prefix + "style"] = row.get("style", "paragraph")
        data[prefix + "text"] = row.get("text", "")
        data[prefix + "metric"] = row.get("metric", "")
        if row.get("included", True):
            data[prefix + "included"] = "on"
        if row.get("delete"):
            data[prefix + "delete"] = "on"
    return data


def existing(block: ReportBlock, **changes: Any) -> dict[str, Any]:
    return {
        "id": block.pk,
        "order": block.order,
        "style": block.style,
        "text": block.text,
        "metric": block.metric_id or "",
        **changes,
    }


# Permissions -----------------------------------------------------------------------------


def get_urls(report: AnnualReport, build: ReportBuild) -> dict[str, str]:
    section = report.sections.get(order=2)
    return {
        "list": reverse("reports:annual-list"),
        "report": reverse("reports:annual-report", args=[report.pk]),
        "preview": reverse("reports:annual-preview", args=[report.pk]),
        "section": reverse("reports:annual-section", args=[report.pk, section.pk]),
        "build": reverse("reports:annual-build", args=[build.pk]),
        "status": reverse("reports:annual-build-status", args=[build.pk]),
        "file": reverse("reports:annual-file", args=[build.files.get(format="html").pk]),
    }


def post_urls(report: AnnualReport) -> dict[str, tuple[str, dict[str, Any]]]:
    section = report.sections.get(order=2)
    return {
        "new": (
            reverse("reports:annual-new"),
            {"plan": report.plan.pk, "fiscal_year": 2021, "scope": "office", "title": "Posted"},
        ),
        "details": (
            reverse("reports:annual-details", args=[report.pk]),
            {"title": "Posted", "language": "en-US"},
        ),
        "section-add": (
            reverse("reports:annual-section-add", args=[report.pk]),
            {"heading": "Posted"},
        ),
        "section-move": (
            reverse("reports:annual-section-move", args=[report.pk, section.pk]),
            {"direction": "up"},
        ),
        "section-edit": (
            reverse("reports:annual-section", args=[report.pk, section.pk]),
            section_data(section, heading="Posted"),
        ),
        "build-start": (
            reverse("reports:annual-build-start", args=[report.pk]),
            {"formats": ["html"]},
        ),
    }


def unchanged(report: AnnualReport, build_count: int) -> None:
    """Nothing a refused POST could have written was written."""
    report.refresh_from_db()
    assert report.title == "ICE FY 2020"
    assert sections_of(report) == ["Message", "Removals section", "Third"]
    assert AnnualReport.objects.count() == 1
    assert ReportBuild.objects.count() == build_count


def test_anonymous_users_are_sent_to_sign_in_from_every_page(
    client: Client, report: AnnualReport, build: ReportBuild
) -> None:
    login = reverse("login")
    urls = [*get_urls(report, build).values(), reverse("reports:annual-new")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url
    for url, data in post_urls(report).values():
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url
    unchanged(report, 1)


def test_outsiders_get_404_for_every_report_page_and_post(
    outsider_client: Client, report: AnnualReport, build: ReportBuild
) -> None:
    urls = get_urls(report, build)
    listing = outsider_client.get(urls.pop("list"))
    for name, url in urls.items():
        assert outsider_client.get(url).status_code == 404, name
    for name, (url, data) in post_urls(report).items():
        expected = 403 if name == "new" else 404  # no plan to create a report for
        assert outsider_client.post(url, data).status_code == expected, name

    assert listing.status_code == 200
    assert "ICE FY 2020" not in listing.content.decode()
    unchanged(report, 1)


def test_viewers_can_read_every_page_and_download_files(
    viewer_client: Client, report: AnnualReport, build: ReportBuild
) -> None:
    urls = get_urls(report, build)

    for name, url in urls.items():
        assert viewer_client.get(url).status_code == 200, name
    page = viewer_client.get(urls["report"]).content.decode()
    assert "ICE FY 2020" in viewer_client.get(urls["list"]).content.decode()
    assert "Build the report" not in page
    assert "Add the section" not in page
    assert "Move up" not in page
    assert viewer_client.get(reverse("reports:annual-new")).status_code == 403


def test_viewers_get_403_for_every_post_and_nothing_changes(
    viewer_client: Client, report: AnnualReport, build: ReportBuild
) -> None:
    for name, (url, data) in post_urls(report).items():
        assert viewer_client.post(url, data).status_code == 403, name

    unchanged(report, 1)


def test_reporting_staff_write_and_build_reports(
    reporter_client: Client, report: AnnualReport, build: ReportBuild
) -> None:
    """Reporting staff produce the report to Congress (PRODUCT.md): every write that a
    lead may make, they may make too."""
    page = reporter_client.get(reverse("reports:annual-report", args=[report.pk]))
    assert "Build the report" in page.content.decode()

    for name, (url, data) in post_urls(report).items():
        assert reporter_client.post(url, data).status_code == 302, name

    assert report.builds.count() == 2


@pytest.mark.parametrize("name", ["list", "report", "preview", "build", "status", "file"])
def test_read_only_pages_refuse_post_with_405(
    viewer_client: Client, report: AnnualReport, build: ReportBuild, name: str
) -> None:
    assert viewer_client.post(get_urls(report, build)[name]).status_code == 405


@pytest.mark.parametrize("name", ["details", "section-add", "section-move", "build-start"])
def test_actions_refuse_get_with_405(lead_client: Client, report: AnnualReport, name: str) -> None:
    url, _data = post_urls(report)[name]

    assert lead_client.get(url).status_code == 405


# Creating a report and its details -----------------------------------------------------


def test_lead_creates_a_report_with_the_default_content(
    lead_client: Client, plan: Plan, removals: Metric
) -> None:
    response = lead_client.post(
        reverse("reports:annual-new"),
        {"plan": plan.pk, "fiscal_year": 2020, "scope": "office", "title": "New FY 2020"},
    )

    created = AnnualReport.objects.get(title="New FY 2020")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:annual-report", args=[created.pk])
    assert created.fiscal_year == 2020
    assert created.scope == "office"
    assert created.subtitle == "Agency"  # the plan owner's name
    assert created.created_by.username == "working_group_lead-ice"
    assert sections_of(created) == ["Removals"]  # ERO's name, the office owning the metric
    block = ReportBlock.objects.get(section__report=created)
    assert block.metric == removals
    assert block.style == "bullet"


def test_duplicate_title_is_refused_keeping_what_was_typed(
    lead_client: Client, report: AnnualReport
) -> None:
    response = lead_client.post(
        reverse("reports:annual-new"),
        {"plan": report.plan.pk, "fiscal_year": 2020, "scope": "plan", "title": "ICE FY 2020"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "This plan already has a report of that title for the year." in page
    assert "nothing was saved" in page
    assert 'value="ICE FY 2020"' in page
    assert 'value="plan" selected' in page
    assert AnnualReport.objects.count() == 1


def test_new_report_form_offers_only_plans_the_user_may_edit(
    lead_client: Client, plan: Plan
) -> None:
    from tests.factories import PlanFactory

    other = PlanFactory(title="FEMA plan", slug="fema-plan", owner=Office.objects.get(code="FEMA"))

    response = lead_client.post(
        reverse("reports:annual-new"),
        {"plan": other.pk, "fiscal_year": 2020, "scope": "office", "title": "Sneaky"},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert "FEMA plan" not in response.content.decode()
    assert not AnnualReport.objects.exists()


def test_lead_saves_the_details(lead_client: Client, report: AnnualReport) -> None:
    response = lead_client.post(
        reverse("reports:annual-details", args=[report.pk]),
        {
            "title": "Renamed",
            "subtitle": "Fiscal Year 2020",
            "date_label": "June 2021",
            "language": "en-US",
        },
    )

    report.refresh_from_db()
    assert response.status_code == 302
    assert (report.title, report.subtitle, report.date_label) == (
        "Renamed",
        "Fiscal Year 2020",
        "June 2021",
    )


def test_details_without_a_title_are_refused_keeping_what_was_typed(
    lead_client: Client, report: AnnualReport
) -> None:
    response = lead_client.post(
        reverse("reports:annual-details", args=[report.pk]),
        {"title": "", "subtitle": "Typed subtitle", "language": "en-US"},
    )

    page = response.content.decode()
    report.refresh_from_db()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "Typed subtitle" in page
    assert report.title == "ICE FY 2020"
    assert report.subtitle == ""


# Sections -------------------------------------------------------------------------------


def test_lead_adds_a_section_at_the_end(lead_client: Client, report: AnnualReport) -> None:
    response = lead_client.post(
        reverse("reports:annual-section-add", args=[report.pk]), {"heading": "  Annex  "}
    )

    added = report.sections.get(heading="Annex")
    assert response["Location"] == reverse("reports:annual-section", args=[report.pk, added.pk])
    assert sections_of(report) == ["Message", "Removals section", "Third", "Annex"]


def test_a_section_without_a_heading_is_refused_with_a_message(
    lead_client: Client, report: AnnualReport
) -> None:
    response = lead_client.post(
        reverse("reports:annual-section-add", args=[report.pk]), {"heading": "   "}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("reports:annual-report", args=[report.pk])
    assert "Give the new section a heading." in response.content.decode()
    assert report.sections.count() == 3


@pytest.mark.parametrize(
    ("heading", "direction", "expected"),
    [
        ("Removals section", "up", ["Removals section", "Message", "Third"]),
        ("Removals section", "down", ["Message", "Third", "Removals section"]),
        ("Message", "up", ["Message", "Removals section", "Third"]),
        ("Third", "down", ["Message", "Removals section", "Third"]),
    ],
)
def test_lead_reorders_sections(
    lead_client: Client, report: AnnualReport, heading: str, direction: str, expected: list[str]
) -> None:
    section = report.sections.get(heading=heading)

    response = lead_client.post(
        reverse("reports:annual-section-move", args=[report.pk, section.pk]),
        {"direction": direction},
    )

    assert response["Location"] == reverse("reports:annual-report", args=[report.pk]) + "#sections"
    assert sections_of(report) == expected
    assert list(report.sections.order_by("order").values_list("order", flat=True)) == [1, 2, 3]


def test_moving_a_section_of_another_report_is_404(
    lead_client: Client, report: AnnualReport
) -> None:
    other = ReportSectionFactory(report=AnnualReportFactory(plan=report.plan))

    response = lead_client.post(
        reverse("reports:annual-section-move", args=[report.pk, other.pk]), {"direction": "up"}
    )

    assert response.status_code == 404


def test_lead_edits_adds_and_removes_blocks(
    lead_client: Client, report: AnnualReport, removals: Metric
) -> None:
    section = report.sections.get(heading="Removals section")
    stored = section.blocks.get()
    extra = ReportBlockFactory(section=section, order=2, text="To be removed.")
    url = reverse("reports:annual-section", args=[report.pk, section.pk])

    response = lead_client.post(
        url,
        section_data(
            section,
            existing(stored, text="ICE removed {value|full} aliens.", style="bullet", order=2),
            existing(extra, delete=True),
            {"text": "A new first paragraph about {name}.", "metric": removals.pk, "order": 1},
            {"text": ""},  # the empty row offered for a new block
            heading="Enforcement and Removal Operations",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == url
    section.refresh_from_db()
    assert section.heading == "Enforcement and Removal Operations"
    assert list(section.blocks.values_list("order", "style", "text", "metric_id")) == [
        (1, "paragraph", "A new first paragraph about {name}.", removals.pk),
        (2, "bullet", "ICE removed {value|full} aliens.", removals.pk),
    ]
    assert not ReportBlock.objects.filter(pk=extra.pk).exists()
    assert section.blocks.get(order=2).pk == stored.pk


def test_unticking_included_keeps_a_block_out_of_the_report(
    lead_client: Client, report: AnnualReport
) -> None:
    section = report.sections.get(heading="Message")
    stored = section.blocks.get()

    lead_client.post(
        reverse("reports:annual-section", args=[report.pk, section.pk]),
        section_data(section, existing(stored, included=False)),
    )

    stored.refresh_from_db()
    assert stored.included is False
    preview = lead_client.get(reverse("reports:annual-preview", args=[report.pk]))
    assert "We did the work." not in preview.content.decode()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"text": "Removed {vlaue} aliens."}, "Block 1: Unknown placeholder “{vlaue}”"),
        ({"text": "Removed {value|big} aliens."}, "Block 1: Unknown option “|big”"),
        (
            {"text": "Removed {metric:Deportations} aliens."},
            "Block 1: No metric named “Deportations” in this plan.",
        ),
        (
            {"text": "Removed {value} aliens.", "metric": ""},
            "Block 1: “{value}” needs the block's metric",
        ),
        ({"text": "Removed { aliens."}, "Block 1: Unmatched “{”"),
    ],
)
def test_a_bad_block_is_refused_keeping_what_was_typed_and_saving_nothing(
    lead_client: Client,
    report: AnnualReport,
    removals: Metric,
    row: dict[str, Any],
    message: str,
) -> None:
    section = report.sections.get(heading="Removals section")
    stored = section.blocks.get()
    row = {"metric": removals.pk, **row}

    response = lead_client.post(
        reverse("reports:annual-section", args=[report.pk, section.pk]),
        section_data(section, existing(stored, **row), heading="Typed heading"),
    )

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "problem to fix; nothing was saved" in page
    assert message in page
    assert row["text"].replace("{", "") in page.replace("{", "")
    assert "Typed heading" in page
    stored.refresh_from_db()
    section.refresh_from_db()
    assert stored.text == "ICE removed {value} aliens, {comparison}."
    assert section.heading == "Removals section"


def test_an_empty_heading_is_refused_keeping_the_blocks_typed(
    lead_client: Client, report: AnnualReport
) -> None:
    section = report.sections.get(heading="Message")
    stored = section.blocks.get()

    response = lead_client.post(
        reverse("reports:annual-section", args=[report.pk, section.pk]),
        section_data(section, existing(stored, text="Typed but not saved."), heading=""),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "Typed but not saved." in page
    stored.refresh_from_db()
    assert stored.text == "We did the work."


def test_clearing_a_stored_blocks_text_asks_to_remove_it_instead(
    lead_client: Client, report: AnnualReport
) -> None:
    section = report.sections.get(heading="Message")
    stored = section.blocks.get()

    response = lead_client.post(
        reverse("reports:annual-section", args=[report.pk, section.pk]),
        section_data(section, existing(stored, text="  ")),
    )

    assert "Block 1: Write the text, or tick “Remove this block”." in response.content.decode()
    assert section.blocks.get().text == "We did the work."


def test_section_of_another_report_is_404(lead_client: Client, report: AnnualReport) -> None:
    other = ReportSectionFactory(report=AnnualReportFactory(plan=report.plan))

    response = lead_client.get(reverse("reports:annual-section", args=[report.pk, other.pk]))

    assert response.status_code == 404


def test_viewer_sees_the_section_text_without_a_form(
    viewer_client: Client, report: AnnualReport
) -> None:
    section = report.sections.get(heading="Removals section")

    page = viewer_client.get(reverse("reports:annual-section", args=[report.pk, section.pk]))

    html = page.content.decode()
    assert "ICE removed {value} aliens, {comparison}." in html
    assert "Save the section" not in html


# Preview --------------------------------------------------------------------------------


def test_preview_shows_the_filled_sentences_and_the_blocks_left_out(
    viewer_client: Client, report: AnnualReport
) -> None:
    section = report.sections.get(heading="Third")
    ReportBlockFactory(section=section, text="Broken {metric:Nobody}.")

    response = viewer_client.get(reverse("reports:annual-preview", args=[report.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "185,884" in page
    assert "a 66% increase from FY 2019" in page
    assert "We did the work." in page
    assert "1 block left out" in page
    assert "No metric named “Nobody” in this report&#x27;s plan." in page
    assert "{value}" not in page


# Builds ---------------------------------------------------------------------------------


def test_lead_starts_a_build_and_is_sent_to_its_page(
    lead_client: Client, report: AnnualReport, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            reverse("reports:annual-build-start", args=[report.pk]),
            {"formats": ["xlsx", "html"]},
        )

    build = ReportBuild.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:annual-build", args=[build.pk])
    assert build.formats == ["html", "xlsx"]
    assert build.requested_by.username == "working_group_lead-ice"
    assert build.status == ReportBuild.Status.FINISHED
    assert sorted(build.files.values_list("format", flat=True)) == ["html", "xlsx"]


def test_a_build_without_a_format_is_refused_with_a_message(
    lead_client: Client, report: AnnualReport
) -> None:
    response = lead_client.post(
        reverse("reports:annual-build-start", args=[report.pk]), {}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("reports:annual-report", args=[report.pk])
    assert "Choose at least one format." in response.content.decode()
    assert not ReportBuild.objects.exists()


def test_build_status_reports_progress_as_json(viewer_client: Client, report: AnnualReport) -> None:
    build = ReportBuild.objects.create(
        report=report,
        formats=["pdf"],
        status=ReportBuild.Status.RUNNING,
        progress=40,
        step="Writing PDF",
    )

    response = viewer_client.get(reverse("reports:annual-build-status", args=[build.pk]))

    assert response.status_code == 200
    assert response.json() == {
        "status": "running",
        "label": "Building",
        "progress": 40,
        "step": "Writing PDF",
        "done": False,
    }


def test_build_page_lists_files_only_once_finished(
    viewer_client: Client, report: AnnualReport, build: ReportBuild
) -> None:
    record = build.files.get(format="html")
    download = reverse("reports:annual-file", args=[record.pk])
    url = reverse("reports:annual-build", args=[build.pk])
    finished = viewer_client.get(url).content.decode()

    ReportBuild.objects.filter(pk=build.pk).update(status=ReportBuild.Status.RUNNING)
    running = viewer_client.get(url).content.decode()

    assert download in finished
    assert "Download Web page (HTML)" in finished
    assert "Download Excel appendix of figures" in finished
    assert "No figure has changed since." in finished
    assert download not in running
    assert "Check again" in running
    assert viewer_client.get(download).status_code == 404


def test_build_page_shows_a_failed_builds_error(
    viewer_client: Client, report: AnnualReport
) -> None:
    build = ReportBuild.objects.create(
        report=report, status=ReportBuild.Status.FAILED, error="RuntimeError: out of memory"
    )

    page = viewer_client.get(reverse("reports:annual-build", args=[build.pk])).content.decode()

    assert "The build failed" in page
    assert "RuntimeError: out of memory" in page


def test_pages_say_which_figures_changed_since_the_build(
    viewer_client: Client, report: AnnualReport, build: ReportBuild, removals: Metric
) -> None:
    Measurement.objects.filter(metric=removals, fiscal_year=2020).update(value=Decimal(190000))

    build_page = viewer_client.get(reverse("reports:annual-build", args=[build.pk]))
    report_page = viewer_client.get(reverse("reports:annual-report", args=[report.pk]))

    assert "1 figure changed since this build" in build_page.content.decode()
    assert "Removals: 185,884 in this build, 190,000 now" in build_page.content.decode()
    assert "Removals: 185,884 then, 190,000 now" in report_page.content.decode()


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("html", "text/html; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_file_download_is_an_attachment_of_the_right_type(
    viewer_client: Client, build: ReportBuild, fmt: str, content_type: str
) -> None:
    record = build.files.get(format=fmt)

    response = viewer_client.get(reverse("reports:annual-file", args=[record.pk]))

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="ice-fy-2020-fy2020-build{build.pk}.{fmt}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body.startswith(fmt.encode() + b"\n")
    assert b"185,884" in body
    assert len(body) == record.size


# Query counts ---------------------------------------------------------------------------


def grow(report: AnnualReport, removals: Metric, count: int) -> None:
    """`count` more metrics with values, each stated by a block of the second section,
    and a finished build stating them all."""
    section = report.sections.get(order=2)
    for n in range(count):
        metric = MetricFactory(
            element=removals.element, name=f"Extra {n}", owner_office=removals.owner_office
        )
        MeasurementFactory(
            metric=metric, fiscal_year=2020, quarter=None, value=Decimal(n), status=APPROVED
        )
        ReportBlockFactory(section=section, order=10 + n, text="{name}: {value}.", metric=metric)
        ReportSectionFactory(report=report, heading=f"Extra section {n}")


@pytest.mark.parametrize("page", ["report", "section"])
def test_pages_cost_the_same_queries_for_1_and_20_blocks_and_metrics(
    page: str,
    lead_client: Client,
    report: AnnualReport,
    removals: Metric,
    build: ReportBuild,
) -> None:
    section = report.sections.get(order=2)
    url = {
        "report": reverse("reports:annual-report", args=[report.pk]),
        "section": reverse("reports:annual-section", args=[report.pk, section.pk]),
    }[page]

    def count() -> int:
        builds.run_build(ReportBuild.objects.create(report=report, formats=["html"]).pk)
        with CaptureQueriesContext(connection) as queries:
            response = lead_client.get(url)
        assert response.status_code == 200
        return len(queries)

    small = count()
    grow(report, removals, 20)
    large = count()

    assert large == small
    assert small <= 16 + request_overhead()


def test_report_detail_query_count_is_pinned(
    lead_client: Client,
    report: AnnualReport,
    build: ReportBuild,
    django_assert_num_queries: Callable,
) -> None:
    url = reverse("reports:annual-report", args=[report.pk])
    lead_client.get(url)  # session and user warm-up aside, the count is the page's

    # session, user, report, plan, memberships and office tree (twice: read, can_edit),
    # builds, their files, snapshot metrics and values, sections, messages
    with django_assert_num_queries(13 + request_overhead()):
        response = lead_client.get(url)

    assert "Build " + str(build.pk) in response.content.decode()
