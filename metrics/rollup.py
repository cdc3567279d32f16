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
    """A named tuple: immutable, and cheap to make by the thousand (reports/tva.py)."""

    quarter: int
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


BY_QUARTER = itemgetter(0)  # QuarterValue.quarter, without a Python call per item


def fiscal_year_value(aggregation: str, quarters: list[QuarterValue]) -> Decimal | None:
    """None when no quarter has a value."""
    reported = sorted([q for q in quarters if q.value is not None], key=BY_QUARTER)
    if not reported:
        return None
    fractions = [q for q in reported if q.denominator]
    if fractions and len(fractions) == len(reported):
        return _pooled_percentage(aggregation, fractions)
    values = [q.value for q in reported]
    if aggregation in ("sum", "cumulative"):
        return sum(values, Decimal(0))
    if aggregation == "average":
        return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.0001"))
    return values[-1]  # latest


def _pooled_percentage(aggregation: str, quarters: list[QuarterValue]) -> Decimal:
    if aggregation == "latest":
        last = quarters[-1]
        return percentage(last.numerator or Decimal(0), last.denominator)
    numerator = sum((q.numerator or Decimal(0) for q in quarters), Decimal(0))
    denominator = sum((q.denominator for q in quarters), Decimal(0))
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
