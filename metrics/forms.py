"""Forms that turn what people type into real values; views never parse input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from metrics.entry import EntryRow
from metrics.models import DataCall, Measurement
from metrics.periods import FiscalQuarter
from metrics.services import ValueEntry
from metrics.values import (
    check_fraction,
    check_value,
    misses_target,
    moved_sharply,
    parse_number,
    percentage,
)
from plans.models import Metric, Plan

REQUIRED_ON_SUBMIT = "Enter a value, or mark it not available with a reason."
REASON_NOT_AVAILABLE = "Say why the value is not available."
EXPLAIN_MISS = "Explain why the value misses its target."
EXPLAIN_MOVE = "Explain why the value moved more than 50% from the previous period."
CHANGE_REASON = "This value was approved: give a reason for changing it."
DONE_NEEDS_DATE = "Give the date the milestone was done."
NEEDS_BOTH = "Enter both the numerator and the denominator."
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = (".pdf", ".docx", ".xlsx", ".csv", ".txt", ".png", ".jpg", ".jpeg")
# What each type's content starts with; text types must decode instead (see _looks_like).
EVIDENCE_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
NOT_WHAT_IT_SAYS = "The file's content is not a {kind} file, though its name says so."


class NumberField(forms.CharField):
    """Accepts what people type around numbers ("1,234", "12.5%", "$1,234.50")."""

    def to_python(self, value: Any) -> Decimal | None:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_number(text)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class MeasurementEntryForm(forms.Form):
    """One metric's value for one period. `submitting` turns on the completeness rules."""

    value = NumberField(required=False, label="Value")
    numerator = NumberField(required=False, label="Numerator")
    denominator = NumberField(required=False, label="Denominator")
    milestone_status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Not reported"), *Measurement.Milestone.choices],
    )
    milestone_date = forms.DateField(
        required=False, label="Date done", widget=forms.DateInput(attrs={"type": "date"})
    )
    not_available = forms.BooleanField(required=False, label="Not available this period")
    not_available_reason = forms.CharField(
        required=False, label="Why it is not available", widget=forms.Textarea(attrs={"rows": 2})
    )
    explanation = forms.CharField(
        required=False, label="Explanation", widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(required=False, label="Evidence file")
    change_reason = forms.CharField(required=False, label="Reason for changing an approved value")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, row: EntryRow, submitting: bool = False, **kwargs: Any):
        self.row = row
        self.metric: Metric = row.metric
        self.submitting = submitting
        kwargs.setdefault("prefix", f"m{row.metric.pk}")
        kwargs.setdefault("initial", _initial(row))
        super().__init__(*args, **kwargs)
        for name in self._unused_fields():
            del self.fields[name]

    def _unused_fields(self) -> list[str]:
        kind = self.metric.kind
        unused = {
            Metric.Kind.NUMERIC: ["numerator", "denominator", "milestone_status", "milestone_date"],
            Metric.Kind.PERCENTAGE: ["value", "milestone_status", "milestone_date"],
            Metric.Kind.MILESTONE: ["value", "numerator", "denominator"],
        }[kind]
        if not (self.row.measurement and self.row.measurement.is_locked_by_approval):
            unused.append("change_reason")
        return unused

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        if upload is None:
            return None
        if upload.size > MAX_EVIDENCE_BYTES:
            raise ValidationError("Evidence files are limited to 10 MB.")
        name = upload.name.lower()
        if not name.endswith(EVIDENCE_TYPES):
            raise ValidationError("Attach a PDF, Word, Excel, CSV, text or image file.")
        extension = name[name.rindex(".") :]
        if not _looks_like(upload, extension):
            raise ValidationError(NOT_WHAT_IT_SAYS.format(kind=extension[1:].upper()))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("not_available"):
            if not data.get("not_available_reason", "").strip():
                self.add_error("not_available_reason", REASON_NOT_AVAILABLE)
            self._check_change_reason(data)
            return data
        if self.metric.kind == Metric.Kind.PERCENTAGE:
            self._clean_fraction(data)
        elif self.metric.kind == Metric.Kind.MILESTONE:
            if data.get("milestone_status") == "done" and not data.get("milestone_date"):
                self.add_error("milestone_date", DONE_NEEDS_DATE)
        elif data.get("value") is not None:
            self._check_range("value", data["value"])
        if self.submitting and not self.errors:
            self._check_complete(data)
        if not self.errors:
            self._check_change_reason(data)
        return data

    def _clean_fraction(self, data: dict[str, Any]) -> None:
        numerator, denominator = data.get("numerator"), data.get("denominator")
        if (numerator is None) != (denominator is None):
            missing = "numerator" if numerator is None else "denominator"
            self.add_error(missing, NEEDS_BOTH)
        elif numerator is not None:
            if message := check_fraction(numerator, denominator):
                self.add_error("denominator", message)
            else:
                data["value"] = percentage(numerator, denominator)
                self._check_range("numerator", data["value"])

    def _check_range(self, field: str, value: Decimal) -> None:
        metric = self.metric
        message = check_value(
            value, unit=metric.unit, allowed_min=metric.allowed_min, allowed_max=metric.allowed_max
        )
        if message:
            self.add_error(field, message)

    def _check_complete(self, data: dict[str, Any]) -> None:
        first_field = next(iter(self.fields))
        value = data.get("value")
        if self.metric.kind == Metric.Kind.MILESTONE:
            if not data.get("milestone_status"):
                self.add_error("milestone_status", REQUIRED_ON_SUBMIT)
            return
        if value is None:
            self.add_error(first_field, REQUIRED_ON_SUBMIT)
            return
        if data.get("explanation", "").strip():
            return
        target = self.row.target
        if target is not None and misses_target(
            value,
            direction=self.metric.direction,
            target=target.value,
            min_value=target.min_value,
            max_value=target.max_value,
        ):
            self.add_error("explanation", EXPLAIN_MISS)
        elif moved_sharply(value, self.row.previous_value):
            self.add_error("explanation", EXPLAIN_MOVE)

    def _check_change_reason(self, data: dict[str, Any]) -> None:
        stored = self.row.measurement
        if stored is None or not stored.is_locked_by_approval:
            return
        entry = self.to_entry()
        changed = any(getattr(stored, k) != v for k, v in entry.fields().items())
        if changed and not data.get("change_reason", "").strip():
            self.add_error("change_reason", CHANGE_REASON)

    def to_entry(self) -> ValueEntry:
        data = self.cleaned_data
        return ValueEntry(
            metric=self.metric,
            value=data.get("value"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            milestone_status=data.get("milestone_status", ""),
            milestone_date=data.get("milestone_date"),
            not_available=bool(data.get("not_available")),
            not_available_reason=data.get("not_available_reason", "").strip(),
            explanation=data.get("explanation", "").strip(),
            version=data.get("version"),
            change_reason=data.get("change_reason", "").strip(),
            evidence=data.get("evidence"),
        )


def _initial(row: EntryRow) -> dict[str, Any]:
    stored = row.measurement
    if stored is None:
        return {}
    return {
        "value": _text(stored.value),
        "numerator": _text(stored.numerator),
        "denominator": _text(stored.denominator),
        "milestone_status": stored.milestone_status,
        "milestone_date": stored.milestone_date,
        "not_available": stored.not_available,
        "not_available_reason": stored.not_available_reason,
        "explanation": stored.explanation,
        "version": stored.version,
    }


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


class DataCallForm(forms.ModelForm):
    """A lead opens a data call for a quarter of the plan."""

    class Meta:
        model = DataCall
        fields = ["fiscal_year", "quarter", "opens_on", "due_on", "reminder_days_before"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "quarter": forms.Select(choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)]),
        }

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, due = data.get("opens_on"), data.get("due_on")
        if opens and due and opens > due:
            self.add_error("due_on", "The due date cannot be before the opening date.")
        year, quarter = data.get("fiscal_year"), data.get("quarter")
        try:
            FiscalQuarter(year or 0, quarter or 1)
        except ValueError as error:
            self.add_error("fiscal_year", str(error).capitalize() + ".")
            return data
        calls = DataCall.objects.filter(plan=self.instance.plan, fiscal_year=year, quarter=quarter)
        if calls.exists():
            self.add_error("quarter", f"The plan already has a data call for FY{year} Q{quarter}.")
        return data


class ExceptionForm(forms.Form):
    """A lead lets one office keep entering values after the due date."""

    office = forms.ChoiceField(label="Office")
    until = forms.DateField(label="Until", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, offices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", "Choose an office"), *offices]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What the office should fix", widget=forms.Textarea(attrs={"rows": 3})
    )


def _looks_like(upload: Any, extension: str) -> bool:
    """The content agrees with the name: a signature for binary types, and for text types
    (csv, txt) the first kilobytes decode as UTF-8 or Windows-1252 without NUL bytes, so
    that an HTML page or a program cannot arrive disguised as a PDF, image or text."""
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if extension in EVIDENCE_SIGNATURES:
        return head.startswith(EVIDENCE_SIGNATURES[extension])
    if b"\x00" in head or head.lstrip().lower().startswith((b"<!doctype", b"<html", b"<script")):
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False
