"""A Word file as plain text, so `git diff` on built DOCX files shows what changed.

One line per paragraph in document order: headings as `#` by level, list items as `- ` or
`1. ` (every numbered item is "1.", so inserting an item changes one line), table rows as
`| cell | cell |`. Empty paragraphs are left out and nothing depends on the file's zip
timestamps, so the same document always gives the same text.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from agreementgen.errors import AgreementError

__all__ = ["NotAWordFile", "docx_to_text"]

_HEADING = re.compile(r"^Heading (\d)$")
_LIST = re.compile(r"^List (Bullet|Number|Continue)(?: (\d))?$")


class NotAWordFile(AgreementError):
    """The bytes are not a Word (DOCX) document."""


def docx_to_text(data: bytes) -> str:
    """Return the body of the Word document in `data` as diff-friendly plain text.

    Raises:
        NotAWordFile: `data` is not a DOCX file.
    """
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise NotAWordFile("not a Word document (.docx)") from exc
    lines = list(_blocks(document.element.body, document.part))
    return "".join(f"{line}\n" for line in lines)


def _blocks(element: Any, part: Any) -> Iterator[str]:
    """Yield the lines of the paragraphs and tables under `element`, in document order."""
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            line = _paragraph(Paragraph(child, _Parent(part)))
            if line:
                yield line
        elif child.tag == qn("w:tbl"):
            yield from _table(Table(child, _Parent(part)))
        elif child.tag == qn("w:sdt"):
            # Content controls (a table of contents, for one) hold paragraphs too.
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, part)


class _Parent:
    """The minimal parent python-docx needs to look up a paragraph's style."""

    def __init__(self, part: Any) -> None:
        self.part = part


def _paragraph(paragraph: Paragraph) -> str:
    text = _one_line(paragraph.text)
    if not text:
        if paragraph._p.xpath(".//w:drawing | .//w:pict"):
            return "[image]"
        return ""
    name = paragraph.style.name if paragraph.style is not None else ""
    heading = _HEADING.match(name)
    if heading:
        return "#" * int(heading.group(1)) + " " + text
    if name == "Title":
        return "# " + text
    listed = _LIST.match(name)
    if listed:
        kind, level = listed.group(1), int(listed.group(2) or 1)
        marker = {"Bullet": "- ", "Number": "1. ", "Continue": "  "}[kind]
        return "  " * (level - 1) + marker + text
    properties: Any = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    if numbering is not None:
        level = numbering.ilvl.val if numbering.ilvl is not None else 0
        return "  " * int(level) + "- " + text
    return text


def _table(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells = []
        seen: set[int] = set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; show it once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" / ".join(_one_line(p.text) for p in cell.paragraphs if p.text.strip()))
        yield "| " + " | ".join(cells) + " |"


def _one_line(text: str) -> str:
    """Return paragraph text on one line: line breaks as ' / ', tabs and runs of spaces as one."""
    return " / ".join(" ".join(part.split()) for part in text.split("\n") if part.strip())
