"""Reading and checking reported values by the metric's unit. Pure: no database.

The entry form, the spreadsheet upload and the API all turn text into numbers here, so
"12.5%", "$1,234.50" and "1,234" mean the same thing wherever they are typed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from plans.formatting import plain_decimal

# Messages shown next to the field; kept as constants so tests and templates agree.
NOT_A_NUMBER = "Enter a number, like 1,234 or 12.5."
WHOLE_NUMBER = "A count is a whole number."
TOO_LOW = "The value cannot be below {limit}."
TOO_HIGH = "The value cannot be above {limit}."
PERCENT_RANGE = "A percentage is between {low} and {high}."
DENOMINATOR_ZERO = "The denominator must be more than zero."
NUMERATOR_ABOVE = "The numerator cannot be more than the denominator."

# Strips what people type around a number: currency, thousands separators, units.
NUMBER_NOISE = re.compile(r"[\s,$%]")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
CHANGE_THRESHOLD = Decimal("0.5")  # a move of more than 50% needs an explanation


def parse_number(text: str) -> Decimal:
    """ "1,234" -> 1234, "12.5%" -> 12.5, "$1,234.50" -> 1234.50, "(12)" -> -12.

    Raises ValueError(NOT_A_NUMBER) for anything else.
    """
    cleaned = NUMBER_NOISE.sub("", text.strip())
    if cleaned.startswith("(") and cleaned.endswith(")"):  # accounting negative
        cleaned = "-" + cleaned[1:-1]
    if not NUMBER.match(cleaned):
        raise ValueError(NOT_A_NUMBER)
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(NOT_A_NUMBER) from None


def default_limits(unit: str) -> tuple[Decimal | None, Decimal | None]:
    """The range a unit allows unless the metric says otherwise."""
    if unit == "percent":
        return Decimal(0), Decimal(100)
    return Decimal(0), None


def check_value(
    value: Decimal,
    *,
    unit: str,
    allowed_min: Decimal | None = None,
    allowed_max: Decimal | None = None,
) -> str | None:
    """The error message for a value its metric does not accept, or None."""
    low, high = default_limits(unit)
    low = allowed_min if allowed_min is not None else low
    high = allowed_max if allowed_max is not None else high
    if unit in ("count", "events") and value != value.to_integral_value():
        return WHOLE_NUMBER
    if unit == "percent" and low is not None and high is not None and not low <= value <= high:
        return PERCENT_RANGE.format(low=plain_decimal(low), high=plain_decimal(high))
    if low is not None and value < low:
        return TOO_LOW.format(limit=plain_decimal(low))
    if high is not None and value > high:
        return TOO_HIGH.format(limit=plain_decimal(high))
    return None


def percentage(numerator: Decimal, denominator: Decimal) -> Decimal:
    """Percent points, to four decimals: 3 of 12 -> 25.0000."""
    return (numerator * 100 / denominator).quantize(Decimal("0.0001"))


def check_fraction(numerator: Decimal, denominator: Decimal) -> str | None:
    if denominator <= 0:
        return DENOMINATOR_ZERO
    if numerator > denominator:
        return NUMERATOR_ABOVE
    return None


def misses_target(
    value: Decimal,
    *,
    direction: str,
    target: Decimal | None = None,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
) -> bool:
    """True when the value falls short of its target given the metric's direction."""
    if direction == "range":
        return (min_value is not None and value < min_value) or (
            max_value is not None and value > max_value
        )
    if target is None:
        return False
    return value < target if direction == "increase" else value > target


def moved_sharply(value: Decimal, previous: Decimal | None) -> bool:
    """True when the value moved more than 50% from the previous quarter's."""
    if previous is None:
        return False
    if previous == 0:
        return value != 0
    return abs(value - previous) / abs(previous) > CHANGE_THRESHOLD
