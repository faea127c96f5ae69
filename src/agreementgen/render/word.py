"""Render stage: the document as a Word file.

templates/agreement.docx (made by templates/make_docx_template.py) holds the page setup, the
styles, the header and footer and the front page with docxtpl tags. The content of the
"Aftaledokumenter" passage and of each section is built here as real Word paragraphs, lists
and tables, and dropped into the template at `{{p documents }}` and `{{p section.body }}`.

That content is what docxtpl calls a subdocument, made for the template's own part, so styles,
numbering, hyperlinks and pictures resolve against the template. We do not use
`tpl.new_subdoc()`: it needs docxcompose (docxtpl's optional "subdoc" extra) and loads
python-docx's default template on every call. Nor do we build it with python-docx objects:
their every property set searches for its place among the element's children, which made up
most of the time to render a document. The content is written as WordprocessingML text
instead, in schema order, with python-docx only for the style, numbering, relationship and
picture parts.

User text reaches the file only as data: escaped here as XML text, or through autoescaped
docxtpl variables, and never as template source.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu
from docxtpl import DocxTemplate
from lxml import etree
from markupsafe import Markup

from agreementgen.errors import InputError
from agreementgen.files import docx_file
from agreementgen.language import N_
from agreementgen.render.problems import MissingStyle, unclosed_tags, word_problem
from agreementgen.render.templating import environment_of, keep_underscores
from agreementgen.render.watchdog import watched_render
from agreementgen.source.templates import AGREEMENT_DOCX, DOCUMENT_DOCX
from agreementgen.text.markdown import (
    Heading,
    ListBlock,
    MdTable,
    Note,
    Paragraph,
    Quote,
    Span,
    Spans,
)
from agreementgen.views.columns import scaled, spans_widths
from agreementgen.views.document import DataTable, Document, FigureView, SimpleDocument, ViewBlock

SOURCE_PREFIX = "Kilde: "
# Documents carry no build time: the same agreement gives the same properties. A build passes
# the document's own date (SOURCE_DATE_EPOCH or the agreement's date); others get this one.
FIXED_TIME = datetime(2000, 1, 1, tzinfo=UTC)
HEAD_FILL = "E6ECF0"  # header cells, as the table style's first row (templates/agreement.css)
GROUP_FILL = "F4F6F8"  # the merged goal cells of the goals table
MISSING_BORDER = "9AA5AD"
# Tables up to this many body rows, and lists up to this many items, are kept on one page
# where Word can (agreement.css keeps the same ones whole).
KEEP_TOGETHER = 8
MAX_LIST_LEVEL = 2  # "List Bullet 3" is the deepest list style
MAX_HEADING_LEVEL = 6
# Paragraph properties (w:pPr children) and the start of a table row.
_KEEP_NEXT = "<w:keepNext/>"
_NO_KEEP_NEXT = '<w:keepNext w:val="0"/>'
_ALIGN = {side: f'<w:jc w:val="{side}"/>' for side in ("left", "right", "center")}
_ROW = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
_HEADER_ROW = "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
_STYLE_TAGS = {
    WD_STYLE_TYPE.PARAGRAPH: "w:pStyle",
    WD_STYLE_TYPE.CHARACTER: "w:rStyle",
    WD_STYLE_TYPE.TABLE: "w:tblStyle",
}
# What is wrong with a style of another kind than the content needs (MissingStyle's problem).
_KIND_PROBLEMS = {
    WD_STYLE_TYPE.PARAGRAPH: N_("is not a paragraph style"),
    WD_STYLE_TYPE.CHARACTER: N_("is not a character style"),
    WD_STYLE_TYPE.TABLE: N_("is not a table style"),
    WD_STYLE_TYPE.LIST: N_("is not a list style"),
}
# How a run's text maps to its content (see _run_text), and the characters XML 1.0 does not
# allow (lxml refuses the same).
_BREAK = re.compile(r"([\t\n\r])")
_BREAKS = {"\t": "<w:tab/>", "\n": "<w:br/>", "\r": "<w:br/>"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# The styles content is written in: a Word template of one's own needs every one of them
# (`agreementgen check-templates` says which it lacks).
CONTENT_STYLES: tuple[tuple[str, WD_STYLE_TYPE], ...] = (
    *(
        (name, WD_STYLE_TYPE.PARAGRAPH)
        for name in (
            "Normal",
            *(f"Heading {level}" for level in range(1, MAX_HEADING_LEVEL + 1)),
            *(
                f"List {kind}{suffix}"
                for kind in ("Bullet", "Number", "Continue")
                for suffix in ("", " 2", " 3")
            ),
            "Quote",
            "Caption",
            "Source",
            "Figure",
            "Figure Note",
            "Table Heading",
            "Table Text",
            "Table End",
        )
    ),
    ("Agreement Table", WD_STYLE_TYPE.TABLE),
    ("Hyperlink", WD_STYLE_TYPE.CHARACTER),
)


def _template_source(path: Path) -> str | io.BytesIO:
    """The Word template at `path`, held once per process with its parts uncompressed.

    Every document inflated the template's parts again, the embedded fonts (a megabyte)
    among them. A file that is no readable zip is left to python-docx, which says why.
    """
    try:
        stat = path.stat()
        return io.BytesIO(_uncompressed(path, stat.st_mtime_ns, stat.st_size))
    except Exception:  # python-docx reads it again, and names the problem
        return str(path)


@functools.lru_cache(maxsize=8)
def _uncompressed(path: Path, _mtime: int, _size: int) -> bytes:
    """The zip at `path` with every entry stored, not compressed (the time and size make a
    changed template a new entry)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as stored:
        for info in source.infolist():
            stored.writestr(info.filename, source.read(info))
    return buffer.getvalue()


