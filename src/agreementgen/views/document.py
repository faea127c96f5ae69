"""Render stage, shared half: the agreement as a renderer-neutral document.

Both renderers walk this one structure, so the Word file and the HTML page carry the same
text by construction: Danish formatting, fixed LBF text and generated tables happen here once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from agreementgen.source.folder import LoadedAgreement
from agreementgen.source.model import (
    Agreement,
    Baseline,
    Block,
    Board,
    Cell,
    CriteriaTable,
    Department,
    FigureBlock,
    FocusAreaKey,
    Insert,
    InsertBlock,
    Measurement,
    Table,
    TableBlock,
    TableRow,
    TextBlock,
)
from agreementgen.source.packs import Pack
from agreementgen.source.templates import BUILT_IN, Templates, own_templates
from agreementgen.text import danish
from agreementgen.text.markdown import (
    Heading,
    ListBlock,
    MdBlock,
    Paragraph,
    Quote,
    Span,
    Spans,
    parse_markdown,
)
from agreementgen.views.columns import column_widths, spans_widths
from agreementgen.views.orgchart import draw_once
from agreementgen.views.picture_files import Drawing

SUPPRESSED = "-"


@dataclass(frozen=True)
class DataTable:
    """A table of plain strings; '\\n' in a cell is a line break.

    `header` may hold several rows; `numeric` marks right-aligned columns; `groups` lists, for
    tables whose first column spans several rows (the goals table), how many rows each spans;
    `widths` gives relative column widths, from the content (see finish_table) or as a kind
    of document sets them; `emphasis` the indexes of rows shown in bold (totals).
    """

    header: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    caption: str | None = None
    source: str | None = None
    groups: tuple[int, ...] = ()
    kind: str = "data"
    widths: tuple[int, ...] = ()
    emphasis: tuple[int, ...] = ()


@dataclass(frozen=True)
class FigureView:
    """A picture, or a framed note where the picture is not available.

    The picture is a file (`image`) or drawn by agreementgen (`drawing`: PNG for Word, SVG
    for HTML, each made when first asked for).
    """

    caption: str
    image: Path | None
    source: str | None
    width_cm: float
    missing_note: str
    drawing: Drawing | None = None

    @property
    def has_picture(self) -> bool:
        """Whether there is a picture to show."""
        return self.image is not None or self.drawing is not None

    @property
    def png(self) -> bytes | None:
        """The drawn picture as PNG (None for a picture file or none)."""
        return self.drawing.png if self.drawing else None

    @property
    def svg(self) -> str | None:
        """The drawn picture as SVG (None for a picture file or none)."""
        return self.drawing.svg if self.drawing else None


ViewBlock = MdBlock | DataTable | FigureView


@dataclass(frozen=True)
class SectionView:
    """A numbered section: its heading and content."""

    key: str
    heading: str
    blocks: tuple[ViewBlock, ...]


@dataclass(frozen=True)
class Signature:
    """One signature block."""

    party: str
    name: str
    title: str
    date: str


@dataclass(frozen=True)
class Document:
    """Everything a renderer needs for the strategic agreement."""

    title: str
    area_name_label: str
    area_name: str
    parties_label: str
    parties: tuple[str, ...]
    period_label: str  # '' where the period is a sentence of its own
    period: str
    signatures_label: str
    signatures: tuple[Signature, ...]
    date_label: str
    name_label: str
    documents_heading: str
    documents: tuple[ViewBlock, ...]
    sections: tuple[SectionView, ...]
    page_label: str
    # Where the renderers find its templates; not content, so two documents that say the
    # same compare equal wherever their templates are.
    templates: Templates = field(default=BUILT_IN, compare=False, repr=False)


@dataclass(frozen=True)
class Fact:
    """A labelled fact under a document's title, e.g. 'Periode: 1. august 2025 - ...'."""

    label: str
    value: str


@dataclass(frozen=True)
class SimpleDocument:
    """One of the other LBF documents: title, key facts, an optional notice, sections."""

    title: str
    subtitle: str
    facts: tuple[Fact, ...]
    sections: tuple[SectionView, ...]
    page_label: str
    notice: str = ""
    templates: Templates = field(default=BUILT_IN, compare=False, repr=False)

    @property
    def header(self) -> str:
        """The running header: the area name."""
        return self.subtitle


