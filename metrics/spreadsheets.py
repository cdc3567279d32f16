"""The quarterly values as a spreadsheet: the template an office downloads, and reading the
filled-in copy it uploads. No views and no request: the caller hands in the data call, the
office's entry rows (metrics.entry) and the uploaded file.

Reading is careful because the file comes from outside: the size, the zip signature and the
zip members' sizes are checked with `zipfile` before openpyxl opens anything. Each sheet row
then goes through the same MeasurementEntryForm as the entry page, bound with what the row
says, so a value is accepted or refused by the same rules whatever the door.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import IO, Any

import openpyxl
from django import forms
from django.utils import timezone
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from metrics.entry import HISTORY_QUARTERS, EntryGroup, EntryRow
from metrics.forms import MeasurementEntryForm
from metrics.models import DataCall, Measurement
from metrics.services import ConflictError, ValueEntry
from plans.formatting import format_value, plain_decimal
from plans.models import Metric, Office

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VALUES_SHEET = "Values"
INSTRUCTIONS_SHEET = "Instructions"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 1000
MAX_ROWS = 5000  # an office reports tens of metrics; more rows than this is not a template
MAX_COLUMNS = 100
ZIP_SIGNATURE = b"PK\x03\x04"

NOT_XLSX = "The file is not an Excel workbook (.xlsx). Upload the template saved as .xlsx."
TOO_BIG = "The file is larger than 5 MB. Upload the template with only its own rows."
UNSAFE = "The file expands to far more than its size, so it was refused as unsafe."
UNREADABLE = "The workbook could not be read. Download a fresh template and fill it in again."
TOO_MANY_ROWS = f"The sheet has more than {MAX_ROWS:,} rows; upload the template's rows only."
MISSING_COLUMNS = "The sheet has no {columns} column. Download a fresh template."
NO_ROWS = "The sheet has no metric rows; nothing was saved."
ID_MISSING = "Row {row}: Metric ID missing."
UNKNOWN_ID = "Row {row}: unknown metric ID {id} (not a metric this office reports in this call)."
DUPLICATE_ID = "Row {row}: metric ID {id} appears again; it is first on row {first}."
YES_OR_NO = "Row {row} ({metric}): Not available: enter Yes or No."
NOT_APPLICABLE = "Row {row} ({metric}): {column} does not apply to a {kind} metric; leave it empty."
ROW_ERROR = "Row {row} ({metric}): {message}"
STALE = (
    "Row {row} ({metric}): {who} saved this value at {when:%H:%M on %B %-d, %Y}, after the "
    "template was downloaded. Nothing was saved; download a fresh template and enter your "
    "change again if it is still needed."
)

# openpyxl raises all of these on malformed parts; none of them means more than "unreadable".
UNREADABLE_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,  # xml.etree.ElementTree.ParseError
    OSError,
    EOFError,
    NotImplementedError,  # zipfile: a newer zip version or an unknown compression method
)


@dataclass(frozen=True)
class Column:
    """A column of the Values sheet. `key` is the form field an entry column fills."""

    key: str
    header: str
    width: int
    help: str
    editable: bool = False


ID_COLUMN = Column("metric_id", "Metric ID", 10, "Identifies the metric. Do not change it.")
LEADING_COLUMNS = (
    ID_COLUMN,
    Column("element", "Element", 40, "The plan element the metric belongs to."),
    Column("metric", "Metric", 50, "What is measured."),
    Column("unit", "Unit", 16, "The unit of the value. Percentages are in percent points."),
    Column(
        "kind",
        "Kind",
        16,
        "Numeric: fill in Value. Percentage: fill in Numerator and Denominator; the "
        "percentage is worked out from them. Milestone: fill in Milestone status and, when "
        "it is done, Milestone date.",
    ),
    Column("target", "Target", 22, "The target for this period, for reference."),
)
ENTRY_COLUMNS = (
    Column(
        "value",
        "Value",
        14,
        "The value for this period (numeric metrics). 1,234, 12.5 and 12.5% are all read.",
        editable=True,
    ),
    Column(
        "numerator",
        "Numerator",
        14,
        "Percentage metrics: what meets the measure.",
        editable=True,
    ),
    Column(
        "denominator",
        "Denominator",
        14,
        "Percentage metrics: the total counted. Enter both or neither.",
        editable=True,
    ),
    Column(
        "milestone_status",
        "Milestone status",
        18,
        "Milestones: Not started, In progress or Done, chosen from the list.",
        editable=True,
    ),
    Column(
        "milestone_date",
        "Milestone date",
        16,
        "Milestones that are done: the date done, as a date or like 2026-03-31.",
        editable=True,
    ),
    Column(
        "not_available",
        "Not available",
        14,
        "Yes when the value cannot be reported this period; say why in the next column.",
        editable=True,
    ),
    Column(
        "not_available_reason",
        "Reason not available",
        36,
        "Why the value is not available. Required when Not available is Yes.",
        editable=True,
    ),
    Column(
        "explanation",
        "Explanation",
        48,
        "Required to submit a value that misses its target or moved more than 50% from the "
        "previous quarter.",
        editable=True,
    ),
    Column(
        "change_reason",
        "Reason for change",
        36,
        "Only for approved values: why the value changes. A changed approved value goes "
        "back to review.",
        editable=True,
    ),
    Column(
        "version",
        "Version",
        10,
        "The stored value's version when the template was made. Do not change it: if "
        "someone saves the value after that, the upload is refused rather than overwrite "
        "their change.",
    ),
)
NUMBER_FIELDS = ("value", "numerator", "denominator")
TEXT_FIELDS = ("not_available_reason", "explanation", "change_reason")
MILESTONES = {label.casefold(): value for value, label in Measurement.Milestone.choices}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}

BOLD = Font(bold=True)
MUTED = Font(color="595959")
HEADER_FILL = PatternFill("solid", fgColor="DFE1E2")
EDITABLE_FILL = PatternFill("solid", fgColor="FAF3D1")
UNUSED_FILL = PatternFill("solid", fgColor="E6E6E6")
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")
SAFE_FILENAME = re.compile(r"[^A-Za-z0-9_]+")


class UploadForm(forms.Form):
    """The upload page: the filled-in template and what to do with its values."""

    DRAFT, SUBMIT = "draft", "submit"

    file = forms.FileField(
        label="Filled-in template",
        help_text="The .xlsx file downloaded from this page and filled in; at most 5 MB.",
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_TYPE}"}),
    )
    action = forms.ChoiceField(
        label="What to do with the values",
        choices=[(DRAFT, "Save as draft"), (SUBMIT, "Submit for review")],
        initial=DRAFT,
        widget=forms.RadioSelect,
    )

    @property
    def submitting(self) -> bool:
        return self.cleaned_data["action"] == self.SUBMIT


# The template ------------------------------------------------------------------------


def template_filename(data_call: DataCall, office: Office) -> str:
    """ "ERO-FY2026-Q4.xlsx": ASCII only, safe in a Content-Disposition header."""
    stem = SAFE_FILENAME.sub("-", f"{office.code} {data_call.period.label}").strip("-")
    return f"{stem}.xlsx"


def build_template(
    data_call: DataCall, office: Office, groups: list[EntryGroup]
) -> tuple[str, str, bytes]:
    """The office's metrics for the call as an .xlsx, one row per metric in the entry
    form's order, with the stored values and versions filled in."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = VALUES_SHEET
    columns = _columns(data_call)
    _write_header(sheet, columns)
    row_number = 1
    for group in groups:
        for row in group.rows:
            row_number += 1
            _write_row(sheet, row_number, columns, group, row)
    _finish_values_sheet(sheet, columns, row_number)
    _write_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), data_call, office, columns)
    buffer = BytesIO()
    workbook.save(buffer)
    return template_filename(data_call, office), XLSX_TYPE, buffer.getvalue()


