"""The Word XML that render_docx writes as text for section bodies, read back with lxml."""

from __future__ import annotations

from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from agreementgen.render.word import MissingStyle, _run_text, _Writer
from agreementgen.source.templates import TEMPLATE_DIR
from agreementgen.text.markdown import Heading, ListBlock, MdTable, Paragraph, Span
from agreementgen.views.document import DataTable, FigureView

TRICKY = "<&> {{ 7*7 }} {% if %} ]]> </w:t> \"'"
TEXTS = (
    "",
    "plain",
    " leading",
    "trailing ",
    "\xa0no-break\xa0",
    "a\tb",
    "\tstarts",
    "line\nbreak",
    "\r\n",
    "x\ry\n\nz\t",
    "  \n  ",
    TRICKY,
    "æøå 😀 \x7f \x85",
)


def _writer() -> _Writer:
    return _Writer(docx.Document(str(TEMPLATE_DIR / "agreement.docx")), [])


def _parse(markup: str) -> Any:
    """The body's elements under a w:body that declares w (as every template does)."""
    return etree.fromstring(f"<w:body {nsdecls('w')}>{markup}</w:body>")


def _texts(element: Any) -> list[str]:
    return [t.text or "" for t in element.iter(qn("w:t"))]


@pytest.mark.parametrize("text", TEXTS)
def test_run_text_is_what_python_docx_writes(text: str) -> None:
    expected = OxmlElement("w:r")
    expected.text = text  # python-docx's own mapping (CT_R.text)
    written = etree.fromstring(f"<w:r {nsdecls('w')}>{_run_text(text)}</w:r>")
    assert etree.tostring(written, method="c14n") == etree.tostring(expected, method="c14n")


@pytest.mark.parametrize(
    "char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\ud800"]
)
def test_text_xml_cannot_hold_is_refused(char: str) -> None:
    with pytest.raises(ValueError, match="XML compatible"):
        _run_text(f"a{char}b")


def test_user_text_stays_text() -> None:
    markup = _writer().blocks(
        [
            Paragraph((Span(TRICKY), Span(TRICKY, bold=True, href="https://x.dk/?a=1&b=<2>"))),
            Heading(2, (Span(TRICKY),)),
            MdTable(((Span(TRICKY),),), (((Span(TRICKY, italic=True),),),), ("center",)),
            DataTable(((TRICKY,),), ((TRICKY,),), (False,), caption=TRICKY, source=TRICKY),
            FigureView(TRICKY, None, TRICKY, 10.0, TRICKY),
        ]
    )
    body = _parse(markup)
    assert {element.tag for element in body} == {qn("w:p"), qn("w:tbl")}
    source = "Kilde: " + TRICKY
    # paragraph (two runs), heading, Markdown table, data table, missing figure
    assert _texts(body) == [TRICKY] * 8 + [source] + [TRICKY] * 2 + [source]


def test_a_link_is_a_relationship_and_keeps_its_emphasis() -> None:
    writer = _writer()
    href = "https://lbf.dk/?a=1&b=2"
    body = _parse(writer.blocks([Paragraph((Span("se "), Span("LBF", bold=True, href=href)))]))
    link = body.find(f"{qn('w:p')}/{qn('w:hyperlink')}")
    rel = writer.part.rels[link.get(qn("r:id"))]
    assert (rel.reltype, rel.target_ref, rel.is_external) == (
        RELATIONSHIP_TYPE.HYPERLINK,
        href,
        True,
    )
    r_pr = link.find(f"{qn('w:r')}/{qn('w:rPr')}")
    assert [child.tag for child in r_pr] == [qn("w:rStyle"), qn("w:b")]
    assert r_pr[0].get(qn("w:val")) == writer.style_id("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    # The same address again is the same relationship.
    again = _parse(writer.blocks([Paragraph((Span("igen", href=href),))]))
    assert again.find(f"{qn('w:p')}/{qn('w:hyperlink')}").get(qn("r:id")) == link.get(qn("r:id"))


def test_a_grouped_table_has_fixed_widths_repeated_header_and_merged_cells() -> None:
    writer = _writer()
    table = DataTable(
        (("Mål", "Beløb"),),
        (("A", "1"), ("A", "2"), ("B", "3")),
        (False, True),
        groups=(2, 1),
    )
    tbl = _parse(writer.blocks([table])).find(qn("w:tbl"))
    tbl_pr = tbl.find(qn("w:tblPr"))
    assert [child.tag for child in tbl_pr] == [
        qn("w:tblStyle"),
        qn("w:tblW"),
        qn("w:tblLayout"),
        qn("w:tblLook"),
    ]
    grid = [int(col.get(qn("w:w"))) for col in tbl.iter(qn("w:gridCol"))]
    assert sum(grid) == writer.text_width.twips == int(tbl_pr.find(qn("w:tblW")).get(qn("w:w")))
    head, *rows = tbl.findall(qn("w:tr"))
    assert head.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    merges = [row.find(f"{qn('w:tc')}/{qn('w:tcPr')}/{qn('w:vMerge')}") for row in rows]
    assert [m.get(qn("w:val")) for m in merges] == ["restart", None, "restart"]
    # A merged cell shows the text of its first row only; numbers are right-aligned.
    assert _texts(rows[1]) == ["2"]
    assert {jc.get(qn("w:val")) for jc in rows[0].iter(qn("w:jc"))} == {"left", "right"}


def test_a_numbered_list_restarts_at_its_start() -> None:
    writer = _writer()
    items = ((Paragraph((Span("tre"),)), Paragraph((Span("mere"),))), (Paragraph((Span("fire"),)),))
    body = _parse(writer.blocks([ListBlock(True, 3, items)]))
    num_ids = [n.get(qn("w:val")) for n in body.iter(qn("w:numId"))]
    assert len(num_ids) == 2  # on each item's first paragraph, not on "mere"
    num = next(
        n for n in writer.numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_ids[0]
    )
    assert num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}").get(qn("w:val")) == "3"


def test_a_missing_style_is_named() -> None:
    writer = _writer()
    style = writer.docx.styles["Table Text"].element
    style.getparent().remove(style)
    with pytest.raises(MissingStyle, match="'Table Text'"):
        writer.blocks([MdTable(((Span("a"),),), (((Span("b"),),),), ())])