def render_docx(
    document: Document | SimpleDocument,
    *,
    template: Path | None = None,
    when: datetime | None = None,
) -> bytes:
    """Return a document as a .docx file, from `template` or the one for its kind.

    The template is the agreement's own (`templates:`) or the built-in one; its tags render
    in the sandboxed environment of the document's templates. `when` is the document's date
    in its properties (FIXED_TIME when not given).

    Raises:
        InputError: the template is not a Word file, lacks a style, or a tag in it fails or
            goes over the sandbox's bounds on size, time or memory; the diagnostic names the
            template and the paragraph.
    """
    agreement = isinstance(document, Document)
    name = AGREEMENT_DOCX if agreement else DOCUMENT_DOCX
    templates = document.templates
    path = template or templates.path(name)
    tpl = _Template(_template_source(path))
    try:
        writer = _Writer(tpl.get_docx(), tpl.contents)  # reads the template, once
        if templates.is_own(path) and (problems := unclosed_tags(tpl.docx, path)):
            raise InputError(problems)
        if isinstance(document, Document):
            context = _agreement_context(document, writer)
        else:
            context = _simple_context(document, writer)
        with watched_render():
            tpl.render(context, jinja_env=environment_of(templates))
        # After rendering: docxtpl renders the footnotes part as a template too.
        writer.write_footnotes()
    except InputError:
        raise
    except Exception as exc:
        problem = word_problem(exc, path, templates=templates, document=document)
        if problem is None:
            raise  # a bug in agreementgen, not in the template
        raise InputError([problem]) from exc
    _set_properties(
        tpl.docx.core_properties, document.title, _subject(document), when or FIXED_TIME
    )
    return docx_file(tpl.docx)


class _Template(DocxTemplate):  # type: ignore[misc]  # docxtpl has no type hints
    """docxtpl's template, with our content put into the rendered XML rather than through it.

    After rendering, docxtpl rewrites the document's XML with regular expressions (for the
    tabs and line breaks of the text its tags put in), and its part sources again before
    each render. With the sections' content in the rendered XML, that was a fifth of a
    document's render time, yet it changes nothing in content written here, which has no
    raw tab or line break in its text (_run_text). So the template renders a placeholder
    for each piece of content (_Writer.body), the content takes the placeholder's place in
    the rendered XML, and docxtpl reads that back as before (it mends the tables' grids and
    numbers the pictures): the same document. A part's patched source is kept for the next
    document of the process.
    """

    def __init__(self, source: str | io.BytesIO) -> None:
        super().__init__(source)
        self.contents: list[str] = []  # the content of each placeholder, by its number

    def patch_xml(self, src_xml: str) -> str:
        patched = _PATCHED.get(src_xml)
        if patched is None:
            if len(_PATCHED) >= _PATCHED_KEPT:
                _PATCHED.clear()
            patched = _PATCHED[src_xml] = super().patch_xml(src_xml)
        return patched

    def build_xml(self, context: dict[str, Any], jinja_env: Any = None) -> str:
        rendered = super().build_xml(context, jinja_env)
        return _PLACEHOLDER.sub(lambda match: self.contents[int(match[1])], rendered)


