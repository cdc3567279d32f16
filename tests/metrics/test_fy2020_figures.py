"""The FY2020 figures of the ICE Annual Report, curated in `metrics/seed_data/fy2020_figures.json`,
checked against the report's own text (seed 004) and the ICE Strategic Plan (seed 001).

The report is a plain-text conversion of a PDF, so before comparing we remove its conversion
markup (bold and italic markers, the backslash before `$`, footnote markers `<sup>n</sup>`, the
angle brackets around links, the markup of `[text](link)`) and collapse whitespace.

A metric's footnotes are its data source (a link) and the paragraphs of its data-quality notes
(separated by a blank line): exactly the report's footnotes on the sentence that states it.
Pure pytest: no database.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "metrics" / "seed_data" / "fy2020_figures.json"
DOCUMENTS = ROOT / "plans" / "seed_data" / "documents"
REPORT = DOCUMENTS / "004_ddcdcad9644a8be4.txt"
STRATEGIC_PLAN = DOCUMENTS / "001_3f0cdc2fbd3db8ae.txt"
OFFICES = ROOT / "plans" / "seed_data" / "offices.json"

KINDS = {"numeric", "percentage", "milestone"}
UNITS = {"count", "percent", "dollars", "pounds", "days", "hours", "score", "events", "other"}
DIRECTIONS = {"increase", "decrease", "range"}
AGGREGATIONS = {"sum", "latest", "average", "cumulative"}
FREQUENCIES = {"quarterly", "annual"}

DIRECTORS_MESSAGE = "A Message from the Senior Official Performing the Duties of the Director"
# The report's section headings (as in its table of contents) and the office that owns each.
OFFICE_OF_SECTION = {
    DIRECTORS_MESSAGE: "ICE",
    "Enforcement and Removal Operations": "ERO",
    "ICE Health Service Corps": "IHSC",
    "Homeland Security Investigations": "HSI",
    "Management and Administration": "M&A",
    "Office of Partnership and Engagement": "OPE",
    "Office of Professional Responsibility": "OPR",
    "Office of the Principal Legal Advisor": "OPLA",
}
OFFICE_SECTIONS = [section for section in OFFICE_OF_SECTION if section != DIRECTORS_MESSAGE]

NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
DECIMAL = re.compile(r"^\d+(\.\d+)?$")
INTEGER = re.compile(r"^\d+$")
SUB_OBJECTIVE = re.compile(r"^\d+\.\d+\.\d+$")
LINK = re.compile(r"^https?://\S+$")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# The report's footnotes on the sentences that state figures, by metric; every other metric
# has none. (Footnotes 4 to 7 annotate narrative that states no figure.)
FOOTNOTES_OF_METRIC = {
    "Special High-Risk Charter flights": [1],
    "Countries reached by Special High-Risk Charter flights": [1],
    "New countries reached by Special High-Risk Charter flights": [1],
    "Removals via Special High-Risk Charter flights": [1],
    "High-profile removals": [2, 3],
    "Detainees tested for COVID-19": [8],
    "PREA audits completed at ICE detention facilities": [9],
}

# The issue's own examples: (office, metric name, unit, value).
ISSUE_EXAMPLES = [
    ("ERO", "Removals", "count", "185884"),
    ("ERO", "Removals of aliens with criminal convictions or pending charges", "count", "118949"),
    ("ERO", "Immigration detainers placed", "count", "122233"),
    ("ERO", "Administrative arrests", "count", "103603"),
    ("HSI", "Criminal arrests", "count", "31915"),
    ("HSI", "Fentanyl seized (pounds)", "pounds", "6105"),
    ("OPLA", "Immigration court hearings attended", "count", "775202"),
    ("OPLA", "Removal orders obtained", "count", "157433"),
]


def normalise(text: str) -> str:
    """The report's text without conversion markup, whitespace collapsed."""
    text = re.sub(r"<sup>.*?</sup>", "", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = text.replace("\\$", "$").replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


@cache
def figures() -> dict:
    return json.loads(FIGURES.read_text(encoding="utf-8"))


@cache
def report() -> str:
    return normalise(REPORT.read_text(encoding="utf-8"))


@cache
def report_footnotes() -> dict[int, str]:
    """The report's footnotes (`<sup>n</sup> text` at the start of a line, up to a blank line)."""
    raw = REPORT.read_text(encoding="utf-8")
    found = re.findall(r"^<sup>(\d+)</sup>(.*?)(?=\n\s*\n|\Z)", raw, flags=re.M | re.S)
    return {int(number): normalise(text) for number, text in found}


def footnotes_of(metric: dict) -> list[str]:
    """The metric's footnotes as the annual report prints them: the data source, then each
    paragraph of the data-quality notes, whitespace collapsed."""
    source = [metric["data_source"].strip()] if metric["data_source"].strip() else []
    paragraphs = PARAGRAPH_BREAK.split(metric["data_quality_notes"])
    return source + [" ".join(p.split()) for p in paragraphs if p.strip()]


def metrics() -> list[dict]:
    return figures()["metrics"]


def metric_id(metric: dict) -> str:
    return f"{metric['office']} {metric['element']} {metric['name']}"


def notes_of(text: str) -> list[str]:
    """Notes and explanations hold one verbatim passage of the report per line."""
    return [line for line in text.split("\n") if line.strip()]


def compact(number: Decimal) -> str:
    """1.4, 8.03, 315: a decimal without exponent or trailing zeros."""
    return format(number.normalize(), "f")


def printed_forms(metric: dict) -> list[str]:
    """The ways the report prints a figure with this value and unit."""
    value, unit = metric["value"], metric["unit"]
    if unit == "percent":
        return [f"{value}%"]
    number = int(value)
    plain = [f"{number:,}"]
    for scale, word in ((10**9, "billion"), (10**6, "million")):
        if number >= scale:
            plain.append(f"{compact(Decimal(number) / scale)} {word}")
    if number < len(NUMBER_WORDS):
        plain.append(NUMBER_WORDS[number])
    if unit == "dollars":
        return [f"${form}" for form in plain]
    if unit == "pounds":
        return [f"{form} {word}" for form in plain for word in ("pounds", "lbs.")]
    return plain


def figure_is_printed(form: str, text: str) -> bool:
    """The form occurs as a whole figure: not inside a longer number or word."""
    pattern = rf"(?<![\w$.,]){re.escape(form)}(?!\w|[.,]\d)"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def test_the_file_describes_the_fy2020_report_against_the_ice_strategic_plan():
    data = figures()
    assert data["plan"] == "ice-sp-2021-2025"
    assert data["fiscal_year"] == 2020
    assert data["source"] == REPORT.name
    assert (DOCUMENTS / data["source"]).is_file()
    assert len(metrics()) > 0


@pytest.mark.parametrize("metric", metrics(), ids=metric_id)
def test_each_headline_occurs_verbatim_in_the_report(metric):
    assert metric["headline"].strip()
    assert normalise(metric["headline"]) in report()


@pytest.mark.parametrize("metric", metrics(), ids=metric_id)
def test_each_value_is_printed_in_its_headline_as_the_report_prints_it(metric):
    assert DECIMAL.match(metric["value"]), metric["value"]
    forms = printed_forms(metric)
    headline = normalise(metric["headline"])
    assert any(figure_is_printed(form, headline) for form in forms), (forms, headline)


@pytest.mark.parametrize("metric", metrics(), ids=metric_id)
def test_counts_dollars_and_pounds_are_whole_numbers(metric):
    if metric["unit"] in {"count", "dollars", "pounds"}:
        assert INTEGER.match(metric["value"]), metric["value"]


@pytest.mark.parametrize("metric", metrics(), ids=metric_id)
def test_explanations_sources_and_data_quality_notes_are_quoted_from_the_report(metric):
    for field in ("explanation", "data_source", "data_quality_notes"):
        for passage in notes_of(metric[field]):
            assert normalise(passage) in report(), (field, passage)


def test_the_report_has_nine_footnotes():
    assert sorted(report_footnotes()) == list(range(1, 10))


@pytest.mark.parametrize("metric", metrics(), ids=metric_id)
def test_each_metrics_notes_are_among_the_reports_footnotes(metric):
    for note in footnotes_of(metric):
        assert note in report_footnotes().values(), note


@pytest.mark.parametrize("metric", metrics(), ids=metric_id)
def test_each_metric_carries_exactly_the_footnotes_of_its_sentence(metric):
    expected = [report_footnotes()[n] for n in FOOTNOTES_OF_METRIC.get(metric["name"], [])]
    assert sorted(footnotes_of(metric)) == sorted(expected)


@pytest.mark.parametrize("metric", metrics(), ids=metric_id)
def test_links_are_data_sources_and_explanatory_footnotes_are_data_quality_notes(metric):
    assert metric["data_source"] == "" or LINK.match(metric["data_source"])
    paragraphs = PARAGRAPH_BREAK.split(metric["data_quality_notes"])
    assert not any(LINK.match(p.strip()) for p in paragraphs)
    assert "\n" not in metric["data_quality_notes"].replace("\n\n", "")


def test_the_high_profile_removals_carry_footnotes_two_and_three_in_order():
    [metric] = [m for m in metrics() if m["name"] == "High-profile removals"]
    assert footnotes_of(metric) == [report_footnotes()[2], report_footnotes()[3]]


@pytest.mark.parametrize("metric", metrics(), ids=metric_id)
def test_a_prior_year_value_is_only_given_when_the_report_prints_it(metric):
    prior = metric["prior_year_value"]
    if prior is not None:
        assert DECIMAL.match(prior), prior
        printed = printed_forms({**metric, "value": prior})
        assert any(figure_is_printed(form, report()) for form in printed), printed


def test_every_office_code_exists_in_the_offices_seed():
    codes = {office["code"] for office in json.loads(OFFICES.read_text(encoding="utf-8"))}
    unknown = {metric["office"] for metric in metrics()} - codes
    assert not unknown


@pytest.mark.parametrize("metric", metrics(), ids=metric_id)
def test_every_element_is_a_sub_objective_of_the_ice_strategic_plan(metric):
    element = metric["element"]
    assert SUB_OBJECTIVE.match(element), element
    plan_text = STRATEGIC_PLAN.read_text(encoding="utf-8")
    assert re.search(rf"(?<![\d.]){re.escape(element)}(?::|\*\*)", plan_text), element


def test_metric_names_are_unique_within_each_element():
    counts = Counter((metric["element"], metric["name"]) for metric in metrics())
    duplicates = [key for key, count in counts.items() if count > 1]
    assert not duplicates


@pytest.mark.parametrize("metric", metrics(), ids=metric_id)
def test_every_metric_uses_valid_enum_values_and_is_annual(metric):
    assert metric["kind"] in KINDS
    assert metric["unit"] in UNITS
    assert metric["direction"] in DIRECTIONS
    assert metric["aggregation"] in AGGREGATIONS
    assert metric["frequency"] in FREQUENCIES
    assert metric["frequency"] == "annual"
    assert metric["name"].strip()
    assert metric["definition"].strip()


@pytest.mark.parametrize("metric", metrics(), ids=metric_id)
def test_every_metric_sits_in_a_report_section_owned_by_its_office(metric):
    section = metric["section"]
    assert section in OFFICE_OF_SECTION, section
    assert section in report()
    assert metric["office"] == OFFICE_OF_SECTION[section]


@pytest.mark.parametrize("section", OFFICE_SECTIONS)
def test_each_office_section_of_the_report_has_at_least_one_metric(section):
    assert any(metric["section"] == section for metric in metrics())


@pytest.mark.parametrize(("office", "name", "unit", "value"), ISSUE_EXAMPLES)
def test_the_issues_examples_are_present_with_their_values(office, name, unit, value):
    matches = [m for m in metrics() if m["office"] == office and m["name"] == name]
    assert len(matches) == 1, (office, name)
    assert matches[0]["unit"] == unit
    assert matches[0]["value"] == value
