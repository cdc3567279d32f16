"""Reading a spreadsheet of performance measures shaped like an Annual Performance Report:
one row per measure and fiscal year (or quarter) with its goal, objective, target and
actual. Pure: no database; the writing is in `measures_services`.

`read_table` turns a CSV or XLSX file into a header and rows of text (an XLSX only after the
same size and zip-bomb checks as the quarterly upload), `guess_mapping` finds which column
holds which field, and `parse_measures` turns the rows into one MeasureSpec per measure with
its values by period, and lists every row it cannot read with the reason. Cells (numbers,
units, directions, periods) are read by `measures_cells`, so the command, the wizard and
the tests see the same result.
See docs/importing.md for each messy case and how it is read.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl

from metrics.measures_cells import (
    PERCENT_MAX,
    Reading,
    UnitReading,
    clean_cell,
    fold,
    period_label,
    read_direction,
    read_number,
    read_period,
    read_unit,
)
from metrics.spreadsheets import (
    MAX_COLUMNS,
    MAX_UPLOAD_BYTES,
    UNREADABLE_ERRORS,
    UNSAFE,
    ZIP_SIGNATURE,
    is_percent_format,
    number_text,
    zip_problem,
)

FIELDS = (
    "goal",
    "objective",
    "metric",
    "fiscal_year",
    "quarter",
    "target",
    "actual",
    "min_target",
    "max_target",
    "unit",
    "direction",
    "description",
    "notes",
    "office",
)
# The headers the export writes, in FIELDS order; people see fields by these names too.
LABELS = {
    "goal": "Goal",
    "objective": "Strategic Objective",
    "metric": "KPI",
    "fiscal_year": "Year",
    "quarter": "Quarter",
    "target": "Target",
    "actual": "Actual",
    "min_target": "Min Target",
    "max_target": "Max Target",
    "unit": "Unit",
    "direction": "Desired Direction",
    "description": "Description",
    "notes": "Notes",
    "office": "Office",
}
REQUIRED = ("goal", "objective", "metric", "fiscal_year")
NUMBER_FIELDS = ("target", "actual", "min_target", "max_target")
# Headers, folded (lower case, letters and digits only), that name each field.
SYNONYMS = {
    "goal": "goal strategicgoal goalname goaltitle goalstatement",
    "objective": "objective strategicobjective objectivename objectivetitle",
    "metric": "kpi kpiname measure measurename performancemeasure metric metricname "
    "performancemetric indicator performanceindicator keyperformanceindicator",
    "fiscal_year": "year fy fiscalyear reportingyear period reportingperiod",
    "quarter": "quarter qtr q fiscalquarter fyquarter",
    "target": "target targetvalue annualtarget fytarget plannedtarget",
    "actual": "actual actualvalue actualresult actuals result results",
    "min_target": "mintarget minimumtarget targetmin targetminimum lowertarget min minimum",
    "max_target": "maxtarget maximumtarget targetmax targetmaximum uppertarget max maximum",
    "unit": "unit units unitofmeasure unitofmeasurement uom measureunit unittype",
    "direction": "desireddirection direction targetdirection directionofimprovement polarity",
    "description": "description measuredescription kpidescription definition",
    "notes": "notes note comments comment explanation footnote footnotes remarks",
    "office": "office owner owneroffice responsibleoffice programoffice leadoffice component",
}
HEADER_FIELDS = {name: key for key, names in SYNONYMS.items() for name in names.split()}

MAX_CSV_BYTES = 20 * 1024 * 1024  # text is not compressed: about 150,000 rows of measures
MAX_ROWS = 100_000
VALUE_PLACES = Decimal("0.0001")  # the database keeps four decimals
VALUE_LIMIT = Decimal(10) ** 16  # and twenty digits in all

NOT_CSV_OR_XLSX = "Upload a .csv or .xlsx file."
OLD_EXCEL = "Old Excel workbooks (.xls) cannot be read: save the file as .xlsx or .csv."
CSV_TOO_BIG = f"The CSV file is larger than {MAX_CSV_BYTES // 2**20} MB."
XLSX_TOO_BIG = f"The workbook is larger than {MAX_UPLOAD_BYTES // 2**20} MB."
NOT_XLSX = "The file is not an Excel workbook (.xlsx), though its name says so."
XLSX_UNREADABLE = "The workbook could not be read. Save it again as .xlsx or as CSV."
NOT_TEXT = "The CSV file is not text (UTF-8 or Windows-1252)."
CSV_UNREADABLE = "The CSV file could not be read: {error}."
NO_HEADER = "The file has no header row: it is empty."
TOO_MANY_ROWS = f"The file has more than {MAX_ROWS:,} rows."
UNKNOWN_FIELD = "Unknown field {field!r}; the fields are: {fields}."
NO_SUCH_COLUMN = "No column {column!r} in the file; its columns are: {columns}."
COLUMN_TWICE = "The column {column!r} is chosen for both {first} and {second}."
NOT_MAPPED = "No column holds {label}: choose one."
BLANK = "{column} is blank."
NOT_A_NUMBER = "{column} {text!r} is not a number."
NOT_A_YEAR = "{column} {text!r} is not a fiscal year like 2021 or FY2021."
NOT_A_QUARTER = "{column} {text!r} is not a quarter like 1 or Q1 (or blank for the year)."
NOT_A_DIRECTION = "{column} {text!r} is not Increase, Decrease or a range (Range, Maintain)."
YEAR_NEEDED = "{column} is blank, and the row has values: say which fiscal year they are for."
RANGE_REVERSED = "{low} {low_value} is above {high} {high_value}."
TOO_LARGE = "{column} {text!r} is too large to store."
DIFFERS = "{column} {text!r} differs from {first!r} on row {row} for the same measure."
REPEATED = "{period} of {metric!r} appears again; it is first on row {row}."
NEGATIVE_COUNT = "{column} {text!r} is negative, and a count cannot be."
OFF_SCALE = "{column} {text!r} is outside the {label} ({low} to {high})."
FRACTIONS_SCALED = (
    "{metric!r}: the percentages written as fractions (like 0.03) are read as percent points (3)."
)
NOTES_WITHOUT_ACTUAL = "Notes are kept with an actual value, and this row gives none: ignored."

# Reading the file --------------------------------------------------------------------------


class MeasuresFileError(ValueError):
    """The file as a whole cannot be read; the message says why, for the person."""


@dataclass(frozen=True)
class TableRow:
    """One row of cells as text. `row` is the number a spreadsheet shows (the header is 1);
    `line` is where the row starts in a text editor, later than `row` in a CSV file whose
    earlier cells hold line breaks."""

    row: int
    line: int
    cells: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: list[TableRow]


def read_table(content: bytes, filename: str) -> Table:
    """The file's header row (its first non-blank row) and the rows below it, as text.

    An XLSX is refused above 5 MB and when its zip directory promises more than it should
    (metrics.spreadsheets.zip_problem) before openpyxl opens it; a CSV above 20 MB.
    Raises MeasuresFileError.
    """
    extension = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    if extension == "xlsx":
        rows = _xlsx_rows(content)
    elif extension == "csv":
        rows = _csv_rows(content)
    else:
        raise MeasuresFileError(OLD_EXCEL if extension == "xls" else NOT_CSV_OR_XLSX)
    return _table(rows)


def _table(rows: Iterable[TableRow]) -> Table:
    iterator = iter(rows)
    header = next((row for row in iterator if any(row.cells)), None)
    if header is None:
        raise MeasuresFileError(NO_HEADER)
    body = []
    for row in iterator:
        if len(body) == MAX_ROWS:
            raise MeasuresFileError(TOO_MANY_ROWS)
        body.append(row)
    return Table(headers=header.cells, rows=body)


def _csv_rows(content: bytes) -> Iterable[TableRow]:
    if len(content) > MAX_CSV_BYTES:
        raise MeasuresFileError(CSV_TOO_BIG)
    reader = csv.reader(io.StringIO(_decoded(content), newline=""))
    line = 1
    try:
        for number, cells in enumerate(reader, start=1):
            yield TableRow(number, line, [clean_cell(cell) for cell in cells[:MAX_COLUMNS]])
            line = reader.line_num + 1
    except csv.Error as error:
        raise MeasuresFileError(CSV_UNREADABLE.format(error=error)) from None


def _decoded(content: bytes) -> str:
    """UTF-8 with or without its byte-order mark; else Windows-1252, as Excel saves CSV.
    A NUL byte means a binary file named .csv."""
    if b"\x00" in content:
        raise MeasuresFileError(NOT_TEXT)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MeasuresFileError(NOT_TEXT)


def _xlsx_rows(content: bytes) -> list[TableRow]:
    """The first sheet's rows. Read whole: openpyxl's read-only mode streams the XML, and
    the zip checks bound what it can hold."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise MeasuresFileError(XLSX_TOO_BIG)
    if not content.startswith(ZIP_SIGNATURE):
        raise MeasuresFileError(NOT_XLSX)
    if problem := zip_problem(content):
        raise MeasuresFileError(UNSAFE if problem == UNSAFE else NOT_XLSX)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # the dimension tag may understate the rows
            return [
                TableRow(number, number, [xlsx_text(cell) for cell in cells])
                for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1)
            ]
        finally:
            workbook.close()
    except UNREADABLE_ERRORS:
        raise MeasuresFileError(XLSX_UNREADABLE) from None


