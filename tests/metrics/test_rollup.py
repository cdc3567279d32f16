"""Fiscal-year values by aggregation rule, table-driven, and on the metric's page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from metrics.models import Measurement
from metrics.rollup import QuarterValue, fiscal_year_value
from tests.factories import MetricFactory, PlanElementFactory


def q(
    quarter: int, value: str | None, numerator: str | None = None, denominator: str | None = None
):
    as_decimal = lambda text: None if text is None else Decimal(text)  # noqa: E731
    return QuarterValue(quarter, as_decimal(value), as_decimal(numerator), as_decimal(denominator))


@pytest.mark.parametrize(
    ("aggregation", "quarters", "expected"),
    [
        ("sum", [q(1, "10"), q(2, "20"), q(3, "5"), q(4, "1")], "36"),
        ("sum", [q(1, "10"), q(2, None), q(3, "5")], "15"),
        ("sum", [q(1, "-4"), q(2, "6")], "2"),
        ("latest", [q(3, "7"), q(1, "10"), q(2, "20")], "7"),
        ("cumulative", [q(1, "10"), q(2, "25"), q(3, "31")], "66"),
        ("average", [q(1, "10"), q(2, "20"), q(4, "30")], "20.0000"),
        ("average", [q(1, "1"), q(2, "2")], "1.5000"),
        ("sum", [], None),
        ("latest", [q(1, None), q(2, None)], None),
    ],
)
def test_fiscal_year_value_follows_the_aggregation_rule(
    aggregation: str, quarters: list[QuarterValue], expected: str | None
) -> None:
    result = fiscal_year_value(aggregation, quarters)
    assert result == (None if expected is None else Decimal(expected))


def test_percentages_pool_numerators_and_denominators_instead_of_averaging() -> None:
    # 1 of 2 (50%) and 9 of 10 (90%): averaging would say 70%, pooling says 10 of 12.
    quarters = [q(1, "50", "1", "2"), q(2, "90", "9", "10")]
    assert fiscal_year_value("average", quarters) == Decimal("83.3333")
    assert fiscal_year_value("sum", quarters) == Decimal("83.3333")


def test_a_latest_percentage_takes_the_last_quarters_fraction() -> None:
    quarters = [q(1, "50", "1", "2"), q(2, "75", "3", "4")]
    assert fiscal_year_value("latest", quarters) == Decimal("75.0000")
    assert fiscal_year_value("cumulative", quarters) == Decimal("66.6667")


def test_the_metric_page_shows_fiscal_year_values_from_approved_quarters_only(
    viewer_client, plan, offices
) -> None:
    metric = MetricFactory(
        element=PlanElementFactory(plan=plan, number="1"),
        owner_office=offices["ERO"],
        aggregation="sum",
    )
    for quarter, value, status in [(1, 10, "approved"), (2, 20, "approved"), (3, 99, "draft")]:
        Measurement.objects.create(
            metric=metric, fiscal_year=2026, quarter=quarter, value=value, status=status
        )

    response = viewer_client.get(reverse("metrics:metric-values", args=[metric.pk]))

    page = response.content.decode()
    assert "Fiscal-year values" in page
    assert '<th scope="row">FY2026</th><td>30</td><td>2 of 4</td>' in page
