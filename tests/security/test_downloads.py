"""Every download is an attachment with a safe file name and is never sniffed into
something the browser would render: the quarter's spreadsheet template, the
targets-vs-actuals workbook, the review packet (PDF and Word) and an annual report's
built files. A name that is not plain ASCII travels as RFC 5987 `filename*`."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from metrics.models import DataCall
from plans.models import Office, Plan
from reports import builds
from reports.models import ReportBuild
from tests.factories import AnnualReportFactory, MetricFactory, PlanElementFactory

# attachment; filename="<printable ASCII without quotes or backslashes>"
SAFE_ASCII = re.compile(r'attachment; filename="[\x20-\x21\x23-\x5b\x5d-\x7e]+"')


def assert_safe_download(response: HttpResponse) -> None:
    assert response.status_code == 200
    assert SAFE_ASCII.fullmatch(response["Content-Disposition"]), response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def media(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(builds, "render_format", lambda composition, fmt: b"built")
    return tmp_path


def test_the_spreadsheet_template_is_a_safe_attachment(
    steward_client: Client, plan: Plan, offices: dict[str, Office]
) -> None:
    element = PlanElementFactory(plan=plan, number="1")
    MetricFactory(element=element, owner_office=offices["ERO"], name="Removals")
    today = timezone.localdate()
    data_call = DataCall.objects.create(
        plan=plan,
        fiscal_year=2026,
        quarter=4,
        opens_on=today - timedelta(days=10),
        due_on=today + timedelta(days=10),
    )

    response = steward_client.get(reverse("metrics:quarter-template", args=[data_call.pk, "ERO"]))

    assert_safe_download(response)


def test_the_targets_vs_actuals_workbook_is_a_safe_attachment(
    viewer_client: Client, plan: Plan
) -> None:
    response = viewer_client.get(reverse("reports:tva-xlsx", args=[plan.slug]))

    assert_safe_download(response)


@pytest.mark.parametrize("name", ["review-pdf", "review-docx"])
def test_the_review_packet_is_a_safe_attachment(
    viewer_client: Client, plan: Plan, name: str
) -> None:
    response = viewer_client.get(reverse(f"reports:{name}", args=[plan.slug, 2025, 2]))

    assert_safe_download(response)


def test_an_annual_report_file_is_a_safe_attachment(
    viewer_client: Client, plan: Plan, media: Path
) -> None:
    report = AnnualReportFactory(plan=plan, fiscal_year=2020)
    build = builds.run_build(ReportBuild.objects.create(report=report, formats=["html"]).pk)
    record = build.files.get(format="html")

    response = viewer_client.get(reverse("reports:annual-file", args=[record.pk]))

    assert_safe_download(response)


def test_a_file_name_beyond_ascii_is_sent_as_rfc_5987_with_no_raw_bytes(
    viewer_client: Client, plan: Plan, media: Path
) -> None:
    report = AnnualReportFactory(plan=plan, fiscal_year=2020)
    build = builds.run_build(ReportBuild.objects.create(report=report, formats=["html"]).pk)
    record = build.files.get(format="html")
    record.file.save('rapport "année" 2020.html', ContentFile(b"built"), save=True)

    response = viewer_client.get(reverse("reports:annual-file", args=[record.pk]))

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert disposition.isascii()
    assert '"' not in disposition.split("filename*=", 1)[1]
    assert response["X-Content-Type-Options"] == "nosniff"