def xlsx_text(cell: Any) -> str:
    """A cell as the text a person sees in it: 0.03 formatted as a percentage is "3%"."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if is_percent_format(getattr(cell, "number_format", None)):
            return number_text(value, percent=True) + "%"
        return number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return clean_cell(str(value))


# Columns -----------------------------------------------------------------------------------


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """Field -> column index, by header synonyms; the first of two matching columns wins."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = HEADER_FIELDS.get(fold(header))
        if key and key not in mapping:
            mapping[key] = index
    return mapping


def resolve_mapping(headers: list[str], named: dict[str, str]) -> dict[str, int]:
    """The guessed mapping with `named` ({"metric": "Measure Title"}, matched like headers;
    an empty column name unmaps the field) laid over it. Raises ValueError."""
    columns = {}
    for index, header in enumerate(headers):
        columns.setdefault(fold(header), index)
    chosen: dict[str, int | None] = {}
    for key, column in named.items():
        if key not in FIELDS:
            raise ValueError(UNKNOWN_FIELD.format(field=key, fields=", ".join(FIELDS)))
        if column.strip() and fold(column) not in columns:
            shown = ", ".join(repr(h) for h in headers if h)
            raise ValueError(NO_SUCH_COLUMN.format(column=column, columns=shown))
        chosen[key] = columns[fold(column)] if column.strip() else None
    taken = {index for index in chosen.values() if index is not None}
    mapping = {
        k: i for k, i in guess_mapping(headers).items() if k not in chosen and i not in taken
    }
    mapping |= {k: i for k, i in chosen.items() if i is not None}
    check_mapping(headers, mapping)
    return mapping


