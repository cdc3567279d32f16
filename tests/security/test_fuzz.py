"""Fuzzing of the parsers that read what people upload or type: whatever the input, each
answers with its result or its documented error, never another exception.

- plans.outline.parse_outline: an Outline, or OutlineError naming a line;
- metrics.measures_import: read_table gives a Table or MeasuresFileError; the cell readers
  give a value or ValueError; parse_measures lists bad rows as problems;
- metrics.spreadsheets: zip_problem and read_upload on arbitrary bytes, broken and truncated
  workbooks give a reason to refuse the file, never an exception;
- reports.figures: a report template fills, or raises TemplateError or MissingValue.

Inputs are both arbitrary (any text, any bytes) and near misses built from the real thing:
lines of the seed plans reordered and mangled, label fragments glued together, real CSV
and xlsx files cut short or with bytes flipped. The examples are derandomized, so a failure
reproduces on every run and machine; hypothesis prints the smallest input that fails.
"""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from metrics.measures_import import (
    MeasuresFileError,
    ParsedMeasures,
    Table,
    TableRow,
    guess_mapping,
    parse_measures,
    read_direction,
    read_number,
    read_period,
    read_table,
    read_unit,
)
from metrics.spreadsheets import UploadResult, read_upload, zip_problem
from plans.outline import Outline, OutlineError, parse_outline
from reports.figures import FigureData, Filler, MissingValue, TemplateError, referenced_metrics

ROOT = Path(__file__).resolve().parents[2]
SEED_PLANS = sorted((ROOT / "plans" / "seed_data" / "documents").glob("*.txt"))
APR_CSV = ROOT / "tests" / "metrics" / "data" / "apr_measures.csv"


