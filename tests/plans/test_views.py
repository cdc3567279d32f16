"""The read-only plan pages: list, plan, element and metric, through the Django test client.

The organisation and role clients come from tests/conftest.py; the plan belongs to ICE, so
the viewer (ICE) reaches it and the outsider (FEMA) does not. The plan used here:

    Goal 1  Secure the border            (metric: Removals completed, ERO)
      Objective 1.1  Patrol the land border
      Objective 1.2  (title not given in the source)
        Sub-objective 1.2.1  Expand biometric exit
    Goal 2  Recover from disasters
      Objective 2.1  Rebuild damaged housing
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Metric, Office, Plan, PlanElement
from tests.factories import MetricFactory, PlanElementFactory, PlanFactory

SUFFIX = " | Strategic Plan Performance"
EMPTY_LIST = "You have no plans to see yet."

# WhiteNoise warns once per client that STATIC_ROOT was never collected; tests need no files.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


@pytest.fixture
def tree(plan: Plan) -> dict[str, PlanElement]:
    goal_1 = PlanElementFactory(
        plan=plan,
        number="1",
        title="Secure the border",
        description="Land, sea and air.",
        outcomes=["Fewer unlawful crossings", "Faster processing at ports"],
        order=1,
    )
    goal_2 = PlanElementFactory(plan=plan, number="2", title="Recover from disasters", order=2)
    objective_1_1 = PlanElementFactory(
        parent=goal_1, number="1.1", title="Patrol the land border", order=1
    )
    objective_1_2 = PlanElementFactory(parent=goal_1, number="1.2", title="", order=2)
    sub_objective = PlanElementFactory(
        parent=objective_1_2, number="1.2.1", title="Expand biometric exit", order=1
    )
    objective_2_1 = PlanElementFactory(
        parent=goal_2, number="2.1", title="Rebuild damaged housing", order=1
    )
    return {
        "1": goal_1,
        "2": goal_2,
        "1.1": objective_1_1,
        "1.2": objective_1_2,
        "1.2.1": sub_objective,
        "2.1": objective_2_1,
    }


@pytest.fixture
def dhs_objective(offices: dict[str, Office]) -> PlanElement:
    dhs_plan = PlanFactory(slug="dhs-plan", title="DHS Strategic Plan", owner=offices["DHS"])
    goal = PlanElementFactory(plan=dhs_plan, number="2", title="Secure the borders")
    return PlanElementFactory(parent=goal, number="2.1", title="Prevent illegal entry")


@pytest.fixture
def metric(
    tree: dict[str, PlanElement], offices: dict[str, Office], dhs_objective: PlanElement
) -> Metric:
    metric = MetricFactory(
        element=tree["1"],
        name="Removals completed",
        definition="Removals of noncitizens with a final order.",
        kind=Metric.Kind.PERCENTAGE,
        unit=Metric.Unit.PERCENT,
        unit_label="removals",
        direction=Metric.Direction.INCREASE,
        aggregation=Metric.Aggregation.CUMULATIVE,
        frequency=Metric.Frequency.QUARTERLY,
        compares_with_prior_year=True,
        baseline_value=Decimal("1500.0000"),
        baseline_fiscal_year=2020,
        owner_office=offices["ERO"],
        data_source="Enforcement Integrated Database",
        data_quality_notes="Reconciled monthly.",
    )
    metric.also_supports.add(dhs_objective)
    return metric


def page_urls(metric: Metric) -> dict[str, str]:
    return {
        "plan list": reverse("plans:plan-list"),
        "plan": reverse("plans:plan-detail", args=["ice-plan"]),
        "element": reverse("plans:element-detail", args=["ice-plan", "1.2.1"]),
        "metric": reverse("plans:metric-detail", args=[metric.pk]),
    }


def text(response) -> str:
    """The page's HTML with entities decoded, for plain-text assertions."""
    return html.unescape(response.content.decode())


def title_of(response) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1])


# Sign-in, methods, access ------------------------------------------------------------------


