"""The real exports are accessible documents (Section 508; issue 7, section 4): the FY2020
annual report (seed 004, built as a report build builds it) and a quarterly review packet
with a chart, each as a tagged PDF (PDF/UA) and as Word.

tests/reports/test_rendering.py checks the renderers on a hand-built sample; these tests
check the same structures on what users download: the document language, the title shown
by viewers, real headings without skipped levels, table header cells and rows, and
alternative text on every chart.

Each file is rendered once per module inside a transaction that is rolled back (WeasyPrint
takes a few seconds for the report).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import docx
import pytest
from django.db import transaction
from docx.oxml.ns import qn
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from metrics.models import Measurement
from metrics.periods import FiscalQuarter
from metrics.seed import load_fy2020_figures
from plans.models import Office
from plans.seed import load_seed_data
from reports import annual
from reports.builds import render_format
from reports.documents import Chart, Document, Section, Table
from reports.models import AnnualReport
from reports.rendering import render
from reports.review import build_packet
from reports.seed import load_fy2020_report
from tests.factories import (
    MeasurementFactory,
    MetricFactory,
    OfficeFactory,
    PlanElementFactory,
    PlanFactory,
    ReviewMeetingFactory,
    TargetFactory,
)

QUARTER = FiscalQuarter(2025, 2)
TODAY = date(2025, 5, 20)
PDF_HEADINGS = {f"/H{level}": level for level in range(1, 7)}


@dataclass(frozen=True)
class Export:
    document: Document
    pdf: PdfReader
    word: docx.document.Document


def _export(document: Document, render_one) -> Export:
    return Export(
        document=document,
        pdf=PdfReader(io.BytesIO(render_one("pdf"))),
        word=docx.Document(io.BytesIO(render_one("docx"))),
    )


@pytest.fixture(scope="module")
def annual_report(django_db_setup, django_db_blocker) -> Export:
    """The FY2020 report composed from its frozen content and data, as a build does."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed_data()
        load_fy2020_figures()
        load_fy2020_report()
        report = AnnualReport.objects.get(fiscal_year=2020)
        content = annual.report_content(report)
        composition = annual.compose(content, annual.take_snapshot(report.plan, content))
        export = _export(composition.document, lambda fmt: render_format(composition, fmt))
        transaction.set_rollback(True)
    return export


@pytest.fixture(scope="module")
def review_packet(django_db_setup, django_db_blocker) -> Export:
    """A plan's FY2025 Q2 packet: one metric off track (with its chart), one on track."""
    with django_db_blocker.unblock(), transaction.atomic():
        ice = OfficeFactory(code="ICE", name="Immigration Agency", kind=Office.Kind.AGENCY)
        ero = OfficeFactory(code="ERO", name="Removal Operations", parent=ice)
        plan = PlanFactory(title="ICE Strategic Plan", slug="ice-plan", owner=ice)
        goal = PlanElementFactory(plan=plan, number="1", title="Protect the homeland")
        objective = PlanElementFactory(parent=goal, number="1.1", title="Remove threats")
        for order, (name, actual) in enumerate([("Removals completed", 50), ("Detainers", 120)]):
            metric = MetricFactory(element=objective, owner_office=ero, name=name, order=order)
            for quarter in (1, 2):
                TargetFactory(metric=metric, fiscal_year=2025, quarter=quarter, value=100)
                MeasurementFactory(
                    metric=metric,
                    fiscal_year=2025,
                    quarter=quarter,
                    value=Decimal(actual),
                    explanation="Flights were cancelled." if actual < 100 else "",
                    status=Measurement.Status.APPROVED,
                )
        ReviewMeetingFactory(plan=plan, fiscal_year=2025, quarter=2, held_on=date(2025, 5, 6))
        document = build_packet(plan, QUARTER, today=TODAY)
        export = _export(document, lambda fmt: render(document, fmt))
        transaction.set_rollback(True)
    return export


@pytest.fixture(params=["annual_report", "review_packet"])
def export(request: pytest.FixtureRequest) -> Export:
    return request.getfixturevalue(request.param)


def blocks(document: Document) -> Iterator[object]:
    """Every block of the document's sections, subsections included."""
    stack: list[Section] = list(document.sections)
    while stack:
        section = stack.pop(0)
        for block in section.blocks:
            if isinstance(block, Section):
                stack.append(block)
            else:
                yield block
        stack.extend(getattr(section, "subsections", ()))


