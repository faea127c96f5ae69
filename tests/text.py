"""Plain text of built documents, split into sections, for fidelity and parity tests."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from docx import Document as open_docx
from docx.oxml.ns import qn

FRONT = "front"


def normalise_space(text: str) -> str:
    """Fold every run of white space (no-break spaces too) into one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _element_text(element: object) -> str:
    parts = []
    for node in element.iter():  # type: ignore[attr-defined]
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag in (qn("w:br"), qn("w:tab")) or node.tag == qn("w:p"):
            parts.append(" ")
    return "".join(parts)


def docx_sections(data: bytes) -> dict[str, str]:
    """Return the DOCX body text by section: 'front' until the first Heading 1, then each
    Heading 1's text as the key. Merged table cells count once, as a reader sees them."""
    document = open_docx(io.BytesIO(data))
    heading_ids = {s.style_id for s in document.styles if s.name == "Heading 1"}
    sections: dict[str, list[str]] = {FRONT: []}
    current = FRONT
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            style = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            if style is not None and style.get(qn("w:val")) in heading_ids:
                current = normalise_space(_element_text(child))
                sections[current] = []
                continue
            sections[current].append(_element_text(child))
        elif child.tag == qn("w:tbl"):
            for cell in child.iter(qn("w:tc")):
                merge = cell.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                if merge is not None and merge.get(qn("w:val")) != "restart":
                    continue
                sections[current].append(_element_text(cell))
    return {key: normalise_space(" ".join(parts)) for key, parts in sections.items()}


def docx_text(data: bytes) -> str:
    """Return the whole DOCX body text, headings included."""
    sections = docx_sections(data)
    return " ".join(text if key == FRONT else f"{key} {text}" for key, text in sections.items())


def docx_table_text(data: bytes) -> str:
    """Return the text of every table cell in the DOCX body."""
    document = open_docx(io.BytesIO(data))
    cells = [_element_text(tc) for tc in document.element.body.iter(qn("w:tc"))]
    return normalise_space(" ".join(cells))


class _Sections(HTMLParser):
    """Collect the text of an agreement page by section, as docx_sections does."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[str]] = {FRONT: []}
        self.current = FRONT
        self.skip = 0
        self.heading: list[str] | None = None
        self.in_front = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("head", "style", "title") or (tag == "header" and "running" in classes):
            self.skip += 1
        elif tag == "section":
            self.in_front = "front" in classes
        elif tag == "h1" and not self.in_front:
            self.heading = []
        elif tag in ("p", "li", "td", "th", "br", "div", "figcaption", "h2", "h3", "h4"):
            self._add(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "title", "header") and self.skip:
            self.skip -= 1
        elif tag == "h1" and self.heading is not None:
            self.current = normalise_space("".join(self.heading))
            self.sections[self.current] = []
            self.heading = None
        elif tag in ("p", "li", "td", "th", "div", "figcaption", "h2", "h3", "h4"):
            self._add(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._add(data)

    def _add(self, text: str) -> None:
        if self.heading is not None:
            self.heading.append(text)
        else:
            self.sections[self.current].append(text)


def html_sections(html: str) -> dict[str, str]:
    """Return the HTML body text by section, keyed like docx_sections."""
    parser = _Sections()
    parser.feed(html)
    return {key: normalise_space("".join(parts)) for key, parts in parser.sections.items()}
