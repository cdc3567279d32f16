"""Rendering Django form fields as USWDS controls, with errors tied to their inputs."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()

CLASSES = {
    forms.Textarea: "usa-textarea",
    forms.Select: "usa-select",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.ClearableFileInput: "usa-file-input",
    forms.FileInput: "usa-file-input",
}


@register.filter
def uswds_widget(field: forms.BoundField) -> SafeString:
    """The field's widget with its USWDS class, and `aria-describedby` naming its error and
    hint elements (ids `<id>-error`, `<id>-hint`) so screen readers read them with it."""
    widget = field.field.widget
    css = next((c for kind, c in CLASSES.items() if isinstance(widget, kind)), "usa-input")
    if field.errors and css in ("usa-input", "usa-textarea", "usa-select"):
        css += f" {css}--error"
    described = [f"{field.auto_id}-hint"] if field.help_text else []
    if field.errors:
        described.insert(0, f"{field.auto_id}-error")
    attrs = {"class": css}
    if field.errors:
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
