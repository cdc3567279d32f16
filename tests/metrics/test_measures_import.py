"""The measures parser on small messy files: no database."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from metrics.measures_cells import UnitReading, read_direction, read_period, read_unit
from metrics.measures_import import (
    MeasuresFileError,
    ParsedMeasures,
    guess_mapping,
    parse_measures,
    read_table,
    resolve_mapping,
)

DATA = Path(__file__).parent / "data"
HEADER = (
    "Goal,Strategic Objective,KPI,Year,Target,Actual,Min Target,Max Target,Unit,Desired Direction"
)


def parse(
    text: str, named: dict[str, str] | None = None, encoding: str = "utf-8"
) -> ParsedMeasures:
    table = read_table(text.encode(encoding), "measures.csv")
    return parse_measures(table, resolve_mapping(table.headers, named or {}))


def rows(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


def only(parsed: ParsedMeasures):
    assert not parsed.problems, parsed.problems
    (measure,) = parsed.measures
    return measure


def test_sample_file_with_bom_multiline_cells_and_spaces_reads_every_measure() -> None:
    parsed = parse((DATA / "apr_measures.csv").read_text(encoding="utf-8"))
    assert not parsed.problems
    names = [m.name for m in parsed.measures]
    assert names[:2] == ["Percent of cargo screened", "Removals"]
    assert len(names) == 9
    assert parsed.measures[0].description == "Share of inbound cargo\nscreened before arrival"


def test_utf8_bom_does_not_hide_the_first_header() -> None:
    table = read_table(b"\xef\xbb\xbf" + rows("G,O,KPI A,2021,1,2,,,,").encode(), "m.csv")
    assert guess_mapping(table.headers)["goal"] == 0


def test_windows_1252_csv_is_read() -> None:
    parsed = parse(rows("Goal é,O,Caf\u00e9 visits,2021,1,2,,,,"), encoding="cp1252")
    assert only(parsed).name == "Café visits"


def test_blank_and_whitespace_only_cells_are_empty_and_blank_rows_are_skipped() -> None:
    parsed = parse(
        rows(
            "G,O,KPI A,2021,  ,   , , ,  ,  ",
            ",,,,,,,,,",
            "   ,  ,,,,,,,,",
            "G,O,KPI A,2022,5,,,,,",
        )
    )
    measure = only(parsed)
    assert [(v.fiscal_year, v.target, v.actual) for v in measure.values] == [
        (2021, None, None),
        (2022, Decimal(5), None),
    ]
    assert parsed.rows_read == 2


def test_leading_and_trailing_spaces_are_trimmed() -> None:
    measure = only(
        parse(rows("  Goal One ,  Obj  ,  KPI A  , 2021 , 12 , 13 ,,, Raw Count , Increase "))
    )
    assert (measure.goal, measure.objective, measure.name) == ("Goal One", "Obj", "KPI A")
    assert measure.values[0].actual == Decimal(13)


def test_names_differing_in_case_punctuation_or_spacing_are_one() -> None:
    parsed = parse(
        rows(
            "Goal 1: Secure the Border,Objective 1.1 - Detect,KPI A,2021,1,,,,,",
            "goal 1 secure the  border,OBJECTIVE 1.1: detect,kpi a.,2022,2,,,,,",
        )
    )
    measure = only(parsed)
    assert measure.objective == "Objective 1.1 - Detect"  # the first spelling
    assert [v.fiscal_year for v in measure.values] == [2021, 2022]


def test_percentages_written_as_fractions_are_scaled_when_all_are_fractions() -> None:
    measure = only(
        parse(
            rows("G,O,Screened,2021,0.95,0.97,,,Percentage,Increase", "G,O,Screened,2022,0.9,1,,,,")
        )
    )
    assert [(v.target, v.actual) for v in measure.values] == [
        (Decimal(95), Decimal(97)),
        (Decimal(90), Decimal(100)),
    ]


def test_percent_sign_always_means_percent_points() -> None:
    measure = only(
        parse(rows("G,O,Rate,2021,3%,0.5%,,,Percentage,", "G,O,Rate,2022,0.04,0.02,,,,"))
    )
    assert [(v.target, v.actual) for v in measure.values] == [
        (Decimal(3), Decimal("0.5")),
        (Decimal(4), Decimal(2)),
    ]


def test_percent_sign_without_a_unit_makes_a_percentage() -> None:
    measure = only(parse(rows("G,O,Rate,2021,3%,4%,,,,")))
    assert measure.unit == UnitReading("percent")


def test_percent_points_above_one_are_not_scaled() -> None:
    measure = only(parse(rows("G,O,Rate,2021,0.5,12,,,Percent,")))
    assert (measure.values[0].target, measure.values[0].actual) == (Decimal("0.5"), Decimal(12))


def test_negative_values_are_read_and_widen_the_allowed_range() -> None:
    measure = only(
        parse(
            rows(
                "G,O,Change in backlog,2021,-5%,(2.5),,,Percentage,Decrease",
                "G,O,Change in backlog,2022,\u22123,-1,,,,",
            )
        )
    )
    assert [(v.target, v.actual) for v in measure.values] == [
        (Decimal(-5), Decimal("-2.5")),
        (Decimal(-3), Decimal(-1)),
    ]
    assert measure.allowed_min == Decimal(-5)


def test_a_negative_count_is_a_bad_row() -> None:
    parsed = parse(rows("G,O,Removals,2021,10,-4,,,Raw Count,Increase"))
    assert [str(p) for p in parsed.problems] == [
        "Row 2: Actual '-4' is negative, and a count cannot be."
    ]
    assert parsed.measures == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Raw Count", UnitReading("count")),
        ("Percentage", UnitReading("percent")),
        ("Percentage (%)", UnitReading("percent")),
        ("Billions", UnitReading("other", "Billions")),
        ("$ Billions", UnitReading("dollars", multiplier=Decimal(10) ** 9)),
        ("Dollars in millions", UnitReading("dollars", multiplier=Decimal(10) ** 6)),
        ("Cumulative Total", UnitReading("count", cumulative=True)),
        ("Cumulative Count (aliens)", UnitReading("count", "aliens", cumulative=True)),
        ("5 point scale", UnitReading("score", "5-point scale", scale_max=5)),
        ("Score (5-point scale)", UnitReading("score", "5-point scale", scale_max=5)),
        ("Other (Billions)", UnitReading("other", "Billions")),
        ("Widgets shipped", UnitReading("other", "Widgets shipped")),
        ("", None),
    ],
)
def test_units_are_read(text: str, expected: UnitReading | None) -> None:
    assert read_unit(text) == expected


def test_dollars_in_billions_are_stored_in_dollars() -> None:
    measure = only(parse(rows("G,O,Seized assets,2021,1.5,1.8,,,$ Billions,Increase")))
    assert measure.values[0].actual == Decimal(1_800_000_000)


def test_a_value_off_a_five_point_scale_is_a_bad_row() -> None:
    parsed = parse(
        rows(
            "G,O,Satisfaction,2021,4,4.2,,,5 point scale,",
            "G,O,Satisfaction,2022,4,6,,,5 point scale,",
        )
    )
    assert [p.row for p in parsed.problems] == [3]
    measure = parsed.measures[0]
    assert (measure.allowed_min, measure.allowed_max) == (Decimal(1), Decimal(5))
    assert [v.fiscal_year for v in measure.values] == [2021]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Increase", "increase"),
        ("decrease", "decrease"),
        ("Range", "range"),
        ("Maintain", "range"),
        ("Within range", "range"),
        ("Stay within a range", "range"),
        ("  ", None),
    ],
)
def test_directions_are_read(text: str, expected: str | None) -> None:
    assert read_direction(text) == expected


def test_blank_direction_with_a_minimum_and_maximum_is_a_range() -> None:
    measure = only(parse(rows("G,O,Occupancy,2021,,88%,85%,95%,Percentage,")))
    assert measure.direction == "range"
    value = measure.values[0]
    assert (value.min_target, value.max_target) == (Decimal(85), Decimal(95))


def test_blank_direction_alone_is_left_to_the_service() -> None:
    assert only(parse(rows("G,O,KPI,2021,1,2,,,,"))).direction is None


def test_unknown_direction_is_a_bad_row() -> None:
    parsed = parse(rows("G,O,KPI,2021,1,2,,,,Sideways"))
    assert parsed.problems[0].message == (
        "Desired Direction 'Sideways' is not Increase, Decrease or a range (Range, Maintain)."
    )


def test_a_minimum_above_the_maximum_is_a_bad_row() -> None:
    parsed = parse(rows("G,O,KPI,2021,,5,10,3,,"))
    assert parsed.problems[0].message == "Min Target 10 is above Max Target 3."


def test_bad_rows_are_listed_with_their_row_and_line_numbers() -> None:
    text = rows(
        'G,O,KPI A,2021,1,2,,,,"a note',
        'across lines"',
        "G,O,KPI A,twenty,1,2,,,,",
        ",O,KPI B,2021,x,2,,,,",
    )
    parsed = parse(text.replace(HEADER, HEADER.replace("Desired Direction", "Notes")))
    assert [str(p) for p in parsed.problems] == [
        "Row 3 (line 4 in a text editor): Year 'twenty' is not a fiscal year like 2021 or FY2021.",
        "Row 4 (line 5 in a text editor): Goal is blank.",
        "Row 4 (line 5 in a text editor): Target 'x' is not a number.",
    ]
    assert only_good(parsed) == ["KPI A"]


def only_good(parsed: ParsedMeasures) -> list[str]:
    return [m.name for m in parsed.measures]


def test_the_same_period_twice_is_a_bad_row() -> None:
    parsed = parse(rows("G,O,KPI,2021,1,2,,,,", "G,O,kpi,FY2021,3,4,,,,"))
    assert parsed.problems[0].message == "FY2021 of 'KPI' appears again; it is first on row 2."


def test_a_unit_that_changes_between_rows_is_a_bad_row() -> None:
    parsed = parse(
        rows(
            "G,O,KPI,2021,1,2,,,Raw Count,", "G,O,KPI,2022,1,2,,,count,", "G,O,KPI,2023,1,2,,,Days,"
        )
    )
    assert [p.row for p in parsed.problems] == [4]


@pytest.mark.parametrize(
    ("year", "quarter", "expected"),
    [
        ("2021", "", (2021, None)),
        ("FY2021", "Q2", (2021, 2)),
        ("FY 21", "", (2021, None)),
        ("FY2021 Q3", "", (2021, 3)),
        ("2021.0", "4.0", (2021, 4)),
        ("2022", "Annual", (2022, None)),
    ],
)
def test_fiscal_years_and_quarters_are_read(year: str, quarter: str, expected: tuple) -> None:
    assert read_period(year, quarter) == expected


def test_quarterly_rows_make_a_quarterly_measure() -> None:
    text = "Goal,Objective,Measure,FY,Qtr,Target,Actual\nG,O,KPI,2021,Q1,1,2\nG,O,KPI,2021,Q2,1,3\n"
    measure = only(parse(text))
    assert measure.frequency == "quarterly"
    assert [v.quarter for v in measure.values] == [1, 2]


def test_a_row_without_a_year_or_values_only_defines_the_measure() -> None:
    measure = only(parse(rows("G,O,KPI,,,,,,Raw Count,Increase")))
    assert measure.values == []


def test_a_row_with_values_but_no_year_is_bad() -> None:
    parsed = parse(rows("G,O,KPI,,5,,,,,"))
    assert "say which fiscal year" in parsed.problems[0].message


def test_notes_without_an_actual_are_a_warning() -> None:
    text = "Goal,Objective,KPI,Year,Target,Actual,Notes\nG,O,KPI,2021,5,,New measure\n"
    parsed = parse(text)
    assert [w.message for w in parsed.warnings] == [
        "Notes are kept with an actual value, and this row gives none: ignored."
    ]
    assert parsed.measures[0].values[0].notes is None


def test_headers_are_guessed_from_synonyms() -> None:
    headers = [
        "Strategic Goal",
        "STRATEGIC OBJECTIVE",
        "Performance Measure",
        "FY",
        "Desired-Direction",
        "Unit of Measure",
        "Comments",
    ]
    assert guess_mapping(headers) == {
        "goal": 0,
        "objective": 1,
        "metric": 2,
        "fiscal_year": 3,
        "direction": 4,
        "unit": 5,
        "notes": 6,
    }


def test_named_columns_override_the_guess() -> None:
    headers = ["Goal", "Objective", "KPI", "Measure Title", "Year"]
    mapping = resolve_mapping(headers, {"metric": "measure title"})
    assert mapping["metric"] == 3


def test_an_unknown_field_or_column_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown field 'colour'"):
        resolve_mapping(["Goal"], {"colour": "Goal"})
    with pytest.raises(ValueError, match="No column 'KPI Name'"):
        resolve_mapping(["Goal"], {"metric": "KPI Name"})


def test_a_missing_required_column_is_refused() -> None:
    with pytest.raises(ValueError, match="No column holds KPI"):
        parse("Goal,Objective,Year\nG,O,2021\n")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("m.xls", b"\xd0\xcf", "Old Excel workbooks"),
        ("m.txt", b"a,b", "Upload a .csv or .xlsx file."),
        ("m.xlsx", b"Goal,KPI", "is not an Excel workbook"),
        ("m.csv", b"", "no header row"),
        ("m.csv", b"a,\x00b\n", "is not text"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(
    name: str, content: bytes, message: str
) -> None:
    with pytest.raises(MeasuresFileError, match=message):
        read_table(content, name)


def xlsx_bytes(rows_: list[list], percent_cells: tuple[str, ...] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows_:
        sheet.append(row)
    for ref in percent_cells:
        sheet[ref].number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_is_read_with_percent_formatted_cells_as_percent_points() -> None:
    content = xlsx_bytes(
        [
            ["Goal", "Objective", "KPI", "Year", "Target", "Actual", "Unit"],
            ["G", "O", "Rate", 2021, 0.03, 0.045, "Percentage"],
        ],
        percent_cells=("E2", "F2"),
    )
    table = read_table(content, "m.xlsx")
    measure = only(parse_measures(table, guess_mapping(table.headers)))
    assert (measure.values[0].target, measure.values[0].actual) == (Decimal(3), Decimal("4.5"))


def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)
    with pytest.raises(MeasuresFileError, match="expands to far more than its size"):
        read_table(buffer.getvalue(), "m.xlsx")


def test_an_xlsx_over_the_size_limit_is_refused() -> None:
    with pytest.raises(MeasuresFileError, match="larger than 5 MB"):
        read_table(b"PK\x03\x04" + b"0" * (5 * 1024 * 1024), "m.xlsx")
