import re
import shutil
import subprocess
from pathlib import Path

import pytest

from agreementgen.render.html import lay_out, render_html, render_page, render_pdf

from .helpers import DATA, copy_agreement, document, with_own_templates

HEADINGS = [
    "1. Kort om boligområdet",
    "2. Vision for boligområdet",
    "3. Organisering",
    "4. Samspil med centrale tiltag og indsatser i boligområdet",
    "5. Overordnede mål og indikatorer for den boligsociale indsats",
    "6. Indsatsområder",
    "7. Lokal evaluering",
    "8. Revision af samarbejdsaftalen",
]


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(document(DATA / "demo"))


def test_user_text_is_escaped_and_never_evaluated(html: str) -> None:
    assert "Demo &amp; Co &lt;Nord&gt; {{ area }}" in html
    assert "&lt;b&gt;ikke HTML&lt;/b&gt; {{ 7*7 }} {% if x %}" in html
    assert "49" not in html
    assert "<b>" not in html


def test_sections_are_numbered_headings_in_template_order(html: str) -> None:
    assert re.findall(r"<h1>(.*?)</h1>", html) == ["Aftaledokumenter", *HEADINGS]


def test_one_signature_block_per_party(html: str) -> None:
    assert html.count('<div class="signature">') == 3
    # As in the Word file: the labels, and what is filled in under them.
    assert (
        '<span class="field">Dato</span><span class="filled">1.\u00a0juni\u00a02025</span>' in html
    )
    name = '<span class="field">Navn</span><span class="filled">Åse Ødegård, Direktør</span>'
    assert name in html


def _goals_header(html: str) -> list[str]:
    goals = html[html.index('<figure class="table goals">') :]
    return re.findall(r"<th(?: [^>]*)?>(.*?)</th>", goals[: goals.index("</thead>")])


def test_goals_table_has_the_packs_columns_and_merged_goals(html: str) -> None:
    assert _goals_header(html) == [
        "Mål",
        "Indikator",
        "Baseline boligområde",
        "Baseline kommune (evt. andet)",
        "Baselineår",
        "Datakilde",
    ]
    goals = html[html.index('<figure class="table goals">') :]
    assert goals.count('rowspan="3"') == 1 and goals.count('rowspan="2"') == 3
    assert "97,95\u00a0%" in goals and "Åbakken: 77\u00a0%" in goals
    assert "74\u00a0% (sammenlignet med de 198 udvalgte områder)" in goals


def test_the_2019_pack_has_no_baseline_year(tmp_path: Path) -> None:
    folder = copy_agreement(DATA / "demo", tmp_path)
    path = folder / "agreement.yaml"
    text = path.read_text("utf-8").replace("@2023-11-24", "@2019-12-11")
    path.write_text(text, "utf-8")
    html = render_html(document(folder))
    assert _goals_header(html) == [
        "Mål",
        "Indikator",
        "Baseline boligområde",
        "Baseline kommune",
        "Datakilde",
    ]
    assert "regulativet af 11.\u00a0december\u00a02019." in html


def test_pictures_are_inlined_and_missing_ones_say_so(html: str) -> None:
    assert 'src="data:image/png;base64,' in html
    assert "Det originale billede er ikke tilgængeligt her." in html


@pytest.mark.slow
def test_pdf_has_page_numbers_and_danish_text(html: str, tmp_path: Path) -> None:
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    (tmp_path / "a.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "a.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = text.count("\f")
    assert f"Side 1 af {pages}" in text
    assert "Samarbejdsaftalen gælder fra 1. august 2025 til 31. juli 2029" in text
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "a.pdf")], check=True, capture_output=True, text=True
    ).stdout
    # Every face is the shipped font: nothing depends on the machine's fonts.
    faces = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert faces and all("Source-Sans-Pro" in face for face in faces), faces


def test_the_stylesheet_uses_the_house_palette() -> None:
    """agreement.css cannot import Python: its colours are checked against the one palette."""
    from agreementgen.source.templates import STYLESHEET, TEMPLATE_DIR
    from agreementgen.views import drawing

    css = (TEMPLATE_DIR / STYLESHEET).read_text("utf-8")
    declared = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-fA-F]{6});", css))
    expected = {"ink": drawing.INK, "muted": drawing.MUTED, "rule": drawing.RULE}
    expected |= {"head": drawing.HEAD, "accent": drawing.ACCENT}
    assert {k: v.upper() for k, v in declared.items() if k in expected} == expected


@pytest.mark.slow
def test_the_pdf_of_a_built_in_page_is_the_one_its_html_file_lays_out() -> None:
    """The PDF takes the built-in stylesheet parsed once, not from the page: same file."""
    page = render_page(document(DATA / "demo"))
    assert page.bare is not None and page.stylesheet
    assert page.html == page.bare.replace("<style>\n", "<style>\n" + page.stylesheet, 1)
    assert page.stylesheet not in page.bare
    assert lay_out(page).data == lay_out(page.html).data


@pytest.mark.parametrize("own", ["agreement.css", "_blocks.html.j2", "agreement.html.j2"])
def test_a_page_with_a_look_of_its_own_is_laid_out_as_it_stands(tmp_path: Path, own: str) -> None:
    """An own stylesheet or template may hold !important or more <style>: its PDF reads
    the page as the browser does, the stylesheet in it."""
    from agreementgen.source.templates import TEMPLATE_DIR

    folder = with_own_templates(DATA / "demo", tmp_path, "demo")
    shutil.copy(TEMPLATE_DIR / own, folder / "templates" / own)
    page = render_page(document(folder))
    assert page.bare is None
    assert page.html == render_page(document(DATA / "demo")).html


def test_the_built_in_stylesheet_has_no_important_declaration() -> None:
    """What lets the PDF read it as a user stylesheet with the same result (render.html.Page)."""
    import tinycss2

    from agreementgen.source.templates import STYLESHEET, TEMPLATE_DIR

    def declarations(rules: list[object]) -> list[object]:
        found = []
        for rule in rules:
            content = getattr(rule, "content", None) or []
            parsed = tinycss2.parse_blocks_contents(content, skip_whitespace=True)
            found += [d for d in parsed if d.type == "declaration"]
            found += declarations([r for r in parsed if r.type in ("qualified-rule", "at-rule")])
        return found

    css = (TEMPLATE_DIR / STYLESHEET).read_text("utf-8")
    found = declarations(tinycss2.parse_stylesheet(css, skip_whitespace=True))
    assert len(found) > 100
    assert [d.name for d in found if d.important] == []
