"""A report document as an editable Word file (.docx), written with python-docx.

Staff edit the annual report in Word before it goes to Congress, so the file must keep its
structure through editing: the title in the Title style, real Heading 1-3 styles (the
navigation pane, the contents and screen readers rely on them), bullets in List Bullet
styles, tables with a repeating header row, pictures with alternative text, the document
language in the default style so the spelling checker and screen readers use it.

python-docx has no footnotes API, so footnote markers are superscript numbers that link to
a numbered "Notes" section at the end (as in the HTML and the PDF). The contents is a TOC
field that Word rebuilds, with page numbers, when the file is opened (Word asks first); its
cached result lists the sections with links, for readers that do not update fields.
Writing costs about 0.2 s per chart (PNG at 150 dpi) and a few ms per table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from itertools import count

from docx import Document as new_word_document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table as WordTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run as WordRun

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
from reports.rendering.charts import WIDTH_INCHES, chart_png
from reports.rendering.text import link_parts, safe_href

CONTENTS_HEADING = "Contents"
NOTES_HEADING = "Notes"
TOC_DEPTH = 3
TOC_INSTRUCTION = r'TOC \o "1-3" \h \z \u'
NOTES_BOOKMARK = "_Notes"
TOC_NOTE = "Word updates this contents, with page numbers, when the document is opened."
LIST_STYLES = ("List Bullet", "List Bullet 2", "List Bullet 3")
LINK_COLOUR = RGBColor(0x00, 0x5E, 0xA2)  # USWDS primary: 7.1:1 on white
MUTED_COLOUR = RGBColor(0x45, 0x45, 0x45)  # 9.7:1 on white
PARAGRAPH_STYLES = {"body": "Normal", "lead": "Lead", "signature": "Signature", "note": "Note"}
MARGIN = Inches(1)


def render_docx(document: Document) -> bytes:
    """The document as .docx bytes."""
    word = new_word_document()
    _setup(word, document)
    writer = _Writer(word)
    writer.cover(document)
    if document.contents:
        writer.contents(document)
    for section in document.sections:
        writer.section(section, depth=1)
    if document.footnotes:
        writer.notes(document)
    buffer = BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# Document set-up: metadata, language, page, styles ------------------------------------------


def _setup(word: WordDocument, document: Document) -> None:
    _set_properties(word, document)
    _set_language(word, document.language)
    _set_update_fields(word)
    _add_styles(word)
    _set_page(word)


def _set_properties(word: WordDocument, document: Document) -> None:
    """Core properties; the template's own ("python-docx", 2013) would otherwise remain."""
    properties = word.core_properties
    properties.title = document.title
    properties.subject = document.subject
    properties.author = document.author
    properties.last_modified_by = document.author
    properties.language = document.language
    properties.comments = ""
    properties.revision = 1
    properties.created = properties.modified = datetime.now(UTC)


def _set_language(word: WordDocument, language: str) -> None:
    """w:lang in the document defaults (every run inherits it) and the theme font language."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.append(lang)
    lang.set(qn("w:val"), language)
    theme_lang = word.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), language)


def _set_update_fields(word: WordDocument) -> None:
    """Ask Word to update fields (the contents' page numbers) on open. Schema order puts
    w:updateFields right before w:compat."""
    settings = word.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    compat = settings.find(qn("w:compat"))
    if compat is not None:
        compat.addprevious(update)
    else:
        settings.append(update)


def _add_styles(word: WordDocument) -> None:
    styles = word.styles
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = LINK_COLOUR
    link.font.underline = True
    lead = styles.add_style("Lead", WD_STYLE_TYPE.PARAGRAPH)
    lead.base_style = styles["Normal"]
    lead.font.size = Pt(13)
    signature = styles.add_style("Signature", WD_STYLE_TYPE.PARAGRAPH)
    signature.base_style = styles["Normal"]
    signature.paragraph_format.space_before = Pt(24)
    note = styles.add_style("Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Normal"]
    note.font.size = Pt(9.5)
    note.font.color.rgb = MUTED_COLOUR


def _set_page(word: WordDocument) -> None:
    """Letter, 1 inch margins (as the PDF), and "Page N of M" in the footer."""
    section = word.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _add_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES", "1")


# Fields, bookmarks and links ------------------------------------------------------------


def _field_char(kind: str) -> OxmlElement:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    return char


def _begin_field(paragraph: WordParagraph, instruction: str) -> None:
    paragraph.add_run()._r.append(_field_char("begin"))
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)
    paragraph.add_run()._r.append(_field_char("separate"))


def _end_field(paragraph: WordParagraph) -> None:
    paragraph.add_run()._r.append(_field_char("end"))


def _add_field(paragraph: WordParagraph, instruction: str, cached: str) -> None:
    """A simple complex field ({ PAGE }) with `cached` shown until Word updates it."""
    _begin_field(paragraph, instruction)
    paragraph.add_run(cached)
    _end_field(paragraph)


def _bookmark(paragraph: WordParagraph, name: str, number: int) -> None:
    """Wraps the paragraph's content in a bookmark (links from the contents and markers)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    properties = paragraph._p.pPr
    if properties is not None:
        properties.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)


