"""import_measures and export_measures: the file in, the same file shape out, and back."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from metrics.measures_export import COLUMNS
from metrics.models import Measurement, Target
from plans.models import Metric, Office, Plan

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "apr_measures.csv"


def call(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot(plan: Plan) -> list[tuple]:
    """Everything the import writes, keyed by names rather than ids."""
    metrics = Metric.objects.filter(element__plan=plan).select_related("element__parent")
    rows = []
    for m in metrics.order_by("element__number", "order"):
        rows.append(
            (
                m.element.parent.title,
                m.element.title,
                m.element.number,
                m.name,
                m.unit,
                m.unit_label,
                m.direction,
                m.aggregation,
                m.definition,
                m.owner_office.code,
                m.allowed_min,
                m.allowed_max,
                sorted(
                    (t.fiscal_year, t.quarter or 0, t.value, t.min_value, t.max_value)
                    for t in m.targets.all()
                ),
                sorted(
                    (v.fiscal_year, v.quarter or 0, v.value, v.explanation, v.status)
                    for v in m.measurements.all()
                ),
            )
        )
    return rows


def test_import_reports_counts_and_reimport_changes_nothing(plan: Plan) -> None:
    out, _err = call("import_measures", str(SAMPLE), "--plan", plan.slug)
    assert "Metrics: 9 created, 0 updated, 0 unchanged." in out
    assert "Plan ice-plan updated." in out
    out, _err = call("import_measures", str(SAMPLE), "--plan", plan.slug)
    assert "Metrics: 0 created, 0 updated, 9 unchanged." in out
    assert "Actuals: 0 created, 0 updated, 10 unchanged." in out


def test_a_new_plan_is_created_with_title_and_owner(offices: dict[str, Office]) -> None:
    out, _err = call(
        "import_measures", str(SAMPLE), "--plan", "apr", "--title", "APR", "--owner", "dhs"
    )
    assert "Plan apr created." in out
    assert Plan.objects.get(slug="apr").owner == offices["DHS"]


def test_a_new_plan_without_a_title_is_refused(offices: dict[str, Office]) -> None:
    with pytest.raises(CommandError, match="give a title"):
        call("import_measures", str(SAMPLE), "--plan", "apr")


def test_one_bad_row_saves_nothing_and_lists_the_row(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(SAMPLE.read_text(encoding="utf-8-sig") + "G,O,KPI,2021,ten,,,,,,,,\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 row\\(s\\) cannot be imported; nothing was saved"):
        call_command("import_measures", str(path), "--plan", plan.slug, stderr=err)
    assert "Row 13 (line 15 in a text editor): Target 'ten' is not a number." in err.getvalue()
    assert not plan.elements.exists()


def test_skip_bad_rows_imports_the_others(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(SAMPLE.read_text(encoding="utf-8-sig") + "G,O,KPI,2021,ten,,,,,,,,\n")
    out, err = call("import_measures", str(path), "--plan", plan.slug, "--skip-bad-rows")
    assert "Skipped Row 13" in err
    assert "Read 12 row(s); skipped 1." in out
    assert Metric.objects.filter(element__plan=plan).count() == 9


def test_dry_run_saves_nothing(plan: Plan) -> None:
    out, _err = call("import_measures", str(SAMPLE), "--plan", plan.slug, "--dry-run")
    assert "Goals: 2 created" in out
    assert "Dry run: nothing was saved." in out
    assert not plan.elements.exists()


def test_map_names_columns_the_guess_cannot_find(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "agency.csv"
    path.write_text("Pillar,Aim,Indicator Title,Period,Goal Value,Outcome\nP,A,KPI,FY2021 Q2,5,6\n")
    call(
        "import_measures",
        str(path),
        "--plan",
        plan.slug,
        "--map",
        "goal=Pillar",
        "--map",
        "objective=aim",
        "--map",
        "metric=Indicator Title",
        "--map",
        "target=Goal Value",
        "--map",
        "actual=Outcome",
    )
    value = Measurement.objects.get()
    assert (value.metric.name, value.fiscal_year, value.quarter, value.value) == (
        "KPI",
        2021,
        2,
        Decimal(6),
    )
    assert Target.objects.get().value == Decimal(5)


def test_an_unknown_field_in_map_is_refused(plan: Plan) -> None:
    with pytest.raises(CommandError, match="Unknown field 'colour'"):
        call("import_measures", str(SAMPLE), "--plan", plan.slug, "--map", "colour=Goal")


def test_export_writes_the_import_shape(plan: Plan) -> None:
    call("import_measures", str(SAMPLE), "--plan", plan.slug)
    out, _err = call("export_measures", "--plan", plan.slug)
    lines = out.splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1] == (
        "Goal 1: Secure the Border,1.1 Detect threats at ports,Percent of cargo screened,2021,,"
        '95%,97%,,,Percent,Increase,"Share of inbound cargo'
    )
    assert "'-5%,'-2.5%" in out  # defused for spreadsheets, read back by the import


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_exported_file_imports_back_to_the_same_data(
    plan: Plan, offices: dict[str, Office], tmp_path: Path, file_format: str
) -> None:
    call("import_measures", str(SAMPLE), "--plan", plan.slug)
    exported = tmp_path / f"measures.{file_format}"
    call("export_measures", "--plan", plan.slug, "--format", file_format, "--output", str(exported))

    out, _err = call("import_measures", str(exported), "--plan", plan.slug)
    assert "Metrics: 0 created, 0 updated, 9 unchanged." in out
    assert "Targets: 0 created, 0 updated, 11 unchanged." in out

    call("import_measures", str(exported), "--plan", "copy", "--title", "Copy", "--owner", "ICE")
    assert snapshot(Plan.objects.get(slug="copy")) == snapshot(plan)


def test_quarterly_values_round_trip(plan: Plan, tmp_path: Path) -> None:
    source = tmp_path / "quarters.csv"
    source.write_text(
        "Goal,Objective,KPI,Year,Quarter,Target,Actual,Unit\n"
        "G,O,Arrests,2021,Q1,10,12,Raw Count\nG,O,Arrests,2021,Q2,10,9,Raw Count\n"
        "G,O,Arrests,2021,,40,,Raw Count\n"
    )
    call("import_measures", str(source), "--plan", plan.slug)
    exported = tmp_path / "out.csv"
    call("export_measures", "--plan", plan.slug, "--output", str(exported))
    rows = exported.read_text().splitlines()
    assert [row.split(",")[3:7] for row in rows[1:]] == [
        ["2021", "1", "10", "12"],
        ["2021", "2", "10", "9"],
        ["2021", "", "40", ""],
    ]
    out, _err = call("import_measures", str(exported), "--plan", plan.slug)
    assert "Actuals: 0 created, 0 updated, 2 unchanged." in out


def test_export_of_an_unknown_plan_is_refused(db: None) -> None:
    with pytest.raises(CommandError, match="No plan with slug 'nope'"):
        call("export_measures", "--plan", "nope")
