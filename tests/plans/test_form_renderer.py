"""The Python widget writers give the same HTML as Django's widget templates, for every
widget kind they take, with values and attributes of every sort."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from plans.form_renderer import WRITERS, PythonWidgetRenderer

TEMPLATES = DjangoTemplates()
PYTHON = PythonWidgetRenderer()

ATTRS = [
    {},
    {"class": "usa-input", "id": "id_x"},
    {"required": True, "disabled": False, "aria-describedby": "a b", "data-n": 3},
    {"placeholder": 'say "hi" & <bye>', "step": Decimal("0.01"), "title": mark_safe("<b>")},
    {"rows": 2, "maxlength": 10},
]
VALUES = [
    None,
    "",
    "plain",
    "<script>alert(\"x\")</script> & 'quotes'",
    mark_safe("<i>safe</i>"),
    0,
    1234567,
    Decimal("1.50"),
    3.25,
    date(2026, 11, 23),
    gettext_lazy("lazy"),
    "line one\nline two",
]
WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.TimeInput,
    forms.DateTimeInput,
    forms.Textarea,
    forms.CheckboxInput,
    forms.FileInput,
    forms.ClearableFileInput,
    lambda attrs=None: forms.PasswordInput(attrs=attrs, render_value=True),
    lambda attrs=None: forms.DateInput(attrs={"type": "date", **(attrs or {})}),
]
CHOICES = [
    [("", "Not reported"), ("done", "Done"), ("late", 'Late & "odd" <label>')],
    [("Group <1>", [(1, "one"), (2, "two")]), ("", [(3, "three")]), (4, "four")],
    [(None, "none"), (Decimal("2.5"), gettext_lazy("two and a half")), (True, "yes")],
]


def both(widget: forms.Widget, value: object, attrs: dict) -> tuple[str, str]:
    expected = widget.render("field-name", value, attrs=attrs, renderer=TEMPLATES)
    return widget.render("field-name", value, attrs=attrs, renderer=PYTHON), expected


@pytest.mark.parametrize("make", WIDGETS)
@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("attrs", ATTRS, ids=repr)
def test_inputs_and_text_areas_match_the_templates(make, value, attrs) -> None:
    written, expected = both(make(), value, attrs)
    assert written == expected


@pytest.mark.parametrize("choices", CHOICES, ids=repr)
@pytest.mark.parametrize("value", ["", "done", "late", 1, 3, "2.5", None, True], ids=repr)
@pytest.mark.parametrize("attrs", ATTRS, ids=repr)
def test_selects_match_the_templates(choices, value, attrs) -> None:
    written, expected = both(forms.Select(choices=choices), value, attrs)
    assert written == expected


def test_a_multiple_select_matches_the_template() -> None:
    widget = forms.SelectMultiple(choices=CHOICES[0])
    written, expected = both(widget, ["done", "late"], {"id": "id_m"})
    assert written == expected


def test_what_the_writers_do_not_take_goes_to_the_templates() -> None:
    """Radio buttons, and a file input that shows its current file."""

    class Stored:
        url = "/media/evidence/report.pdf"

        def __str__(self) -> str:
            return "report.pdf"

    radios = forms.RadioSelect(choices=CHOICES[0])
    assert both(radios, "done", {"id": "id_r"})[0] == both(radios, "done", {"id": "id_r"})[1]
    current = forms.ClearableFileInput()
    written, expected = both(current, Stored(), {"id": "id_f"})
    assert written == expected
    assert "report.pdf" in written


def test_the_writers_cover_the_widgets_django_renders_most() -> None:
    names = {name.rsplit("/", 1)[1] for name in WRITERS}
    assert {"text.html", "number.html", "textarea.html", "select.html", "checkbox.html"} <= names


def test_the_site_renders_forms_with_it(settings) -> None:
    assert settings.FORM_RENDERER == "plans.form_renderer.PythonWidgetRenderer"
    assert isinstance(forms.Form().renderer, PythonWidgetRenderer)
