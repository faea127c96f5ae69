"""Upload-ready pages: no word split across lines without a hyphen, no two words run together.

Both example agreements are built as Word files and product PDFs; LibreOffice lays the Word
files out as PDF too. The words of each PDF's text (pdftotext) must be the words of the Word
file: a word broken inside a narrow table column comes out as two pieces that are no words
("Baselin" "eår"), and a table heading that runs into its neighbour as one that is none
("BaselineårDatakilde").
"""

from __future__ import annotations

import base64
import html
import re
import subprocess
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from agreementgen.build.pipeline import build_agreements

from .helpers import ROOT, copy_agreement, libreoffice, require_tool

EXAMPLES = ("example", "viborg")
pytestmark = pytest.mark.slow

# The parts of a Word file that hold text a page shows.
_TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
# A run's text, or a tab or line break (a space between words).
_PIECE = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>|<w:(?:tab|br)\b[^>]*/>")
_SVG_URI = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")
_SVG_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.DOTALL)
# Where a line may end inside a word: after a hyphen (typed, or the mark of hyphenation), a
# slash ("helhedsplan/Fællessekretariatet") or a period ("afd.112").
_BREAKS_AFTER = "-\u00ad\u2010/."
# The running header and the page number: a word hyphenated at the foot of a page goes on
# after them.
_PAGE_NUMBER = re.compile(r"Side \d+ af \d+")
# List marks of both renderers: not words of the text.
_LIST_MARKS = frozenset("•◦–▪")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build both examples as DOCX, HTML and PDF into out/, and lay out each Word file with
    LibreOffice into lo/<agreement>/."""
    require_tool("pdftotext")
    root = tmp_path_factory.mktemp("pages")
    paths = [copy_agreement(ROOT / "agreements" / name, root / "in", name) for name in EXAMPLES]
    result = build_agreements(paths, out=root / "out", formats=("docx", "html", "pdf"))
    assert [folder.name for folder in result.folders] == list(EXAMPLES)
    soffice = libreoffice(root)
    for name in EXAMPLES:
        files = sorted((root / "out" / name).glob("*.docx"))
        subprocess.run(
            [
                *soffice,
                "--convert-to",
                "pdf",
                "--outdir",
                str(root / "lo" / name),
                *map(str, files),
            ],
            capture_output=True,
            timeout=600,
            check=True,
        )
    return root


@pytest.mark.parametrize("name", EXAMPLES)
def test_libreoffice_pages_split_no_word(pages: Path, name: str) -> None:
    problems = {
        docx.name: broken_words(
            pdf_words(pages / "lo" / name / f"{docx.stem}.pdf", running_header(docx)),
            docx_words(docx),
        )
        for docx in sorted((pages / "out" / name).glob("*.docx"))
    }
    assert {doc: words for doc, words in problems.items() if words} == {}


@pytest.mark.parametrize("name", EXAMPLES)
def test_product_pdf_pages_split_no_word(pages: Path, name: str) -> None:
    """The product PDF against the Word file's words, and the words its drawings show (the
    Word file has them as pictures)."""
    problems = {}
    for docx in sorted((pages / "out" / name).glob("*.docx")):
        words = docx_words(docx) | drawing_words(docx.with_suffix(".html"))
        problems[docx.name] = broken_words(
            pdf_words(docx.with_suffix(".pdf"), running_header(docx)), words
        )
    assert {doc: words for doc, words in problems.items() if words} == {}


def test_the_check_finds_a_split_and_a_run_together_word() -> None:
    words = {"Baselineår", "Datakilde", "ad", "hoc-grupperne", "helhedsplan/\u200bsekretariatet"}
    assert broken_words(["Baselin", "eår"], words) == ["Baselin", "eår"]
    assert broken_words(["BaselineårDatakilde"], words) == ["BaselineårDatakilde"]
    # Breaks a reader accepts: at a hyphen (pdftotext drops it), after a slash.
    assert broken_words(["ad", "hocgrupperne", "helhedsplan/", "sekretariatet"], words) == []
    assert broken_words(["Baseline-", "år", "•"], words) == []


def docx_words(path: Path) -> set[str]:
    """Return the words of a Word file's body, headers, footers and footnotes."""
    words: set[str] = set()
    with zipfile.ZipFile(path) as docx:
        for part in docx.namelist():
            if _TEXT_PARTS.fullmatch(part):
                for paragraph in _PARAGRAPH.findall(docx.read(part).decode("utf-8")):
                    words.update(_text(paragraph).split())
    return words


def _text(xml: str) -> str:
    """The text of Word XML, a space for each tab and line break."""
    return "".join(html.unescape(t) if t else " " for t in _PIECE.findall(xml))


def drawing_words(page: Path) -> set[str]:
    """Return the words of the SVG drawings an HTML page shows (their text is real text)."""
    words: set[str] = set()
    for data in _SVG_URI.findall(page.read_text("utf-8")):
        svg = base64.b64decode(data).decode("utf-8")
        for text in _SVG_TEXT.findall(svg):
            words.update(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    return words


def pdf_words(path: Path, running_header: str) -> list[str]:
    """Return the words of a PDF's text in the order it was laid out (content order, as a
    table's cells are laid out one by one), without the running header and page numbers."""
    result = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = [line.strip() for line in result.stdout.splitlines()]
    furniture = [line for line in lines if line == running_header or _PAGE_NUMBER.fullmatch(line)]
    return [word for line in lines if line not in furniture for word in line.split()]


def running_header(docx: Path) -> str:
    """Return the text of a Word file's running header (the area name)."""
    with zipfile.ZipFile(docx) as package:
        parts = [name for name in package.namelist() if re.fullmatch(r"word/header\d*\.xml", name)]
        texts = [_text(package.read(name).decode("utf-8")) for name in parts]
    return max(texts, key=len).strip()


def broken_words(found: Sequence[str], words: set[str]) -> list[str]:
    """Return the pieces of `found` that are not words of `words`: halves of a word split
    without a hyphen, or words run together. Page numbers and list marks are no words."""
    known = {_plain(word) for word in words}
    return list(_unknown(found, known))


def _unknown(found: Sequence[str], known: set[str]) -> Iterator[str]:
    index = 0
    while index < len(found):
        piece = found[index]
        after = found[index + 1] if index + 1 < len(found) else ""
        # A line ending in "ud-" goes on with "dannelse", though "ud" is a word too.
        if piece[-1] in _BREAKS_AFTER and _plain(piece + after) in known:
            index += 2
        elif _plain(piece) in known or piece.isdigit() or piece in _LIST_MARKS:
            index += 1
        else:
            yield piece
            index += 1


def _plain(word: str) -> str:
    """A word without its hyphens and break marks: pdftotext joins a word hyphenated at the
    end of a line and drops the hyphen, and a zero-width space is no character on a page."""
    return re.sub("[-\u00ad\u2010\u200b]", "", word.replace("\u00a0", " "))
