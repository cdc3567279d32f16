"""The seed data loads exactly, and loading it again changes nothing."""

from __future__ import annotations

import filecmp
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from plans.models import Membership, Metric, Office, Plan, PlanElement, User
from plans.seed import DEMO_USERS, DOCUMENTS, load_seed_data

SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.fixture
def seeded(db: None) -> None:
    load_seed_data()


def _counts(slug: str) -> list[int]:
    elements = PlanElement.objects.filter(plan__slug=slug)
    return [elements.filter(level=level).count() for level in (1, 2, 3)]


@pytest.mark.parametrize(
    ("slug", "levels", "counts"),
    [
        ("ice-sp-2021-2025", ["Goal", "Objective", "Sub-objective"], [5, 17, 53]),
        ("dhs-wps-ip-2024", ["Line of Effort", "Goal", "Action"], [5, 10, 25]),
        ("dro-sp", ["Goal", "Objective", "Strategy"], [3, 10, 30]),
    ],
)
def test_each_seed_plan_loads_with_its_levels_and_counts(
    seeded: None, slug: str, levels: list[str], counts: list[int]
) -> None:
    assert Plan.objects.get(slug=slug).level_names == levels
    assert _counts(slug) == counts


def test_ice_plan_holds_its_mission_vision_values_and_exact_titles(seeded: None) -> None:
    plan = Plan.objects.get(slug="ice-sp-2021-2025")
    assert plan.mission.startswith("To protect America from national security")
    assert plan.vision.startswith("To be a premier law enforcement agency")
    assert [v.split(":")[0] for v in plan.values_list] == ["Integrity", "Courage", "Excellence"]
    assert (plan.owner.code, plan.fiscal_year_span) == ("ICE", "FY2021-FY2025")
    titles = dict(plan.elements.values_list("number", "title"))
    assert titles["4"] == (
        "Combat Organizations that Exploit Lawful Trade, Travel, and Financial Systems"
    )
    assert (
        titles["1.2.1"] == "Improve Employee Teamwork, Engagement, and Commitment to ICE's Mission"
    )
    assert titles["5.4.3"]
    assert all(titles.values())


def test_dro_plan_keeps_titles_the_excerpt_does_not_give_as_unknown(seeded: None) -> None:
    elements = {e.number: e for e in PlanElement.objects.filter(plan__slug="dro-sp")}
    assert elements["3"].title == ""
    assert elements["3.1"].title == ""
    assert elements["3"].display_title == "Title not given in the source"
    assert "3.1.1" not in elements
    assert "3.1.2" not in elements
    assert elements["3.1.3"].title.startswith("Enhance partnerships with local law enforcement")
    assert elements["4"].title == "Information Technology"


def test_wps_actions_carry_outcomes_and_metrics_owned_by_the_offices_named(seeded: None) -> None:
    action = PlanElement.objects.get(plan__slug="dhs-wps-ip-2024", number="1.2.1")
    assert action.title.startswith("S&T will pursue both internal and external interventions")
    assert "Increase participation of women in STEM positions." in action.outcomes
    owners = set(
        Metric.objects.filter(element__plan__slug="dhs-wps-ip-2024").values_list(
            "owner_office__code", flat=True
        )
    )
    assert {"S&T", "CCGBV", "FEMA", "FLETC", "CISA", "CBP", "ERO"} <= owners
    kinds = set(Metric.objects.values_list("kind", flat=True))
    assert kinds == {Metric.Kind.NUMERIC, Metric.Kind.PERCENTAGE, Metric.Kind.MILESTONE}


def test_offices_form_the_agency_tree(seeded: None) -> None:
    ihsc = Office.objects.select_related("parent__parent__parent").get(code="IHSC")
    assert [ihsc.parent.code, ihsc.parent.parent.code, ihsc.parent.parent.parent.code] == [
        "ERO",
        "ICE",
        "DHS",
    ]


def test_loading_twice_writes_nothing_and_adds_no_history(seeded: None) -> None:
    history_before = PlanElement.history.count() + Metric.history.count()
    report = load_seed_data()
    assert report.offices_written == 0
    assert [summary.written for summary in report.plans] == [0, 0, 0]
    assert PlanElement.history.count() + Metric.history.count() == history_before


def test_demo_users_are_not_created_with_debug_off(seeded: None) -> None:
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_demo_users_hold_one_role_each_with_debug_on(db: None) -> None:
    call_command("load_seed_data", stdout=io.StringIO())
    steward = User.objects.get(username="steward")
    assert steward.check_password("demo-password-2026")
    assert list(steward.memberships.values_list("office__code", "role")) == [
        ("ERO", Membership.Role.DATA_STEWARD)
    ]
    assert User.objects.get(username="admin").is_administrator
    assert User.objects.count() == len(DEMO_USERS)


@pytest.mark.skipif(not SHARED_SEEDS.exists(), reason="the shared seed folder is not beside")
def test_documents_in_the_repository_are_the_shared_seed_documents() -> None:
    for document in DOCUMENTS.glob("*.txt"):
        assert filecmp.cmp(document, SHARED_SEEDS / document.name, shallow=False), document.name