# The parts' sources as docxtpl patches them for Jinja, by their source: a few per template.
_PATCHED: dict[str, str] = {}
_PATCHED_KEPT = 64
# Where content goes in a rendered template: an XML comment, which no text a tag puts in can
# be (its '<' is escaped), and which docxtpl's rewriting leaves alone.
_PLACEHOLDER = re.compile("<!--agreementgen content ([0-9]+)-->")


def _subject(document: Document | SimpleDocument) -> str:
    return document.area_name if isinstance(document, Document) else document.subtitle


def _simple_context(document: SimpleDocument, writer: _Writer) -> dict[str, Any]:
    return {
        "title": document.title,
        "subtitle": document.subtitle,
        "header": document.header,
        "facts": document.facts,
        "notice": document.notice,
        "sections": [
            {"heading": s.heading, "body": writer.body(s.blocks)} for s in document.sections
        ],
        **page_label_parts(document.page_label),
    }


def _agreement_context(document: Document, writer: _Writer) -> dict[str, Any]:
    return {
        "title": document.title,
        "area_name_label": document.area_name_label,
        "area_name": document.area_name,
        "parties_label": document.parties_label,
        "parties": document.parties,
        "period_label": document.period_label,
        "period": document.period,
        "signatures_label": document.signatures_label,
        "signatures": document.signatures,
        "date_label": document.date_label,
        "name_label": document.name_label,
        "documents_heading": document.documents_heading,
        "documents": writer.body(document.documents),
        "sections": [
            {"heading": s.heading, "body": writer.body(s.blocks)} for s in document.sections
        ],
        **page_label_parts(document.page_label),
    }


def page_label_parts(label: str) -> dict[str, str]:
    """Split e.g. 'Side {page} af {pages}' around the two page-number fields of the footer."""
    before, found_page, rest = label.partition("{page}")
    between, found_pages, after = rest.partition("{pages}")
    if not (found_page and found_pages):
        raise ValueError(f"page label {label!r} needs {{page}} before {{pages}}")
    return {"page_before": before, "page_between": between, "page_after": after}


def _set_properties(props: Any, title: str, subject: str, when: datetime) -> None:
    # Set after rendering: docxtpl renders core properties as templates, and these are data.
    props.title = title
    props.subject = subject
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.revision = 1
    props.created = props.modified = props.last_printed = when


