"""Report renderers (reports/rendering/) on a hand-built document: HTML, PDF and Word.
No database. Each format is rendered once per module (WeasyPrint takes about half a
second a run) and the tests read the result back: lxml for HTML, pypdf for PDF,
python-docx for Word.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree, html
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from reports.documents import (
    BulletList,
    Chart,
    Document,
    Footnote,
    ListItem,
    Paragraph,
    Run,
    Section,
    Series,
    Table,
)
from reports.rendering import FORMATS, render
from reports.rendering.html import render_html
from reports.rendering.pdf import _fetcher, render_pdf

TITLE = "FY 2020 Annual Performance Report"
SUMMARY = "Removals fell from 267,258 in FY 2019 to 185,884 in FY 2020, a 30% decrease."
SOURCE_URL = "https://www.ice.gov/statistics"
SPECIAL = "Costs < $5 & “quoted” 'single' \"double\" — Ελληνικά, Русский, Ñandú, São"

REMOVALS = Table(
    caption="Removals by fiscal year",
    header=("Fiscal year", "Removals", "Target"),
    rows=(("FY 2019", "267,258", "250,000"), ("FY 2020", "185,884", "—")),
    numeric_columns=frozenset({1, 2}),
)
CHART = Chart(
    title="Removals, FY 2018 to FY 2021",
    categories=("FY 2018", "FY 2019", "FY 2020", "FY 2021"),
    series=(
        Series("Removals", (256085.0, 267258.0, 185884.0, None)),
        Series("Target", (250000.0, 250000.0, None, 200000.0), kind="line"),
    ),
    summary=SUMMARY,
    table=REMOVALS,
    y_label="Aliens removed",
)


def sample_document() -> Document:
    """Title, contents, a section with subsections (two levels), bold figures with
    footnote markers (note 1 referenced twice), nested bullets, a table, a chart, the
    three paragraph styles, a section left out of the contents, URL and text footnotes."""
    lead = Paragraph(
        (
            Run("In FY 2020, ICE removed "),
            Run("185,884", bold=True),
            Run(" aliens, "),
            Run("a 30% decrease from FY 2019", italic=True),
            Run("1", footnote=1),
            Run("2", footnote=2),
            Run("."),
        ),
        style="lead",
    )
    bullets = BulletList(
        (
            ListItem(
                (Run("Seized "), Run("6,105 pounds", bold=True), Run(" of fentanyl")),
                children=(ListItem((Run("at ports of entry"), Run("1", footnote=1))),),
            ),
            ListItem((Run("See the "), Run("statistics page", link=SOURCE_URL), Run("."))),
        )
    )
    details = Section(
        "Removals in detail",
        "removals-detail",
        (REMOVALS, CHART),
        subsections=(Section("Method", "method", (Paragraph((Run("Counted once."),)),)),),
    )
    enforcement = Section("Enforcement", "enforcement", (lead, bullets), (details,))
    closing = Section(
        "Closing",
        "closing",
        (
            Paragraph((Run("Jane Doe\nDirector\nOffice of Policy"),), style="signature"),
            Paragraph((Run("Figures are preliminary."),), style="note"),
        ),
    )
    hidden = Section(
        "Colophon", "colophon", (Paragraph((Run("Printed in-house."),)),), in_contents=False
    )
    return Document(
        title=TITLE,
        subtitle="Report to Congress",
        author="Office of Policy",
        subject="Performance results for FY 2020",
        date_label="January 2021",
        sections=(enforcement, closing, hidden),
        footnotes=(
            Footnote(1, f"Source: {SOURCE_URL}."),
            Footnote(2, "Counts exclude Title 42 expulsions."),
        ),
        notices=("Preliminary data",),
    )


def special_document() -> Document:
    return Document(
        title=f"Title {SPECIAL}",
        sections=(Section(f"Heading {SPECIAL}", "special", (Paragraph((Run(SPECIAL),)),)),),
        footnotes=(Footnote(1, f"Note {SPECIAL}"),),
        contents=False,
    )


@pytest.fixture(scope="module")
def standalone() -> str:
    return render_html(sample_document())


@pytest.fixture(scope="module")
def page(standalone: str) -> html.HtmlElement:
    return html.document_fromstring(standalone)


@pytest.fixture(scope="module")
def special_pdf() -> bytes:
    return render(special_document(), "pdf")


@pytest.fixture(scope="module")
def pdf() -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(sample_document())))


@pytest.fixture(scope="module")
def pdf_pages(pdf: PdfReader) -> list[str]:
    return [p.extract_text() for p in pdf.pages]


@pytest.fixture(scope="module")
def word() -> docx.document.Document:
    return docx.Document(io.BytesIO(render(sample_document(), "docx")))


def squash(text: str) -> str:
    return " ".join(text.split())


# HTML ------------------------------------------------------------------------------------


def test_html_page_has_language_title_and_metadata(page: html.HtmlElement) -> None:
    assert page.get("lang") == "en-US"
    assert page.findtext(".//title") == TITLE
    assert page.xpath("//meta[@name='author']/@content") == ["Office of Policy"]
    assert page.xpath("//article/@lang") == ["en-US"]


def test_html_has_one_h1_and_headings_follow_section_depth(page: html.HtmlElement) -> None:
    headings = [(h.tag, h.text_content()) for h in page.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    assert headings == [
        ("h1", TITLE),
        ("h2", "Contents"),
        ("h2", "Enforcement"),
        ("h3", "Removals in detail"),
        ("h4", "Method"),
        ("h2", "Closing"),
        ("h2", "Colophon"),
        ("h2", "Notes"),
    ]


def test_html_contents_links_resolve_and_leave_out_hidden_sections(
    page: html.HtmlElement,
) -> None:
    links = page.xpath("//nav//a")
    targets = [a.get("href") for a in links]
    assert targets == [
        "#enforcement",
        "#removals-detail",
        "#method",
        "#closing",
        "#notes",
    ]
    for target in targets:
        assert page.xpath(f"//*[@id='{target[1:]}']"), target
    assert page.xpath("//nav/ol/li/ol/li/a/@href") == ["#removals-detail"]


def test_html_ids_are_unique(page: html.HtmlElement) -> None:
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids))


def test_html_footnote_references_and_back_links_resolve(page: html.HtmlElement) -> None:
    markers = page.xpath("//sup/a")
    assert [(a.get("href"), a.get("id"), a.text) for a in markers] == [
        ("#fn-1", "fnref-1-1", "1"),
        ("#fn-2", "fnref-2-1", "2"),
        ("#fn-1", "fnref-1-2", "1"),
    ]
    notes = page.xpath("//section[@aria-labelledby='notes']//ol/li")
    assert [li.get("id") for li in notes] == ["fn-1", "fn-2"]
    back_links = page.xpath("//a[@class='print-backref']/@href")
    assert back_links == ["#fnref-1-1", "#fnref-2-1"]


def test_html_url_footnote_and_link_runs_are_links(page: html.HtmlElement) -> None:
    note = page.get_element_by_id("fn-1")
    assert note.xpath("a[1]/@href") == [SOURCE_URL]
    assert squash(note.text_content()).startswith(f"Source: {SOURCE_URL}.")
    assert page.xpath("//li/a[text()='statistics page']/@href") == [SOURCE_URL]


def test_html_figures_are_bold_and_styles_are_classes(page: html.HtmlElement) -> None:
    lead = page.xpath("//p[contains(@class, 'print-p--lead')]")[0]
    assert lead.xpath("strong/text()") == ["185,884"]
    assert lead.xpath("em/text()") == ["a 30% decrease from FY 2019"]
    signature = page.xpath("//p[contains(@class, 'print-p--signature')]")[0]
    assert len(signature.xpath("br")) == 2
    assert page.xpath("//p[contains(@class, 'print-p--note')]/text()") == [
        "Figures are preliminary."
    ]


def test_html_nested_bullets_are_nested_lists(page: html.HtmlElement) -> None:
    outer = page.xpath("//section//ul[not(ancestor::ul)]")[0]
    assert len(outer.xpath("li")) == 2
    assert squash(outer.xpath("li/ul/li")[0].text_content()) == "at ports of entry1"


def test_html_table_has_caption_scoped_headers_and_numeric_cells(
    page: html.HtmlElement,
) -> None:
    table = page.xpath("//section[h3[@id='removals-detail']]/table")[0]
    assert table.findtext("caption") == "Removals by fiscal year"
    assert table.xpath("thead//th/@scope") == ["col", "col", "col"]
    assert table.xpath("tbody//th[@scope='row']/text()") == ["FY 2019", "FY 2020"]
    assert table.xpath("tbody/tr[1]/td[@class='print-num']/text()") == ["267,258", "250,000"]
    assert table.xpath("thead//th[@class='print-num']/text()") == ["Removals", "Target"]


def test_html_chart_has_alt_summary_and_data_table(page: html.HtmlElement) -> None:
    figure = page.xpath("//figure")[0]
    image = figure.xpath("img")[0]
    assert image.get("alt") == SUMMARY
    assert figure.xpath("p[@class='print-chart__summary']/text()") == [SUMMARY]
    assert figure.xpath("table/caption/text()") == ["Removals by fiscal year"]
    prefix = "data:image/svg+xml;base64,"
    assert image.get("src").startswith(prefix)
    svg = etree.fromstring(base64.b64decode(image.get("src")[len(prefix) :]))
    assert svg.findtext("{http://www.w3.org/2000/svg}title") == CHART.title


def test_standalone_html_inlines_the_print_css_and_loads_nothing(standalone: str) -> None:
    text = standalone
    assert "@page" in text
    assert "target-counter(attr(href), page)" in text
    assert "<script" not in text
    assert "<link" not in text
    assert not re.search(r"""(src|href)=["']https?://(?!www\.ice\.gov)""", text)