@pytest.mark.parametrize("page", ["plan list", "plan", "element", "metric"])
def test_anonymous_user_is_sent_to_the_sign_in_page(metric: Metric, page: str) -> None:
    url = page_urls(metric)[page]

    response = Client().get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("page", ["plan list", "plan", "element", "metric"])
def test_viewer_reads_every_page(viewer_client: Client, metric: Metric, page: str) -> None:
    response = viewer_client.get(page_urls(metric)[page])

    assert response.status_code == 200


@pytest.mark.parametrize("page", ["plan", "element", "metric"])
def test_outsider_gets_404_on_plan_element_and_metric_pages(
    outsider_client: Client, metric: Metric, page: str
) -> None:
    response = outsider_client.get(page_urls(metric)[page])

    assert response.status_code == 404
    assert "Secure the border" not in text(response)


@pytest.mark.parametrize("page", ["plan list", "plan", "element", "metric"])
def test_post_to_a_read_only_page_is_refused_with_405(
    viewer_client: Client, metric: Metric, page: str
) -> None:
    response = viewer_client.post(page_urls(metric)[page], {"title": "Changed"})

    assert response.status_code == 405
    metric.element.refresh_from_db()
    assert metric.element.title == "Secure the border"


def test_unknown_element_number_gets_404(viewer_client: Client, tree: dict) -> None:
    response = viewer_client.get(reverse("plans:element-detail", args=["ice-plan", "9.9"]))

    assert response.status_code == 404


@pytest.mark.parametrize("page", ["plan list", "plan", "element", "metric"])
def test_page_title_ends_with_the_site_name(
    viewer_client: Client, metric: Metric, page: str
) -> None:
    response = viewer_client.get(page_urls(metric)[page])

    assert title_of(response).endswith(SUFFIX)
    assert len(title_of(response)) > len(SUFFIX)


@pytest.mark.parametrize("page", ["plan list", "plan", "element", "metric"])
def test_page_has_a_skip_link_to_the_main_content(
    viewer_client: Client, metric: Metric, page: str
) -> None:
    content = viewer_client.get(page_urls(metric)[page]).content.decode()

    assert 'href="#main-content"' in content
    assert '<main id="main-content"' in content


# Plan list ----------------------------------------------------------------------------------


def test_plan_list_shows_the_plans_the_user_can_see(viewer_client: Client, tree: dict) -> None:
    response = viewer_client.get(reverse("plans:plan-list"))

    page = text(response)
    assert response.status_code == 200
    assert "ICE Strategic Plan" in page
    assert reverse("plans:plan-detail", args=["ice-plan"]) in page
    assert "FY2021-FY2025" in page
    assert re.search(r"2 goals,\s+3 objectives,\s+1 sub-objective\s", page)
    assert EMPTY_LIST not in page


def test_plan_list_leaves_out_plans_off_the_users_line(
    viewer_client: Client, plan: Plan, offices: dict[str, Office]
) -> None:
    PlanFactory(title="FEMA Strategic Plan", slug="fema-plan", owner=offices["FEMA"])

    page = text(viewer_client.get(reverse("plans:plan-list")))

    assert "ICE Strategic Plan" in page
    assert "FEMA Strategic Plan" not in page


def test_outsider_sees_the_empty_state_instead_of_the_plan(
    outsider_client: Client, plan: Plan
) -> None:
    response = outsider_client.get(reverse("plans:plan-list"))

    assert response.status_code == 200
    assert EMPTY_LIST in text(response)
    assert "ICE Strategic Plan" not in text(response)


def test_administrator_sees_every_plan_in_the_list(
    admin_client: Client, plan: Plan, offices: dict[str, Office]
) -> None:
    PlanFactory(title="FEMA Strategic Plan", slug="fema-plan", owner=offices["FEMA"])

    page = text(admin_client.get(reverse("plans:plan-list")))

    assert "ICE Strategic Plan" in page
    assert "FEMA Strategic Plan" in page


# Plan detail --------------------------------------------------------------------------------


