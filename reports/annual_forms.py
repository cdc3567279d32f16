"""Forms for annual reports: a new report, its details, a section's blocks, a build."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from plans.models import Plan
from reports.builds import FORMATS
from reports.figures import TemplateError, referenced_metrics
from reports.models import AnnualReport, ReportBlock


class NewReportForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), empty_label=None)
    fiscal_year = forms.IntegerField(
        min_value=1990, max_value=2100, help_text="The fiscal year the report covers, e.g. 2020."
    )
    scope = forms.ChoiceField(
        choices=AnnualReport.Scope.choices,
        help_text="By program office: a section per office that owns metrics. By plan: a "
        "section per top-level element (line of effort, goal).",
    )
    title = forms.CharField(max_length=300)

    def __init__(self, *args: Any, plans: QuerySet[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        plan, year, title = data.get("plan"), data.get("fiscal_year"), data.get("title")
        if plan and year and title:
            taken = AnnualReport.objects.filter(plan=plan, fiscal_year=year, title=title)
            if taken.exists():
                self.add_error(
                    "title", "This plan already has a report of that title for the year."
                )
        return data


class ReportDetailsForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["title", "subtitle", "date_label", "language"]
        help_texts = {"language": "The document language, as a tag such as en-US or es-US."}


class SectionForm(forms.Form):
    heading = forms.CharField(max_length=300)
    included = forms.BooleanField(required=False, help_text="Leave unticked to keep it out.")


class BlockForm(forms.Form):
    """One block of a section. Metric choices are passed in, so that a section of many
    blocks reads the plan's metrics once."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    order = forms.IntegerField(min_value=0, required=False, label="Position")
    style = forms.ChoiceField(choices=ReportBlock.Style.choices)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Placeholders such as {value}, {comparison}, {year} or "
        "{metric:NAME} are filled from approved data.",
    )
    metric = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    included = forms.BooleanField(required=False)
    delete = forms.BooleanField(required=False, label="Remove this block")

    def __init__(self, *args: Any, metric_choices: list[tuple[Any, str]], **kwargs: Any) -> None:
        self.metric_names: dict[int, str] = kwargs.pop("metric_names")
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "None"), *metric_choices]

    @property
    def is_blank(self) -> bool:
        """An added row left empty is ignored rather than rejected."""
        return not self.cleaned_data.get("id") and not self.cleaned_data.get("text", "").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("delete") or not data.get("text", "").strip():
            if data.get("id") and not data.get("delete") and not data.get("text", "").strip():
                self.add_error("text", "Write the text, or tick “Remove this block”.")
            return data
        metric_id = data.get("metric")
        primary = self.metric_names.get(metric_id) if metric_id else None
        try:
            names = referenced_metrics(data["text"], primary=primary)
        except TemplateError as error:
            self.add_error("text", str(error))
            return data
        known = set(self.metric_names.values())
        unknown = [name for name in names if name not in known]
        if unknown:
            self.add_error("text", f"No metric named “{unknown[0]}” in this plan.")
        return data


class BuildForm(forms.Form):
    formats = forms.MultipleChoiceField(
        choices=[(key, label) for key, (label, _ext, _type) in FORMATS.items()],
        widget=forms.CheckboxSelectMultiple,
        initial=list(FORMATS),
        error_messages={"required": "Choose at least one format."},
    )
