"""Generate the Word templates (agreement.docx, document.docx) into the package's templates.

Run it after changing anything here: `.venv/bin/python templates/make_docx_template.py`.
The .docx is committed; this script is its source, so edit the script, not the .docx.

The template holds what Word needs once per document: page setup (A4), the styles the renderer
uses (src/agreementgen/render/word.py refers to them by name), the list numbering, the running
header and footer, and the front page with docxtpl tags. The sections' content is built by the
renderer with python-docx and dropped in at `{{p documents }}` and `{{p section.body }}`.
"""

from __future__ import annotations

import functools
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt
from fontTools.misc import sstruct
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables.O_S_2f_2 import panoseFormat
from lxml import etree

from agreementgen.files import office_file
from agreementgen.fonts import FACES, FAMILY, font_folder
from agreementgen.render.word import footnotes_part
from agreementgen.views import drawing

# The built-in templates are package data: an installed agreementgen carries them.
OUT = Path(__file__).resolve().parents[1] / "src" / "agreementgen" / "templates"

# Colours: the house palette, so the Word file, the PDF and the drawings look alike. Word
# writes colours without the '#'.
INK, MUTED, RULE = (c.lstrip("#") for c in (drawing.INK, drawing.MUTED, drawing.RULE))
HEAD_FILL, ACCENT = drawing.HEAD.lstrip("#"), drawing.ACCENT.lstrip("#")
LINK = "0563C1"  # Word's own hyperlink blue

# The PDF's font, embedded (see _embed_fonts): Word and LibreOffice show it on any machine.
FONT = FAMILY
# Word's element for each face of an embedded family (bold, italic), in schema order, and the
# content type of an embedded font part (ECMA-376 Part 1, §17.8).
EMBED_TAGS = {
    (False, False): "w:embedRegular",
    (True, False): "w:embedBold",
    (False, True): "w:embedItalic",
    (True, True): "w:embedBoldItalic",
}
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"  # the theme's namespace
LANGUAGE = "da-DK"
MARGIN = Cm(2.5)
SIGNATURE_WIDTH = Cm(12)  # signature line and its "Dato | Navn" row
DATE_WIDTH = Cm(5)
LINE_INDENT = Emu(Cm(21) - 2 * MARGIN - SIGNATURE_WIDTH).twips  # right indent of the line
FIXED_TIME = datetime(2000, 1, 1, tzinfo=UTC)

# Numbering ids; the renderer finds them through the list styles, not these numbers.
BULLET_ABSTRACT, NUMBER_ABSTRACT = 10, 11
BULLET_NUM, NUMBER_NUM = 1, 2
FACT_LABEL_WIDTH = Cm(4.5)  # the facts table under a document's title
FACT_VALUE_WIDTH = Cm(11.5)
INDENT = 425  # twips per list level (0.75 cm)
NO_HYPHENS = "<w:suppressAutoHyphens/>"  # titles and headings break at spaces only
# Line heights in font sizes, as agreement.css's body and h1-h6 have them.
BODY_LINE, HEADING_LINE = 1.4, 1.2


# --- styles -----------------------------------------------------------------------------------


def _rpr(
    size: float | None = None, *, bold: bool = False, italic: bool = False, color: str = ""
) -> str:
    parts = []
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size is not None:
        half_points = round(size * 2)
        parts.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


@functools.cache
def _regular() -> Any:
    """The font's regular face (fontTools' TTFont)."""
    return TTFont(font_folder() / FACES[0][0])


def _line(height: float) -> int:
    """Word's automatic line spacing, in 240ths of the font's own line (its ascent plus
    descent), for lines `height` font sizes apart as in the PDF."""
    os2 = _regular()["OS/2"]
    own = (os2.usWinAscent + os2.usWinDescent) / _regular()["head"].unitsPerEm
    return round(240 * height / own)


def _spacing(before: int = 0, after: int = 0, line: int | None = None) -> str:
    """Spacing in points (before/after) and 240ths of a line."""
    rule = f' w:line="{line}" w:lineRule="auto"' if line else ""
    return f'<w:spacing w:before="{before * 20}" w:after="{after * 20}"{rule}/>'