@dataclass(frozen=True)
class View:
    """A document ready to render: its file name stem, content and where it came from.

    `document` is the agreement or one of the other documents; `extras` are further files
    made with it (a spreadsheet, a picture); `sources` the files it was made from, and
    `summary` key figures (the budget's totals), both for the build manifest.
    """

    stem: str
    document: Document | SimpleDocument
    sources: tuple[str, ...]
    extras: Mapping[str, bytes] = field(default_factory=dict)
    summary: dict[str, object] = field(default_factory=dict)


class Extras(Mapping[str, bytes]):
    """A view's further files by name, each made when it is first read, then kept.

    Their names are known at once (the manifest, the preview's list of files); their bytes
    only when a build writes them: a redline or a preview of the page never pays for the
    budget's workbook (openpyxl) or the organisation diagram's PNG and PDF.
    """

    def __init__(self, makers: Mapping[str, Callable[[], bytes]]) -> None:
        self._makers = dict(makers)
        self._made: dict[str, bytes] = {}

    def __getitem__(self, name: str) -> bytes:
        if name not in self._made:
            self._made[name] = self._makers[name]()
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


def figure_files(document: Document, folder: Path) -> tuple[str, ...]:
    """Return the picture files the agreement shows, as paths inside its folder."""
    found = {
        block.image.relative_to(folder).as_posix()
        for section in document.sections
        for block in section.blocks
        if isinstance(block, FigureView) and block.image is not None
    }
    return tuple(sorted(found))


def notice(*, illustrative: bool, own_layout: bool, area_name: str) -> str:
    """The line under a document's title saying what it is not (an example, LBF's layout)."""
    parts = []
    if illustrative:
        parts.append(
            f"Illustrativt eksempel: skrevet til at vise agreementgen ud fra aftalen for "
            f"{area_name}; ikke helhedsplanens faktiske dokument."
        )
    if own_layout:
        parts.append(
            "Opstillingen følger agreementgen, ikke Landsbyggefondens skabelon på sagen, "
            "som ikke er offentlig."
        )
    return " ".join(parts)


def simple_document(
    loaded: LoadedAgreement,
    *,
    title: str,
    facts: Sequence[Fact],
    sections: tuple[SectionView, ...],
    illustrative: bool,
    own_layout: bool,
) -> SimpleDocument:
    """A document beside the agreement, with what every kind shares filled in: the area
    name, the page label, the agreement's templates and the notice."""
    area_name = loaded.agreement.area_name
    return SimpleDocument(
        title=title,
        subtitle=area_name,
        facts=tuple(facts),
        sections=sections,
        page_label=loaded.pack.labels.page,
        templates=templates_of(loaded),
        notice=notice(illustrative=illustrative, own_layout=own_layout, area_name=area_name),
    )


def numbered(sections: Sequence[tuple[str, str, Sequence[ViewBlock]]]) -> tuple[SectionView, ...]:
    """Number (key, heading, blocks) sections '1. …', leaving out those without content."""
    shown = [(key, heading, tuple(blocks)) for key, heading, blocks in sections if blocks]
    return tuple(
        SectionView(key, f"{i}. {heading}", blocks)
        for i, (key, heading, blocks) in enumerate(shown, 1)
    )


def period_sentence(agreement: Agreement, pack: Pack) -> str:
    """The agreement's period on its front page, in the pack's words."""
    period = agreement.period
    return pack.labels.period.format(
        start=danish.long_date(period.start), end=danish.long_date(period.end)
    )


