"""The Word renderer, read back with python-docx (and once laid out by LibreOffice)."""

from __future__ import annotations

import html
import io
import re
import runpy
import struct
import subprocess
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph

from agreementgen.checks.read import read_agreement
from agreementgen.render.word import page_label_parts, render_docx
from agreementgen.source.folder import LoadedAgreement
from agreementgen.source.packs import Pack
from agreementgen.source.templates import TEMPLATE_DIR
from agreementgen.views.document import build_document

from .helpers import ROOT, libreoffice, require_tool

# docxtpl writes "{_{" for a literal "{{" in its templates: user text must not be read so.
AREA_NAME = "Øst & Vest <b> {{ 7*7 }} {% if %} {_{ 1 }_} {_% 2 %_}"
TRICKY_TEXT = "& <b>ikke HTML</b> {{ 7*7 }} {% if %}"
DOCXTPL_TEXT = "Som i docxtpl: {_{ 1 }_} {_% 2 %_}"
AGREEMENT = """\
template_pack: lbf-2019-26@2023-11-24
area_name: "Øst & Vest <b> {{ 7*7 }} {% if %} {_{ 1 }_} {_% 2 %_}"
period: {start: 2025-08-01, end: 2029-07-31}
parties:
  - {id: bo, kind: housing_organisation, name: Bo & Co}
  - id: kom
    kind: municipality
    name: Demo Kommune
    signatory: {name: Anna Ø, title: Borgmester, date: 2025-06-01}
  - {id: pol, kind: police, name: Demo Politi}
departments:
  - {id: a, name: Åbakken, number: 12, owner: bo, units: 1102, built: 1968-1971}
sections:
  area:
    body:
      - text: |
          Med **fed** og *kursiv* og [LBF](https://lbf.dk) & <b>ikke HTML</b> {{ 7*7 }} {% if %}

          Som i docxtpl: {\\_{ 1 }\\_} {\\_% 2 %\\_}

          - første punkt
          - andet punkt
            - underpunkt

          1. en
          2. to

          Mellem listerne:

          1. tre
          2. fire
      - insert: departments
      - table:
          columns: [Område, Andel]
          rows: [[Åbakken, 44.73], [Kommunen, null]]
          unit: percent
          caption: Andel i beskæftigelse
          source: LBF tabel 9
      - figure: {caption: Kort over området}
      - figure: {image: files/plan.png, caption: Plan, source: Demo Kommune, width_cm: 6}
  vision: {body: [{text: Vision.}]}
  organisation: {body: [{text: Organisering.}]}
  interplay: {body: [{text: Samspil.}]}
  goals:
    baselines:
      - {indicator: 1, area: [{value: 97.95}], comparison: [{value: 82.77}], year: 2021}
      - {indicator: 9, not_available: Data ikke tilgængelig}
  focus_areas:
    employment: {chosen: true, problem_complex: [{text: "### Arbejde\\n\\nTekst."}]}
  evaluation: {body: [{text: Evaluering.}]}
"""


