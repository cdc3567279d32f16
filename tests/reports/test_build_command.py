"""`manage.py build_annual_report`: one format of a report into a file."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from metrics.models import Measurement
from plans.models import Metric, Office, Plan
from reports.management.commands import build_annual_report as command
from reports.models import AnnualReport
from tests.factories import (
    AnnualReportFactory,
    MeasurementFactory,
    MetricFactory,
    PlanElementFactory,
    PlanFactory,
    ReportBlockFactory,
    ReportSectionFactory,
)


@pytest.fixture
def removals(plan: Plan, offices: dict[str, Office]) -> Metric:
    element = PlanElementFactory(plan=plan, number="1", title="Enforce the law")
    metric = MetricFactory(
        element=element,
        name="Removals",
        owner_office=offices["ERO"],
        data_source="Counted by hand in the field offices.",
    )
    for year, value in [(2019, "112000"), (2020, "185884")]:
        MeasurementFactory(
            metric=metric,
            fiscal_year=year,
            quarter=None,
            value=Decimal(value),
            status=Measurement.Status.APPROVED,
        )
    return metric


@pytest.fixture
def report(plan: Plan, removals: Metric) -> AnnualReport:
    report = AnnualReportFactory(
        plan=plan, title="ICE Annual Report", fiscal_year=2020, scope="office"
    )
    section = ReportSectionFactory(report=report, heading="Enforcement and Removal Operations")
    ReportBlockFactory(
        section=section,
        text="In FY {year}, ICE removed {value} aliens, {comparison}.",
        metric=removals,
    )
    return report


def build(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("build_annual_report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def office_args(fmt: str, output: Path, *extra: str) -> list[str]:
    return [
        "--fiscal-year", "2020", "--scope", "office", "--format", fmt, "--output", str(output),
        *extra,
    ]  # fmt: skip


def test_html_states_the_figure_of_the_stored_report(report: AnnualReport, tmp_path: Path) -> None:
    output = tmp_path / "report.html"

    out, err = build(*office_args("html", output))

    page = output.read_text(encoding="utf-8")
    assert "185,884" in page
    assert "a 66% increase from FY 2019" in page
    assert "Counted by hand in the field offices." in page
    assert f"Wrote {output}" in out
    assert "ICE Annual Report, 1 figure, 0 blocks left out." in out
    assert err == ""
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_xlsx_appendix_opens_with_the_figure(report: AnnualReport, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    output = tmp_path / "figures.xlsx"

    build(*office_args("xlsx", output))

    sheet = load_workbook(output).worksheets[0]
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Removals" in cells
    assert 185884 in cells
    assert "FY 2020" in cells


def test_pdf_is_a_pdf_stating_the_figure(report: AnnualReport, tmp_path: Path) -> None:
    from pypdf import PdfReader

    output = tmp_path / "report.pdf"

    build(*office_args("pdf", output))

    assert output.read_bytes().startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(output).pages)
    assert "185,884" in text


def test_docx_opens_with_python_docx_and_states_the_figure(
    report: AnnualReport, tmp_path: Path
) -> None:
    from docx import Document

    output = tmp_path / "report.docx"

    build(*office_args("docx", output))

    paragraphs = [p.text for p in Document(str(output)).paragraphs]
    assert "Enforcement and Removal Operations" in paragraphs
    assert any("185,884" in text for text in paragraphs)


def test_with_a_plan_and_no_stored_report_it_builds_the_default_content(
    plan: Plan, removals: Metric, tmp_path: Path
) -> None:
    output = tmp_path / "by-plan.html"

    out, _err = build(
        "--fiscal-year", "2020", "--scope", "plan", "--plan", plan.slug,
        "--format", "html", "--output", str(output),
    )  # fmt: skip

    page = output.read_text(encoding="utf-8")
    assert "Goal 1: Enforce the law" in page
    assert "Removals: <strong>185,884</strong> in FY 2020, a 66% increase from FY 2019" in (
        page.replace("<b>", "<strong>").replace("</b>", "</strong>")
    )
    assert "ICE Strategic Plan: annual report, FY 2020" in out
    assert not AnnualReport.objects.exists()  # nothing stored


def test_problems_are_written_to_stderr(report: AnnualReport, tmp_path: Path) -> None:
    ReportBlockFactory(section=report.sections.get(), text="Broken {metric:Nobody}.")

    out, err = build(*office_args("html", tmp_path / "report.html"))

    assert "Left out of “Enforcement and Removal Operations”: No metric named “Nobody”" in err
    assert "1 block left out." in out


def test_several_matching_reports_are_an_error_naming_them(
    report: AnnualReport, tmp_path: Path
) -> None:
    AnnualReportFactory(plan=report.plan, title="Second report", fiscal_year=2020, scope="office")

    with pytest.raises(CommandError) as caught:
        build(*office_args("html", tmp_path / "x.html"))

    message = str(caught.value)
    assert message.startswith("Several FY2020 reports match:")
    assert "“ICE Annual Report” (ice-plan)" in message
    assert "“Second report” (ice-plan)" in message
    assert message.endswith("Choose with --title.")
    assert list(tmp_path.iterdir()) == []


def test_title_chooses_among_several_reports(report: AnnualReport, tmp_path: Path) -> None:
    AnnualReportFactory(plan=report.plan, title="Second report", fiscal_year=2020, scope="office")
    output = tmp_path / "x.html"

    build(*office_args("html", output, "--title", "ICE Annual Report"))

    assert "185,884" in output.read_text(encoding="utf-8")


def test_no_stored_report_and_no_plan_is_an_error_saying_to_name_the_plan(
    plan: Plan, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="No stored office-scope report for FY2020: name the"):
        build(*office_args("html", tmp_path / "x.html"))


def test_an_unknown_plan_is_an_error_naming_it(report: AnnualReport, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=re.escape("No plan “no-such-plan”.")):
        build(*office_args("html", tmp_path / "x.html", "--plan", "no-such-plan"))


def test_a_plan_narrows_the_stored_reports(
    report: AnnualReport, offices: dict[str, Office], tmp_path: Path
) -> None:
    other = PlanFactory(slug="fema-plan", owner=offices["FEMA"])
    AnnualReportFactory(plan=other, title="FEMA report", fiscal_year=2020, scope="office")
    output = tmp_path / "x.html"

    build(*office_args("html", output, "--plan", "ice-plan"))

    assert "185,884" in output.read_text(encoding="utf-8")


def test_a_missing_folder_is_an_error_naming_it(report: AnnualReport, tmp_path: Path) -> None:
    folder = tmp_path / "nowhere"

    with pytest.raises(CommandError, match=re.escape(f"The folder {folder} does not exist.")):
        build(*office_args("html", folder / "x.html"))


def test_an_unknown_format_is_refused(report: AnnualReport, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'odt'"):
        build(*office_args("odt", tmp_path / "x.odt"))


def test_rendering_that_raises_leaves_no_file_and_the_old_one_untouched(
    report: AnnualReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "report.pdf"
    output.write_bytes(b"the issued report")

    def broken(composition, fmt: str) -> bytes:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(command, "render_format", broken)

    with pytest.raises(RuntimeError, match="renderer crashed"):
        build(*office_args("pdf", output))

    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]
    assert output.read_bytes() == b"the issued report"


def test_a_write_that_fails_leaves_no_temporary_file(
    report: AnnualReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "report.html"
    output.write_bytes(b"the issued report")

    def no_rename(source: str, destination: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(command.os, "replace", no_rename)

    with pytest.raises(OSError, match="disk full"):
        build(*office_args("html", output))

    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    assert output.read_bytes() == b"the issued report"