def charts(document: Document) -> list[Chart]:
    return [block for block in blocks(document) if isinstance(block, Chart)]


def tables(document: Document) -> list[Table]:
    found = [block for block in blocks(document) if isinstance(block, Table)]
    return found + [chart.table for chart in charts(document) if chart.table is not None]


def test_the_packet_has_a_chart_and_a_table_to_check(review_packet: Export) -> None:
    assert charts(review_packet.document)
    assert tables(review_packet.document)


# PDF ---------------------------------------------------------------------------------------


def struct_elements(pdf: PdfReader) -> Iterator[DictionaryObject]:
    """The structure tree's elements in document order (depth first, kids in order)."""
    stack = [pdf.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while stack:
        node = stack.pop()
        yield node
        kids = node.get("/K", [])
        kids = kids if isinstance(kids, list) else [kids]
        for kid in reversed(kids):
            kid = kid.get_object()
            if isinstance(kid, DictionaryObject) and kid.get("/Type") != "/OBJR":
                stack.append(kid)


def test_pdf_is_tagged_pdf_ua_with_language_and_title(export: Export) -> None:
    catalog = export.pdf.trailer["/Root"]
    assert catalog["/Lang"] == export.document.language
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in catalog
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()
    assert export.pdf.metadata.title == export.document.title
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"]) is True


def test_pdf_headings_start_at_h1_and_never_skip_a_level(export: Export) -> None:
    levels = [
        PDF_HEADINGS[str(e["/S"])]
        for e in struct_elements(export.pdf)
        if str(e.get("/S")) in PDF_HEADINGS
    ]
    assert levels[0] == 1
    assert levels.count(1) == 1, "one H1: the document's title"
    assert len(levels) > 3
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert skips == []


def test_pdf_tables_have_header_cells(export: Export) -> None:
    elements = list(struct_elements(export.pdf))
    pdf_tables = [e for e in elements if e.get("/S") == "/Table"]
    # A table that runs onto the next page is tagged again there, without its caption.
    captioned = [t for t in pdf_tables if any(d.get("/S") == "/Caption" for d in _descendants(t))]
    assert len(captioned) == len(tables(export.document))
    for table in pdf_tables:
        cells = [str(e.get("/S")) for e in _descendants(table)]
        assert "/TH" in cells
        assert cells.index("/TH") < cells.index("/TD"), "header cells come first"


def test_pdf_figures_have_the_chart_summary_as_alternative_text(export: Export) -> None:
    figures = [e for e in struct_elements(export.pdf) if e.get("/S") == "/Figure"]
    assert [str(f.get("/Alt", "")) for f in figures] == [c.summary for c in charts(export.document)]
    assert all(str(f["/Alt"]).strip() for f in figures)


def _descendants(node: DictionaryObject) -> Iterator[DictionaryObject]:
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if isinstance(kid, DictionaryObject) and kid.get("/Type") != "/OBJR":
            yield kid
            yield from _descendants(kid)


# Word --------------------------------------------------------------------------------------


def test_word_has_the_title_and_the_document_language(export: Export) -> None:
    properties = export.word.core_properties
    assert properties.title == export.document.title
    assert properties.language == export.document.language
    defaults = export.word.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == export.document.language


def test_word_headings_are_heading_styles_that_never_skip_a_level(export: Export) -> None:
    styles = [p.style.name for p in export.word.paragraphs]
    assert styles[0] == "Title"
    levels = [int(s.split()[-1]) for s in styles if s.startswith("Heading ")]
    assert len(levels) > 2
    assert levels[0] == 1
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert skips == []
    # No paragraph poses as a heading by looks alone (all of its text bold, no style).
    fake = [p.text for p in export.word.paragraphs if p.style.name == "Normal" and _all_bold(p)]
    assert fake == []


def _all_bold(paragraph) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.bold for run in runs)


def test_word_tables_repeat_a_header_row(export: Export) -> None:
    assert len(export.word.tables) == len(tables(export.document))
    for table in export.word.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_word_pictures_have_alternative_text(export: Export) -> None:
    body = export.word.element.body
    pictures = list(body.iter(qn("wp:docPr")))
    assert [p.get("descr") for p in pictures] == [c.summary for c in charts(export.document)]
    assert all(p.get("descr", "").strip() for p in pictures)
