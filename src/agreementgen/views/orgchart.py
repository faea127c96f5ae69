"""Render stage, a figure: the organisation diagram (organisationsdiagram) of section 3.

LBF wants the description of the organisation "suppleret med et organisationsdiagram". It is
drawn from the agreement's data: the parties at the top, the board (Bestyrelsen) with its
members, the secretariat that serves it, the groups under the board and, at the bottom, the
chosen focus areas the plan's staff work on.

`layout` places every box and line in points at print size (16 cm wide), so a point in the
layout is a point on the page; `page` lays out the separate upload, an A4 page with a title,
the area's name, the agreement's date, the diagram and a legend of its boxes and lines;
`draw` paints both as pictures (views/drawing.py): the diagram as PNG (Word) and SVG (HTML),
its page as PDF, all in the documents' font, whose metrics also measure the texts here.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from agreementgen.source.model import Agreement, Board, FocusAreaKey, PartyKind, SubgroupKind
from agreementgen.source.packs import Pack
from agreementgen.text import danish
from agreementgen.views.drawing import (
    ACCENT,
    HEAD,
    INK,
    MUTED,
    PALE,
    RULE,
    WHITE,
    Corner,
    Line,
    Picture,
    Rect,
    Shape,
    Text,
    Weight,
    rounded_box,
    text_width,
)
from agreementgen.views.picture_files import Drawing

__all__ = [
    "NAME",
    "PDF_NAME",
    "WIDTH_CM",
    "Connector",
    "Layout",
    "Node",
    "OrgChart",
    "Page",
    "TextRun",
    "draw",
    "layout",
    "page",
]

WIDTH_CM = 16.0
"""Printed width of the diagram; the layout is in points at this size."""
NAME = "Organisationsdiagram"
"""The diagram's name as its own upload, the stem of its files."""
PDF_NAME = f"{NAME}.pdf"
"""File name of the diagram as its own upload."""
PNG_WIDTH_PX = 1600

_PT_PER_CM = 72 / 2.54
_WIDTH = WIDTH_CM * _PT_PER_CM  # 453.5 pt
_DPI = PNG_WIDTH_PX / (WIDTH_CM / 2.54)  # 254 dpi: 1600 px over 16 cm

_PARTY_KINDS = {
    PartyKind.HOUSING_ORGANISATION: "Boligorganisation",
    PartyKind.MUNICIPALITY: "Kommune",
    PartyKind.POLICE: "Politi",
    PartyKind.OTHER: "Anden part",
}
_SUBGROUP_KINDS = {
    SubgroupKind.STEERING_GROUP: "Styregruppe",
    SubgroupKind.FOLLOW_UP_GROUP: "Følgegruppe",
    SubgroupKind.MANAGEMENT_GROUP: "Chefgruppe",
    SubgroupKind.AD_HOC_GROUP: "Ad hoc-gruppe",
    SubgroupKind.SECRETARIAT: "Sekretariat",
    SubgroupKind.OTHER: "Anden gruppe",
}

# Geometry, in points.
_PAD = 6.0  # inside a box
_GAP = 9.0  # between boxes of a row
_LEVEL_GAP = 24.0  # between rows joined by lines
_SIDE_GAP = 36.0  # between the board and the secretariat: room for "betjener"
_RADIUS = 2.5
_MARGIN = 1.0  # keeps the outer lines inside the picture
_LEADING = 1.28  # line height as a multiple of the font size
_SECRETARIAT_CHARS = 150  # longer secretariat texts are shortened
_BOARD_WIDTH = 216.0
_SECRETARIAT_WIDTH = 112.0
_AREAS_NOTE = (
    "Indsatserne varetages af sekretariatet og helhedsplanens medarbejdere "
    "– én delaftale pr. indsatsområde."
)
_SMALLEST = 6.0  # font size, in points, below which no text shrinks to fit
_CHAIR = "Formand:"

Align = Literal["left", "center"]


