"""Render stage: the document as a Word file.

templates/agreement.docx (made by templates/make_docx_template.py) holds the page setup, the
styles, the header and footer and the front page with docxtpl tags. The content of the
"Aftaledokumenter" passage and of each section is built here with python-docx, as real Word
paragraphs, lists and tables, and dropped into the template at `{{p documents }}` and
`{{p section.body }}`.

That content is what docxtpl calls a subdocument, built the way `tpl.new_subdoc()` builds an
empty one: python-docx objects on the template's own part, so styles, numbering, hyperlinks
and pictures resolve against the template. We do it directly because new_subdoc needs
docxcompose (docxtpl's optional "subdoc" extra) and loads python-docx's default template on
every call.

User text reaches the file only as data: through python-docx (which escapes it as XML) or
through autoescaped docxtpl variables, and never as template source.
"""

from __future__ import annotations

import io
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx.blkcntnr import BlockItemContainer
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docxtpl import DocxTemplate
from lxml import etree
from markupsafe import Markup

from agreementgen.document import DataTable, Document, FigureView, SimpleDocument, ViewBlock
from agreementgen.errors import InputError
from agreementgen.markdown import Heading, ListBlock, MdTable, Paragraph, Quote, Span, Spans
from agreementgen.output import restamp_zip

SOURCE_PREFIX = "Kilde: "
# Documents carry no build time: the same agreement gives the same properties. A build passes
# the document's own date (SOURCE_DATE_EPOCH or the agreement's date); others get this one.
FIXED_TIME = datetime(2000, 1, 1, tzinfo=UTC)
HEAD_FILL = "E6ECF0"  # header cells, as the table style's first row (templates/agreement.css)
GROUP_FILL = "F4F6F8"  # the merged goal cells of the goals table
MISSING_BORDER = "9AA5AD"
# Rough width of one character of table text (Calibri 9.5 pt) and a cell's side margins,
# for sharing the text width between columns.
CHAR_TWIPS = 95
CELL_PADDING_TWIPS = 2 * 85 + 30
# Tables up to this many body rows are kept on one page where Word can.
KEEP_TOGETHER_ROWS = 8
MAX_LIST_LEVEL = 2  # "List Bullet 3" is the deepest list style
MAX_HEADING_LEVEL = 6
# Word rejects properties out of schema order: what may follow w:tblBorders and w:shd.
_AFTER_TBL_BORDERS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
)
_AFTER_SHD = (
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
)
_WORD = re.compile(r"\S+")
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}


AGREEMENT_TEMPLATE = "agreement.docx"
SIMPLE_TEMPLATE = "document.docx"
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


