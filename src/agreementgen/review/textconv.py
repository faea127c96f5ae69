"""A Word file as plain text, so `git diff` on built DOCX files shows what changed.

One line per paragraph in document order: headings as `#` by level, list items as `- ` or
`1. ` (every numbered item is "1.", so inserting an item changes one line), table rows as
`| cell | cell |`. Empty paragraphs are left out and nothing depends on the file's zip
timestamps, so the same document always gives the same text.

This is git's textconv driver, and git shows no diff at all, of any file, when a textconv
fails. So a file that is not a readable Word document (damaged, not a zip, a Word lock file
`~$...docx`, a zip bomb or an XML bomb) gives one notice line as its text and a warning, never
an error; and the zip and its XML are read within fixed bounds before python-docx sees them.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

import docx
from docx.exceptions import PythonDocxError
from docx.opc.exceptions import OpcError
from docx.oxml.exceptions import XmlchemyError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from agreementgen.errors import AgreementError, printable
from agreementgen.language import tr

__all__ = ["NotAWordFile", "docx_to_text"]

_HEADING = re.compile(r"^Heading (\d)$")
_LIST = re.compile(r"^List (Bullet|Number|Continue)(?: (\d))?$")

# Bounds on what is read from a .docx: far above any agreement document (a built one has some
# 20 members and unpacks to well under 1 MB; a 300-page report's document.xml is a few MB), far
# below what hurts the machine running git diff. An XML part is held twice as a tree (ours and
# python-docx's), at many times its size, so it has the lower bound.
MB = 1024 * 1024
MAX_MEMBERS = 1000
MAX_XML_SIZE = 16 * MB  # unpacked, one XML part
MAX_MEMBER_SIZE = 64 * MB  # unpacked, any other member (a picture)
MAX_TOTAL_SIZE = 256 * MB  # unpacked, all members
# Word's XML packs some 5-15 to 1, zeros 1000 to 1. Only members above RATIO_FROM are judged,
# as a small member's ratio says nothing (Apache POI refuses above the same 100:1).
MAX_RATIO = 100
RATIO_FROM = 1 * MB
CHUNK = 64 * 1024
# The package format (OPC) allows only these; bzip2 and LZMA would also unpack a whole chunk
# at once, however large.
_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_XML_MEMBER = re.compile(r"\.(xml|rels)$", re.IGNORECASE)
# No DTD, so no entities to expand (billion laughs) or fetch (XXE); no network; libxml2's
# limits on depth and text size kept (huge_tree=False).
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False
)
# OPC allows XML in UTF-8 or UTF-16 only; in these a DTD is spotted before any parsing.
_DOCTYPES = tuple("<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
# What python-docx raises on a document whose content is not what Word writes (a missing part,
# a bad attribute value); and, loading a package whose relationships or content types are
# well-formed XML but the wrong elements, whatever its internals run into.
_READ_ERRORS = (OpcError, PythonDocxError, XmlchemyError, KeyError, ValueError, etree.LxmlError)
_LOAD_ERRORS = (*_READ_ERRORS, AttributeError, TypeError, IndexError)
# python-docx's complaint about a package that is not a Word document (an .xlsx, say).
_OTHER_DOCUMENT = re.compile(r"is not a Word file, content type is '([^']*)'")


class NotAWordFile(AgreementError):
    """The bytes are not a readable Word (DOCX) document; the message says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(tr("not a readable Word document: {reason}").format(reason=reason))


def docx_to_text(data: bytes) -> str:
    """Return the body of the Word document in `data` as diff-friendly plain text.

    Raises:
        NotAWordFile: `data` is not a readable DOCX file.
    """
    _check_package(data)
    try:
        document = docx.Document(io.BytesIO(data))
        # The body, and the styles paragraphs look up: python-docx finds out that a part is
        # not what Word writes only when it is used, so use them here, where that is caught.
        body = document.element.body
        document.styles  # noqa: B018
    except _LOAD_ERRORS as exc:
        raise NotAWordFile(_reason(exc)) from exc
    if body is None:  # a document without a body has no text
        return ""
    try:
        lines = list(_blocks(body, document.part))
    except _READ_ERRORS as exc:
        raise NotAWordFile(_reason(exc)) from exc
    return "".join(f"{line}\n" for line in lines)


# -- the package, within bounds ----------------------------------------------------------------


