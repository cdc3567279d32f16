"""Status rules (reports/status.py), table-driven. Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from reports.status import (
    LABELS,
    SEVERITY,
    ActualValue,
    QuarterInput,
    Rule,
    Status,
    StatusCounts,
    TargetValue,
    assess,
    year_to_date,
)

D = Decimal
ON, RISK, OFF = Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK
NO_DATA, NOT_YET_DUE = Status.NO_DATA, Status.NOT_YET_DUE

INCREASE = Rule("increase", "sum")
DECREASE = Rule("decrease", "sum")
RANGE = Rule("range", "latest")
CUMULATIVE = Rule("increase", "cumulative")
PERCENT = Rule("increase", "latest", "percentage")
CUMULATIVE_PERCENT = Rule("increase", "cumulative", "percentage")
MILESTONE = Rule("increase", "latest", "milestone")

DUE = date(2025, 1, 31)  # the data call's due date
DEADLINE = date(2025, 6, 30)  # a milestone's target due date
DAY = timedelta(days=1)


def target(
    value: str | None = None, low: str | None = None, high: str | None = None
) -> TargetValue:
    as_decimal = lambda text: None if text is None else D(text)  # noqa: E731
    return TargetValue(
        value=as_decimal(value), min_value=as_decimal(low), max_value=as_decimal(high)
    )


def actual(value: str) -> ActualValue:
    return ActualValue(value=D(value))


def milestone(status: str, done_on: date | None = None) -> ActualValue:
    return ActualValue(milestone_status=status, milestone_date=done_on)


def judge(
    rule: Rule, goal: TargetValue | None, value: ActualValue | None, percent: str = "10"
) -> Status:
    """Assessed after the due date, so a missing value is NO_DATA."""
    return assess(rule, goal, value, due=DUE, today=DUE + DAY, at_risk_percent=D(percent))


@pytest.mark.parametrize(
    ("rule", "goal", "value", "expected"),
    [
        pytest.param(INCREASE, target("100"), "100", ON, id="increase-at-target"),
        pytest.param(INCREASE, target("100"), "150", ON, id="increase-above-target"),
        pytest.param(INCREASE, target("100"), "95", RISK, id="increase-5pct-short"),
        pytest.param(INCREASE, target("100"), "90", RISK, id="increase-exactly-10pct-short"),
        pytest.param(INCREASE, target("100"), "89.99", OFF, id="increase-just-past-10pct"),
        pytest.param(INCREASE, target("100"), "0", OFF, id="increase-far-short"),
        pytest.param(INCREASE, target("100"), "-5", OFF, id="increase-negative-actual"),
        pytest.param(DECREASE, target("50"), "50", ON, id="decrease-at-target"),
        pytest.param(DECREASE, target("50"), "10", ON, id="decrease-below-target"),
        pytest.param(DECREASE, target("50"), "55", RISK, id="decrease-exactly-10pct-above"),
        pytest.param(DECREASE, target("50"), "55.01", OFF, id="decrease-just-past-10pct"),
        pytest.param(DECREASE, target("50"), "100", OFF, id="decrease-far-above"),
        pytest.param(INCREASE, target("0"), "0", ON, id="increase-zero-target-met"),
        pytest.param(INCREASE, target("0"), "3", ON, id="increase-zero-target-beaten"),
        pytest.param(INCREASE, target("0"), "-0.01", OFF, id="increase-zero-target-no-margin"),
        pytest.param(DECREASE, target("0"), "0", ON, id="decrease-zero-target-met"),
        pytest.param(DECREASE, target("0"), "-2", ON, id="decrease-zero-target-beaten"),
        pytest.param(DECREASE, target("0"), "0.01", OFF, id="decrease-zero-target-no-margin"),
        pytest.param(INCREASE, target("-10"), "-5", ON, id="increase-negative-target-beaten"),
        pytest.param(INCREASE, target("-10"), "-11", RISK, id="increase-negative-margin-of-abs"),
        pytest.param(INCREASE, target("-10"), "-11.01", OFF, id="increase-negative-past-margin"),
        pytest.param(DECREASE, target("-10"), "-12", ON, id="decrease-negative-target-beaten"),
        pytest.param(DECREASE, target("-10"), "-9", RISK, id="decrease-negative-margin-of-abs"),
        pytest.param(DECREASE, target("-10"), "-8.99", OFF, id="decrease-negative-past-margin"),
        pytest.param(RANGE, target(low="10", high="20"), "15", ON, id="range-inside"),
        pytest.param(RANGE, target(low="10", high="20"), "10", ON, id="range-on-minimum"),
        pytest.param(RANGE, target(low="10", high="20"), "20", ON, id="range-on-maximum"),
        pytest.param(RANGE, target(low="10", high="20"), "9", RISK, id="range-below-by-min-margin"),
        pytest.param(RANGE, target(low="10", high="20"), "8.99", OFF, id="range-below-past-margin"),
        pytest.param(
            RANGE, target(low="10", high="20"), "22", RISK, id="range-above-by-max-margin"
        ),
        pytest.param(
            RANGE, target(low="10", high="20"), "22.01", OFF, id="range-above-past-margin"
        ),
        pytest.param(RANGE, target(low="10"), "1000", ON, id="range-minimum-only-inside"),
        pytest.param(RANGE, target(low="10"), "9", RISK, id="range-minimum-only-at-risk"),
        pytest.param(RANGE, target(low="10"), "8", OFF, id="range-minimum-only-off"),
        pytest.param(RANGE, target(high="20"), "-50", ON, id="range-maximum-only-inside"),
        pytest.param(RANGE, target(high="20"), "22", RISK, id="range-maximum-only-at-risk"),
        pytest.param(RANGE, target(high="20"), "23", OFF, id="range-maximum-only-off"),
        pytest.param(RANGE, target(low="-10", high="-5"), "-11", RISK, id="range-negative-bounds"),
        pytest.param(
            RANGE, target(low="0", high="5"), "-0.01", OFF, id="range-zero-bound-no-margin"
        ),
    ],
)
def test_a_number_is_judged_against_its_target_by_direction(
    rule: Rule, goal: TargetValue, value: str, expected: Status
) -> None:
    assert judge(rule, goal, actual(value)) == expected


@pytest.mark.parametrize(
    ("rule", "goal"),
    [
        pytest.param(INCREASE, None, id="no-target"),
        pytest.param(INCREASE, target(), id="target-without-value"),
        pytest.param(DECREASE, target(), id="decrease-target-without-value"),
        pytest.param(RANGE, target(), id="range-without-bounds"),
        pytest.param(RANGE, target("10"), id="range-with-only-a-single-value"),
        pytest.param(PERCENT, None, id="percentage-without-target"),
    ],
)
def test_a_value_without_a_target_has_nothing_to_be_judged_by(
    rule: Rule, goal: TargetValue | None
) -> None:
    assert judge(rule, goal, actual("42")) == NO_DATA
    assert assess(rule, goal, actual("42"), due=DUE, today=DUE - DAY) == NO_DATA


@pytest.mark.parametrize(
    ("rule", "goal", "value", "expected"),
    [
        pytest.param(INCREASE, target("100"), "95", RISK, id="increase-exactly-5pct-short"),
        pytest.param(INCREASE, target("100"), "94.99", OFF, id="increase-just-past-5pct"),
        pytest.param(INCREASE, target("100"), "93", OFF, id="increase-7pct-short"),
        pytest.param(DECREASE, target("40"), "42", RISK, id="decrease-exactly-5pct-above"),
        pytest.param(DECREASE, target("40"), "42.01", OFF, id="decrease-just-past-5pct"),
        pytest.param(RANGE, target(low="100", high="200"), "95", RISK, id="range-5pct-below"),
        pytest.param(RANGE, target(low="100", high="200"), "210.01", OFF, id="range-past-5pct"),
    ],
)
def test_a_plan_can_set_its_own_at_risk_threshold(
    rule: Rule, goal: TargetValue, value: str, expected: Status
) -> None:
    assert judge(rule, goal, actual(value), percent="5") == expected


def test_a_zero_threshold_makes_any_miss_off_track() -> None:
    assert judge(INCREASE, target("100"), actual("99.99"), percent="0") == OFF
    assert judge(INCREASE, target("100"), actual("100"), percent="0") == ON


@pytest.mark.parametrize(
    ("rule", "value", "today", "expected"),
    [
        pytest.param(INCREASE, None, DUE - DAY, NOT_YET_DUE, id="missing-before-due"),
        pytest.param(INCREASE, None, DUE, NOT_YET_DUE, id="missing-on-due-date"),
        pytest.param(INCREASE, None, DUE + DAY, NO_DATA, id="missing-day-after-due"),
        pytest.param(INCREASE, ActualValue(), DUE + DAY, NO_DATA, id="empty-value-after-due"),
        pytest.param(
            INCREASE, ActualValue(not_available=True), DUE, NOT_YET_DUE, id="not-available-by-due"
        ),
        pytest.param(
            INCREASE,
            ActualValue(value=D(150), not_available=True),
            DUE + DAY,
            NO_DATA,
            id="not-available-after-due-ignores-value",
        ),
        pytest.param(INCREASE, actual("150"), DUE - DAY, ON, id="early-value-is-judged"),
        pytest.param(INCREASE, actual("1"), DUE - DAY, OFF, id="early-shortfall-is-judged"),
        pytest.param(MILESTONE, None, DUE, NOT_YET_DUE, id="milestone-missing-by-due"),
        pytest.param(MILESTONE, milestone(""), DUE + DAY, NO_DATA, id="milestone-no-status"),
        pytest.param(
            MILESTONE,
            ActualValue(milestone_status="done", not_available=True),
            DUE + DAY,
            NO_DATA,
            id="milestone-not-available-after-due",
        ),
        pytest.param(PERCENT, None, DUE + DAY, NO_DATA, id="percentage-missing-after-due"),
    ],
)
def test_a_missing_value_is_not_yet_due_until_its_due_date_then_no_data(
    rule: Rule, value: ActualValue | None, today: date, expected: Status
) -> None:
    goal = TargetValue(value=D(100), due_date=DEADLINE)
    assert assess(rule, goal, value, due=DUE, today=today) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(ActualValue(value=D(90)), ON, id="value-in-percent-points"),
        pytest.param(ActualValue(numerator=D(45), denominator=D(50)), ON, id="from-fraction-met"),
        pytest.param(ActualValue(numerator=D(41), denominator=D(50)), RISK, id="from-fraction-82"),
        pytest.param(ActualValue(numerator=D(40), denominator=D(50)), OFF, id="from-fraction-80"),
        pytest.param(
            ActualValue(value=D(95), numerator=D(1), denominator=D(50)),
            ON,
            id="value-wins-over-fraction",
        ),
        pytest.param(
            ActualValue(numerator=D(0), denominator=D(0)), NO_DATA, id="zero-denominator-is-missing"
        ),
        pytest.param(ActualValue(denominator=D(50)), NO_DATA, id="no-numerator-is-missing"),
    ],
)
def test_a_percentage_is_judged_in_percent_points_from_its_fraction(
    value: ActualValue, expected: Status
) -> None:
    assert judge(PERCENT, target("90"), value) == expected


@pytest.mark.parametrize(
    ("value", "today", "goal", "expected"),
    [
        pytest.param(milestone("done", DEADLINE - DAY), DEADLINE, DEADLINE, ON, id="done-early"),
        pytest.param(milestone("done", DEADLINE), DEADLINE, DEADLINE, ON, id="done-on-the-day"),
        pytest.param(
            milestone("done", DEADLINE + DAY), DEADLINE + DAY, DEADLINE, RISK, id="done-late"
        ),
        pytest.param(milestone("done"), DEADLINE + DAY, DEADLINE, ON, id="done-without-a-date"),
        pytest.param(milestone("done", DEADLINE), DEADLINE, None, ON, id="done-without-due-date"),
        pytest.param(milestone("in_progress"), DEADLINE, DEADLINE, ON, id="in-progress-in-time"),
        pytest.param(
            milestone("in_progress"), DEADLINE + DAY, DEADLINE, OFF, id="overdue-underway"
        ),
        pytest.param(
            milestone("not_started"), DEADLINE + DAY, DEADLINE, OFF, id="overdue-unstarted"
        ),
        pytest.param(
            milestone("not_started"),
            DEADLINE - 31 * DAY,
            DEADLINE,
            ON,
            id="not-started-31-days-out",
        ),
        pytest.param(
            milestone("not_started"), DEADLINE - 30 * DAY, DEADLINE, RISK, id="not-started-30-days"
        ),
        pytest.param(
            milestone("not_started"), DEADLINE, DEADLINE, RISK, id="not-started-due-today"
        ),
        pytest.param(milestone("in_progress"), DEADLINE, None, NO_DATA, id="underway-no-due-date"),
        pytest.param(milestone("not_started"), DEADLINE, None, NO_DATA, id="unstarted-no-due-date"),
    ],
)
def test_a_milestone_is_judged_against_its_target_due_date(
    value: ActualValue, today: date, goal: date | None, expected: Status
) -> None:
    goal_target = TargetValue(due_date=goal)
    assert assess(MILESTONE, goal_target, value, due=DUE, today=today) == expected


def test_a_milestone_without_any_target_is_judged_only_once_done() -> None:
    assert assess(MILESTONE, None, milestone("done"), due=DUE, today=DUE) == ON
    assert assess(MILESTONE, None, milestone("in_progress"), due=DUE, today=DUE) == NO_DATA


def test_an_unknown_direction_is_refused() -> None:
    with pytest.raises(ValueError, match="sideways"):
        judge(Rule("sideways", "sum"), target("1"), actual("1"))


def quarter(
    number: int,
    value: str | None,
    goal: str | None,
    *,
    not_available: bool = False,
) -> QuarterInput:
    reported = None if value is None else ActualValue(value=D(value), not_available=not_available)
    return QuarterInput(number, reported, None if goal is None else target(goal))


def fraction(number: int, numerator: str, denominator: str, goal: str) -> QuarterInput:
    reported = ActualValue(numerator=D(numerator), denominator=D(denominator))
    return QuarterInput(number, reported, target(goal))


@pytest.mark.parametrize(
    ("rule", "quarters", "through", "expected_actual", "expected_target"),
    [
        pytest.param(
            CUMULATIVE,
            [quarter(1, "10", "20"), quarter(2, "20", "5")],
            2,
            ActualValue(value=D(30)),
            target("25"),
            id="sums-actuals-and-targets",
        ),
        pytest.param(
            CUMULATIVE,
            [quarter(1, "10", "20"), quarter(2, "20", "5"), quarter(3, "99", "99")],
            2,
            ActualValue(value=D(30)),
            target("25"),
            id="ignores-later-quarters",
        ),
        pytest.param(
            CUMULATIVE,
            [quarter(3, "3", "1"), quarter(1, "1", "1"), quarter(2, "2", "1")],
            3,
            ActualValue(value=D(6)),
            target("3"),
            id="quarters-in-any-order",
        ),
        pytest.param(
            CUMULATIVE,
            [quarter(1, "-4", "-2"), quarter(2, "6", "-2")],
            2,
            ActualValue(value=D(2)),
            target("-4"),
            id="negative-values",
        ),
        pytest.param(
            CUMULATIVE,
            [quarter(1, "10", "20"), quarter(2, None, "5")],
            2,
            None,
            target("25"),
            id="missing-quarter-actual",
        ),
        pytest.param(
            CUMULATIVE,
            [quarter(1, "10", "20"), quarter(3, "1", "5")],
            3,
            None,
            None,
            id="missing-quarter-altogether",
        ),
        pytest.param(
            CUMULATIVE,
            [quarter(1, "10", "20"), quarter(2, "20", "5", not_available=True)],
            2,
            None,
            target("25"),
            id="not-available-quarter",
        ),
        pytest.param(
            CUMULATIVE,
            [quarter(1, "10", "20"), quarter(2, "20", None)],
            2,
            ActualValue(value=D(30)),
            None,
            id="missing-quarterly-target",
        ),
        pytest.param(
            Rule("range", "cumulative"),
            [
                QuarterInput(1, actual("5"), target(low="4", high="6")),
                QuarterInput(2, actual("7"), target(low="3", high="8")),
            ],
            2,
            ActualValue(value=D(12)),
            target(low="7", high="14"),
            id="range-sums-both-bounds",
        ),
        pytest.param(
            Rule("range", "cumulative"),
            [
                QuarterInput(1, actual("5"), target(low="4", high="6")),
                QuarterInput(2, actual("7"), target(low="3")),
            ],
            2,
            ActualValue(value=D(12)),
            target(low="7"),
            id="range-drops-a-bound-missing-in-a-quarter",
        ),
        pytest.param(
            CUMULATIVE_PERCENT,
            [fraction(1, "1", "2", "80"), fraction(2, "9", "10", "85")],
            2,
            ActualValue(value=D("83.3333"), numerator=D(10), denominator=D(12)),
            target("85"),
            id="percentages-pool-fractions-against-latest-target",
        ),
        pytest.param(
            CUMULATIVE_PERCENT,
            [fraction(1, "1", "2", "80"), QuarterInput(2, actual("90"), target("85"))],
            2,
            None,
            target("85"),
            id="percentage-quarter-without-fraction",
        ),
        pytest.param(
            MILESTONE,
            [
                QuarterInput(1, milestone("in_progress"), None),
                QuarterInput(2, milestone("done"), TargetValue(due_date=DEADLINE)),
            ],
            2,
            milestone("done"),
            TargetValue(due_date=DEADLINE),
            id="milestone-takes-the-latest-quarter",
        ),
    ],
)
def test_year_to_date_adds_up_quarters_one_through_the_current_one(
    rule: Rule,
    quarters: list[QuarterInput],
    through: int,
    expected_actual: ActualValue | None,
    expected_target: TargetValue | None,
) -> None:
    assert year_to_date(rule, quarters, through) == (expected_actual, expected_target)


@pytest.mark.parametrize("through", [0, 5])
def test_year_to_date_refuses_a_quarter_outside_the_year(through: int) -> None:
    with pytest.raises(ValueError, match="quarters 1 to 4"):
        year_to_date(CUMULATIVE, [], through)


@pytest.mark.parametrize(
    ("quarters", "through", "today", "expected"),
    [
        pytest.param(
            [quarter(1, "10", "25"), quarter(2, "45", "25")],
            2,
            DUE + DAY,
            ON,
            id="slow-first-quarter-caught-up",
        ),
        pytest.param(
            [quarter(1, "10", "25")],
            1,
            DUE + DAY,
            OFF,
            id="first-quarter-alone-is-off",
        ),
        pytest.param(
            [quarter(1, "20", "25"), quarter(2, "26", "25")],
            2,
            DUE + DAY,
            RISK,
            id="year-to-date-8pct-short",
        ),
        pytest.param(
            [quarter(1, "30", "25"), quarter(2, None, "25")],
            2,
            DUE + DAY,
            NO_DATA,
            id="missing-quarter-after-due",
        ),
        pytest.param(
            [quarter(1, "30", "25"), quarter(2, None, "25")],
            2,
            DUE,
            NOT_YET_DUE,
            id="missing-quarter-before-due",
        ),
        pytest.param(
            [quarter(1, "30", "25"), quarter(2, "30", None)],
            2,
            DUE + DAY,
            NO_DATA,
            id="missing-quarterly-target",
        ),
    ],
)
def test_a_cumulative_metric_compares_year_to_date_actual_with_year_to_date_target(
    quarters: list[QuarterInput], through: int, today: date, expected: Status
) -> None:
    to_date, goal = year_to_date(CUMULATIVE, quarters, through)
    assert assess(CUMULATIVE, goal, to_date, due=DUE, today=today) == expected


@pytest.mark.parametrize(
    ("statuses", "total", "assessed", "share"),
    [
        pytest.param([ON, ON, RISK, OFF], 4, 4, D("0.5000"), id="half-on-track"),
        pytest.param([ON, NO_DATA, NO_DATA], 3, 3, D("0.3333"), id="missing-counts-against"),
        pytest.param([ON, ON, NOT_YET_DUE], 3, 2, D("1.0000"), id="not-yet-due-left-out"),
        pytest.param([ON, ON, OFF], 3, 3, D("0.6667"), id="rounded-to-four-places"),
        pytest.param([OFF, RISK], 2, 2, D("0.0000"), id="none-on-track"),
        pytest.param([NOT_YET_DUE, NOT_YET_DUE], 2, 0, None, id="nothing-due-has-no-share"),
        pytest.param([], 0, 0, None, id="empty"),
    ],
)
def test_status_counts_give_the_share_on_track_of_what_was_due(
    statuses: list[Status], total: int, assessed: int, share: Decimal | None
) -> None:
    counts = StatusCounts.of(statuses)
    assert (counts.total, counts.assessed, counts.share_on_track) == (total, assessed, share)


def test_status_counts_add_up_across_offices_and_count_absent_statuses_as_zero() -> None:
    combined = StatusCounts.of([ON, OFF]) + StatusCounts.of([ON, NOT_YET_DUE])
    assert (combined[ON], combined[OFF], combined[NOT_YET_DUE], combined[RISK]) == (2, 1, 1, 0)
    assert (combined.total, combined.assessed, combined.share_on_track) == (4, 3, D("0.6667"))


def test_every_status_has_a_label_and_a_place_in_the_severity_order() -> None:
    assert set(LABELS) == set(SEVERITY) == set(Status)
    assert Status.NOT_YET_DUE.label == "Not yet due"


def test_status_counts_refuse_keys_that_are_not_statuses_so_templates_reach_attributes() -> None:
    counts = StatusCounts.of([Status.ON_TRACK, Status.OFF_TRACK])
    assert counts["on_track"] == 1
    with pytest.raises(KeyError):
        counts["share_on_track"]
