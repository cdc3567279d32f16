"""The spreadsheet round trip: an office downloads its quarter's template and uploads it
filled in; every row is checked by the entry form's rules and saved all or nothing.

The data call is FY2026 Q4 of the ICE plan, open today. ERO owns four metrics under
element 3.1.4, in this order (so on these sheet rows); HSI owns one more:

    row 2  Removals completed           numeric, count
    row 3  Detention compliance rate    numeric, percent
    row 4  Cases closed on time         percentage (numerator and denominator)
    row 5  Deploy the case system       milestone
           Investigations opened        numeric, count, owned by HSI
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from metrics import spreadsheets
from metrics.models import DataCall, Measurement
from metrics.services import LOCKED
from metrics.spreadsheets import (
    NOT_XLSX,
    TOO_BIG,
    UNSAFE,
    XLSX_TYPE,
    cell_text,
    is_percent_format,
    number_text,
    yes_no,
    zip_problem,
)
from plans.models import Membership, Metric, Office, Plan, User
from tests.factories import MetricFactory, PlanElementFactory

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

FIRST_ROW = {"removals": 2, "compliance": 3, "closed": 4, "system": 5}


# Arrange -----------------------------------------------------------------------------------


@pytest.fixture
def data_call(plan: Plan) -> DataCall:
    today = timezone.localdate()
    return DataCall.objects.create(
        plan=plan,
        fiscal_year=2026,
        quarter=4,
        opens_on=today - timedelta(days=10),
        due_on=today + timedelta(days=10),
    )


@pytest.fixture
def metrics(plan: Plan, offices: dict[str, Office]) -> dict[str, Metric]:
    element = PlanElementFactory(
        plan=plan, number="3.1.4", title="Effectuate Final Orders of Removal"
    )
    ero = offices["ERO"]

    def metric(name: str, order: int, **fields: Any) -> Metric:
        return MetricFactory(element=element, name=name, owner_office=ero, order=order, **fields)

    return {
        "removals": metric("Removals completed", 1),
        "compliance": metric("Detention compliance rate", 2, unit=Metric.Unit.PERCENT),
        "closed": metric(
            "Cases closed on time", 3, kind=Metric.Kind.PERCENTAGE, unit=Metric.Unit.PERCENT
        ),
        "system": metric("Deploy the case system", 4, kind=Metric.Kind.MILESTONE),
        "hsi": MetricFactory(
            element=element, name="Investigations opened", owner_office=offices["HSI"], order=5
        ),
    }


@pytest.fixture
def steward(make_user: Callable[..., User]) -> User:
    return make_user(Membership.Role.DATA_STEWARD, "ERO", username="steward")


@pytest.fixture
def client_(steward: User) -> Client:
    client = Client()
    client.force_login(steward)
    return client


def stored(metric: Metric, **fields: Any) -> Measurement:
    values = {"fiscal_year": 2026, "quarter": 4, **fields}
    return Measurement.objects.create(metric=metric, **values)


def template_url(data_call: DataCall, office: str = "ERO") -> str:
    return reverse("metrics:quarter-template", args=[data_call.pk, office])


def upload_url(data_call: DataCall, office: str = "ERO") -> str:
    return reverse("metrics:quarter-upload", args=[data_call.pk, office])


def entry_url(data_call: DataCall) -> str:
    return reverse("metrics:quarter-entry", args=[data_call.pk, "ERO"])


def download(client: Client, data_call: DataCall) -> bytes:
    response = client.get(template_url(data_call))
    assert response.status_code == 200
    return response.content


def rows_of(content: bytes) -> dict[int, dict[str, Any]]:
    """The Values sheet as {metric id: {header: value}}."""
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Values"]
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    return {row[0]: dict(zip(headers, row, strict=True)) for row in rows[1:]}


def filled(content: bytes, changes: dict[int, dict[str, Any]]) -> bytes:
    """The template with some cells changed, found by metric ID and header."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["Values"]
    column = {cell.value: cell.column for cell in sheet[1]}
    for row in sheet.iter_rows(min_row=2):
        for header, value in changes.get(row[0].value, {}).items():
            sheet.cell(row=row[0].row, column=column[header], value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_of(rows: list[list[Any]]) -> bytes:
    """A workbook with the template's entry headers and these rows under them."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Values"
    sheet.append(["Metric ID", *(c.header for c in spreadsheets.ENTRY_COLUMNS)])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(
    client: Client,
    data_call: DataCall,
    content: bytes,
    *,
    action: str = "draft",
    name: str = "ERO-FY2026-Q4.xlsx",
) -> Any:
    upload = SimpleUploadedFile(name, content, content_type=XLSX_TYPE)
    return client.post(upload_url(data_call), {"file": upload, "action": action})


def errors_of(response: Any) -> list[str]:
    return response.context["errors"]


def complete_sheet(client: Client, data_call: DataCall, metrics: dict[str, Metric]) -> bytes:
    return filled(
        download(client, data_call),
        {
            metrics["removals"].pk: {"Value": 1234},
            metrics["compliance"].pk: {"Value": "96.5%"},
            metrics["closed"].pk: {"Numerator": 3, "Denominator": 12},
            metrics["system"].pk: {
                "Milestone status": "Done",
                "Milestone date": date(2026, 8, 14),
            },
        },
    )


# The template ------------------------------------------------------------------------------


def test_template_holds_every_metric_of_the_office_and_only_those(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    rows = rows_of(download(client_, data_call))

    ero = [metrics[key].pk for key in ("removals", "compliance", "closed", "system")]
    assert list(rows) == ero
    assert metrics["hsi"].pk not in rows
    assert rows[metrics["removals"].pk]["Element"] == "3.1.4 Effectuate Final Orders of Removal"
    assert rows[metrics["closed"].pk]["Kind"] == "Percentage (numerator and denominator)"


def test_template_has_the_columns_an_office_fills_in_and_instructions(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(download(client_, data_call)))
    sheet = workbook["Values"]
    headers = [cell.value for cell in sheet[1]]

    assert headers == [
        "Metric ID",
        "Element",
        "Metric",
        "Unit",
        "Kind",
        "Target",
        "FY2025 Q4",
        "FY2026 Q1",
        "FY2026 Q2",
        "FY2026 Q3",
        "Value",
        "Numerator",
        "Denominator",
        "Milestone status",
        "Milestone date",
        "Not available",
        "Reason not available",
        "Explanation",
        "Reason for change",
        "Version",
    ]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "D2"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {"N2:N5": '"Not started,In progress,Done"', "P2:P5": '"Yes,No"'}
    assert workbook.sheetnames == ["Values", "Instructions"]
    explained = [row[0] for row in workbook["Instructions"].iter_rows(values_only=True)]
    assert set(headers) <= set(explained)


def test_template_is_filled_in_with_stored_values_versions_and_history(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    stored(metrics["removals"], value=Decimal("40"), explanation="Surge", version=3)
    stored(metrics["closed"], value=Decimal("25"), numerator=3, denominator=12, version=2)
    stored(metrics["removals"], quarter=3, value=Decimal("35"))

    rows = rows_of(download(client_, data_call))

    removals, closed = rows[metrics["removals"].pk], rows[metrics["closed"].pk]
    assert (removals["Value"], removals["Explanation"], removals["Version"]) == (40, "Surge", 3)
    assert removals["Not available"] == "No"
    assert removals["FY2026 Q3"] == 35
    assert (closed["Numerator"], closed["Denominator"], closed["Version"]) == (3, 12, 2)
    assert closed["Value"] is None
    assert rows[metrics["system"].pk]["Version"] is None


def test_download_is_an_attachment_named_for_the_office_and_quarter(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    response = client_.get(template_url(data_call))

    assert response["Content-Disposition"] == 'attachment; filename="ERO-FY2026-Q4.xlsx"'
    assert response["Content-Type"] == XLSX_TYPE
    assert response.content.startswith(b"PK\x03\x04")


def test_entry_page_links_to_the_template_and_the_upload(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    response = client_.get(entry_url(data_call))

    assert f'href="{template_url(data_call)}"' in response.content.decode()
    assert f'href="{upload_url(data_call)}"' in response.content.decode()


# Uploading ---------------------------------------------------------------------------------


def test_upload_page_offers_a_file_and_draft_or_submit(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    response = client_.get(upload_url(data_call))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'type="file"' in page
    assert "Save as draft" in page
    assert "Submit for review" in page


def test_filled_template_saves_the_values_as_drafts(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    response = upload(client_, data_call, complete_sheet(client_, data_call, metrics))

    assert response.status_code == 302
    assert response["Location"] == entry_url(data_call)
    saved = {m.metric_id: m for m in Measurement.objects.all()}
    assert saved[metrics["removals"].pk].value == Decimal("1234")
    assert saved[metrics["compliance"].pk].value == Decimal("96.5")
    assert saved[metrics["closed"].pk].value == Decimal("25")
    assert saved[metrics["system"].pk].milestone_status == Measurement.Milestone.DONE
    assert saved[metrics["system"].pk].milestone_date == date(2026, 8, 14)
    assert {m.status for m in saved.values()} == {Measurement.Status.DRAFT}
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == ["4 values were saved as a draft from the spreadsheet."]


def test_filled_template_submits_the_values_for_review(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    content = complete_sheet(client_, data_call, metrics)

    response = upload(client_, data_call, content, action="submit")

    assert response.status_code == 302
    statuses = set(Measurement.objects.values_list("status", flat=True))
    assert statuses == {Measurement.Status.SUBMITTED}
    assert Measurement.objects.count() == 4


def test_submitting_applies_the_completeness_rules_to_every_row(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    content = filled(download(client_, data_call), {metrics["removals"].pk: {"Value": 10}})

    response = upload(client_, data_call, content, action="submit")

    assert response.status_code == 200
    assert errors_of(response)[0] == (
        "Row 3 (Detention compliance rate): Value: "
        "Enter a value, or mark it not available with a reason."
    )
    assert len(errors_of(response)) == 3
    assert not Measurement.objects.exists()


def test_one_bad_row_saves_nothing_and_names_its_row(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    content = filled(
        download(client_, data_call),
        {metrics["removals"].pk: {"Value": 12.5}, metrics["compliance"].pk: {"Value": 50}},
    )

    response = upload(client_, data_call, content)

    assert errors_of(response) == ["Row 2 (Removals completed): Value: A count is a whole number."]
    assert "Row 2 (Removals completed)" in response.content.decode()
    assert not Measurement.objects.exists()


def test_every_bad_row_is_listed_in_row_order(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    content = filled(
        download(client_, data_call),
        {
            metrics["removals"].pk: {"Value": "lots"},
            metrics["closed"].pk: {"Numerator": 5},
            metrics["system"].pk: {"Not available": "Maybe"},
        },
    )

    response = upload(client_, data_call, content)

    assert errors_of(response) == [
        "Row 2 (Removals completed): Value: Enter a number, like 1,234 or 12.5.",
        "Row 4 (Cases closed on time): Denominator: Enter both the numerator and the denominator.",
        "Row 5 (Deploy the case system): Not available: enter Yes or No.",
    ]


def test_unknown_metric_ids_are_refused(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    # No metric has this id: ids come from a sequence that other tests move on, so a fixed
    # number (999 once) can be a real metric's.
    unknown = Metric.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    content = sheet_of([[metrics["removals"].pk, 10], [unknown, 5], [metrics["hsi"].pk, 7]])

    response = upload(client_, data_call, content)

    hsi = metrics["hsi"].pk
    assert [error.split(" (")[0] for error in errors_of(response)] == [
        f"Row 3: unknown metric ID {unknown}",
        f"Row 4: unknown metric ID {hsi}",
    ]
    assert not Measurement.objects.exists()


def test_a_metric_twice_is_refused(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    removals = metrics["removals"].pk
    content = sheet_of([[removals, 10], [removals, 11]])

    response = upload(client_, data_call, content)

    assert errors_of(response) == [
        f"Row 3: metric ID {removals} appears again; it is first on row 2."
    ]
    assert not Measurement.objects.exists()


def test_a_row_without_metric_id_is_refused_and_empty_rows_are_skipped(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    content = sheet_of([[metrics["removals"].pk, 10], [], [None, 5]])

    response = upload(client_, data_call, content)

    assert errors_of(response) == ["Row 4: Metric ID missing."]


def test_columns_are_found_by_header_not_position(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    headers = [c.header for c in reversed(spreadsheets.ENTRY_COLUMNS)]
    sheet.append([*headers, "Notes", " metric  id "])
    sheet.append([None] * (len(headers) - 1) + [42, "ignored", metrics["removals"].pk])
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(client_, data_call, buffer.getvalue())

    assert response.status_code == 302
    assert Measurement.objects.get().value == Decimal("42")


def test_a_value_in_a_column_the_metric_does_not_use_is_refused(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    content = sheet_of([[metrics["closed"].pk, 25]])

    response = upload(client_, data_call, content)

    assert errors_of(response) == [
        "Row 2 (Cases closed on time): Value does not apply to a percentage metric; leave it empty."
    ]


@pytest.mark.parametrize("typed", ["12.5%", "12.5", 12.5, " 12.50 % "])
def test_percentages_are_read_as_text_or_numbers(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric], typed: Any
) -> None:
    content = sheet_of([[metrics["compliance"].pk, typed]])

    upload(client_, data_call, content)

    assert Measurement.objects.get().value == Decimal("12.5")


def test_a_percent_formatted_cell_is_read_in_percent_points(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(sheet_of([[metrics["compliance"].pk, 0.125]])))
    workbook.active["B2"].number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)

    upload(client_, data_call, buffer.getvalue())

    assert Measurement.objects.get().value == Decimal("12.5")


def test_thousands_dates_and_not_available_are_read_from_text(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    blank = [None] * 5
    content = sheet_of(
        [
            [metrics["removals"].pk, "1,234"],
            [metrics["system"].pk, None, None, None, "done", "2026-08-14"],
            [metrics["compliance"].pk, *blank, "Yes", "System outage"],
        ]
    )

    response = upload(client_, data_call, content)

    assert response.status_code == 302
    saved = {m.metric_id: m for m in Measurement.objects.all()}
    assert saved[metrics["removals"].pk].value == Decimal("1234")
    assert saved[metrics["system"].pk].milestone_date == date(2026, 8, 14)
    assert saved[metrics["compliance"].pk].not_available is True
    assert saved[metrics["compliance"].pk].not_available_reason == "System outage"


def test_an_approved_value_changes_only_with_a_reason(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    approved = stored(metrics["removals"], value=Decimal("40"), status=Measurement.Status.APPROVED)
    template = download(client_, data_call)

    no_reason = upload(client_, data_call, filled(template, {approved.metric_id: {"Value": 41}}))
    changes = {approved.metric_id: {"Value": 41, "Reason for change": "Late cases"}}
    with_reason = upload(client_, data_call, filled(template, changes))

    assert errors_of(no_reason) == [
        "Row 2 (Removals completed): Reason for change: "
        "This value was approved: give a reason for changing it."
    ]
    assert with_reason.status_code == 302
    approved.refresh_from_db()
    assert (approved.value, approved.status) == (Decimal("41"), Measurement.Status.SUBMITTED)


def test_stale_version_in_the_sheet_is_a_conflict_and_saves_nothing(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    removals = stored(metrics["removals"], value=Decimal("40"))
    template = download(client_, data_call)
    removals.value, removals.version = Decimal("45"), 2
    removals.save()
    changes = {removals.metric_id: {"Value": 50}, metrics["compliance"].pk: {"Value": 90}}

    response = upload(client_, data_call, filled(template, changes))

    [error] = errors_of(response)
    assert error.startswith("Row 2 (Removals completed): Someone saved this value at ")
    assert "after the template was downloaded. Nothing was saved" in error
    removals.refresh_from_db()
    assert removals.value == Decimal("45")
    assert Measurement.objects.count() == 1


def test_locked_quarter_refuses_the_upload(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    content = complete_sheet(client_, data_call, metrics)
    data_call.opens_on, data_call.due_on = date(2026, 7, 1), date(2026, 7, 31)
    data_call.save()

    response = upload(client_, data_call, content)

    message = LOCKED.format(period="FY2026 Q4", due=date(2026, 7, 31))
    assert errors_of(response) == [message]
    assert not Measurement.objects.exists()
    assert 'type="file"' not in client_.get(upload_url(data_call)).content.decode()


def test_upload_without_a_file_asks_for_one(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    response = client_.post(upload_url(data_call), {"action": "draft"})

    assert errors_of(response) == ["Filled-in template: This field is required."]


# Unsafe files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("values.xlsx", b"Metric ID,Value\n1,10\n"),
        ("values.xlsx", b"%PDF-1.7 not a workbook"),
        ("values.csv", b"PK\x03\x04 but named .csv"),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric], name: str, content: bytes
) -> None:
    response = upload(client_, data_call, content, name=name)

    assert errors_of(response) == [NOT_XLSX]


def test_a_zip_that_is_not_a_workbook_is_refused(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")

    response = upload(client_, data_call, buffer.getvalue())

    assert errors_of(response) == [NOT_XLSX]


def test_a_file_over_5_mb_is_refused(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    content = b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024)

    response = upload(client_, data_call, content)

    assert errors_of(response) == [TOO_BIG]


def test_a_zip_bomb_is_refused_before_it_is_opened(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (10 * 1024 * 1024))

    response = upload(client_, data_call, buffer.getvalue())

    assert errors_of(response) == [UNSAFE]


def test_a_zip_that_expands_past_50_mb_is_unsafe_whatever_its_ratio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_COMPRESSION_RATIO", 10**6)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for part in range(6):
            archive.writestr(f"xl/media/{part}.bin", b"\0" * (9 * 1024 * 1024))

    assert zip_problem(buffer.getvalue()) == UNSAFE


def test_the_template_itself_is_not_mistaken_for_a_zip_bomb(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    assert zip_problem(download(client_, data_call)) is None


# Who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [template_url, upload_url])
def test_outsider_cannot_find_the_spreadsheet_pages(
    outsider_client: Client, data_call: DataCall, metrics: dict[str, Metric], url: Callable
) -> None:
    assert outsider_client.get(url(data_call)).status_code == 404


@pytest.mark.parametrize("url", [template_url, upload_url])
def test_viewer_cannot_use_the_spreadsheet_pages(
    viewer_client: Client, data_call: DataCall, metrics: dict[str, Metric], url: Callable
) -> None:
    assert viewer_client.get(url(data_call)).status_code == 403
    assert viewer_client.post(upload_url(data_call)).status_code == 403


def test_hsi_steward_cannot_download_eros_template(
    make_user: Callable[..., User], data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    client = Client()
    client.force_login(make_user(Membership.Role.DATA_STEWARD, "HSI"))

    assert client.get(template_url(data_call)).status_code == 403


def test_download_refuses_other_methods(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    assert client_.post(template_url(data_call)).status_code == 405
    assert client_.put(upload_url(data_call)).status_code == 405


# Reading cells, without a database ---------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "number_format", "text"),
    [
        ("value", 1234, "General", "1234"),
        ("value", 0.1 + 0.2, "General", "0.3"),
        ("value", 0.125, "0.0%", "12.5"),
        ("value", 12.5, '0.0"%"', "12.5"),
        ("value", 1e16, "General", "10000000000000000"),
        ("value", "12.5%", "General", "12.5%"),
        ("version", 3.0, "General", "3"),
        ("milestone_status", "In Progress", "General", "in_progress"),
        ("milestone_status", "Finished", "General", "Finished"),
        ("milestone_date", date(2026, 3, 31), "yyyy-mm-dd", "2026-03-31"),
        ("explanation", "  Surge  ", "General", "Surge"),
        ("explanation", None, "General", ""),
    ],
)
def test_cells_read_as_the_text_a_person_would_type(
    key: str, value: Any, number_format: str, text: str
) -> None:
    assert cell_text(key, value, number_format) == text


@pytest.mark.parametrize(
    ("number_format", "percent"),
    [("0%", True), ("0.00%", True), ('0.0"%"', False), ("0.0\\%", False), (None, False)],
)
def test_only_real_percent_formats_count_as_percent(
    number_format: str | None, percent: bool
) -> None:
    assert is_percent_format(number_format) is percent


@pytest.mark.parametrize(
    ("value", "answer"),
    [("Yes", True), ("no", False), (None, False), (True, True), ("", False), ("Maybe", None)],
)
def test_not_available_reads_yes_or_no(value: Any, answer: bool | None) -> None:
    assert yes_no(value) is answer


def test_number_text_keeps_zero_plain() -> None:
    assert number_text(0.0) == "0"
    assert number_text(Decimal("0.0"), percent=True) == "0"


def test_an_annual_metric_is_in_the_q4_template_and_saved_for_the_fiscal_year(
    client_: Client, data_call: DataCall, metrics: dict[str, Metric]
) -> None:
    annual = MetricFactory(
        element=metrics["removals"].element,
        name="Audits completed",
        owner_office=metrics["removals"].owner_office,
        frequency=Metric.Frequency.ANNUAL,
        order=9,
    )
    stored(annual, fiscal_year=2025, quarter=None, value=Decimal("7"))
    template = download(client_, data_call)

    response = upload(client_, data_call, filled(template, {annual.pk: {"Value": 8}}))

    assert rows_of(template)[annual.pk]["FY2026 Q3"] == "FY2025: 7"
    assert response.status_code == 302
    saved = Measurement.objects.get(metric=annual, fiscal_year=2026)
    assert (saved.quarter, saved.value) == (None, Decimal("8"))