def _check_package(data: bytes) -> None:
    """Read every member of the zip within the bounds, and parse its XML parts safely.

    Raises:
        NotAWordFile: the zip is damaged or exceeds a bound, or an XML part is refused.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_members(archive)
    except zipfile.BadZipFile as exc:
        message = str(exc)
        raise NotAWordFile(
            tr("not a zip file")
            if message == "File is not a zip file"
            else tr("damaged zip ({reason})").format(reason=message)
        ) from exc
    except (zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        # zipfile's other complaints: bad deflate data, a cut file, a zip version or feature
        # it lacks, offsets that point nowhere, a name that is not UTF-8.
        raise NotAWordFile(tr("damaged zip ({reason})").format(reason=_reason(exc))) from exc


def _check_members(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise NotAWordFile(
            tr("{count} zip members, more than {most}").format(count=len(members), most=MAX_MEMBERS)
        )
    for info in members:  # first every bound the zip declares, before unpacking anything
        _check_declared(info)
    total = 0
    for info in members:
        blob = _unpack(archive, info)
        total += len(blob)
        if total > MAX_TOTAL_SIZE:
            raise NotAWordFile(
                tr("unpacks to more than {most} MB in all").format(most=MAX_TOTAL_SIZE // MB)
            )
        if _is_xml(info):
            _check_xml(info, blob)


def _is_xml(info: zipfile.ZipInfo) -> bool:
    return bool(_XML_MEMBER.search(info.filename))


def _limit(info: zipfile.ZipInfo) -> int:
    return MAX_XML_SIZE if _is_xml(info) else MAX_MEMBER_SIZE


def _check_declared(info: zipfile.ZipInfo) -> None:
    """Refuse a member by what the zip says of it: encryption, compression and sizes."""
    name = _name(info)
    if info.flag_bits & 0x1:
        raise NotAWordFile(tr("{name} is encrypted").format(name=name))
    if info.compress_type not in _COMPRESSIONS:
        raise NotAWordFile(
            tr("{name} uses zip compression method {method}").format(
                name=name, method=info.compress_type
            )
        )
    if info.file_size > _limit(info):
        raise NotAWordFile(
            tr("{name} unpacks to {size} MB, more than {most} MB").format(
                name=name, size=info.file_size // MB, most=_limit(info) // MB
            )
        )
    if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise NotAWordFile(
            tr("{name} is packed more than {ratio}:1, as a zip bomb is").format(
                name=name, ratio=MAX_RATIO
            )
        )


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Return a member's bytes, read in chunks: never more than it declares, nor its bound."""
    limit = min(info.file_size, _limit(info))
    chunks: list[bytes] = []
    size = 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise NotAWordFile(
                    tr("{name} unpacks to more than it declares").format(name=_name(info))
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _check_xml(info: zipfile.ZipInfo, blob: bytes) -> None:
    """Refuse an XML part with a DTD, or one the safe parser cannot read."""
    name = _name(info)
    dtd = tr("{name} declares a DTD, which no Word document has")
    if any(doctype in blob for doctype in _DOCTYPES):
        raise NotAWordFile(dtd.format(name=name))
    try:
        root = etree.fromstring(blob, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise NotAWordFile(
            tr("{name} is not well-formed XML ({reason})").format(name=name, reason=_reason(exc))
        ) from exc
    if root.getroottree().docinfo.doctype:  # a DTD in an encoding the byte check missed
        raise NotAWordFile(dtd.format(name=name))


def _reason(exc: Exception) -> str:
    """What an exception says, for a message (a KeyError's str() is the key's repr)."""
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    # python-docx names the stream it read ("<_io.BytesIO object at 0x7f...>"): a notice
    # must be the same text every time, or git diff shows a change where there is none.
    other = _OTHER_DOCUMENT.search(text)
    if other:
        text = tr("its main part is {type}, not a Word document").format(type=other.group(1))
    return _short(text or type(exc).__name__)


def _name(info: zipfile.ZipInfo) -> str:
    """A member's name for a message: on one line, and not too long."""
    return _short(info.filename, 60)


def _short(text: str, length: int = 120) -> str:
    """`text` on one line, control characters escaped, cut to `length` characters."""
    text = printable(text)
    return text if len(text) <= length else text[: length - 1] + "…"


# -- the text ----------------------------------------------------------------------------------


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