def _link_run(run: WordRun, *, anchor: str = "", url: str = "") -> None:
    """Moves `run` into a w:hyperlink: to a bookmark (`anchor`) or to a web address."""
    link = OxmlElement("w:hyperlink")
    if anchor:
        link.set(qn("w:anchor"), anchor)
    else:
        relation = run.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link.set(qn("r:id"), relation)
    link.set(qn("w:history"), "1")
    run._r.addprevious(link)
    link.append(run._r)


def _add_link(paragraph: WordParagraph, text: str, *, anchor: str = "", url: str = "") -> None:
    run = paragraph.add_run(text, style="Hyperlink")
    _link_run(run, anchor=anchor, url=url)


def _note_bookmark(number: int) -> str:
    return f"_Note{number}"


# The writer ------------------------------------------------------------------------------


class _Writer:
    """Appends a document's parts to a Word document, numbering bookmarks as it goes
    (headings and notes are bookmarked so that the contents and the markers link there)."""

    def __init__(self, word: WordDocument) -> None:
        self.word = word
        self._bookmark_ids: Iterator[int] = count(1)

    def cover(self, document: Document) -> None:
        self.word.add_paragraph(document.title, style="Title")
        if document.subtitle:
            self.word.add_paragraph(document.subtitle, style="Subtitle")
        for line in (document.date_label, document.author):
            if line:
                self.word.add_paragraph(line)
        for notice in document.notices:
            self.word.add_paragraph().add_run(notice).bold = True

    def contents(self, document: Document) -> None:
        """A TOC field; its cached result lists the sections in the contents, linked."""
        heading = self.word.add_paragraph(CONTENTS_HEADING, style="TOC Heading")
        heading.paragraph_format.page_break_before = True
        self.word.add_paragraph(TOC_NOTE, style="Note")
        entries = [*_contents_entries(document.sections, depth=1)]
        if document.footnotes:
            entries.append((1, NOTES_HEADING, NOTES_BOOKMARK))
        paragraph = self.word.add_paragraph()
        _begin_field(paragraph, TOC_INSTRUCTION)
        for index, (depth, heading_text, anchor) in enumerate(entries):
            if index:
                paragraph = self.word.add_paragraph()
            paragraph.paragraph_format.left_indent = Inches(0.25 * (depth - 1))
            paragraph.paragraph_format.space_after = Pt(2)
            _add_link(paragraph, heading_text, anchor=anchor)
        _end_field(paragraph)

    def section(self, section: Section, depth: int) -> None:
        heading = self.word.add_heading(section.heading, level=min(depth, 9))
        if depth == 1:
            heading.paragraph_format.page_break_before = True
        _bookmark(heading, _section_bookmark(section), next(self._bookmark_ids))
        for block in section.blocks:
            self.block(block)
        for subsection in section.subsections:
            self.section(subsection, depth + 1)

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            paragraph = self.word.add_paragraph(style=PARAGRAPH_STYLES[block.style])
            _add_runs(paragraph, block.runs)
        elif isinstance(block, BulletList):
            self._items(block.items, level=0)
        elif isinstance(block, Chart):
            self._chart(block)
        else:
            _add_table(self.word, block)

    def _items(self, items: tuple[ListItem, ...], level: int) -> None:
        style = LIST_STYLES[min(level, len(LIST_STYLES) - 1)]
        for item in items:
            _add_runs(self.word.add_paragraph(style=style), item.runs)
            self._items(item.children, level + 1)

    def _chart(self, chart: Chart) -> None:
        """Title, the picture with alt text (its summary), the summary, the numbers."""
        caption = self.word.add_paragraph(chart.title, style="Caption")
        caption.paragraph_format.keep_with_next = True
        self.word.add_picture(BytesIO(chart_png(chart)), width=Inches(WIDTH_INCHES))
        properties = self.word.inline_shapes[-1]._inline.docPr
        properties.set("descr", chart.summary)
        properties.set("title", chart.title)
        self.word.add_paragraph(chart.summary)
        _add_table(self.word, chart.table)

    def notes(self, document: Document) -> None:
        heading = self.word.add_heading(NOTES_HEADING, level=1)
        heading.paragraph_format.page_break_before = True
        _bookmark(heading, NOTES_BOOKMARK, next(self._bookmark_ids))
        for note in document.footnotes:
            paragraph = self.word.add_paragraph()
            paragraph.paragraph_format.left_indent = Inches(0.35)
            paragraph.paragraph_format.first_line_indent = Inches(-0.35)
            paragraph.add_run(f"{note.number}.\t")
            for text, url in link_parts(note.text):
                if url:
                    _add_link(paragraph, text, url=url)
                else:
                    paragraph.add_run(text)
            _bookmark(paragraph, _note_bookmark(note.number), next(self._bookmark_ids))


