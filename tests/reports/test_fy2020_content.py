"""The content of the FY2020 annual report (`reports/seed_data/fy2020_annual_report.json`),
filled from the FY2020 figures (`metrics/seed_data/fy2020_figures.json`), says what the ICE
Annual Report FY2020 (seed 004) says: its sections in order, its narrative word for word,
every figure from data, and its nine footnotes numbered as the report numbers them.

Every block is filled in order by one `Filler`, as the annual report builder does, so that
footnotes are numbered across the whole report. Pure: no database.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from reports.documents import Run, plain_text
from reports.figures import FigureData, Filler, MissingValue, TemplateError, metric_notes

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "reports" / "seed_data" / "fy2020_annual_report.json"
FIGURES = ROOT / "metrics" / "seed_data" / "fy2020_figures.json"
REPORT = ROOT / "plans" / "seed_data" / "documents" / "004_ddcdcad9644a8be4.txt"

SECTIONS = [
    ("A Message from the Senior Official Performing the Duties of the Director", None),
    ("Enforcement and Removal Operations", "ERO"),
    ("ICE Health Service Corps", "IHSC"),
    ("Homeland Security Investigations", "HSI"),
    ("Management and Administration", "M&A"),
    ("Office of Partnership and Engagement", "OPE"),
    ("Office of Professional Responsibility", "OPR"),
    ("Office of the Principal Legal Advisor", "OPLA"),
]
STYLES = {"subheading", "paragraph", "bullet", "subbullet", "signature"}
# HSI's infographic sets its call-outs in capitals; amounts are written by the formatter,
# which spells "million" and "billion" in lower case. These two differ from the report by
# case only.
CASE_ONLY = {
    "341 million SEIZED COUNTERFEIT AND ILLICIT GOODS",
    "$1.8 billion CURRENCY AND ASSETS SEIZED",
}
HIGH_RISK_CHARTERS = "Special High-Risk Charter flights"


@dataclass(frozen=True)
class Filled:
    section: str
    style: str
    metric: str | None
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return squash(plain_text(self.runs))


def squash(text: str) -> str:
    return " ".join(text.split())


def clean(text: str) -> str:
    """The report's text without conversion markup: footnote markers, bold and italic
    markers, the backslash before `$`, link markup."""
    text = re.sub(r"<sup>.*?</sup>", "", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    return squash(text.replace("\\$", "$").replace("*", ""))


@cache
def report() -> str:
    return clean(REPORT.read_text(encoding="utf-8"))


@cache
def report_footnotes() -> tuple[str, ...]:
    """The texts of the report's footnotes `<sup>n</sup> ...`, in the report's order."""
    raw = REPORT.read_text(encoding="utf-8")
    found = re.findall(r"^<sup>(\d+)</sup>(.*?)(?=\n\s*\n|\Z)", raw, flags=re.M | re.S)
    assert [int(number) for number, _text in found] == list(range(1, len(found) + 1))
    return tuple(clean(text) for _number, text in found)


@cache
def content() -> dict:
    return json.loads(CONTENT.read_text(encoding="utf-8"))


@cache
def metrics() -> tuple[dict, ...]:
    return tuple(json.loads(FIGURES.read_text(encoding="utf-8"))["metrics"])


def figures() -> dict[str, FigureData]:
    return {
        row["name"]: FigureData(
            metric_id=number,
            name=row["name"],
            unit=row["unit"],
            value=Decimal(row["value"]),
            stated_comparison=row["explanation"],
            notes=metric_notes(row["data_source"], row["data_quality_notes"]),
            unit_label=row["unit_label"],
            office=row["office"],
            source=row["data_source"],
        )
        for number, row in enumerate(metrics(), start=1)
    }


def blocks() -> list[tuple[str, dict]]:
    return [(s["heading"], block) for s in content()["sections"] for block in s["blocks"]]


@cache
def filled() -> tuple[Filler, tuple[Filled, ...]]:
    """Every block filled in order by one Filler, as the report builder fills them."""
    filler = Filler(content()["fiscal_year"], figures())
    done = tuple(
        Filled(
            section,
            block["style"],
            block.get("metric"),
            filler.fill(block["text"], block.get("metric")),
        )
        for section, block in blocks()
    )
    return filler, done


def block_with(fragment: str) -> Filled:
    matches = [block for block in filled()[1] if fragment in block.text]
    assert len(matches) == 1, (fragment, [block.text for block in matches])
    return matches[0]


def markers(runs: tuple[Run, ...]) -> list[tuple[str, int]]:
    """Each footnote marker with the last words before it."""
    found = []
    for index, run in enumerate(runs):
        if run.footnote is not None:
            words = plain_text(runs[:index]).split()
            found.append((" ".join(words[-3:]), run.footnote))
    return found


def test_the_content_describes_the_fy2020_report_of_ice():
    data = content()
    assert data["title"] == "ICE Annual Report Fiscal Year 2020"
    assert data["subtitle"] == "U.S. Immigration and Customs Enforcement"
    assert data["date_label"] == "December 23, 2020"
    assert (data["fiscal_year"], data["scope"], data["office"]) == (2020, "office", "ICE")
    assert data["plan"] == json.loads(FIGURES.read_text(encoding="utf-8"))["plan"]


def test_the_sections_are_the_reports_in_order_each_with_its_office():
    headings = [(s["heading"], s["office"]) for s in content()["sections"]]
    assert headings == SECTIONS
    assert all(heading in report() for heading, _office in SECTIONS)


def test_every_block_has_a_known_style_and_names_a_metric_of_the_figures():
    names = {row["name"] for row in metrics()}
    for section, block in blocks():
        assert set(block) <= {"style", "text", "metric"}, block
        assert block["style"] in STYLES, block
        assert block["text"].strip(), (section, block)
        assert block.get("metric") in names | {None}, block
        if block["style"] in ("subheading", "signature"):
            assert "metric" not in block, block
            assert "{" not in block["text"], block


def test_every_block_fills_without_a_template_error():
    filler = Filler(content()["fiscal_year"], figures())
    problems = []
    for section, block in blocks():
        try:
            filler.fill(block["text"], block.get("metric"))
        except (TemplateError, MissingValue) as error:
            problems.append((section, block["text"][:60], str(error)))
    assert not problems


def test_every_metric_is_used_by_some_block():
    filler, _blocks = filled()
    used = {figure.name for figure in filler.used}
    assert [row["name"] for row in metrics() if row["name"] not in used] == []


def test_each_metric_sits_in_its_own_section():
    for section, block in blocks():
        if block.get("metric"):
            row = next(row for row in metrics() if row["name"] == block["metric"])
            assert row["section"] == section, (section, block["metric"])


@pytest.mark.parametrize("row", metrics(), ids=lambda row: row["name"])
def test_each_headline_appears_verbatim_in_the_filled_report(row):
    headline = squash(row["headline"])
    texts = [block.text for block in filled()[1]]
    if any(headline in text for text in texts):
        return
    assert any(text in CASE_ONLY and headline.casefold() in text.casefold() for text in texts)


def test_each_filled_block_is_the_reports_own_text():
    """The narrative is verbatim and every figure is printed as the report prints it."""
    for block in filled()[1]:
        if block.text in CASE_ONLY:
            assert block.text.casefold() in report().casefold()
        else:
            assert block.text in report(), (block.section, block.text)


def test_the_footnotes_are_the_reports_nine_numbered_in_its_order():
    filler, _blocks = filled()
    footnotes = filler.footnotes.as_tuple()
    assert [note.number for note in footnotes] == list(range(1, 10))
    assert tuple(note.text for note in footnotes) == report_footnotes()


def test_every_footnote_marker_of_the_report_is_placed_once():
    placed = [number for block in filled()[1] for _before, number in markers(block.runs)]
    assert sorted(placed) == list(range(1, 10))


def test_the_removals_sentence():
    block = block_with("ICE removed")
    assert block.text == "In FY 2020, ICE removed 185,884 aliens."
    assert [run.text for run in block.runs if run.bold] == ["185,884"]


def test_the_fentanyl_sentence_states_the_reports_comparison():
    block = block_with("of fentanyl")
    assert block.text == (
        "Seized more than 1.4 million pounds of narcotics, including 6,105 pounds of "
        "fentanyl, a 65% increase from FY 2019."
    )


def test_the_high_profile_removals_carry_footnotes_two_and_three():
    block = block_with("high-profile removal cases")
    assert block.text == (
        "In FY 2020, ERO officers removed more than 350 high-profile removal cases from "
        "the United States."
    )
    assert markers(block.runs) == [("more than 350", 2), ("more than 350", 3)]


def test_the_budget_is_written_in_billions():
    block = block_with("largest budget in ICE history")
    assert block.text == (
        "Successfully executed the largest budget in ICE history at $8.03 billion and "
        "obligated 99.86% of ICE expiring funding."
    )


def test_the_charter_flights_sentence_spells_six_and_marks_footnote_one_once():
    block = block_with("six of which were new countries")
    assert block.metric == HIGH_RISK_CHARTERS
    assert block.text.startswith(
        "The ERO Removal Division's ICE Air Charter Operations coordinated a record-breaking "
        "76 Special High-Risk Charters to 61 countries, six of which were new countries"
    )
    assert block.text.endswith(
        "effectuating 3,278 removals. This is a 160% increase in total removals via Special "
        "High-Risk Charter flights compared to FY 2019."
    )
    assert markers(block.runs) == [("Special High-Risk Charters", 1)]