def _style(
    style_id: str,
    name: str,
    *,
    kind: str = "paragraph",
    based_on: str | None = "Normal",
    next_style: str | None = None,
    ppr: str = "",
    rpr: str = "",
    extra: str = "",
    custom: bool = False,
    default: bool = False,
) -> str:
    """Return a w:style; `default` marks the style Word uses where none is named."""
    attrs = f'w:type="{kind}" w:styleId="{style_id}"'
    attrs += ' w:default="1"' if default else ""
    attrs += ' w:customStyle="1"' if custom else ""
    body = f'<w:name w:val="{name}"/>'
    if based_on:
        body += f'<w:basedOn w:val="{based_on}"/>'
    if next_style:
        body += f'<w:next w:val="{next_style}"/>'
    # Word's fallbacks (no list, default font, plain table) stay out of sight; paragraph and
    # table styles are offered in the style gallery.
    hidden = default and kind != "paragraph"
    body += "<w:semiHidden/><w:unhideWhenUsed/>" if hidden else ""
    body += "<w:qFormat/>" if not hidden and kind != "character" else ""
    if ppr:
        body += f"<w:pPr>{ppr}</w:pPr>"
    body += rpr + extra
    return f"<w:style {nsdecls('w')} {attrs}>{body}</w:style>"


def _border(
    side: str, val: str = "single", size: int = 4, color: str = RULE, space: int = 0
) -> str:
    return f'<w:{side} w:val="{val}" w:sz="{size}" w:space="{space}" w:color="{color}"/>'


def _headings() -> list[str]:
    # (size pt, space before, space after, italic); headings are never auto-numbered: the
    # numbers are part of the LBF heading text. Nor are they hyphenated, as in the PDF.
    looks = [(16, 24, 8, False), (13.5, 18, 6, False), (12, 14, 4, False)]
    looks += [(11, 12, 3, True)] * 3
    return [
        _style(
            f"Heading{level}",
            f"heading {level}",
            next_style="Normal",
            ppr="<w:keepNext/><w:keepLines/>"
            + NO_HYPHENS
            + _spacing(before, after, _line(HEADING_LINE))
            + f'<w:outlineLvl w:val="{level - 1}"/>',
            rpr=_rpr(size, bold=True, italic=italic, color=ACCENT),
        )
        for level, (size, before, after, italic) in enumerate(looks, start=1)
    ]


def _list_styles() -> list[str]:
    # An item never splits across pages: its bullet stays with its text.
    styles = []
    for level in range(3):
        suffix = f" {level + 1}" if level else ""
        sid = str(level + 1) if level else ""
        for kind, num in (("Bullet", BULLET_NUM), ("Number", NUMBER_NUM)):
            styles.append(
                _style(
                    f"List{kind}{sid}",
                    f"List {kind}{suffix}",
                    ppr="<w:keepLines/>"
                    + f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
                    + _spacing(0, 3),
                )
            )
        styles.append(
            _style(
                f"ListContinue{sid}",
                f"List Continue{suffix}",
                ppr="<w:keepLines/>" + _spacing(0, 3) + f'<w:ind w:left="{INDENT * (level + 1)}"/>',
            )
        )
    return styles


