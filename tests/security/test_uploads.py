"""Uploads are limited in size and type, and workbooks are parsed safely.

- Evidence files (metrics.forms.MeasurementEntryForm.clean_evidence): at most 10 MB, and
  named as a PDF, Word, Excel, CSV, text or image file, and their content must agree with
  the name: a signature for binary types, decodable text for csv and txt.
- The quarterly spreadsheet (metrics.spreadsheets.read_upload) and the measures import
  (metrics.measures_import.read_table): size caps (5 MB workbook, 20 MB CSV), the name and
  the zip signature must agree, the zip directory is checked for bombs (total unzipped
  size, compression ratio, member count) before openpyxl opens anything, and the XML is
  parsed without resolving entities (openpyxl uses defusedxml when it is installed).
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metrics import measures_import, spreadsheets
from metrics.entry import EntryRow
from metrics.forms import MAX_EVIDENCE_BYTES, MeasurementEntryForm
from metrics.measures_import import MeasuresFileError, read_table
from metrics.spreadsheets import (
    MAX_UPLOAD_BYTES,
    NOT_XLSX,
    TOO_BIG,
    UNREADABLE,
    UNSAFE,
    read_upload,
    zip_problem,
)
from plans.models import Metric

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
WINDOWS_EXE = b"MZ\x90\x00" + b"\x00" * 60


# Evidence files ----------------------------------------------------------------------------


def evidence_form(upload: SimpleUploadedFile) -> MeasurementEntryForm:
    metric = Metric(pk=1, name="Removals", kind=Metric.Kind.NUMERIC, unit=Metric.Unit.COUNT)
    row = EntryRow(metric=metric, measurement=None, target=None)
    form = MeasurementEntryForm({"m1-value": "5"}, {"m1-evidence": upload}, row=row)
    form.is_valid()
    return form


def test_evidence_within_the_limits_is_accepted() -> None:
    form = evidence_form(SimpleUploadedFile("memo.pdf", PDF, "application/pdf"))

    assert "evidence" not in form.errors


def test_evidence_over_10_mb_is_refused() -> None:
    big = SimpleUploadedFile("extract.csv", b"a," * (MAX_EVIDENCE_BYTES // 2 + 1), "text/csv")

    assert evidence_form(big).errors["evidence"] == ["Evidence files are limited to 10 MB."]


@pytest.mark.parametrize("name", ["page.html", "tool.exe", "script.svg", "memo.pdf.js", "noext"])
def test_evidence_of_another_type_is_refused(name: str) -> None:
    form = evidence_form(SimpleUploadedFile(name, b"content", "application/octet-stream"))

    assert "evidence" in form.errors


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("memo.pdf", HTML),
        ("chart.png", WINDOWS_EXE),
        ("extract.xlsx", PDF),
        ("notes.txt", HTML),
        ("data.csv", WINDOWS_EXE),
    ],
)
def test_evidence_whose_content_is_not_what_its_name_says_is_refused(
    name: str, content: bytes
) -> None:
    form = evidence_form(SimpleUploadedFile(name, content, "application/octet-stream"))

    assert "evidence" in form.errors


# Workbooks: the quarterly upload and the measures import ------------------------------------


def workbook(rows: int = 2) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Values"
    sheet.append(["Metric ID", "Value", "Not available", "Version"])
    for number in range(rows):
        sheet.append([number + 1, 10, "No", None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "values.xlsx") -> list[str]:
    file = io.BytesIO(content)
    file.name = name
    return [error.message for error in read_upload(file, {}).errors]


def with_member(content: bytes, name: str, data: bytes, *, replace: str | None = None) -> bytes:
    """The workbook with one more zip member (or `replace`'s content swapped for `data`)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != replace:
                target.writestr(item, source.read(item.filename))
        target.writestr(replace or name, data)
    return buffer.getvalue()


def test_a_real_workbook_passes_the_checks() -> None:
    assert zip_problem(workbook()) is None
    assert read_table(workbook(), "measures.xlsx").headers[0] == "Metric ID"


def test_workbook_over_5_mb_is_refused_before_it_is_read() -> None:
    too_big = b"PK\x03\x04" + b"\x00" * MAX_UPLOAD_BYTES

    assert upload(too_big) == [TOO_BIG]
    with pytest.raises(MeasuresFileError, match="larger than 5 MB"):
        read_table(too_big, "measures.xlsx")


def test_measures_csv_over_20_mb_is_refused() -> None:
    too_big = b"a,b\n" * (measures_import.MAX_CSV_BYTES // 4 + 1)

    with pytest.raises(MeasuresFileError, match="larger than 20 MB"):
        read_table(too_big, "measures.csv")


@pytest.mark.parametrize("content", [PDF, HTML, WINDOWS_EXE, b"Metric ID,Value\n1,2\n"])
def test_a_file_named_xlsx_that_is_not_a_zip_is_refused(content: bytes) -> None:
    assert upload(content) == [NOT_XLSX]
    with pytest.raises(MeasuresFileError, match="not an Excel workbook"):
        read_table(content, "measures.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", WINDOWS_EXE)

    assert upload(buffer.getvalue()) == [NOT_XLSX]


def test_a_workbook_named_otherwise_is_refused() -> None:
    assert upload(workbook(), name="values.pdf") == [NOT_XLSX]


@pytest.mark.parametrize(
    "name", ["measures.xls", "measures.pdf", "measures.exe", "measures"], ids=str
)
def test_measures_import_takes_only_csv_and_xlsx_by_name(name: str) -> None:
    with pytest.raises(MeasuresFileError):
        read_table(workbook(), name)


def test_measures_csv_that_is_binary_is_refused() -> None:
    with pytest.raises(MeasuresFileError, match="not text"):
        read_table(WINDOWS_EXE, "measures.csv")


def test_zip_bomb_by_compression_ratio_is_refused() -> None:
    """One member of 20 MB of zeros compresses to about 20 KB: a ratio of 1,000."""
    bomb = with_member(workbook(), "xl/media/zeros.bin", b"\x00" * (20 * 2**20))

    assert len(bomb) < MAX_UPLOAD_BYTES
    assert zip_problem(bomb) == UNSAFE
    assert upload(bomb) == [UNSAFE]
    with pytest.raises(MeasuresFileError, match="unsafe"):
        read_table(bomb, "measures.xlsx")


def test_zip_bomb_by_total_size_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Members under the ratio whose sizes add up past the cap (lowered here to 1 MB, so
    that the test stays small; the cap is 50 MB)."""
    monkeypatch.setattr(spreadsheets, "MAX_UNZIPPED_BYTES", 2**20)
    varied = bytes(range(256)) * (2**20 // 256 + 1)

    assert zip_problem(with_member(workbook(), "xl/media/big.bin", varied)) == UNSAFE


def test_zip_with_too_many_members_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_ZIP_MEMBERS", 20)
    content = workbook()
    for number in range(20):
        content = with_member(content, f"xl/media/{number}.bin", b"x")

    assert zip_problem(content) == UNSAFE


SHEET = "xl/worksheets/sheet1.xml"


def sheet_xml(doctype: str, cell: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"{doctype}"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Metric ID</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Value</t></is></c></row>'
        f'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>{cell}</t></is></c>'
        "</row></sheetData></worksheet>"
    ).encode()


def test_xlsx_with_an_external_entity_does_not_read_the_file(tmp_path: Path) -> None:
    """XXE: a sheet whose cell is an entity naming a local file. The file's content must not
    come back in any form: the workbook is refused as unreadable (defusedxml)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    doctype = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    content = with_member(workbook(), SHEET, sheet_xml(doctype, "&xxe;"), replace=SHEET)

    errors = upload(content)
    assert "TOP-SECRET-MARKER" not in repr(errors)
    assert errors == [UNREADABLE]
    with pytest.raises(MeasuresFileError, match="could not be read"):
        read_table(content, "measures.xlsx")


def test_xlsx_with_an_entity_expansion_bomb_is_refused() -> None:
    """Billion laughs: nested entities that would expand to gigabytes."""
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    content = with_member(
        workbook(), SHEET, sheet_xml(f"<!DOCTYPE worksheet [{entities}]>", "&a9;"), replace=SHEET
    )

    assert upload(content) == [UNREADABLE]
    with pytest.raises(MeasuresFileError, match="could not be read"):
        read_table(content, "measures.xlsx")


def test_quarterly_upload_form_asks_for_xlsx_only() -> None:
    form = spreadsheets.UploadForm()

    assert form.fields["file"].widget.attrs["accept"].startswith(".xlsx")
    assert Decimal(MAX_UPLOAD_BYTES) / 2**20 == 5
