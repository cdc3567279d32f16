"""A quarterly metric's fiscal-year value, by its aggregation rule. Pure: no database.

sum: the quarters added up; latest: the last quarter reported; average: the mean of the
quarters reported; cumulative: the quarters added up too, the difference being that its
status compares the running total with the running target (reports/status.py). A
percentage adds up its numerators and denominators (never averages the percentages), and
takes the last quarter's fraction when its rule is latest.
"""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter
from typing import NamedTuple

from metrics.values import percentage


class QuarterValue(NamedTuple):
    """A named tuple: immutable, and cheap to make by the thousand. The functions below read
    it by position, so that a plain tuple of the same shape does as well (reports/tva.py
    passes those: 20,000 of them at 1,000 metrics)."""

    quarter: int
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


QUARTER, VALUE, NUMERATOR, DENOMINATOR = 0, 1, 2, 3
BY_QUARTER = itemgetter(QUARTER)  # without a Python call per item
ADDED_UP = frozenset({"sum", "cumulative"})
ZERO = Decimal(0)
FOUR_PLACES = Decimal("0.0001")


def fiscal_year_value(aggregation: str, quarters: list[QuarterValue]) -> Decimal | None:
    """None when no quarter has a value."""
    reported = [q for q in quarters if q[VALUE] is not None]
    if not reported:
        return None
    reported.sort(key=BY_QUARTER)
    for quarter in reported:
        if not quarter[DENOMINATOR]:
            break
    else:  # every quarter reported has its fraction
        return _pooled_percentage(aggregation, reported)
    values = [q[VALUE] for q in reported]
    if aggregation in ADDED_UP:
        return sum(values, ZERO)
    if aggregation == "average":
        return (sum(values, ZERO) / len(values)).quantize(FOUR_PLACES)
    return values[-1]  # latest


def _pooled_percentage(aggregation: str, quarters: list[QuarterValue]) -> Decimal:
    if aggregation == "latest":
        last = quarters[-1]
        return percentage(last[NUMERATOR] or ZERO, last[DENOMINATOR])
    numerator = sum((q[NUMERATOR] or ZERO for q in quarters), ZERO)
    denominator = sum((q[DENOMINATOR] for q in quarters), ZERO)
    return percentage(numerator, denominator)


def fiscal_year_values(aggregation: str, rows: list) -> list[tuple[int, Decimal | None, int]]:
    """(fiscal year, value, quarters counted) from quarterly rows with `fiscal_year`,
    `quarter`, `value`, `numerator` and `denominator`, oldest year first."""
    by_year: dict[int, list[QuarterValue]] = {}
    for row in rows:
        if row.quarter is not None:
            by_year.setdefault(row.fiscal_year, []).append(
                QuarterValue(row.quarter, row.value, row.numerator, row.denominator)
            )
    return [
        (year, fiscal_year_value(aggregation, quarters), len(quarters))
        for year, quarters in sorted(by_year.items())
    ]
