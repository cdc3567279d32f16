"""The progress pages: plan dashboard, metric performance page, office page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.models import Measurement
from plans.models import Metric, Office, Plan
from tests.factories import (
    DataCallFactory,
    MeasurementFactory,
    MetricFactory,
    PlanElementFactory,
    TargetFactory,
)

APPROVED = Measurement.Status.APPROVED


def build(plan: Plan, offices: dict[str, Office], *, goals: int = 2, per_goal: int = 1) -> list:
    """Goals with one objective each and `per_goal` quarterly metrics under each objective,
    alternately ERO's and HSI's; FY2025 Q4: metric 0 on track, 1 off track, 2 missing."""
    metrics = []
    for g in range(1, goals + 1):
        goal = PlanElementFactory(plan=plan, number=str(g), title=f"Goal title {g}", order=g)
        objective = PlanElementFactory(parent=goal, number=f"{g}.1", title=f"Objective {g}.1")
        for n in range(per_goal):
            office = offices["ERO"] if len(metrics) % 2 == 0 else offices["HSI"]
            metric = MetricFactory(element=objective, owner_office=office, name=f"Metric {g}-{n}")
            TargetFactory(metric=metric, fiscal_year=2025, quarter=4, value=Decimal(100))
            kind = len(metrics) % 3
            if kind < 2:
                value = Decimal(120) if kind == 0 else Decimal(50)
                MeasurementFactory(
                    metric=metric, fiscal_year=2025, quarter=4, value=value, status=APPROVED
                )
            metrics.append(metric)
    DataCallFactory(
        plan=plan,
        fiscal_year=2025,
        quarter=4,
        opens_on=date(2025, 10, 1),
        due_on=date(2025, 11, 14),
    )
    return metrics


def dashboard_url(plan: Plan, **query: str) -> str:
    base = reverse("reports:plan-dashboard", args=[plan.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def metrics(plan: Plan, offices: dict[str, Office]) -> list[Metric]:
    return build(plan, offices, goals=2, per_goal=2)


def test_dashboard_shows_status_counts_attention_and_the_offices_behind(
    viewer_client: Client, plan: Plan, metrics: list[Metric]
) -> None:
    response = viewer_client.get(dashboard_url(plan, fy="2025", q="4"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "FY2025 Q4" in page
    assert "Needs attention" in page
    assert "Metric 1-1" in page  # off track: 50 against 100
    assert "Off track" in page
    assert "Goal 1: Goal title 1" in page
    assert "have not submitted" in page


def test_dashboard_filters_by_office_and_keeps_them_in_links(
    viewer_client: Client, plan: Plan, metrics: list[Metric]
) -> None:
    response = viewer_client.get(dashboard_url(plan, fy="2025", q="4", office="HSI"))

    page = response.content.decode()
    attention = page.split('id="attention-heading"')[1].split('id="drill-heading"')[0]
    assert "Metric 1-1" in attention  # HSI's, off track
    assert "Metric 2-0" not in attention  # ERO's
    assert "office=HSI" in page  # drill-down links keep the filter


def test_dashboard_drills_down_to_an_element(
    viewer_client: Client, plan: Plan, metrics: list[Metric]
) -> None:
    response = viewer_client.get(dashboard_url(plan, fy="2025", q="4", element="1"))

    page = response.content.decode()
    assert "Showing <strong>Goal 1: Goal title 1</strong>" in page
    assert "Objective 1.1: Objective 1.1" in page
    assert "Metric 2-0" not in page


def test_dashboard_is_404_for_outsiders_and_405_for_post(
    outsider_client: Client, viewer_client: Client, plan: Plan, metrics: list[Metric]
) -> None:
    assert outsider_client.get(dashboard_url(plan)).status_code == 404
    assert viewer_client.post(dashboard_url(plan)).status_code == 405


def test_metric_page_shows_actuals_targets_and_the_year_over_year_change(
    viewer_client: Client, plan: Plan, offices: dict[str, Office]
) -> None:
    objective = PlanElementFactory(parent=PlanElementFactory(plan=plan, number="1"), number="1.1")
    metric = MetricFactory(
        element=objective, owner_office=offices["ERO"], frequency=Metric.Frequency.ANNUAL
    )
    for year, value in [(2019, 112000), (2020, 185884)]:
        MeasurementFactory(
            metric=metric, fiscal_year=year, quarter=None, value=value, status=APPROVED
        )

    response = viewer_client.get(reverse("reports:metric-page", args=[metric.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "FY2020 against FY2019" in page
    assert "185,884 in FY2020, against 112,000: a change of 73,884 (66.0%)" in page
    assert "app-chart" in page


def test_office_page_lists_the_offices_metrics_with_their_status(
    viewer_client: Client, plan: Plan, metrics: list[Metric]
) -> None:
    response = viewer_client.get(reverse("reports:office-page", args=["ERO"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Metric 1-0" in page
    assert "Metric 1-1" not in page  # HSI's


def test_office_page_is_404_for_an_office_off_the_users_line(
    outsider_client: Client, offices: dict[str, Office]
) -> None:
    assert outsider_client.get(reverse("reports:office-page", args=["ERO"])).status_code == 404


def add_metrics(plan: Plan, office: Office, goals: range) -> None:
    """More goals with two approved, targeted ERO metrics each."""
    for g in goals:
        objective = PlanElementFactory(
            parent=PlanElementFactory(plan=plan, number=str(g), order=g), number=f"{g}.1"
        )
        for _ in range(2):
            metric = MetricFactory(element=objective, owner_office=office)
            TargetFactory(metric=metric, fiscal_year=2025, quarter=4)
            MeasurementFactory(metric=metric, fiscal_year=2025, quarter=4, status=APPROVED)


@pytest.mark.parametrize("page", ["dashboard", "metric", "office"])
def test_progress_pages_cost_the_same_queries_for_2_and_30_metrics(
    page: str, viewer_client: Client, plan: Plan, offices: dict[str, Office]
) -> None:
    metrics = build(plan, offices, goals=1, per_goal=2)
    url = {
        "dashboard": dashboard_url(plan, fy="2025", q="4"),
        "metric": reverse("reports:metric-page", args=[metrics[0].pk]),
        "office": reverse("reports:office-page", args=["ERO"]),
    }[page]
    viewer_client.get(url)
    with CaptureQueriesContext(connection) as small:
        viewer_client.get(url)

    add_metrics(plan, offices["ERO"], range(2, 16))
    with CaptureQueriesContext(connection) as large:
        response = viewer_client.get(url)

    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]
