"""Query-string filters of the plans API (`?plan=ice-plan&office=ERO`).

Offices are named by code and plans by slug, as in the pages' URLs, so that a client can
write a filter from what it reads elsewhere in the API. An invalid value (an unknown status,
a level that is not a number) is a 400 naming the parameter.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django_filters import rest_framework as filters

from plans.models import Metric, Office, Plan, PlanElement


class OfficeFilter(filters.FilterSet):
    parent = filters.CharFilter(field_name="parent__code", help_text="The parent office's code.")

    class Meta:
        model = Office
        fields = ["kind", "parent"]


class IdFilter(filters.NumberFilter):
    """A row's id: a whole number the database's key columns can hold; anything else (a
    fraction, 1e51) is a 400 naming the parameter, never an overflow in the database."""

    field_class = forms.IntegerField

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class YearFilter(IdFilter):
    """A fiscal year, 1900 to 2200."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2200)
        super().__init__(*args, **kwargs)


class PlanFilter(filters.FilterSet):
    owner = filters.CharFilter(field_name="owner__code", help_text="The owning office's code.")
    fiscal_year = YearFilter(
        method="covering_fiscal_year",
        help_text="Plans whose period includes this fiscal year (2024 for FY2024).",
    )

    class Meta:
        model = Plan
        fields = ["status", "owner", "fiscal_year"]

    def covering_fiscal_year(self, queryset: QuerySet[Plan], name: str, value: int) -> QuerySet:
        """A plan that gives one year only (start or end) covers that year alone."""
        return queryset.annotate(
            first_year=Coalesce("start_fiscal_year", "end_fiscal_year"),
            last_year=Coalesce("end_fiscal_year", "start_fiscal_year"),
        ).filter(first_year__lte=value, last_year__gte=value)


class PlanElementFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__slug", help_text="The plan's slug.")
    # Numbers, not model choices: a choice filter would tell outsiders which ids exist.
    parent = IdFilter(field_name="parent_id", help_text="The parent element's id.")

    class Meta:
        model = PlanElement
        fields = ["plan", "level", "parent"]


class MetricFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="element__plan__slug", help_text="The plan's slug.")
    office = filters.CharFilter(
        field_name="owner_office__code", help_text="The owning office's code."
    )
    element = IdFilter(field_name="element_id", help_text="The element's id.")

    class Meta:
        model = Metric
        fields = ["plan", "office", "element", "kind", "unit", "frequency"]
