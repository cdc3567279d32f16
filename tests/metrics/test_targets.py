"""The targets page: leads set a metric's targets per fiscal year and quarter, and its
baseline, in one form saved all or nothing; everyone who reads the plan sees them.

The plan (tests/conftest.py) belongs to ICE and runs FY2021-FY2025; the lead and the viewer
hold their roles in ICE, the outsider in FEMA.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from metrics.models import Target
from metrics.target_forms import MIN_ABOVE_MAX, NEEDS_YEAR, sheet_years
from metrics.target_views import SAVED
from plans.models import Metric, Office, Plan
from tests.factories import MetricFactory, PlanElementFactory, PlanFactory


@pytest.fixture
def metric(plan: Plan, offices: dict[str, Office]) -> Metric:
    element = PlanElementFactory(plan=plan, number="1", title="Secure the border")
    return MetricFactory(
        element=element,
        name="Removals completed",
        owner_office=offices["ERO"],
        frequency=Metric.Frequency.QUARTERLY,
        direction=Metric.Direction.INCREASE,
    )


@pytest.fixture
def range_metric(plan: Plan, offices: dict[str, Office]) -> Metric:
    element = PlanElementFactory(plan=plan, number="2", title="Keep detention safe")
    return MetricFactory(
        element=element,
        name="Bed occupancy",
        owner_office=offices["ERO"],
        kind=Metric.Kind.NUMERIC,
        unit=Metric.Unit.PERCENT,
        direction=Metric.Direction.RANGE,
        frequency=Metric.Frequency.ANNUAL,
    )


def url(metric: Metric) -> str:
    return reverse("metrics:metric-targets", args=[metric.pk])


def stored(metric: Metric) -> dict[str, Decimal | None]:
    return {t.period_label: t.value for t in Target.objects.filter(metric=metric)}


def test_lead_saves_fiscal_year_and_quarterly_targets_with_the_reason(
    lead_client: Client, metric: Metric
) -> None:
    response = lead_client.post(
        url(metric),
        {
            "fy2025-value": "1,200",
            "fy2025q1-value": "300",
            "fy2025q2-value": "600",
            "change-reason": "Agreed at the planning meeting",
        },
        follow=True,
    )

    assert response.redirect_chain == [(url(metric), 302)]
    assert SAVED in response.content.decode()
    assert stored(metric) == {
        "FY2025": Decimal(1200),
        "FY2025 Q1": Decimal(300),
        "FY2025 Q2": Decimal(600),
    }
    reasons = set(Target.history.filter(metric_id=metric.pk).values_list("history_change_reason"))
    assert reasons == {("Agreed at the planning meeting",)}


def test_lead_sees_a_row_per_fiscal_year_and_quarter_with_labelled_inputs(
    lead_client: Client, metric: Metric
) -> None:
    response = lead_client.get(url(metric))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Targets: Removals completed - ICE Strategic Plan |" in page
    assert "<caption>Targets by fiscal year and quarter" in page
    assert [form.period.label for form in response.context["sheet"].rows][:6] == [
        "FY2021",
        "FY2021 Q1",
        "FY2021 Q2",
        "FY2021 Q3",
        "FY2021 Q4",
        "FY2022",
    ]
    assert len(response.context["sheet"].rows) == 5 * 5
    assert '<label class="usa-sr-only" for="id_fy2025q1-value">FY2025 Q1 target</label>' in page


def test_lead_sets_the_baseline_with_a_history_row(lead_client: Client, metric: Metric) -> None:
    lead_client.post(
        url(metric),
        {"baseline-value": "950", "baseline-fiscal_year": "FY2020", "change-reason": "Audit"},
    )

    metric.refresh_from_db()
    assert (metric.baseline_value, metric.baseline_fiscal_year) == (Decimal(950), 2020)
    assert metric.history.latest().history_change_reason == "Audit"


def test_baseline_value_without_a_year_gets_a_field_error(
    lead_client: Client, metric: Metric
) -> None:
    response = lead_client.post(url(metric), {"baseline-value": "950"})

    assert response.status_code == 200
    assert response.context["sheet"].baseline.errors == {"fiscal_year": [NEEDS_YEAR]}
    metric.refresh_from_db()
    assert metric.baseline_value is None


def test_range_metric_with_minimum_above_maximum_gets_a_field_error_and_nothing_is_saved(
    lead_client: Client, range_metric: Metric
) -> None:
    response = lead_client.post(
        url(range_metric),
        {
            "fy2024-min_value": "85",
            "fy2024-max_value": "95",
            "fy2025-min_value": "90",
            "fy2025-max_value": "80",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<a class="usa-link" href="#id_fy2025-min_value">FY2025 minimum: ' in page
    assert f'<span class="usa-error-message" id="id_fy2025-min_value-error">{MIN_ABOVE_MAX}' in page
    assert 'name="fy2025-min_value" value="90"' in page  # what was typed is kept
    assert not Target.objects.filter(metric=range_metric).exists()


def test_range_metric_shows_minimum_and_maximum_columns_only(
    lead_client: Client, range_metric: Metric
) -> None:
    response = lead_client.get(url(range_metric))

    assert response.context["sheet"].headings == [
        ("min_value", "Minimum"),
        ("max_value", "Maximum"),
    ]


def test_stale_version_shows_the_conflict_and_nothing_is_saved(
    lead_client: Client, metric: Metric
) -> None:
    target = Target.objects.create(metric=metric, fiscal_year=2025, value=Decimal(10), version=2)

    response = lead_client.post(
        url(metric),
        {"fy2024-value": "5", "fy2025-value": "12", "fy2025-version": "1"},
        follow=True,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "while you were editing" in page
    assert 'name="fy2025-value" value="10"' in page  # the fresh value
    assert 'name="fy2025-version" value="2"' in page
    assert stored(metric) == {"FY2025": Decimal(10)}
    target.refresh_from_db()
    assert target.version == 2


def test_clearing_a_target_deletes_it_with_a_history_row(
    lead_client: Client, metric: Metric
) -> None:
    Target.objects.create(metric=metric, fiscal_year=2025, quarter=1, value=Decimal(300))

    lead_client.post(
        url(metric),
        {"fy2025q1-value": "", "fy2025q1-version": "1", "change-reason": "Quarter dropped"},
    )

    assert stored(metric) == {}
    deleted = Target.history.get(metric_id=metric.pk, history_type="-")
    assert (deleted.quarter, deleted.history_change_reason) == (1, "Quarter dropped")


def test_outsider_gets_404(outsider_client: Client, metric: Metric) -> None:
    assert outsider_client.get(url(metric)).status_code == 404
    assert outsider_client.post(url(metric), {"fy2025-value": "1"}).status_code == 404


def test_viewer_cannot_save_targets(viewer_client: Client, metric: Metric) -> None:
    response = viewer_client.post(url(metric), {"fy2025-value": "1"})

    assert response.status_code == 403
    assert not Target.objects.exists()


def test_viewer_sees_the_targets_without_the_form(viewer_client: Client, metric: Metric) -> None:
    Target.objects.create(metric=metric, fiscal_year=2025, value=Decimal(1200))

    response = viewer_client.get(url(metric))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post" class="targets-form"' not in page
    assert "<td>1,200</td>" in page
    assert "Only the plan's working-group leads can change targets." in page


def test_put_is_not_allowed(lead_client: Client, metric: Metric) -> None:
    assert lead_client.put(url(metric)).status_code == 405


def test_plan_without_fiscal_years_shows_the_current_one_and_the_next_two() -> None:
    plan = PlanFactory.build(start_fiscal_year=None, end_fiscal_year=None)

    assert sheet_years(plan, [2019], today=date(2025, 10, 1)) == [2019, 2026, 2027, 2028]
