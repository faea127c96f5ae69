"""Render stage: a picture agreementgen draws itself (the organisation diagram, the timeline).

A picture is a `Picture`: a page of plain shapes in points, origin top-left, y downwards.
Each shape is a frozen dataclass, so a picture is hashable and two pictures of the same are
equal (redline skips a document whose view did not change):

- `Rect(x, y, width, height, fill, stroke=None, stroke_width=0.0, radius=0.0, opacity=1.0)`
- `Line(points, color, width, dash=None, cap="butt")`: an open polyline; `dash` in points
- `Polygon(points, fill, stroke=None, stroke_width=0.0, opacity=1.0)`: closed
- `Circle(cx, cy, r, fill, stroke=None, stroke_width=0.0, opacity=1.0)`
- `Path(commands, fill, stroke=None, stroke_width=0.0, opacity=1.0)`: closed outline of
  ("M", x, y), ("L", x, y) and ("C", x1, y1, x2, y2, x, y) commands (cubic Béziers), for
  shapes such as a band with rounded top corners
- `Text(x, y, text, size, weight="normal", italic=False, color=INK, anchor="start")`: one
  line; y is its baseline; anchor says whether x is its start, middle or end
- `Picture(width, height, shapes, title="", background=WHITE)`: shapes painted in order

`text_width(text, size, weight, italic)` measures a line in points from the font files'
advance widths, without kerning (which only narrows Source Sans Pro's lines a little).

A `Drawing` (views/picture_files.py) wraps a picture and writes it in a format only when a
document first asks for it: Word takes the PNG, HTML the SVG, the organisation diagram's own
upload the PDF. Each writer (views/picture_svg.py, picture_png.py, picture_pdf.py) is
imported when first used and gives the same bytes for the same picture.

The pictures are set in the documents' font, Source Sans Pro, from the font files of the
font-source-sans-pro package: every machine measures and draws the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agreementgen.fonts import FAMILY
from agreementgen.views.metrics import width_units

# The house palette, as hex RGB: the drawings, the Word template (templates/make_docx_template.py)
# and agreement.css (its custom properties, checked by a test) all take their colours from here.
INK = "#1D1D1B"  # text
MUTED = "#5A5A5A"  # secondary text
RULE = "#9AA5AD"  # lines and borders
HEAD = "#E6ECF0"  # table heads and header boxes
ACCENT = "#1F4E79"  # headings and emphasis
PALE = "#F4F6F8"  # box fills
BAND = "#F1F4F7"  # alternate bands of the timeline
WHITE = "#FFFFFF"

Weight = Literal["normal", "bold"]
Anchor = Literal["start", "middle", "end"]
Cap = Literal["butt", "square", "round"]
Point = tuple[float, float]
# A browser shows an SVG picture with the fonts installed on its machine, not those its page
# loads: the SVG names the font as agreement.css does, and Carlito and Calibri are no wider.
SVG_FONTS = f"'{FAMILY}', Carlito, Calibri, sans-serif"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str | None
    stroke: str | None = None
    stroke_width: float = 0.0
    radius: float = 0.0
    opacity: float = 1.0


@dataclass(frozen=True)
class Line:
    points: tuple[Point, ...]
    color: str
    width: float
    dash: tuple[float, ...] | None = None
    cap: Cap = "butt"


@dataclass(frozen=True)
class Polygon:
    points: tuple[Point, ...]
    fill: str | None
    stroke: str | None = None
    stroke_width: float = 0.0
    opacity: float = 1.0


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str | None
    stroke: str | None = None
    stroke_width: float = 0.0
    opacity: float = 1.0


Command = tuple[str, float, float] | tuple[str, float, float, float, float, float, float]


@dataclass(frozen=True)
class Path:
    commands: tuple[Command, ...]
    fill: str | None
    stroke: str | None = None
    stroke_width: float = 0.0
    opacity: float = 1.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float
    weight: Weight = "normal"
    italic: bool = False
    color: str = INK
    anchor: Anchor = "start"


Shape = Rect | Line | Polygon | Circle | Path | Text


@dataclass(frozen=True)
class Picture:
    width: float
    height: float
    shapes: tuple[Shape, ...]
    title: str = ""
    background: str = WHITE


def text_width(text: str, size: float, weight: Weight = "normal", italic: bool = False) -> float:
    """The advance of `text` set on one line in `size` points, in points, without kerning."""
    units, per_em = width_units(text, bold=weight == "bold", italic=italic)
    return units * size / per_em


def text_start(text: Text) -> float:
    """Where a text's line starts, from its anchor."""
    if text.anchor == "start":
        return text.x
    width = text_width(text.text, text.size, text.weight, text.italic)
    return text.x - (width / 2 if text.anchor == "middle" else width)


Corner = Literal["top_left", "top_right", "bottom_right", "bottom_left"]
ALL_CORNERS: frozenset[Corner] = frozenset(("top_left", "top_right", "bottom_right", "bottom_left"))
KAPPA = 0.5523  # a quarter circle's Bézier handles, as a fraction of its radius


def rounded_box(
    x: float,
    y: float,
    width: float,
    height: float,
    radius: float,
    fill: str,
    corners: frozenset[Corner] = ALL_CORNERS,
) -> Path:
    """The outline of a box with the `corners` rounded, the others square: a rounded box, the
    header band at its top or the accent bar down its left."""
    r = min(radius, width / 2, height / 2)
    right, bottom = x + width, y + height
    # Clockwise from the top left: each corner, the way the outline comes in and goes out.
    turns: tuple[tuple[Corner, Point, Point, Point], ...] = (
        ("top_left", (x, y), (0, -1), (1, 0)),
        ("top_right", (right, y), (1, 0), (0, 1)),
        ("bottom_right", (right, bottom), (0, 1), (-1, 0)),
        ("bottom_left", (x, bottom), (-1, 0), (0, -1)),
    )
    commands: list[Command] = []
    for name, (cx, cy), (ix, iy), (ox, oy) in turns:
        if name not in corners or r <= 0:
            commands.append(("L", cx, cy))
            continue
        start, end = (cx - ix * r, cy - iy * r), (cx + ox * r, cy + oy * r)
        k = r * KAPPA
        commands.append(("L", *start))
        commands.append(
            ("C", start[0] + ix * k, start[1] + iy * k, end[0] - ox * k, end[1] - oy * k, *end)
        )
    commands[0] = ("M", *commands[0][1:3])
    return Path(tuple(commands), fill=fill)
