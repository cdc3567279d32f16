"""Reports as files, each exporter returning `(filename, content_type, bytes)`.

They take the plain tables the pages show (reports.tva.Table) and never the ORM or the
request, so they are tested on hand-built tables. Workbooks are written in openpyxl's
write-only mode: rows stream out as they are appended, and memory stays flat.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import Outline

from metrics.spreadsheets import XLSX_TYPE
from plans.models import Plan
from reports.tva import Cell, Group, MetricRow, Table, target_text

TVA_SHEET = "Targets vs actuals"
CELL_COLUMNS = ("Target", "Actual", "% of target", "Status")
LEAD_COLUMNS = ("Metric", "Unit and rule")
HEADER_ROWS = 3
NUMBER_FORMATS = {
    "count": "#,##0",
    "events": "#,##0",
    "percent": '0.0"%"',  # percent points: 12.5 is 12.5%
    "dollars": "$#,##0",
}
FRACTION_FORMAT = "#,##0.0"  # days, hours, pounds, scores: a fraction is meaningful
PERCENT_OF_TARGET = '0"%"'
DATE_FORMAT = "yyyy-mm-dd"
SAFE_FILENAME = re.compile(r"[^A-Za-z0-9_-]+")
QUARTER_LABELS = {1: "Q1", 2: "Q2", 3: "Q3", 4: "Q4", None: "Fiscal year"}


def tva_workbook(plan: Plan, table: Table) -> tuple[str, str, bytes]:
    """The targets-vs-actuals table as an .xlsx: the page's grouping as outlined rows (group
    rows above their metrics), four columns per period with real number formats, frozen
    headers. Reads only `plan.title` and `plan.slug`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(TVA_SHEET)
    _TvaSheet(sheet, table).write(plan.title)
    buffer = BytesIO()
    workbook.save(buffer)
    years = f"FY{table.years[0]}-FY{table.years[-1]}" if table.years else ""
    stem = SAFE_FILENAME.sub("-", f"{plan.slug} targets-vs-actuals {years}").strip("-")
    return f"{stem or 'targets-vs-actuals'}.xlsx", XLSX_TYPE, buffer.getvalue()


class _TvaSheet:
    """Writes one table into a write-only sheet, counting rows so as to set each one's
    outline level before it is appended (a write-only sheet cannot go back)."""

    def __init__(self, sheet: Any, table: Table) -> None:
        self.sheet, self.table = sheet, table
        self.row_index = 0
        self.bold = Font(bold=True)
        # Styled cells reused from row to row, one per (column, number format): openpyxl
        # writes a row while it is appended, and styling a fresh cell costs more than
        # writing it.
        self.styled: dict[tuple[int, str], WriteOnlyCell] = {}

    def write(self, title: str) -> None:
        self._layout()
        for row in self._header(title):
            self._append(row)
        for section in self.table.sections:
            label = self._text(_group_label(section.group), bold=True)
            self._append([label], level=section.group.level - 1)
            for metric in section.rows:
                self._append(self._metric(metric), level=metric.level)

    def _layout(self) -> None:
        """Widths, frozen panes, merged headers and the outline's direction: all before the
        first row is written."""
        sheet = self.sheet
        sheet.freeze_panes = f"{get_column_letter(len(LEAD_COLUMNS) + 1)}{HEADER_ROWS + 1}"
        sheet.sheet_properties.outlinePr = Outline(summaryBelow=False)
        sheet.column_dimensions["A"].width = 50
        sheet.column_dimensions["B"].width = 24
        first = len(LEAD_COLUMNS) + 1
        width = len(CELL_COLUMNS)
        for offset in range(len(self.table.columns) * width):
            sheet.column_dimensions[get_column_letter(first + offset)].width = 12
        per_year = len(QUARTER_LABELS) * width
        for index, _year in enumerate(self.table.years):
            start = first + index * per_year
            sheet.merged_cells.add(_span(1, start, start + per_year - 1))
        for index, _period in enumerate(self.table.columns):
            start = first + index * width
            sheet.merged_cells.add(_span(2, start, start + width - 1))

    def _header(self, title: str) -> list[list[Any]]:
        """The title and fiscal years, then the periods, then the column names."""
        width = len(CELL_COLUMNS)
        years: list[Any] = [self._text(title, bold=True), None]
        periods: list[Any] = [None, None]
        names: list[Any] = [self._text(name, bold=True) for name in LEAD_COLUMNS]
        for year, quarter in self.table.columns:
            if quarter == 1:
                years.append(self._text(f"FY{year}", bold=True, centre=True))
                years += [None] * (len(QUARTER_LABELS) * width - 1)
            label = QUARTER_LABELS[quarter] if quarter else f"FY{year}"
            periods += [self._text(label, bold=True, centre=True), *[None] * (width - 1)]
            names += [self._text(name, bold=True) for name in CELL_COLUMNS]
        return [years, periods, names]

    def _metric(self, row: MetricRow) -> list[Any]:
        values: list[Any] = [self._text(row.name), row.description]
        number_format = NUMBER_FORMATS.get(row.unit, FRACTION_FORMAT)
        column = len(values)
        for cell in row.cells:
            values += self._cell(cell, row.unit, number_format, column)
            column += len(CELL_COLUMNS)
        return values

    def _cell(self, cell: Cell | None, unit: str, number_format: str, column: int) -> list[Any]:
        """Target, actual, percent of target, status: numbers as numbers in the unit's
        format, a milestone's due date as a date, ranges and states as text."""
        if cell is None:
            return [None, None, None, None]
        target: Any = None
        if cell.target is not None:
            value, low, high, due = cell.target
            if low is None and high is None and (value is None) != (due is None):
                target = (
                    self._number(column + 1, number_format, value)
                    if due is None
                    else (self._number(column + 1, DATE_FORMAT, due))
                )
            else:
                target = target_text(cell.target, unit).removeprefix("of ")
        if cell.text:
            actual: Any = cell.text
        elif cell.actual is not None:
            actual = self._number(column + 2, number_format, cell.actual)
        else:
            actual = None
        percent = cell.percent
        if percent is not None:
            percent = self._number(column + 3, PERCENT_OF_TARGET, percent)
        status = cell.status.label + (f" ({cell.note})" if cell.note else "")
        return [target, actual, percent, status]

    def _number(self, column: int, number_format: str, value: Decimal | date) -> WriteOnlyCell:
        key = (column, number_format)
        cell = self.styled.get(key)
        if cell is None:
            cell = self.styled[key] = WriteOnlyCell(self.sheet)
            cell.number_format = number_format
        cell.value = value
        return cell

    def _text(self, text: str, *, bold: bool = False, centre: bool = False) -> WriteOnlyCell:
        """Always text, never a formula, whatever it starts with."""
        cell = WriteOnlyCell(self.sheet, value=text)
        cell.data_type = "s"
        if bold:
            cell.font = self.bold
        if centre:
            cell.alignment = Alignment(horizontal="center")
        return cell

    def _append(self, row: list[Any], level: int = 0) -> None:
        """Appends a row, first setting its outline level (a write-only sheet writes the
        row's attributes with the row)."""
        self.row_index += 1
        if level:
            self.sheet.row_dimensions[self.row_index].outlineLevel = min(level, 7)
        self.sheet.append(row)


def _group_label(group: Group) -> str:
    return f"{group.level_name} {group.number}: {group.title}".strip()


def _span(row: int, first: int, last: int) -> str:
    return f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}"