class MissingStyle(LookupError):
    """The Word template lacks a style that content is written in, or it is of another kind."""

    def __init__(self, name: str, problem: str = "") -> None:
        super().__init__(
            f"the Word template's style {name!r} {problem}"
            if problem
            else f"the Word template has no style {name!r}"
        )
        self.name = name


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
        InputError: the template is not a Word file, lacks a style, or a tag in it fails;
            the diagnostic names the template and the paragraph.
    """
    agreement = isinstance(document, Document)
    name = AGREEMENT_TEMPLATE if agreement else SIMPLE_TEMPLATE
    templates = document.templates
    path = template or templates.path(name)
    tpl = DocxTemplate(str(path))
    try:
        writer = _Writer(tpl.get_docx())  # reads the template, once
        if templates.is_own(path):
            from agreementgen.template_check import unclosed_tags

            if problems := unclosed_tags(tpl.docx, path):
                raise InputError(problems)
        if isinstance(document, Document):
            context = _agreement_context(document, writer)
        else:
            context = _simple_context(document, writer)
        tpl.render(context, jinja_env=templates.environment())
    except InputError:
        raise
    except Exception as exc:
        from agreementgen.template_check import word_problem

        problem = word_problem(exc, path, templates=templates, document=document)
        if problem is None:
            raise  # a bug in agreementgen, not in the template
        raise InputError([problem]) from exc
    _set_properties(
        tpl.docx.core_properties, document.title, _subject(document), when or FIXED_TIME
    )
    out = io.BytesIO()
    tpl.save(out)
    return restamp_zip(out.getvalue())


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
    """Builds Word content on the template's main part (styles, numbering, relationships)."""

    def __init__(self, docx: Any) -> None:
        self.docx = docx
        self.part = docx.part
        section = docx.sections[0]
        self.text_width = Emu(section.page_width - section.left_margin - section.right_margin)
        self._styles: dict[str, Any] = {}
        self._style_ids: dict[str, str | None] = {}
        self._links: dict[str, str] = {}
        self.numbering = self.part.numbering_part.element
        self.bullet_num = self._style_num_id("List Bullet")
        self.number_abstract = self._abstract_num_id(self._style_num_id("List Number"))
        self._next_num_id = 1 + max(int(n.get(qn("w:numId"))) for n in self._nums())

    # --- entry point ---------------------------------------------------------------------------

    def body(self, blocks: Sequence[ViewBlock]) -> Markup:
        """Build `blocks` into a detached w:body and return its children as Word XML."""
        body = OxmlElement("w:body")
        self.blocks(BlockItemContainer(body, self.docx), blocks)
        return Markup("".join(etree.tostring(child, encoding="unicode") for child in body))

    def blocks(self, container: BlockItemContainer, blocks: Sequence[ViewBlock]) -> None:
        for index, block in enumerate(blocks):
            if isinstance(block, Paragraph):
                paragraph = self.paragraph(container, block.spans, "Normal")
                following = blocks[index + 1] if index + 1 < len(blocks) else None
                if _introduces(block, following):
                    paragraph.paragraph_format.keep_with_next = True
            else:
                self.block(container, block)

    def block(self, container: BlockItemContainer, block: ViewBlock, *, depth: int = 0) -> None:
        if isinstance(block, Paragraph):
            self.paragraph(container, block.spans, "Normal")
        elif isinstance(block, Heading):
            level = max(1, min(MAX_HEADING_LEVEL, block.level))
            self.paragraph(container, block.spans, f"Heading {level}")
        elif isinstance(block, ListBlock):
            self.list_block(container, block, depth)
        elif isinstance(block, MdTable):
            self.md_table(container, block)
        elif isinstance(block, DataTable):
            self.data_table(container, block)
        elif isinstance(block, Quote):
            self.quote(container, block)
        elif isinstance(block, FigureView):
            self.figure(container, block)

    # --- prose ---------------------------------------------------------------------------------

    def style(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> Any:
        """Return the template's style `name`; looked up once, as a name lookup is a search."""
        if name not in self._styles:
            try:
                style = self.docx.styles[name]
            except KeyError:
                raise MissingStyle(name) from None
            if style.type != kind:
                raise MissingStyle(name, f"is not a {kind.name.lower()} style")
            self._styles[name] = style
        return self._styles[name]

    def style_id(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        """Return the id to write for style `name` (None for the default style).

        Setting `.style` through python-docx searches all styles for the default one on every
        call, which dominated the time for a large agreement.
        """
        if name not in self._style_ids:
            style = self.style(name, kind)
            default = self.docx.styles.default(kind)
            is_default = default is not None and default.style_id == style.style_id
            self._style_ids[name] = None if is_default else style.style_id
        return self._style_ids[name]

    def add_paragraph(self, container: BlockItemContainer, style: str) -> DocxParagraph:
        paragraph = container.add_paragraph()
        self.set_style(paragraph, style)
        return paragraph

    def set_style(self, paragraph: DocxParagraph, style: str) -> None:
        paragraph._p.style = self.style_id(style)

    def set_table_style(self, table: Table) -> None:
        table._tbl.tblPr.style = self.style_id("Agreement Table", WD_STYLE_TYPE.TABLE)

    def paragraph(self, container: BlockItemContainer, spans: Spans, style: str) -> DocxParagraph:
        paragraph = self.add_paragraph(container, style)
        self.runs(paragraph, spans)
        return paragraph

    def runs(self, paragraph: DocxParagraph, spans: Spans) -> None:
        """Add spans as runs; a link's spans go inside one w:hyperlink."""
        for href, group in itertools.groupby(spans, key=lambda span: span.href):
            if href:
                self.hyperlink(paragraph, href, tuple(group))
            else:
                for span in group:
                    self.run(paragraph, span)

    def run(self, paragraph: DocxParagraph, span: Span, style: str | None = None) -> Any:
        run = paragraph.add_run(span.text)  # python-docx turns '\n' into w:br
        if style:
            run._r.style = self.style_id(style, WD_STYLE_TYPE.CHARACTER)
        if span.bold:
            run.bold = True
        if span.italic:
            run.italic = True
        return run

    def hyperlink(self, paragraph: DocxParagraph, href: str, spans: Spans) -> None:
        if href not in self._links:
            self._links[href] = self.part.relate_to(
                href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True
            )
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), self._links[href])
        link.set(qn("w:history"), "1")
        paragraph._p.append(link)
        for span in spans:
            link.append(self.run(paragraph, span, "Hyperlink")._r)  # moves the run into the link

    def quote(self, container: BlockItemContainer, quote: Quote) -> None:
        for block in quote.blocks:
            if isinstance(block, Paragraph):
                self.paragraph(container, block.spans, "Quote")
            else:
                self.block(container, block)

    # --- lists ---------------------------------------------------------------------------------

    def list_block(self, container: BlockItemContainer, block: ListBlock, depth: int) -> None:
        """Each item's first paragraph carries the bullet or number; more paragraphs of the
        item are indented to its text; a nested list goes one level deeper."""
        level = min(depth, MAX_LIST_LEVEL)
        suffix = f" {level + 1}" if level else ""
        kind = "Number" if block.ordered else "Bullet"
        num_id = self.new_number_list(level, block.start) if block.ordered else self.bullet_num
        for item in block.items:
            marked = False
            for child in item or (Paragraph(()),):
                if isinstance(child, Paragraph):
                    style = f"List Continue{suffix}" if marked else f"List {kind}{suffix}"
                    paragraph = self.paragraph(container, child.spans, style)
                    if not marked:
                        _set_numbering(paragraph, num_id, level)
                        marked = True
                else:
                    self.block(container, child, depth=depth + 1)

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
            raise MissingStyle(name, "has no numbering (bullets or numbers)")
        return int(num_id.get(qn("w:val")))

    def _abstract_num_id(self, num_id: int) -> int:
        for num in self._nums():
            if int(num.get(qn("w:numId"))) == num_id:
                return int(num.find(qn("w:abstractNumId")).get(qn("w:val")))
        raise ValueError(f"template numbering has no w:num {num_id}")

    # --- tables --------------------------------------------------------------------------------

    def md_table(self, container: BlockItemContainer, table: MdTable) -> None:
        align = [_ALIGN.get(a, WD_ALIGN_PARAGRAPH.LEFT) for a in table.align]
        self.table(container, (table.header,), table.rows, align)
        self.add_paragraph(container, "Table End")

    def data_table(self, container: BlockItemContainer, table: DataTable) -> None:
        header = tuple(tuple((Span(text),) for text in row) for row in table.header)
        rows = tuple(tuple((Span(text),) for text in row) for row in table.rows)
        align = [WD_ALIGN_PARAGRAPH.RIGHT if n else WD_ALIGN_PARAGRAPH.LEFT for n in table.numeric]
        if table.caption:
            self.paragraph(container, (Span(table.caption),), "Caption")
        self.table(
            container,
            header,
            rows,
            align,
            groups=table.groups,
            shares=table.widths,
            emphasis=table.emphasis,
        )
        if table.source:
            self.paragraph(container, (Span(SOURCE_PREFIX + table.source),), "Source")
        else:
            self.add_paragraph(container, "Table End")

    def table(
        self,
        container: BlockItemContainer,
        header: Sequence[Sequence[Spans]],
        rows: Sequence[Sequence[Spans]],
        align: Sequence[WD_ALIGN_PARAGRAPH],
        *,
        groups: Sequence[int] = (),
        shares: Sequence[int] = (),
        emphasis: Sequence[int] = (),
    ) -> Table:
        """A table in 'Agreement Table' style: header rows repeat on each page and are
        shaded directly too (the style's first-row look covers one header row only); rows
        never split across pages; the first column is merged down each group of `groups` rows.
        Columns get `shares` of the width where given, else widths estimated from the text.

        The caller adds a paragraph after the table: Word joins two tables that touch.
        """
        columns = max(len(row) for row in (*header, *rows))
        total = self.text_width.twips
        if len(shares) == columns:
            widths = _exact([total * share / sum(shares) for share in shares], total)
        else:
            widths = column_widths([*header, *rows], columns, total)
        table = container.add_table(0, columns, self.text_width)
        self.set_table_style(table)
        _fix_layout(table, widths)
        # A row kept with the next one stays on its page; keep small tables and each merged
        # group of rows whole.
        ends = list(itertools.accumulate(groups)) if groups else [len(rows)]
        keep_whole = bool(groups) or len(rows) <= KEEP_TOGETHER_ROWS
        for row in header:
            cells = self._row(table, row, widths, align, "Table Heading", header=True)
            for cell in cells:
                _shade(cell, HEAD_FILL)
        for index, row in enumerate(rows):
            keep = keep_whole and index + 1 not in ends
            starts_group = index == 0 or index in ends
            # A merged cell shows the text of its first row only.
            shown = ((), *row[1:]) if groups and not starts_group else row
            if index in emphasis:
                shown = tuple(tuple(replace(s, bold=True) for s in cell) for cell in shown)
            cells = self._row(table, shown, widths, align, "Table Text", keep=keep)
            if groups:
                _merge_down(cells[0], restart=starts_group)
        return table

    def _row(
        self,
        table: Table,
        row: Sequence[Spans],
        widths: Sequence[int],
        align: Sequence[WD_ALIGN_PARAGRAPH],
        style: str,
        *,
        header: bool = False,
        keep: bool = False,
    ) -> list[_Cell]:
        tr = table._tbl.add_tr()
        tr_pr = tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if header:
            tr_pr.append(OxmlElement("w:tblHeader"))
        cells = []
        for column, width in enumerate(widths):
            tc = tr.add_tc()
            tc.width = Twips(width)
            cell = _Cell(tc, table)  # not row.cells, which walks the whole table each time
            paragraph = cell.paragraphs[0]
            self.set_style(paragraph, style)
            if column < len(align):
                paragraph.alignment = align[column]
            if keep:
                paragraph.paragraph_format.keep_with_next = True
            if column < len(row):
                self.runs(paragraph, row[column])
            cells.append(cell)
        return cells

    # --- figures -------------------------------------------------------------------------------

    def figure(self, container: BlockItemContainer, figure: FigureView) -> None:
        """The picture, or a shaded box with the note where there is none; caption below."""
        if figure.has_picture:
            paragraph = self.add_paragraph(container, "Figure")
            width = min(Cm(figure.width_cm), self.text_width)
            picture = io.BytesIO(figure.png) if figure.png is not None else str(figure.image)
            paragraph.add_run().add_picture(picture, width=width)
        else:
            self.missing_figure(container, figure.missing_note)
        caption = self.paragraph(container, (Span(figure.caption),), "Caption")
        caption.paragraph_format.keep_with_next = figure.source is not None
        if figure.source:
            self.paragraph(container, (Span(SOURCE_PREFIX + figure.source),), "Source")

    def missing_figure(self, container: BlockItemContainer, note: str) -> None:
        table = container.add_table(1, 1, self.text_width)
        self.set_table_style(table)
        _fix_layout(table, [self.text_width.twips])
        tbl_pr = table._tbl.tblPr
        dashed = "".join(
            f'<w:{side} w:val="dashed" w:sz="6" w:space="0" w:color="{MISSING_BORDER}"/>'
            for side in ("top", "left", "bottom", "right")
        )
        borders = parse_xml(f"<w:tblBorders {nsdecls('w')}>{dashed}</w:tblBorders>")
        tbl_pr.insert_element_before(borders, *_AFTER_TBL_BORDERS)
        # Not a data table: no header look from the table style.
        tbl_pr.find(qn("w:tblLook")).set(qn("w:firstRow"), "0")
        cell = table.rows[0].cells[0]
        _shade(cell, GROUP_FILL)
        paragraph = cell.paragraphs[0]
        self.set_style(paragraph, "Figure Note")
        self.runs(paragraph, (Span(note),))


