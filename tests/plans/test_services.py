"""save_plan and save_offices: upserts that write only what changed, all or nothing.

The offices come from tests/conftest.py: DHS -> ICE -> {ERO, HSI}, DHS -> FEMA.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.exchange import spec_for_plan
from plans.models import Metric, Office, Plan, PlanElement
from plans.plan_document import ElementSpec, MetricSpec, PlanSpec
from plans.services import PlanImportError, save_offices, save_plan
from tests.factories import PlanElementFactory, PlanFactory


def removals(**overrides: object) -> MetricSpec:
    values: dict[str, object] = {
        "name": "Removals completed",
        "owner_office": "ERO",
        "aggregation": "sum",
        "data_source": "EID",
        "baseline_value": Decimal("1500"),
        "baseline_fiscal_year": 2020,
        "comparison": "prior_year",
    }
    return MetricSpec(**{**values, **overrides})


def ice_spec() -> PlanSpec:
    """2 goals, 3 objectives, 1 sub-objective; one metric on goal 1 and one on 1.2.1."""
    return PlanSpec(
        slug="ice-plan",
        title="ICE Strategic Plan",
        levels=["Goal", "Objective", "Sub-objective"],
        owner_office="ICE",
        status="active",
        start_fiscal_year=2021,
        end_fiscal_year=2025,
        mission="Protect America.",
        elements=[
            ElementSpec(
                "1",
                "Secure the border",
                description="Land, sea and air.",
                metrics=[removals()],
                children=[
                    ElementSpec("1.1", "Patrol the land border"),
                    ElementSpec(
                        "1.2",
                        "",
                        outcomes=["Fewer crossings"],
                        children=[
                            ElementSpec(
                                "1.2.1",
                                "Expand biometric exit",
                                metrics=[
                                    MetricSpec(
                                        name="Share of airports with biometric exit",
                                        owner_office="HSI",
                                        kind="percentage",
                                        unit="percent",
                                        aggregation="latest",
                                    )
                                ],
                            )
                        ],
                    ),
                ],
            ),
            ElementSpec("2", "Recover from disasters", children=[ElementSpec("2.1", "Rebuild")]),
        ],
    )


def element(number: str) -> PlanElement:
    return PlanElement.objects.get(plan__slug="ice-plan", number=number)


def history_rows() -> tuple[int, int, int]:
    return Plan.history.count(), PlanElement.history.count(), Metric.history.count()


@pytest.fixture
def saved(offices: dict[str, Office]) -> Plan:
    return save_plan(spec=ice_spec()).plan


# Creating ------------------------------------------------------------------------------------


def test_save_plan_creates_the_plan_from_the_spec(offices: dict[str, Office]) -> None:
    summary = save_plan(spec=ice_spec())

    assert summary.created is True
    assert summary.counts == [2, 3, 1]
    assert summary.written == 1 + 6 + 2  # the plan, its elements, its metrics
    plan = Plan.objects.get(slug="ice-plan")
    assert summary.plan == plan
    assert plan.owner == offices["ICE"]
    assert plan.status == Plan.Status.ACTIVE
    assert plan.fiscal_year_span == "FY2021-FY2025"
    assert plan.level_names == ["Goal", "Objective", "Sub-objective"]


def test_save_plan_creates_the_tree_with_levels_parents_and_order(
    offices: dict[str, Office],
) -> None:
    save_plan(spec=ice_spec())

    stored = {
        e.number: (e.level, e.parent.number if e.parent else None, e.order)
        for e in PlanElement.objects.select_related("parent")
    }
    assert stored == {
        "1": (1, None, 1),
        "2": (1, None, 2),
        "1.1": (2, "1", 1),
        "1.2": (2, "1", 2),
        "2.1": (2, "2", 1),
        "1.2.1": (3, "1.2", 1),
    }
    assert element("1.2").title == ""
    assert element("1.2").outcomes == ["Fewer crossings"]
    assert element("1").description == "Land, sea and air."


def test_save_plan_creates_the_metrics_with_their_definitions(offices: dict[str, Office]) -> None:
    save_plan(spec=ice_spec())

    metric = Metric.objects.get(name="Removals completed")
    assert metric.element == element("1")
    assert metric.owner_office == offices["ERO"]
    assert metric.data_source == "EID"
    assert metric.baseline_value == Decimal("1500")
    assert metric.baseline_fiscal_year == 2020
    assert metric.compares_with_prior_year is True
    share = Metric.objects.get(name="Share of airports with biometric exit")
    assert share.element == element("1.2.1")
    assert (share.kind, share.unit, share.aggregation) == ("percentage", "percent", "latest")
    assert share.owner_office == offices["HSI"]


def test_an_owner_passed_in_wins_over_the_spec(offices: dict[str, Office]) -> None:
    spec = ice_spec()
    spec.owner_office = ""

    plan = save_plan(spec=spec, owner=offices["DHS"]).plan

    assert plan.owner == offices["DHS"]


# Saving again -------------------------------------------------------------------------------


def test_saving_the_same_spec_again_writes_nothing(saved: Plan) -> None:
    before = history_rows()

    summary = save_plan(spec=ice_spec())

    assert summary.created is False
    assert summary.written == 0
    assert history_rows() == before


def test_saving_an_unchanged_plan_costs_the_same_queries_whatever_its_size(
    offices: dict[str, Office],
) -> None:
    def plan_spec(slug: str, goals: int, objectives: int) -> PlanSpec:
        return PlanSpec(
            slug=slug,
            title=slug,
            levels=["Goal", "Objective"],
            owner_office="ICE",
            elements=[
                ElementSpec(
                    f"{g}",
                    f"Goal {g}",
                    metrics=[MetricSpec(name=f"Metric {g}", owner_office="ERO")],
                    children=[
                        ElementSpec(f"{g}.{o}", f"Objective {g}.{o}")
                        for o in range(1, objectives + 1)
                    ],
                )
                for g in range(1, goals + 1)
            ],
        )

    small, large = plan_spec("small", 1, 1), plan_spec("large", 3, 10)
    save_plan(spec=small)
    save_plan(spec=large)

    with CaptureQueriesContext(connection) as small_queries:
        save_plan(spec=small)
    with CaptureQueriesContext(connection) as large_queries:
        save_plan(spec=large)

    assert len(large_queries) == len(small_queries)


def test_saving_unchanged_links_costs_the_same_queries_whatever_their_number(
    offices: dict[str, Office],
) -> None:
    other = PlanFactory(slug="dhs-plan", owner=offices["DHS"])
    for n in range(1, 31):
        PlanElementFactory(plan=other, number=f"{n}")

    def linked_spec(slug: str, links: int) -> PlanSpec:
        metric = MetricSpec(
            name="Removals",
            owner_office="ERO",
            also_supports=[f"dhs-plan:{n}" for n in range(1, links + 1)],
        )
        return PlanSpec(
            slug=slug,
            title=slug,
            levels=["Goal"],
            owner_office="ICE",
            elements=[ElementSpec("1", "Goal 1", metrics=[metric])],
        )

    small, large = linked_spec("small", 1), linked_spec("large", 30)
    save_plan(spec=small)
    save_plan(spec=large)

    with CaptureQueriesContext(connection) as small_queries:
        save_plan(spec=small)
    with CaptureQueriesContext(connection) as large_queries:
        save_plan(spec=large)

    assert len(large_queries) == len(small_queries)


def test_changing_one_title_writes_one_row_and_one_history_row(saved: Plan) -> None:
    spec = ice_spec()
    spec.elements[0].children[0].title = "Patrol the land and sea borders"
    plans_before, elements_before, metrics_before = history_rows()

    summary = save_plan(spec=spec)

    assert summary.written == 1
    assert element("1.1").title == "Patrol the land and sea borders"
    assert history_rows() == (plans_before, elements_before + 1, metrics_before)
    latest = element("1.1").history.first()
    assert latest.title == "Patrol the land and sea borders"
    assert latest.history_type == "~"


def test_changing_a_plan_field_writes_the_plan_row_only(saved: Plan) -> None:
    spec = ice_spec()
    spec.vision = "A safer nation."

    summary = save_plan(spec=spec)

    assert summary.written == 1
    saved.refresh_from_db()
    assert saved.vision == "A safer nation."


def test_an_element_dropped_from_the_spec_is_deleted(saved: Plan) -> None:
    spec = ice_spec()
    spec.elements[1].children = []  # drops 2.1

    summary = save_plan(spec=spec)

    assert summary.written == 1
    assert not PlanElement.objects.filter(number="2.1").exists()
    assert saved.elements.count() == 5


def test_dropping_an_element_drops_its_children(saved: Plan) -> None:
    spec = ice_spec()
    spec.elements = [spec.elements[0]]  # drops goal 2 and objective 2.1

    save_plan(spec=spec)

    assert sorted(saved.elements.values_list("number", flat=True)) == ["1", "1.1", "1.2", "1.2.1"]


def test_a_full_save_deletes_a_dropped_element_with_its_metrics(saved: Plan) -> None:
    spec = ice_spec()
    spec.elements[0].children[1].children = []  # drops 1.2.1 and its metric

    summary = save_plan(spec=spec)

    assert summary.written == 2
    assert not PlanElement.objects.filter(number="1.2.1").exists()
    assert list(Metric.objects.values_list("name", flat=True)) == ["Removals completed"]


def test_a_metric_dropped_from_a_full_save_is_deleted(saved: Plan) -> None:
    spec = ice_spec()
    spec.elements[0].metrics = []

    save_plan(spec=spec)

    assert not Metric.objects.filter(name="Removals completed").exists()


def test_an_outline_save_keeps_metrics_it_cannot_express(saved: Plan) -> None:
    spec = ice_spec()
    for _level, _parent, spec_element in spec.walk():
        spec_element.metrics = []

    summary = save_plan(spec=spec, keep_metrics=True)

    assert summary.written == 0
    assert Metric.objects.count() == 2


def test_an_outline_save_dropping_an_element_with_a_metric_is_refused_and_saves_nothing(
    saved: Plan,
) -> None:
    spec = ice_spec()
    for _level, _parent, spec_element in spec.walk():
        spec_element.metrics = []
    spec.elements[0].title = "Secure every border"  # would be written before the refusal
    spec.elements[0].children[1].children = []  # drops 1.2.1, which holds a metric
    before = history_rows()

    with pytest.raises(PlanImportError, match="leaves out elements or metrics that hold data"):
        save_plan(spec=spec, keep_metrics=True)

    assert element("1").title == "Secure the border"
    assert PlanElement.objects.filter(number="1.2.1").exists()
    assert Metric.objects.count() == 2
    assert history_rows() == before


# Refusing ------------------------------------------------------------------------------------


def test_an_unknown_owner_office_is_refused_naming_the_code(offices: dict[str, Office]) -> None:
    spec = ice_spec()
    spec.owner_office = "XYZ"

    with pytest.raises(PlanImportError, match="'XYZ'"):
        save_plan(spec=spec)

    assert not Plan.objects.exists()


def test_a_missing_owner_office_is_refused(offices: dict[str, Office]) -> None:
    spec = ice_spec()
    spec.owner_office = ""

    with pytest.raises(PlanImportError, match="No office given"):
        save_plan(spec=spec)

    assert not Plan.objects.exists()


def test_an_unknown_metric_owner_is_refused_naming_the_code_and_saves_nothing(
    offices: dict[str, Office],
) -> None:
    spec = ice_spec()
    spec.elements[0].metrics = [removals(owner_office="NOPE")]

    with pytest.raises(PlanImportError, match=r"'NOPE'.*'Removals completed'"):
        save_plan(spec=spec)

    assert not Plan.objects.exists()
    assert not PlanElement.objects.exists()


def test_two_metrics_with_the_same_name_under_one_element_are_refused_as_an_import_error(
    offices: dict[str, Office],
) -> None:
    spec = ice_spec()
    spec.elements[0].metrics = [removals(), removals(owner_office="HSI")]

    with pytest.raises(PlanImportError):
        save_plan(spec=spec)

    assert not Plan.objects.exists()


def test_a_plan_whose_start_year_is_after_its_end_is_refused_as_an_import_error(
    offices: dict[str, Office],
) -> None:
    spec = ice_spec()
    spec.start_fiscal_year, spec.end_fiscal_year = 2025, 2021

    with pytest.raises(PlanImportError):
        save_plan(spec=spec)

    assert not Plan.objects.exists()


# Metrics supporting other plans -------------------------------------------------------------


@pytest.fixture
def dhs_objective(offices: dict[str, Office]) -> PlanElement:
    dhs_plan = PlanFactory(slug="dhs-plan", title="DHS Strategic Plan", owner=offices["DHS"])
    goal = PlanElementFactory(plan=dhs_plan, number="2", title="Secure the borders")
    return PlanElementFactory(parent=goal, number="2.1", title="Prevent illegal entry")


def test_also_supports_links_a_metric_to_an_element_of_another_plan(
    dhs_objective: PlanElement,
) -> None:
    spec = ice_spec()
    spec.elements[0].metrics = [removals(also_supports=["dhs-plan:2.1"])]

    save_plan(spec=spec)

    metric = Metric.objects.get(name="Removals completed")
    assert list(metric.also_supports.all()) == [dhs_objective]


def test_an_unknown_also_supports_reference_is_refused_and_saves_nothing(
    dhs_objective: PlanElement,
) -> None:
    spec = ice_spec()
    spec.elements[0].metrics = [removals(also_supports=["dhs-plan:9.9"])]

    with pytest.raises(PlanImportError, match=re.escape("'dhs-plan:9.9'")):
        save_plan(spec=spec)

    assert not Plan.objects.filter(slug="ice-plan").exists()
    assert not Metric.objects.exists()


def test_a_link_dropped_from_the_spec_is_removed(dhs_objective: PlanElement) -> None:
    spec = ice_spec()
    spec.elements[0].metrics = [removals(also_supports=["dhs-plan:2.1"])]
    save_plan(spec=spec)

    summary = save_plan(spec=ice_spec())

    assert summary.written == 1
    assert not Metric.objects.get(name="Removals completed").also_supports.exists()


def test_unchanged_links_write_nothing(dhs_objective: PlanElement) -> None:
    spec = ice_spec()
    spec.elements[0].metrics = [removals(also_supports=["dhs-plan:2.1"])]
    save_plan(spec=spec)

    assert save_plan(spec=copy.deepcopy(spec)).written == 0


# Round trip through spec_for_plan ----------------------------------------------------------


def test_spec_for_plan_gives_back_the_saved_spec(dhs_objective: PlanElement) -> None:
    spec = ice_spec()
    spec.elements[0].metrics = [removals(also_supports=["dhs-plan:2.1"])]
    plan = save_plan(spec=spec).plan

    assert spec_for_plan(plan) == spec


def test_saving_the_exported_spec_writes_nothing(dhs_objective: PlanElement) -> None:
    spec = ice_spec()
    spec.elements[0].metrics = [removals(also_supports=["dhs-plan:2.1"])]
    plan = save_plan(spec=spec).plan
    before = history_rows()

    summary = save_plan(spec=spec_for_plan(plan))

    assert summary.written == 0
    assert history_rows() == before


def test_spec_for_plan_of_a_two_level_plan_has_two_levels(offices: dict[str, Office]) -> None:
    spec = PlanSpec(
        slug="two", title="Two", levels=["Line of Effort", "Goal"], owner_office="ICE", elements=[]
    )
    plan = save_plan(spec=spec).plan

    assert spec_for_plan(plan).levels == ["Line of Effort", "Goal"]
    assert save_plan(spec=spec_for_plan(plan)).written == 0


# save_offices ------------------------------------------------------------------------------


OFFICE_ROWS = [
    {"code": "CBP", "name": "Customs and Border Protection", "kind": "agency", "parent": ""},
    {"code": "OFO", "name": "Field Operations", "kind": "directorate", "parent": "CBP"},
    {
        "code": "USBP",
        "name": "Border Patrol",
        "kind": "directorate",
        "parent": "CBP",
        "description": "Between the ports.",
    },
]


def test_save_offices_creates_offices_with_their_parents(db: None) -> None:
    written = save_offices(offices=OFFICE_ROWS)

    assert written == 3
    ofo = Office.objects.select_related("parent").get(code="OFO")
    assert ofo.parent.code == "CBP"
    assert ofo.kind == Office.Kind.DIRECTORATE
    assert Office.objects.get(code="CBP").parent is None
    assert Office.objects.get(code="USBP").description == "Between the ports."


def test_save_offices_again_writes_nothing(db: None) -> None:
    save_offices(offices=OFFICE_ROWS)

    assert save_offices(offices=copy.deepcopy(OFFICE_ROWS)) == 0
    assert Office.objects.count() == 3


def test_save_offices_updates_a_changed_name(db: None) -> None:
    save_offices(offices=OFFICE_ROWS)
    rows = copy.deepcopy(OFFICE_ROWS)
    rows[1]["name"] = "Office of Field Operations"

    assert save_offices(offices=rows) == 1
    assert Office.objects.get(code="OFO").name == "Office of Field Operations"


def test_save_offices_rejects_an_unknown_parent_and_saves_nothing(db: None) -> None:
    rows = [
        *OFFICE_ROWS,
        {"code": "AMO", "name": "Air and Marine", "kind": "directorate", "parent": "XX"},
    ]

    with pytest.raises(PlanImportError, match=r"'XX'.*office AMO"):
        save_offices(offices=rows)

    assert not Office.objects.exists()
