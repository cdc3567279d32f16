"""A report's Excel appendix: every figure the report states, one row each, with where it
comes from, so a reader can check and reuse the numbers.

Values are real numbers with a number format for their unit (a sum or a chart in Excel
works on them); the report's wording of each is in "Stated as". The header row is frozen,
bold, filterable and repeats on printed pages; a second sheet, "About", says what each
column means (a reader of the file alone must not have to guess). A few hundred rows take
a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.documents import AppendixRow

FIGURES_SHEET = "Figures"
ABOUT_SHEET = "About"
# (header, AppendixRow field, what it means)
COLUMNS = (
    ("Section", "section", "The section of the report that states the figure."),
    ("Metric", "metric", "The performance measure the figure comes from."),
    ("Office", "office", "The office that owns the measure and reported the value."),
    ("Period", "period", "The fiscal year or quarter of the value."),
    ("Value", "value", "The approved value, as a number in the unit of the next column."),
    ("Unit", "unit", "The unit of the value: count, dollars, percent, pounds, days..."),
    ("Stated as", "stated_as", "How the report writes the value (rounded or in words)."),
    ("Comparison", "comparison", "The change from the prior year as the report states it."),
    ("Source", "source", "Where the data comes from (the measure's data source)."),
    ("Footnotes", "footnotes", "The numbers of the report's notes on this figure."),
)
VALUE_COLUMN = 5  # 1-based, for openpyxl
NUMBER_FORMATS = {
    "dollars": "$#,##0",
    "percent": '0.0"%"',  # percentage points: 12.5 is 12.5%
}
WHOLE_FORMAT = "#,##0"
FRACTION_FORMAT = "#,##0.0#"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_WIDTH, MAX_WIDTH = 8, 60


def render_appendix(title: str, rows: Sequence[AppendixRow]) -> bytes:
    """The appendix as .xlsx bytes; `title` names the workbook (its properties and the
    About sheet), e.g. "FY 2020 Annual Report to Congress: figures"."""
    workbook = Workbook()
    workbook.properties.title = title
    workbook.properties.creator = ""
    figures = workbook.active
    figures.title = FIGURES_SHEET
    _write_figures(figures, rows)
    _write_about(workbook.create_sheet(ABOUT_SHEET), title)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_figures(sheet: Worksheet, rows: Sequence[AppendixRow]) -> None:
    sheet.append([header for header, _field, _meaning in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([getattr(row, field) for _header, field, _meaning in COLUMNS])
        value = sheet.cell(row=sheet.max_row, column=VALUE_COLUMN)
        value.number_format = number_format(row.value, row.unit)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_title_rows = "1:1"
    _fit_columns(sheet)


def number_format(value: float | None, unit: str) -> str:
    """Dollars and percent by unit; otherwise whole numbers without decimals, fractions
    (days, hours, scores) with one or two."""
    if unit in NUMBER_FORMATS:
        return NUMBER_FORMATS[unit]
    if value is None or float(value).is_integer():
        return WHOLE_FORMAT
    return FRACTION_FORMAT


def _fit_columns(sheet: Worksheet) -> None:
    """Widths from the longest text in each column, within bounds; long text wraps."""
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(sheet.iter_cols(), start=1):
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=0)
        width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
        if longest + 2 > MAX_WIDTH:
            for cell in column[1:]:
                cell.alignment = wrap


def _write_about(sheet: Worksheet, title: str) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["Column", "What it means"])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for header, _field, meaning in COLUMNS:
        sheet.append([header, meaning])
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 80
