"""export_values: one row per value of a fiscal year, with its target, as CSV or XLSX.

The data set: the ICE plan (tests/conftest.py) with elements 1, 2 and 10 (to check that 10
sorts after 2), and a DHS plan with one metric; values for FY2025 and one for FY2024.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from metrics.exports import COLUMNS, explanation_text, value_cell
from metrics.models import Measurement, Target
from plans.hierarchy import number_key
from plans.models import Metric, Office, Plan
from tests.factories import MetricFactory, PlanElementFactory, PlanFactory

Status = Measurement.Status

HEADER = [
    "plan",
    "element",
    "metric",
    "office",
    "period",
    "target",
    "value",
    "unit",
    "status",
    "explanation",
]
ICE = "ICE Strategic Plan"
THREATS = ["DHS Strategic Plan", "1 Secure the homeland", "Threats shared", "ERO"]
BEDS = [ICE, "1 Keep detention safe", "Bed occupancy", "ERO"]
REMOVALS = [ICE, "2 Remove", "Removals completed", "ERO"]
ALIENS = "Count (aliens)"
NOT_AVAILABLE = "Not available: System outage. Back next quarter."
ROWS = [
    [*THREATS, "FY2025 Q1", "", "7", "Count", "Draft", ""],
    [*BEDS, "FY2025", "85 to 95", "92.5", "Percent", "Draft", ""],
    [*REMOVALS, "FY2025 Q1", "250", "300", ALIENS, "Approved", ""],
    [*REMOVALS, "FY2025 Q2", "", "", ALIENS, "Submitted", NOT_AVAILABLE],
    [*REMOVALS, "FY2025", "1000", "1200", ALIENS, "Approved", ""],
    [ICE, "10 Investigate", "Cases closed", "HSI", "FY2025 Q1", "", "40", "Count", "Approved", ""],
]


def value(metric: Metric, quarter: int | None, amount: str | None, **fields: object) -> None:
    fields.setdefault("status", Status.APPROVED)
    amount = Decimal(amount) if amount is not None else None
    Measurement.objects.create(
        metric=metric, fiscal_year=2025, quarter=quarter, value=amount, **fields
    )


@pytest.fixture
def dataset(plan: Plan, offices: dict[str, Office]) -> None:
    ero, hsi = offices["ERO"], offices["HSI"]
    cases = MetricFactory(
        element=PlanElementFactory(plan=plan, number="10", title="Investigate", order=3),
        name="Cases closed",
        owner_office=hsi,
    )
    removals = MetricFactory(
        element=PlanElementFactory(plan=plan, number="2", title="Remove", order=2),
        name="Removals completed",
        unit_label="aliens",
        owner_office=ero,
    )
    beds = MetricFactory(
        element=PlanElementFactory(plan=plan, number="1", title="Keep detention safe", order=1),
        name="Bed occupancy",
        unit=Metric.Unit.PERCENT,
        direction=Metric.Direction.RANGE,
        frequency=Metric.Frequency.ANNUAL,
        owner_office=ero,
    )
    dhs_plan = PlanFactory(title="DHS Strategic Plan", slug="dhs-plan", owner=offices["DHS"])
    threats = MetricFactory(
        element=PlanElementFactory(plan=dhs_plan, number="1", title="Secure the homeland"),
        name="Threats shared",
        owner_office=ero,
    )
    value(cases, 1, "40.0000")
    value(removals, None, "1200")
    value(
        removals,
        2,
        None,
        status=Status.SUBMITTED,
        not_available=True,
        not_available_reason="System outage",
        explanation="Back next quarter.",
    )
    value(removals, 1, "300")
    value(beds, None, "92.5", status=Status.DRAFT)
    value(threats, 1, "7", status=Status.DRAFT)
    Measurement.objects.create(metric=removals, fiscal_year=2024, quarter=4, value=Decimal(1))
    Target.objects.create(metric=removals, fiscal_year=2025, quarter=1, value=Decimal(250))
    Target.objects.create(metric=removals, fiscal_year=2025, value=Decimal("1000.0000"))
    Target.objects.create(
        metric=beds, fiscal_year=2025, min_value=Decimal(85), max_value=Decimal(95)
    )


def export_csv(*args: str) -> list[list[str]]:
    out = io.StringIO()
    call_command("export_values", "--fiscal-year", "2025", *args, stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_csv_has_one_row_per_value_of_the_year_in_plan_element_metric_period_order(
    dataset: None,
) -> None:
    assert export_csv("--format", "csv") == [HEADER, *ROWS]


def test_csv_can_be_written_to_a_file(dataset: None, tmp_path: Path) -> None:
    path = tmp_path / "values.csv"

    out = export_csv("--output", str(path))

    assert out == [[f"Wrote 6 value(s) of FY2025 to {path}."]]
    with path.open(newline="", encoding="utf-8") as stream:
        assert list(csv.reader(stream)) == [HEADER, *ROWS]


def test_xlsx_has_a_bold_header_and_numbers_as_numbers(dataset: None, tmp_path: Path) -> None:
    path = tmp_path / "values.xlsx"

    export_csv("--format", "xlsx", "--output", str(path))

    sheet = load_workbook(path).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    assert sheet["A1"].font.bold
    assert rows[3][5:8] == [250, 300, "Count (aliens)"]
    assert rows[2][5:7] == ["85 to 95", 92.5]
    assert rows[4][6] is None
    assert [row[4] for row in rows[1:]] == [row[4] for row in ROWS]


def test_plan_filter_keeps_only_that_plans_values(dataset: None) -> None:
    assert export_csv("--plan", "dhs-plan") == [HEADER, ROWS[0]]


def test_office_filter_keeps_only_the_metrics_that_office_owns(dataset: None) -> None:
    assert export_csv("--office", "HSI") == [HEADER, ROWS[-1]]


def test_year_without_values_gives_only_the_header(dataset: None) -> None:
    out = io.StringIO()
    call_command("export_values", "--fiscal-year", "2023", stdout=out)
    assert out.getvalue().splitlines() == [",".join(COLUMNS)]


def test_unknown_plan_is_refused_by_name(dataset: None) -> None:
    with pytest.raises(CommandError, match="No plan with slug 'nope'"):
        export_csv("--plan", "nope")


def test_unknown_office_is_refused_by_code(dataset: None) -> None:
    with pytest.raises(CommandError, match="No office with code 'XYZ'"):
        export_csv("--office", "XYZ")


def test_xlsx_needs_an_output_file(dataset: None) -> None:
    with pytest.raises(CommandError, match="--output"):
        export_csv("--format", "xlsx")


def test_text_that_looks_like_a_formula_is_kept_as_text(
    plan: Plan, offices: dict[str, Office], tmp_path: Path
) -> None:
    metric = MetricFactory(element=PlanElementFactory(plan=plan), owner_office=offices["ERO"])
    value(metric, 1, "1", explanation='=HYPERLINK("http://evil.example")')
    path = tmp_path / "values.xlsx"

    rows = export_csv()
    export_csv("--format", "xlsx", "--output", str(path))

    assert rows[1][-1] == '\'=HYPERLINK("http://evil.example")'
    cell = load_workbook(path).active["J2"]
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://evil.example")')


def test_query_count_does_not_grow_with_the_number_of_values(
    plan: Plan, offices: dict[str, Office]
) -> None:
    def add_values(count: int) -> None:
        for _ in range(count):
            metric = MetricFactory(
                element=PlanElementFactory(plan=plan), owner_office=offices["ERO"]
            )
            value(metric, 1, "5")
            Target.objects.create(metric=metric, fiscal_year=2025, quarter=1, value=Decimal(4))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = export_csv("--plan", plan.slug)
        return len(captured), len(rows) - 1

    add_values(5)
    small = queries()
    add_values(45)
    large = queries()

    assert (small[1], large[1]) == (5, 50)
    assert small[0] == large[0] <= 4


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        (["10", "2", "1"], ["1", "2", "10"]),
        (["1.10", "1.9", "1.2.1"], ["1.2.1", "1.9", "1.10"]),
        (["2.a", "2.1"], ["2.1", "2.a"]),
    ],
)
def test_element_numbers_sort_by_their_numeric_parts(
    numbers: list[str], expected: list[str]
) -> None:
    assert sorted(numbers, key=number_key) == expected


def test_not_available_reason_is_not_doubled_when_it_ends_with_a_full_stop() -> None:
    measurement = Measurement(not_available=True, not_available_reason="Source down.")
    assert explanation_text(measurement) == "Not available: Source down."


def test_milestone_value_is_its_status_and_date() -> None:
    metric = Metric(kind=Metric.Kind.MILESTONE)
    measurement = Measurement(milestone_status="done", milestone_date=date(2025, 3, 1))
    assert value_cell(measurement, metric) == "Done on 2025-03-01"