@dataclass(frozen=True)
class _Style:
    size: float
    weight: Weight = "normal"
    italic: bool = False
    color: str = INK


_LABEL = _Style(7.0, "bold", color=MUTED)
_KIND = _Style(7.0, color=MUTED)
_NAME = _Style(8.5, "bold")
_HEADER = _Style(9.5, "bold", color=WHITE)
_MEMBER = _Style(8.0)
_MEMBER_CHAIR = _Style(8.0, "bold", color=ACCENT)
_TITLE = _Style(8.0, "bold", color=ACCENT)
_BODY = _Style(7.5)
_NOTE = _Style(7.0, italic=True, color=MUTED)
_AREA = _Style(8.0, "bold")


@dataclass(frozen=True)
class TextRun:
    """A piece of text on one line: `x` is its left edge (or centre), `y` its baseline."""

    text: str
    x: float
    y: float
    width: float
    size: float
    weight: Weight
    italic: bool
    color: str
    align: Align

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """Return (left, top, right, bottom) of the text, y downwards."""
        left = self.x if self.align == "left" else self.x - self.width / 2
        return (left, self.y - 0.78 * self.size, left + self.width, self.y + 0.24 * self.size)


@dataclass(frozen=True)
class Node:
    """A box of the diagram with its text; `header` is the height of a filled title band."""

    kind: Literal["party", "board", "secretariat", "subgroup", "areas", "area"]
    x: float
    y: float
    width: float
    height: float
    texts: tuple[TextRun, ...]
    header: float = 0.0

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """Return (left, top, right, bottom), y downwards."""
        return (self.x, self.y, self.x + self.width, self.y + self.height)


@dataclass(frozen=True)
class Connector:
    """A line through `points`; dashed for a serving relation (the secretariat)."""

    points: tuple[tuple[float, float], ...]
    dashed: bool = False


@dataclass(frozen=True)
class Layout:
    """Everything the diagram shows, placed in points, y downwards from the top left."""

    width: float
    height: float
    nodes: tuple[Node, ...]
    connectors: tuple[Connector, ...]
    labels: tuple[TextRun, ...]


@dataclass(frozen=True)
class OrgChart:
    """The drawn diagram (PNG for Word, SVG for HTML), its A4 page (the PDF to upload on its
    own) and a caption."""

    drawing: Drawing
    page: Drawing
    caption: str
    width_cm: float = WIDTH_CM

    @property
    def png(self) -> bytes:
        """The diagram as PNG, 1600 pixels wide."""
        return self.drawing.png

    @property
    def svg(self) -> str:
        """The diagram as SVG with real text."""
        return self.drawing.svg

    @property
    def pdf(self) -> bytes:
        """The diagram's A4 page as PDF: title, area, date, the diagram and its legend."""
        return self.page.pdf


# -- text measuring and wrapping ----------------------------------------------------------


@functools.cache
def _measure(text: str, style: _Style) -> float:
    """Return the width of `text` in points."""
    return text_width(text, style.size, style.weight, style.italic)


def _space(style: _Style) -> float:
    return _measure("n n", style) - _measure("nn", style)


def _pieces(text: str) -> list[tuple[str, bool]]:
    """Split text where a line may break: at spaces, and after '/' or '-' inside a word.

    Each piece comes with whether a space precedes it.
    """
    words: list[str] = []
    for word in text.split():
        # An abbreviation stays with the word after it: "Sct. Jørgen", "afd. 12".
        if words and re.search(r"(?:^| )\w{1,3}\.$", words[-1]):
            words[-1] += " " + word
        else:
            words.append(word)
    pieces: list[tuple[str, bool]] = []
    for i, word in enumerate(words):
        for j, part in enumerate(re.findall(r"[^/-]+[/-]*|[/-]+", word)):
            pieces.append((part, i > 0 and j == 0))
    return pieces


_Segment = tuple[str, _Style, float]  # text, style, left edge within the line
_Line = list[_Segment]


