"""A report document as semantic HTML: the downloadable page, the app's preview and the
source of the PDF are all this one rendering.

The templates under templates/reports/print/ own the structure (headings by depth, the
contents, tables, figures, notes); this module prepares what they cannot compute: heading
levels, the unique id of each footnote reference, the chart images, and the inline runs,
which are written here because template whitespace would put spaces between runs.

The app's preview page shows exactly what prints by including the body partial with the
same context:

    {% include "reports/print/_document_body.html" with printable=printable %}

where the view passes `printable_context(document)["printable"]` and links
static/css/print.css. The partial has no <style> or <script> and no style attributes, so
it runs under a strict Content Security Policy (images are data: URIs).
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from reports.documents import (
    Block,
    BulletList,
    Chart,
    Document,
    ListItem,
    Paragraph,
    Run,
    Section,
    Table,
)
from reports.rendering.charts import HEIGHT_INCHES, WIDTH_INCHES, chart_svg
from reports.rendering.text import link_parts, safe_href

CSS_PATH = "css/print.css"
DOCUMENT_TEMPLATE = "reports/print/document.html"
BODY_TEMPLATE = "reports/print/_document_body.html"
NOTES_ANCHOR = "notes"
NOTES_HEADING = "Notes"
CSS_PX_PER_INCH = 96


@dataclass(frozen=True)
class PrintCell:
    text: str
    header: bool = False
    numeric: bool = False


@dataclass(frozen=True)
class PrintTable:
    kind: ClassVar[str] = "table"
    caption: str
    header: tuple[PrintCell, ...]
    rows: tuple[tuple[PrintCell, ...], ...]


@dataclass(frozen=True)
class PrintParagraph:
    kind: ClassVar[str] = "paragraph"
    style: str
    html: SafeString


@dataclass(frozen=True)
class PrintItem:
    html: SafeString
    children: tuple[PrintItem, ...]


@dataclass(frozen=True)
class PrintList:
    kind: ClassVar[str] = "list"
    items: tuple[PrintItem, ...]


@dataclass(frozen=True)
class PrintChart:
    kind: ClassVar[str] = "chart"
    title: str
    summary: str
    image: str  # a data: URI of the SVG
    width: int
    height: int
    table: PrintTable


PrintBlock = PrintParagraph | PrintList | PrintTable | PrintChart


@dataclass(frozen=True)
class PrintSection:
    heading: str
    anchor: str
    level: int  # the h1..h6 level: the title is h1, so top-level sections are h2
    blocks: tuple[PrintBlock, ...]
    subsections: tuple[PrintSection, ...]


@dataclass(frozen=True)
class TocEntry:
    heading: str
    anchor: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class PrintNote:
    number: int
    html: SafeString
    backref: str  # the id of the first reference in the text, "" when never referenced


@dataclass(frozen=True)
class Printable:
    document: Document
    sections: tuple[PrintSection, ...]
    contents: tuple[TocEntry, ...]
    notes: tuple[PrintNote, ...]
    notes_anchor: str = NOTES_ANCHOR
    notes_heading: str = NOTES_HEADING


class _References:
    """Numbers the references to each footnote in reading order: fnref-3-1, fnref-3-2..."""

    def __init__(self) -> None:
        self._seen: Counter[int] = Counter()

    def next_id(self, number: int) -> str:
        self._seen[number] += 1
        return f"fnref-{number}-{self._seen[number]}"

    def first_id(self, number: int) -> str:
        return f"fnref-{number}-1" if self._seen[number] else ""


def render_html(document: Document, *, standalone: bool = True) -> str:
    """The document as HTML. Standalone: a full page with the print CSS inlined, so that a
    downloaded file works offline and WeasyPrint needs no file access. Otherwise only the
    body fragment, for a page that links static/css/print.css itself."""
    context = printable_context(document)
    if not standalone:
        return render_to_string(BODY_TEMPLATE, context)
    return render_to_string(DOCUMENT_TEMPLATE, {**context, "css": mark_safe(print_css())})  # nosec B308 B703


def printable_context(document: Document) -> dict[str, Any]:
    """The template context of the body partial: {"printable": Printable}. Draws every
    chart (about 30 ms each)."""
    references = _References()
    sections = tuple(_section(s, 1, references) for s in document.sections)
    notes = tuple(
        PrintNote(n.number, _footnote_html(n.text), references.first_id(n.number))
        for n in document.footnotes
    )
    contents = _contents(document) if document.contents else ()
    return {"printable": Printable(document, sections, contents, notes)}


def print_css() -> str:
    """static/css/print.css, found the way collectstatic finds it (app or project dirs)."""
    path = finders.find(CSS_PATH)
    if not path:
        raise FileNotFoundError(f"Static file {CSS_PATH} not found by the staticfiles finders.")
    with open(path, encoding="utf-8") as css:
        return css.read()


def _contents(document: Document) -> tuple[TocEntry, ...]:
    entries = _toc_entries(document.sections)
    if document.footnotes:
        entries += (TocEntry(NOTES_HEADING, NOTES_ANCHOR),)
    return entries


def _toc_entries(sections: tuple[Section, ...]) -> tuple[TocEntry, ...]:
    return tuple(
        TocEntry(s.heading, s.anchor, _toc_entries(s.subsections))
        for s in sections
        if s.in_contents
    )


def _section(section: Section, depth: int, references: _References) -> PrintSection:
    blocks = tuple(_block(block, references) for block in section.blocks)
    subsections = tuple(_section(s, depth + 1, references) for s in section.subsections)
    return PrintSection(section.heading, section.anchor, min(depth + 1, 6), blocks, subsections)


def _block(block: Block, references: _References) -> PrintBlock:
    if isinstance(block, Paragraph):
        return PrintParagraph(block.style, _runs_html(block.runs, references))
    if isinstance(block, BulletList):
        return PrintList(tuple(_item(item, references) for item in block.items))
    if isinstance(block, Chart):
        return _chart(block)
    return _table(block)


def _item(item: ListItem, references: _References) -> PrintItem:
    children = tuple(_item(child, references) for child in item.children)
    return PrintItem(_runs_html(item.runs, references), children)


def _table(table: Table) -> PrintTable:
    numeric = table.numeric_columns
    header = tuple(
        PrintCell(text, header=True, numeric=i in numeric) for i, text in enumerate(table.header)
    )
    rows = tuple(
        tuple(
            PrintCell(text, header=table.row_headers and i == 0, numeric=i in numeric)
            for i, text in enumerate(row)
        )
        for row in table.rows
    )
    return PrintTable(table.caption, header, rows)


def _chart(chart: Chart) -> PrintChart:
    """An <img> of the SVG rather than inline SVG: matplotlib's SVG carries a <style>
    element and style attributes (blocked by the app's CSP) and ids that would repeat
    across charts; an image with alt text is also what WeasyPrint tags as a Figure."""
    encoded = base64.b64encode(chart_svg(chart).encode("utf-8")).decode("ascii")
    return PrintChart(
        chart.title,
        chart.summary,
        f"data:image/svg+xml;base64,{encoded}",
        round(WIDTH_INCHES * CSS_PX_PER_INCH),
        round(HEIGHT_INCHES * CSS_PX_PER_INCH),
        _table(chart.table),
    )


def _runs_html(runs: tuple[Run, ...], references: _References) -> SafeString:
    """Inline runs as escaped HTML: <strong>, <em>, links, and footnote references
    (markers side by side are separated by a comma, so 2 and 3 do not read as 23)."""
    parts = []
    for before, run in zip((None, *runs), runs, strict=False):
        if run.footnote is not None and before is not None and before.footnote is not None:
            parts.append('<sup class="print-fnsep">,</sup>')
        parts.append(_run_html(run, references))
    return mark_safe("".join(parts))  # nosec B308 B703 # parts come from format_html


def _run_html(run: Run, references: _References) -> str:
    if run.footnote is not None:
        return format_html(
            '<sup class="print-fnref"><a href="#fn-{0}" id="{1}" aria-label="Note {0}">'
            "{0}</a></sup>",
            run.footnote,
            references.next_id(run.footnote),
        )
    html = _with_breaks(run.text)
    if run.italic:
        html = format_html("<em>{}</em>", html)
    if run.bold:
        html = format_html("<strong>{}</strong>", html)
    href = safe_href(run.link)
    return format_html('<a href="{}">{}</a>', href, html) if href else html


def _with_breaks(text: str) -> SafeString:
    """Line breaks in a run (a signature's name, title, office) become <br>."""
    lines = [conditional_escape(line) for line in text.split("\n")]
    return mark_safe("<br>".join(lines))  # nosec B308 B703 # each line escaped above


def _footnote_html(text: str) -> SafeString:
    return mark_safe(  # nosec B308 B703 # format_html or conditional_escape per part
        "".join(
            format_html('<a href="{0}">{0}</a>', part) if href else conditional_escape(part)
            for part, href in link_parts(text)
        )
    )
