"""import_measures: plans, elements and metrics from the parsed file, values as approved
history, idempotent, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from metrics.measures_import import ParsedMeasures, guess_mapping, parse_measures, read_table
from metrics.measures_services import MeasuresImportError, import_measures
from metrics.models import Measurement, Target
from plans.models import Metric, Office, Plan, PlanElement
from tests.factories import MeasurementFactory, MetricFactory, PlanElementFactory

DATA = Path(__file__).parent / "data"
HEADER = "Goal,Strategic Objective,KPI,Year,Target,Actual,Unit,Desired Direction,Notes,Office\n"


def parsed(text: str) -> ParsedMeasures:
    table = read_table(text.encode(), "m.csv")
    return parse_measures(table, guess_mapping(table.headers))


def sample() -> ParsedMeasures:
    table = read_table((DATA / "apr_measures.csv").read_bytes(), "apr_measures.csv")
    return parse_measures(table, guess_mapping(table.headers))


def run(plan: Plan, data: ParsedMeasures, **options):
    return import_measures(parsed=data, plan_slug=plan.slug, source="m.csv", **options)


def test_import_creates_goals_objectives_and_metrics_numbered_in_order_of_appearance(
    plan: Plan,
) -> None:
    report = run(plan, sample())
    elements = list(plan.elements.order_by("level", "number").values_list("number", "title"))
    assert elements == [
        ("1", "Goal 1: Secure the Border"),
        ("2", "Goal 2: Protect Communities"),
        ("1.1", "1.1 Detect threats at ports"),
        ("1.2", "1.2 Enforce immigration law"),
        ("2.1", "2.1 Reduce harm"),
        ("2.2", "2.2 Invest"),
    ]
    assert [str(report.tallies[k]) for k in ("goals", "objectives", "metrics")] == [
        "2 created, 0 updated, 0 unchanged",
        "4 created, 0 updated, 0 unchanged",
        "9 created, 0 updated, 0 unchanged",
    ]
    assert str(report.tallies["targets"]) == "11 created, 0 updated, 0 unchanged"
    assert str(report.tallies["actuals"]) == "10 created, 0 updated, 0 unchanged"


def test_values_are_stored_approved_with_history_rows_and_notes(plan: Plan, lead) -> None:
    run(plan, sample(), user=lead)
    cargo = Metric.objects.get(name="Percent of cargo screened")
    actual = cargo.measurements.get(fiscal_year=2022)
    assert (actual.value, actual.status, actual.quarter) == (
        Decimal(93),
        Measurement.Status.APPROVED,
        None,
    )
    assert actual.explanation == "Scanner outage in\nthe spring"
    assert actual.reviewed_by == lead
    history = actual.history.get()
    assert (history.history_user, history.history_change_reason) == (lead, "Imported from m.csv")
    assert cargo.targets.get(fiscal_year=2021).history.count() == 1


def test_metric_attributes_follow_the_file(plan: Plan, offices: dict[str, Office]) -> None:
    run(plan, sample())
    metrics = {m.name: m for m in Metric.objects.filter(element__plan=plan)}
    cargo = metrics["Percent of cargo screened"]
    assert (cargo.unit, cargo.direction, cargo.owner_office, cargo.frequency) == (
        "percent",
        "increase",
        offices["HSI"],
        "annual",
    )
    assert cargo.definition == "Share of inbound cargo\nscreened before arrival"
    assert metrics["Cases closed to date"].aggregation == Metric.Aggregation.CUMULATIVE
    satisfaction = metrics["Partner satisfaction"]
    assert (satisfaction.unit, satisfaction.unit_label, satisfaction.direction) == (
        "score",
        "5-point scale",
        "range",
    )
    assert (satisfaction.allowed_min, satisfaction.allowed_max) == (Decimal(1), Decimal(5))
    assert metrics["Change in backlog"].allowed_min == Decimal(-5)
    budget = metrics["Budget executed"]
    assert (budget.unit, budget.unit_label, budget.direction) == ("other", "Billions", "increase")
    assert metrics["Seized assets"].measurements.get().value == Decimal(1_800_000_000)
    occupancy = metrics["Detention occupancy rate"].targets.get()
    assert (occupancy.min_value, occupancy.max_value) == (Decimal(85), Decimal(95))


def test_reimporting_the_same_file_changes_nothing(plan: Plan) -> None:
    run(plan, sample())
    history = Measurement.history.count() + Target.history.count() + Metric.history.count()
    report = run(plan, sample())
    assert [report.tallies[k].unchanged for k in report.tallies] == [2, 4, 9, 11, 10]
    assert not any(t.created or t.updated for t in report.tallies.values())
    after = Measurement.history.count() + Target.history.count() + Metric.history.count()
    assert after == history


def test_existing_elements_are_matched_by_folded_title_and_keep_their_numbers(
    plan: Plan, offices: dict[str, Office]
) -> None:
    goal = PlanElementFactory(plan=plan, number="7", title="Enforce the law", order=1)
    objective = PlanElementFactory(parent=goal, number="7.3", title="Remove noncitizens")
    metric = MetricFactory(element=objective, name="Removals", owner_office=offices["ERO"])
    report = run(
        plan,
        parsed(
            HEADER + "ENFORCE THE LAW.,remove  noncitizens,removals,2021,10,12,,,,\n"
            "New goal,New objective,New KPI,2021,1,1,,,,\n"
        ),
    )
    assert metric.measurements.get().value == Decimal(12)
    assert metric.targets.get().value == Decimal(10)
    numbers = set(plan.elements.values_list("number", flat=True))
    assert numbers == {"7", "7.3", "1", "1.1"}
    assert report.tallies["goals"].unchanged == 1


def test_a_changed_value_updates_the_stored_one_with_a_new_version(plan: Plan) -> None:
    run(plan, parsed(HEADER + "G,O,KPI,2021,10,12,,,,\n"))
    report = run(plan, parsed(HEADER + "G,O,KPI,2021,10,13,,,,\n"))
    actual = Measurement.objects.get()
    assert (actual.value, actual.version) == (Decimal(13), 2)
    assert str(report.tallies["actuals"]) == "0 created, 1 updated, 0 unchanged"
    assert actual.history.count() == 2


def test_a_value_in_review_refuses_the_import(plan: Plan, offices: dict[str, Office]) -> None:
    goal = PlanElementFactory(plan=plan, number="1", title="G")
    objective = PlanElementFactory(parent=goal, number="1.1", title="O")
    metric = MetricFactory(element=objective, name="KPI", owner_office=offices["ERO"])
    MeasurementFactory(metric=metric, fiscal_year=2021, quarter=None, status="submitted")
    with pytest.raises(MeasuresImportError) as caught:
        run(plan, parsed(HEADER + "G,O,KPI,2021,10,12,,,,\n"))
    assert [str(p) for p in caught.value.problems] == [
        "Row 2: FY2021 of 'KPI' has a submitted value in the quarterly workflow; approve or "
        "return it before importing over it."
    ]
    assert not Target.objects.exists()


def test_an_unknown_office_is_a_bad_row_and_nothing_is_saved(plan: Plan) -> None:
    data = parsed(HEADER + "G,O,KPI,2021,10,12,,,,NOPE\nG,O,Other,2021,1,2,,,,ERO\n")
    with pytest.raises(MeasuresImportError, match="1 row"):
        run(plan, data)
    assert not PlanElement.objects.filter(plan=plan).exists()


def test_skip_bad_rows_imports_the_rest_and_lists_the_skipped(plan: Plan) -> None:
    data = parsed(
        HEADER + "G,O,KPI,2021,10,12,,,,NOPE\nG,O,Other,2021,1,2,,,,ERO\nG,O,Third,x,1,2,,,,\n"
    )
    report = run(plan, data, skip_bad_rows=True)
    assert [p.row for p in report.problems] == [2, 4]
    assert list(Metric.objects.values_list("name", flat=True)) == ["Other"]


def test_dry_run_counts_but_saves_nothing(plan: Plan) -> None:
    report = run(plan, sample(), dry_run=True)
    assert report.tallies["metrics"].created == 9
    assert not plan.elements.exists()


def test_a_new_plan_needs_a_title_and_an_owner(offices: dict[str, Office]) -> None:
    data = sample()
    with pytest.raises(MeasuresImportError, match="give a title"):
        import_measures(parsed=data, plan_slug="apr", source="m.csv")
    report = import_measures(
        parsed=data, plan_slug="apr", source="m.csv", title="APR", owner=offices["DHS"]
    )
    plan = report.plan
    assert report.plan_created
    assert (plan.title, plan.level_names, plan.start_fiscal_year, plan.end_fiscal_year) == (
        "APR",
        ["Goal", "Objective"],
        2021,
        2022,
    )


def test_a_milestone_metric_cannot_take_numbers(plan: Plan, offices: dict[str, Office]) -> None:
    goal = PlanElementFactory(plan=plan, number="1", title="G")
    objective = PlanElementFactory(parent=goal, number="1.1", title="O")
    MetricFactory(element=objective, name="Toolkit", kind="milestone", owner_office=offices["ERO"])
    with pytest.raises(MeasuresImportError) as caught:
        run(plan, parsed(HEADER + "G,O,Toolkit,2021,1,1,,,,\n"))
    assert "milestone" in caught.value.problems[0].message


def test_an_import_runs_a_bounded_number_of_queries(
    plan: Plan, django_assert_max_num_queries
) -> None:
    data = sample()
    with django_assert_max_num_queries(60):
        run(plan, data)