def build_document(loaded: LoadedAgreement) -> Document:
    """Turn a loaded agreement into the document both renderers draw."""
    agreement, pack = loaded.agreement, loaded.pack
    labels = pack.labels
    period = period_sentence(agreement, pack)
    return Document(
        title=pack.title,
        area_name_label=labels.area_name,
        area_name=agreement.area_name,
        parties_label=labels.parties,
        parties=tuple(p.name for p in agreement.parties),
        period_label=labels.period_label or "",
        period=danish.no_break(period),
        signatures_label=labels.signatures,
        signatures=tuple(
            Signature(
                party=p.name,
                name=p.signatory.name or "",
                title=p.signatory.title or "",
                date=danish.no_break(danish.long_date(p.signatory.date))
                if p.signatory.date
                else "",
            )
            for p in agreement.parties
        ),
        date_label=labels.date,
        name_label=labels.name,
        documents_heading=pack.documents.heading,
        documents=parse_markdown(pack.documents.text),
        sections=tuple(_sections(loaded)),
        page_label=labels.page,
        templates=templates_of(loaded),
    )


def templates_of(loaded: LoadedAgreement) -> Templates:
    """Return where the documents of an agreement find their templates (`templates:`)."""
    return own_templates(loaded.folder, loaded.agreement.templates)


def _sections(loaded: LoadedAgreement) -> Iterator[SectionView]:
    agreement, pack = loaded.agreement, loaded.pack
    s = agreement.sections
    bodies: dict[str, Sequence[Block]] = {
        "area": s.area.body,
        "vision": s.vision.body,
        "organisation": s.organisation.body,
        "interplay": s.interplay.body,
        "goals": s.goals.body,
        "evaluation": s.evaluation.body,
        "revision": s.revision.body,
    }
    for key, heading in pack.headings.items():
        blocks: list[ViewBlock] = []
        if key in pack.fixed:
            blocks.extend(prose(pack.fixed[key]))
        if key == "goals":
            blocks.append(goals_table(s.goals.baselines, pack))
        if key == "focus_areas":
            blocks.extend(_focus_areas(loaded))
        else:
            blocks.extend(view_blocks(bodies[key], loaded, base=2))
        yield SectionView(key, heading, tuple(blocks))


def _focus_areas(loaded: LoadedAgreement) -> Iterator[ViewBlock]:
    areas = loaded.agreement.sections.focus_areas
    for key in FocusAreaKey:
        area = getattr(areas, key.value)
        if area is None:
            continue
        yield Heading(2, (Span(loaded.pack.area(key).name),))
        yield Heading(3, (Span(loaded.pack.labels.problem_complex),))
        yield from view_blocks(area.problem_complex, loaded, base=4)


def view_blocks(
    blocks: Sequence[Block], loaded: LoadedAgreement, *, base: int = 2
) -> Iterator[ViewBlock]:
    """Yield view blocks; Markdown '###' becomes heading level `base`, '####' one deeper."""
    for block in blocks:
        if isinstance(block, TextBlock):
            for md in prose(block.text):
                if isinstance(md, Heading):
                    yield Heading(max(base, min(6, md.level - 3 + base)), md.spans)
                else:
                    yield md
        elif isinstance(block, TableBlock):
            yield data_table(block.table)
        elif isinstance(block, FigureBlock):
            figure = block.figure
            yield FigureView(
                caption=figure.caption,
                image=(loaded.folder / figure.image) if figure.image else None,
                source=figure.source,
                width_cm=float(figure.width_cm or 15),
                missing_note=loaded.pack.labels.not_available_figure,
            )
        elif isinstance(block, InsertBlock):
            for view in _insert(block.insert, loaded, base):
                yield view if isinstance(view, DataTable | FigureView) else finished(view)


def prose(text: str) -> tuple[MdBlock, ...]:
    """Markdown text as blocks ready to render (see `finished`)."""
    return tuple(finished(block) for block in parse_markdown(text))


def finished(block: MdBlock) -> MdBlock:
    """A block ready to render: its text with the no-break spaces that keep a number with
    its unit and a date whole (danish.no_break), a table with column widths from its content."""
    if isinstance(block, Paragraph | Heading):
        return replace(block, spans=_no_break(block.spans))
    if isinstance(block, ListBlock):
        items = tuple(tuple(finished(child) for child in item) for item in block.items)
        return replace(block, items=items)
    if isinstance(block, Quote):
        return replace(block, blocks=tuple(finished(child) for child in block.blocks))
    header = tuple(_no_break(cell) for cell in block.header)
    rows = tuple(tuple(_no_break(cell) for cell in row) for row in block.rows)
    return replace(block, header=header, rows=rows, widths=spans_widths((header,), rows))


