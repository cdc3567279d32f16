"""Reading the cells of a measures spreadsheet: blanks, numbers, fiscal years and
quarters, units and directions, however a file spells them. Pure: no database. Used by
`measures_import` (reading) and `measures_export` (writing units back the same way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from metrics.exports import FORMULA_START
from metrics.periods import FiscalYear
from metrics.values import parse_number

# Cells that mean "no value": "n/a", "TBD", a lone dash.
PLACEHOLDERS = {"", "na", "nan", "tbd", "none", "null", "notavailable"}
YEAR = re.compile(
    r"^(?:fy|fiscal\s*year)?\s*'?(?P<year>\d{4}|\d{2})(?:\.0+)?"
    r"(?:\s*[-/ ]?\s*q(?:uarter|tr)?\s*(?P<quarter>[1-4]))?$"
)
QUARTER = re.compile(r"^(?:fy\s*'?\d{2,4}\s*[-/ ]?\s*)?(?:q|qtr|quarter)?\s*(?P<q>[1-4])(?:\.0+)?$")
WHOLE_YEAR = {"annual", "fy", "fullyear", "year", "total", "all", "fiscalyear"}

# Units -------------------------------------------------------------------------------------

UNIT_NAMES = {
    "count": ("count", "raw count", "number", "numeric", "#", "total", "whole number", "integer"),
    "percent": ("percent", "percentage", "%", "pct", "per cent"),
    "dollars": ("dollars", "dollar", "$", "usd", "us dollars"),
    "pounds": ("pounds", "pound", "lbs", "lb"),
    "days": ("days", "day"),
    "hours": ("hours", "hour"),
    "score": ("score", "index", "points", "rating"),
    "events": ("events", "event"),
    "other": ("other",),
}
MAGNITUDES = {
    "thousand": 3,
    "thousands": 3,
    "million": 6,
    "millions": 6,
    "billion": 9,
    "billions": 9,
    "trillion": 12,
    "trillions": 12,
}
CURRENCY = {"$", "dollar", "dollars", "usd"}
SCALE = (
    re.compile(r"^(\d+) point scale$"),
    re.compile(r"^scale (?:of )?1 (?:to )?(\d+)$"),
    re.compile(r"^1 (?:to )?(\d+) (?:point )?scale$"),
)
UNIT_WITH_LABEL = re.compile(r"^(?P<base>[^()]*?)\s*\((?P<label>[^()]*)\)$")
LABEL_LENGTH = 50  # Metric.unit_label's max_length
PERCENT_MAX = Decimal(100)


@dataclass(frozen=True)
class UnitReading:
    """What a Unit cell says: the metric's unit, a label for what the number counts, whether
    it adds up over time, what to multiply by (dollars in billions) and a declared scale."""

    unit: str
    label: str = ""
    cumulative: bool = False
    multiplier: Decimal = Decimal(1)
    scale_max: int | None = None

    @property
    def allowed_range(self) -> tuple[Decimal, Decimal] | None:
        return (Decimal(1), Decimal(self.scale_max)) if self.scale_max else None


def _unit_key(text: str) -> str:
    """ "Raw  Count" -> "raw count"; "5-point scale" -> "5 point scale"; "$" stays "$"."""
    return " ".join(re.findall(r"[a-z0-9]+|[%$#]", text.casefold()))


UNIT_WORDS = {_unit_key(name): unit for unit, names in UNIT_NAMES.items() for name in names}


def read_unit(text: str) -> UnitReading | None:
    """A Unit cell as a UnitReading; None when blank. Never fails: a unit it does not know
    is kept as "other" with the text as its label."""
    text = " ".join(text.split())
    if not text:
        return None
    cumulative = bool(re.match(r"(?i)^cumulative\b", text))
    rest = re.sub(r"(?i)^cumulative\b\s*(total\b)?\s*", "", text)
    reading = _labelled_unit(rest) or _plain_unit(rest) or UnitReading("other", text)
    if cumulative:
        return UnitReading(reading.unit, reading.label, True, reading.multiplier, reading.scale_max)
    return reading


def _labelled_unit(text: str) -> UnitReading | None:
    """ "Count (aliens)", "Score (5-point scale)", "Percentage (%)": a known unit with a
    label in brackets, as the values export writes it."""
    match = UNIT_WITH_LABEL.match(text)
    base = _plain_unit(match["base"]) if match else None
    if match is None or base is None:
        return None
    label = match["label"].strip()
    labelled = _plain_unit(label)
    if labelled == UnitReading(base.unit):
        return base  # "Percentage (%)": the brackets only repeat the unit
    scale = _scale(_unit_key(label))
    return UnitReading(base.unit, label[:LABEL_LENGTH], False, base.multiplier, scale)


def _plain_unit(text: str) -> UnitReading | None:
    key = _unit_key(text)
    if not key:
        return UnitReading("count") if not text.strip() else None
    if scale := _scale(key):
        return UnitReading("score", f"{scale}-point scale", scale_max=scale)
    words = set(key.split())
    magnitude = next((MAGNITUDES[w] for w in key.split() if w in MAGNITUDES), None)
    if magnitude is not None and words & CURRENCY:
        return UnitReading("dollars", multiplier=Decimal(10) ** magnitude)
    if magnitude is not None:
        return UnitReading("other", text.strip()[:LABEL_LENGTH])
    unit = UNIT_WORDS.get(key)
    return UnitReading(unit) if unit else None


def _scale(key: str) -> int | None:
    for pattern in SCALE:
        if (match := pattern.match(key)) and 1 < int(match[1]) <= 100:
            return int(match[1])
    return None


def unit_text(unit: str, label: str, *, cumulative: bool) -> str:
    """The Unit cell that reads back as this unit: "Cumulative Count (aliens)"."""
    text = unit.capitalize() + (f" ({label})" if label else "")
    return f"Cumulative {text}" if cumulative else text


# Directions --------------------------------------------------------------------------------

DIRECTION_NAMES = {
    "increase": "increase increasing up higher higherisbetter increaseisbetter maximize "
    "maximise more",
    "decrease": "decrease decreasing down lower lowerisbetter decreaseisbetter minimize "
    "minimise reduce less",
    "range": "range maintain withinrange staywithinrange staywithinarange stayinrange "
    "targetrange between stable",
}
DIRECTION_WORDS = {name: key for key, names in DIRECTION_NAMES.items() for name in names.split()}


def read_direction(text: str) -> str | None:
    """ "Increase" -> "increase"; "Within range" / "Maintain" -> "range"; blank -> None.
    Raises ValueError for anything else."""
    key = fold(text)
    if not key:
        return None
    if key in DIRECTION_WORDS:
        return DIRECTION_WORDS[key]
    if key.startswith(("increas", "higher", "maximi")):
        return "increase"
    if key.startswith(("decreas", "lower", "reduc", "minimi")):
        return "decrease"
    if "range" in key or "maintain" in key:
        return "range"
    raise ValueError(key)


# Text, numbers and periods -----------------------------------------------------------------


def fold(text: str) -> str:
    """The key that makes two spellings one name: case, spaces and punctuation ignored.
    "Strategic Objective 1.1: Secure the Border" == "strategic objective 11 secure the border"."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def clean_cell(text: str) -> str:
    """Surrounding spaces gone, and the apostrophe our exports put before text that would
    start a formula ("'-Reduce ...") taken off again."""
    text = text.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


