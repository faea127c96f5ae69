"""The picture model and its writers: what an SVG, PNG and PDF of a picture show."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from agreementgen import __version__
from agreementgen.kinds.milestones import timeline
from agreementgen.views import orgchart
from agreementgen.views.drawing import (
    ACCENT,
    HEAD,
    RULE,
    WHITE,
    Circle,
    Line,
    Picture,
    Polygon,
    Rect,
    Shape,
    Text,
    rounded_box,
    text_width,
)
from agreementgen.views.picture_files import Drawing
from agreementgen.views.picture_png import _encoded
from tests.helpers import load, require_tool
from tests.rulecase import EXAMPLE
from tests.test_kind_milestones import _chart
from tests.test_timeline_picture import VIBORG
from tests.test_timeline_picture import _box as text_box
from tests.test_timeline_picture import _overlap as overlap

SVG = "{http://www.w3.org/2000/svg}"
NAME = 'Ærø <&"> Østjylland'


def _picture(title: str = "Prøve") -> Picture:
    return Picture(
        200.0,
        100.0,
        (
            Rect(10, 10, 80, 40, HEAD, ACCENT, 1.0, radius=3.0),
            rounded_box(10, 10, 80, 12, 3.0, ACCENT, frozenset(("top_left", "top_right"))),
            Line(((10, 70), (190, 70), (190, 90)), RULE, 1.0, dash=(3, 2), cap="square"),
            Polygon(((100, 60), (120, 60), (110, 80)), "#FF0000"),
            Circle(150, 30, 10, ACCENT, opacity=0.5),
            Text(50, 35, NAME, 9.0, "bold", anchor="middle"),
            Text(12, 95, "kursiv å", 7.0, italic=True),
        ),
        title=title,
    )


@pytest.fixture(scope="module")
def drawing() -> Drawing:
    return Drawing(_picture(), dpi=144)


def test_text_width_is_the_sum_of_the_advances_at_the_size() -> None:
    assert text_width("", 10) == 0
    assert text_width("nn", 10) == pytest.approx(2 * text_width("n", 10))
    assert text_width("Bestyrelsen", 20) == pytest.approx(2 * text_width("Bestyrelsen", 10))
    assert text_width("Bestyrelsen", 10, "bold") > text_width("Bestyrelsen", 10)
    assert 40 < text_width("Bestyrelsen", 10) < 60  # about half an em a letter


def test_equal_pictures_make_equal_drawings() -> None:
    assert Drawing(_picture(), dpi=144) == Drawing(_picture(), dpi=144)
    assert hash(Drawing(_picture(), dpi=144)) == hash(Drawing(_picture(), dpi=144))
    assert Drawing(_picture(), dpi=144) != Drawing(_picture("Andet"), dpi=144)


def test_the_svg_has_real_escaped_text_and_its_size(drawing: Drawing) -> None:
    root = ET.fromstring(drawing.svg)  # parses: the user text is escaped
    assert root.findtext(f"{SVG}title") == "Prøve"
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == (
        "200pt",
        "100pt",
        "0 0 200 100",
    )
    texts = {t.text: t for t in root.iter(f"{SVG}text")}
    assert set(texts) == {NAME, "kursiv å"}
    assert texts[NAME].get("text-anchor") == "middle"
    assert texts[NAME].get("font-weight") == "bold"
    assert texts["kursiv å"].get("font-style") == "italic"
    assert "'Source Sans Pro', Carlito, Calibri, sans-serif" in drawing.svg
    assert root.find(f".//{SVG}polyline").get("stroke-dasharray") == "3 2"  # type: ignore[union-attr]


def test_the_png_has_its_size_and_its_colours(drawing: Drawing) -> None:
    image = Image.open(io.BytesIO(drawing.png)).convert("RGB")
    assert image.size == (400, 200)  # 200 × 100 pt at 144 dpi
    assert image.info["dpi"] == pytest.approx((144, 144), abs=0.1)
    assert b"tIME" not in drawing.png
    assert image.getpixel((5, 5)) == (255, 255, 255)
    assert image.getpixel((220, 150)) == (255, 0, 0)  # inside the triangle
    band = image.getpixel((60, 26))  # the header band is the accent colour
    assert band == (0x1F, 0x4E, 0x79)
    red, green, blue = image.getpixel((300, 60))  # the circle, half see-through
    assert (red, green, blue) != (0x1F, 0x4E, 0x79) and red < 200 and blue > red


def test_the_pdf_has_searchable_text_in_the_embedded_font(drawing: Drawing, tmp_path: Path) -> None:
    path = tmp_path / "picture.pdf"
    path.write_bytes(drawing.pdf)
    text = subprocess.run(
        [require_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert NAME in text and "kursiv å" in text
    fonts = subprocess.run(
        [require_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    names = {line.split()[0].partition("+")[2] for line in fonts}
    assert names == {"SourceSansPro-Bold", "SourceSansPro-It"}
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts)  # emb sub uni
    assert re.search(rb"/MediaBox \[0 0 200 100\]", drawing.pdf)
    assert b"CreationDate" not in drawing.pdf


def test_the_pdf_shows_the_shapes(drawing: Drawing, tmp_path: Path) -> None:
    path = tmp_path / "picture.pdf"
    path.write_bytes(drawing.pdf)
    subprocess.run(
        [require_tool("pdftoppm"), "-r", "144", "-png", str(path), str(tmp_path / "page")],
        check=True,
    )
    image = Image.open(tmp_path / "page-1.png").convert("RGB")
    assert image.size == (400, 200)
    assert image.getpixel((220, 150)) == (255, 0, 0)
    assert image.getpixel((60, 26)) == (0x1F, 0x4E, 0x79)


def test_same_picture_same_bytes() -> None:
    first, again = Drawing(_picture(), dpi=144), Drawing(_picture(), dpi=144)
    assert (again.pdf, again.svg, again.png) == (first.pdf, first.svg, first.png)


def test_a_white_picture_is_white() -> None:
    image = Image.open(io.BytesIO(Drawing(Picture(10, 10, ()), dpi=72).png))
    assert image.size == (10, 10)
    assert image.convert("RGB").getcolors() == [
        (100, tuple(int(WHITE[i : i + 2], 16) for i in (1, 3, 5)))
    ]


def test_a_rounded_box_rounds_only_the_corners_it_is_asked_for() -> None:
    band = rounded_box(10, 20, 80, 12, 3.0, ACCENT, frozenset(("top_left", "top_right")))
    ends = [command[-2:] for command in band.commands]
    assert band.commands[0][0] == "M"
    assert (90, 32) in ends and (10, 32) in ends  # the bottom corners stay square
    assert (10, 20) not in ends and (90, 20) not in ends  # the top ones are cut by curves
    assert [command[0] for command in band.commands].count("C") == 2
    assert {(13.0, 20.0), (10.0, 23.0), (87.0, 20.0), (90.0, 23.0)} <= set(ends)
    square = rounded_box(0, 0, 10, 10, 0.0, ACCENT)
    assert [command[-2:] for command in square.commands] == [(0, 0), (10, 0), (10, 10), (0, 10)]


# -- shapes never cover a text -------------------------------------------------------------
# The PNG writer paints the texts after every shape (views/picture_png.py): the same picture
# only as long as no shape drawn after a text lies over it.


def _boxes(shape: Shape) -> list[tuple[float, float, float, float]]:
    """Where a shape paints: its box, or each of a line's segments' boxes."""
    if isinstance(shape, Rect):
        return [(shape.x, shape.y, shape.x + shape.width, shape.y + shape.height)]
    if isinstance(shape, Circle):
        return [(shape.cx - shape.r, shape.cy - shape.r, shape.cx + shape.r, shape.cy + shape.r)]
    if isinstance(shape, Line):
        half = shape.width / 2
        return [
            (
                min(a[0], b[0]) - half,
                min(a[1], b[1]) - half,
                max(a[0], b[0]) + half,
                max(a[1], b[1]) + half,
            )
            for a, b in itertools.pairwise(shape.points)
        ]
    points = shape.points if isinstance(shape, Polygon) else [c[-2:] for c in shape.commands]
    xs, ys = zip(*points, strict=True)
    return [(min(xs), min(ys), max(xs), max(ys))]


def _covered_texts(picture: Picture) -> list[tuple[Text, Shape]]:
    shapes = picture.shapes
    return [
        (text, later)
        for i, text in enumerate(shapes)
        if isinstance(text, Text)
        for later in shapes[i + 1 :]
        if not isinstance(later, Text)
        and any(overlap(text_box(text), box) for box in _boxes(later))
    ]


@pytest.mark.parametrize("folder", [VIBORG, EXAMPLE], ids=["viborg", "example"])
def test_no_shape_is_drawn_over_a_text(folder: Path) -> None:
    loaded = load(folder)
    chart = orgchart.draw(loaded.agreement, loaded.pack)
    for picture in (chart.drawing.picture, chart.page.picture, timeline.picture(_chart(folder))):
        assert _covered_texts(picture) == []


def test_the_check_for_covered_texts_sees_a_covered_text() -> None:
    text = Text(10, 20, "Bestyrelsen", 10.0)
    assert _covered_texts(Picture(100, 40, (text, Rect(12, 12, 5, 5, "#000000")))) == [
        (text, Rect(12, 12, 5, 5, "#000000"))
    ]
    assert _covered_texts(Picture(100, 40, (Rect(12, 12, 5, 5, "#000000"), text))) == []


def test_the_png_writer_writes_a_png_every_reader_takes_pixel_for_pixel() -> None:
    # Every colour in every position, so a wrong byte of any row or channel shows.
    image = Image.new("RGB", (37, 23))
    image.putdata(
        [(x * 7 % 256, y * 11 % 256, (x * y) % 256) for y in range(23) for x in range(37)]
    )
    data = _encoded(image, 200)
    Image.open(io.BytesIO(data)).verify()  # the chunks' CRCs and the deflate stream
    again = Image.open(io.BytesIO(data))
    assert again.mode == "RGB" and again.size == (37, 23)
    assert list(again.getdata()) == list(image.getdata())
    assert again.info["dpi"] == pytest.approx((200, 200), abs=0.01)
    assert again.info["Software"] == f"agreementgen {__version__}"