def check_mapping(headers: list[str], mapping: dict[str, int]) -> None:
    """Raises ValueError when a required field has no column or a column serves two."""
    for key in REQUIRED:
        if key not in mapping:
            raise ValueError(NOT_MAPPED.format(label=LABELS[key]))
    seen: dict[int, str] = {}
    for key in FIELDS:
        index = mapping.get(key)
        if index is not None and index in seen:
            column = column_name(headers, index)
            raise ValueError(
                COLUMN_TWICE.format(column=column, first=LABELS[seen[index]], second=LABELS[key])
            )
        if index is not None:
            seen[index] = key


def column_name(headers: list[str], index: int) -> str:
    """The header, or "column C" when the column has none."""
    header = headers[index] if index < len(headers) else ""
    return header or f"column {_letter(index)}"


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# Rows to measures --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A row that cannot be used (or, as a warning, a note about one); row 0: the file."""

    row: int
    line: int
    message: str

    @property
    def where(self) -> str:
        if self.line != self.row:
            return f"Row {self.row} (line {self.line} in a text editor)"
        return f"Row {self.row}"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class PeriodValue:
    """What one row says for one period; percentages already in percent points."""

    fiscal_year: int
    quarter: int | None
    row: int
    line: int
    target: Decimal | None = None
    actual: Decimal | None = None
    min_target: Decimal | None = None
    max_target: Decimal | None = None
    notes: str | None = None  # None when the file has no Notes column

    @property
    def has_target(self) -> bool:
        return any(v is not None for v in (self.target, self.min_target, self.max_target))

    @property
    def label(self) -> str:
        return period_label(self.fiscal_year, self.quarter)