def _wrap(parts: Sequence[tuple[str, _Style]], width: float) -> list[_Line]:
    """Break runs of styled text into lines no wider than `width`.

    Lines break at spaces and after '/' or '-'; a word wider than a line is broken with a
    hyphen. Runs are joined by a space.
    """
    lines: list[_Line] = [[]]
    used = 0.0  # width of the current line
    for text, style in parts:
        for k, (piece, spaced) in enumerate(_pieces(text)):
            gap = _space(style) if lines[-1] and (spaced or k == 0) else 0.0
            if lines[-1] and used + gap + _measure(piece, style) > width:
                lines.append([])
                used, gap = 0.0, 0.0
            while not lines[-1] and _measure(piece, style) > width and len(piece) > 1:
                cut = _cut(piece, style, width)
                lines[-1].append((piece[:cut] + "-", style, 0.0))
                lines.append([])
                piece = piece[cut:]
            line = lines[-1]
            if line and line[-1][1] == style:  # extend the segment: one text per style
                joined = line[-1][0] + (" " if gap else "") + piece
                line[-1] = (joined, style, line[-1][2])
            else:
                line.append((piece, style, used + gap))
            used += gap + _measure(piece, style)
    return lines if lines[-1] else lines[:-1] or [[]]


@functools.cache
def _hyphenator() -> Any:
    import pyphen

    return pyphen.Pyphen(lang="da_DK", left=3, right=3)


def _cut(word: str, style: _Style, width: float) -> int:
    """Return where to break a word wider than `width`: the last Danish hyphenation point
    that fits, else the last character that fits.
    """
    fits = [n for n in _hyphenator().positions(word) if _measure(word[:n] + "-", style) <= width]
    # Danish compounds are often joined by an s: "Kriminalitets-forebyggelse".
    joints = [n for n in fits if n >= 5 and word[n - 1] == "s"]
    if joints or fits:
        return int(max(joints or fits))
    return max(
        (n for n in range(1, len(word)) if _measure(word[:n] + "-", style) <= width), default=1
    )


def _scaled(style: _Style, factor: float) -> _Style:
    return replace(style, size=max(round(style.size * factor * 4) / 4, _SMALLEST))


def _fitting(contents: Sequence[Sequence[tuple[str, _Style]]], width: float) -> float:
    """Return the largest factor (down to 0.8) at which every word of a row's boxes fits."""
    words = [
        (piece, style) for box in contents for text, style in box for piece, _ in _pieces(text)
    ]
    for step in range(11):
        factor = 1 - 0.02 * step
        if all(_measure(piece, _scaled(style, factor)) <= width for piece, style in words):
            return factor
    return 0.8


def _run(text: str, style: _Style, x: float, y: float, align: Align) -> TextRun:
    return TextRun(
        text=text,
        x=x,
        y=y,
        width=_measure(text, style),
        size=style.size,
        weight=style.weight,
        italic=style.italic,
        color=style.color,
        align=align,
    )


class _Block:
    """Lines of text stacked inside a box, positioned relative to the box's top left."""

    def __init__(self, width: float, align: Align) -> None:
        self.width = width
        self.align = align
        self.height = 0.0
        self._runs: list[tuple[str, _Style, float, float, Align]] = []

    def add(self, text: str, style: _Style, gap: float = 0.0) -> None:
        """Add `text`, wrapped to the block's width, `gap` points below what is there."""
        self.height += gap
        for line in _wrap([(text, style)], self.width):
            self._line(line, 0.0, self.width, style)

    def add_item(self, parts: Sequence[tuple[str, _Style]], bullet: str, gap: float) -> None:
        """Add a list item: a bullet, then runs of text wrapped with a hanging indent."""
        self.height += gap
        style = parts[-1][1]
        indent = _measure(bullet, style) + 1.5 * _space(style)
        self._runs.append((bullet, style, 0.0, self.height + style.size, "left"))
        for line in _wrap(parts, self.width - indent):
            self._line(line, indent, self.width - indent, style)

    def _line(self, line: _Line, indent: float, width: float, style: _Style) -> None:
        size = max((s.size for _, s, _ in line), default=style.size)
        baseline = self.height + size
        if self.align == "center" and len(line) == 1:
            text, part_style, _ = line[0]
            self._runs.append((text, part_style, indent + width / 2, baseline, "center"))
        else:
            for text, part_style, x in line:
                self._runs.append((text, part_style, indent + x, baseline, "left"))
        self.height += size * _LEADING

    def place(self, left: float, top: float) -> tuple[TextRun, ...]:
        """Return the runs with the block's top left at (left, top)."""
        return tuple(
            _run(text, style, left + x, top + y, align) for text, style, x, y, align in self._runs
        )


