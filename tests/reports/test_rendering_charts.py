"""Chart images and the Excel appendix of report documents. Pure: no database."""

from __future__ import annotations

import io
import math
import re

import pytest
from lxml import etree
from openpyxl import load_workbook
from PIL import Image

from reports.documents import AppendixRow, Chart, Series, Table
from reports.rendering import appendix
from reports.rendering.appendix import ABOUT_SHEET, COLUMNS, FIGURES_SHEET, render_appendix
from reports.rendering.charts import _draw, chart_png, chart_svg

SVG = "{http://www.w3.org/2000/svg}"
CHART = Chart(
    title="Seizures & removals",
    categories=("FY 2019", "FY 2020", "FY 2021"),
    series=(
        Series("Removals", (267258.0, 185884.0, None)),
        Series("Returns", (1200.5, None, 900.0)),
        Series("Target", (250000.0, None, 200000.0), kind="line"),
    ),
    summary="Removals fell by 30% in FY 2020; FY 2021 is not yet reported.",
    table=Table("Data", ("Year", "Removals"), (("FY 2019", "267,258"),)),
    y_label="People",
)


@pytest.fixture(scope="module")
def svg() -> str:
    return chart_svg(CHART)


def test_chart_svg_parses_with_title_summary_and_every_series(svg: str) -> None:
    root = etree.fromstring(svg.encode("utf-8"))
    assert root.findtext(f"{SVG}title") == CHART.title
    assert root.findtext(f"{SVG}desc") == CHART.summary
    # Matplotlib draws text as paths and keeps each string as a comment beside it.
    texts = re.findall(r"<!-- (.*?) -->", svg)
    for expected in ("Removals", "Returns", "Target", "FY 2021", "People", "267,258"):
        assert expected in texts, expected


def test_chart_svg_and_png_are_deterministic(svg: str) -> None:
    assert chart_svg(CHART) == svg
    assert "<dc:date>" not in svg
    assert chart_png(CHART, dpi=50) == chart_png(CHART, dpi=50)


def test_chart_png_has_the_requested_resolution() -> None:
    image = Image.open(io.BytesIO(chart_png(CHART, dpi=100)))
    assert image.format == "PNG"
    assert image.size == (650, 360)


def test_missing_values_are_gaps_not_zeros() -> None:
    axes = _draw(CHART).axes[0]
    heights = [bar.get_height() for bar in axes.patches]
    assert sum(math.isnan(h) for h in heights) == 2
    assert 0 not in heights
    line = axes.lines[0]
    assert math.isnan(line.get_ydata()[1])


def test_series_differ_without_colour() -> None:
    axes = _draw(CHART).axes[0]
    hatches = {bar.get_hatch() for bar in axes.patches}
    assert len(hatches) == 2
    assert axes.lines[0].get_marker() not in ("", "None", None)
    legend = _draw(CHART).legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["Removals", "Returns", "Target"]


# Appendix --------------------------------------------------------------------------------

ROWS = (
    AppendixRow(
        "Enforcement", "Removals", "ERO", "FY 2020", 185884.0, "count", "185,884",
        "a 30% decrease from FY 2019", "EID", "1, 2",
    ),
    AppendixRow(
        "Budget", "Obligations", "OCFO", "FY 2020", 1_800_000_000.0, "dollars",
        "$1.8 billion", "", "Financial system", "",
    ),
    AppendixRow(
        "Hiring", "Time to hire", "OHC", "FY 2020", 87.5, "days", "87.5 days", "", "HR", "3",
    ),
    AppendixRow("Hiring", "Retention", "OHC", "FY 2020", None, "percent", "", "", "HR", ""),
)  # fmt: skip
TITLE = "FY 2020 Annual Performance Report: figures"


@pytest.fixture(scope="module")
def workbook():
    return load_workbook(io.BytesIO(render_appendix(TITLE, ROWS)))


def test_appendix_values_are_numbers_with_formats_for_their_unit(workbook) -> None:
    sheet = workbook[FIGURES_SHEET]
    values = [sheet.cell(row=r, column=5) for r in range(2, 6)]
    assert [v.value for v in values] == [185884, 1_800_000_000, 87.5, None]
    assert all(isinstance(v.value, int | float) for v in values[:3])
    assert [v.number_format for v in values[:3]] == [
        appendix.WHOLE_FORMAT,
        "$#,##0",
        appendix.FRACTION_FORMAT,
    ]
    assert values[3].number_format == '0.0"%"'


def test_appendix_header_is_bold_frozen_and_filtered(workbook) -> None:
    sheet = workbook[FIGURES_SHEET]
    assert [c.value for c in sheet[1]] == [header for header, _f, _m in COLUMNS]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J5"
    assert sheet.column_dimensions["H"].width >= len("a 30% decrease from FY 2019")


def test_appendix_has_title_and_about_sheet(workbook) -> None:
    assert workbook.properties.title == TITLE
    assert workbook.sheetnames == [FIGURES_SHEET, ABOUT_SHEET]
    about = workbook[ABOUT_SHEET]
    assert about["A1"].value == TITLE
    meanings = {row[0]: row[1] for row in about.iter_rows(min_row=4, values_only=True)}
    assert set(meanings) == {header for header, _f, _m in COLUMNS}
    assert "number" in meanings["Value"]
