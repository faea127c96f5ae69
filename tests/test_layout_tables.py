"""Tables laid out from their content: the same columns in the Word file and on the page,
each column as wide as its longest word, and numbers kept with their units and dates whole."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import lxml.html
import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from agreementgen.render.html import render_html, render_pdf
from agreementgen.render.word import render_docx
from agreementgen.source.templates import STYLESHEET, TEMPLATE_DIR
from agreementgen.text.danish import no_break
from agreementgen.views.columns import TABLE_PT, TEXT_WIDTH, column_widths

from .helpers import DATA, ROOT, copy_agreement, document, require_tool

VIBORG = ROOT / "agreements" / "viborg"
EXAMPLE = ROOT / "agreements" / "example"
NBSP = "\u00a0"
# A cell's side margins: 85 twips (4.25 pt) a side in the Word template and agreement.css.
MARGINS = 2 * 85


def _font_twips(word: str, *, bold: bool) -> float:
    """A word's width at the tables' size, read from the font the documents use."""
    import font_source_sans_pro  # type: ignore[import-untyped]

    face = "SourceSansPro-Bold.ttf" if bold else "SourceSansPro-Regular.ttf"
    font = TTFont(Path(font_source_sans_pro.__file__).parent / "files" / face)
    cmap, metrics = font.getBestCmap(), font["hmtx"].metrics
    units = sum(metrics[cmap[ord(char)]][0] for char in word)
    return float(units * TABLE_PT * 20 / font["head"].unitsPerEm)


def _longest_words(rows: list[list[str]], header_rows: int, *, bold_first: bool) -> list[float]:
    """Each column's widest word (split at spaces only), headers and bold cells in bold."""
    widest = [0.0] * max(len(row) for row in rows)
    for index, row in enumerate(rows):
        for column, text in enumerate(row):
            bold = index < header_rows or (bold_first and column == 0)
            for word in re.split(r"[ \n]+", text):
                if word:
                    widest[column] = max(widest[column], _font_twips(word, bold=bold))
    return widest


class _Table:
    """A rendered table: its column widths (twips of the 16 cm text width) and cell texts."""

    def __init__(self, widths: list[float], rows: list[list[str]], header_rows: int) -> None:
        self.widths, self.rows, self.header_rows = widths, rows, header_rows


def _docx_tables(data: bytes) -> list[_Table]:
    body = open_docx(io.BytesIO(data)).element.body
    tables = []
    for tbl in body.iter(qn("w:tbl")):
        grid = [float(col.get(qn("w:w"))) for col in tbl.iter(qn("w:gridCol"))]
        rows = []
        for tr in tbl.iter(qn("w:tr")):
            cells = []
            for tc in tr.iter(qn("w:tc")):
                text = "".join(
                    "\n" if node.tag == qn("w:br") else node.text or ""
                    for node in tc.iter(qn("w:t"), qn("w:br"))
                )
                cells.append(text)
            rows.append(cells)
        header_rows = len(list(tbl.iter(qn("w:tblHeader"))))
        tables.append(_Table(grid, rows, header_rows))
    return tables


def _html_tables(html: str) -> list[_Table]:
    tables = []
    page = lxml.html.fromstring(html)
    for br in page.iter("br"):  # a line break in a cell, as text
        br.tail = "\n" + (br.tail or "")
    for table in page.iter("table"):
        shares = [float(re.findall(r"[\d.]+", c.get("style"))[0]) for c in table.iter("col")]
        rows = [
            [cell.text_content() for cell in tr if cell.tag in ("th", "td")]
            for tr in table.iter("tr")
        ]
        # A row under a cell merged down (rowspan) lacks that first cell.
        rows = [[""] * (len(shares) - len(row)) + row for row in rows]
        widths = [share / 100 * TEXT_WIDTH for share in shares]
        tables.append(_Table(widths, rows, len(table.findall("thead/tr"))))
    return tables


def _find(tables: list[_Table], first: str, other: str) -> _Table:
    """The table whose first header row starts with `first` and names `other`."""
    return next(t for t in tables if t.rows[0][0] == first and other in t.rows[0])


@pytest.mark.parametrize(
    ("first", "other", "bold_first"),
    [
        ("Mål", "Baselineår", True),  # the goals table; its merged goal cells are bold
        ("Boligafdeling", "Beboere", False),  # the parallel-society criteria
        ("Boligafdeling", "Opført", False),  # the departments
    ],
)
def test_columns_hold_their_longest_word_alike_in_word_and_html(
    viborg_docx: bytes, viborg_html: str, first: str, other: str, bold_first: bool
) -> None:
    in_docx = _find(_docx_tables(viborg_docx), first, other)
    in_html = _find(_html_tables(viborg_html), first, other)
    words = _longest_words(in_html.rows, in_html.header_rows, bold_first=bold_first)
    docx_total = sum(in_docx.widths)
    for column, word in enumerate(words):
        assert in_docx.widths[column] >= word + MARGINS, (column, in_docx.widths)
        assert in_html.widths[column] >= word + MARGINS, (column, in_html.widths)
        share = in_docx.widths[column] / docx_total
        assert share == pytest.approx(in_html.widths[column] / TEXT_WIDTH, abs=1e-4)


def test_a_markdown_table_has_the_same_columns_in_word_and_html() -> None:
    example = document(EXAMPLE)
    in_docx = _find(_docx_tables(render_docx(example)), "Aktør", "Samarbejde")
    in_html = _find(_html_tables(render_html(example)), "Aktør", "Samarbejde")
    docx_shares = [w / sum(in_docx.widths) for w in in_docx.widths]
    assert docx_shares == pytest.approx([w / TEXT_WIDTH for w in in_html.widths], abs=1e-4)
    # The collaboration texts are the longer: they get the room.
    assert docx_shares[1] > docx_shares[0]