def _columns(data_call: DataCall) -> list[Column]:
    """The history columns are headed by the call's previous quarters, oldest first."""
    history = [
        Column(f"history_{i}", quarter.label, 13, "")
        for i, quarter in enumerate(data_call.period.last(HISTORY_QUARTERS))
    ]
    return [*LEADING_COLUMNS, *history, *ENTRY_COLUMNS]


def _write_header(sheet: Worksheet, columns: list[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = BOLD
        cell.fill = EDITABLE_FILL if column.editable else HEADER_FILL
        cell.alignment = WRAP
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[1].height = 30


def _write_row(
    sheet: Worksheet, number: int, columns: list[Column], group: EntryGroup, row: EntryRow
) -> None:
    """Entry cells the metric's form reads are unlocked; the others are grey and locked."""
    values = _reference_values(group, row, columns) | _stored_values(row)
    used = set(MeasurementEntryForm(row=row).fields)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=number, column=index, value=values.get(column.key))
        cell.alignment = WRAP
        if column.key == "milestone_date":
            cell.number_format = "yyyy-mm-dd"
        if column is ID_COLUMN:
            cell.font = MUTED
        if column.editable and column.key in used:
            cell.protection = UNLOCKED
        elif column.editable:
            cell.fill = UNUSED_FILL


def _reference_values(group: EntryGroup, row: EntryRow, columns: list[Column]) -> dict[str, Any]:
    metric = row.metric
    unit = metric.get_unit_display() + (f" ({metric.unit_label})" if metric.unit_label else "")
    values: dict[str, Any] = {
        "metric_id": metric.pk,
        "element": f"{group.element.number} {group.element.display_title}",
        "metric": metric.name,
        "unit": unit,
        "kind": metric.get_kind_display(),
        "target": target_text(row),
    }
    headers = {c.key: c.header for c in columns if c.key.startswith("history_")}
    for index, (label, past) in enumerate(row.history):
        key = f"history_{index}"
        values[key] = _past_value(metric, past, label, headers.get(key, label))
    return values


def target_text(row: EntryRow) -> str:
    """The target as the entry page words it: "12,000", "between 90% and any", "due ..."."""
    target, unit = row.target, row.metric.unit
    if target is None:
        return ""
    parts = []
    if target.value is not None:
        parts.append(format_value(target.value, unit))
    if target.min_value is not None or target.max_value is not None:
        low = format_value(target.min_value, unit) or "any"
        high = format_value(target.max_value, unit) or "any"
        parts.append(f"between {low} and {high}")
    if target.due_date:
        parts.append(f"due {target.due_date:%b %-d, %Y}")
    return " ".join(parts)


def _past_value(metric: Metric, past: Measurement | None, label: str, header: str) -> Any:
    """A number under its own period's header; text naming the period otherwise (an
    annual metric's fiscal years under the quarterly headers of a Q4 call)."""
    if past is None:
        value: Any = None
    elif past.not_available:
        value = "Not available"
    elif metric.kind == Metric.Kind.MILESTONE:
        value = past.get_milestone_status_display() or None
    else:
        value = past.value
    if label == header:
        return value
    if isinstance(value, Decimal):
        value = format_value(value, metric.unit)
    return f"{label}: {value or '—'}"


def _stored_values(row: EntryRow) -> dict[str, Any]:
    """What is stored, in the cells the metric's form reads; nothing for a new value."""
    stored = row.measurement
    if stored is None:
        return {}
    values: dict[str, Any] = {
        "not_available": "Yes" if stored.not_available else "No",
        "not_available_reason": stored.not_available_reason or None,
        "explanation": stored.explanation or None,
        "version": stored.version,
    }
    if row.metric.kind == Metric.Kind.NUMERIC:
        values["value"] = stored.value
    elif row.metric.kind == Metric.Kind.PERCENTAGE:
        values["numerator"], values["denominator"] = stored.numerator, stored.denominator
    else:
        values["milestone_status"] = stored.get_milestone_status_display() or None
        values["milestone_date"] = stored.milestone_date
    return values


def _finish_values_sheet(sheet: Worksheet, columns: list[Column], last_row: int) -> None:
    """Lists for the choice columns, frozen headings, and a protected sheet whose only
    unlocked cells are those a person fills in (no password: it guards against slips)."""
    letters = {c.key: get_column_letter(i) for i, c in enumerate(columns, start=1)}
    if last_row > 1:
        labels = ",".join(Measurement.Milestone.labels)
        _add_list(sheet, f'"{labels}"', letters["milestone_status"], last_row)
        _add_list(sheet, '"Yes,No"', letters["not_available"], last_row)
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = False
    protection.autoFilter = protection.sort = False


def _add_list(sheet: Worksheet, formula: str, letter: str, last_row: int) -> None:
    choices = formula.strip('"').replace(",", ", ")
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.error = f"Choose one of: {choices}."
    validation.errorTitle = "Not in the list"
    validation.add(f"{letter}2:{letter}{last_row}")
    sheet.add_data_validation(validation)


def _write_instructions(
    sheet: Worksheet, data_call: DataCall, office: Office, columns: list[Column]
) -> None:
    period = data_call.period.label
    sheet["A1"] = f"{office.name} ({office.code}): {period} values for {data_call.plan.title}"
    sheet["A1"].font = Font(bold=True, size=14)
    notes = [
        f"Fill in the yellow columns of the {VALUES_SHEET} sheet, one row per metric; grey "
        "cells do not apply to that metric. Leave a row's cells empty to leave it unreported.",
        "Upload the file on the upload page and choose Save as draft or Submit for review. "
        "Every row is checked first: if any row has a problem, nothing is saved and each "
        "problem is listed with its row number.",
        "Do not add rows for other metrics or change Metric ID and Version; the upload finds "
        "each metric by its ID. Rows left completely empty are skipped.",
    ]
    for offset, note in enumerate(notes, start=2):
        sheet.cell(row=offset, column=1, value=note)
    for offset in range(1, len(notes) + 2):  # the title and notes run across both columns
        sheet.merge_cells(start_row=offset, start_column=1, end_row=offset, end_column=2)
    sheet.append([])
    sheet.append(["Column", "What it holds"])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for column in columns:
        sheet.append([column.header, column.help or _history_help(column)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100


def _history_help(column: Column) -> str:
    return (
        f"The value reported for {column.header}, for reference. Annual metrics show their "
        "fiscal years instead, named in the cell."
    )


# Reading an upload -------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One filled-in row: its number as the spreadsheet shows it, and the text each entry
    field holds, as a browser would post it (empty fields left out)."""

    number: int
    metric_id: int
    data: dict[str, str]


@dataclass
class RowError:
    row: int  # 0 for problems with the whole file
    message: str


@dataclass
class UploadResult:
    rows: dict[int, SheetRow] = field(default_factory=dict)  # by metric id
    errors: list[RowError] = field(default_factory=list)


def read_upload(file: IO[bytes], rows_by_metric_id: dict[int, EntryRow]) -> UploadResult:
    """The rows of an uploaded template, or why the file or some rows cannot be used.

    `rows_by_metric_id` holds the metrics the office reports in the call; a row for any
    other metric is an error. Reads at most 5 MB and decompresses at most 50 MB.
    """
    content, problem = _checked_content(file)
    if problem:
        return UploadResult(errors=[RowError(0, problem)])
    try:
        workbook = openpyxl.load_workbook(BytesIO(content), read_only=True, data_only=True)
        try:
            return _read_sheet(_values_sheet(workbook), rows_by_metric_id)
        finally:
            workbook.close()
    except UNREADABLE_ERRORS:
        return UploadResult(errors=[RowError(0, UNREADABLE)])


def _checked_content(file: IO[bytes]) -> tuple[bytes, str | None]:
    """The file's bytes, or the reason to refuse it before anything parses it."""
    name = getattr(file, "name", "") or ""
    if (getattr(file, "size", None) or 0) > MAX_UPLOAD_BYTES:
        return b"", TOO_BIG
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        return b"", TOO_BIG
    named_otherwise = name and not name.lower().endswith(".xlsx")
    if named_otherwise or not content.startswith(ZIP_SIGNATURE):
        return b"", NOT_XLSX
    return content, zip_problem(content)


def zip_problem(content: bytes) -> str | None:
    """Why the zip archive is unsafe or not a workbook, from its directory alone.

    The declared sizes can be trusted as limits: zipfile stops at a member's declared size
    and checks its CRC, so a member cannot inflate to more than it declares.
    """
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return NOT_XLSX
    except NotImplementedError:  # a zip version or feature zipfile does not read
        return NOT_XLSX
    if len(members) > MAX_ZIP_MEMBERS:
        return UNSAFE
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        return UNSAFE
    if any(m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1) for m in members):
        return UNSAFE
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        return NOT_XLSX
    return None


def _values_sheet(workbook: Any) -> Any:
    if VALUES_SHEET in workbook.sheetnames:
        return workbook[VALUES_SHEET]
    return workbook.worksheets[0]


def _read_sheet(sheet: Any, rows_by_metric_id: dict[int, EntryRow]) -> UploadResult:
    sheet.reset_dimensions()  # the file's dimension tag may understate its rows: read them all
    header = next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS), ())
    fields = header_fields(cell.value for cell in header)
    missing = [f"“{c.header}”" for c in (ID_COLUMN, *ENTRY_COLUMNS) if c.key not in fields.values()]
    if missing:
        message = MISSING_COLUMNS.format(columns=", ".join(missing))
        return UploadResult(errors=[RowError(0, message)])
    result = UploadResult()
    rows = sheet.iter_rows(min_row=2, max_col=max(fields) + 1)
    for number, cells in enumerate(rows, start=2):
        if number <= MAX_ROWS + 1:
            _read_row(number, cells, fields, rows_by_metric_id, result)
        elif not all(_is_blank(cell.value) for cell in cells):
            return UploadResult(errors=[RowError(0, TOO_MANY_ROWS)])
    if not result.rows and not result.errors:
        result.errors.append(RowError(0, NO_ROWS))
    return result