# -- layout --------------------------------------------------------------------------------


_Content = Sequence[tuple[str, _Style, float]]  # text, style, gap above


def _row(
    kind: Literal["party", "subgroup", "area"],
    contents: Sequence[_Content],
    top: float,
    widest: float,
    left: float = 0.0,
    width: float = _WIDTH,
    centre: float | None = None,
) -> list[Node]:
    """Place one box per content side by side, equally tall, within [left, left + width].

    The row is centred on `centre` where it fits, else in its room. Narrow boxes get less
    padding, and the row's text shrinks (a little) so words fit.
    """
    count = len(contents)
    gap = _GAP if count < 5 else 7.0
    box = min(widest, (width - 2 * _MARGIN - (count - 1) * gap) / count)
    pad = _PAD if box >= 90 else 4.5
    inner = box - 2 * pad - (3 if kind == "area" else 0)  # areas have a bar on the left
    factor = _fitting([[(t, s) for t, s, _ in content] for content in contents], inner)
    blocks = []
    for content in contents:
        block = _Block(inner, "center")
        for text, style, above in content:
            block.add(text, _scaled(style, factor), gap=above)
        blocks.append(block)
    height = max(b.height for b in blocks) + 2 * pad
    total = count * box + (count - 1) * gap
    start = left + (width - total) / 2
    if (
        centre is not None
        and left + _MARGIN <= centre - total / 2 <= left + width - _MARGIN - total
    ):
        start = centre - total / 2
    nodes = []
    for i, block in enumerate(blocks):
        x = start + i * (box + gap)
        texts = block.place(x + box - pad - inner, top + (height - block.height) / 2)
        nodes.append(Node(kind, x, top, box, height, texts))
    return nodes


def _centres(nodes: Sequence[Node]) -> list[float]:
    return [n.x + n.width / 2 for n in nodes]


def _chosen_areas(agreement: Agreement, pack: Pack) -> list[str]:
    areas = agreement.sections.focus_areas
    return [
        pack.area(key).name
        for key in FocusAreaKey
        if (area := getattr(areas, key.value)) is not None and area.chosen
    ]


def _bus(
    top: Sequence[float], top_y: float, bottom: Sequence[float], bottom_y: float
) -> list[Connector]:
    """Join boxes above (centres `top`, lower edge `top_y`) to boxes below, org-chart style."""
    xs = [*top, *bottom]
    if max(xs) - min(xs) <= 0.01:  # one above, one below: a straight line
        return [Connector(((xs[0], top_y), (xs[0], bottom_y)))]
    middle = (top_y + bottom_y) / 2
    lines = [Connector(((x, top_y), (x, middle))) for x in top]
    lines += [Connector(((x, middle), (x, bottom_y))) for x in bottom]
    lines.append(Connector(((min(xs), middle), (max(xs), middle))))
    return lines


def _members(board: Board | None, width: float) -> _Block:
    block = _Block(width, "left")
    if board is None:
        block.add("Bestyrelsens medlemmer er ikke beskrevet.", _NOTE)
        return block
    for k, member in enumerate(board.members):
        role = f"{member.role}, {member.name}" if member.name else member.role
        chair = [(_CHAIR, _MEMBER_CHAIR)] if member.chair else []
        block.add_item([*chair, (role, _MEMBER)], "•", gap=0.0 if k == 0 else 2.0)
    return block