@dataclass
class MeasureSpec:
    """One measure with everything the file says about it. Attributes the file does not
    state are None (the service keeps what is stored, or a default)."""

    goal: str
    objective: str
    name: str
    rows: list[int]
    unit: UnitReading | None = None
    direction: str | None = None
    description: str = ""
    office: str = ""
    values: list[PeriodValue] = field(default_factory=list)
    allowed_min: Decimal | None = None  # what the values need (or the scale declares)
    allowed_max: Decimal | None = None

    @property
    def goal_key(self) -> str:
        return fold(self.goal)

    @property
    def objective_key(self) -> tuple[str, str]:
        return self.goal_key, fold(self.objective)

    @property
    def key(self) -> tuple[str, str, str]:
        return *self.objective_key, fold(self.name)

    @property
    def frequency(self) -> str:
        return "quarterly" if any(v.quarter for v in self.values) else "annual"

    @property
    def limits_declared(self) -> bool:
        return self.unit is not None and self.unit.scale_max is not None


@dataclass
class ParsedMeasures:
    measures: list[MeasureSpec]
    problems: list[Problem]
    warnings: list[Problem]
    rows_read: int  # data rows that are not blank


@dataclass
class _Row:
    """One row read, before it is grouped with the other rows of its measure."""

    source: TableRow
    text: dict[str, str]
    numbers: dict[str, Reading | None]
    fiscal_year: int | None
    quarter: int | None
    unit: UnitReading | None
    direction: str | None

    @property
    def has_values(self) -> bool:
        return any(self.numbers.values())


def parse_measures(table: Table, mapping: dict[str, int]) -> ParsedMeasures:
    """Every row read and grouped into measures (in order of first appearance), or listed
    as a problem with its row number and the reason. Raises ValueError for a bad mapping."""
    check_mapping(table.headers, mapping)
    names = {key: column_name(table.headers, index) for key, index in mapping.items()}
    problems: list[Problem] = []
    rows = []
    for source in table.rows:
        text = {key: _cell(source.cells, index) for key, index in mapping.items()}
        if not any(text.values()):
            continue
        row, messages = _read_row(source, text, names)
        problems += [Problem(source.row, source.line, message) for message in messages]
        rows.append(row)
    grouper = _Grouper(names, "notes" in mapping)
    for row in rows:
        if row is not None:
            grouper.add(row)
    measures = [grouper.finish(spec) for spec in grouper.measures.values()]
    problems += grouper.problems
    problems.sort(key=lambda p: p.row)
    bad = {p.row for p in problems}
    for spec in measures:
        spec.values = [v for v in spec.values if v.row not in bad]
    measures = [spec for spec in measures if set(spec.rows) - bad]
    return ParsedMeasures(measures, problems, grouper.warnings, rows_read=len(rows))


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _read_row(
    source: TableRow, text: dict[str, str], names: dict[str, str]
) -> tuple[_Row | None, list[str]]:
    """The row read, or None and why not (every reason the row has, not just the first)."""
    messages = [
        BLANK.format(column=names[k]) for k in ("goal", "objective", "metric") if not text[k]
    ]
    numbers: dict[str, Reading | None] = {}
    for key in NUMBER_FIELDS:
        try:
            numbers[key] = read_number(text.get(key, ""))
        except ValueError:
            messages.append(NOT_A_NUMBER.format(column=names[key], text=text[key]))
    fiscal_year = quarter = direction = None
    try:
        fiscal_year, quarter = read_period(text["fiscal_year"], text.get("quarter", ""))
    except ValueError as error:
        key = "fiscal_year" if str(error) == "year" else "quarter"
        template = NOT_A_YEAR if key == "fiscal_year" else NOT_A_QUARTER
        messages.append(template.format(column=names[key], text=text[key]))
    try:
        direction = read_direction(text.get("direction", ""))
    except ValueError:
        messages.append(NOT_A_DIRECTION.format(column=names["direction"], text=text["direction"]))
    row = _Row(
        source, text, numbers, fiscal_year, quarter, read_unit(text.get("unit", "")), direction
    )
    if not text["fiscal_year"] and row.has_values:
        messages.append(YEAR_NEEDED.format(column=names["fiscal_year"]))
    return (None if messages else row), messages