class _Writer:
    """Builds Word content for the template's main part (styles, numbering, relationships)."""

    def __init__(self, docx: Any, contents: list[str]) -> None:
        self.docx = docx
        self.contents = contents  # the content of the template's placeholders (_Template)
        self.part = docx.part
        section = docx.sections[0]
        self.text_width = Emu(section.page_width - section.left_margin - section.right_margin)
        self._styles: dict[str, Any] = {}
        self._style_ids: dict[str, str | None] = {}
        self._default_ids: dict[WD_STYLE_TYPE, str | None] = {}
        self._style_tags: dict[str, str] = {}
        self._links: dict[str, str] = {}
        self.notes: list[Note] = []  # the footnotes referred to, written after rendering
        self.numbering = self.part.numbering_part.element
        self.bullet_num = self._style_num_id("List Bullet")
        self.number_abstract = self._abstract_num_id(self._style_num_id("List Number"))
        self._next_num_id = 1 + max(int(n.get(qn("w:numId"))) for n in self._nums())

    # --- entry point ---------------------------------------------------------------------------

    def body(self, blocks: Sequence[ViewBlock]) -> Markup:
        """Return the placeholder of `blocks` as Word XML, the w:p and w:tbl elements of a
        w:body, which takes its place after rendering (_Template). No blocks give no
        placeholder, so that a template's `{% if section.body %}` means what it says."""
        xml = self.blocks(blocks)
        if not xml:
            return Markup("")
        self.contents.append(xml)
        return Markup(f"<!--agreementgen content {len(self.contents) - 1}-->")

    def blocks(self, blocks: Sequence[ViewBlock]) -> str:
        """The blocks of a section; a paragraph that introduces what follows keeps with it."""
        parts = []
        for index, block in enumerate(blocks):
            if isinstance(block, Paragraph):
                before = blocks[index - 1] if index else None
                after = blocks[index + 1] if index + 1 < len(blocks) else None
                keep = _KEEP_NEXT if _introduces(before, after) else ""
                parts.append(self.paragraph(block.spans, "Normal", keep))
            else:
                parts.append(self.block(block))
        return "".join(parts)

    def block(self, block: ViewBlock, *, depth: int = 0) -> str:
        if isinstance(block, Paragraph):
            return self.paragraph(block.spans, "Normal")
        if isinstance(block, Heading):
            level = max(1, min(MAX_HEADING_LEVEL, block.level))
            return self.paragraph(block.spans, f"Heading {level}")
        if isinstance(block, ListBlock):
            return self.list_block(block, depth)
        if isinstance(block, MdTable):
            return self.md_table(block)
        if isinstance(block, DataTable):
            return self.data_table(block)
        if isinstance(block, Quote):
            return self.quote(block)
        if isinstance(block, FigureView):
            return self.figure(block)
        return ""

    # --- styles --------------------------------------------------------------------------------

    def style(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> Any:
        """Return the template's style `name`; looked up once, as a name lookup is a search."""
        if name not in self._styles:
            try:
                style = self.docx.styles[name]
            except KeyError:
                raise MissingStyle(name) from None
            if style.type != kind:
                raise MissingStyle(name, _KIND_PROBLEMS[kind])
            self._styles[name] = style
        return self._styles[name]

    def style_id(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        """Return the id to write for style `name` (None for the default style)."""
        if name not in self._style_ids:
            style_id = self.style(name, kind).style_id
            self._style_ids[name] = None if style_id == self.default_style_id(kind) else style_id
        return self._style_ids[name]

    def default_style_id(self, kind: WD_STYLE_TYPE) -> str | None:
        """Return the id of the default style of `kind`; looked up once, as it is a search
        through all styles (which, done for every paragraph, once dominated the time)."""
        if kind not in self._default_ids:
            default = self.docx.styles.default(kind)
            self._default_ids[kind] = None if default is None else default.style_id
        return self._default_ids[kind]

    def style_tag(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str:
        """Return the element that applies style `name`: w:pStyle, w:rStyle or w:tblStyle;
        none for the default style, which applies without one."""
        if name not in self._style_tags:
            style_id = self.style_id(name, kind)
            tag = _STYLE_TAGS[kind]
            self._style_tags[name] = (
                "" if style_id is None else f"<{tag} w:val={quoteattr(style_id)}/>"
            )
        return self._style_tags[name]

    # --- prose ---------------------------------------------------------------------------------

    def paragraph(self, spans: Spans, style: str, props: str = "") -> str:
        """A paragraph in `style`; `props` are its other properties, the w:pPr children that
        follow w:pStyle, in schema order."""
        return f"<w:p><w:pPr>{self.style_tag(style)}{props}</w:pPr>{self.runs(spans)}</w:p>"

    def runs(self, spans: Spans, part: Any = None) -> str:
        """Spans as runs; a link's spans go inside one w:hyperlink; a footnote reference is
        a run of its own. `part` is the part they go in, when not the document's body."""
        parts = []
        for href, group in itertools.groupby(spans, key=lambda span: span.href):
            if href:
                parts.append(self.hyperlink(href, tuple(group), part))
            else:
                parts.extend(
                    _run(span) if span.note is None else self.footnote_reference(span.note)
                    for span in group
                )
        return "".join(parts)

    def hyperlink(self, href: str, spans: Spans, part: Any = None) -> str:
        """A link; one in a footnote (`part`: the footnotes part) is related from there."""
        if part is not None:
            link = part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        else:
            if href not in self._links:
                self._links[href] = self.part.relate_to(
                    href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True
                )
            link = self._links[href]
        style = self.style_tag("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        runs = "".join(_run(span, style) for span in spans)
        # Declared here, as python-docx did: a template's own root need not declare r.
        return (
            f'<w:hyperlink {nsdecls("r")} r:id={quoteattr(link)} w:history="1">{runs}</w:hyperlink>'
        )

    def quote(self, quote: Quote) -> str:
        return "".join(
            self.paragraph(block.spans, "Quote")
            if isinstance(block, Paragraph)
            else self.block(block)
            for block in quote.blocks
        )

    # --- lists ---------------------------------------------------------------------------------

    def list_block(
        self, block: ListBlock, depth: int, *, kept: bool = False, ends: bool = True
    ) -> str:
        """Each item's first paragraph carries the bullet or number; more paragraphs of the
        item are indented to its text; a nested list goes one level deeper.

        A short list stays on one page: each of its paragraphs keeps with the next but the
        last (`kept`: the list is inside a short one, and its last keeps with what follows
        too). The paragraph that ends the outermost list (`ends`) has a paragraph's space
        after it, not an item's."""
        level = min(depth, MAX_LIST_LEVEL)
        suffix = f" {level + 1}" if level else ""
        kind = "Number" if block.ordered else "Bullet"
        num_id = self.new_number_list(level, block.start) if block.ordered else self.bullet_num
        short = kept or len(block.items) <= KEEP_TOGETHER
        # Each child of each item, with its style and numbering (none for other blocks).
        children: list[tuple[ViewBlock, str, str]] = []
        for item in block.items:
            mark = (f"List {kind}{suffix}", _numbering(num_id, level))
            for child in item or (Paragraph(()),):
                if isinstance(child, Paragraph):
                    children.append((child, *mark))
                    mark = (f"List Continue{suffix}", "")
                else:
                    children.append((child, "", ""))
        parts = []
        for index, (entry, style, numbering) in enumerate(children):
            last = index + 1 == len(children)
            keep = short and (kept or not last)
            if isinstance(entry, Paragraph):
                props = (_KEEP_NEXT if keep else "") + numbering
                props += self.list_end_spacing if ends and last else ""
                parts.append(self.paragraph(entry.spans, style, props))
            elif isinstance(entry, ListBlock):
                parts.append(self.list_block(entry, depth + 1, kept=keep, ends=ends and last))
            else:
                parts.append(self.block(entry, depth=depth + 1))
        return "".join(parts)

    @functools.cached_property
    def list_end_spacing(self) -> str:
        """The w:spacing of a list's last paragraph: the space after a paragraph (Normal's),
        as in the PDF; nothing where the template's Normal style sets none."""
        after = self.style("Normal").paragraph_format.space_after
        return "" if after is None else f'<w:spacing w:after="{after.twips}"/>'

    def new_number_list(self, level: int, start: int) -> int:
        """Add a w:num that starts `level` at `start`: Word would otherwise continue the
        numbering of the previous numbered list, as all share the 'List Number' numbering."""
        num_id = self._next_num_id
        self._next_num_id += 1
        self.numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                f'<w:abstractNumId w:val="{self.number_abstract}"/>'
                f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/>'
                "</w:lvlOverride></w:num>"
            )
        )
        return num_id

    def _nums(self) -> list[Any]:
        return list(self.numbering.findall(qn("w:num")))

    def _style_num_id(self, name: str) -> int:
        num_id = self.style(name).element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num_id is None:
            raise MissingStyle(name, N_("has no numbering (bullets or numbers)"))
        return int(num_id.get(qn("w:val")))

    def _abstract_num_id(self, num_id: int) -> int:
        for num in self._nums():
            if int(num.get(qn("w:numId"))) == num_id:
                return int(num.find(qn("w:abstractNumId")).get(qn("w:val")))
        raise ValueError(f"template numbering has no w:num {num_id}")

    # --- tables --------------------------------------------------------------------------------

    def md_table(self, table: MdTable) -> str:
        align = [_ALIGN.get(a, _ALIGN["left"]) for a in table.align]
        table_xml = self.table((table.header,), table.rows, align, shares=table.widths)
        return table_xml + self.paragraph((), "Table End")

    def data_table(self, table: DataTable) -> str:
        header = tuple(tuple((Span(text),) for text in row) for row in table.header)
        rows = tuple(tuple((Span(text),) for text in row) for row in table.rows)
        align = [_ALIGN["right"] if n else _ALIGN["left"] for n in table.numeric]
        parts = []
        if table.caption:
            parts.append(self.paragraph((Span(table.caption),), "Caption"))
        parts.append(
            self.table(
                header,
                rows,
                align,
                groups=table.groups,
                shares=table.widths,
                emphasis=table.emphasis,
            )
        )
        if table.source:
            parts.append(self.paragraph((Span(SOURCE_PREFIX + table.source),), "Source"))
        else:
            parts.append(self.paragraph((), "Table End"))
        return "".join(parts)

    def table(
        self,
        header: Sequence[Sequence[Spans]],
        rows: Sequence[Sequence[Spans]],
        align: Sequence[str],
        *,
        groups: Sequence[int] = (),
        shares: Sequence[int] = (),
        emphasis: Sequence[int] = (),
    ) -> str:
        """A table in 'Agreement Table' style: header rows repeat on each page and are
        shaded directly too (the style's first-row look covers one header row only); rows
        never split across pages; the first column is merged down each group of `groups` rows.
        Columns get `shares` of the width where given (the view stage sets them from the
        content), else widths from the text here, in the same way (views.columns).
        `align` holds each column's w:jc.

        The caller adds a paragraph after the table: Word joins two tables that touch.
        """
        columns = max(len(row) for row in (*header, *rows))
        if len(shares) != columns:
            shares = spans_widths(header, rows)
        widths = scaled(shares, self.text_width.twips)
        parts = [_table_start(self.table_style(), widths)]
        # A row kept with the next one stays on its page: keep small tables and each merged
        # group of rows whole; of a longer table, keep the first two rows with the header
        # (and so with the caption or heading before it) and the last two together.
        ends = list(itertools.accumulate(groups)) if groups else [len(rows)]
        keep_whole = bool(groups) or len(rows) <= KEEP_TOGETHER
        head = [_shading(HEAD_FILL)] * len(widths)
        parts.extend(
            self._row(row, widths, align, "Table Heading", head, header=True) for row in header
        )
        for index, row in enumerate(rows):
            keep = index + 1 not in ends if keep_whole else index in (0, len(rows) - 2)
            starts_group = index == 0 or index in ends
            # A merged cell shows the text of its first row only.
            shown = ((), *row[1:]) if groups and not starts_group else row
            if index in emphasis:
                shown = tuple(tuple(replace(s, bold=True) for s in cell) for cell in shown)
            cells = [_merge_down(restart=starts_group)] if groups else []
            parts.append(self._row(shown, widths, align, "Table Text", cells, keep=keep))
        parts.append("</w:tbl>")
        return "".join(parts)

    def table_style(self) -> str:
        return self.style_tag("Agreement Table", WD_STYLE_TYPE.TABLE)

    def _row(
        self,
        row: Sequence[Spans],
        widths: Sequence[int],
        align: Sequence[str],
        style: str,
        cell_props: Sequence[str],
        *,
        header: bool = False,
        keep: bool = False,
    ) -> str:
        """A row that never splits; `cell_props` are the w:tcPr children after w:tcW of its
        first cells (shading, merging)."""
        style_tag = self.style_tag(style)
        keep_tag = _KEEP_NEXT if keep else ""
        parts = [_HEADER_ROW if header else _ROW]
        for column, width in enumerate(widths):
            jc = align[column] if column < len(align) else ""
            runs = self.runs(row[column]) if column < len(row) else ""
            props = cell_props[column] if column < len(cell_props) else ""
            paragraph = f"<w:p><w:pPr>{style_tag}{keep_tag}{jc}</w:pPr>{runs}</w:p>"
            parts.append(_cell(width, props, paragraph))
        parts.append("</w:tr>")
        return "".join(parts)

    # --- figures -------------------------------------------------------------------------------

    def figure(self, figure: FigureView) -> str:
        """The picture, or a shaded box with the note where there is none; caption below."""
        if figure.has_picture:
            parts = [self.picture(figure)]
        else:
            parts = [self.missing_figure(figure.missing_note)]
        keep = _KEEP_NEXT if figure.source is not None else _NO_KEEP_NEXT
        parts.append(self.paragraph((Span(figure.caption),), "Caption", keep))
        if figure.source:
            parts.append(self.paragraph((Span(SOURCE_PREFIX + figure.source),), "Source"))
        return "".join(parts)

    def picture(self, figure: FigureView) -> str:
        """The picture in a paragraph of its own; python-docx adds the image to the part and
        writes the w:inline that shows it."""
        style = self.style_tag("Figure")
        width = min(Cm(figure.width_cm), self.text_width)
        picture = io.BytesIO(figure.png) if figure.png is not None else str(figure.image)
        inline = etree.tostring(self.part.new_pic_inline(picture, width), encoding="unicode")
        return f"<w:p><w:pPr>{style}</w:pPr><w:r><w:drawing>{inline}</w:drawing></w:r></w:p>"

    def missing_figure(self, note: str) -> str:
        width = self.text_width.twips
        dashed = "".join(
            f'<w:{side} w:val="dashed" w:sz="6" w:space="0" w:color="{MISSING_BORDER}"/>'
            for side in ("top", "left", "bottom", "right")
        )
        # Not a data table: no header look from the table style.
        start = _table_start(
            self.table_style(),
            [width],
            borders=f"<w:tblBorders>{dashed}</w:tblBorders>",
            first_row="0",
        )
        paragraph = self.paragraph((Span(note),), "Figure Note")
        return f"{start}<w:tr>{_cell(width, _shading(GROUP_FILL), paragraph)}</w:tr></w:tbl>"

    # --- footnotes -----------------------------------------------------------------------------
    # A reference is written where it stands; its note goes into the footnotes part after
    # rendering (write_footnotes), as docxtpl renders that part as a template too and note
    # text is data. Word numbers the notes itself, in the order the document shows them.

    def footnote_reference(self, note: Note) -> str:
        """A run referring to a new footnote that holds `note`."""
        self.notes.append(note)
        number = self.first_note_id + len(self.notes) - 1
        return f'<w:r>{self.footnote_mark()}<w:footnoteReference w:id="{number}"/></w:r>'

    @functools.cached_property
    def first_note_id(self) -> int:
        """The id of the first footnote written: after the template's own (the separators
        -1 and 0, and any note a template of one's own holds)."""
        root = etree.fromstring(footnotes_part(self.docx).blob)
        return 1 + max((int(f.get(qn("w:id"))) for f in root.iter(qn("w:footnote"))), default=0)

    def footnote_mark(self) -> str:
        """The w:rPr of a footnote's number, in the text and in the note: 'footnote
        reference' style, or superscript where a template of one's own has no such style."""
        tag = _or_fallback(
            lambda: self.style_tag(FOOTNOTE_REFERENCE, WD_STYLE_TYPE.CHARACTER),
            '<w:vertAlign w:val="superscript"/>',
        )
        return f"<w:rPr>{tag}</w:rPr>" if tag else ""

    def write_footnotes(self) -> None:
        """Add the notes referred to to the footnotes part (made if the template has none)."""
        if not self.notes:
            return
        part = footnotes_part(self.docx)
        root = etree.fromstring(part.blob)
        for number, note in enumerate(self.notes, self.first_note_id):
            root.append(parse_xml(self.footnote(number, note, part)))
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def footnote(self, number: int, note: Note, part: Any) -> str:
        """A w:footnote: its number, a space, the note's text in 'footnote text' style (in
        Normal where a template of one's own has no such style)."""
        style = _or_fallback(lambda: self.style_tag(FOOTNOTE_TEXT), "")
        return (
            f'<w:footnote {nsdecls("w")} w:id="{number}"><w:p><w:pPr>{style}</w:pPr>'
            f"<w:r>{self.footnote_mark()}<w:footnoteRef/></w:r>"
            f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{self.runs(note.spans, part)}</w:p>'
            "</w:footnote>"
        )


def _introduces(before: ViewBlock | None, after: ViewBlock | None) -> bool:
    """Whether a paragraph between `before` and `after` introduces what follows, and so keeps
    with it: it leads into a list, table or figure, or stands alone under a heading (None:
    the section's own, level 1) before the first of its subheadings. agreement.css keeps the
    same paragraphs."""
    if isinstance(after, ListBlock | MdTable | DataTable | FigureView):
        return True
    under = 1 if before is None else before.level if isinstance(before, Heading) else None
    return isinstance(after, Heading) and under is not None and after.level > under


# --- the footnotes part ---------------------------------------------------------------------------

# Word's names of its footnote styles (shown as "Footnote Text" and "Footnote Reference").
FOOTNOTE_TEXT = "footnote text"
FOOTNOTE_REFERENCE = "footnote reference"
FOOTNOTES_PART = "/word/footnotes.xml"
# The two footnotes that are no notes, as Word writes them: the line above the notes, and the
# line above notes continued from the page before. The settings name them too.
_SEPARATORS = (
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
)
_FOOTNOTE_SETTINGS = (
    f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
)
# What comes after w:footnotePr in w:settings (schema order).
_AFTER_FOOTNOTE_SETTINGS = (
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)


def footnotes_part(docx: Any) -> Any:
    """Return the document's footnotes part; one without (a template of one's own, where no
    footnote was ever written) gets one, with the separators, named in the settings.

    templates/make_docx_template.py gives the built-in templates theirs with this too.
    """
    for rel in docx.part.rels.values():
        if rel.reltype == RELATIONSHIP_TYPE.FOOTNOTES and not rel.is_external:
            return rel.target_part
    xml = f"<w:footnotes {nsdecls('w', 'r')}>{_SEPARATORS}</w:footnotes>"
    blob = etree.tostring(
        etree.fromstring(xml), xml_declaration=True, encoding="UTF-8", standalone=True
    )
    part = Part(PackURI(FOOTNOTES_PART), CONTENT_TYPE.WML_FOOTNOTES, blob, docx.part.package)
    docx.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    settings = docx.settings.element
    if settings.find(qn("w:footnotePr")) is None:
        settings.insert_element_before(parse_xml(_FOOTNOTE_SETTINGS), *_AFTER_FOOTNOTE_SETTINGS)
    return part


def _or_fallback(style_tag: Callable[[], str], fallback: str) -> str:
    """A footnote style's tag, or `fallback`, direct formatting to the same end, where the
    template lacks the style: Word adds its footnote styles to a document only once it has a
    footnote, so a template of one's own may well have none."""
    try:
        return style_tag()
    except MissingStyle:
        return fallback


# --- Word XML -----------------------------------------------------------------------------------
# Content is written as text, each element's children in schema order (Word rejects others).
# Every piece of user text goes through _run_text and every attribute value from elsewhere
# (a style id, a relationship id) through quoteattr: the result goes into the template as it is.


def _run(span: Span, style: str | None = None) -> str:
    """A run of `span`'s text; `style` is the w:rStyle of its character style ('' for the
    default style: then, as python-docx did, an empty w:rPr)."""
    props = f"{style or ''}{'<w:b/>' if span.bold else ''}{'<w:i/>' if span.italic else ''}"
    r_pr = f"<w:rPr>{props}</w:rPr>" if props or style is not None else ""
    return f"<w:r>{r_pr}{_run_text(span.text)}</w:r>"


def _run_text(text: str) -> str:
    """The content of a run for `text`, as python-docx writes it (CT_R.text): a tab is a
    w:tab, each '\\n' and '\\r' a w:br, the rest w:t, its white space preserved at the ends.

    Raises:
        ValueError: the text holds characters XML does not allow, as lxml would.
    """
    if _NOT_XML.search(text):
        raise ValueError(
            "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control "
            "characters"
        )
    return "".join(_BREAKS.get(piece) or _t(piece) for piece in _BREAK.split(text) if piece)


def _t(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = keep_underscores(escaped)
    if text.strip() != text:
        return f'<w:t xml:space="preserve">{escaped}</w:t>'
    return f"<w:t>{escaped}</w:t>"


def _numbering(num_id: int, level: int) -> str:
    """The numbering on the paragraph itself too: LibreOffice does not always follow a list
    style's level, and a restarted numbered list needs its own w:num anyway."""
    return f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'


def _table_start(
    style: str, widths: Sequence[int], *, borders: str = "", first_row: str = "1"
) -> str:
    """A w:tbl up to its rows, with fixed column widths (twips), so Word and LibreOffice lay
    the table out alike."""
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    return (
        f'<w:tbl><w:tblPr>{style}<w:tblW w:type="dxa" w:w="{sum(widths)}"/>{borders}'
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblLook w:firstColumn="1" w:firstRow="{first_row}" w:lastColumn="0" '
        'w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    )


def _cell(width: int, props: str, paragraph: str) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{props}</w:tcPr>{paragraph}</w:tc>'


def _shading(fill: str) -> str:
    return f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'


def _merge_down(*, restart: bool) -> str:
    """The w:tcPr children that start a vertically merged (and shaded) cell, or that merge
    the cell into the one above it."""
    return f'<w:vMerge w:val="restart"/>{_shading(GROUP_FILL)}' if restart else "<w:vMerge/>"