def _secretariat(board: Board, width: float) -> _Block:
    block = _Block(width, "left")
    block.add("Sekretariatsbetjening", _TITLE)
    text = textwrap.shorten(board.secretariat, _SECRETARIAT_CHARS, placeholder=" …")
    block.add(text, _BODY, gap=2.0)
    return block


def layout(agreement: Agreement, pack: Pack) -> Layout:
    """Place the diagram's boxes, texts and lines, in points at print size, y downwards."""
    nodes: list[Node] = []
    connectors: list[Connector] = []
    labels = [_run("Aftalens parter", _LABEL, _MARGIN, _MARGIN + _LABEL.size, "left")]
    y = _MARGIN + _LABEL.size * _LEADING + 3

    # The board is centred, or as near the centre as the secretariat beside it allows.
    board = agreement.board
    side = _SECRETARIAT_WIDTH if board is not None else 0.0
    board_width = _BOARD_WIDTH
    board_left = (_WIDTH - board_width) / 2
    if board is not None:
        board_left = min(board_left, _WIDTH - _MARGIN - side - _SIDE_GAP - board_width)
    board_centre = board_left + board_width / 2

    # The parties, one box each, the kind of party under the name.
    parties = _row(
        "party",
        [[(p.name, _NAME, 0.0), (_PARTY_KINDS[p.kind], _KIND, 1.5)] for p in agreement.parties],
        y,
        150,
        centre=board_centre,
    )
    nodes += parties
    y = parties[0].y + parties[0].height + _LEVEL_GAP

    # The board with its members, and beside it the secretariat that serves it.
    header = _HEADER.size * _LEADING + 7
    members = _members(board, board_width - 2 * _PAD)
    board_height = header + members.height + 2 * _PAD
    secretariat = _secretariat(board, side - 2 * _PAD) if board is not None else None
    side_height = secretariat.height + 2 * _PAD if secretariat is not None else 0.0
    row_height = max(board_height, side_height)
    board_top = y + (row_height - board_height) / 2
    title_baseline = board_top + header / 2 + 0.36 * _HEADER.size
    texts = (
        _run("Bestyrelsen", _HEADER, board_left + board_width / 2, title_baseline, "center"),
        *members.place(board_left + _PAD, board_top + header + _PAD),
    )
    board_node = Node("board", board_left, board_top, board_width, board_height, texts, header)
    nodes.append(board_node)
    connectors += _bus(_centres(parties), y - _LEVEL_GAP, [board_centre], board_top)
    if secretariat is not None:
        side_left = board_left + board_width + _SIDE_GAP
        side_top = y + (row_height - side_height) / 2
        texts = secretariat.place(side_left + _PAD, side_top + _PAD)
        nodes.append(Node("secretariat", side_left, side_top, side, side_height, texts))
        line_y = y + row_height / 2
        connectors.append(
            Connector(((board_left + board_width, line_y), (side_left, line_y)), dashed=True)
        )
        label_x = board_left + board_width + _SIDE_GAP / 2
        labels.append(_run("betjener", _NOTE, label_x, line_y - 3, "center"))
    y += row_height + _LEVEL_GAP

    # The groups under the board, the kind of group over the name.
    subgroups = board.subgroups if board is not None else []
    if subgroups:
        groups = _row(
            "subgroup",
            [[(_SUBGROUP_KINDS[g.kind], _KIND, 0.0), (g.name, _NAME, 1.5)] for g in subgroups],
            y,
            140,
            centre=board_centre,
        )
        nodes += groups
        connectors += _bus([board_centre], board_top + board_height, _centres(groups), y)
        y += groups[0].height + _LEVEL_GAP * 0.75
    else:
        y -= _LEVEL_GAP * 0.25

    # The chosen focus areas: the work of the secretariat and the plan's staff.
    areas = _chosen_areas(agreement, pack)
    if areas:
        head = _Block(_WIDTH - 2 * _MARGIN - 2 * _PAD, "left")
        head.add("Indsatsområder", _TITLE)
        head.add(_AREAS_NOTE, _NOTE, gap=1.0)
        areas_top = y + _PAD + head.height + 5
        row = _row(
            "area",
            [[(name, _AREA, 0.0)] for name in areas],
            areas_top,
            150,
            _MARGIN + _PAD,
            _WIDTH - 2 * _MARGIN - 2 * _PAD,
        )
        bottom = areas_top + row[0].height + _PAD
        texts = head.place(_MARGIN + _PAD, y + _PAD)
        nodes.append(Node("areas", _MARGIN, y, _WIDTH - 2 * _MARGIN, bottom - y, texts))
        nodes += row
        y = bottom
    else:
        y -= _LEVEL_GAP * 0.75

    return Layout(
        width=_WIDTH,
        height=y + _MARGIN,
        nodes=tuple(nodes),
        connectors=tuple(connectors),
        labels=tuple(labels),
    )