def _table_styles() -> list[str]:
    borders = "".join(
        _border(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    margins = (
        '<w:tblCellMar><w:top w:w="45" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="45" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
    )
    normal = _style(
        "TableNormal",
        "Normal Table",
        kind="table",
        based_on=None,
        default=True,
        extra='<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>",
    )
    agreement = _style(
        "AgreementTable",
        "Agreement Table",
        kind="table",
        based_on="TableNormal",
        custom=True,
        ppr=_spacing(0, 0, 240),
        rpr=_rpr(9.5),
        extra=f"<w:tblPr><w:tblBorders>{borders}</w:tblBorders>{margins}</w:tblPr>"
        + '<w:tblStylePr w:type="firstRow"><w:pPr><w:keepNext/></w:pPr>'
        + _rpr(bold=True)
        + "<w:trPr><w:tblHeader/></w:trPr>"
        + f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEAD_FILL}"/></w:tcPr>'
        + "</w:tblStylePr>",
    )
    return [normal, agreement]


def _styles() -> list[str]:
    return [
        _style(
            "Normal",
            "Normal",
            based_on=None,
            ppr="<w:widowControl/>" + _spacing(0, 6, _line(BODY_LINE)),
            rpr=_rpr(color=INK),
            default=True,
        ),
        _style(
            "DefaultParagraphFont",
            "Default Paragraph Font",
            kind="character",
            based_on=None,
            default=True,
        ),
        _style("NoList", "No List", kind="numbering", based_on=None, default=True),
        _style(
            "Title",
            "Title",
            next_style="Normal",
            ppr="<w:keepNext/><w:pBdr>"
            + _border("bottom", size=12, color=ACCENT, space=6)
            + "</w:pBdr>"
            + NO_HYPHENS
            + _spacing(0, 18, 240),
            rpr=_rpr(24, bold=True, color=ACCENT),
        ),
        *_headings(),
        _style(
            "Label",
            "Label",
            custom=True,
            next_style="FrontText",
            ppr="<w:keepNext/>" + _spacing(10, 3),
            rpr=_rpr(bold=True),
        ),
        _style("FrontText", "Front Text", custom=True, ppr=_spacing(0, 2)),
        _style("Period", "Period", custom=True, ppr=_spacing(12, 4)),
        _style(
            "SignatureParty",
            "Signature Party",
            custom=True,
            ppr="<w:keepNext/><w:keepLines/>" + _spacing(12, 0),
            rpr=_rpr(bold=True),
        ),
        # The empty paragraph whose bottom border is the line to sign on; the space before
        # it is room for the signature.
        _style(
            "SignatureLine",
            "Signature Line",
            custom=True,
            ppr="<w:keepNext/><w:pBdr>"
            + _border("bottom", size=6, color=INK, space=1)
            + "</w:pBdr>"
            + _spacing(26, 2, 240)
            + f'<w:ind w:right="{LINE_INDENT}"/>',
        ),
        _style(
            "SignatureLabel",
            "Signature Label",
            custom=True,
            ppr="<w:keepNext/>" + _spacing(0, 0, 240),
            rpr=_rpr(9.5, color=MUTED),
        ),
        _style("SignatureValue", "Signature Value", custom=True, ppr=_spacing(1, 0, 240)),
        *_list_styles(),
        _style(
            "Quote",
            "Quote",
            ppr="<w:pBdr>"
            + _border("left", size=16, color=RULE, space=8)
            + "</w:pBdr>"
            + '<w:ind w:left="340"/>',
            rpr=_rpr(italic=True, color=MUTED),
        ),
        _style(
            "Caption",
            "caption",
            next_style="Normal",
            ppr="<w:keepNext/>" + _spacing(9, 3, 240),
            rpr=_rpr(10, bold=True),
        ),
        _style(
            "Source",
            "Source",
            custom=True,
            next_style="Normal",
            ppr=_spacing(3, 9, 240),
            rpr=_rpr(8.5, italic=True, color=MUTED),
        ),
        # The paragraph after a table without a source line: a little space, and a border
        # between two tables, which Word would otherwise join into one.
        _style("TableEnd", "Table End", custom=True, ppr=_spacing(0, 6, 240), rpr=_rpr(6)),
        _style("TableText", "Table Text", custom=True, ppr=_spacing(0, 0, 240), rpr=_rpr(9.5)),
        _style(
            "TableHeading",
            "Table Heading",
            based_on="TableText",
            custom=True,
            # Column headings break at spaces only, as in the PDF: the columns are as wide
            # as their longest heading word (views/columns.py).
            ppr="<w:keepNext/>" + NO_HYPHENS,
            rpr=_rpr(bold=True),
        ),
        _style(
            "Figure",
            "Figure",
            custom=True,
            ppr="<w:keepNext/>" + _spacing(6, 0, 240) + '<w:jc w:val="center"/>',
        ),
        _style(
            "FigureNote",
            "Figure Note",
            custom=True,
            ppr="<w:keepNext/>" + _spacing(30, 30, 240) + '<w:jc w:val="center"/>',
            rpr=_rpr(10, italic=True, color=MUTED),
        ),
        _style(
            "Header",
            "header",
            ppr=_spacing(0, 0, 240) + '<w:jc w:val="right"/>',
            rpr=_rpr(8.5, color=MUTED),
        ),
        _style(
            "Footer",
            "footer",
            ppr=_spacing(0, 0, 240) + '<w:jc w:val="center"/>',
            rpr=_rpr(8.5, color=MUTED),
        ),
        _style(
            "Hyperlink",
            "Hyperlink",
            kind="character",
            based_on="DefaultParagraphFont",
            rpr=f'<w:rPr><w:color w:val="{LINK}"/><w:u w:val="single"/></w:rPr>',
        ),
        # Word's own footnote styles, by Word's names: a note Word adds looks the same.
        _style(
            "FootnoteText",
            "footnote text",
            ppr=_spacing(0, 2, 240),
            rpr=_rpr(9),
        ),
        _style(
            "FootnoteReference",
            "footnote reference",
            kind="character",
            based_on="DefaultParagraphFont",
            rpr='<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>',
        ),
        *_table_styles(),
    ]


def _set_styles(doc: Any) -> None:
    """Replace the default template's styles with ours, in Calibri 11 pt, Danish."""
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        styles.remove(style)
    defaults = styles.find(qn("w:docDefaults"))
    defaults.getparent().replace(
        defaults,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
            f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
            '<w:sz w:val="22"/><w:szCs w:val="22"/>'
            f'<w:lang w:val="{LANGUAGE}" w:eastAsia="{LANGUAGE}" w:bidi="ar-SA"/>'
            "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
            + _spacing(0, 6, _line(BODY_LINE))
            + "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )
    for xml in _styles():
        styles.append(parse_xml(xml))


# --- numbering --------------------------------------------------------------------------------


def _level(ilvl: int, fmt: str, text: str, hanging: int) -> str:
    font = (
        f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/></w:rPr>' if fmt == "bullet" else ""
    )
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{INDENT * (ilvl + 1)}" w:hanging="{hanging}"/></w:pPr>'
        f"{font}</w:lvl>"
    )


def _set_numbering(doc: Any) -> None:
    """One bullet and one numbered multi-level list; the renderer adds a w:num per numbered
    list so that each starts again at its own start number."""
    bullets = ("•", "–", "▪") * 3
    numbers = (("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "%3."))
    numbers += numbers[1:] * 3
    bullet_levels = "".join(_level(i, "bullet", bullets[i], 283) for i in range(9))
    number_levels = "".join(_level(i, *numbers[i], 397) for i in range(9))
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for xml in (
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{BULLET_ABSTRACT}">'
        f'<w:multiLevelType w:val="hybridMultilevel"/>{bullet_levels}</w:abstractNum>',
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{NUMBER_ABSTRACT}">'
        f'<w:multiLevelType w:val="hybridMultilevel"/>{number_levels}</w:abstractNum>',
        f'<w:num {nsdecls("w")} w:numId="{BULLET_NUM}">'
        f'<w:abstractNumId w:val="{BULLET_ABSTRACT}"/></w:num>',
        f'<w:num {nsdecls("w")} w:numId="{NUMBER_NUM}">'
        f'<w:abstractNumId w:val="{NUMBER_ABSTRACT}"/></w:num>',
    ):
        numbering.append(parse_xml(xml))


# --- fonts ------------------------------------------------------------------------------------


def font_key(name: str) -> uuid.UUID:
    """The key the face in file `name` is obfuscated with: fixed per file, so the template
    comes out byte for byte the same on every run."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"agreementgen:fonts/{name}")


def obfuscate(data: bytes, key: uuid.UUID) -> bytes:
    """ECMA-376 Part 1, §17.8.1: the font's first 32 bytes XORed with the key's 16 bytes,
    taken from the GUID's last byte to its first, twice over. Done again, it gives the font
    back."""
    mask = key.bytes[::-1] * 2
    return bytes(b ^ m for b, m in zip(data[:32], mask, strict=True)) + data[32:]


def _embed_fonts(doc: Any) -> None:
    """Embed the four faces of the font, and make the font table name it alone."""
    table = doc.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    folder = font_folder()
    embeds = []
    for number, (name, bold, italic) in enumerate(FACES, start=1):
        key = font_key(name)
        part = Part(
            PackURI(f"/word/fonts/font{number}.odttf"),
            OBFUSCATED_FONT,
            obfuscate((folder / name).read_bytes(), key),
            doc.part.package,
        )
        rid = table.relate_to(part, RELATIONSHIP_TYPE.FONT)
        key_text = "{" + str(key).upper() + "}"
        embeds.append(f'<{EMBED_TAGS[bold, italic]} r:id="{rid}" w:fontKey="{key_text}"/>')
    table._blob = _font_table("".join(embeds), _regular()["OS/2"])


def _font_table(embeds: str, os2: Any) -> bytes:
    """The font table: the font with its embedded faces, and what a client that ignores them
    matches another font by: a proportional sans serif (family, pitch) of this PANOSE class
    and these Unicode ranges and code pages (the font's OS/2 table)."""
    panose = sstruct.pack(panoseFormat, os2.panose).hex().upper()
    sig = (
        f'w:usb0="{os2.ulUnicodeRange1:08X}" w:usb1="{os2.ulUnicodeRange2:08X}" '
        f'w:usb2="{os2.ulUnicodeRange3:08X}" w:usb3="{os2.ulUnicodeRange4:08X}" '
        f'w:csb0="{os2.ulCodePageRange1:08X}" w:csb1="{os2.ulCodePageRange2:08X}"'
    )
    xml = (
        f'<w:fonts {nsdecls("w", "r")}><w:font w:name="{FONT}">'
        f'<w:panose1 w:val="{panose}"/><w:charset w:val="00"/><w:family w:val="swiss"/>'
        f'<w:pitch w:val="variable"/><w:sig {sig}/>{embeds}</w:font></w:fonts>'
    )
    return b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + xml.encode("utf-8")


def _set_theme_fonts(doc: Any) -> None:
    """The theme's heading and body fonts are the font too, for what Word makes of them (a
    style the user adds in Word)."""
    theme = doc.part.part_related_by(RELATIONSHIP_TYPE.THEME)
    root = etree.fromstring(theme.blob)
    for latin in root.iterfind(".//a:fontScheme/*/a:latin", {"a": A_NS}):
        latin.set("typeface", FONT)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- footnotes ------------------------------------------------------------------------------------


def _set_footnotes(doc: Any) -> None:
    """The footnotes part with Word's separators, named in the settings: the renderer adds
    each note to it after rendering."""
    footnotes_part(doc)


# --- page, header and footer ------------------------------------------------------------------


def _text(paragraph: Any, text: str) -> None:
    """Add a run whose spaces survive (docxtpl tags render to text with edge spaces)."""
    run = paragraph.add_run(text)
    run._r.find(qn("w:t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _field(paragraph: Any, instruction: str, placeholder: str) -> None:
    """Add a complex field (PAGE, NUMPAGES): Word and LibreOffice fill it in when laying out."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
        run = OxmlElement("w:r")
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = f" {text} "
            run.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run.append(char)
        paragraph._p.append(run)
    _text(paragraph, placeholder)
    end = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end.append(char)
    paragraph._p.append(end)


def _page_number(paragraph: Any) -> None:
    # The label comes from the pack ("Side {page} af {pages}"); the renderer splits it.
    paragraph.style = "Footer"
    _text(paragraph, "{{ page_before }}")
    _field(paragraph, "PAGE", "1")
    _text(paragraph, "{{ page_between }}")
    _field(paragraph, "NUMPAGES", "1")
    _text(paragraph, "{{ page_after }}")


def _set_page(doc: Any, header_tag: str = "{{ area_name }}") -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    section.header_distance = section.footer_distance = Cm(1.25)
    # The front page shows the area name large already: no running header there.
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.style = "Header"
    _text(header, header_tag)
    section.first_page_header.paragraphs[0].style = "Header"
    _page_number(section.footer.paragraphs[0])
    _page_number(section.first_page_footer.paragraphs[0])


# --- front page and body ----------------------------------------------------------------------


def _para(container: Any, style: str, text: str = "") -> Any:
    paragraph = container.add_paragraph(style=style)
    if text:
        _text(paragraph, text)
    return paragraph


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = "".join(
        f'<w:{side} w:val="nil"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    # Word wants table properties in schema order: borders before the layout, margins after.
    tbl_pr.insert_element_before(
        parse_xml(f"<w:tblBorders {nsdecls('w')}>{borders}</w:tblBorders>"),
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
    )
    tbl_pr.insert_element_before(
        parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/>'
            '<w:right w:w="113" w:type="dxa"/></w:tblCellMar>'
        ),
        "w:tblLook",
    )


def _signature_block(doc: Any) -> None:
    """Party name, room to sign, the line, then "Dato" and "Navn" side by side."""
    _para(doc, "Signature Party", "{{ sig.party }}")
    _para(doc, "Signature Line")
    table = doc.add_table(rows=1, cols=2)
    table.style = "Normal Table"
    table.autofit = False
    _no_borders(table)
    row = table.rows[0]
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    date_cell, name_cell = row.cells
    table.columns[0].width = date_cell.width = DATE_WIDTH
    table.columns[1].width = name_cell.width = SIGNATURE_WIDTH - DATE_WIDTH
    date_cell.paragraphs[0].style = "Signature Label"
    _text(date_cell.paragraphs[0], "{{ date_label }}")
    _optional(date_cell, "sig.date", "{{ sig.date }}")
    name_cell.paragraphs[0].style = "Signature Label"
    _text(name_cell.paragraphs[0], "{{ name_label }}")
    # "Anna Ø, Borgmester" on one line keeps five parties' blocks on the front page.
    _optional(
        name_cell,
        "sig.name or sig.title",
        "{{ sig.name }}{% if sig.name and sig.title %}, {% endif %}{{ sig.title }}",
    )


def _optional(cell: Any, condition: str, text: str) -> None:
    """A paragraph shown only when `condition` holds (a signatory's date or name)."""
    _para(cell, "Signature Value", f"{{%p if {condition} %}}")
    _para(cell, "Signature Value", text)
    _para(cell, "Signature Value", "{%p endif %}")


def _heading(doc: Any, text: str, *, page_break: bool = False) -> None:
    paragraph = _para(doc, "Heading 1", text)
    paragraph.paragraph_format.page_break_before = page_break


def _body(doc: Any) -> None:
    _para(doc, "Title", "{{ title }}")
    _para(doc, "Label", "{{ area_name_label }}")
    _para(doc, "Front Text", "{{ area_name }}")
    _para(doc, "Label", "{{ parties_label }}")
    _para(doc, "Front Text", "{%p for party in parties %}")
    _para(doc, "Front Text", "{{ party }}")
    _para(doc, "Front Text", "{%p endfor %}")
    # The 2019 template has a label with the dates under it, the 2023 one a sentence.
    _para(doc, "Normal", "{%p if period_label %}")
    _para(doc, "Label", "{{ period_label }}")
    _para(doc, "Front Text", "{{ period }}")
    _para(doc, "Normal", "{%p else %}")
    _para(doc, "Period", "{{ period }}")
    _para(doc, "Normal", "{%p endif %}")
    _para(doc, "Label", "{{ signatures_label }}")
    _para(doc, "Normal", "{%p for sig in signatures %}")
    _signature_block(doc)
    _para(doc, "Normal", "{%p endfor %}")
    # Front page, then the fixed "Aftaledokumenter" text, then the sections from a new page.
    _heading(doc, "{{ documents_heading }}", page_break=True)
    _para(doc, "Normal", "{{p documents }}")
    _para(doc, "Normal", "{%p for section in sections %}")
    _para(doc, "Normal", "{%p if loop.first %}")
    _heading(doc, "{{ section.heading }}", page_break=True)
    _para(doc, "Normal", "{%p else %}")
    _heading(doc, "{{ section.heading }}")
    _para(doc, "Normal", "{%p endif %}")
    _para(doc, "Normal", "{{p section.body }}")
    _para(doc, "Normal", "{%p endfor %}")


def _document_body(doc: Any) -> None:
    """The other LBF documents: title, area name, a table of key facts, sections."""
    _para(doc, "Title", "{{ title }}")
    _para(doc, "Front Text", "{{ subtitle }}")
    # docxtpl repeats the middle row: its {%tr %} tags need rows of their own.
    table = doc.add_table(rows=3, cols=2)
    table.style = "Normal Table"
    table.autofit = False
    _no_borders(table)
    table.columns[0].width = FACT_LABEL_WIDTH
    table.columns[1].width = FACT_VALUE_WIDTH
    for row, texts in zip(
        table.rows,
        (
            ("{%tr for fact in facts %}", ""),
            ("{{ fact.label }}", "{{ fact.value }}"),
            ("{%tr endfor %}", ""),
        ),
        strict=True,
    ):
        label, value = row.cells
        label.width, value.width = FACT_LABEL_WIDTH, FACT_VALUE_WIDTH
        label.paragraphs[0].style = "Label"
        value.paragraphs[0].style = "Front Text"
        for cell in (label, value):  # label and value on one baseline
            cell.paragraphs[0].paragraph_format.space_before = Pt(0)
            cell.paragraphs[0].paragraph_format.space_after = Pt(2)
        _text(label.paragraphs[0], texts[0])
        if texts[1]:
            _text(value.paragraphs[0], texts[1])
    _para(doc, "Normal", "{%p if notice %}")
    _para(doc, "Source", "{{ notice }}")
    _para(doc, "Normal", "{%p endif %}")
    _para(doc, "Normal", "{%p for section in sections %}")
    _heading(doc, "{{ section.heading }}")
    _para(doc, "Normal", "{{p section.body }}")
    _para(doc, "Normal", "{%p endfor %}")


def _set_properties(doc: Any) -> None:
    props = doc.core_properties
    props.author = "agreementgen"
    props.last_modified_by = ""
    props.title = ""
    props.subject = ""
    props.comments = "Word template of agreementgen, made by make_docx_template.py"
    props.language = LANGUAGE
    props.revision = 1
    props.created = props.modified = props.last_printed = FIXED_TIME


def _set_settings(doc: Any) -> None:
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), LANGUAGE)
        lang.attrib.pop(qn("w:eastAsia"), None)
    # Revision ids are editing history; the template has none worth keeping.
    rsids = settings.find(qn("w:rsids"))
    if rsids is not None:
        settings.remove(rsids)
    # Word keeps the embedded fonts when it saves the file again, and hyphenates Danish as the
    # PDF does; words in capitals (LBF, SSP) are left whole.
    settings.find(qn("w:zoom")).addnext(parse_xml(f"<w:embedTrueTypeFonts {nsdecls('w')}/>"))
    tab_stop = settings.find(qn("w:defaultTabStop"))
    tab_stop.addnext(parse_xml(f"<w:doNotHyphenateCaps {nsdecls('w')}/>"))
    tab_stop.addnext(parse_xml(f"<w:autoHyphenation {nsdecls('w')}/>"))


# Parts of python-docx's default template that would only mislead here: Word 2010 style
# copies, an empty custom-XML item and a thumbnail of a different document.
DROPPED_RELATIONSHIPS = ("/stylesWithEffects", "/customXml", "/metadata/thumbnail")
APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    b"<Application>agreementgen</Application></Properties>"
)


def _drop_extras(doc: Any) -> None:
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(DROPPED_RELATIONSHIPS):
                del rels[rid]
        for rel in rels.values():
            if rel.reltype.endswith("/extended-properties"):
                rel.target_part._blob = APP_XML


def build(name: str = "agreement") -> bytes:
    """Return the template `name`.docx, byte for byte the same on every run."""
    doc = Document()
    _set_styles(doc)
    _set_numbering(doc)
    _set_footnotes(doc)
    _set_settings(doc)
    _embed_fonts(doc)
    _set_theme_fonts(doc)
    if name == "agreement":
        _set_page(doc)
        _body(doc)
    else:
        _set_page(doc, "{{ header }}")
        _document_body(doc)
    _set_properties(doc)
    _drop_extras(doc)
    return office_file(doc.save)


TEMPLATES = ("agreement", "document")


def main(argv: list[str]) -> None:
    folder = Path(argv[1]) if len(argv) > 1 else OUT
    for name in TEMPLATES:
        target = folder / f"{name}.docx"
        target.write_bytes(build(name))
        print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv)
