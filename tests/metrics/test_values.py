"""Reading and checking reported values by unit (metrics/values.py). Pure: no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from metrics.values import (
    DENOMINATOR_ZERO,
    NOT_A_NUMBER,
    NUMERATOR_ABOVE,
    WHOLE_NUMBER,
    check_fraction,
    check_value,
    misses_target,
    moved_sharply,
    parse_number,
    percentage,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1,234", D("1234")),
        ("12.5%", D("12.5")),
        ("$1,234.50", D("1234.50")),
        ("(12)", D("-12")),
        ("$(1,000)", D("-1000")),
        (" 7 ", D("7")),
        ("-3", D("-3")),
        ("+4", D("4")),
        (".5", D("0.5")),
        ("5.", D("5")),
        ("0", D("0")),
        ("1 234 567", D("1234567")),
    ],
)
def test_parse_number_reads_what_people_type_around_a_number(text: str, number: Decimal) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "twelve", "1.2.3", "12 apples", "--1", "()", "(-12)", "(12", "1e5", "NaN"],
)
def test_parse_number_refuses_anything_that_is_not_a_number(text: str) -> None:
    with pytest.raises(ValueError, match=NOT_A_NUMBER):
        parse_number(text)


@pytest.mark.parametrize(
    ("value", "unit", "error"),
    [
        (D("3"), "count", None),
        (D("3.0000"), "count", None),
        (D("3.5"), "count", WHOLE_NUMBER),
        (D("0.5"), "events", WHOLE_NUMBER),
        (D("-1"), "count", "The value cannot be below 0."),
        (D("0"), "percent", None),
        (D("100"), "percent", None),
        (D("12.5"), "percent", None),
        (D("100.01"), "percent", "A percentage is between 0 and 100."),
        (D("-1"), "percent", "A percentage is between 0 and 100."),
        (D("1234.56"), "dollars", None),
        (D("-0.01"), "dollars", "The value cannot be below 0."),
        (D("6105.5"), "pounds", None),
        (D("2.5"), "days", None),
    ],
)
def test_check_value_applies_the_units_default_rules(
    value: Decimal, unit: str, error: str | None
) -> None:
    assert check_value(value, unit=unit) == error


@pytest.mark.parametrize(
    ("value", "unit", "allowed_min", "allowed_max", "error"),
    [
        (D("150"), "percent", None, D("200"), None),
        (D("250"), "percent", None, D("200"), "A percentage is between 0 and 200."),
        (D("-20"), "percent", D("-50"), None, None),
        (D("-60"), "percent", D("-50"), None, "A percentage is between -50 and 100."),
        (D("-500"), "dollars", D("-1000"), None, None),
        (D("-1500"), "dollars", D("-1000"), None, "The value cannot be below -1,000."),
        (D("-3"), "score", D("-5"), D("5"), None),
        (D("6"), "score", D("-5"), D("5"), "The value cannot be above 5."),
        (D("11"), "count", None, D("10"), "The value cannot be above 10."),
        (D("4"), "count", D("5"), None, "The value cannot be below 5."),
        (D("12.5"), "percent", D("10.5000"), D("20.2500"), None),
        (D("9"), "percent", D("10.5000"), D("20.2500"), "A percentage is between 10.5 and 20.25."),
    ],
)
def test_check_value_uses_the_metrics_allowed_range_over_the_units_default(
    value: Decimal,
    unit: str,
    allowed_min: Decimal | None,
    allowed_max: Decimal | None,
    error: str | None,
) -> None:
    assert check_value(value, unit=unit, allowed_min=allowed_min, allowed_max=allowed_max) == error


def test_check_value_says_a_count_must_be_whole_before_checking_its_range() -> None:
    assert check_value(D("-1.5"), unit="count") == WHOLE_NUMBER


@pytest.mark.parametrize(
    ("numerator", "denominator", "error"),
    [
        (D("3"), D("12"), None),
        (D("12"), D("12"), None),
        (D("0"), D("12"), None),
        (D("13"), D("12"), NUMERATOR_ABOVE),
        (D("0"), D("0"), DENOMINATOR_ZERO),
        (D("1"), D("-4"), DENOMINATOR_ZERO),
    ],
)
def test_check_fraction_needs_a_positive_denominator_no_smaller_than_the_numerator(
    numerator: Decimal, denominator: Decimal, error: str | None
) -> None:
    assert check_fraction(numerator, denominator) == error


@pytest.mark.parametrize(
    ("numerator", "denominator", "percent"),
    [
        (D("3"), D("12"), D("25.0000")),
        (D("1"), D("3"), D("33.3333")),
        (D("2"), D("3"), D("66.6667")),
        (D("12"), D("12"), D("100.0000")),
        (D("0"), D("7"), D("0.0000")),
    ],
)
def test_percentage_is_in_percent_points_to_four_decimals(
    numerator: Decimal, denominator: Decimal, percent: Decimal
) -> None:
    result = percentage(numerator, denominator)

    assert result == percent
    assert result.as_tuple().exponent == -4


@pytest.mark.parametrize(
    ("value", "direction", "target", "misses"),
    [
        (D("90"), "increase", D("100"), True),
        (D("100"), "increase", D("100"), False),
        (D("110"), "increase", D("100"), False),
        (D("110"), "decrease", D("100"), True),
        (D("100"), "decrease", D("100"), False),
        (D("90"), "decrease", D("100"), False),
        (D("0"), "increase", None, False),
        (D("1000"), "decrease", None, False),
    ],
)
def test_misses_target_follows_the_metrics_direction(
    value: Decimal, direction: str, target: Decimal | None, misses: bool
) -> None:
    assert misses_target(value, direction=direction, target=target) is misses


@pytest.mark.parametrize(
    ("value", "min_value", "max_value", "misses"),
    [
        (D("5"), D("10"), D("20"), True),
        (D("10"), D("10"), D("20"), False),
        (D("15"), D("10"), D("20"), False),
        (D("20"), D("10"), D("20"), False),
        (D("25"), D("10"), D("20"), True),
        (D("5"), D("10"), None, True),
        (D("500"), D("10"), None, False),
        (D("25"), None, D("20"), True),
        (D("-5"), None, D("20"), False),
        (D("99"), None, None, False),
    ],
)
def test_misses_target_of_a_range_means_falling_outside_it(
    value: Decimal, min_value: Decimal | None, max_value: Decimal | None, misses: bool
) -> None:
    result = misses_target(value, direction="range", min_value=min_value, max_value=max_value)

    assert result is misses


@pytest.mark.parametrize(
    ("value", "previous", "sharp"),
    [
        (D("100"), None, False),
        (D("0"), D("0"), False),
        (D("5"), D("0"), True),
        (D("150"), D("100"), False),
        (D("150.01"), D("100"), True),
        (D("50"), D("100"), False),
        (D("49.99"), D("100"), True),
        (D("100"), D("100"), False),
        (D("0"), D("100"), True),
        (D("-160"), D("-100"), True),
        (D("-140"), D("-100"), False),
    ],
)
def test_moved_sharply_means_more_than_fifty_percent_either_way(
    value: Decimal, previous: Decimal | None, sharp: bool
) -> None:
    assert moved_sharply(value, previous) is sharp