# -- the page ------------------------------------------------------------------------------

_A4 = (21.0 * _PT_PER_CM, 29.7 * _PT_PER_CM)  # in points
_PAGE_MARGIN = 2.0 * _PT_PER_CM
_PAGE_GAP = 24.0  # between the page's head, its diagram and its legend
_LEGEND_COLUMN = 220.0  # the least width of a column of the legend
_COLUMN_GAP = 18.0
_SWATCH = (26.0, 15.0)  # a legend entry's sample box or line: width, height
_SWATCH_GAP = 8.0  # between a sample and its text
_ENTRY_GAP = 6.0  # between the rows of the legend
_PAGE_TITLE = _Style(20.0, "bold", color=ACCENT)
_PAGE_AREA = _Style(12.0)
_PAGE_DATE = _Style(9.5, color=MUTED)
_LEGEND_HEAD = _Style(10.0, "bold", color=ACCENT)
_LEGEND = _Style(8.5)

_Sample = Literal["party", "board", "secretariat", "subgroup", "area", "line", "dashed"]


@dataclass(frozen=True)
class Page:
    """The diagram as its own upload, an A4 page, in points, y downwards.

    `sheet` holds all but the diagram: the title, the area's name, the date and the legend.
    The diagram is drawn `scale` times its size with its top left at (`left`, `top`).
    """

    width: float
    height: float
    sheet: Layout
    diagram: Layout
    left: float
    top: float
    scale: float


def page(agreement: Agreement, diagram: Layout) -> Page:
    """Lay out the upload's page, A4 portrait: the diagram is laid out for a portrait page
    (16 cm wide), and is drawn as wide as the page's text, smaller only if it is too tall."""
    width, height = _A4
    content = width - 2 * _PAGE_MARGIN
    head = _Block(content, "left")
    head.add(NAME, _PAGE_TITLE)
    head.add(agreement.area_name, _PAGE_AREA, gap=4.0)
    head.add(f"Dato: {danish.long_date(agreement.own_date)}", _PAGE_DATE, gap=3.0)
    rule = _PAGE_MARGIN + head.height + 4.0
    top = rule + _PAGE_GAP
    entries = _legend_entries(diagram)
    # The legend goes under the diagram, whose size depends on the legend's height: the
    # legend is placed once to be measured, then where it goes.
    room = height - _PAGE_MARGIN - top - _PAGE_GAP - _legend(entries, 0.0, 0.0, content).height
    scale = min(content / diagram.width, room / diagram.height)
    legend = _legend(entries, _PAGE_MARGIN, top + diagram.height * scale + _PAGE_GAP, content)
    rule_line = Connector(((_PAGE_MARGIN, rule), (width - _PAGE_MARGIN, rule)))
    sheet = Layout(
        width=width,
        height=height,
        nodes=legend.nodes,
        connectors=(rule_line, *legend.connectors),
        labels=head.place(_PAGE_MARGIN, _PAGE_MARGIN) + legend.labels,
    )
    left = (width - diagram.width * scale) / 2
    return Page(width, height, sheet, diagram, left, top, scale)


