"""Query-string filters of the metrics API (`?plan=ice-plan&office=ERO&fiscal_year=2026`).

Plans are named by slug and offices by code, as everywhere in the API. A quarter is 1-4;
`whole_year=true` picks the fiscal-year rows (annual values and fiscal-year targets), whose
quarter is empty. An invalid value is a 400 naming the parameter.
"""

from __future__ import annotations

from django_filters import rest_framework as filters

from metrics.models import DataCall, Measurement, Target
from plans.api_filters import IdFilter, YearFilter

QUARTER_CHOICES = [(quarter, f"Q{quarter}") for quarter in (1, 2, 3, 4)]


class PeriodFilter(filters.FilterSet):
    """Filters shared by the rows of one metric and period: targets and measurements."""

    plan = filters.CharFilter(field_name="metric__element__plan__slug", help_text="Plan slug.")
    office = filters.CharFilter(
        field_name="metric__owner_office__code", help_text="The code of the metric's office."
    )
    metric = IdFilter(field_name="metric_id", help_text="The metric's id.")
    fiscal_year = YearFilter(help_text="2026 for FY2026.")
    quarter = filters.ChoiceFilter(choices=QUARTER_CHOICES, help_text="1 to 4.")
    whole_year = filters.BooleanFilter(
        field_name="quarter",
        lookup_expr="isnull",
        help_text="true: only the fiscal-year rows; false: only the quarterly ones.",
    )


class TargetFilter(PeriodFilter):
    class Meta:
        model = Target
        fields = ["plan", "office", "metric", "fiscal_year", "quarter", "whole_year"]


class MeasurementFilter(PeriodFilter):
    class Meta:
        model = Measurement
        fields = ["plan", "office", "metric", "fiscal_year", "quarter", "whole_year", "status"]


class DataCallFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__slug", help_text="Plan slug.")
    fiscal_year = YearFilter(help_text="2026 for FY2026.")
    quarter = filters.ChoiceFilter(choices=QUARTER_CHOICES, help_text="1 to 4.")

    class Meta:
        model = DataCall
        fields = ["plan", "fiscal_year", "quarter"]