def header_fields(headers: Iterable[Any]) -> dict[int, str]:
    """Column index -> field, found by header name wherever the column is; the first of
    two columns with the same header wins."""
    known = {_folded(c.header): c.key for c in (ID_COLUMN, *ENTRY_COLUMNS)}
    fields: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = known.get(_folded(header))
        if key and key not in fields.values():
            fields[index] = key
    return fields


def _folded(header: Any) -> str:
    return " ".join(str(header or "").split()).casefold()


def _read_row(
    number: int,
    cells: tuple[Any, ...],
    fields: dict[int, str],
    rows_by_metric_id: dict[int, EntryRow],
    result: UploadResult,
) -> None:
    if all(_is_blank(cell.value) for cell in cells):
        return
    by_field = {key: cells[index] for index, key in fields.items()}
    raw_id = by_field["metric_id"].value
    metric_id = _whole_number(raw_id)
    if _is_blank(raw_id):
        result.errors.append(RowError(number, ID_MISSING.format(row=number)))
    elif metric_id is None or metric_id not in rows_by_metric_id:
        shown = str(raw_id).strip() if metric_id is None else metric_id
        result.errors.append(RowError(number, UNKNOWN_ID.format(row=number, id=shown)))
    elif metric_id in result.rows:
        first = result.rows[metric_id].number
        message = DUPLICATE_ID.format(row=number, id=metric_id, first=first)
        result.errors.append(RowError(number, message))
    else:
        metric = rows_by_metric_id[metric_id].metric
        data = _row_data(number, metric, by_field, result)
        result.rows[metric_id] = SheetRow(number=number, metric_id=metric_id, data=data)