def _legend_entries(diagram: Layout) -> list[tuple[_Sample, str]]:
    """What the legend explains: the boxes and lines the diagram has, top to bottom."""
    kinds = {node.kind for node in diagram.nodes}
    groups = ", og grupperne hører under den" if "subgroup" in kinds else ""
    chair = any(run.text == _CHAIR for node in diagram.nodes for run in node.texts)
    entries: list[tuple[_Sample, str]] = [
        ("party", "En af aftalens parter; partens type står under navnet"),
        ("line", f"Fuld linje: parterne står sammen bag bestyrelsen{groups}"),
        ("board", "Bestyrelsen og dens medlemmer" + ("; formanden er fremhævet" if chair else "")),
        ("secretariat", "Sekretariatsbetjeningen: hvem der betjener bestyrelsen"),
        ("dashed", "Stiplet linje: sekretariatet betjener bestyrelsen"),
        ("subgroup", "En gruppe under bestyrelsen; gruppens type står over navnet"),
        ("area", "Et valgt indsatsområde; der er én delaftale for hvert"),
    ]
    dashed = any(line.dashed for line in diagram.connectors)
    return [
        (sample, text)
        for sample, text in entries
        if sample in kinds
        or (sample == "line" and diagram.connectors)
        or (sample == "dashed" and dashed)
    ]


