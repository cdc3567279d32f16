"""import_plan and export_plan: outlines in, JSON out and back, all or nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plans.models import Metric, Office, Plan, PlanElement
from plans.seed import load_seed_data
from tests.factories import MetricFactory

OUTLINE = """\
Goal 1: Protect the Homeland
Objective 1.1: Investigate Threats
1.1.1: Share Intelligence
1.1.2: Manage Risk
Goal 2: Strengthen Partnerships
Objective 2.1: Coordinate Within the Department
"""


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def outline_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.txt"
    path.write_text(OUTLINE, encoding="utf-8")
    return path


def test_import_plan_saves_an_outline_and_prints_the_count_per_level(
    offices: dict[str, Office], outline_file: Path
) -> None:
    out = run("import_plan", str(outline_file), "--slug", "new", "--title", "New", "--owner", "ICE")
    assert "Found 2 goals, 2 objectives, 2 sub-objectives." in out
    plan = Plan.objects.get(slug="new")
    assert (plan.title, plan.owner.code) == ("New", "ICE")
    assert dict(plan.elements.values_list("number", "title"))["1.1.2"] == "Manage Risk"
    assert plan.elements.get(number="1.1.1").parent.number == "1.1"


def test_import_plan_takes_level_names_from_the_command_line(
    offices: dict[str, Office], outline_file: Path
) -> None:
    run(
        *("import_plan", str(outline_file), "--slug", "dro", "--title", "DRO", "--owner", "ERO"),
        *("--levels", "Goal,Objective,Strategy"),
    )
    assert Plan.objects.get(slug="dro").level_names == ["Goal", "Objective", "Strategy"]


def test_malformed_outline_is_rejected_with_its_line_and_nothing_is_saved(
    offices: dict[str, Office], tmp_path: Path
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("Goal 1: Fine\n1.1: Also fine\n1.1.1.1: Too deep\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"line 3: .*Nothing was saved"):
        run("import_plan", str(path), "--slug", "bad", "--title", "Bad", "--owner", "ICE")
    assert not Plan.objects.filter(slug="bad").exists()
    assert not PlanElement.objects.exists()


def test_import_plan_needs_a_slug_and_a_known_owner(
    offices: dict[str, Office], outline_file: Path
) -> None:
    with pytest.raises(CommandError, match="--slug is required"):
        run("import_plan", str(outline_file), "--title", "X")
    with pytest.raises(CommandError, match="No office with code 'NOPE'"):
        run("import_plan", str(outline_file), "--slug", "x", "--title", "X", "--owner", "NOPE")
    assert not Plan.objects.exists()


def test_reimporting_an_outline_keeps_the_plans_metrics_and_statements(
    offices: dict[str, Office], outline_file: Path
) -> None:
    run("import_plan", str(outline_file), "--slug", "p", "--title", "P", "--owner", "ICE")
    plan = Plan.objects.get(slug="p")
    Plan.objects.filter(pk=plan.pk).update(mission="Our mission.")
    metric = MetricFactory(element=plan.elements.get(number="1.1.1"), owner_office=offices["ERO"])
    out = run("import_plan", str(outline_file), "--slug", "p")
    assert "0 rows written" in out
    assert Metric.objects.filter(pk=metric.pk).exists()
    assert Plan.objects.get(slug="p").mission == "Our mission."


def test_an_outline_that_drops_an_element_holding_a_metric_is_refused(
    offices: dict[str, Office], outline_file: Path, tmp_path: Path
) -> None:
    run("import_plan", str(outline_file), "--slug", "p", "--title", "P", "--owner", "ICE")
    MetricFactory(element=PlanElement.objects.get(number="1.1.2"), owner_office=offices["ERO"])
    shorter = tmp_path / "shorter.txt"
    shorter.write_text(OUTLINE.replace("1.1.2: Manage Risk\n", ""), encoding="utf-8")
    with pytest.raises(CommandError, match="hold data"):
        run("import_plan", str(shorter), "--slug", "p")
    assert PlanElement.objects.filter(number="1.1.2").exists()


@pytest.mark.parametrize("slug", ["ice-sp-2021-2025", "dhs-wps-ip-2024", "dro-sp"])
def test_each_seed_plan_round_trips_through_export_and_json_import(
    db: None, tmp_path: Path, slug: str
) -> None:
    load_seed_data()
    exported = tmp_path / "plan.json"
    run("export_plan", slug, "--output", str(exported))
    assert "0 rows written" in run("import_plan", str(exported), "--format", "json")

    run("import_plan", str(exported), "--format", "json", "--slug", "copy")
    original = json.loads(exported.read_text(encoding="utf-8"))
    copy = json.loads(run("export_plan", "copy"))
    assert copy == {**original, "slug": "copy"}
    assert len(original["elements"]) == Plan.objects.get(slug=slug).elements.filter(level=1).count()


def test_export_plan_prints_the_documented_shape(db: None) -> None:
    load_seed_data()
    document = json.loads(run("export_plan", "dhs-wps-ip-2024"))
    assert {"slug", "title", "levels", "elements"} <= document.keys()
    action = document["elements"][0]["children"][0]["children"][0]
    assert {"number", "title", "description", "outcomes", "metrics", "children"} <= action.keys()
    metric = action["metrics"][0]
    assert {
        "name", "kind", "unit", "direction", "aggregation", "frequency", "owner_office",
        "data_source",
    } <= metric.keys()  # fmt: skip
    assert action["number"] == "1.1.1"
    assert action["outcomes"]


def test_json_import_names_the_bad_key_and_saves_nothing(
    offices: dict[str, Office], tmp_path: Path
) -> None:
    document = {
        "slug": "j",
        "title": "J",
        "levels": ["Goal", "Objective"],
        "owner_office": "ICE",
        "elements": [
            {
                "number": "1",
                "title": "G",
                "metrics": [{"name": "M", "owner_office": "ERO", "kind": "ratio"}],
            }
        ],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match=r"elements\[0\]\.metrics\[0\]\.kind: 'ratio'"):
        run("import_plan", str(path), "--format", "json")
    path.write_text('{"slug": "j",\n "title": }', encoding="utf-8")
    with pytest.raises(CommandError, match="line 2: not valid JSON"):
        run("import_plan", str(path), "--format", "json")
    assert not Plan.objects.exists()


def test_export_plan_of_an_unknown_slug_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="No plan with slug 'nope'"):
        run("export_plan", "nope")