def _introduces(paragraph: Paragraph, following: ViewBlock | None) -> bool:
    """Whether the paragraph leads into the list, table or figure after it ("... at:"), and so
    should stay on the same page as its start."""
    text = "".join(span.text for span in paragraph.spans).rstrip()
    return text.endswith(":") and isinstance(
        following, ListBlock | MdTable | DataTable | FigureView
    )


# --- XML helpers --------------------------------------------------------------------------------


def _set_numbering(paragraph: DocxParagraph, num_id: int, level: int) -> None:
    """Put the numbering on the paragraph itself too: LibreOffice does not always follow
    a list style's level, and a restarted numbered list needs its own w:num anyway."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def _fix_layout(table: Table, widths: Sequence[int]) -> None:
    """Fixed column widths (twips), so Word and LibreOffice lay the table out alike."""
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(widths)))
    table.autofit = False
    for grid_col, width in zip(tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Twips(width)


def _shade(cell: _Cell, fill: str) -> None:
    shd = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    cell._tc.get_or_add_tcPr().insert_element_before(shd, *_AFTER_SHD)


def _merge_down(cell: _Cell, *, restart: bool) -> None:
    """Start a vertically merged cell, or merge the cell into the one above it."""
    cell._tc.vMerge = "restart" if restart else "continue"
    if restart:
        _shade(cell, GROUP_FILL)


def column_widths(rows: Sequence[Sequence[Spans]], columns: int, total: int) -> list[int]:
    """Share `total` twips between columns as a browser's automatic table layout does.

    Each column needs at least its longest word and would like its longest line; a column
    gets its minimum plus a share of what is left in proportion to how much more it would
    like. The estimate counts characters, which is close enough for Calibri.
    """
    least = [1] * columns
    most = [1] * columns
    for row in rows:
        for column, spans in enumerate(row):
            text = "".join(span.text for span in spans)
            for line in text.split("\n"):
                most[column] = max(most[column], len(line))
                for word in _WORD.findall(line):
                    least[column] = max(least[column], len(word))
    low = [n * CHAR_TWIPS + CELL_PADDING_TWIPS for n in least]
    high = [max(n * CHAR_TWIPS + CELL_PADDING_TWIPS, lo) for n, lo in zip(most, low, strict=True)]
    if sum(high) <= total:
        scale = total / sum(high)
        return _exact([h * scale for h in high], total)
    if sum(low) >= total:
        scale = total / sum(low)
        return _exact([lo * scale for lo in low], total)
    spare = total - sum(low)
    wants = [h - lo for h, lo in zip(high, low, strict=True)]
    return _exact([lo + spare * w / sum(wants) for lo, w in zip(low, wants, strict=True)], total)


def _exact(widths: Sequence[float], total: int) -> list[int]:
    """Round widths to whole twips that add up to `total` exactly."""
    result = [math.floor(w) for w in widths]
    result[-1] += total - sum(result)
    return result
