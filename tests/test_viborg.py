"""The flagship: the built Viborg agreement against the real document it transcribes."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from docx import Document as open_docx

from agreementgen.views.document import Document

from .helpers import ROOT, SEEDS, libreoffice, require_tool
from .seed_text import normalise, prose, sentences, table_figures
from .text import docx_sections, docx_table_text, docx_text, html_sections

SEED = SEEDS / "003_afa3fb0b7074c8e2.txt"
VIBORG = ROOT / "agreements" / "viborg"
FIDELITY = 0.95


def test_seed_prose_sentences_occur_in_the_docx(viborg_docx: bytes) -> None:
    text = normalise(docx_text(viborg_docx))
    found = sentences(prose(SEED))
    missing = [s for s in found if normalise(s) not in text]
    share = 1 - len(missing) / len(found)
    assert len(found) > 250, "the seed's prose was not read"
    assert share >= FIDELITY, f"{share:.1%} of {len(found)} sentences; missing:\n" + "\n".join(
        missing
    )


def test_every_figure_of_the_seeds_tables_is_in_the_docx_tables(viborg_docx: bytes) -> None:
    tables = docx_table_text(viborg_docx).replace(" %", "%")
    figures = table_figures(SEED)
    assert len(figures) > 200
    missing = sorted({f for f in figures if f not in tables})
    assert not missing


def test_docx_and_html_carry_the_same_text_section_by_section(
    viborg_docx: bytes, viborg_html: str
) -> None:
    in_docx, in_html = docx_sections(viborg_docx), html_sections(viborg_html)
    assert list(in_docx) == list(in_html)
    for name, text in in_docx.items():
        assert text == in_html[name], name


def test_docx_structure(viborg_docx: bytes, viborg_view: Document) -> None:
    doc = open_docx(io.BytesIO(viborg_docx))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Aftaledokumenter", *(s.heading for s in viborg_view.sections)]
    assert len(viborg_view.sections) == 8
    front = docx_sections(viborg_docx)["front"]
    for party in ("Boligselskabet Viborg", "Boligselskabet Sct. Jørgen", "Viborg Kommune"):
        assert f"{party} Dato Navn" in front
    assert "Samarbejdsaftalen gælder fra 1. august 2025 til 31. juli 2029" in front
    goals = next(t for t in doc.tables if t.rows[0].cells[0].text == "Mål")
    assert [c.text for c in goals.rows[0].cells] == [
        "Mål",
        "Indikator",
        "Baseline boligområde",
        "Baseline kommune (evt. andet)",
        "Baselineår",
        "Datakilde",
    ]
    assert len(goals.rows) == 10
    assert goals.rows[1].cells[2].text == "97,95\u00a0%"
    assert goals.rows[9].cells[2].text == "Data ikke tilgængelig"


@pytest.mark.slow
def test_libreoffice_converts_the_docx_to_pdf(viborg_docx: bytes, tmp_path: Path) -> None:
    soffice = libreoffice(tmp_path)
    source = tmp_path / "viborg.docx"
    source.write_bytes(viborg_docx)
    result = subprocess.run(
        [*soffice, "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pdf = (tmp_path / "viborg.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type/Page") >= 0
    info = subprocess.run(
        [require_tool("pdfinfo"), str(tmp_path / "viborg.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert 15 <= pages <= 30