def test_html_fragment_is_the_body_without_styles_or_scripts() -> None:
    fragment = render_html(special_document(), standalone=False)
    assert fragment.lstrip().startswith('<article class="print-document" lang="en-US">')
    assert "<style" not in fragment
    assert "<script" not in fragment
    assert " style=" not in fragment
    assert "<html" not in fragment


def test_html_link_runs_only_link_web_addresses() -> None:
    document = Document(
        "T",
        (Section("S", "s", (Paragraph((Run("click", link="javascript:alert(1)"),)),)),),
    )
    fragment = render_html(document, standalone=False)
    assert "javascript:" not in fragment
    assert "click" in fragment


# PDF -------------------------------------------------------------------------------------


def test_pdf_text_has_headings_figures_and_footnotes(pdf_pages: list[str]) -> None:
    text = squash(" ".join(pdf_pages))
    for expected in (
        TITLE,
        "Enforcement",
        "Removals in detail",
        "In FY 2020, ICE removed 185,884 aliens",
        "Seized 6,105 pounds of fentanyl",
        SUMMARY,
        "FY 2019 267,258 250,000",
        "Jane Doe",
        f"Source: {SOURCE_URL}.",
        "Counts exclude Title 42 expulsions.",
    ):
        assert expected in text, expected


def test_pdf_is_tagged_pdf_ua_with_language_and_title(pdf: PdfReader) -> None:
    catalog = pdf.trailer["/Root"]
    assert catalog["/Lang"] == "en-US"
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    assert pdf.metadata.title == TITLE
    assert pdf.metadata.author == "Office of Policy"
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()


