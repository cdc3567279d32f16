"""The federal fiscal year and its quarters, as value objects used everywhere.

The federal fiscal year starts on 1 October: FY2021 runs from 1 October 2020 to
30 September 2021, and FY2021 Q1 from 1 October to 31 December 2020. Every piece of code
that needs a period goes through these classes, so that quarter arithmetic lives in one
place. Pure: no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

FIRST_MONTH = 10  # October
QUARTERS = (1, 2, 3, 4)
LABEL = re.compile(r"^\s*FY\s*(\d{4})(?:\s*Q([1-4]))?\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class FiscalYear:
    year: int

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 2200:
            raise ValueError(f"{self.year} is not a plausible fiscal year")

    @classmethod
    def from_date(cls, day: date) -> FiscalYear:
        return cls(day.year + 1 if day.month >= FIRST_MONTH else day.year)

    @property
    def start(self) -> date:
        return date(self.year - 1, FIRST_MONTH, 1)

    @property
    def end(self) -> date:
        return date(self.year, FIRST_MONTH - 1, 30)

    @property
    def label(self) -> str:
        return f"FY{self.year}"

    def quarters(self) -> list[FiscalQuarter]:
        return [FiscalQuarter(self.year, quarter) for quarter in QUARTERS]

    def previous(self) -> FiscalYear:
        return FiscalYear(self.year - 1)

    def next(self) -> FiscalYear:
        return FiscalYear(self.year + 1)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    fiscal_year: int
    quarter: int

    def __post_init__(self) -> None:
        FiscalYear(self.fiscal_year)  # validates the year
        if self.quarter not in QUARTERS:
            raise ValueError(f"quarter must be 1 to 4, not {self.quarter}")

    @classmethod
    def from_date(cls, day: date) -> FiscalQuarter:
        months_in = (day.month - FIRST_MONTH) % 12
        return cls(FiscalYear.from_date(day).year, months_in // 3 + 1)

    @property
    def year(self) -> FiscalYear:
        return FiscalYear(self.fiscal_year)

    @property
    def start(self) -> date:
        month = (FIRST_MONTH - 1 + 3 * (self.quarter - 1)) % 12 + 1
        calendar_year = self.fiscal_year - 1 if month >= FIRST_MONTH else self.fiscal_year
        return date(calendar_year, month, 1)

    @property
    def end(self) -> date:
        if self.quarter == 4:
            return FiscalYear(self.fiscal_year).end
        following = FiscalQuarter(self.fiscal_year, self.quarter + 1).start
        return date.fromordinal(following.toordinal() - 1)

    @property
    def label(self) -> str:
        return f"FY{self.fiscal_year} Q{self.quarter}"

    def previous(self) -> FiscalQuarter:
        if self.quarter == 1:
            return FiscalQuarter(self.fiscal_year - 1, 4)
        return FiscalQuarter(self.fiscal_year, self.quarter - 1)

    def next(self) -> FiscalQuarter:
        if self.quarter == 4:
            return FiscalQuarter(self.fiscal_year + 1, 1)
        return FiscalQuarter(self.fiscal_year, self.quarter + 1)

    def last(self, count: int) -> list[FiscalQuarter]:
        """The `count` quarters before this one, oldest first (this one excluded)."""
        quarters: list[FiscalQuarter] = []
        current = self
        for _ in range(count):
            current = current.previous()
            quarters.insert(0, current)
        return quarters

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label


def parse_period(text: str) -> FiscalYear | FiscalQuarter:
    """ "FY2021" -> FiscalYear(2021); "FY2021 Q1" -> FiscalQuarter(2021, 1)."""
    match = LABEL.match(text)
    if not match:
        raise ValueError(f'"{text}" is not a period like FY2021 or FY2021 Q1')
    year, quarter = int(match[1]), match[2]
    return FiscalQuarter(year, int(quarter)) if quarter else FiscalYear(year)
