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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

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


# The values the rules take are named tuples: immutable and hashable like frozen dataclasses,
# but three times cheaper to make, and untracked by the garbage collector once they hold
# only numbers, text and dates. The judgements below read them by position (the constants
# after them), so that they take a plain tuple of the same shape as well: the
# targets-vs-actuals table passes the rows it fetched as they are rather than make 45,000
# named tuples at 1,000 metrics.


class Rule(NamedTuple):
    """What of a metric the rules need (the values of plans.Metric's choices)."""

    direction: str  # "increase" | "decrease" | "range"
    aggregation: str  # "sum" | "latest" | "average" | "cumulative"
    kind: str = "numeric"  # "numeric" | "percentage" | "milestone"


class TargetValue(NamedTuple):
    value: Decimal | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    due_date: date | None = None  # milestones


class ActualValue(NamedTuple):
    """An approved value; `value` is in percent points for percentages."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    milestone_status: str = ""  # "not_started" | "in_progress" | "done"
    milestone_date: date | None = None
    not_available: bool = False


# Positions in TargetValue and ActualValue (and in rows of their shape).
GOAL, LOW, HIGH, DEADLINE = 0, 1, 2, 3
VALUE, NUMERATOR, DENOMINATOR, MILESTONE_STATUS, MILESTONE_DATE, NOT_AVAILABLE = range(6)


class QuarterInput(NamedTuple):
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
    return judge_for(rule, today=today, at_risk_percent=at_risk_percent)(target, actual, due)


Judge = Callable[[TargetValue | None, ActualValue | None, date], Status]


def judge_for(
    rule: Rule, *, today: date, at_risk_percent: Decimal = DEFAULT_AT_RISK_PERCENT
) -> Judge:
    """`assess` for one rule, as a function of (target, actual, due): what depends on the
    rule (kind, direction) is decided once, not once per period. A table of many periods of
    one metric judges them with it; `assess` is this, made and called once."""
    if rule.kind == "milestone":

        def milestone(target: TargetValue | None, actual: ActualValue | None, due: date) -> Status:
            return _assess_milestone(target, actual, due=due, today=today)

        return milestone
    pooled = rule.kind == "percentage"
    direction = rule.direction
    if direction not in ("increase", "decrease", "range"):
        raise ValueError(f"Unknown direction: {direction!r}")
    margin = Decimal(at_risk_percent) / 100  # at risk within this fraction of |target|

    def number(target: TargetValue | None, actual: ActualValue | None, due: date) -> Status:
        if actual is None or actual[NOT_AVAILABLE]:
            return _missing(due, today)
        value = actual[VALUE]
        if value is None:
            numerator, denominator = actual[NUMERATOR], actual[DENOMINATOR]
            if not (pooled and numerator is not None and denominator):
                return _missing(due, today)
            value = percentage(numerator, denominator)
        if target is None:
            return Status.NO_DATA
        if direction == "range":
            return _assess_range(target, value, margin)
        goal = target[GOAL]
        if goal is None:
            return Status.NO_DATA
        if direction == "increase":
            return _grade(goal - value, goal, margin)
        return _grade(value - goal, goal, margin)

    return number


def _missing(due: date, today: date) -> Status:
    return Status.NOT_YET_DUE if today <= due else Status.NO_DATA


def _assess_range(target: TargetValue, value: Decimal, margin: Decimal) -> Status:
    low, high = target[LOW], target[HIGH]
    if low is None and high is None:
        return Status.NO_DATA
    if low is not None and value < low:
        return _grade(low - value, low, margin)
    if high is not None and value > high:
        return _grade(value - high, high, margin)
    return Status.ON_TRACK


def _grade(shortfall: Decimal, bound: Decimal, margin: Decimal) -> Status:
    """How far the value misses `bound` by (zero or less: not at all), against the margin
    (a fraction of |bound|)."""
    if shortfall <= 0:
        return Status.ON_TRACK
    if shortfall <= abs(bound) * margin:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _assess_milestone(
    target: TargetValue | None, actual: ActualValue | None, *, due: date, today: date
) -> Status:
    if actual is None or actual[NOT_AVAILABLE] or not actual[MILESTONE_STATUS]:
        return _missing(due, today)
    deadline = target[DEADLINE] if target else None
    state = actual[MILESTONE_STATUS]
    if state == "done":
        done_on = actual[MILESTONE_DATE]
        late = deadline is not None and done_on is not None and done_on > deadline
        return Status.AT_RISK if late else Status.ON_TRACK
    if deadline is None:
        return Status.NO_DATA
    if today > deadline:
        return Status.OFF_TRACK
    if state == "in_progress":
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
    return years_to_date(rule, quarters)[through - 1]


def years_to_date(
    rule: Rule, quarters: list[QuarterInput]
) -> list[tuple[ActualValue | None, TargetValue | None]]:
    """`year_to_date` through each of the four quarters, in one pass of running totals."""
    by_number = {q.quarter: q for q in quarters}
    wanted = [by_number.get(n) for n in range(1, QUARTERS_IN_YEAR + 1)]
    actuals = [q.actual if q else None for q in wanted]
    targets = [q.target if q else None for q in wanted]
    if rule.kind == "milestone":
        return list(zip(actuals, targets, strict=True))
    return list(zip(_actuals_to_date(rule, actuals), _targets_to_date(rule, targets), strict=True))


def _actuals_to_date(rule: Rule, actuals: list[ActualValue | None]) -> list[ActualValue | None]:
    """Running totals; once a quarter is missing (or lacks what is added up), every later
    total is None too. A percentage pools numerators and denominators: None while the
    denominators add up to zero."""
    pooled = rule.kind == "percentage"
    totals: list[ActualValue | None] = []
    value = numerator = denominator = Decimal(0)
    for actual in actuals:
        if actual is None or actual[NOT_AVAILABLE]:
            break
        if pooled:
            if actual[NUMERATOR] is None or actual[DENOMINATOR] is None:
                break
            numerator += actual[NUMERATOR]
            denominator += actual[DENOMINATOR]
            totals.append(
                ActualValue(
                    value=percentage(numerator, denominator),
                    numerator=numerator,
                    denominator=denominator,
                )
                if denominator
                else None
            )
        else:
            if actual[VALUE] is None:
                break
            value += actual[VALUE]
            totals.append(ActualValue(value=value))
    return totals + [None] * (len(actuals) - len(totals))


def _targets_to_date(rule: Rule, targets: list[TargetValue | None]) -> list[TargetValue | None]:
    if rule.kind == "percentage":
        return list(targets)
    if rule.direction == "range":
        lows = _running([t[LOW] if t else None for t in targets])
        highs = _running([t[HIGH] if t else None for t in targets])
        return [
            None if low is None and high is None else TargetValue(min_value=low, max_value=high)
            for low, high in zip(lows, highs, strict=True)
        ]
    return [
        None if total is None else TargetValue(value=total)
        for total in _running([t[GOAL] if t else None for t in targets])
    ]


def _running(values: list[Decimal | None]) -> list[Decimal | None]:
    """Running sums, None from the first missing value on."""
    sums: list[Decimal | None] = []
    total = Decimal(0)
    for value in values:
        if value is None:
            break
        total += value
        sums.append(total)
    return sums + [None] * (len(values) - len(sums))


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
