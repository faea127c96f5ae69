"""Footnotes: "[^1]" in prose and "[^1]: ..." in the same text, as real Word footnotes, as
notes at the foot of the PDF's page, and as a list of notes at the end of the HTML page."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from lxml import etree

from agreementgen.render.html import render_html, render_pdf
from agreementgen.render.word import render_docx
from agreementgen.text.markdown import Note, Paragraph, Span, footnote_use, parse_markdown
from agreementgen.views.document import Document

from .helpers import document, libreoffice, require_tool

TRICKY = "<b> & {{ x }} {% if %}"
FILLER = "\n\n".join(
    f"Afsnit {n} om boligområdet, som fylder op, så noterne havner på hver sin side af "
    "dokumentet, og hver note står på samme side som sin henvisning." * 3
    for n in range(40)
)
AGREEMENT = """\
template_pack: lbf-2019-26@2023-11-24
area_name: Fodnoteby
period: {start: 2025-01-01, end: 2028-12-31}
parties:
  - {id: bo, kind: housing_organisation, name: Boligselskabet}
  - {id: kom, kind: municipality, name: Testby Kommune}
sections:
  area:
    body:
      - text: |
          Andelen uden for arbejdsmarkedet er 38 %[^1] i Alfaparken.

          | Afdeling | Andel[^tabel] |
          |---|---|
          | Alfaparken | 38 % |

          [^1]: Kilde: LBF Boligsociale Data, tabel 6.
          [^tabel]: Kilde: TRICKY [LBF](https://lbf.dk).
  vision:
    body:
      - text: |
          FILLER
  organisation:
    body:
      - text: En organisering.
  interplay:
    body:
      - text: Et samspil.
  goals: {}
  focus_areas: {}
  evaluation:
    body:
      - text: |
          Evalueringen af Omegaparken bygger på bestyrelsens data[^eval].

          [^eval]: Kilde: Evalueringsnotat fra bestyrelsen.
"""
NOTES = [
    "Kilde: LBF Boligsociale Data, tabel 6.",
    f"Kilde: {TRICKY} LBF.",
    "Kilde: Evalueringsnotat fra bestyrelsen.",
]
# Each note and its reference as a PDF's text shows it, numbered through the document.
ON_PAGE = [
    ("Kilde: LBF Boligsociale Data, tabel 6.", "er 38 %1 i Alfaparken"),
    ("Kilde: Evalueringsnotat fra bestyrelsen.", "bestyrelsens data3."),
]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> Document:
    folder = tmp_path_factory.mktemp("fodnoter") / "fodnoteby"
    folder.mkdir()
    filler = FILLER.replace("\n", "\n          ")
    text = AGREEMENT.replace("TRICKY", TRICKY).replace("FILLER", filler)
    (folder / "agreement.yaml").write_text(text, "utf-8")
    return document(folder)


@pytest.fixture(scope="module")
def data(doc: Document) -> bytes:
    return render_docx(doc)


@pytest.fixture(scope="module")
def html(doc: Document) -> str:
    return render_html(doc)


def _parts(data: bytes) -> tuple[etree._Element, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
        notes = etree.fromstring(package.read("word/footnotes.xml"))
    return body, notes


def _note_texts(notes: etree._Element) -> dict[int, str]:
    return {
        int(note.get(f"{W}id")): "".join(t.text or "" for t in note.iter(f"{W}t"))
        for note in notes.iter(f"{W}footnote")
        if int(note.get(f"{W}id")) > 0
    }


# -- the parser -----------------------------------------------------------------------------------


def test_a_reference_is_a_span_holding_its_note() -> None:
    blocks = parse_markdown("38 %[^1] i alt.\n\n[^1]: Kilde: *LBF*.\n    Anden linje.\n")
    note = Note((Span("Kilde: "), Span("LBF", italic=True), Span(". Anden linje.")))
    assert blocks == (Paragraph((Span("38 %"), Span("", note=note), Span(" i alt."))),)


def test_two_references_side_by_side_stay_two() -> None:
    (paragraph,) = parse_markdown("Tal[^a][^a].\n\n[^a]: Kilde.\n")
    assert isinstance(paragraph, Paragraph)
    note = Note((Span("Kilde."),))
    assert [span.note for span in paragraph.spans] == [None, note, note, None]


def test_a_reference_without_definition_and_code_show_as_written() -> None:
    (paragraph,) = parse_markdown("Tal[^x] og `[^y]` og \\[^z].")
    assert isinstance(paragraph, Paragraph)
    assert "".join(span.text for span in paragraph.spans) == "Tal[^x] og [^y] og [^z]."
    assert all(span.note is None for span in paragraph.spans)


def test_footnote_use_finds_undefined_references_and_unused_definitions() -> None:
    text = "A[^1] b[^2] `[^3]` c[^2].\n\n[^1]: Brugt.\n[^4]: Ubrugt.\n"
    use = footnote_use(text)
    assert use.undefined == (("2", text.index("[^2]")), ("2", text.rindex("[^2]")))
    assert use.unused == (("4", text.index("[^4]")),)


# -- Word -------------------------------------------------------------------------------------


def test_each_reference_refers_to_a_footnote_with_its_text(data: bytes) -> None:
    body, notes = _parts(data)
    references = [int(r.get(f"{W}id")) for r in body.iter(f"{W}footnoteReference")]
    texts = _note_texts(notes)
    assert references == [1, 2, 3]  # numbered through the document, in order
    assert [texts[n].strip() for n in references] == NOTES
    for reference in body.iter(f"{W}footnoteReference"):
        style = reference.getparent().find(f"{W}rPr/{W}rStyle")
        assert style is not None and style.get(f"{W}val") == "FootnoteReference"


def test_the_footnotes_part_has_word_separators_and_styles(data: bytes) -> None:
    _, notes = _parts(data)
    kinds = {int(n.get(f"{W}id")): n.get(f"{W}type") for n in notes.iter(f"{W}footnote")}
    assert kinds[-1] == "separator" and kinds[0] == "continuationSeparator"
    word = docx.Document(io.BytesIO(data))
    assert word.styles["footnote text"].type == WD_STYLE_TYPE.PARAGRAPH
    assert word.styles["footnote reference"].type == WD_STYLE_TYPE.CHARACTER
    assert word.settings.element.find(qn("w:footnotePr")) is not None


def test_note_text_is_data_in_word(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/footnotes.xml").decode("utf-8")
    assert "&lt;b&gt; &amp; {{ x }} {% if %}" in xml
    _, notes = _parts(data)
    link = next(notes.iter(f"{W}hyperlink"))
    word = docx.Document(io.BytesIO(data))
    footnotes = word.part.part_related_by(RELATIONSHIP_TYPE.FOOTNOTES)
    target = footnotes.rels[link.get(qn("r:id"))]
    assert target.target_ref == "https://lbf.dk"


def test_a_template_without_footnotes_gets_the_part_and_plain_formatting(
    doc: Document, tmp_path: Path
) -> None:
    """A template of one's own made in Word, where no footnote was ever written, has neither
    the part nor the styles."""
    template = docx.Document(str(doc.templates.path("agreement.docx")))
    for rid, rel in list(template.part.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.FOOTNOTES:
            del template.part.rels[rid]
    for name in ("footnote text", "footnote reference"):
        element = template.styles[name].element
        element.getparent().remove(element)
    settings = template.settings.element
    settings.remove(settings.find(qn("w:footnotePr")))
    own = tmp_path / "own.docx"
    template.save(str(own))
    data = render_docx(doc, template=own)
    body, notes = _parts(data)
    assert [t.strip() for t in _note_texts(notes).values()] == NOTES
    assert docx.Document(io.BytesIO(data)).settings.element.find(qn("w:footnotePr")) is not None
    reference = next(body.iter(f"{W}footnoteReference")).getparent()
    assert reference.find(f"{W}rPr/{W}vertAlign").get(f"{W}val") == "superscript"


# -- HTML and PDF -----------------------------------------------------------------------------


def test_html_has_each_note_in_place_and_in_the_list_at_the_end(html: str) -> None:
    calls = re.findall(r'<a class="footnote-ref" id="fnref-(\d+)" href="#fn-(\d+)">', html)
    assert calls == [("1", "1"), ("2", "2"), ("3", "3")]
    floats = re.findall(r'<span class="footnote">(.*?)</span>', html)
    listed = re.findall(r'<li id="fn-\d+">(.*?) <a class="footnote-back"', html)
    assert floats == listed
    assert re.sub(r"<[^>]+>", "", listed[1]) == "Kilde: &lt;b&gt; &amp; {{ x }} {% if %} LBF."
    assert html.index('<section class="footnotes"') > html.index("Evalueringen af Omegaparken")


@pytest.mark.slow
def test_pdf_shows_each_note_at_the_foot_of_its_page(html: str) -> None:
    pages = _pages_of(render_pdf(html), Path(require_tool("pdftotext")))
    _assert_each_note_on_its_page(pages)


@pytest.mark.slow
def test_libreoffice_shows_each_note_on_the_page_of_its_reference(
    data: bytes, tmp_path: Path
) -> None:
    source = tmp_path / "fodnoter.docx"
    source.write_bytes(data)
    subprocess.run(
        [*libreoffice(tmp_path), "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "fodnoter.pdf").read_bytes()
    _assert_each_note_on_its_page(_pages_of(pdf, Path(require_tool("pdftotext"))))


def _pages_of(pdf: bytes, pdftotext: Path) -> list[str]:
    text = subprocess.run(
        [str(pdftotext), "-", "-"], input=pdf, check=True, capture_output=True
    ).stdout.decode("utf-8")
    return [" ".join(page.split()) for page in text.split("\f")]


def _assert_each_note_on_its_page(pages: list[str]) -> None:
    found = []
    for note, reference in ON_PAGE:
        (page,) = [n for n, text in enumerate(pages) if reference in text]
        assert note in pages[page], (note, pages[page])
        found.append(page)
    assert found[0] < found[1]  # the filler put them on pages of their own
