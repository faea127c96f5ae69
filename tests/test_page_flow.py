"""Documents a coordinator can upload as they are: the Word file and the PDF in one font on
one page geometry, pages that break in sensible places, and each pack's own front page."""

from __future__ import annotations

import io
import re
import runpy
import shutil
import zipfile
from pathlib import Path
from typing import Any

import cssselect2
import docx
import pytest
import tinycss2
from lxml import etree, html

from agreementgen.fonts import FACES, FAMILY, font_folder
from agreementgen.render.html import render_html
from agreementgen.render.word import KEEP_TOGETHER, _Writer, render_docx
from agreementgen.source.templates import STYLESHEET, TEMPLATE_DIR
from agreementgen.text.markdown import Heading, ListBlock, Paragraph, Span
from agreementgen.views.document import DataTable, Document

from .helpers import DATA, ROOT, document
from .rulecase import edit, replace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
FONT_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
TEMPLATES = ("agreement.docx", "document.docx")
CSS = (TEMPLATE_DIR / STYLESHEET).read_text("utf-8")
SCRIPT = runpy.run_path(str(ROOT / "templates" / "make_docx_template.py"))
PERIOD_2019 = "1.\u00a0januar\u00a02026 – 31.\u00a0december\u00a02029"  # dates stay whole


def _part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name)


def _xml(data: bytes, name: str) -> Any:
    return etree.fromstring(_part(data, name))


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_docx(document(DATA / "complete"))


# -- one font, embedded ------------------------------------------------------------------------