def _row_data(
    number: int, metric: Metric, by_field: dict[str, Any], result: UploadResult
) -> dict[str, str]:
    data = {}
    for key, cell in by_field.items():
        if key == "metric_id":
            continue
        if key == "not_available":
            answer = yes_no(cell.value)
            if answer is None:
                message = YES_OR_NO.format(row=number, metric=metric.name)
                result.errors.append(RowError(number, message))
            text = "on" if answer else ""
        else:
            text = cell_text(key, cell.value, getattr(cell, "number_format", None))
        if text:
            data[key] = text
    return data


def cell_text(key: str, value: Any, number_format: str | None = None) -> str:
    """A cell as the text a person would type in the entry form's field."""
    if _is_blank(value):
        return ""
    if key in NUMBER_FIELDS and isinstance(value, int | float | Decimal):
        return number_text(value, percent=is_percent_format(number_format))
    if key == "version" and (whole := _whole_number(value)) is not None:
        return str(whole)
    if isinstance(value, datetime):
        return value.date().isoformat() if key == "milestone_date" else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if key == "milestone_status":
        return MILESTONES.get(text.casefold(), text)
    return text


def number_text(value: float | Decimal, *, percent: bool = False) -> str:
    """A number cell as plain text. Excel keeps "12.5%" as 0.125 in a percent-formatted
    cell; that is 12.5 percent points here. Floats keep Excel's 15 significant digits, so
    0.1 + 0.2 reads as 0.3."""
    if isinstance(value, bool):
        return str(value)
    number = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
    if percent:
        number *= 100
    return format(number.normalize(), "f") if number else "0"


