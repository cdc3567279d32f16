"""Rendering Django form fields as USWDS controls, with errors tied to their inputs."""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html
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


@register.simple_tag
def uswds_field(field: forms.BoundField) -> SafeString:
    """A USWDS form group for one bound field: label, hint, error, control.

    Built in Python rather than by including a template per field: the quarterly entry
    form has 1,600 fields for 200 metrics, and an include each cost most of its render time.
    The group carries `app-field app-field--<name>` so that a page can lay its fields out.
    """
    if field.is_hidden:
        return SafeString(str(field))  # nosec B703 # widget templates escape
    error = (
        format_html(
            '<span class="usa-error-message" id="{}-error">{}</span>',
            field.auto_id,
            " ".join(field.errors),
        )
        if field.errors
        else ""
    )
    group = "usa-form-group app-field app-field--" + field.name
    group += " usa-form-group--error" if field.errors else ""
    if isinstance(field.field.widget, forms.CheckboxInput):
        inner = format_html(
            '{}<div class="usa-checkbox">{}<label class="usa-checkbox__label" for="{}">{}</label>'
            "</div>",
            error,
            uswds_widget(field),
            field.auto_id,
            field.label,
        )
    else:
        label_class = "usa-label usa-label--error" if field.errors else "usa-label"
        hint = (
            format_html(
                '<div class="usa-hint" id="{}-hint">{}</div>', field.auto_id, field.help_text
            )
            if field.help_text
            else ""
        )
        inner = format_html(
            '<label class="{}" for="{}">{}</label>{}{}{}',
            label_class,
            field.auto_id,
            field.label,
            hint,
            error,
            uswds_widget(field),
        )
    return format_html('<div class="{}">{}</div>', group, inner)
