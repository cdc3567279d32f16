"""A printable document as plain data: what the annual report and the review packet say,
independent of the format they are written in.

Builders (reports/annual.py, reports/review.py) turn approved data into a `Document`;
renderers (reports/rendering/) turn a `Document` into HTML, PDF or Word. Keeping the two
apart lets the renderers be tested on hand-built documents without a database, and makes
every format say exactly the same thing.

The model is deliberately small: sections with headings, and inside them paragraphs,
bulleted lists, tables and charts. Inline text is a sequence of runs, so a figure can be
bold and carry footnote markers in every format.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

ParagraphStyle = Literal["body", "lead", "signature", "note"]


@dataclass(frozen=True)
class Run:
    """A piece of inline text. `footnote` makes it a footnote marker (its text is the
    number); `link` makes it a hyperlink."""

    text: str
    bold: bool = False
    italic: bool = False
    footnote: int | None = None
    link: str = ""


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    style: ParagraphStyle = "body"

    @property
    def text(self) -> str:
        return plain_text(self.runs)


@dataclass(frozen=True)
class ListItem:
    runs: tuple[Run, ...]
    children: tuple[ListItem, ...] = ()

    @property
    def text(self) -> str:
        return plain_text(self.runs)


@dataclass(frozen=True)
class BulletList:
    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class Table:
    """A data table. The first column holds row headers when `row_headers` is set;
    `numeric_columns` are right-aligned (indexes into `header`)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric_columns: frozenset[int] = frozenset()
    row_headers: bool = True


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    kind: Literal["bar", "line"] = "bar"


@dataclass(frozen=True)
class Chart:
    """A chart as data. `summary` is its text alternative (alt text in PDF and Word, a
    visible summary in HTML); `table` holds the same numbers, which every format prints
    next to the chart so that no one depends on seeing it."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    summary: str
    table: Table
    y_label: str = ""


Block = Paragraph | BulletList | Table | Chart


@dataclass(frozen=True)
class Section:
    heading: str
    anchor: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()
    in_contents: bool = True


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str


@dataclass(frozen=True)
class Document:
    """`language` is a BCP 47 tag set on every format (HTML lang, PDF /Lang, Word
    language); `subject` and `author` go into the file's metadata."""

    title: str
    sections: tuple[Section, ...]
    subtitle: str = ""
    author: str = ""
    subject: str = ""
    date_label: str = ""
    language: str = "en-US"
    footnotes: tuple[Footnote, ...] = ()
    contents: bool = True
    notices: tuple[str, ...] = field(default=())


def plain_text(runs: Iterable[Run]) -> str:
    """The runs as one string, footnote markers left out (what a reader would quote)."""
    return "".join(run.text for run in runs if run.footnote is None)


def text_runs(text: str, *, bold: bool = False) -> tuple[Run, ...]:
    return (Run(text, bold=bold),) if text else ()


def paragraph(text: str, style: ParagraphStyle = "body") -> Paragraph:
    return Paragraph(text_runs(text), style)


def walk_sections(sections: Iterable[Section], depth: int = 1) -> Iterable[tuple[int, Section]]:
    """Every section with its depth (1 for top level), in reading order."""
    for section in sections:
        yield depth, section
        yield from walk_sections(section.subsections, depth + 1)


def document_text(document: Document) -> str:
    """All the words of a document in reading order, one block a line: for tests and for
    the search of built reports."""
    lines = [document.title, document.subtitle]
    for _depth, section in walk_sections(document.sections):
        lines.append(section.heading)
        for block in section.blocks:
            lines.extend(_block_lines(block))
    lines.extend(f"{note.number} {note.text}" for note in document.footnotes)
    return "\n".join(line for line in lines if line)


def _block_lines(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, BulletList):
        return list(_item_lines(block.items))
    table = block.table if isinstance(block, Chart) else block
    head = [block.title, block.summary] if isinstance(block, Chart) else []
    return [*head, table.caption, " ".join(table.header), *(" ".join(row) for row in table.rows)]


def _item_lines(items: Iterable[ListItem]) -> Iterable[str]:
    for item in items:
        yield item.text
        yield from _item_lines(item.children)


@dataclass(frozen=True)
class AppendixRow:
    """One figure of a report for its Excel appendix: every number the report states,
    with where it comes from."""

    section: str
    metric: str
    office: str
    period: str
    value: float | None
    unit: str
    stated_as: str
    comparison: str
    source: str
    footnotes: str