def struct_elements(pdf: PdfReader) -> Iterator[DictionaryObject]:
    """Every element of the PDF's structure tree, depth first."""
    stack = [pdf.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while stack:
        node = stack.pop()
        yield node
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object()
            if isinstance(kid, DictionaryObject) and kid.get("/Type") != "/OBJR":
                stack.append(kid)


def test_pdf_structure_has_headings_lists_tables_and_figure_alt_text(pdf: PdfReader) -> None:
    elements = list(struct_elements(pdf))
    tags = {str(e.get("/S")) for e in elements}
    assert {"/H1", "/H2", "/H3", "/H4", "/L", "/LI", "/Table", "/TH", "/TD", "/Link"} <= tags
    figures = [e for e in elements if e.get("/S") == "/Figure"]
    assert [f["/Alt"] for f in figures] == [SUMMARY]


def test_pdf_outlines_follow_the_headings(pdf: PdfReader) -> None:
    def titles(outline: list) -> list:
        return [titles(o) if isinstance(o, list) else o.title for o in outline]

    assert titles(pdf.outline) == [
        TITLE,
        [
            "Contents",
            "Enforcement",
            ["Removals in detail", ["Method"]],
            "Closing",
            "Colophon",
            "Notes",
        ],
    ]


def test_pdf_pages_are_numbered(pdf_pages: list[str]) -> None:
    total = len(pdf_pages)
    for number, text in enumerate(pdf_pages, start=1):
        assert f"Page {number} of {total}" in text


def test_pdf_contents_shows_the_page_of_each_section(pdf_pages: list[str]) -> None:
    contents = next(text for text in pdf_pages if text.startswith("Contents"))
    entries = dict(re.findall(r"^(\S[^.\n]*?) ?\.{3,} ?(\d+)$", contents, re.MULTILINE))
    assert set(entries) == {"Enforcement", "Removals in detail", "Method", "Closing", "Notes"}
    for heading, number in entries.items():
        assert heading in pdf_pages[int(number) - 1], heading
    assert pdf_pages[int(entries["Notes"]) - 1].startswith("Notes")


def test_pdf_fetches_no_url_but_data() -> None:
    with pytest.raises(ValueError, match="disallowed protocol"):
        _fetcher().fetch("https://example.com/logo.png")
    with pytest.raises(ValueError, match="disallowed protocol"):
        _fetcher().fetch("file:///etc/passwd")


def test_pdf_of_the_same_document_is_the_same_bytes(special_pdf: bytes) -> None:
    assert render_pdf(special_document()) == special_pdf


# Word ------------------------------------------------------------------------------------


def test_word_properties_and_default_language(word: docx.document.Document) -> None:
    properties = word.core_properties
    assert (properties.title, properties.subject, properties.author) == (
        TITLE,
        "Performance results for FY 2020",
        "Office of Policy",
    )
    assert properties.language == "en-US"
    defaults = word.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == "en-US"


def test_word_title_and_headings_use_their_styles_in_order(
    word: docx.document.Document,
) -> None:
    styled = [(p.style.name, p.text) for p in word.paragraphs]
    assert styled[0] == ("Title", TITLE)
    headings = [(s, t) for s, t in styled if s.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Enforcement"),
        ("Heading 2", "Removals in detail"),
        ("Heading 3", "Method"),
        ("Heading 1", "Closing"),
        ("Heading 1", "Colophon"),
        ("Heading 1", "Notes"),
    ]


def test_word_contents_is_a_toc_field_that_updates_on_open(
    word: docx.document.Document,
) -> None:
    body = word.element.body
    instructions = [t.text for t in body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("TOC ") for i in instructions)
    update = word.settings.element.find(qn("w:updateFields"))
    assert update.get(qn("w:val")) == "true"
    anchors = {h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink"))}
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert anchors - {None} <= bookmarks


def test_word_bullets_use_list_bullet_styles(word: docx.document.Document) -> None:
    bullets = [(p.style.name, p.text) for p in word.paragraphs if "Bullet" in p.style.name]
    assert bullets == [
        ("List Bullet", "Seized 6,105 pounds of fentanyl"),
        ("List Bullet 2", "at ports of entry1"),
        ("List Bullet", "See the statistics page."),
    ]


def test_word_figures_are_bold_and_markers_superscript(word: docx.document.Document) -> None:
    lead = next(p for p in word.paragraphs if p.style.name == "Lead")
    assert [r.text for r in lead.runs if r.bold] == ["185,884"]
    markers = lead._p.findall(f".//{qn('w:hyperlink')}/{qn('w:r')}")
    assert [m.findtext(qn("w:t")) for m in markers] == ["1", "2"]
    for marker in markers:
        assert marker.find(f".//{qn('w:vertAlign')}").get(qn("w:val")) == "superscript"


def test_word_table_header_repeats_and_row_headers_are_bold(
    word: docx.document.Document,
) -> None:
    table = word.tables[0]
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in header.cells] == ["Fiscal year", "Removals", "Target"]
    first = table.rows[1].cells
    assert first[0].paragraphs[0].runs[0].bold is True
    assert first[1].paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert first[1].paragraphs[0].runs[0].bold is None


def test_word_chart_is_a_picture_with_alt_text_then_summary_and_table(
    word: docx.document.Document,
) -> None:
    assert len(word.inline_shapes) == 1
    properties = word.inline_shapes[0]._inline.docPr
    assert properties.get("descr") == SUMMARY
    assert properties.get("title") == CHART.title
    texts = [p.text for p in word.paragraphs]
    assert texts.index(SUMMARY) > texts.index(CHART.title)
    assert len(word.tables) == 2


def test_word_notes_section_lists_footnotes_with_links(word: docx.document.Document) -> None:
    texts = [p.text for p in word.paragraphs]
    notes = texts[texts.index("Notes", texts.index("Colophon")) + 1 :]
    assert notes == [f"1.\tSource: {SOURCE_URL}.", "2.\tCounts exclude Title 42 expulsions."]
    links = word.element.body.iter(qn("w:hyperlink"))
    targets = [word.part.rels[a].target_ref for a in (h.get(qn("r:id")) for h in links) if a]
    assert targets == [SOURCE_URL, SOURCE_URL]  # the linked run, and the address in note 1


def test_word_signature_keeps_its_line_breaks(word: docx.document.Document) -> None:
    signature = next(p for p in word.paragraphs if p.style.name == "Signature")
    assert signature.text == "Jane Doe\nDirector\nOffice of Policy"


def test_word_footer_numbers_pages(word: docx.document.Document) -> None:
    footer = word.sections[0].footer.paragraphs[0]
    instructions = [t.text.strip() for t in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("Page ")


# Every format ----------------------------------------------------------------------------


def test_special_characters_survive_in_html() -> None:
    page = html.document_fromstring(render(special_document(), "html").decode("utf-8"))
    assert page.findtext(".//title") == f"Title {SPECIAL}"
    assert page.xpath("//h2/text()") == [f"Heading {SPECIAL}", "Notes"]
    assert SPECIAL in page.xpath("//p/text()")
    assert page.get_element_by_id("fn-1").text_content().strip() == f"Note {SPECIAL}"


def test_special_characters_survive_in_pdf(special_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(special_pdf))
    text = squash(" ".join(p.extract_text() for p in reader.pages))
    assert reader.metadata.title == f"Title {SPECIAL}"
    for expected in (f"Heading {SPECIAL}", f"Note {SPECIAL}"):
        assert squash(expected) in text


def test_special_characters_survive_in_word() -> None:
    word = docx.Document(io.BytesIO(render(special_document(), "docx")))
    texts = [p.text for p in word.paragraphs]
    assert word.core_properties.title == f"Title {SPECIAL}"
    assert {f"Title {SPECIAL}", f"Heading {SPECIAL}", SPECIAL} <= set(texts)
    assert f"1.\tNote {SPECIAL}" in texts


def test_formats_name_their_content_type_and_extension() -> None:
    assert {name: (f.extension, f.content_type.split(";")[0]) for name, f in FORMATS.items()} == {
        "html": ("html", "text/html"),
        "pdf": ("pdf", "application/pdf"),
        "docx": (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    }
    with pytest.raises(KeyError, match="Unknown format 'odt'"):
        render(special_document(), "odt")
