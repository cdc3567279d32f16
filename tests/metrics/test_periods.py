"""The federal fiscal year and its quarters (metrics/periods.py). Pure: no database."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from metrics.periods import FiscalQuarter, FiscalYear, parse_period


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2020, 10, 1), date(2020, 12, 31)),
        (2, date(2021, 1, 1), date(2021, 3, 31)),
        (3, date(2021, 4, 1), date(2021, 6, 30)),
        (4, date(2021, 7, 1), date(2021, 9, 30)),
    ],
)
def test_fiscal_quarter_runs_from_its_first_to_its_last_day(
    quarter: int, start: date, end: date
) -> None:
    period = FiscalQuarter(2021, quarter)

    assert (period.start, period.end) == (start, end)


def test_fiscal_quarter_two_of_a_leap_year_ends_on_march_31() -> None:
    assert FiscalQuarter(2024, 2).end == date(2024, 3, 31)


@pytest.mark.parametrize(
    ("year", "start", "end"),
    [
        (2021, date(2020, 10, 1), date(2021, 9, 30)),
        (2020, date(2019, 10, 1), date(2020, 9, 30)),
        (2000, date(1999, 10, 1), date(2000, 9, 30)),
    ],
)
def test_fiscal_year_runs_from_october_1_to_september_30(year: int, start: date, end: date) -> None:
    period = FiscalYear(year)

    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (FiscalQuarter(2021, 1), "FY2021 Q1"),
        (FiscalQuarter(2026, 4), "FY2026 Q4"),
        (FiscalYear(2021), "FY2021"),
    ],
)
def test_period_label_and_str_name_the_fiscal_year_and_quarter(
    period: FiscalQuarter | FiscalYear, label: str
) -> None:
    assert period.label == label
    assert str(period) == label


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 10, 1), FiscalQuarter(2021, 1)),
        (date(2020, 12, 31), FiscalQuarter(2021, 1)),
        (date(2021, 1, 1), FiscalQuarter(2021, 2)),
        (date(2021, 3, 31), FiscalQuarter(2021, 2)),
        (date(2021, 4, 1), FiscalQuarter(2021, 3)),
        (date(2021, 6, 30), FiscalQuarter(2021, 3)),
        (date(2021, 7, 1), FiscalQuarter(2021, 4)),
        (date(2021, 9, 30), FiscalQuarter(2021, 4)),
        (date(2021, 10, 1), FiscalQuarter(2022, 1)),
    ],
)
def test_fiscal_quarter_from_date_finds_the_quarter_holding_the_day(
    day: date, expected: FiscalQuarter
) -> None:
    assert FiscalQuarter.from_date(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 9, 30), FiscalYear(2020)),
        (date(2020, 10, 1), FiscalYear(2021)),
        (date(2021, 1, 1), FiscalYear(2021)),
        (date(2021, 9, 30), FiscalYear(2021)),
    ],
)
def test_fiscal_year_from_date_starts_a_new_year_on_october_1(
    day: date, expected: FiscalYear
) -> None:
    assert FiscalYear.from_date(day) == expected


@pytest.mark.parametrize(
    ("period", "previous", "following"),
    [
        (FiscalQuarter(2021, 1), FiscalQuarter(2020, 4), FiscalQuarter(2021, 2)),
        (FiscalQuarter(2021, 2), FiscalQuarter(2021, 1), FiscalQuarter(2021, 3)),
        (FiscalQuarter(2021, 4), FiscalQuarter(2021, 3), FiscalQuarter(2022, 1)),
        (FiscalYear(2021), FiscalYear(2020), FiscalYear(2022)),
    ],
)
def test_previous_and_next_step_one_period_across_year_boundaries(
    period: FiscalQuarter | FiscalYear,
    previous: FiscalQuarter | FiscalYear,
    following: FiscalQuarter | FiscalYear,
) -> None:
    assert period.previous() == previous
    assert period.next() == following


@pytest.mark.parametrize(
    ("period", "count", "expected"),
    [
        (
            FiscalQuarter(2021, 2),
            4,
            [
                FiscalQuarter(2020, 2),
                FiscalQuarter(2020, 3),
                FiscalQuarter(2020, 4),
                FiscalQuarter(2021, 1),
            ],
        ),
        (FiscalQuarter(2021, 1), 1, [FiscalQuarter(2020, 4)]),
        (FiscalQuarter(2021, 1), 0, []),
    ],
)
def test_last_lists_the_quarters_before_oldest_first_leaving_this_one_out(
    period: FiscalQuarter, count: int, expected: list[FiscalQuarter]
) -> None:
    assert period.last(count) == expected


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2020, 9, 30), False),
        (date(2020, 10, 1), True),
        (date(2020, 11, 15), True),
        (date(2020, 12, 31), True),
        (date(2021, 1, 1), False),
    ],
)
def test_contains_includes_the_first_and_last_day_of_the_quarter(day: date, inside: bool) -> None:
    assert FiscalQuarter(2021, 1).contains(day) is inside


def test_fiscal_year_lists_its_four_quarters_in_order() -> None:
    assert FiscalYear(2021).quarters() == [FiscalQuarter(2021, q) for q in (1, 2, 3, 4)]


def test_fiscal_quarter_knows_its_fiscal_year() -> None:
    assert FiscalQuarter(2021, 3).year == FiscalYear(2021)


def test_periods_sort_in_time_order() -> None:
    periods = [FiscalQuarter(2022, 1), FiscalQuarter(2021, 4), FiscalQuarter(2021, 1)]

    assert sorted(periods) == [
        FiscalQuarter(2021, 1),
        FiscalQuarter(2021, 4),
        FiscalQuarter(2022, 1),
    ]


def test_periods_are_frozen_and_hashable() -> None:
    period = FiscalQuarter(2021, 1)

    with pytest.raises(dataclasses.FrozenInstanceError):
        period.quarter = 2  # type: ignore[misc]
    assert {period, FiscalQuarter(2021, 1)} == {period}


def test_last_quarter_of_the_latest_plausible_year_knows_its_end() -> None:
    """FY2200 Q4 is a valid quarter; its end must not depend on FY2201 existing."""
    assert FiscalQuarter(2200, 4).end == date(2200, 9, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FY2021", FiscalYear(2021)),
        ("FY2021 Q1", FiscalQuarter(2021, 1)),
        ("fy2021 q4", FiscalQuarter(2021, 4)),
        ("FY 2021 Q2", FiscalQuarter(2021, 2)),
        ("FY2021Q3", FiscalQuarter(2021, 3)),
        ("  FY2026 Q4  ", FiscalQuarter(2026, 4)),
    ],
)
def test_parse_period_reads_a_fiscal_year_or_quarter_label(
    text: str, expected: FiscalYear | FiscalQuarter
) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "2021", "2021 Q1", "FY21", "FY2021 Q5", "FY2021 Q0", "FY2021-Q1", "Q1 FY2021", "FY1800"],
)
def test_parse_period_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a (period|plausible fiscal year)"):
        parse_period(text)


def test_parse_period_error_shows_the_expected_form() -> None:
    with pytest.raises(ValueError, match=r'"FY21" is not a period like FY2021 or FY2021 Q1'):
        parse_period("FY21")


@pytest.mark.parametrize(
    ("fiscal_year", "quarter", "message"),
    [
        (2021, 0, "quarter must be 1 to 4, not 0"),
        (2021, 5, "quarter must be 1 to 4, not 5"),
        (1899, 1, "1899 is not a plausible fiscal year"),
        (2201, 1, "2201 is not a plausible fiscal year"),
    ],
)
def test_fiscal_quarter_refuses_impossible_values(
    fiscal_year: int, quarter: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        FiscalQuarter(fiscal_year, quarter)


@pytest.mark.parametrize("year", [1899, 2201, 21])
def test_fiscal_year_refuses_implausible_years(year: int) -> None:
    with pytest.raises(ValueError, match="is not a plausible fiscal year"):
        FiscalYear(year)