def _legend(
    entries: Sequence[tuple[_Sample, str]], left: float, top: float, width: float
) -> Layout:
    """Place the legend in columns, each entry a sample with its text beside it."""
    columns = max(1, int((width + _COLUMN_GAP) // (_LEGEND_COLUMN + _COLUMN_GAP)))
    column = (width - (columns - 1) * _COLUMN_GAP) / columns
    rows = -(-len(entries) // columns)
    sample_width, sample_height = _SWATCH
    blocks = []
    for _, text in entries:
        block = _Block(column - sample_width - _SWATCH_GAP, "left")
        block.add(text, _LEGEND)
        blocks.append(block)
    heights = [max([sample_height, *(b.height for b in blocks[row::rows])]) for row in range(rows)]
    title = _run("Signaturforklaring", _LEGEND_HEAD, left, top + _LEGEND_HEAD.size, "left")
    nodes: list[Node] = []
    connectors: list[Connector] = []
    labels = [title]
    y0 = top + _LEGEND_HEAD.size * _LEADING + _ENTRY_GAP
    for i, ((sample, _), block) in enumerate(zip(entries, blocks, strict=True)):
        row = i % rows
        x = left + (i // rows) * (column + _COLUMN_GAP)
        y = y0 + sum(heights[:row]) + row * _ENTRY_GAP
        middle = y + heights[row] / 2
        if sample == "line" or sample == "dashed":
            ends = ((x, middle), (x + sample_width, middle))
            connectors.append(Connector(ends, dashed=sample == "dashed"))
        else:
            header = 4.0 if sample == "board" else 0.0
            box_top = middle - sample_height / 2
            nodes.append(Node(sample, x, box_top, sample_width, sample_height, (), header))
        labels += block.place(x + sample_width + _SWATCH_GAP, middle - block.height / 2)
    height = y0 - top + sum(heights) + (rows - 1) * _ENTRY_GAP
    return Layout(width, height, tuple(nodes), tuple(connectors), tuple(labels))


# -- drawing -------------------------------------------------------------------------------

_DRAWN: dict[str, OrgChart] = {}
# A redline's two revisions: each keeps the PNG, SVG and PDF written for it.
_DRAWN_MAX = 2


def draw_once(agreement: Agreement, pack: Pack) -> OrgChart:
    """Draw the diagram, or return the one drawn for the same parties, board and areas.

    A redline draws two revisions whose boards are usually the same: the cache spares it
    laying out and writing the same pictures twice. It is small, since a build of many
    agreements may share nothing, and keyed by exactly what the diagram and its page show
    (the period: the date).
    """
    key = pack.id.value + agreement.model_dump_json(
        include={
            "area_name": True,
            "parties": True,
            "period": True,
            "board": True,
            "sections": {"focus_areas"},
        }
    )
    if key not in _DRAWN:
        if len(_DRAWN) >= _DRAWN_MAX:
            _DRAWN.pop(next(iter(_DRAWN)))
        _DRAWN[key] = draw(agreement, pack)
    return _DRAWN[key]


def draw(agreement: Agreement, pack: Pack) -> OrgChart:
    """Draw the organisation diagram of `agreement`, and its page as an upload of its own;
    the same input gives the same bytes."""
    plan = layout(agreement, pack)
    sheet = page(agreement, plan)
    caption = f"Organisationsdiagram for {agreement.area_name}"
    diagram = Picture(plan.width, plan.height, _shapes(plan), title=caption)
    shapes = _shapes(sheet.sheet) + _shapes(plan, sheet.scale, (sheet.left, sheet.top))
    upload = Picture(sheet.width, sheet.height, shapes, title=caption)
    return OrgChart(Drawing(diagram, dpi=_DPI), Drawing(upload, dpi=_DPI), caption)


_BOX_STYLE: dict[str, tuple[str, str, float]] = {  # fill, edge, line width
    "party": (HEAD, ACCENT, 0.8),
    "board": (WHITE, ACCENT, 1.1),
    "secretariat": (WHITE, RULE, 0.8),
    "subgroup": (WHITE, ACCENT, 0.8),
    "areas": (PALE, RULE, 0.6),
    "area": (WHITE, RULE, 0.8),
}
_BAR = 3.0  # width of an area's accent bar
_TOP: frozenset[Corner] = frozenset(("top_left", "top_right"))  # a header band's corners
_LEFT: frozenset[Corner] = frozenset(("top_left", "bottom_left"))  # an accent bar's
_DASH = (2.7, 1.8)  # a dashed line's dashes and gaps, at 0.9 pt wide


def _shapes(
    plan: Layout, scale: float = 1.0, origin: tuple[float, float] = (0.0, 0.0)
) -> tuple[Shape, ...]:
    """The shapes that paint `plan`, `scale` times its size with its top left at `origin`:
    lines under boxes under texts; line widths and texts grow with the scale."""
    left, top = origin

    def at(x: float, y: float) -> tuple[float, float]:
        return (left + x * scale, top + y * scale)

    shapes: list[Shape] = [
        Line(
            tuple(at(x, y) for x, y in line.points),
            MUTED if line.dashed else RULE,
            0.9 * scale,
            dash=tuple(d * scale for d in _DASH) if line.dashed else None,
            cap="butt" if line.dashed else "square",  # square ends close the corners
        )
        for line in plan.connectors
    ]
    for node in plan.nodes:
        shapes += _box(node, *at(node.x, node.y), scale)
    texts = [*(run for node in plan.nodes for run in node.texts), *plan.labels]
    shapes += [
        Text(
            *at(run.x, run.y),
            run.text,
            run.size * scale,
            run.weight,
            run.italic,
            run.color,
            "start" if run.align == "left" else "middle",
        )
        for run in texts
    ]
    return tuple(shapes)


def _box(node: Node, x: float, y: float, scale: float) -> list[Shape]:
    """A node's box at (x, y), with its header band or accent bar."""
    fill, edge, line_width = _BOX_STYLE[node.kind]
    width, height, radius = node.width * scale, node.height * scale, _RADIUS * scale
    shapes: list[Shape] = [Rect(x, y, width, height, fill, edge, line_width * scale, radius)]
    if node.header:
        shapes.append(rounded_box(x, y, width, node.header * scale, radius, edge, _TOP))
    if node.kind == "area":  # an accent bar on the left, as the focus areas' mark
        shapes.append(rounded_box(x, y, _BAR * scale, height, radius, ACCENT, _LEFT))
    return shapes
