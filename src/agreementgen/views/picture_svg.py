"""A picture as an SVG document, for the HTML page: shapes as SVG elements, texts as real
`<text>` (searchable, selectable), sized in points so that it prints at its size."""

from __future__ import annotations

from xml.sax.saxutils import escape

from agreementgen.views.drawing import (
    SVG_FONTS,
    Circle,
    Line,
    Path,
    Picture,
    Polygon,
    Rect,
    Shape,
    Text,
)


def svg(picture: Picture) -> str:
    """The picture as a standalone SVG document."""
    width, height = _num(picture.width), _num(picture.height)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="{height}pt"'
        f' viewBox="0 0 {width} {height}" version="1.1">\n',
        f"<title>{escape(picture.title)}</title>\n",
        f'<rect width="{width}" height="{height}" fill="{picture.background}"/>\n',
        f'<g style="font-family: {escape(SVG_FONTS)}">\n',
    ]
    parts.extend(_element(shape) + "\n" for shape in picture.shapes)
    parts.append("</g>\n</svg>\n")
    return "".join(parts)


def _num(value: float) -> str:
    """A number short and exact enough: two decimals of a point, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _points(points: tuple[tuple[float, float], ...]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def _paint(fill: str | None, stroke: str | None, stroke_width: float, opacity: float) -> str:
    """The fill, stroke and opacity attributes of a shape."""
    attributes = f' fill="{fill or "none"}"'
    if stroke and stroke_width > 0:
        attributes += f' stroke="{stroke}" stroke-width="{_num(stroke_width)}"'
    if opacity < 1:
        attributes += f' opacity="{_num(opacity)}"'
    return attributes


def _element(shape: Shape) -> str:
    if isinstance(shape, Rect):
        rounded = f' rx="{_num(shape.radius)}"' if shape.radius else ""
        return (
            f'<rect x="{_num(shape.x)}" y="{_num(shape.y)}" width="{_num(shape.width)}"'
            f' height="{_num(shape.height)}"{rounded}'
            f"{_paint(shape.fill, shape.stroke, shape.stroke_width, shape.opacity)}/>"
        )
    if isinstance(shape, Line):
        dash = f' stroke-dasharray="{" ".join(_num(d) for d in shape.dash)}"' if shape.dash else ""
        return (
            f'<polyline points="{_points(shape.points)}" fill="none" stroke="{shape.color}"'
            f' stroke-width="{_num(shape.width)}" stroke-linecap="{shape.cap}"'
            f' stroke-linejoin="round"{dash}/>'
        )
    if isinstance(shape, Polygon):
        paint = _paint(shape.fill, shape.stroke, shape.stroke_width, shape.opacity)
        return f'<polygon points="{_points(shape.points)}"{paint}/>'
    if isinstance(shape, Circle):
        return (
            f'<circle cx="{_num(shape.cx)}" cy="{_num(shape.cy)}" r="{_num(shape.r)}"'
            f"{_paint(shape.fill, shape.stroke, shape.stroke_width, shape.opacity)}/>"
        )
    if isinstance(shape, Path):
        data = " ".join(
            command[0] + " ".join(_num(v) for v in command[1:]) for command in shape.commands
        )
        paint = _paint(shape.fill, shape.stroke, shape.stroke_width, shape.opacity)
        return f'<path d="{data} Z"{paint}/>'
    return _text(shape)


def _text(text: Text) -> str:
    style = ' font-weight="bold"' if text.weight == "bold" else ""
    style += ' font-style="italic"' if text.italic else ""
    anchor = f' text-anchor="{text.anchor}"' if text.anchor != "start" else ""
    return (
        f'<text x="{_num(text.x)}" y="{_num(text.y)}" font-size="{_num(text.size)}"'
        f' fill="{text.color}"{style}{anchor} xml:space="preserve">'
        f"{escape(text.text)}</text>"
    )