def test_plan_page_shows_every_element_with_its_level_name_number_and_title(
    viewer_client: Client, tree: dict[str, PlanElement]
) -> None:
    response = viewer_client.get(reverse("plans:plan-detail", args=["ice-plan"]))

    page = text(response)
    for label, title in [
        ("Goal 1", "Secure the border"),
        ("Objective 1.1", "Patrol the land border"),
        ("Sub-objective 1.2.1", "Expand biometric exit"),
        ("Goal 2", "Recover from disasters"),
        ("Objective 2.1", "Rebuild damaged housing"),
    ]:
        assert f'<span class="plan-tree__level">{label}</span>' in page
        assert f">{title}</a>" in page
    for element in tree.values():
        assert element.get_absolute_url() in page


def test_plan_page_shows_an_unknown_title_as_not_given(
    viewer_client: Client, tree: dict[str, PlanElement]
) -> None:
    page = text(viewer_client.get(reverse("plans:plan-detail", args=["ice-plan"])))

    assert '<span class="plan-tree__level">Objective 1.2</span>' in page
    assert re.search(r'unknown-title"[^>]*>Title not given in the source</a>', page)


def test_plan_page_shows_the_level_counts_and_period(
    viewer_client: Client, tree: dict[str, PlanElement]
) -> None:
    page = text(viewer_client.get(reverse("plans:plan-detail", args=["ice-plan"])))

    assert "2 goals, 3 objectives, 1 sub-objective" in page
    assert "FY2021-FY2025" in page
    assert "All 6 elements shown." in page


def test_plan_page_shows_the_metric_count_of_an_element(
    viewer_client: Client, metric: Metric
) -> None:
    page = text(viewer_client.get(reverse("plans:plan-detail", args=["ice-plan"])))

    assert "1 metric<" in page


def test_plan_page_filters_by_words_showing_matches_with_their_ancestors(
    viewer_client: Client, tree: dict[str, PlanElement]
) -> None:
    response = viewer_client.get(
        reverse("plans:plan-detail", args=["ice-plan"]), {"q": "Biometric"}
    )

    page = text(response)
    assert "Expand biometric exit" in page
    assert "Secure the border" in page
    assert "Title not given in the source" in page  # objective 1.2, the parent
    assert "Patrol the land border" not in page
    assert "Recover from disasters" not in page
    assert "Rebuild damaged housing" not in page
    assert "1 element matches “Biometric”; 3 of 6 shown." in page
    assert 'value="Biometric"' in page


def test_plan_page_filters_by_number_keeping_the_elements_children(
    viewer_client: Client, tree: dict[str, PlanElement]
) -> None:
    page = text(viewer_client.get(reverse("plans:plan-detail", args=["ice-plan"]), {"q": "2"}))

    assert "Recover from disasters" in page
    assert "Rebuild damaged housing" in page
    assert "Patrol the land border" not in page
    assert "2 elements match “2”; 2 of 6 shown." in page


def test_plan_page_says_when_nothing_matches(
    viewer_client: Client, tree: dict[str, PlanElement]
) -> None:
    page = text(
        viewer_client.get(reverse("plans:plan-detail", args=["ice-plan"]), {"q": "zeppelin"})
    )

    assert "No elements match “zeppelin”." in page
    assert "Show the whole plan" in page
    assert "Secure the border" not in page


def test_plan_without_elements_says_so(viewer_client: Client, plan: Plan) -> None:
    page = text(viewer_client.get(reverse("plans:plan-detail", args=["ice-plan"])))

    assert "This plan has no elements yet." in page
    assert "0 goals, 0 objectives, 0 sub-objectives" in page


# Element detail -----------------------------------------------------------------------------


def test_element_page_shows_children_outcomes_and_metrics_with_owner_codes(
    viewer_client: Client, metric: Metric
) -> None:
    response = viewer_client.get(reverse("plans:element-detail", args=["ice-plan", "1"]))

    page = text(response)
    assert response.status_code == 200
    assert ">Secure the border</h1>" in page
    assert "Land, sea and air." in page
    assert "<li>Fewer unlawful crossings</li>" in page
    assert "<li>Faster processing at ports</li>" in page
    assert "<h2>2 objectives</h2>" in page
    assert "Objective 1.1" in page
    assert "Patrol the land border" in page
    assert "Title not given in the source" in page  # objective 1.2
    assert reverse("plans:element-detail", args=["ice-plan", "1.2"]) in page
    assert f'href="{metric.get_absolute_url()}">Removals completed</a>' in page
    assert '<abbr title="Removals">ERO</abbr>' in page


