"""Template filters for plans: counts of levels in the plan's own words."""

from __future__ import annotations

from decimal import Decimal

from django import template

from plans.hierarchy import plural

register = template.Library()


@register.filter
def level_count(count: int, name: str) -> str:
    """`{{ 5|level_count:"Goal" }}` -> "5 goals"; 1 -> "1 goal"."""
    word = name if count == 1 else plural(name)
    return f"{count} {word.lower()}"


@register.filter
def plain_decimal(value: Decimal) -> str:
    """A stored decimal without trailing zeros or exponent: 1500.0000 -> "1,500"."""
    text = format(abs(value).normalize(), "f")
    whole, _, fraction = text.partition(".")
    sign = "-" if value < 0 else ""
    return f"{sign}{int(whole):,}" + (f".{fraction}" if fraction else "")
