"""A picture as a PNG image, for Word: painted with Pillow at a few times its resolution and
scaled down, which smooths the edges of shapes and texts alike."""

from __future__ import annotations

import functools
import itertools
import math
import struct
import zlib
from dataclasses import replace
from typing import TYPE_CHECKING

from agreementgen import __version__
from agreementgen.fonts import face_file
from agreementgen.views.drawing import (
    Circle,
    Line,
    Path,
    Picture,
    Point,
    Polygon,
    Rect,
    Text,
    text_start,
)

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

# What is painted oversampled: every shape but a text.
Figure = Rect | Line | Polygon | Circle | Path

# Painted at this many times the resolution, then scaled down: anti-aliased edges.
_OVERSAMPLE = 2
_CURVE_STEPS = 12
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_RGB = 2  # IHDR's colour type: three 8-bit samples a pixel
_METRE = 1  # pHYs's unit: pixels a metre
_DEFLATE_LEVEL = 3


def png(picture: Picture, dpi: float) -> bytes:
    """The picture as a PNG of `dpi` pixels an inch, its size in points at that resolution.

    Shapes are painted at a few times the resolution and scaled down; texts after them, at
    the resolution itself, as FreeType smooths their edges on its own. Painting the texts
    oversampled was half the picture's time. The pictures never lay a shape over a text
    (tests/test_drawing.py checks that), so painting the texts last paints the same picture.
    """
    from PIL import Image, ImageDraw

    size = (round(picture.width * dpi / 72), round(picture.height * dpi / 72))
    scale = dpi / 72
    image = Image.new("RGB", (size[0] * _OVERSAMPLE, size[1] * _OVERSAMPLE), picture.background)
    texts = [shape for shape in picture.shapes if isinstance(shape, Text)]
    for shape in picture.shapes:
        if not isinstance(shape, Text):
            _paint(image, shape, scale * _OVERSAMPLE)
    image = image.reduce(_OVERSAMPLE)  # each pixel the mean of its block: quick, and smooth
    draw = ImageDraw.Draw(image)
    for text in texts:
        _text(draw, text, scale)
    return _encoded(image, dpi)


