"""How numbers are written for people: thousands separators, no trailing zeros, no exponent."""

from __future__ import annotations

from decimal import Decimal


def plain_decimal(value: Decimal) -> str:
    """1500.0000 -> "1,500"; Decimal("-0.50") -> "-0.5"; 1E+3 -> "1,000"."""
    text = format(abs(value).normalize(), "f")
    whole, _, fraction = text.partition(".")
    sign = "-" if value < 0 else ""
    return f"{sign}{int(whole):,}" + (f".{fraction}" if fraction else "")


def format_value(value: Decimal | None, unit: str) -> str:
    """A value in its unit for people: 185884 count -> "185,884"; 96 percent -> "96%";
    1800000000 dollars -> "$1,800,000,000"; None -> ""."""
    if value is None:
        return ""
    text = plain_decimal(value)
    if unit == "percent":
        return f"{text}%"
    if unit == "dollars":
        return f"-${text[1:]}" if text.startswith("-") else f"${text}"
    if unit in ("pounds", "days", "hours"):
        return f"{text} {unit}"
    return text