def _no_break(spans: Spans) -> Spans:
    return tuple(replace(span, text=danish.no_break(span.text)) for span in spans)


def _insert(insert: Insert, loaded: LoadedAgreement, base: int) -> Iterator[ViewBlock]:
    agreement = loaded.agreement
    board = agreement.board
    if insert is Insert.DEPARTMENTS:
        yield departments_table(agreement)
    elif insert is Insert.CRITERIA and agreement.sections.area.criteria:
        yield criteria_table(agreement.sections.area.criteria, agreement.departments)
    elif insert is Insert.BOARD and board:
        yield from board_blocks(board)
    elif insert is Insert.BOARD_TASKS and board:
        yield Heading(base + 1, (Span("Bestyrelsen"),))
        yield from task_blocks(board.tasks_intro, board.tasks)
    elif insert is Insert.ORG_CHART:
        chart = draw_once(loaded.agreement, loaded.pack)
        yield FigureView(
            caption=chart.caption,
            image=None,
            source=None,
            width_cm=chart.width_cm,
            missing_note=loaded.pack.labels.not_available_figure,
            drawing=chart.drawing,
        )
    elif insert is Insert.SUBGROUPS and board:
        for group in board.subgroups:
            yield Heading(base + 1, (Span(group.name),))
            yield from view_blocks(group.description, loaded, base=base + 2)
            yield from task_blocks(
                group.tasks_intro or f"{group.name} har til opgave at:", group.tasks
            )


def board_blocks(board: Board) -> Iterator[ViewBlock]:
    """The board's members as a list, chairs first marked, then who serves it."""
    yield Paragraph((Span("Bestyrelsen består af:"),))
    items = []
    for member in board.members:
        text = f"{member.role}" + (f" ({member.name})" if member.name else "")
        spans = (Span("Formand: ", bold=True), Span(text)) if member.chair else (Span(text),)
        items.append((Paragraph(spans),))
    yield ListBlock(False, 1, tuple(items))
    yield Paragraph((Span(board.secretariat),))


def task_blocks(intro: str, tasks: Sequence[str]) -> Iterator[ViewBlock]:
    """An intro line and a bullet list of tasks (nothing when there are none)."""
    if not tasks:
        return
    yield Paragraph((Span(intro),))
    yield ListBlock(False, 1, tuple((Paragraph((Span(t),)),) for t in tasks))


def cell_text(cell: Cell, unit: str) -> str:
    """Format a table cell: numbers the Danish way, null as '-'."""
    if cell is None:
        return SUPPRESSED
    if isinstance(cell, str):
        return cell
    return danish.quantity(cell, unit)


def data_table(table: Table) -> DataTable:
    """Format a table block."""
    rows = []
    for row in table.rows:
        cells, unit = (row.cells, row.unit) if isinstance(row, TableRow) else (row, table.unit)
        rows.append(tuple(cell_text(c, unit) for c in cells))
    width = len(table.columns)
    header = [tuple(table.columns)]
    if table.subcolumns:
        header.append(tuple(table.subcolumns))
    numeric = tuple(
        i > 0
        and any(
            not isinstance(c, str) and c is not None
            for row in table.rows
            for c in (row.cells if isinstance(row, TableRow) else row)[i : i + 1]
        )
        for i in range(width)
    )
    return finish_table(DataTable(tuple(header), tuple(rows), numeric, table.caption, table.source))


def finish_table(table: DataTable, *, least: Sequence[int] = ()) -> DataTable:
    """A table ready to render: its text with no-break spaces (danish.no_break), and column
    widths from its content, measured as shown: headers, totals and merged group cells bold.
    Columns of figures take only the room they need; `least` gives columns a least width
    (twips), to line them up with another table's."""
    header = tuple(tuple(danish.no_break(text) for text in row) for row in table.header)
    rows = tuple(tuple(danish.no_break(text) for text in row) for row in table.rows)
    widths = column_widths(
        [[(text, True) for text in row] for row in header],
        [
            [
                (text, index in table.emphasis or (column == 0 and bool(table.groups)))
                for column, text in enumerate(row)
            ]
            for index, row in enumerate(rows)
        ],
        least=least,
        fixed=table.numeric,
    )
    return replace(
        table,
        header=header,
        rows=rows,
        caption=table.caption and danish.no_break(table.caption),
        source=table.source and danish.no_break(table.source),
        widths=widths,
    )


