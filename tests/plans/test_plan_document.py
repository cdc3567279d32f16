"""The plan-exchange document: validation with key paths, round trip, walk and counts.

Pure: plain dicts in, PlanSpec out. No database.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

import pytest

from plans.plan_document import (
    ElementSpec,
    MetricSpec,
    PlanDocumentError,
    PlanSpec,
    document_from_spec,
    parse_plan_document,
)

MINIMAL = {"slug": "ice-plan", "title": "ICE Strategic Plan", "levels": ["Goal"]}


def full_metric(**overrides: Any) -> dict[str, Any]:
    """A metric with every key, written as document_from_spec writes it."""
    metric = {
        "name": "Percent of removals completed in 90 days",
        "kind": "percentage",
        "unit": "percent",
        "direction": "increase",
        "aggregation": "average",
        "frequency": "quarterly",
        "owner_office": "ERO",
        "data_source": "EID",
        "definition": "Removals completed within 90 days of the final order.",
        "data_quality_notes": "Checked monthly against case files.",
        "unit_label": "removals",
        "comparison": "prior_year",
        "baseline_value": "62.5",
        "baseline_fiscal_year": 2020,
        "allowed_min": "0",
        "allowed_max": "100",
        "also_supports": ["dhs-plan:2.1"],
    }
    return {**metric, **overrides}


def full_element(number: str, title: str, **overrides: Any) -> dict[str, Any]:
    element = {
        "number": number,
        "title": title,
        "description": "",
        "outcomes": [],
        "metrics": [],
        "children": [],
    }
    return {**element, **overrides}


def full_document() -> dict[str, Any]:
    """Every key of the format, in the normal form that document_from_spec writes."""
    return {
        "slug": "ice-plan",
        "title": "ICE Strategic Plan",
        "levels": ["Goal", "Objective", "Sub-objective"],
        "owner_office": "ICE",
        "status": "active",
        "start_fiscal_year": 2021,
        "end_fiscal_year": 2025,
        "mission": "Protect America.",
        "vision": "A safer nation.",
        "values": "Integrity\nRespect",
        "elements": [
            full_element(
                "1",
                "Secure the border",
                description="Land, sea and air.",
                metrics=[full_metric()],
                children=[
                    full_element("1.1", "Patrol the land border"),
                    full_element(
                        "1.2",
                        "",
                        outcomes=["Fewer crossings", "Faster processing"],
                        children=[
                            full_element(
                                "1.2.1",
                                "Expand biometric exit",
                                metrics=[
                                    full_metric(
                                        name="Airports with biometric exit",
                                        kind="numeric",
                                        unit="count",
                                        aggregation="latest",
                                        frequency="annual",
                                        comparison="",
                                        baseline_value=None,
                                        baseline_fiscal_year=None,
                                        also_supports=[],
                                    )
                                ],
                            )
                        ],
                    ),
                ],
            ),
            full_element("2", "Recover from disasters", children=[full_element("2.1", "Rebuild")]),
        ],
    }


def with_metric(metric: dict[str, Any], *, levels: int = 3) -> dict[str, Any]:
    """A document whose elements[0].children[1].metrics[0] is the given metric."""
    objective = {"number": "1.2", "title": "Screen travellers", "metrics": [metric]}
    return {
        **MINIMAL,
        "levels": ["Goal", "Objective", "Sub-objective"][:levels],
        "elements": [
            {"number": "1", "title": "Secure", "children": [{"number": "1.1"}, objective]}
        ],
    }


def error_of(document: Any) -> str:
    with pytest.raises(PlanDocumentError) as caught:
        parse_plan_document(document)
    return str(caught.value)


# Accepting -----------------------------------------------------------------------------


def test_minimal_document_is_accepted_with_defaults() -> None:
    spec = parse_plan_document(MINIMAL)

    assert spec == PlanSpec(
        slug="ice-plan", title="ICE Strategic Plan", levels=["Goal"], elements=[]
    )
    assert spec.status == "draft"
    assert spec.start_fiscal_year is None


def test_full_document_is_read_into_nested_specs() -> None:
    spec = parse_plan_document(full_document())

    assert spec.owner_office == "ICE"
    assert (spec.start_fiscal_year, spec.end_fiscal_year) == (2021, 2025)
    goal = spec.elements[0]
    assert goal.description == "Land, sea and air."
    assert goal.children[1].number == "1.2"
    assert goal.children[1].title == ""
    assert goal.children[1].outcomes == ["Fewer crossings", "Faster processing"]
    assert goal.children[1].children[0].title == "Expand biometric exit"
    metric = goal.metrics[0]
    assert metric.kind == "percentage"
    assert metric.comparison == "prior_year"
    assert metric.baseline_value == Decimal("62.5")
    assert metric.baseline_fiscal_year == 2020
    assert metric.also_supports == ["dhs-plan:2.1"]


def test_metric_keys_left_out_take_their_defaults() -> None:
    spec = parse_plan_document(with_metric({"name": "Removals", "owner_office": "ERO"}))

    assert spec.elements[0].children[1].metrics[0] == MetricSpec(
        name="Removals", owner_office="ERO"
    )


def test_text_is_stripped_and_integer_numbers_become_text() -> None:
    document = {**MINIMAL, "title": "  ICE Plan ", "elements": [{"number": 1, "title": " A "}]}

    spec = parse_plan_document(document)

    assert spec.title == "ICE Plan"
    assert spec.elements[0].number == "1"
    assert spec.elements[0].title == "A"


# Refusing, with the key path -------------------------------------------------------------


def test_a_document_that_is_not_an_object_is_refused() -> None:
    assert error_of(["not", "a", "plan"]) == "document: expected an object"


def test_missing_slug_is_refused_naming_the_key() -> None:
    document = {k: v for k, v in MINIMAL.items() if k != "slug"}

    assert error_of(document) == "document.slug: required"


def test_blank_title_is_refused_naming_the_key() -> None:
    assert error_of({**MINIMAL, "title": ""}) == "document.title: required"


@pytest.mark.parametrize("count", [0, 4])
def test_levels_other_than_one_to_three_are_refused(count: int) -> None:
    names = ["Goal", "Objective", "Sub-objective", "Task"][:count]

    message = error_of({**MINIMAL, "levels": names})

    assert message.startswith("levels:") or message.startswith("document.levels:")
    assert f"not {count}" in message


def test_unknown_metric_kind_is_refused_naming_its_full_path() -> None:
    message = error_of(with_metric({"name": "Ratio", "owner_office": "ERO", "kind": "ratio"}))

    assert message.startswith("document.elements[0].children[1].metrics[0].kind: 'ratio'")
    assert "numeric, percentage, milestone" in message


def test_percentage_metric_not_in_percent_is_refused_naming_the_unit() -> None:
    metric = {"name": "Share", "owner_office": "ERO", "kind": "percentage", "unit": "count"}

    message = error_of(with_metric(metric))

    assert message.startswith("document.elements[0].children[1].metrics[0].unit:")


def test_baseline_value_without_year_is_refused_naming_the_metric() -> None:
    metric = {"name": "Removals", "owner_office": "ERO", "baseline_value": 1500}

    message = error_of(with_metric(metric))

    assert message.startswith("document.elements[0].children[1].metrics[0]:")
    assert "baseline" in message


def test_baseline_year_without_value_is_refused_naming_the_metric() -> None:
    metric = {"name": "Removals", "owner_office": "ERO", "baseline_fiscal_year": 2020}

    assert error_of(with_metric(metric)).startswith("document.elements[0].children[1].metrics[0]:")


def test_baseline_that_is_not_a_number_is_refused() -> None:
    metric = {
        "name": "R",
        "owner_office": "ERO",
        "baseline_value": "lots",
        "baseline_fiscal_year": 2020,
    }

    message = error_of(with_metric(metric))

    assert (
        message == "document.elements[0].children[1].metrics[0].baseline_value: expected a number"
    )


@pytest.mark.parametrize("value", ["NaN", "Infinity"])
def test_baseline_that_is_not_a_finite_number_is_refused(value: str) -> None:
    metric = {
        "name": "R",
        "owner_office": "ERO",
        "baseline_value": value,
        "baseline_fiscal_year": 2020,
    }

    message = error_of(with_metric(metric))

    assert message.startswith("document.elements[0].children[1].metrics[0].baseline_value:")


def test_metric_without_owner_office_is_refused_naming_the_key() -> None:
    message = error_of(with_metric({"name": "Removals"}))

    assert message == "document.elements[0].children[1].metrics[0].owner_office: required"


def test_fiscal_year_given_as_text_is_refused_naming_the_key() -> None:
    message = error_of({**MINIMAL, "start_fiscal_year": "2021"})

    assert message == "document.start_fiscal_year: expected a fiscal year like 2021"


def test_start_fiscal_year_after_end_is_refused() -> None:
    message = error_of({**MINIMAL, "start_fiscal_year": 2025, "end_fiscal_year": 2021})

    assert "start_fiscal_year" in message


def test_elements_deeper_than_the_levels_are_refused_naming_the_children() -> None:
    document = {
        **MINIMAL,
        "levels": ["Goal", "Objective"],
        "elements": [
            {"number": "1", "children": [{"number": "1.1", "children": [{"number": "1.1.1"}]}]}
        ],
    }

    message = error_of(document)

    assert message.startswith("document.elements[0].children[0].children:")
    assert "2 levels" in message


def test_element_that_is_not_an_object_is_refused_naming_its_index() -> None:
    document = {**MINIMAL, "elements": [{"number": "1"}, "Goal 2: Recover"]}

    assert error_of(document) == "document.elements[1]: expected an object"


def test_element_without_number_is_refused_naming_the_key() -> None:
    document = {**MINIMAL, "levels": ["Goal", "Objective"]}
    document["elements"] = [{"number": "1", "children": [{"title": "Patrol"}]}]

    assert error_of(document) == "document.elements[0].children[0].number: required"


def test_duplicate_number_is_refused_naming_the_number() -> None:
    document = {**MINIMAL, "levels": ["Goal", "Objective"]}
    document["elements"] = [{"number": "1", "children": [{"number": "2"}]}, {"number": "2"}]

    assert "2 appears twice" in error_of(document)


def test_two_metrics_with_the_same_name_under_one_element_are_refused() -> None:
    document = with_metric({"name": "Removals", "owner_office": "ERO"})
    document["elements"][0]["children"][1]["metrics"].append(
        {"name": "Removals", "owner_office": "HSI"}
    )

    message = error_of(document)

    assert "1.2" in message
    assert "'Removals'" in message


# Writing and round trip ------------------------------------------------------------------


def test_full_document_survives_a_round_trip_unchanged() -> None:
    document = full_document()

    assert document_from_spec(parse_plan_document(copy.deepcopy(document))) == document


def test_minimal_document_round_trips_to_its_normal_form() -> None:
    normal = {
        "slug": "ice-plan",
        "title": "ICE Strategic Plan",
        "levels": ["Goal"],
        "owner_office": "",
        "status": "draft",
        "start_fiscal_year": None,
        "end_fiscal_year": None,
        "mission": "",
        "vision": "",
        "values": "",
        "elements": [],
    }

    assert document_from_spec(parse_plan_document(MINIMAL)) == normal
    assert document_from_spec(parse_plan_document(normal)) == normal


def test_baseline_is_written_without_trailing_zeros_or_exponent() -> None:
    metric = {
        "name": "R",
        "owner_office": "ERO",
        "baseline_value": "1500.0000",
        "baseline_fiscal_year": 2020,
    }

    document = document_from_spec(parse_plan_document(with_metric(metric)))

    assert document["elements"][0]["children"][1]["metrics"][0]["baseline_value"] == "1500"


def test_writing_then_reading_gives_back_the_same_spec() -> None:
    spec = parse_plan_document(full_document())

    assert parse_plan_document(document_from_spec(spec)) == spec


# Walk and counts -----------------------------------------------------------------------


def small_spec() -> PlanSpec:
    return PlanSpec(
        slug="p",
        title="P",
        levels=["Goal", "Objective", "Sub-objective"],
        elements=[
            ElementSpec(
                "1",
                "A",
                children=[
                    ElementSpec("1.1", "B", children=[ElementSpec("1.1.1", "C")]),
                    ElementSpec("1.2", "D"),
                ],
            ),
            ElementSpec("2", "E", children=[ElementSpec("2.1", "F")]),
        ],
    )


def test_walk_goes_depth_first_in_document_order_with_levels_and_parents() -> None:
    walked = [
        (level, parent.number if parent else None, element.number)
        for level, parent, element in small_spec().walk()
    ]

    assert walked == [
        (1, None, "1"),
        (2, "1", "1.1"),
        (3, "1.1", "1.1.1"),
        (2, "1", "1.2"),
        (1, None, "2"),
        (2, "2", "2.1"),
    ]


def test_counts_give_elements_per_level() -> None:
    assert small_spec().counts() == [2, 3, 1]


def test_counts_of_an_empty_plan_are_zero_per_level() -> None:
    spec = PlanSpec(slug="p", title="P", levels=["Goal", "Objective"], elements=[])

    assert spec.counts() == [0, 0]


def test_counts_of_the_full_document() -> None:
    assert parse_plan_document(full_document()).counts() == [2, 3, 1]


def test_error_messages_are_plain_sentences_not_reprs() -> None:
    message = error_of({**MINIMAL, "status": "live"})

    assert re.fullmatch(r"document\.status: 'live' is not one of draft, active, archived", message)
