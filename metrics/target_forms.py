"""The targets page's forms: one small form per period, the baseline, the reason.

`TargetSheet` binds them together so that the view validates, saves or re-renders the page
as one thing. Each period's form has its own prefix ("fy2025", "fy2025q1"); its fields are
labelled with the period ("FY2025 Q1 minimum") so that an input read alone in the table
still says what it is. What people type stays in the bound forms when anything is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from metrics.forms import NumberField
from metrics.models import Target
from metrics.periods import FiscalQuarter, FiscalYear
from metrics.services import TargetEntry
from metrics.target_services import Baseline
from metrics.values import check_value
from plans.formatting import format_value
from plans.models import Metric, Plan

Period = FiscalYear | FiscalQuarter

MIN_ABOVE_MAX = "The minimum cannot be above the maximum."
NEEDS_YEAR = "Give the fiscal year of the baseline."
NEEDS_VALUE = "Give the baseline value for that fiscal year."
NOT_A_YEAR = "Enter a fiscal year like 2024 or FY2024."
YEAR = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*$", re.IGNORECASE)
YEARS_WITHOUT_SPAN = 3  # the current fiscal year and the next two
# history_change_reason is a CharField(max_length=100) in every history table.
REASON_MAX_LENGTH = 100

TARGET_FIELDS = ["value", "min_value", "max_value", "due_date"]
NUMBER_FIELDS = ("value", "min_value", "max_value")
HEADINGS = {
    "value": "Target",
    "min_value": "Minimum",
    "max_value": "Maximum",
    "due_date": "Due date",
}


def target_columns(metric: Metric, targets: Iterable[Target]) -> list[str]:
    """The Target fields the page shows: those the metric's kind and direction use, plus any
    that a stored target fills (so that nothing stored is hidden or silently dropped)."""
    if metric.kind == Metric.Kind.MILESTONE:
        wanted = {"due_date"}
    elif metric.direction == Metric.Direction.RANGE:
        wanted = {"min_value", "max_value"}
    else:
        wanted = {"value"}
    stored = {name for t in targets for name in TARGET_FIELDS if getattr(t, name) is not None}
    return [name for name in TARGET_FIELDS if name in wanted | stored]


def sheet_years(plan: Plan, stored_years: Iterable[int], today: date) -> list[int]:
    """The plan's fiscal years (or the current one and the next two when it gives none),
    plus any year that already has a target."""
    start = plan.start_fiscal_year or plan.end_fiscal_year
    end = plan.end_fiscal_year or plan.start_fiscal_year
    if start is None or end is None:
        start = FiscalYear.from_date(today).year
        end = start + YEARS_WITHOUT_SPAN - 1
    return sorted({*range(start, end + 1), *stored_years})


def sheet_periods(metric: Metric, years: list[int]) -> list[Period]:
    """Each fiscal year, followed by its quarters for a quarterly metric."""
    periods: list[Period] = []
    for year in years:
        fiscal_year = FiscalYear(year)
        periods.append(fiscal_year)
        if metric.frequency == Metric.Frequency.QUARTERLY:
            periods.extend(fiscal_year.quarters())
    return periods


def period_key(period: Period) -> tuple[int, int | None]:
    if isinstance(period, FiscalQuarter):
        return period.fiscal_year, period.quarter
    return period.year, None


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


class FiscalYearField(forms.CharField):
    """Accepts "2024" or "FY2024"; gives the year as an int."""

    def to_python(self, value: Any) -> int | None:
        text = super().to_python(value)
        if not text:
            return None
        match = YEAR.match(text)
        if match is None:
            raise ValidationError(NOT_A_YEAR, code="invalid")
        try:
            return FiscalYear(int(match[1])).year
        except ValueError:  # outside the plausible years
            raise ValidationError(NOT_A_YEAR, code="invalid") from None


class TargetForm(forms.Form):
    """The target of one period. Fields the metric does not use are removed."""

    value = NumberField(required=False)
    min_value = NumberField(required=False)
    max_value = NumberField(required=False)
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        metric: Metric,
        period: Period,
        target: Target | None,
        columns: list[str],
    ) -> None:
        self.metric, self.period, self.target = metric, period, target
        prefix = period.label.replace(" ", "").lower()
        super().__init__(data, prefix=prefix, initial=_target_initial(target))
        for name in TARGET_FIELDS:
            if name in columns:
                self.fields[name].label = f"{period.label} {HEADINGS[name].lower()}"
            else:
                del self.fields[name]

    @property
    def is_year(self) -> bool:
        return isinstance(self.period, FiscalYear)

    @property
    def row_id(self) -> str:
        return f"row-{self.prefix}"

    def stored_display(self) -> list[str]:
        """The stored target, one text per shown column, for people who may only read."""
        target = self.target
        shown = [name for name in TARGET_FIELDS if name in self.fields]
        if target is None:
            return ["—" for _name in shown]
        texts = []
        for name in shown:
            stored = getattr(target, name)
            if name == "due_date":
                texts.append(f"{stored:%b %-d, %Y}" if stored else "—")
            else:
                texts.append(format_value(stored, self.metric.unit) or "—")
        return texts

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in NUMBER_FIELDS:
            if data.get(name) is not None and (message := self._check(data[name])):
                self.add_error(name, message)
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("min_value", MIN_ABOVE_MAX)
        return data

    def _check(self, value: Decimal) -> str | None:
        metric = self.metric
        return check_value(
            value, unit=metric.unit, allowed_min=metric.allowed_min, allowed_max=metric.allowed_max
        )

    def to_entry(self) -> TargetEntry:
        data = self.cleaned_data
        fiscal_year, quarter = period_key(self.period)
        return TargetEntry(
            fiscal_year=fiscal_year,
            quarter=quarter,
            value=data.get("value"),
            min_value=data.get("min_value"),
            max_value=data.get("max_value"),
            due_date=data.get("due_date"),
            version=data.get("version"),
        )


def _target_initial(target: Target | None) -> dict[str, Any]:
    if target is None:
        return {}
    return {
        "value": _text(target.value),
        "min_value": _text(target.min_value),
        "max_value": _text(target.max_value),
        "due_date": target.due_date,
        "version": target.version,
    }


class BaselineForm(forms.Form):
    """The metric's baseline: a value and the fiscal year it was measured in, or neither."""

    value = NumberField(required=False, label="Baseline value")
    fiscal_year = FiscalYearField(
        required=False,
        label="Baseline fiscal year",
        help_text="Like 2020 or FY2020.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, data: QueryDict | None = None, *, metric: Metric) -> None:
        self.metric = metric
        initial = {
            "value": _text(metric.baseline_value),
            "fiscal_year": metric.baseline_fiscal_year,
        }
        super().__init__(data, prefix="baseline", initial=initial)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        value, year = data.get("value"), data.get("fiscal_year")
        if value is not None and year is None and "fiscal_year" not in self.errors:
            self.add_error("fiscal_year", NEEDS_YEAR)
        elif year is not None and value is None and "value" not in self.errors:
            self.add_error("value", NEEDS_VALUE)
        elif value is not None and (message := self._check(value)):
            self.add_error("value", message)
        return data

    def _check(self, value: Decimal) -> str | None:
        metric = self.metric
        return check_value(
            value, unit=metric.unit, allowed_min=metric.allowed_min, allowed_max=metric.allowed_max
        )

    def to_baseline(self) -> Baseline:
        return Baseline(
            value=self.cleaned_data.get("value"), fiscal_year=self.cleaned_data.get("fiscal_year")
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        label="Reason for the change",
        help_text="Kept in the history with every target you change (100 characters at most).",
    )

    def __init__(self, data: QueryDict | None = None, *, reason: str = "") -> None:
        super().__init__(data, prefix="change", initial={"reason": reason})


class TargetSheet:
    """Every form of the targets page. Reads nothing from the database itself: the view
    passes the stored targets (one query)."""

    def __init__(
        self,
        data: QueryDict | None,
        *,
        metric: Metric,
        targets: list[Target],
        today: date,
        reason: str = "",
    ) -> None:
        stored = {(t.fiscal_year, t.quarter): t for t in targets}
        self.columns = target_columns(metric, targets)
        stored_years = {year for year, _quarter in stored}
        years = sheet_years(metric.element.plan, stored_years, today)
        self.rows = [
            TargetForm(
                data,
                metric=metric,
                period=period,
                target=stored.get(period_key(period)),
                columns=self.columns,
            )
            for period in sheet_periods(metric, years)
        ]
        has_baseline = metric.kind != Metric.Kind.MILESTONE
        self.baseline = BaselineForm(data, metric=metric) if has_baseline else None
        self.reason = ReasonForm(data, reason=reason)

    @property
    def headings(self) -> list[tuple[str, str]]:
        """(field name, column heading) in the order of the table's columns."""
        return [(name, HEADINGS[name]) for name in self.columns]

    def forms(self) -> list[forms.Form]:
        extra = [self.baseline] if self.baseline is not None else []
        return [*self.rows, *extra, self.reason]

    def is_valid(self) -> bool:
        results = [form.is_valid() for form in self.forms()]  # every form, for every error
        return all(results)

    def entries(self) -> list[TargetEntry]:
        return [form.to_entry() for form in self.rows]

    def to_baseline(self) -> Baseline | None:
        return self.baseline.to_baseline() if self.baseline is not None else None

    def change_reason(self) -> str:
        return self.reason.cleaned_data.get("reason", "").strip()

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for every error, so the summary at the top links to each field."""
        return [
            (form[name].auto_id, f"{form.fields[name].label}: {error}")
            for form in self.forms()
            for name, errors in form.errors.items()
            if name in form.fields
            for error in errors
        ]
