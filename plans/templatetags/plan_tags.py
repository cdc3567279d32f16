"""Template filters for plans: counts of levels in the plan's own words."""

from __future__ import annotations

from decimal import Decimal

from django import template

from plans.formatting import format_value, plain_decimal
from plans.hierarchy import plural

register = template.Library()


@register.filter
def level_count(count: int, name: str) -> str:
    """`{{ 5|level_count:"Goal" }}` -> "5 goals"; 1 -> "1 goal"."""
    word = name if count == 1 else plural(name)
    return f"{count} {word.lower()}"


@register.filter(name="plain_decimal")
def plain_decimal_filter(value: Decimal) -> str:
    """`{{ metric.baseline_value|plain_decimal }}` -> "1,500"."""
    return plain_decimal(value)


@register.filter
def in_unit(value: Decimal | None, unit: str) -> str:
    """`{{ measurement.value|in_unit:metric.unit }}` -> "96%", "$1,234", "6,105 pounds"."""
    return format_value(value, unit)