def test_table_text_has_one_size_in_word_and_css() -> None:
    style = open_docx(str(TEMPLATE_DIR / "agreement.docx")).styles["Table Text"]
    assert style.font.size.pt == TABLE_PT
    css = (TEMPLATE_DIR / STYLESHEET).read_text("utf-8")
    assert re.search(rf"\ntable \{{[^}}]*font-size: {TABLE_PT}pt", css)
    # No kind of table sets another size for its cells.
    cell_rules = re.findall(r"\n([^{}\n]*\b(?:td|th)\b[^{}\n]*)\{([^}]*)\}", css)
    assert [s for s, body in cell_rules if "font-size" in body and "facts" not in s] == []


def test_the_goals_table_shows_indicators_without_their_numbers(
    viborg_docx: bytes, viborg_html: str
) -> None:
    for tables in (_docx_tables(viborg_docx), _html_tables(viborg_html)):
        goals = _find(tables, "Mål", "Baselineår")
        indicators = [row[1] for row in goals.rows[1:]]
        assert "Andel 1-5-årige i dagtilbud" in indicators  # LBF's "1. Andel 1-5-årige ..."
        assert not [text for text in indicators if re.match(r"\d+\.", text)]


def test_the_goals_header_stays_whole_in_the_pdf(viborg_html: str, tmp_path: Path) -> None:
    pdf = tmp_path / "aftale.pdf"
    pdf.write_bytes(render_pdf(viborg_html))
    text = subprocess.run(
        [require_tool("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"Baselineår +Datakilde", text)


def test_numbers_keep_their_units_and_dates_stay_whole_in_both_documents(
    viborg_docx: bytes, viborg_html: str
) -> None:
    xml = zipfile.ZipFile(io.BytesIO(viborg_docx)).read("word/document.xml").decode()
    for text in (xml, viborg_html):
        assert f"31{NBSP}% kun har gennemført" in text  # written '31 %' in agreement.yaml
        assert f"11.{NBSP}december{NBSP}2019" in text  # the template pack's fixed text
        assert "Afd. 12 Houlkærvænget" in text  # no unit: an ordinary space


def test_user_prose_gets_no_break_spaces_in_word_and_html(tmp_path: Path) -> None:
    folder = copy_agreement(DATA / "demo", tmp_path)
    path = folder / "agreement.yaml"
    said = "Chefgruppen mødes én gang årligt."
    text = path.read_text("utf-8")
    assert said in text
    path.write_text(
        text.replace(said, "Fra 1. august 2025 råder den over 500.000 kr. og kr. 20.000 ekstra."),
        "utf-8",
    )
    demo = document(folder)
    xml = zipfile.ZipFile(io.BytesIO(render_docx(demo))).read("word/document.xml").decode()
    expected = f"Fra 1.{NBSP}august{NBSP}2025 råder den over 500.000{NBSP}kr. og kr.{NBSP}20.000"
    for rendered in (xml, render_html(demo)):
        assert expected in rendered
        assert f"1.102{NBSP}lejemål" in rendered  # '**1.102 lejemål**'


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("38 %", "38_%"),
        ("38%", "38%"),
        ("2,5 ‰", "2,5_‰"),
        (
            "1.102 lejemål og 54 boliger for 2.470 beboere",
            "1.102_lejemål og 54_boliger for 2.470_beboere",
        ),
        ("500.000 kr.", "500.000_kr."),
        ("kr. 500.000", "kr._500.000"),
        ("1,5 mio. kr.", "1,5_mio._kr."),
        ("i 4 år og 6 måneder", "i 4_år og 6_måneder"),
        ("1. august 2025 – 31. juli 2029", "1._august_2025 – 31._juli_2029"),
        ("fra september 2026", "fra september_2026"),
        # Not a unit, not a date: the space stays.
        ("1-5 årige", "1-5 årige"),
        ("Afd. 12 Houlkærvænget", "Afd. 12 Houlkærvænget"),
        ("de 198 udvalgte områder", "de 198 udvalgte områder"),
    ],
)
def test_no_break_keeps_a_number_with_its_unit(written: str, shown: str) -> None:
    assert no_break(written) == shown.replace("_", NBSP)


def _cells(*rows: tuple[str, ...], bold: bool = False) -> list[list[tuple[str, bool]]]:
    return [[(text, bold) for text in row] for row in rows]


def test_widths_share_the_rest_by_what_each_column_would_like() -> None:
    header = _cells(("Mål", "Andel"), bold=True)
    widths = column_widths(
        header, _cells(("Der skal ske et fagligt løft af børn og unge " * 3, "5 %"))
    )
    assert sum(widths) == TEXT_WIDTH
    assert widths[0] > 3 * widths[1]
    assert widths[1] >= _font_twips("Andel", bold=True) + MARGINS


def test_too_many_long_words_give_way_in_the_widest_columns_first() -> None:
    long = "Beskæftigelsesindsatsen"
    header = _cells(("Afdeling", "Beboere", *(f"Kolonne{n}" for n in range(6))), bold=True)
    rows = _cells(("Houlkærvænget", "1.102", *(long for _ in range(6))))
    widths = column_widths(header, rows)
    assert sum(widths) == TEXT_WIDTH
    # The long words cannot all fit: they hyphenate. Headers and numbers never do.
    assert 8 * (_font_twips(long, bold=False) + MARGINS) > TEXT_WIDTH
    assert widths[1] >= _font_twips("Beboere", bold=True) + MARGINS
    for column in range(2, 8):
        assert widths[column] >= _font_twips(f"Kolonne{column - 2}", bold=True) + MARGINS
    # Where a long word must hyphenate anyway, no column keeps more than the others.
    assert widths[0] >= max(widths) - 1  # give or take the rounding
