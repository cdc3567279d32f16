"""The dashboards' filters: they live in the URL, so a view can be shared by its link."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from metrics.periods import FiscalQuarter
from plans.models import Office, Plan
from reports.dashboard import Filters
from reports.status import LABELS


def default_quarter(plan: Plan, today: date) -> FiscalQuarter:
    """The quarter of the plan's latest data call, else the quarter that ended last."""
    call = plan.data_calls.order_by("-fiscal_year", "-quarter").first()
    if call is not None:
        return call.period
    return FiscalQuarter.from_date(today).previous()


class DashboardFilterForm(forms.Form):
    fy = forms.TypedChoiceField(label="Fiscal year", coerce=int)
    q = forms.TypedChoiceField(
        label="Quarter", coerce=int, choices=[(n, f"Q{n}") for n in (1, 2, 3, 4)]
    )
    office = forms.ChoiceField(label="Office", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *((s.value, label) for s, label in LABELS.items())],
    )
    element = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data: Any, *, plan: Plan, offices: list[Office], data_years: tuple, today: date
    ) -> None:
        """`data_years`: the first and last fiscal years with values, (None, None) if none."""
        self.default = default_quarter(plan, today)
        first = min(
            y for y in (plan.start_fiscal_year, data_years[0], self.default.fiscal_year) if y
        )
        last = max(y for y in (plan.end_fiscal_year, data_years[1], self.default.fiscal_year) if y)
        bound = {"fy": self.default.fiscal_year, "q": self.default.quarter} | data.dict()
        super().__init__(bound)
        self.fields["fy"].choices = [(y, f"FY{y}") for y in range(last, first - 1, -1)]
        self.fields["office"].choices = [("", "All offices")] + [
            (o.code, f"{o.code}: {o.name}") for o in offices
        ]

    def filters(self) -> Filters:
        """The chosen filters; anything invalid falls back to the default."""
        data = self.cleaned_data if self.is_valid() else {}
        quarter = FiscalQuarter(
            data.get("fy", self.default.fiscal_year), data.get("q", self.default.quarter)
        )
        return Filters(
            quarter=quarter,
            office=data.get("office", ""),
            status=data.get("status", ""),
            element=data.get("element", ""),
        )
