"""Offices, plans, elements, the plan tree and metrics through the API (plans/api.py).

The plan belongs to ICE (under DHS, above ERO and HSI); FEMA is off its line. Roles in ICE
or ERO reach it; the outsider, a FEMA steward, reaches nothing of it and gets 404.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Membership, Metric, Office, Plan, PlanElement, User
from tests.factories import MetricFactory, OfficeFactory, PlanElementFactory, PlanFactory
from tests.queries import request_overhead

Role = Membership.Role


def ids(response) -> list:
    return [row.get("id", row.get("slug")) for row in response.json()["results"]]


@pytest.fixture
def fema_plan(offices: dict[str, Office]) -> Plan:
    return PlanFactory(title="FEMA Plan", slug="fema-plan", owner=offices["FEMA"])


# Offices ------------------------------------------------------------------------------------


def test_offices_list_the_line_of_the_users_roles(viewer_client: Client, offices) -> None:
    response = viewer_client.get(reverse("api:office-list"))

    assert response.status_code == 200
    codes = {row["code"] for row in response.json()["results"]}
    assert codes == {"DHS", "ICE", "ERO", "HSI"}  # ICE's line; FEMA is beside it


def test_administrator_sees_every_office(admin_client: Client, offices) -> None:
    response = admin_client.get(reverse("api:office-list"))

    assert {row["code"] for row in response.json()["results"]} == set(offices)


def test_outsider_gets_404_for_an_office_off_their_line(outsider_client: Client, offices) -> None:
    response = outsider_client.get(reverse("api:office-detail", args=[offices["ERO"].pk]))

    assert response.status_code == 404


def test_offices_filter_by_parent_code(admin_client: Client, offices, check_response) -> None:
    response = admin_client.get(reverse("api:office-list"), {"parent": "ICE"})

    check_response(response, "get", "/api/v1/offices/")
    assert {row["code"] for row in response.json()["results"]} == {"ERO", "HSI"}
    assert response.json()["results"][0]["parent"] == "ICE"


def test_anonymous_request_gets_401_not_a_redirect_to_sign_in(db) -> None:
    response = Client().get(reverse("api:office-list"))

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


# Plans ---------------------------------------------------------------------------------------


def test_plans_list_only_the_plans_the_user_reaches(
    viewer_client: Client, plan: Plan, fema_plan: Plan, check_response
) -> None:
    response = viewer_client.get(reverse("api:plan-list"))

    check_response(response, "get", "/api/v1/plans/")
    assert ids(response) == ["ice-plan"]
    assert response.json()["results"][0]["owner"] == "ICE"


def test_plan_detail_is_404_for_an_outsider(outsider_client: Client, plan: Plan) -> None:
    response = outsider_client.get(reverse("api:plan-detail", args=[plan.slug]))

    assert response.status_code == 404


def test_plan_detail_gives_level_names_and_values(
    steward_client: Client, plan: Plan, check_response
) -> None:
    plan.values = "Integrity\n\nCourage"
    plan.save()

    response = steward_client.get(reverse("api:plan-detail", args=[plan.slug]))

    check_response(response, "get", "/api/v1/plans/{slug}/")
    assert response.json()["level_names"] == ["Goal", "Objective", "Sub-objective"]
    assert response.json()["values"] == ["Integrity", "Courage"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"fiscal_year": 2023}, ["ice-plan"]),
        ({"fiscal_year": 2030}, ["fema-plan"]),
        ({"owner": "FEMA"}, ["fema-plan"]),
        ({"status": "archived"}, []),
    ],
)
def test_plans_filter_by_fiscal_year_owner_and_status(
    admin_client: Client, plan: Plan, fema_plan: Plan, query: dict, expected: list
) -> None:
    fema_plan.start_fiscal_year, fema_plan.end_fiscal_year = 2030, None  # FY2030 alone
    fema_plan.save()

    response = admin_client.get(reverse("api:plan-list"), query)

    assert ids(response) == expected


def test_an_invalid_filter_value_is_a_400_naming_the_parameter(
    admin_client: Client, plan: Plan, check_response
) -> None:
    response = admin_client.get(reverse("api:plan-list"), {"status": "finished"})

    check_response(response, "get", "/api/v1/plans/")
    assert response.status_code == 400
    assert "finished" in response.json()["status"][0]


def test_plans_are_read_only(lead_client: Client, plan: Plan) -> None:
    response = lead_client.delete(reverse("api:plan-detail", args=[plan.slug]))

    assert response.status_code == 405


# Elements and the tree ------------------------------------------------------------------------


@pytest.fixture
def outline(plan: Plan) -> dict[str, PlanElement]:
    goal_2 = PlanElementFactory(plan=plan, number="2", title="Second goal", order=2)
    goal_1 = PlanElementFactory(plan=plan, number="1", title="", order=1)
    objective = PlanElementFactory(parent=goal_1, number="1.1", title="Objective", order=1)
    action = PlanElementFactory(parent=objective, number="1.1.1", title="Action", order=1)
    MetricFactory(element=objective, owner_office=plan.owner)
    return {"1": goal_1, "2": goal_2, "1.1": objective, "1.1.1": action}


def test_plan_tree_nests_elements_in_the_plans_order(
    reporter_client: Client, plan: Plan, outline, check_response
) -> None:
    response = reporter_client.get(reverse("api:plan-tree", args=[plan.slug]))

    check_response(response, "get", "/api/v1/plans/{slug}/tree/")
    tree = response.json()
    assert [node["number"] for node in tree] == ["1", "2"]
    objective = tree[0]["children"][0]
    assert (objective["number"], objective["level_name"], objective["metric_count"]) == (
        "1.1",
        "Objective",
        1,
    )
    assert objective["children"][0]["number"] == "1.1.1"
    assert tree[0]["title"] == ""  # unknown titles stay unknown


def test_plan_tree_is_404_for_an_outsider(outsider_client: Client, plan: Plan, outline) -> None:
    response = outsider_client.get(reverse("api:plan-tree", args=[plan.slug]))

    assert response.status_code == 404


def test_elements_filter_by_plan_and_level(
    viewer_client: Client, plan: Plan, outline, check_response
) -> None:
    response = viewer_client.get(reverse("api:element-list"), {"plan": plan.slug, "level": 1})

    check_response(response, "get", "/api/v1/elements/")
    assert [row["number"] for row in response.json()["results"]] == ["1", "2"]


def test_elements_filter_by_parent(viewer_client: Client, outline) -> None:
    response = viewer_client.get(reverse("api:element-list"), {"parent": outline["1.1"].pk})

    assert [row["number"] for row in response.json()["results"]] == ["1.1.1"]


def test_element_detail_is_404_for_an_outsider(outsider_client: Client, outline) -> None:
    response = outsider_client.get(reverse("api:element-detail", args=[outline["1"].pk]))

    assert response.status_code == 404


def test_element_detail_names_its_level(viewer_client: Client, outline, check_response) -> None:
    response = viewer_client.get(reverse("api:element-detail", args=[outline["1.1.1"].pk]))

    check_response(response, "get", "/api/v1/elements/{id}/")
    assert response.json()["level_name"] == "Sub-objective"
    assert response.json()["parent"] == outline["1.1"].pk


def test_elements_list_pages_by_100(admin_client: Client, plan: Plan) -> None:
    PlanElementFactory.create_batch(101, plan=plan)

    first = admin_client.get(reverse("api:element-list")).json()
    second = admin_client.get(reverse("api:element-list"), {"page": 2}).json()

    assert (first["count"], len(first["results"]), len(second["results"])) == (101, 100, 1)
    assert first["next"].endswith("?page=2")


# Metrics --------------------------------------------------------------------------------------


def test_metrics_filter_by_plan_and_office(
    steward_client: Client, plan: Plan, outline, offices, check_response
) -> None:
    ero = MetricFactory(element=outline["1.1"], owner_office=offices["ERO"], name="Removals")

    response = steward_client.get(reverse("api:metric-list"), {"plan": plan.slug, "office": "ERO"})

    check_response(response, "get", "/api/v1/metrics/")
    assert ids(response) == [ero.pk]
    assert response.json()["results"][0]["element_number"] == "1.1"


def test_metric_detail_lists_the_elements_it_also_supports(
    viewer_client: Client, outline, fema_plan: Plan, check_response
) -> None:
    metric = Metric.objects.get()
    other = PlanElementFactory(plan=fema_plan, number="9")
    metric.also_supports.add(other)

    response = viewer_client.get(reverse("api:metric-detail", args=[metric.pk]))

    check_response(response, "get", "/api/v1/metrics/{id}/")
    assert response.json()["also_supports"] == [other.pk]
    assert response.json()["plan"] == "ice-plan"


def test_metric_detail_is_404_for_an_outsider(outsider_client: Client, outline) -> None:
    response = outsider_client.get(reverse("api:metric-detail", args=[Metric.objects.get().pk]))

    assert response.status_code == 404


# Query counts ---------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("api:office-list", 6), ("api:element-list", 6), ("api:metric-list", 7), ("api:plan-list", 6)],
)
def test_list_endpoints_cost_the_same_queries_for_1_and_50_rows(
    make_user: Callable[..., User], plan: Plan, offices, name: str, expected: int
) -> None:
    """Session, user, memberships, office tree, count, page (and a prefetch for metrics)."""
    client = Client()
    client.force_login(make_user(Role.VIEWER, "DHS"))
    url = reverse(name)
    element = PlanElementFactory(plan=plan, number="1")
    MetricFactory(element=element, owner_office=offices["ERO"]).also_supports.add(element)
    one = _queries(client, url)

    for number in range(2, 51):
        child = PlanElementFactory(plan=plan, number=str(number))
        metric = MetricFactory(element=child, owner_office=offices["HSI"])
        metric.also_supports.add(element)
        PlanFactory(owner=offices["ICE"])
        OfficeFactory(code=f"P{number}", parent=offices["ERO"])

    assert _queries(client, url) == one == expected + request_overhead()