def test_element_page_shows_breadcrumbs_down_to_the_element(
    viewer_client: Client, tree: dict[str, PlanElement]
) -> None:
    page = text(viewer_client.get(reverse("plans:element-detail", args=["ice-plan", "1.2.1"])))

    crumbs = re.findall(r'<li class="usa-breadcrumb__list-item[^"]*"[^>]*>(.*?)</li>', page, re.S)
    labels = [re.sub(r"<[^>]+>", "", crumb).strip() for crumb in crumbs]
    assert labels == [
        "Plans",
        "ICE Strategic Plan",
        "Goal 1",
        "Objective 1.2",
        "Sub-objective 1.2.1",
    ]
    assert f'href="{reverse("plans:plan-list")}"' in crumbs[0]
    assert f'href="{tree["1.2"].get_absolute_url()}"' in crumbs[3]
    assert "href" not in crumbs[4]


def test_element_page_of_an_unknown_title_says_it_is_not_guessed(
    viewer_client: Client, tree: dict[str, PlanElement]
) -> None:
    page = text(viewer_client.get(reverse("plans:element-detail", args=["ice-plan", "1.2"])))

    assert ">Title not given in the source</h1>" in page
    assert "does not give this objective's title" in page
    assert "<h2>1 sub-objective</h2>" in page


def test_element_page_without_metrics_says_so(
    viewer_client: Client, tree: dict[str, PlanElement]
) -> None:
    page = text(viewer_client.get(reverse("plans:element-detail", args=["ice-plan", "2.1"])))

    assert "No metrics are defined for this objective." in page


# Metric detail ------------------------------------------------------------------------------


def test_metric_page_shows_the_definition_fields(viewer_client: Client, metric: Metric) -> None:
    response = viewer_client.get(reverse("plans:metric-detail", args=[metric.pk]))

    page = text(response)
    assert ">Removals completed</h1>" in page
    assert "Removals of noncitizens with a final order." in page
    for term, value in [
        ("Kind", "Percentage (numerator and denominator)"),
        ("Unit", "Percent (removals)"),
        ("Direction", "Increase is better"),
        ("Fiscal-year value", "Cumulative (judged year to date)"),
        ("Frequency", "Quarterly"),
        ("Compared with the prior year", "Yes"),
        ("Baseline", "1,500 in FY2020"),
        ("Owner office", "Removals (ERO)"),
        ("Data source", "Enforcement Integrated Database"),
        ("Data quality", "Reconciled monthly."),
    ]:
        assert f"<dt>{term}</dt><dd>{value}</dd>" in page


def test_metric_page_links_the_elements_it_supports(
    viewer_client: Client, metric: Metric, dhs_objective: PlanElement
) -> None:
    page = text(viewer_client.get(reverse("plans:metric-detail", args=[metric.pk])))

    assert f'href="{metric.element.get_absolute_url()}">Secure the border</a>' in page
    assert "DHS Strategic Plan: Objective 2.1" in page
    assert f'href="{dhs_objective.get_absolute_url()}">Prevent illegal entry</a>' in page


def test_metric_page_shows_breadcrumbs_ending_with_the_metric(
    viewer_client: Client, metric: Metric
) -> None:
    page = text(viewer_client.get(reverse("plans:metric-detail", args=[metric.pk])))

    assert (
        f'href="{metric.element.get_absolute_url()}" class="usa-breadcrumb__link"><span>Goal 1<'
        in page
    )
    assert 'aria-current="page"><span>Removals completed</span>' in page