def is_percent_format(number_format: str | None) -> bool:
    """True for formats like "0.0%", not for a quoted or escaped percent sign."""
    if not number_format:
        return False
    unquoted = re.sub(r'"[^"]*"|\\.', "", number_format)
    return "%" in unquoted


def yes_no(value: Any) -> bool | None:
    """Yes/No (or TRUE/FALSE) as a bool; None for anything else."""
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().casefold()
    if text in YES:
        return True
    return False if text in NO else None


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return int(number) if number.is_finite() and number == number.to_integral_value() else None


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Checking the rows -------------------------------------------------------------------------


def entries_from_upload(
    result: UploadResult, rows_by_metric_id: dict[int, EntryRow], *, submitting: bool
) -> tuple[list[ValueEntry], list[str]]:
    """Every row bound to the entry form; the entries when all rows are valid, and every
    problem as "Row N (metric name): message", in row order."""
    errors = list(result.errors)
    entries = []
    for sheet_row in result.rows.values():
        row = rows_by_metric_id[sheet_row.metric_id]
        form = MeasurementEntryForm(_form_data(sheet_row), row=row, submitting=submitting)
        errors += _unused_cells(sheet_row, form)
        if form.is_valid():
            entries.append(form.to_entry())
        else:
            errors += _form_errors(sheet_row, form)
    errors.sort(key=lambda error: error.row)
    return entries, [error.message for error in errors]


