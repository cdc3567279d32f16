"""The database constraints of plans, the small model methods and the plan template filters."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from plans.hierarchy import plural
from plans.models import UNKNOWN_TITLE, Metric, Office, Plan, PlanElement
from plans.templatetags.plan_tags import level_count, plain_decimal
from tests.factories import MetricFactory, OfficeFactory, PlanElementFactory, PlanFactory


def raises_integrity_error(write: Callable[[], object]) -> None:
    """Runs the write in its own savepoint so that the test can go on querying."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.fixture
def goal(db: None) -> PlanElement:
    return PlanElementFactory(number="1", title="Secure the border")


# Constraints -----------------------------------------------------------------------------


def test_two_elements_with_the_same_number_in_one_plan_are_refused(goal: PlanElement) -> None:
    raises_integrity_error(lambda: PlanElementFactory(plan=goal.plan, number="1"))

    assert goal.plan.elements.count() == 1


def test_the_same_number_in_two_plans_is_allowed(goal: PlanElement) -> None:
    PlanElementFactory(plan=PlanFactory(), number="1")

    assert PlanElement.objects.filter(number="1").count() == 2


def test_a_level_2_element_without_a_parent_is_refused(goal: PlanElement) -> None:
    raises_integrity_error(
        lambda: PlanElementFactory(plan=goal.plan, number="1.1", level=2, parent=None)
    )

    assert goal.plan.elements.count() == 1


def test_a_level_1_element_with_a_parent_is_refused(goal: PlanElement) -> None:
    raises_integrity_error(lambda: PlanElementFactory(parent=goal, number="1.1", level=1))

    assert goal.plan.elements.count() == 1


def test_a_level_4_element_is_refused(goal: PlanElement) -> None:
    objective = PlanElementFactory(parent=goal, number="1.1")
    action = PlanElementFactory(parent=objective, number="1.1.1")

    raises_integrity_error(lambda: PlanElementFactory(parent=action, number="1.1.1.1", level=4))

    assert goal.plan.elements.count() == 3


def test_a_level_3_element_under_a_level_2_parent_is_allowed(goal: PlanElement) -> None:
    objective = PlanElementFactory(parent=goal, number="1.1")

    action = PlanElementFactory(parent=objective, number="1.1.1")

    assert action.level == 3


def test_an_element_with_a_blank_number_is_refused(goal: PlanElement) -> None:
    raises_integrity_error(lambda: PlanElementFactory(plan=goal.plan, number=""))

    assert goal.plan.elements.count() == 1


def test_a_percentage_metric_not_in_percent_is_refused(goal: PlanElement) -> None:
    raises_integrity_error(
        lambda: MetricFactory(element=goal, kind=Metric.Kind.PERCENTAGE, unit=Metric.Unit.COUNT)
    )

    assert not Metric.objects.exists()


def test_a_percentage_metric_in_percent_is_allowed(goal: PlanElement) -> None:
    MetricFactory(element=goal, kind=Metric.Kind.PERCENTAGE, unit=Metric.Unit.PERCENT)

    assert Metric.objects.count() == 1


def test_a_baseline_value_without_a_year_is_refused(goal: PlanElement) -> None:
    raises_integrity_error(
        lambda: MetricFactory(element=goal, baseline_value=Decimal("12"), baseline_fiscal_year=None)
    )

    assert not Metric.objects.exists()


def test_a_baseline_year_without_a_value_is_refused(goal: PlanElement) -> None:
    raises_integrity_error(
        lambda: MetricFactory(element=goal, baseline_value=None, baseline_fiscal_year=2020)
    )

    assert not Metric.objects.exists()


def test_two_metrics_with_the_same_name_under_one_element_are_refused(goal: PlanElement) -> None:
    MetricFactory(element=goal, name="Removals")

    raises_integrity_error(lambda: MetricFactory(element=goal, name="Removals"))

    assert Metric.objects.filter(name="Removals").count() == 1


def test_an_office_that_is_its_own_parent_is_refused(db: None) -> None:
    office = OfficeFactory(code="ERO")
    office.parent_id = office.pk

    raises_integrity_error(lambda: office.save(update_fields=["parent"]))

    assert Office.objects.get(code="ERO").parent_id is None


