"""Django's form renderer, with the plain widgets written in Python.

Django renders every widget through its template engine: an `<input>` is `input.html`
including `attrs.html`, a `<select>` includes one template per option. On a page of many
fields that is most of the page's time: the quarterly entry form of an office with 26
metrics renders about 200 widgets, and the templates cost 70% of its render. The writers
below produce the same bytes as Django's templates (`tests/plans/test_form_renderer.py`
compares them on every widget kind, value and attribute), from the context the widget
builds itself (`Widget.get_context`); anything else (a project template overriding a
widget, a clearable file input showing its current file, radio buttons) goes to the
templates as before. The renderer's engine sees Django's and the apps' templates only (not
the project's `templates/`), and no app here overrides a widget template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
INPUT_TYPES = [
    *["text", "number", "email", "url", "password", "hidden", "search", "tel"],
    *["date", "time", "datetime", "color", "checkbox", "file"],
]


def _as_text(value: Any) -> str:
    """`{{ value }}` with autoescaping: localised when not a string, escaped unless safe."""
    if not isinstance(value, str):
        value = str(localize(value))
    return value if isinstance(value, SafeData) else escape(value)


def _as_string(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: `%s` formatting (str), a safe string kept safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    """`attrs.html`: `name="value"`, a bare name for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_as_text(name)}")
        else:
            parts.append(f' {_as_text(name)}="{_as_string(value)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_as_string(value)}"'
    return (
        f'<input type="{_as_text(widget["type"])}" name="{_as_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_as_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_as_text(value) if value else ''}</textarea>"
    )


def _option(option: dict[str, Any]) -> str:
    return (
        f'<option value="{_as_string(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_as_text(option['label'])}</option>"
    )


def _select(widget: dict[str, Any]) -> str | None:
    parts = [f'<select name="{_as_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_as_text(group_name)}">')
        for option in options:
            if option["template_name"] != WIDGETS + "select_option.html":
                return None
            # select_option.html ends with a line break, which the include keeps
            parts.append("\n  " + _option(option) + "\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _clearable_file(widget: dict[str, Any]) -> str | None:
    """A file input with no current file (the template's output, stripped as Django's
    renderer strips it); one showing its current file goes to the template."""
    if widget["is_initial"]:
        return None
    return (
        f'<input type="{_as_text(widget["type"])}" name="{_as_text(widget["name"])}"'
        f"{_attrs(widget['attrs'])}>"
    )


WRITERS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **{f"{WIDGETS}{kind}.html": _input for kind in INPUT_TYPES},
    WIDGETS + "input.html": _input,
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
    WIDGETS + "clearable_file_input.html": _clearable_file,
}


class PythonWidgetRenderer(DjangoTemplates):
    """`FORM_RENDERER`: Django's templates, but the common widgets written in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = WRITERS.get(template_name)
        html = write(context["widget"]) if write is not None else None
        if html is None:
            return super().render(template_name, context, request)
        return mark_safe(html)  # nosec B703 B308 # every value is escaped above
