"""Forms of the review pages: choose a quarter, record the meeting, its decisions and action
items, close an item. They hand views real types (a FiscalQuarter, model instances with the
plan's objects only) and keep what was typed when anything is wrong."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from metrics.periods import QUARTERS, FiscalQuarter, FiscalYear
from plans.models import Metric, Office, Plan, PlanElement
from reports.review import long_date
from reports.review_models import ActionItem, Decision, ReviewMeeting

NEEDS_OWNER = "Give an owner: an office, a person's name, or both."
DUE_BEFORE_MEETING = "The due date cannot be before the meeting, held on {held}."
ALREADY_CLOSED = "This item was already closed on {closed}."
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
QUARTER_CHOICES = [(q, f"Q{q}") for q in QUARTERS]


class QuarterForm(forms.Form):
    """Which quarter's packet to open (a GET form: anyone who reads the plan may)."""

    fy = forms.TypedChoiceField(label="Fiscal year", coerce=int)
    q = forms.TypedChoiceField(label="Quarter", coerce=int, choices=QUARTER_CHOICES)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fy"].choices = [(y, f"FY{y}") for y in years]

    def quarter(self) -> FiscalQuarter:
        return FiscalQuarter(self.cleaned_data["fy"], self.cleaned_data["q"])


def packet_years(plan: Plan, meeting_years: list[int], today: date) -> list[int]:
    """The plan's fiscal years, the current one and any year with a meeting, newest first."""
    current = FiscalYear.from_date(today).year
    start = plan.start_fiscal_year or plan.end_fiscal_year or current
    end = plan.end_fiscal_year or start
    return sorted({*range(start, end + 1), current, *meeting_years}, reverse=True)


def quarter_under_review(today: date) -> FiscalQuarter:
    """The quarter a review held today looks at: the one that ended last."""
    return FiscalQuarter.from_date(today).previous()


class MeetingForm(forms.ModelForm):
    class Meta:
        model = ReviewMeeting
        fields = ["held_on", "notes"]
        labels = {"held_on": "Held on", "notes": "Notes"}
        help_texts = {
            "held_on": "The date of the review meeting.",
            "notes": "Who attended, what was discussed; printed in the packet.",
        }
        widgets = {"held_on": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="meeting", **kwargs)
        self.fields["held_on"].required = True


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "metric", "element"]
        labels = {"text": "Decision", "metric": "About a metric", "element": "About an element"}
        help_texts = {"metric": "Optional.", "element": "Optional."}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, prefix="decision", **kwargs)
        _limit_to_plan(self, plan)
        elements = PlanElement.objects.filter(plan=plan).order_by("level", "order")
        self.fields["element"].queryset = elements
        self.fields["element"].label_from_instance = _element_label
        self.fields["element"].empty_label = "Not about one element"


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["text", "owner_office", "owner_name", "due_on", "metric"]
        labels = {
            "text": "Action item",
            "owner_office": "Owner office",
            "owner_name": "Owner's name",
            "due_on": "Due date",
            "metric": "About a metric",
        }
        help_texts = {
            "owner_office": "An office, a person or both.",
            "owner_name": "A person, if one is responsible.",
            "metric": "Optional.",
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "due_on": DATE_INPUT}

    def __init__(self, *args: Any, plan: Plan, meeting: ReviewMeeting, **kwargs: Any) -> None:
        super().__init__(*args, prefix="item", **kwargs)
        self.meeting = meeting
        _limit_to_plan(self, plan)
        owners = Office.objects.filter(metrics__element__plan=plan).values("pk")
        offices = Office.objects.filter(pk__in=owners) | Office.objects.filter(pk=plan.owner_id)
        self.fields["owner_office"].queryset = offices.order_by("code")
        self.fields["owner_office"].label_from_instance = lambda o: f"{o.code}: {o.name}"
        self.fields["owner_office"].empty_label = "No office"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("owner_office") and not data.get("owner_name", "").strip():
            self.add_error("owner_office", NEEDS_OWNER)
        due, held = data.get("due_on"), self.meeting.held_on
        if due and held and due < held:
            self.add_error("due_on", DUE_BEFORE_MEETING.format(held=long_date(held)))
        return data


class CloseItemForm(forms.Form):
    note = forms.CharField(
        label="Closing note",
        help_text="What was done, or why the item is no longer needed.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, item: ActionItem, **kwargs: Any) -> None:
        super().__init__(*args, prefix=f"close-{item.pk}", **kwargs)
        self.item = item

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.item.closed_at is not None:
            closed = long_date(timezone.localdate(self.item.closed_at))
            raise forms.ValidationError(ALREADY_CLOSED.format(closed=closed))
        return data


def _limit_to_plan(form: forms.ModelForm, plan: Plan) -> None:
    field = form.fields["metric"]
    field.queryset = Metric.objects.filter(element__plan=plan).order_by("element__number", "order")
    field.empty_label = "Not about one metric"


def _element_label(element: PlanElement) -> str:
    return f"{element.number} {element.display_title}"


def error_summary(*forms_: forms.BaseForm) -> list[tuple[str, str]]:
    """(field id, "Label: message") for every error of the forms, form-wide errors
    pointing at the first field, for the summary at the top of the page."""
    summary = []
    for form in forms_:
        first = next(iter(form.fields))
        for name, errors in form.errors.items():
            field = form[first if name == "__all__" else name]
            label = form.fields[field.name].label
            summary.extend((field.auto_id, f"{label}: {message}") for message in errors)
    return summary