def _contents_entries(sections: tuple[Section, ...], depth: int) -> Iterator[tuple[int, str, str]]:
    """(depth, heading, bookmark) of the sections in the contents, three levels deep, as
    the TOC field's \\o "1-3" lists them. A section left out leaves out its subsections."""
    for section in sections:
        if section.in_contents and depth <= TOC_DEPTH:
            yield depth, section.heading, _section_bookmark(section)
            yield from _contents_entries(section.subsections, depth + 1)


def _section_bookmark(section: Section) -> str:
    """A Word bookmark name for a section: letters, digits and underscores, at most 40
    characters; the leading underscore hides it from Word's bookmark list."""
    return "_Sec_" + re.sub(r"[^A-Za-z0-9]", "_", section.anchor)[:35]


# Runs and tables ------------------------------------------------------------------------


def _add_runs(paragraph: WordParagraph, runs: tuple[Run, ...]) -> None:
    """Markers side by side are separated by a comma, so 2 and 3 do not read as 23."""
    for before, run in zip((None, *runs), runs, strict=False):
        if run.footnote is not None and before is not None and before.footnote is not None:
            paragraph.add_run(",").font.superscript = True
        _add_run(paragraph, run)


def _add_run(paragraph: WordParagraph, run: Run) -> None:
    """Bold and italic as run properties; footnote markers superscript, linked to their
    note; line breaks ("\\n", in signatures) become w:br (python-docx converts them)."""
    if run.footnote is not None:
        marker = paragraph.add_run(str(run.footnote))
        marker.font.superscript = True
        _link_run(marker, anchor=_note_bookmark(run.footnote))
        return
    href = safe_href(run.link)
    word_run = paragraph.add_run(run.text, style="Hyperlink" if href else None)
    word_run.bold = run.bold or None
    word_run.italic = run.italic or None
    if href.startswith("#"):
        return  # an in-page HTML anchor has no Word bookmark to go to: plain text
    if href:
        _link_run(word_run, url=href)


def _add_table(word: WordDocument, table: Table) -> WordTable:
    caption = word.add_paragraph(table.caption, style="Caption")
    caption.paragraph_format.keep_with_next = True
    grid = word.add_table(rows=len(table.rows) + 1, cols=len(table.header))
    grid.style = "Table Grid"
    _describe_table(grid, table.caption)
    rows = list(grid.rows)
    _fill_row(rows[0].cells, table.header, table, header=True)
    _mark_row(rows[0], header=True)
    for word_row, texts in zip(rows[1:], table.rows, strict=True):
        _fill_row(word_row.cells, texts, table, header=False)
        _mark_row(word_row, header=False)
    return grid


def _fill_row(cells: list[_Cell], texts: tuple[str, ...], table: Table, *, header: bool) -> None:
    for index, (cell, text) in enumerate(zip(cells, texts, strict=False)):
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(text)
        run.bold = header or (table.row_headers and index == 0) or None
        if index in table.numeric_columns:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _mark_row(row: _Row, *, header: bool) -> None:
    """Rows never split across pages; the header row repeats on each page (w:tblHeader),
    which is also how screen readers in Word know it is the header."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)


def _describe_table(grid: WordTable, caption: str) -> None:
    """The table's alternative-text title (Word 2010+ w:tblCaption, last in w:tblPr)."""
    title = OxmlElement("w:tblCaption")
    title.set(qn("w:val"), caption)
    grid._tbl.tblPr.append(title)