def _png(width: int, height: int) -> bytes:
    """A small grey PNG, written by hand so the tests need no imaging library."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\x90\xa0\xb0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> LoadedAgreement:
    folder = tmp_path_factory.mktemp("agreements") / "demo"
    folder.mkdir()
    (folder / "agreement.yaml").write_text(AGREEMENT, "utf-8")
    (folder / "files").mkdir()
    (folder / "files" / "plan.png").write_bytes(_png(60, 40))
    result, problems = read_agreement(folder)
    assert result is not None, [p.format() for p in problems]
    return result


@pytest.fixture(scope="module")
def pack(loaded: LoadedAgreement) -> Pack:
    return loaded.pack


@pytest.fixture(scope="module")
def data(loaded: LoadedAgreement) -> bytes:
    return render_docx(build_document(loaded))


@pytest.fixture(scope="module")
def doc(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def _paragraphs(doc: Any) -> list[Any]:
    """Every paragraph, in table cells too, in document order."""
    body = doc.element.body
    return [DocxParagraph(p, doc) for p in body.iter(qn("w:p"))]


def _styled(doc: Any, style: str) -> list[str]:
    return [p.text for p in _paragraphs(doc) if p.style.name == style]


def test_sections_are_heading_1_with_the_packs_text(doc: Any, pack: Pack) -> None:
    headings = _styled(doc, "Heading 1")
    assert headings == [pack.documents.heading, *pack.headings.values()]


def test_front_page(doc: Any, pack: Pack) -> None:
    texts = [p.text for p in _paragraphs(doc)]
    assert _styled(doc, "Title") == [pack.title]
    assert texts.index(pack.labels.parties) < texts.index("Bo & Co") < texts.index("Demo Politi")
    # The dates stay whole on their lines (no-break spaces).
    assert (
        "Samarbejdsaftalen gælder fra 1.\u00a0august\u00a02025 til 31.\u00a0juli\u00a02029" in texts
    )


def test_one_signature_block_per_party(doc: Any) -> None:
    assert _styled(doc, "Signature Party") == ["Bo & Co", "Demo Kommune", "Demo Politi"]
    assert len(_styled(doc, "Signature Line")) == 3
    labels = _styled(doc, "Signature Label")
    assert labels == ["Dato", "Navn"] * 3
    assert _styled(doc, "Signature Value") == ["1.\u00a0juni\u00a02025", "Anna Ø, Borgmester"]


def test_user_text_is_escaped_and_never_evaluated(doc: Any, data: bytes) -> None:
    texts = [p.text for p in _paragraphs(doc)]
    assert AREA_NAME in texts
    assert any(t.endswith(TRICKY_TEXT) for t in texts)
    assert DOCXTPL_TEXT in texts
    assert doc.sections[0].header.paragraphs[0].text == AREA_NAME
    assert not any("49" in t for t in texts)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert "<b>" not in xml
    assert "&lt;b&gt;ikke HTML&lt;/b&gt;" in xml


def test_the_html_shows_the_same_text_as_written(loaded: LoadedAgreement) -> None:
    from agreementgen.render.html import render_html

    page = html.unescape(re.sub(r"<[^>]+>", "", render_html(build_document(loaded))))
    assert AREA_NAME in page
    assert TRICKY_TEXT in page
    assert DOCXTPL_TEXT in page


def test_markdown_bullets_are_list_paragraphs(doc: Any) -> None:
    bullets = _styled(doc, "List Bullet")
    assert bullets[-2:] == ["første punkt", "andet punkt"]
    assert _styled(doc, "List Bullet 2") == ["underpunkt"]
    for text in (p.text for p in _paragraphs(doc)):
        assert not text.startswith(("- ", "* ", "1. en")), text
        assert "**" not in text


def test_emphasis_becomes_bold_and_italic_runs(doc: Any) -> None:
    runs = [r for p in _paragraphs(doc) for r in p.runs]
    assert any(r.text == "fed" and r.bold for r in runs)
    assert any(r.text == "kursiv" and r.italic for r in runs)


def test_links_are_real_hyperlinks(doc: Any) -> None:
    links = list(doc.element.body.iter(qn("w:hyperlink")))
    assert len(links) == 1
    relationship = doc.part.rels[links[0].get(qn("r:id"))]
    assert relationship.is_external
    assert relationship.target_ref == "https://lbf.dk"
    assert "".join(t.text for t in links[0].iter(qn("w:t"))) == "LBF"


def test_numbered_lists_restart_at_one(doc: Any) -> None:
    items = [p for p in _paragraphs(doc) if p.style.name == "List Number"]
    assert [p.text for p in items] == ["en", "to", "tre", "fire"]
    num_ids = [p._p.pPr.numPr.numId.val for p in items]
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]
    numbering = doc.part.numbering_part.element
    for num_id in {num_ids[0], num_ids[2]}:
        (num,) = [n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == str(num_id)]
        start = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        assert start.get(qn("w:val")) == "1"


def _table_with_header(doc: Any, header: list[str]) -> Any:
    for table in doc.tables:
        if [c.text for c in table.rows[0].cells] == header:
            return table
    raise AssertionError(f"no table with header {header}")


def test_goals_table_has_the_packs_columns_as_repeating_header(doc: Any, pack: Pack) -> None:
    table = _table_with_header(doc, list(pack.columns.values()))
    first = table._tbl.tr_lst[0]
    assert first.trPr.find(qn("w:tblHeader")) is not None
    assert table.style.name == "Agreement Table"
    merges = [tc.vMerge for tr in table._tbl.tr_lst[1:] for tc in tr.tc_lst[:1]]
    assert merges.count("restart") == len(pack.focus_areas)
    assert len(merges) == sum(len(area.indicators) for area in pack.focus_areas)
    assert "97,95\xa0%" in [c.text for c in table.rows[1].cells]
    continued = [tr.tc_lst[0] for tr in table._tbl.tr_lst[1:] if tr.tc_lst[0].vMerge != "restart"]
    assert all("".join(tc.itertext()) == "" for tc in continued)


def test_table_has_caption_above_and_source_below(doc: Any) -> None:
    table = _table_with_header(doc, ["Område", "Andel"])
    before = DocxParagraph(table._tbl.getprevious(), doc)
    after = DocxParagraph(table._tbl.getnext(), doc)
    assert (before.style.name, before.text) == ("Caption", "Andel i beskæftigelse")
    assert (after.style.name, after.text) == ("Source", "Kilde: LBF tabel 9")
    number = table.rows[1].cells[1].paragraphs[0]
    assert number.text == "44,73\xa0%"
    assert number.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in table._tbl.tr_lst)


def test_tables_never_touch(doc: Any) -> None:
    """Word merges two tables with nothing between them into one."""
    for table in doc.element.body.iter(qn("w:tbl")):
        assert table.getnext().tag != qn("w:tbl")


def test_missing_figure_shows_the_note_and_caption(doc: Any, pack: Pack) -> None:
    notes = [p for p in _paragraphs(doc) if p.style.name == "Figure Note"]
    assert [p.text for p in notes] == [pack.labels.not_available_figure]
    box = notes[0]._p.getparent().getparent().getparent()  # w:p -> w:tc -> w:tr -> w:tbl
    caption = DocxParagraph(box.getnext(), doc)
    assert (caption.style.name, caption.text) == ("Caption", "Kort over området")


def test_figure_with_picture_has_caption_and_source_below(doc: Any) -> None:
    (shape,) = doc.inline_shapes
    assert round(shape.width.cm, 1) == 6.0
    picture = next(p for p in _paragraphs(doc) if p._p.find(f".//{qn('w:drawing')}") is not None)
    caption = DocxParagraph(picture._p.getnext(), doc)
    source = DocxParagraph(caption._p.getnext(), doc)
    assert (picture.style.name, caption.text, source.text) == (
        "Figure",
        "Plan",
        "Kilde: Demo Kommune",
    )


def test_footer_numbers_pages_with_fields(doc: Any) -> None:
    section = doc.sections[0]
    for footer in (section.footer, section.first_page_footer):
        paragraph = footer.paragraphs[0]
        fields = [i.text.strip() for i in paragraph._p.iter(qn("w:instrText"))]
        assert fields == ["PAGE", "NUMPAGES"]
        assert paragraph.text == "Side 1 af 1"  # the field results before Word counts


def test_core_properties_carry_no_build_time(doc: Any, pack: Pack) -> None:
    props = doc.core_properties
    assert props.created == props.modified == datetime(2000, 1, 1, tzinfo=UTC)
    assert props.title == pack.title
    assert props.subject == AREA_NAME


def test_rendering_twice_gives_the_same_content(loaded: LoadedAgreement, data: bytes) -> None:
    again = render_docx(build_document(loaded))
    with zipfile.ZipFile(io.BytesIO(data)) as one, zipfile.ZipFile(io.BytesIO(again)) as two:
        assert one.namelist() == two.namelist()
        for name in one.namelist():
            assert one.read(name) == two.read(name), name


def test_page_label_is_split_around_the_fields() -> None:
    assert page_label_parts("Side {page} af {pages}") == {
        "page_before": "Side ",
        "page_between": " af ",
        "page_after": "",
    }
    with pytest.raises(ValueError, match="page label"):
        page_label_parts("Side {pages}")


def test_template_is_what_the_script_makes() -> None:
    """The Word templates are generated: edit templates/make_docx_template.py, then run it."""
    script = runpy.run_path(str(ROOT / "templates" / "make_docx_template.py"))
    assert script["OUT"] == TEMPLATE_DIR
    for name in script["TEMPLATES"]:
        assert script["build"](name) == (TEMPLATE_DIR / f"{name}.docx").read_bytes()


@pytest.mark.slow
def test_libreoffice_lays_out_front_page_and_page_numbers(data: bytes, tmp_path: Path) -> None:
    soffice = libreoffice(tmp_path)
    source = tmp_path / "agreement.docx"
    source.write_bytes(data)
    subprocess.run(
        [*soffice, "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(
        [require_tool("pdftotext"), "-layout", str(tmp_path / "agreement.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = text.split("\f")
    assert "Underskrifter:" in pages[0] and "Demo Politi" in pages[0]
    assert "Aftaledokumenter" not in pages[0]
    assert pages[1].lstrip().splitlines()[0].strip() == AREA_NAME
    assert "Aftaledokumenter" in pages[1]
    count = len([p for p in pages if p.strip()])
    assert f"Side 1 af {count}" in pages[0]
    assert f"Side {count} af {count}" in pages[count - 1]
