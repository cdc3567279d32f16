"""A report document as a tagged PDF (PDF/UA-1), printed by WeasyPrint from the standalone
HTML, so the PDF says exactly what the page says.

What PDF/UA-1 mode gives us from that HTML: a structure tree (headings, lists, tables with
header cells, figures with their alt text, links), /MarkInfo /Marked, /Lang from
<html lang>, the title from <title> shown by viewers instead of the file name
(/DisplayDocTitle), and bookmarks from the headings. Page numbers and the contents' page
numbers come from the print CSS.

Nothing is fetched: the CSS is inlined and charts are data: URIs, and the URL fetcher
refuses every other scheme, so a stray http(s) or file: URL in a document can neither
leak a request nor read the server's files. Fonts are the system's (fontconfig).
Rendering costs about half a second for a short report.
"""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from reports.documents import Document
from reports.rendering.html import render_html

PDF_VARIANT = "pdf/ua-1"
ALLOWED_SCHEMES = ("data",)
BASE_URL = "about:blank"  # nothing is relative to a place on disk or on the web


def render_pdf(document: Document) -> bytes:
    """The document as PDF/UA-1 bytes. Two renders of the same document give the same
    bytes: the file identifier is a hash of the content and no date is written."""
    html = HTML(string=render_html(document), base_url=BASE_URL, url_fetcher=_fetcher())
    return html.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=True)


def _fetcher() -> URLFetcher:
    """Fetches data: URIs only; WeasyPrint logs and skips anything else."""
    return URLFetcher(allowed_protocols=ALLOWED_SCHEMES)