def test_metric_page_without_baseline_says_not_set(
    viewer_client: Client, tree: dict[str, PlanElement], offices: dict[str, Office]
) -> None:
    metric = MetricFactory(element=tree["2.1"], name="Homes rebuilt", owner_office=offices["ICE"])

    page = text(viewer_client.get(reverse("plans:metric-detail", args=[metric.pk])))

    assert "<dt>Baseline</dt><dd>Not set</dd>" in page
    assert "<dt>Data source</dt><dd>Not recorded</dd>" in page


# Query counts: the same with 1 row as with 30 ------------------------------------------------


def build_plan(slug: str, owner: Office, goals: int, objectives: int) -> Plan:
    """goals x (1 + objectives) elements, with one metric on every objective."""
    plan = PlanFactory(slug=slug, title=f"Plan {slug}", owner=owner)
    for g in range(1, goals + 1):
        goal = PlanElementFactory(plan=plan, number=f"{g}", order=g)
        for o in range(1, objectives + 1):
            objective = PlanElementFactory(parent=goal, number=f"{g}.{o}", order=o)
            MetricFactory(element=objective, name=f"Metric {g}.{o}", owner_office=owner)
    return plan


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def assert_same_queries(viewer_client: Client, django_assert_num_queries) -> Callable:
    def check(small_url: str, large_url: str) -> None:
        expected = queries_for(viewer_client, small_url)
        with django_assert_num_queries(expected):
            response = viewer_client.get(large_url)
        assert response.status_code == 200

    return check


def test_plan_list_queries_do_not_grow_with_plans_and_elements(
    viewer_client: Client, offices: dict[str, Office], django_assert_num_queries
) -> None:
    build_plan("small", offices["ICE"], goals=1, objectives=1)
    expected = queries_for(viewer_client, reverse("plans:plan-list"))
    for n in range(3):
        build_plan(f"large-{n}", offices["ERO"], goals=3, objectives=10)

    with django_assert_num_queries(expected):
        response = viewer_client.get(reverse("plans:plan-list"))

    assert len(re.findall(r"3 goals,\s+30 objectives", text(response))) == 3


def test_plan_page_queries_do_not_grow_with_elements(
    offices: dict[str, Office], assert_same_queries: Callable
) -> None:
    build_plan("small", offices["ICE"], goals=1, objectives=1)
    build_plan("large", offices["ICE"], goals=3, objectives=10)

    assert_same_queries(
        reverse("plans:plan-detail", args=["small"]), reverse("plans:plan-detail", args=["large"])
    )


def test_element_page_queries_do_not_grow_with_children_and_metrics(
    offices: dict[str, Office], assert_same_queries: Callable
) -> None:
    for slug, count in [("small", 1), ("large", 30)]:
        plan = PlanFactory(slug=slug, owner=offices["ICE"])
        goal = PlanElementFactory(plan=plan, number="1")
        objective = PlanElementFactory(parent=goal, number="1.1")
        for n in range(1, count + 1):
            PlanElementFactory(parent=objective, number=f"1.1.{n}", order=n)
            MetricFactory(element=objective, name=f"Metric {n}", owner_office=offices["ERO"])

    assert_same_queries(
        reverse("plans:element-detail", args=["small", "1.1"]),
        reverse("plans:element-detail", args=["large", "1.1"]),
    )


def test_metric_page_queries_do_not_grow_with_supported_elements(
    offices: dict[str, Office], assert_same_queries: Callable
) -> None:
    metrics = {}
    for slug, count in [("small", 1), ("large", 30)]:
        plan = PlanFactory(slug=slug, owner=offices["ICE"])
        goal = PlanElementFactory(plan=plan, number="1")
        metric = MetricFactory(element=goal, name="Removals", owner_office=offices["ERO"])
        for n in range(1, count + 1):
            other = PlanElementFactory(plan=PlanFactory(owner=offices["DHS"]), number=f"{n}")
            metric.also_supports.add(other)
        metrics[slug] = metric

    assert_same_queries(
        reverse("plans:metric-detail", args=[metrics["small"].pk]),
        reverse("plans:metric-detail", args=[metrics["large"].pk]),
    )