def _encoded(image: Image.Image, dpi: float) -> bytes:
    """The RGB image as PNG file bytes: its pixel density, the software's name, no date.

    Written here rather than by Pillow, whose encoder tries every PNG row filter on every row:
    two thirds of a diagram's time. Our pictures are flat colours, which deflate well as they
    are, so the rows go unfiltered, at deflate's level 3: a third of Pillow's time at its
    fastest level, and a smaller file.
    """
    width, height = image.size
    pixels = image.tobytes()
    stride = 3 * width
    # Each row starts with its filter type, 0: none.
    rows = b"".join(b"\0" + pixels[at : at + stride] for at in range(0, len(pixels), stride))
    per_metre = round(dpi / 0.0254)
    return b"".join(
        (
            _SIGNATURE,
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, _RGB, 0, 0, 0)),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, _METRE)),
            _chunk(b"tEXt", b"Software\0" + f"agreementgen {__version__}".encode("latin-1")),
            _chunk(b"IDAT", zlib.compress(rows, _DEFLATE_LEVEL)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    """A PNG chunk: its length, type, data and the CRC of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _paint(image: Image.Image, shape: Figure, scale: float) -> None:
    """Paint a shape; a see-through one with its colours' alpha, which Pillow blends into the
    pixels it covers (copying and blending the whole canvas took a second per timeline)."""
    from PIL import ImageDraw

    if isinstance(shape, Line) or shape.opacity >= 1:
        _draw(ImageDraw.Draw(image), shape, scale)
        return
    alpha = f"{round(shape.opacity * 255):02x}"
    see_through = replace(
        shape,
        fill=shape.fill and shape.fill + alpha,
        stroke=shape.stroke and shape.stroke + alpha,
    )
    _draw(ImageDraw.Draw(image, "RGBA"), see_through, scale)


def _draw(draw: ImageDraw.ImageDraw, shape: Figure, scale: float) -> None:
    if isinstance(shape, Rect):
        box = (
            shape.x * scale,
            shape.y * scale,
            (shape.x + shape.width) * scale,
            (shape.y + shape.height) * scale,
        )
        draw.rounded_rectangle(
            box,
            radius=shape.radius * scale,
            fill=shape.fill,
            outline=shape.stroke if shape.stroke_width > 0 else None,
            width=_pixels(shape.stroke_width, scale) if shape.stroke else 0,
        )
    elif isinstance(shape, Line):
        _line(draw, shape, scale)
    elif isinstance(shape, Polygon):
        _polygon(draw, shape.points, shape.fill, shape.stroke, shape.stroke_width, scale)
    elif isinstance(shape, Path):
        _polygon(draw, _flatten(shape), shape.fill, shape.stroke, shape.stroke_width, scale)
    else:
        r = shape.r * scale
        cx, cy = shape.cx * scale, shape.cy * scale
        draw.ellipse(
            (cx - r, cy - r, cx + r, cy + r),
            fill=shape.fill,
            outline=shape.stroke if shape.stroke_width > 0 else None,
            width=_pixels(shape.stroke_width, scale) if shape.stroke else 0,
        )


def _pixels(width: float, scale: float) -> int:
    return max(1, round(width * scale))


def _polygon(
    draw: ImageDraw.ImageDraw,
    points: tuple[Point, ...],
    fill: str | None,
    stroke: str | None,
    stroke_width: float,
    scale: float,
) -> None:
    scaled = [(x * scale, y * scale) for x, y in points]
    if fill:
        draw.polygon(scaled, fill=fill)
    if stroke and stroke_width > 0:
        draw.line(
            [*scaled, scaled[0]], fill=stroke, width=_pixels(stroke_width, scale), joint="curve"
        )


def _line(draw: ImageDraw.ImageDraw, line: Line, scale: float) -> None:
    width = _pixels(line.width, scale)
    points = [(x * scale, y * scale) for x, y in _capped(line)]
    pieces = _dashes(points, [d * scale for d in line.dash]) if line.dash else [points]
    for piece in pieces:
        draw.line(piece, fill=line.color, width=width, joint="curve")
        if line.cap == "round":
            for x, y in (piece[0], piece[-1]):
                r = width / 2
                draw.ellipse((x - r, y - r, x + r, y + r), fill=line.color)


def _capped(line: Line) -> tuple[Point, ...]:
    """The line's points, its ends drawn out by half its width when its caps are square."""
    if line.cap != "square" or len(line.points) < 2:
        return line.points
    return (
        _extend(line.points[1], line.points[0], line.width / 2),
        *line.points[1:-1],
        _extend(line.points[-2], line.points[-1], line.width / 2),
    )


def _extend(start: Point, end: Point, by: float) -> Point:
    length = math.dist(start, end) or 1.0
    return (end[0] + (end[0] - start[0]) * by / length, end[1] + (end[1] - start[1]) * by / length)


def _dashes(points: list[Point], pattern: list[float]) -> list[list[Point]]:
    """The pieces of a polyline that a dash pattern (on, off, on, off …) draws."""
    pieces: list[list[Point]] = []
    index, left, on = 0, pattern[0], True
    current: list[Point] = [points[0]]
    for start, end in itertools.pairwise(points):
        length, done = math.dist(start, end), 0.0
        while length - done > left:
            done += left
            t = done / length
            point = (start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t)
            if on:
                pieces.append([*current, point])
            current = [point]
            on = not on
            index = (index + 1) % len(pattern)
            left = pattern[index]
        left -= length - done
        current.append(end)
    if on and len(current) > 1:
        pieces.append(current)
    return pieces


def _flatten(path: Path) -> tuple[Point, ...]:
    """The path's outline as points, its curves cut into short straight pieces."""
    points: list[Point] = []
    for command in path.commands:
        if len(command) == 3:  # M or L
            points.append((command[1], command[2]))
            continue
        x0, y0 = points[-1]
        _, x1, y1, x2, y2, x3, y3 = command
        for step in range(1, _CURVE_STEPS + 1):
            t = step / _CURVE_STEPS
            u = 1 - t
            points.append(
                (
                    u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                    u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
                )
            )
    return tuple(points)


@functools.cache
def _font(pixels: float, bold: bool, italic: bool) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(face_file(bold=bold, italic=italic)), pixels)


def _text(draw: ImageDraw.ImageDraw, text: Text, scale: float) -> None:
    # A fractional size: rounded to whole pixels, a line would be up to 2 % off its width.
    font = _font(text.size * scale, text.weight == "bold", text.italic)
    draw.text(
        (text_start(text) * scale, text.y * scale),
        text.text,
        fill=text.color,
        font=font,
        anchor="ls",
    )
