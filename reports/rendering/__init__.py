"""Renderers of report documents (reports.documents.Document): HTML, PDF and Word, each a
pure function from a Document to bytes, plus the Excel appendix of a report's figures.

    render(document, "pdf") -> bytes
    FORMATS["pdf"].content_type, FORMATS["pdf"].extension

Every format says the same thing as the others: the PDF is printed from the HTML, and the
Word file is built from the same Document with the same rules for links and footnotes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reports.documents import Document
from reports.rendering.docx import render_docx
from reports.rendering.html import render_html
from reports.rendering.pdf import render_pdf


@dataclass(frozen=True)
class Format:
    content_type: str
    extension: str
    render: Callable[[Document], bytes]


def _html_bytes(document: Document) -> bytes:
    return render_html(document).encode("utf-8")


FORMATS: dict[str, Format] = {
    "html": Format("text/html; charset=utf-8", "html", _html_bytes),
    "pdf": Format("application/pdf", "pdf", render_pdf),
    "docx": Format(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        render_docx,
    ),
}


def render(document: Document, fmt: str) -> bytes:
    """The document in one of FORMATS; KeyError names the formats for an unknown one."""
    try:
        chosen = FORMATS[fmt]
    except KeyError:
        raise KeyError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.") from None
    return chosen.render(document)