def fuzz(examples: int) -> settings:
    """Derandomized (same examples everywhere), no deadline (CI machines vary), and no
    example database: nothing is written to the work tree. To hunt longer by hand:
    FUZZ_SCALE=20 FUZZ_RANDOM=1 pytest tests/security/test_fuzz.py."""
    return settings(
        max_examples=examples * int(os.environ.get("FUZZ_SCALE", "1")),
        deadline=None,
        derandomize=not os.environ.get("FUZZ_RANDOM"),
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# Outlines ----------------------------------------------------------------------------------

SEED_LINES = [
    line
    for path in SEED_PLANS
    for line in path.read_text(encoding="utf-8").splitlines()[:400]
    if line.strip()
]
LABEL_PARTS = [
    "Goal",
    "GOAL",
    "Objective",
    "Strategic Objective",
    "Sub-objective",
    "Strategy",
    "Line of Effort",
    "Action",
    "DRO",
    "(3.2)",
    "4.4",
    "1",
    "1.1",
    "1.1.1",
    "2.1.3.4",
    "007",
    "999.999",
    "One",
    "Four",
    "twenty",
    "#2",
    ":",
    ".",
    ")",
    "-",
    "\u2013",
    "\t",
    "\t12",
    "....... 12",
    "**",
    "__",
    "*",
    "- ",
    "## ",
    "\u2022 ",
    "Table of Contents",
    "CONTENTS",
    "Page 3 of 20",
    "- 12 -",
    "continued page 4",
    "Improve Recruitment (WLE).",
    "Develop and implement: a statement",
    "",
    " ",
]
label_lines = st.lists(st.sampled_from(LABEL_PARTS), max_size=6).map(" ".join)
outline_lines = st.one_of(label_lines, st.sampled_from(SEED_LINES), st.text(max_size=40))
near_miss_outlines = st.lists(outline_lines, max_size=40).map("\n".join)


def outline_or_error(text: str, depth: int) -> Outline | OutlineError:
    try:
        return parse_outline(text, depth=depth)
    except OutlineError as error:
        return error


def check_outline(text: str, depth: int = 3) -> None:
    outline = outline_or_error(text, depth)
    if isinstance(outline, OutlineError):
        assert outline.line >= 1
        return
    for node in outline.walk():
        assert 1 <= node.level <= depth
        assert node.level == node.number.count(".") + 1


@fuzz(300)
@given(st.text(max_size=400), st.integers(min_value=1, max_value=4))
@example("Goal 1:\n\n\n\n\nGOAL\n", 3)
@example("1.1.1.1.1.1 Deep\n", 2)
def test_outline_parser_takes_any_text(text: str, depth: int) -> None:
    check_outline(text, depth)


@fuzz(400)
@given(near_miss_outlines)
def test_outline_parser_takes_near_miss_outlines(text: str) -> None:
    check_outline(text)


@fuzz(60)
@given(st.data())
def test_outline_parser_takes_mangled_seed_plans(data: st.DataObject) -> None:
    """A real plan with lines dropped, repeated, swapped or cut short."""
    lines = data.draw(st.sampled_from(SEED_PLANS)).read_text(encoding="utf-8").splitlines()
    for _ in range(data.draw(st.integers(0, 20))):
        index = data.draw(st.integers(0, len(lines) - 1))
        change = data.draw(st.sampled_from(["drop", "repeat", "swap", "cut", "insert"]))
        if change == "drop":
            del lines[index]
        elif change == "repeat":
            lines.insert(index, lines[index])
        elif change == "swap":
            other = data.draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif change == "cut":
            lines[index] = lines[index][: data.draw(st.integers(0, len(lines[index])))]
        else:
            lines.insert(index, data.draw(label_lines))
    check_outline("\n".join(lines))


def test_outline_parser_refuses_a_depth_below_one() -> None:
    with pytest.raises(ValueError, match="depth"):
        parse_outline("Goal 1: Grow", depth=0)


# Measures spreadsheets (APR shape) --------------------------------------------------------

CELLS = [
    "",
    " ",
    "n/a",
    "TBD",
    "-",
    "1,234",
    "12.5%",
    "(12)",
    "1.8E+09",
    "1E+999999",
    "NaN",
    "Infinity",
    "-0",
    "0.03",
    "\u22125",
    "$1,234.50",
    "FY2021",
    "FY21 Q3",
    "2021.0",
    "Q5",
    "quarter 4",
    "annual",
    "0021",
    "9999",
    "Raw Count",
    "Cumulative Total",
    "$ Billions",
    "5 point scale",
    "Score (1 to 100 point scale)",
    "Count (())",
    "Increase",
    "Within range",
    "sideways",
    "'=SUM(A1)",
    "=cmd|' /C calc'!A0",
    "ERO",
    "Goal 1",
    "Objective 1.1",
    "Removals",
]
cell = st.one_of(st.sampled_from(CELLS), st.text(max_size=20))
HEADER = [
    "Goal",
    "Strategic Objective",
    "KPI",
    "Year",
    "Quarter",
    "Target",
    "Actual",
    "Min Target",
    "Max Target",
    "Unit",
    "Desired Direction",
    "Description",
    "Notes",
    "Office",
]


def check_measures(table: Table) -> None:
    mapping = guess_mapping(table.headers)
    try:
        parsed = parse_measures(table, mapping)
    except ValueError:
        return  # a required field without a column: the wizard asks for one
    assert isinstance(parsed, ParsedMeasures)
    for spec in parsed.measures:
        for value in spec.values:
            for number in (value.target, value.actual, value.min_target, value.max_target):
                assert number is None or number.is_finite()


@fuzz(150)
@given(st.lists(st.lists(cell, min_size=len(HEADER), max_size=len(HEADER)), max_size=8))
def test_measures_rows_of_any_cells_are_read_or_listed_as_problems(rows: list[list[str]]) -> None:
    table = Table(HEADER, [TableRow(n, n, cells) for n, cells in enumerate(rows, start=2)])
    check_measures(table)


@fuzz(300)
@given(cell, cell, cell, cell)
def test_measures_cell_readers_answer_a_value_or_value_error(
    number: str, year: str, quarter: str, direction: str
) -> None:
    for reader, args in [
        (read_number, (number,)),
        (read_period, (year, quarter)),
        (read_direction, (direction,)),
    ]:
        with contextlib.suppress(ValueError):
            reader(*args)
    read_unit(number)  # documented never to fail


def table_or_error(content: bytes, filename: str) -> Table | MeasuresFileError:
    try:
        return read_table(content, filename)
    except MeasuresFileError as error:
        return error


def read_or_refuse(content: bytes, filename: str) -> None:
    table = table_or_error(content, filename)
    if isinstance(table, MeasuresFileError):
        assert str(table), "a refusal says why"
        return
    check_measures(table)


@fuzz(300)
@given(st.binary(max_size=2000), st.sampled_from(["m.csv", "m.xlsx", "m.xls", "m.txt", "m"]))
def test_measures_file_of_any_bytes_is_read_or_refused(content: bytes, filename: str) -> None:
    read_or_refuse(content, filename)


@fuzz(200)
@given(st.text(max_size=600))
def test_measures_csv_of_any_text_is_read_or_refused(text: str) -> None:
    for encoding in ("utf-8", "utf-16"):
        read_or_refuse(text.encode(encoding, errors="replace"), "measures.csv")


@fuzz(200)
@given(st.data())
def test_measures_csv_mangled_from_a_real_apr_file_is_read_or_refused(
    data: st.DataObject,
) -> None:
    content = bytearray(APR_CSV.read_bytes())
    for _ in range(data.draw(st.integers(1, 10))):
        index = data.draw(st.integers(0, len(content) - 1))
        content[index] = data.draw(st.sampled_from(b'",\n\r;\x00\xff0-9%$Q'))
    cut = data.draw(st.integers(0, len(content)))
    read_or_refuse(bytes(content[:cut]), "apr.csv")


# Workbook uploads (xlsx is a zip) ---------------------------------------------------------


def workbook_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Values"
    sheet.append(["Metric ID", "Value", "Not available", "Version"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


REAL_WORKBOOK = workbook_bytes([[1, 12.5, "No", 1], [2, "n/a", "Yes", None]])


def upload(content: bytes, name: str = "values.xlsx") -> UploadResult:
    file = io.BytesIO(content)
    file.name = name
    return read_upload(file, {})


def check_refused_or_read(content: bytes) -> None:
    """No metric is expected (an empty office), so any row is an error: the point is that
    the file gets an answer. zip_problem answers a reason or None."""
    problem = zip_problem(content)
    assert problem is None or isinstance(problem, str)
    result = upload(content)
    assert isinstance(result, UploadResult)
    assert result.errors, "with no metric expected, some error must be reported"
    assert all(isinstance(error.message, str) and error.message for error in result.errors)


@fuzz(200)
@given(st.binary(max_size=3000))
def test_upload_of_any_bytes_is_refused_with_a_reason(content: bytes) -> None:
    check_refused_or_read(content)


@fuzz(200)
@given(st.integers(0, len(REAL_WORKBOOK)))
def test_upload_of_a_truncated_workbook_is_refused_with_a_reason(cut: int) -> None:
    check_refused_or_read(REAL_WORKBOOK[:cut])


@fuzz(200)
@given(st.lists(st.tuples(st.integers(0, len(REAL_WORKBOOK) - 1), st.integers(0, 255)), max_size=8))
def test_upload_of_a_workbook_with_flipped_bytes_is_refused_or_read(
    flips: list[tuple[int, int]],
) -> None:
    content = bytearray(REAL_WORKBOOK)
    for index, value in flips:
        content[index] = value
    check_refused_or_read(bytes(content))


def patched(content: bytes, signature: bytes, offset: int, value: int) -> bytes:
    """Every zip record with `signature` gets the 2-byte field at `offset` set to `value`."""
    data = bytearray(content)
    start = data.find(signature)
    while start != -1:
        data[start + offset : start + offset + 2] = value.to_bytes(2, "little")
        start = data.find(signature, start + 1)
    return bytes(data)


@pytest.mark.parametrize(
    ("signature", "offset", "value"),
    [
        pytest.param(b"PK\x01\x02", 6, 64, id="needs zip version 6.4 (found by fuzzing)"),
        pytest.param(b"PK\x01\x02", 10, 99, id="unknown compression method (AES)"),
        pytest.param(b"PK\x03\x04", 8, 99, id="unknown compression method, local header"),
    ],
)
def test_upload_of_a_zip_that_zipfile_cannot_read_is_refused(
    signature: bytes, offset: int, value: int
) -> None:
    """zipfile raises NotImplementedError for these, which neither zip_problem nor the
    workbook reader caught before fuzzing found it."""
    content = patched(REAL_WORKBOOK, signature, offset, value)
    check_refused_or_read(content)
    read_or_refuse(content, "measures.xlsx")


def members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


REAL_PARTS = members(REAL_WORKBOOK)
XML_PARTS = sorted(name for name in REAL_PARTS if name.endswith(".xml"))


@fuzz(200)
@given(
    st.sampled_from(XML_PARTS),
    st.one_of(
        st.binary(max_size=300),
        st.sampled_from(
            [
                b"",
                b"<",
                b"<?xml version='1.0'?><x>",
                b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
                b"<!DOCTYPE x [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;&a;'>]><x>&b;</x>",
                b"<worksheet><sheetData><row r='99999999999'><c r='ZZZZ1'/></row>"
                b"</sheetData></worksheet>",
            ]
        ),
    ),
    st.booleans(),
)
def test_upload_of_a_workbook_with_a_broken_part_is_refused_or_read(
    part: str, replacement: bytes, cut_instead: bool
) -> None:
    parts = dict(REAL_PARTS)
    original = parts[part]
    parts[part] = original[: len(original) // 2] if cut_instead else replacement
    check_refused_or_read(rezip(parts))


# Report templates --------------------------------------------------------------------------

FIGURES = {
    "Removals": FigureData(
        1, "Removals", "count", Decimal(185884), Decimal(112000), notes=("EID.",)
    ),
    "Seized": FigureData(2, "Seized", "dollars", Decimal("1.8E9"), None, "up from last year"),
    "Missing": FigureData(3, "Missing", "percent", None),
}
TEMPLATE_PARTS = [
    "{value}",
    "{value|words}",
    "{value|short}",
    "{value|bogus}",
    "{value:Removals}",
    "{metric:Removals}",
    "{metric:Seized|short}",
    "{metric:Missing}",
    "{metric:Nowhere}",
    "{metric:}",
    "{comparison}",
    "{comparison:Seized|short}",
    "{name}",
    "{year}",
    "{prior_year}",
    "{note}",
    "{note:Removals}",
    "{footnote:See https://example.gov/a.}",
    "{Value}",
    "{ value }",
    "{}",
    "{{",
    "}}",
    "{",
    "}",
    "|",
    ":",
    ", ",
    ".",
    "In FY ",
    " aliens",
]
templates = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(st.sampled_from(TEMPLATE_PARTS), st.text(max_size=5)), max_size=12).map(
        "".join
    ),
)


@fuzz(400)
@given(templates, st.sampled_from([None, "Removals", "Seized", "Missing", "Nowhere"]))
@example("{value|words}", "Removals")
def test_report_template_fills_or_raises_template_error_or_missing_value(
    template: str, primary: str | None
) -> None:
    filler = Filler(year=2020, figures=FIGURES)
    try:
        runs = filler.fill(template, primary)
    except (TemplateError, MissingValue):
        runs = None
    if runs is None:  # a template that fails leaves no trace
        assert filler.used == []
        assert filler.footnotes.mark() == {}
        return
    assert all(isinstance(run.text, str) for run in runs)
    try:
        referenced_metrics(template, primary=primary)
    except TemplateError:
        pytest.fail("a template that fills must also list its metrics")
