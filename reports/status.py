"""Status rules: is a metric on track, at risk, off track, without data, or not yet due?

Pure: plain values in, a Status out; no database, no Django. The dashboard, the
targets-vs-actuals table, the metric page and the review packet all decide status here.

Numbers: on track when the actual meets the target; at risk when it misses by at most
`at_risk_percent` of |target| (a zero target has no margin); off track beyond. A range
judges a value outside it against the bound it crossed, with that bound's own margin, as
an increase or decrease target would. Percentages: percent points, from the numerator and
denominator when no value was given. Milestones, by the target's due date: done by then,
on track; done late, at risk; not done after it, off track; in progress before it, on
track; not started, at risk within MILESTONE_WARNING_DAYS of it, else on track.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from metrics.values import percentage

DEFAULT_AT_RISK_PERCENT = Decimal(10)
# A milestone not yet started this close to its due date is at risk.
MILESTONE_WARNING_DAYS = 30
SHARE_PLACES = Decimal("0.0001")
QUARTERS_IN_YEAR = 4


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NOT_YET_DUE = "not_yet_due"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.OFF_TRACK: "Off track",
    Status.NO_DATA: "No data",
    Status.NOT_YET_DUE: "Not yet due",
}
# Worst first: the order of the attention list and of stacked bars.
SEVERITY = [Status.OFF_TRACK, Status.AT_RISK, Status.NO_DATA, Status.ON_TRACK, Status.NOT_YET_DUE]


@dataclass(frozen=True, slots=True)
class Rule:
    """What of a metric the rules need (the values of plans.Metric's choices)."""

    direction: str  # "increase" | "decrease" | "range"
    aggregation: str  # "sum" | "latest" | "average" | "cumulative"
    kind: str = "numeric"  # "numeric" | "percentage" | "milestone"


@dataclass(frozen=True, slots=True)
class TargetValue:
    value: Decimal | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    due_date: date | None = None  # milestones


@dataclass(frozen=True, slots=True)
class ActualValue:
    """An approved value; `value` is in percent points for percentages."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    milestone_status: str = ""  # "not_started" | "in_progress" | "done"
    milestone_date: date | None = None
    not_available: bool = False


@dataclass(frozen=True, slots=True)
class QuarterInput:
    """One quarter of a metric for a year-to-date computation."""

    quarter: int
    actual: ActualValue | None
    target: TargetValue | None


def assess(
    rule: Rule,
    target: TargetValue | None,
    actual: ActualValue | None,
    *,
    due: date,
    today: date,
    at_risk_percent: Decimal = DEFAULT_AT_RISK_PERCENT,
) -> Status:
    """The status of one metric in one period.

    `due` is when the value is expected (the data call's due date, or the period's end);
    on or before it, a missing or not-available value is NOT_YET_DUE, after it NO_DATA. A
    metric with no target (or an unfinished milestone with no due date) but with a value is
    NO_DATA too: nothing to judge by. A done milestone with no due date is ON_TRACK.
    """
    if rule.kind == "milestone":
        return _assess_milestone(target, actual, due=due, today=today)
    value = _number(rule, actual)
    if value is None:
        return _missing(due, today)
    return _assess_number(rule.direction, target, value, at_risk_percent)


def _missing(due: date, today: date) -> Status:
    return Status.NOT_YET_DUE if today <= due else Status.NO_DATA


def _number(rule: Rule, actual: ActualValue | None) -> Decimal | None:
    """The value to judge; None when nothing usable was reported."""
    if actual is None or actual.not_available:
        return None
    numerator, denominator = actual.numerator, actual.denominator
    if actual.value is None and rule.kind == "percentage" and numerator is not None:
        return percentage(numerator, denominator) if denominator else None
    return actual.value


def _assess_number(
    direction: str, target: TargetValue | None, value: Decimal, at_risk_percent: Decimal
) -> Status:
    if target is None:
        return Status.NO_DATA
    if direction == "range":
        return _assess_range(target, value, at_risk_percent)
    if target.value is None:
        return Status.NO_DATA
    if direction == "increase":
        return _grade(target.value - value, target.value, at_risk_percent)
    if direction == "decrease":
        return _grade(value - target.value, target.value, at_risk_percent)
    raise ValueError(f"Unknown direction: {direction!r}")


def _assess_range(target: TargetValue, value: Decimal, at_risk_percent: Decimal) -> Status:
    low, high = target.min_value, target.max_value
    if low is None and high is None:
        return Status.NO_DATA
    if low is not None and value < low:
        return _grade(low - value, low, at_risk_percent)
    if high is not None and value > high:
        return _grade(value - high, high, at_risk_percent)
    return Status.ON_TRACK


def _grade(shortfall: Decimal, bound: Decimal, at_risk_percent: Decimal) -> Status:
    """How far the value misses `bound` by (zero or less: not at all), against the margin."""
    if shortfall <= 0:
        return Status.ON_TRACK
    if shortfall <= abs(bound) * at_risk_percent / 100:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _assess_milestone(
    target: TargetValue | None, actual: ActualValue | None, *, due: date, today: date
) -> Status:
    if actual is None or actual.not_available or not actual.milestone_status:
        return _missing(due, today)
    deadline = target.due_date if target else None
    if actual.milestone_status == "done":
        done_on = actual.milestone_date
        late = deadline is not None and done_on is not None and done_on > deadline
        return Status.AT_RISK if late else Status.ON_TRACK
    if deadline is None:
        return Status.NO_DATA
    if today > deadline:
        return Status.OFF_TRACK
    if actual.milestone_status == "in_progress":
        return Status.ON_TRACK
    near = (deadline - today).days <= MILESTONE_WARNING_DAYS
    return Status.AT_RISK if near else Status.ON_TRACK


def year_to_date(
    rule: Rule, quarters: list[QuarterInput], through: int
) -> tuple[ActualValue | None, TargetValue | None]:
    """For cumulative metrics: the actual and the target summed over quarters 1..through
    (percentages by numerators and denominators). A missing quarter's actual makes the
    year-to-date actual None; a missing quarterly target makes the target None. A range
    sums its minimums and its maximums separately. A percentage's target is a rate, which
    does not add up: the pooled rate meets quarter `through`'s target. A milestone does not
    accumulate: quarter `through`'s actual and target.
    """
    if not 1 <= through <= QUARTERS_IN_YEAR:
        raise ValueError(f"A fiscal year has quarters 1 to 4, not {through}.")
    by_number = {q.quarter: q for q in quarters}
    wanted = [by_number.get(n) for n in range(1, through + 1)]
    actuals = [q.actual if q else None for q in wanted]
    targets = [q.target if q else None for q in wanted]
    if rule.kind == "milestone":
        return actuals[-1], targets[-1]
    return _actual_to_date(rule, actuals), _target_to_date(rule, targets)


def _actual_to_date(rule: Rule, actuals: list[ActualValue | None]) -> ActualValue | None:
    reported = [a for a in actuals if a is not None and not a.not_available]
    if len(reported) < len(actuals):
        return None
    if rule.kind == "percentage":
        return _pooled(reported)
    value = _total([a.value for a in reported])
    return None if value is None else ActualValue(value=value)


def _pooled(actuals: list[ActualValue]) -> ActualValue | None:
    """Numerators and denominators added up; None when a quarter lacks its fraction."""
    numerator = _total([a.numerator for a in actuals])
    denominator = _total([a.denominator for a in actuals])
    if numerator is None or not denominator:
        return None
    value = percentage(numerator, denominator)
    return ActualValue(value=value, numerator=numerator, denominator=denominator)


def _target_to_date(rule: Rule, targets: list[TargetValue | None]) -> TargetValue | None:
    if rule.kind == "percentage":
        return targets[-1]
    if rule.direction == "range":
        low = _total([t.min_value if t else None for t in targets])
        high = _total([t.max_value if t else None for t in targets])
        return None if low is None and high is None else TargetValue(min_value=low, max_value=high)
    value = _total([t.value if t else None for t in targets])
    return None if value is None else TargetValue(value=value)


def _total(values: list[Decimal | None]) -> Decimal | None:
    """The sum, or None when any value is missing."""
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


@dataclass
class StatusCounts:
    counts: Counter[Status]

    @classmethod
    def of(cls, statuses: Iterable[Status]) -> StatusCounts:
        return cls(Counter(statuses))

    def __getitem__(self, status: Status | str) -> int:
        """The count of a status. Other keys raise KeyError, so that a template's
        `counts.share_on_track` falls through to the attribute instead of reading 0."""
        if status not in Status._value2member_map_:
            raise KeyError(status)
        return self.counts[Status(status)]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def assessed(self) -> int:
        """Metrics that were due: everything but NOT_YET_DUE."""
        return self.total - self.counts[Status.NOT_YET_DUE]

    @property
    def share_on_track(self) -> Decimal | None:
        """On track / assessed, 0-1 to four places (missing values count against); None
        when nothing is due."""
        if self.assessed == 0:
            return None
        return (Decimal(self.counts[Status.ON_TRACK]) / self.assessed).quantize(SHARE_PLACES)

    def __add__(self, other: StatusCounts) -> StatusCounts:
        return StatusCounts(self.counts + other.counts)
