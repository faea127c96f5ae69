"""Column widths of tables, from their content, measured in the documents' font.

Both renderers take these widths as they are (Word's w:gridCol, the HTML page's colgroup), so
a table has the same columns in the Word file and the PDF. The widths follow a browser's
automatic table layout: each column gets at least its longest word, so no word has to break
inside; what is left of the text width goes to the columns in proportion to how much more
they would like, up to their longest line.

Widths are in twips (1/20 pt) of the 16 cm text width of an A4 page with 2.5 cm margins;
renderers scale them to their own text width.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from agreementgen.text.markdown import Spans
from agreementgen.views.metrics import width_units

TEXT_WIDTH = 9071  # twips: 21 cm less 2 × 2.5 cm
# Table text in Word ('Table Text' style) and on the page (agreement.css): one size for all
# tables, so the widths measured here hold in both.
TABLE_PT = 9.5
# A cell's side margins (85 twips = 4.25 pt each, in the Word template's table style and
# agreement.css), its rule, and room for rounding and the layout engines' own arithmetic.
CELL_PADDING = 2 * 85 + 30
# Where a line may break inside a cell: white space, but not the no-break spaces that keep a
# number with its unit; a zero-width space is a break too.
_BREAK = re.compile(r"[^\S\u00a0\u202f]+|\u200b")

Cell = tuple[str, bool]
"""A cell's text ('\\n' between lines) and whether it is bold."""


def text_width(text: str, *, bold: bool = False) -> int:
    """The width of `text` on one line of table text, in twips, without kerning (which only
    narrows it)."""
    units, per_em = width_units(text, bold=bold)
    return math.ceil(units * TABLE_PT * 20 / per_em)


def amount_width(text: str) -> int:
    """The width of a column whose widest cell is the figure `text` in bold, padding
    included: the least width that lines the figures of several tables up."""
    return text_width(text, bold=True) + CELL_PADDING


def _words(text: str) -> list[str]:
    return [word for line in text.split("\n") for word in _BREAK.split(line) if word]


def _need(cell: Cell) -> tuple[int, int]:
    """The width of a cell's longest word and of its longest line, padding included."""
    text, bold = cell
    word = max((text_width(w, bold=bold) for w in _words(text)), default=0)
    line = max(text_width(line.strip(), bold=bold) for line in text.split("\n"))
    return word + CELL_PADDING, line + CELL_PADDING


def _unbreakable(cell: Cell, *, header: bool) -> int:
    """The width of a cell's longest word that hyphenation cannot break, padding included:
    every word of a header (headers are never hyphenated) and any word with a digit."""
    text, bold = cell
    words = [w for w in _words(text) if header or any(c.isdigit() for c in w)]
    return max((text_width(w, bold=bold) for w in words), default=0) + CELL_PADDING


def column_widths(
    header: Sequence[Sequence[Cell]],
    rows: Sequence[Sequence[Cell]],
    total: int = TEXT_WIDTH,
    *,
    least: Sequence[int] = (),
    fixed: Sequence[bool] = (),
) -> tuple[int, ...]:
    """Share `total` twips between the columns of a table by what their cells need.

    `least` gives columns a width they get at the least (twips), so that columns of several
    tables line up; a `fixed` column (figures, which never wrap) takes no more than it needs
    while another column can use the room. Where even the longest words do not fit side by
    side, the widest columns give way first, down to their longest word that hyphenation
    cannot break (a header's words, numbers): the longer words in them are then hyphenated
    (agreement.css and the Word template hyphenate Danish). Only a table too wide for that
    shrinks every column alike.
    """
    count = max(len(row) for row in (*header, *rows))
    floor, low, high = [0] * count, [0] * count, [0] * count
    for is_header, table_rows in ((True, header), (False, rows)):
        for row in table_rows:
            for column, cell in enumerate(row):
                word, line = _need(cell)
                low[column] = max(low[column], word)
                high[column] = max(high[column], line)
                floor[column] = max(floor[column], _unbreakable(cell, header=is_header))
    for column, width in enumerate(least[:count]):
        low[column], high[column] = max(low[column], width), max(high[column], width)
    if sum(high) <= total:
        growing = [
            h if not (column < len(fixed) and fixed[column]) else 0 for column, h in enumerate(high)
        ]
        share = growing if any(growing) else high
        spare = total - sum(high)
        return exact([h + spare * s / sum(share) for h, s in zip(high, share, strict=True)], total)
    if sum(low) <= total:
        spare = total - sum(low)
        wants = [h - lo for h, lo in zip(high, low, strict=True)]
        return exact([lo + spare * w / sum(wants) for lo, w in zip(low, wants, strict=True)], total)
    if sum(floor) <= total:
        cap = _cap(floor, low, total)
        return exact([max(f, min(lo, cap)) for f, lo in zip(floor, low, strict=True)], total)
    return exact([f * total / sum(floor) for f in floor], total)


def _cap(floor: Sequence[int], low: Sequence[int], total: int) -> int:
    """The largest width to cut the widest columns down to (not below their floor) so that
    the columns fit in `total`."""
    least, most = 0, max(low)
    while least < most:
        cap = (least + most + 1) // 2
        if sum(max(f, min(lo, cap)) for f, lo in zip(floor, low, strict=True)) <= total:
            least = cap
        else:
            most = cap - 1
    return least


def spans_cell(spans: Spans, *, bold: bool = False) -> Cell:
    """A cell of Markdown spans, bold where any of them is (a little wide, never narrow)."""
    return "".join(s.text for s in spans), bold or any(s.bold for s in spans)


def spans_widths(
    header: Sequence[Sequence[Spans]], rows: Sequence[Sequence[Spans]]
) -> tuple[int, ...]:
    """Column widths of a table of span cells; header cells are bold."""
    return column_widths(
        [[spans_cell(cell, bold=True) for cell in row] for row in header],
        [[spans_cell(cell) for cell in row] for row in rows],
    )


def exact(widths: Sequence[float], total: int) -> tuple[int, ...]:
    """Round widths to whole twips that add up to `total` exactly."""
    result = [math.floor(w) for w in widths]
    result[-1] += total - sum(result)
    return tuple(result)


def scaled(shares: Sequence[int], total: int) -> tuple[int, ...]:
    """Relative column widths as whole twips of a table `total` twips wide."""
    return exact([total * share / sum(shares) for share in shares], total)