def test_a_plan_whose_start_year_is_after_its_end_is_refused(db: None) -> None:
    raises_integrity_error(
        lambda: PlanFactory(slug="backwards", start_fiscal_year=2025, end_fiscal_year=2021)
    )

    assert not Plan.objects.filter(slug="backwards").exists()


def test_a_plan_with_only_one_year_or_none_is_allowed(db: None) -> None:
    PlanFactory(slug="start-only", start_fiscal_year=2024, end_fiscal_year=None)
    PlanFactory(slug="no-years", start_fiscal_year=None, end_fiscal_year=None)

    assert Plan.objects.count() == 2


# Plan and element methods ---------------------------------------------------------------


def test_level_names_skip_an_empty_third_level() -> None:
    plan = Plan(level_1_name="Line of Effort", level_2_name="Goal", level_3_name="")

    assert plan.level_names == ["Line of Effort", "Goal"]
    assert plan.level_name(1) == "Line of Effort"
    assert plan.level_name(2) == "Goal"


def test_level_names_default_to_goal_objective_sub_objective() -> None:
    plan = Plan()

    assert plan.level_names == ["Goal", "Objective", "Sub-objective"]
    assert plan.level_name(3) == "Sub-objective"


@pytest.mark.parametrize(
    ("start", "end", "span"),
    [
        (2021, 2025, "FY2021-FY2025"),
        (2024, 2024, "FY2024"),
        (2024, None, "FY2024"),
        (None, 2026, "FY2026"),
        (None, None, ""),
    ],
)
def test_fiscal_year_span(start: int | None, end: int | None, span: str) -> None:
    assert Plan(start_fiscal_year=start, end_fiscal_year=end).fiscal_year_span == span


def test_values_list_drops_blank_lines() -> None:
    assert Plan(values="Integrity\n\n  \nRespect\n").values_list == ["Integrity", "Respect"]


def test_an_element_without_a_title_is_shown_as_unknown() -> None:
    element = PlanElement(number="2.3", title="")

    assert element.display_title == "Title not given in the source"
    assert element.display_title == UNKNOWN_TITLE
    assert element.is_title_known is False
    assert str(element) == "2.3 Title not given in the source"


def test_an_element_with_a_title_is_shown_by_it() -> None:
    element = PlanElement(number="2", title="Recover")

    assert element.display_title == "Recover"
    assert element.is_title_known is True


def test_element_level_name_comes_from_its_plan() -> None:
    plan = Plan(level_1_name="Line of Effort", level_2_name="Goal", level_3_name="Action")

    assert PlanElement(plan=plan, level=3, number="1.1.1").level_name == "Action"


# Template filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "plural_name"),
    [
        ("Goal", "Goals"),
        ("Line of Effort", "Lines of Effort"),
        ("Strategy", "Strategies"),
        ("Sub-objective", "Sub-objectives"),
        ("Day", "Days"),
        ("Business", "Businesses"),
    ],
)
def test_plural_of_level_names(name: str, plural_name: str) -> None:
    assert plural(name) == plural_name


@pytest.mark.parametrize(
    ("count", "name", "text"),
    [
        (1, "Goal", "1 goal"),
        (5, "Goal", "5 goals"),
        (0, "Goal", "0 goals"),
        (3, "Line of Effort", "3 lines of effort"),
        (4, "Strategy", "4 strategies"),
        (53, "Sub-objective", "53 sub-objectives"),
        (1, "Sub-objective", "1 sub-objective"),
    ],
)
def test_level_count(count: int, name: str, text: str) -> None:
    assert level_count(count, name) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1500.0000"), "1,500"),
        (Decimal("0.0300"), "0.03"),
        (Decimal("12.5000"), "12.5"),
        (Decimal("1234567.8900"), "1,234,567.89"),
        (Decimal("100"), "100"),
        (Decimal("0.0000"), "0"),
        (Decimal("-1500.2500"), "-1,500.25"),
        (Decimal("-0.5000"), "-0.5"),
    ],
)
def test_plain_decimal(value: Decimal, text: str) -> None:
    assert plain_decimal(value) == text