def _form_data(sheet_row: SheetRow) -> dict[str, str]:
    prefix = f"m{sheet_row.metric_id}"
    return {f"{prefix}-{key}": text for key, text in sheet_row.data.items()}


def _unused_cells(sheet_row: SheetRow, form: MeasurementEntryForm) -> list[RowError]:
    """A filled cell the metric's form does not read would be lost without a word."""
    headers = {c.key: c.header for c in ENTRY_COLUMNS}
    kind = form.metric.get_kind_display().split(" (")[0].lower()
    return [
        RowError(
            sheet_row.number,
            NOT_APPLICABLE.format(
                row=sheet_row.number, metric=form.metric.name, column=headers[key], kind=kind
            ),
        )
        for key in sheet_row.data
        if key not in form.fields
    ]


def _form_errors(sheet_row: SheetRow, form: MeasurementEntryForm) -> list[RowError]:
    headers = {c.key: c.header for c in ENTRY_COLUMNS}
    errors = []
    for key, messages in form.errors.items():
        for message in messages:
            text = f"{headers[key]}: {message}" if key in headers else message
            errors.append(
                RowError(
                    sheet_row.number,
                    ROW_ERROR.format(row=sheet_row.number, metric=form.metric.name, message=text),
                )
            )
    return errors


def conflict_message(error: ConflictError, result: UploadResult) -> str:
    """The stale row named by its sheet row; the entry page's wording says "their version
    is shown now", which is not so on the upload page."""
    measurement = error.row
    sheet_row = result.rows.get(measurement.metric_id)
    latest = measurement.history.latest()
    who = latest.history_user
    name = (who.get_full_name() or who.username) if who else "Someone"
    return STALE.format(
        row=sheet_row.number if sheet_row else "?",
        metric=measurement.metric.name,
        who=name,
        when=timezone.localtime(latest.history_date),
    )


def saved_message(count: int, *, submitting: bool) -> str:
    if count == 0:
        return "The spreadsheet changed no values; nothing needed saving."
    noun = "value was" if count == 1 else "values were"
    done = "submitted for review" if submitting else "saved as a draft"
    return f"{plain_decimal(Decimal(count))} {noun} {done} from the spreadsheet."
