"""How numbers are written for people: thousands separators, no trailing zeros, no exponent."""

from __future__ import annotations

from decimal import Decimal


def plain_decimal(value: Decimal) -> str:
    """1500.0000 -> "1,500"; Decimal("-0.50") -> "-0.5"; 1E+3 -> "1,000"."""
    text = format(abs(value).normalize(), "f")
    whole, _, fraction = text.partition(".")
    sign = "-" if value < 0 else ""
    return f"{sign}{int(whole):,}" + (f".{fraction}" if fraction else "")