class _Grouper:
    """Gathers rows into measures by their folded goal, objective and name, and checks
    that the rows of one measure agree with each other."""

    def __init__(self, names: dict[str, str], has_notes: bool) -> None:
        self.names = names
        self.has_notes = has_notes
        self.measures: dict[tuple[str, str, str], MeasureSpec] = {}
        self.first: dict[tuple[tuple[str, str, str], str], tuple[str, int]] = {}
        self.periods: dict[tuple[tuple[str, str, str], int, int | None], int] = {}
        self.readings: dict[tuple[str, str, str], list[tuple[PeriodValue, dict]]] = {}
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, row: _Row) -> None:
        text, source = row.text, row.source
        spec = MeasureSpec(text["goal"], text["objective"], text["metric"], rows=[])
        spec = self.measures.setdefault(spec.key, spec)
        spec.rows.append(source.row)
        messages = self._agree(spec, row)
        if row.fiscal_year is not None:
            period = (spec.key, row.fiscal_year, row.quarter)
            if period in self.periods:
                label = period_label(row.fiscal_year, row.quarter)
                messages.append(
                    REPEATED.format(period=label, metric=spec.name, row=self.periods[period])
                )
            else:
                self.periods[period] = source.row
        if messages:
            self.problems += [Problem(source.row, source.line, m) for m in messages]
            return
        if row.fiscal_year is not None:
            self._add_values(spec, row)

    def _agree(self, spec: MeasureSpec, row: _Row) -> list[str]:
        """Unit, direction and office are the measure's: a later row may repeat them or
        leave them blank, not change them. Description: the first one given."""
        messages = []
        stated = {
            "unit": row.unit,
            "direction": row.direction,
            "office": fold(row.text.get("office", "")),
        }
        for key, value in stated.items():
            if not value:
                continue
            first = self.first.setdefault((spec.key, key), (row.text[key], row.source.row))
            if first[1] != row.source.row and self._reading(key, first[0]) != value:
                messages.append(
                    DIFFERS.format(
                        column=self.names[key], text=row.text[key], first=first[0], row=first[1]
                    )
                )
        if not messages:
            spec.unit = spec.unit or row.unit
            spec.direction = spec.direction or row.direction
            spec.office = spec.office or row.text.get("office", "")
            spec.description = spec.description or row.text.get("description", "")
        return messages

    @staticmethod
    def _reading(key: str, text: str) -> Any:
        if key == "unit":
            return read_unit(text)
        return read_direction(text) if key == "direction" else fold(text)

    def _add_values(self, spec: MeasureSpec, row: _Row) -> None:
        value = PeriodValue(row.fiscal_year, row.quarter, row.source.row, row.source.line)
        notes = row.text.get("notes", "")
        value.notes = notes if self.has_notes else None
        if notes and row.numbers.get("actual") is None:
            value.notes = None
            self.warnings.append(Problem(row.source.row, row.source.line, NOTES_WITHOUT_ACTUAL))
        spec.values.append(value)
        self.readings.setdefault(spec.key, []).append((value, row.numbers))

    def finish(self, spec: MeasureSpec) -> MeasureSpec:
        """Decides the measure's unit and turns its readings into stored values."""
        readings = self.readings.get(spec.key, [])
        every = [r for _value, numbers in readings for r in numbers.values() if r is not None]
        if spec.unit is None and any(r.percent for r in every):
            spec.unit = UnitReading("percent")
        if spec.direction is None and any(
            v.get("min_target") and v.get("max_target") for _value, v in readings
        ):
            spec.direction = "range"
        scale = self._scale_factor(spec, every)
        spec.values = [
            value for value, numbers in readings if self._store(spec, value, numbers, scale)
        ]
        self._set_limits(spec)
        return spec

    def _scale_factor(self, spec: MeasureSpec, every: list[Reading]) -> Decimal:
        """Times 100 for a percentage whose bare values are all fractions (0.03 is 3%);
        the unit's multiplier (dollars in billions) otherwise."""
        unit = spec.unit
        if unit is None or unit.unit != "percent":
            return unit.multiplier if unit else Decimal(1)
        bare = [r.value for r in every if not r.percent]
        if bare and all(abs(v) <= 1 for v in bare) and any(bare):
            self.warnings.append(
                Problem(spec.rows[0], spec.rows[0], FRACTIONS_SCALED.format(metric=spec.name))
            )
            return Decimal(100)
        return Decimal(1)

    def _store(self, spec: MeasureSpec, value: PeriodValue, numbers: dict, scale: Decimal) -> bool:
        """Sets the row's numbers in the measure's unit; False (and the problem listed)
        when the measure cannot hold one of them."""
        stored = {
            key: (reading.value if reading.percent else reading.value * scale).quantize(
                VALUE_PLACES
            )
            for key, reading in numbers.items()
            if reading is not None
        }
        messages = [m for key, n in stored.items() if (m := self._refusal(spec, key, n))]
        low, high = stored.get("min_target"), stored.get("max_target")
        if low is not None and high is not None and low > high:
            messages.append(
                RANGE_REVERSED.format(
                    low=self.names["min_target"],
                    low_value=_plain(low),
                    high=self.names["max_target"],
                    high_value=_plain(high),
                )
            )
        self.problems += [Problem(value.row, value.line, message) for message in messages]
        for key, number in stored.items():
            setattr(value, key, number)
        return not messages

    def _refusal(self, spec: MeasureSpec, key: str, number: Decimal) -> str | None:
        text, shown = self.names[key], _plain(number)
        if abs(number) >= VALUE_LIMIT:
            return TOO_LARGE.format(column=text, text=shown)
        unit = spec.unit
        if unit and unit.unit in ("count", "events") and number < 0:
            return NEGATIVE_COUNT.format(column=text, text=shown)
        if unit and (bounds := unit.allowed_range) and not bounds[0] <= number <= bounds[1]:
            return OFF_SCALE.format(
                column=text, text=shown, label=unit.label, low=bounds[0], high=bounds[1]
            )
        return None

    @staticmethod
    def _set_limits(spec: MeasureSpec) -> None:
        """A scale declares its range; otherwise the range widens to the values given: below
        zero for a measure with negative values, above 100 for a percentage above it."""
        if spec.unit and (bounds := spec.unit.allowed_range):
            spec.allowed_min, spec.allowed_max = bounds
            return
        numbers = [
            n
            for v in spec.values
            for n in (v.target, v.actual, v.min_target, v.max_target)
            if n is not None
        ]
        if numbers and min(numbers) < 0:
            spec.allowed_min = Decimal(math.floor(min(numbers)))
        if numbers and spec.unit and spec.unit.unit == "percent" and max(numbers) > PERCENT_MAX:
            spec.allowed_max = Decimal(math.ceil(max(numbers)))


def _plain(number: Decimal) -> str:
    """12.5000 -> "12.5", as the person wrote it."""
    return format(number.normalize(), "f")