def department_label(department: Department) -> str:
    """Return e.g. 'Afd. 12 Houlkærvænget (inkl. afd. 112)'."""
    label = f"Afd. {department.number} {department.name}" if department.number else department.name
    return label + (f" ({department.name_note})" if department.name_note else "")


def departments_table(agreement: Agreement) -> DataTable:
    """The section 1 overview: one row per department, grouped departments as one row."""
    groups = {g.id: g for g in agreement.department_groups}
    rows: list[tuple[str, ...]] = []
    shown: set[str] = set()
    for dep in agreement.departments:
        if dep.group and dep.group in groups:
            if dep.group not in shown:
                group = groups[dep.group]
                shown.add(dep.group)
                rows.append((group.name, "", group.description or "", "", group.notes or ""))
            continue
        count = danish.number(dep.units) if dep.units is not None else ""
        units = " ".join(part for part in (count, dep.building_type or "") if part)
        plan = dep.physical_plan.description if dep.physical_plan else ""
        rows.append((dep.name, dep.built or "", units, plan, dep.notes or ""))
    header = (("Boligafdeling", "Opført", "Antal lejemål", "Byggefysisk helhedsplan", "Andet"),)
    return finish_table(DataTable(header, tuple(rows), (False,) * 5, kind="departments"))


def criteria_table(table: CriteriaTable, departments: Sequence[Department]) -> DataTable:
    """The departments against the parallel-society criteria, thresholds under the headings."""
    by_id = {d.id: d for d in departments}
    header = [("Boligafdeling", *(c.label for c in table.criteria))]
    if any(c.threshold for c in table.criteria):
        header.append(("", *(c.threshold or "" for c in table.criteria)))
    rows = []
    for row in table.rows:
        dep = by_id.get(row.department)
        label = department_label(dep) if dep else row.department
        values = (cell_text(row.values.get(c.id), "number") for c in table.criteria)
        rows.append((label, *values))
    numeric = (False, *(True for _ in table.criteria))
    return finish_table(
        DataTable(tuple(header), tuple(rows), numeric, table.caption, table.source, kind="criteria")
    )


def _measurements(values: Sequence[Measurement], unit: str) -> str:
    lines = []
    for m in values:
        text = danish.quantity(m.value, unit)
        if m.label:
            text = f"{m.label}: {text}"
        if m.note:
            text = f"{text} ({m.note})"
        lines.append(text)
    return "\n".join(lines)


def goals_table(baselines: Sequence[Baseline], pack: Pack) -> DataTable:
    """The fixed goals and indicators with the agreement's baselines, in the pack's columns."""
    by_indicator = {b.indicator: b for b in baselines}
    columns = pack.columns
    rows: list[tuple[str, ...]] = []
    groups: list[int] = []
    for area in pack.focus_areas:
        groups.append(len(area.indicators))
        for indicator in area.indicators:
            b = by_indicator.get(indicator.number)
            cells = {
                "goal": area.goal,
                "indicator": indicator.text,
                "area": "",
                "comparison": "",
                "year": "",
                "source": indicator.source,
            }
            if b is not None:
                cells["area"] = b.not_available or _measurements(b.area, b.unit)
                cells["comparison"] = _measurements(b.comparison, b.unit)
                cells["year"] = str(b.year) if b.year else ""
                cells["source"] = b.source or ("" if b.not_available else indicator.source)
            rows.append(tuple(cells[key] for key in columns))
    numeric = tuple(key in ("area", "comparison", "year") for key in columns)
    return finish_table(
        DataTable(
            (tuple(columns.values()),), tuple(rows), numeric, groups=tuple(groups), kind="goals"
        )
    )