@dataclass(frozen=True)
class Reading:
    """A number as written: `percent` when it carried a % sign ("3%" means 3)."""

    value: Decimal
    percent: bool = False


def read_number(text: str) -> Reading | None:
    """ "1,234" -> 1234; "3%" -> 3 (percent); "(12)" -> -12; "1.8E+09" -> 1800000000;
    blank, "n/a", "TBD", "-" -> None. Raises ValueError for anything else."""
    if fold(text) in PLACEHOLDERS:
        return None
    cleaned = text.replace("\u2212", "-")
    try:
        value = parse_number(cleaned)
    except ValueError:
        value = _exponent_number(cleaned)
    return Reading(value, "%" in cleaned)


def _exponent_number(text: str) -> Decimal:
    """What a spreadsheet writes for big numbers in CSV: "1.8E+09"."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def read_period(year_text: str, quarter_text: str) -> tuple[int | None, int | None]:
    """("FY2021", "Q2") -> (2021, 2); ("2021", "") -> (2021, None); ("FY21 Q3", "") ->
    (2021, 3). Raises ValueError("year") or ValueError("quarter") naming the bad cell."""
    quarter = _quarter(quarter_text)
    if not year_text:
        return None, quarter
    match = YEAR.match(year_text.casefold().strip())
    if match is None:
        raise ValueError("year")
    year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
    try:
        FiscalYear(year)
    except ValueError:
        raise ValueError("year") from None
    if match["quarter"] and quarter is None:
        quarter = int(match["quarter"])
    return year, quarter


def _quarter(text: str) -> int | None:
    if fold(text) in WHOLE_YEAR or not text:
        return None
    match = QUARTER.match(text.casefold().strip())
    if match is None:
        raise ValueError("quarter")
    return int(match["q"])


def period_label(fiscal_year: int, quarter: int | None) -> str:
    return f"FY{fiscal_year}" + (f" Q{quarter}" if quarter else "")