def _deobfuscated(data: bytes, font_key: str) -> bytes:
    """ECMA-376 Part 1, §17.8.1 read independently of the script: the key is the GUID's hex
    digits taken in pairs from the last to the first."""
    digits = font_key.strip("{}").replace("-", "")
    key = bytes(int(digits[i - 2 : i], 16) for i in range(len(digits), 0, -2))
    head = bytes(b ^ key[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


@pytest.mark.parametrize("name", [*TEMPLATES, "rendered"])
def test_the_word_file_names_the_font_and_embeds_its_four_faces(name: str, rendered: bytes) -> None:
    data = rendered if name == "rendered" else (TEMPLATE_DIR / name).read_bytes()
    fonts = _xml(data, "word/fontTable.xml")
    (font,) = fonts.findall(f"{W}font")
    assert font.get(f"{W}name") == FAMILY
    # A client that ignores embedded fonts falls back to a proportional sans serif.
    assert font.find(f"{W}family").get(f"{W}val") == "swiss"
    assert font.find(f"{W}pitch").get(f"{W}val") == "variable"
    assert font.find(f"{W}panose1").get(f"{W}val").startswith("020B")  # Latin text, sans
    rels = _xml(data, "word/_rels/fontTable.xml.rels")
    targets = {rel.get("Id"): rel for rel in rels}
    types = _xml(data, "[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    tags = ("embedRegular", "embedBold", "embedItalic", "embedBoldItalic")
    embeds = [element for element in font if element.tag.startswith(f"{W}embed")]
    assert [element.tag for element in embeds] == [W + tag for tag in tags]
    for element, (file, _, _) in zip(embeds, FACES, strict=True):
        rel = targets[element.get(R_ID)]
        assert rel.get("Type") == FONT_RELATIONSHIP
        part = "word/" + rel.get("Target")
        assert overrides["/" + part] == OBFUSCATED_FONT
        stored = _part(data, part)
        original = (font_folder() / file).read_bytes()
        assert stored != original  # obfuscated, so not installable as it is
        assert _deobfuscated(stored, element.get(f"{W}fontKey")) == original
    settings = _xml(data, "word/settings.xml")
    assert settings.find(f"{W}embedTrueTypeFonts") is not None
    defaults = _xml(data, "word/styles.xml").find(f"{W}docDefaults")
    fonts_used = defaults.find(f"{W}rPrDefault/{W}rPr/{W}rFonts")
    assert {fonts_used.get(f"{W}{kind}") for kind in ("ascii", "hAnsi", "cs")} == {FAMILY}


def test_the_pdf_loads_the_same_four_faces_and_nothing_semibold() -> None:
    from agreementgen.render.html import _font_css

    faces = _font_css()
    assert faces.count("@font-face") == 4
    assert "Semibold" not in faces and "font-weight: 600" not in faces
    assert not re.search(r"font-weight:\s*[1-68]00", CSS)


# -- page geometry -----------------------------------------------------------------------------


def _page_rule(selector: str) -> str:
    """The text of the @page rule for `selector` ('' or ':first '), nested rules and all."""
    start = CSS.index(f"@page {selector}{{")
    depth = 0
    for end, char in enumerate(CSS[start:], start):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "}" and depth == 0:
            return CSS[start : end + 1]
    raise AssertionError(f"@page {selector} is not closed")


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_pdf_has_the_word_files_page(name: str) -> None:
    section = docx.Document(str(TEMPLATE_DIR / name)).sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    sides = ("top_margin", "bottom_margin", "left_margin", "right_margin")
    margins = {round(getattr(section, side).cm, 2) for side in sides}
    page = _page_rule("")
    assert "size: A4;" in page
    assert margins == {float(re.search(r"margin: ([\d.]+)cm;", page).group(1))}
    header, footer = round(section.header_distance.cm, 2), round(section.footer_distance.cm, 2)
    assert f"padding-top: {header}cm" in page and f"padding-bottom: {footer}cm" in page
    # No running header on the front page, in either.
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    assert "@top-right { content: none; }" in _page_rule(":first ")


def test_the_line_heights_are_the_pdfs() -> None:
    body = re.search(r"\nbody \{[^}]*line-height: ([\d.]+);", CSS).group(1)
    headings = re.search(r"\nh1, h2, h3, h4, h5, h6 \{[^}]*line-height: ([\d.]+);", CSS).group(1)
    assert (SCRIPT["BODY_LINE"], SCRIPT["HEADING_LINE"]) == (float(body), float(headings))


# -- hyphenation -------------------------------------------------------------------------------


def _styles(name: str) -> dict[str, Any]:
    root = _xml((TEMPLATE_DIR / name).read_bytes(), "word/styles.xml")
    return {style.get(f"{W}styleId"): style for style in root.findall(f"{W}style")}


@pytest.mark.parametrize("name", TEMPLATES)
def test_word_hyphenates_danish_but_not_headings(name: str) -> None:
    settings = _xml((TEMPLATE_DIR / name).read_bytes(), "word/settings.xml")
    assert settings.find(f"{W}autoHyphenation") is not None
    assert settings.find(f"{W}doNotHyphenateCaps") is not None
    styles = _styles(name)
    for style_id in ("Title", *(f"Heading{level}" for level in range(1, 7))):
        assert styles[style_id].find(f"{W}pPr/{W}suppressAutoHyphens") is not None, style_id
    assert re.search(r"\nbody \{[^}]*hyphens: auto;", CSS)
    assert re.search(r"\nh1, h2, h3, h4, h5, h6 \{[^}]*hyphens: manual;", CSS)


# -- page flow in Word -------------------------------------------------------------------------


def _inherits(styles: dict[str, Any], style_id: str, tag: str) -> bool:
    """Whether paragraph style `style_id` has pPr/`tag`, itself or through its bases."""
    style = styles.get(style_id)
    while style is not None:
        if style.find(f"{W}pPr/{W}{tag}") is not None:
            return True
        based = style.find(f"{W}basedOn")
        style = styles.get(based.get(f"{W}val")) if based is not None else None
    return False


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_paragraph_style_has_widow_control_and_list_items_keep_their_lines(
    name: str,
) -> None:
    styles = _styles(name)
    paragraph_styles = [k for k, s in styles.items() if s.get(f"{W}type") == "paragraph"]
    assert all(_inherits(styles, k, "widowControl") for k in paragraph_styles)
    lists = [k for k in paragraph_styles if k.startswith("List")]
    assert len(lists) == 9
    assert all(_inherits(styles, k, "keepLines") for k in lists)
    for style_id in ("Heading1", "Heading2", "Caption", "TableHeading", "Title"):
        assert _inherits(styles, style_id, "keepNext"), style_id


def _writer() -> _Writer:
    return _Writer(docx.Document(str(TEMPLATE_DIR / "agreement.docx")), [])


def _paragraphs(markup: str) -> list[Any]:
    body = etree.fromstring(f'<w:body xmlns:w="{W[1:-1]}">{markup}</w:body>')
    return list(body.iter(f"{W}p"))


def _kept(paragraph: Any) -> bool:
    keep = paragraph.find(f"{W}pPr/{W}keepNext")
    return keep is not None and keep.get(f"{W}val") != "0"


def _text(paragraph: Any) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{W}t"))


def _para(text: str) -> Paragraph:
    return Paragraph((Span(text),))


def _items(count: int) -> tuple[tuple[Paragraph, ...], ...]:
    return tuple((_para(f"punkt {n}"),) for n in range(count))


def test_a_paragraph_keeps_with_the_list_table_or_subheading_it_introduces() -> None:
    table = DataTable((("A",),), (("1",),), (False,))
    blocks = [
        _para("Indledning til afsnittets underafsnit."),
        Heading(2, (Span("Under"),)),
        _para("Brødtekst under et underafsnit."),
        Heading(2, (Span("Næste"),)),
        _para("Brødtekst foran endnu en."),
        _para("Listen:"),
        ListBlock(False, 1, _items(2)),
        _para("Tabellen, uden kolon"),
        table,
        _para("Sidst."),
    ]
    kept = {_text(p): _kept(p) for p in _paragraphs(_writer().blocks(blocks))}
    assert kept["Indledning til afsnittets underafsnit."]
    assert not kept["Brødtekst under et underafsnit."]  # the body of its own subsection
    assert not kept["Brødtekst foran endnu en."]
    assert kept["Listen:"] and kept["Tabellen, uden kolon"]
    assert not kept["Sidst."]


def test_a_short_list_keeps_together_and_ends_with_a_paragraphs_space() -> None:
    writer = _writer()
    nested = (_para("punkt 0"), ListBlock(False, 1, _items(2)))
    short = _paragraphs(writer.blocks([ListBlock(False, 1, (nested, *_items(3)[1:]))]))
    assert [_kept(p) for p in short] == [True, True, True, True, False]
    after = writer.style("Normal").paragraph_format.space_after.twips
    spacing = [p.find(f"{W}pPr/{W}spacing") for p in short]
    assert [s.get(f"{W}after") if s is not None else None for s in spacing] == [
        *(None,) * 4,
        str(after),
    ]
    long = _paragraphs(writer.blocks([ListBlock(True, 1, _items(KEEP_TOGETHER + 1))]))
    assert not any(_kept(p) for p in long)


def _rows(table: DataTable) -> list[Any]:
    body = etree.fromstring(f'<w:body xmlns:w="{W[1:-1]}">{_writer().blocks([table])}</w:body>')
    return body.findall(f"{W}tbl/{W}tr")


def test_rows_never_split_and_a_table_keeps_its_start_with_its_caption() -> None:
    def table(rows: int) -> DataTable:
        body = tuple((str(n),) for n in range(rows))
        return DataTable((("Tal",),), body, (True,), caption="Tabel")

    def kept(rows: list[Any]) -> list[bool]:
        return [_kept(row.find(f".//{W}p")) for row in rows[1:]]

    short, long = _rows(table(KEEP_TOGETHER)), _rows(table(KEEP_TOGETHER + 4))
    assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in short + long)
    assert kept(short) == [True] * (KEEP_TOGETHER - 1) + [False]
    # Of a long table: the first two rows with the header (the caption keeps with it),
    # and the last two together.
    assert kept(long) == [True, *[False] * (KEEP_TOGETHER + 1), True, False]


# -- page flow in the PDF ----------------------------------------------------------------------


def _declarations(element: Any, page: Any) -> dict[str, str]:
    """The declarations of agreement.css's rules that match `element`, in cascade order
    (specificity, then place)."""
    matcher = cssselect2.Matcher()
    rules = tinycss2.parse_stylesheet(CSS, skip_comments=True, skip_whitespace=True)
    for order, rule in enumerate(rules):
        if rule.type != "qualified-rule":
            continue
        for selector in cssselect2.compile_selector_list(rule.prelude):
            matcher.add_selector(selector, (order, rule.content))
    found: dict[str, str] = {}
    wrapper = cssselect2.ElementWrapper.from_html_root(page)
    target = next(e for e in wrapper.iter_subtree() if e.etree_element is element)
    for _, _, _, (_, content) in sorted(matcher.match(target)):
        for item in tinycss2.parse_declaration_list(content, True, True):
            if item.type == "declaration":
                found[item.lower_name] = tinycss2.serialize(item.value).strip()
    return found


def _page(body: str) -> Any:
    return html.fromstring(f"<html><body>{body}</body></html>")


def _by_id(page: Any, ident: str) -> dict[str, str]:
    return _declarations(page.get_element_by_id(ident), page)


def test_the_pdf_keeps_what_the_word_file_keeps() -> None:
    page = html.fromstring(render_html(document(DATA / "complete")))
    for element in (page.xpath("//h1")[1], page.xpath("//h3")[0]):
        assert _declarations(element, page)["break-after"] == "avoid"
        assert _declarations(element, page)["hyphens"] == "manual"
    intro = page.xpath("//p[following-sibling::*[1][self::ul or self::ol]]")[0]
    assert _declarations(intro, page)["break-after"] == "avoid"
    assert _declarations(page.xpath("//li")[0], page)["break-inside"] == "avoid"
    captions = page.xpath("//figure[contains(@class, 'table')]/figcaption")
    assert _declarations(captions[0], page)["break-after"] == "avoid"
    below = page.xpath("//figure[contains(@class, 'picture')]/figcaption")[0]
    assert "break-after" not in _declarations(below, page)  # a picture's caption is below it
    body = _declarations(page.xpath("//body")[0], page)
    assert (body["orphans"], body["widows"]) == ("2", "2")


def test_the_pdf_keeps_short_lists_and_tables_whole_and_the_start_of_long_ones() -> None:
    def items(count: int) -> str:
        return "".join(f"<li><p>{n}</p></li>" for n in range(count))

    def rows(count: int) -> str:
        return "".join(f"<tr id='r{count}-{n}'><td>{n}</td></tr>" for n in range(count))

    page = _page(
        "<section><h1>A</h1><p id='intro'>Indledning.</p><h2>B</h2><p id='body'>Tekst.</p>"
        f"<h2>C</h2><p id='lead'>Listen:</p><ul id='short'>{items(KEEP_TOGETHER)}</ul>"
        f"<ol id='long'>{items(KEEP_TOGETHER + 1)}</ol>"
        f"<figure class='table' id='small'><table><tbody>{rows(KEEP_TOGETHER)}</tbody></table>"
        f"</figure><figure class='table' id='big'><table><tbody>{rows(12)}</tbody></table>"
        "</figure></section>"
    )
    assert _by_id(page, "intro").get("break-after") == "avoid"
    assert _by_id(page, "body").get("break-after") is None
    assert _by_id(page, "lead").get("break-after") == "avoid"
    assert _by_id(page, "short").get("break-inside") == "avoid"
    assert _by_id(page, "long").get("break-inside") != "avoid"
    assert _by_id(page, "small").get("break-inside") == "avoid"
    assert _by_id(page, "big").get("break-inside") != "avoid"
    kept = [_by_id(page, f"r12-{n}").get("break-after") == "avoid" for n in range(12)]
    assert kept == [True, *[False] * 9, True, False]


# -- each pack's front page --------------------------------------------------------------------


def _agreement(tmp_path: Path, pack: str) -> Document:
    folder = tmp_path / "complete"
    shutil.copytree(DATA / "complete", folder)
    old = "template_pack: lbf-2019-26@2023-11-24\n"
    if pack != "lbf-2019-26@2023-11-24":
        edit(folder, "agreement.yaml", replace(old, f"template_pack: {pack}\n"))
    return document(folder)


def _front(data: bytes) -> list[tuple[str, str]]:
    doc = docx.Document(io.BytesIO(data))
    front = []
    for paragraph in doc.paragraphs:
        if paragraph.style.name == "Heading 1":
            break
        front.append((paragraph.style.name, paragraph.text))
    return front


def test_the_2023_pack_says_the_period_in_a_sentence(tmp_path: Path) -> None:
    agreement = _agreement(tmp_path, "lbf-2019-26@2023-11-24")
    sentence = (
        "Samarbejdsaftalen gælder fra 1.\u00a0januar\u00a02026 til 31.\u00a0december\u00a02029"
    )
    front = _front(render_docx(agreement))
    assert ("Period", sentence) in front
    assert not any("gælder fra - til" in text for _, text in front)
    page = render_html(agreement)
    assert f'<p class="period">{sentence}</p>' in page


def test_the_2019_pack_has_a_label_with_the_dates_under_it(tmp_path: Path) -> None:
    agreement = _agreement(tmp_path, "lbf-2019-26@2019-12-11")
    front = _front(render_docx(agreement))
    label = ("Label", "Samarbejdsaftalen gælder fra - til:")
    assert front[front.index(label) + 1] == ("Front Text", PERIOD_2019)
    assert front.index(("Label", "Aftalens parter:")) < front.index(label)
    assert not any(style == "Period" for style, _ in front)
    page = render_html(agreement)
    assert (
        '<p class="label">Samarbejdsaftalen gælder fra - til:</p>\n'
        f'    <p class="value">{PERIOD_2019}</p>'
    ) in page
