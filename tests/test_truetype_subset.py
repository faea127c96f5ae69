"""The TrueType reader and subsetter behind the pictures' PDFs (views/truetype.py), checked
against fontTools: the subset keeps each used glyph's outline at its glyph id, empties the
rest, follows composite glyphs and is a valid font file."""

from __future__ import annotations

import io
import math
import struct
from typing import Any

import pytest
from fontTools.fontBuilder import FontBuilder  # type: ignore[import-untyped]
from fontTools.pens.ttGlyphPen import TTGlyphPen  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from agreementgen.fonts import FACES, face_file
from agreementgen.views import truetype

TEXT = "Boligselskabet Sct. Jørgen – Fællessekretariatet: én delaftale pr. indsatsområde"
PDF_TABLES = ["cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "prep"]


def regular() -> bytes:
    return face_file().read_bytes()


def glyph_ids(font: bytes, text: str) -> set[int]:
    """The glyph ids of the characters of `text`, by fontTools' reading of the character map."""
    opened = TTFont(io.BytesIO(font))
    cmap = opened.getBestCmap()
    return {opened.getGlyphID(cmap[ord(char)]) for char in text}


def outline(font: Any, gid: int) -> tuple[Any, ...]:
    """What a glyph draws: its points, contour ends and flags (components resolved), its
    components (glyph id, offset, flags, transform) and its hinting instructions."""
    glyf = font["glyf"]
    glyph = glyf[font.getGlyphOrder()[gid]]
    coordinates, ends, flags = glyph.getCoordinates(glyf)
    parts = [
        (font.getGlyphID(c.glyphName), c.x, c.y, c.flags, getattr(c, "transform", None))
        for c in getattr(glyph, "components", [])
    ]
    program = glyph.program.getBytecode() if hasattr(glyph, "program") else b""
    return list(coordinates), ends, list(flags), parts, program


def is_empty(font: Any, gid: int) -> bool:
    loca = font["loca"]
    return bool(loca[gid] == loca[gid + 1])


def assert_valid(font: bytes) -> Any:
    """`font` opened by fontTools after checking its table directory and checksums."""
    count, search_range, selector, shift = struct.unpack_from(">4H", font, 4)
    power = 2 ** math.floor(math.log2(count))
    assert (search_range, selector, shift) == (
        16 * power,
        math.log2(power),
        16 * count - 16 * power,
    )
    records = [struct.unpack_from(">4sIII", font, 12 + 16 * i) for i in range(count)]
    assert [tag for tag, *_ in records] == sorted(tag for tag, *_ in records)
    assert all(offset % 4 == 0 for _, _, offset, _ in records)
    padded = font + bytes(-len(font) % 4)
    assert sum(struct.unpack(f">{len(padded) // 4}I", padded)) % 2**32 == 0xB1B0AFBA
    opened = TTFont(io.BytesIO(font), checkChecksums=2)  # a bad checksum raises
    for tag in sorted(opened.keys()):  # reading a table checks its checksum
        opened[tag]
    return opened


def test_the_subset_keeps_each_used_glyph_at_its_id_with_its_outline_and_metrics() -> None:
    font = regular()
    used = glyph_ids(font, TEXT)
    original = TTFont(io.BytesIO(font))
    subset = assert_valid(truetype.subset(font, used))
    assert subset["maxp"].numGlyphs == original["maxp"].numGlyphs
    names, subset_names = original.getGlyphOrder(), subset.getGlyphOrder()
    for gid in used | {0}:
        assert is_empty(subset, gid) == is_empty(original, gid)  # only a space is empty
        assert outline(subset, gid) == outline(original, gid)
        assert subset["hmtx"][subset_names[gid]] == original["hmtx"][names[gid]]


def test_the_subset_empties_every_glyph_not_used() -> None:
    font = regular()
    used = glyph_ids(font, "Sekretariatsbetjening")  # no space: every glyph has an outline
    subset = assert_valid(truetype.subset(font, used))
    empty = [gid for gid in range(subset["maxp"].numGlyphs) if is_empty(subset, gid)]
    assert sorted(set(range(subset["maxp"].numGlyphs)) - set(empty)) == sorted(used | {0})
    assert all(subset["hmtx"][subset.getGlyphOrder()[gid]] == (0, 0) for gid in empty)


@pytest.mark.parametrize("char", ["å", "Å"])
def test_a_composite_glyph_keeps_its_components(char: str) -> None:
    font = regular()
    original = TTFont(io.BytesIO(font))
    [gid] = glyph_ids(font, char)
    glyph = original["glyf"][original.getGlyphOrder()[gid]]
    assert glyph.isComposite()  # a letter and its ring, in Source Sans Pro
    parts = {original.getGlyphID(c.glyphName) for c in glyph.components}
    subset = assert_valid(truetype.subset(font, {gid}))
    for part in parts:
        assert not is_empty(subset, part)
        assert outline(subset, part) == outline(original, part)
    assert outline(subset, gid) == outline(original, gid)


def test_the_subset_keeps_only_the_tables_a_pdf_needs() -> None:
    subset = assert_valid(truetype.subset(regular(), {1}))
    assert sorted(set(subset.keys()) - {"GlyphOrder"}) == PDF_TABLES
    assert subset["head"].indexToLocFormat == 1


def test_the_subset_depends_only_on_the_glyph_set() -> None:
    font = regular()
    assert truetype.subset(font, [5, 3, 3, 9]) == truetype.subset(font, {9, 5, 3})


def test_the_subset_s_bounding_box_is_its_glyphs() -> None:
    font = regular()
    used = glyph_ids(font, "Viborg")
    subset = assert_valid(truetype.subset(font, used))
    glyf = subset["glyf"]
    glyphs = [glyf[subset.getGlyphOrder()[gid]] for gid in used | {0}]
    head = subset["head"]
    assert (head.xMin, head.yMin, head.xMax, head.yMax) == (
        min(g.xMin for g in glyphs),
        min(g.yMin for g in glyphs),
        max(g.xMax for g in glyphs),
        max(g.yMax for g in glyphs),
    )


@pytest.mark.parametrize(("name", "bold", "italic"), FACES)
def test_the_metrics_are_fonttools_reading(name: str, bold: bool, italic: bool) -> None:
    font = face_file(bold=bold, italic=italic).read_bytes()
    metrics = truetype.metrics(font)
    opened = TTFont(io.BytesIO(font))
    head, hhea = opened["head"], opened["hhea"]
    assert metrics.postscript_name == opened["name"].getDebugName(6) == name.removesuffix(".ttf")
    assert metrics.units_per_em == head.unitsPerEm
    assert metrics.box == (head.xMin, head.yMin, head.xMax, head.yMax)
    assert metrics.italic_angle == opened["post"].italicAngle
    assert (metrics.ascent, metrics.descent) == (hhea.ascent, hhea.descent)
    assert metrics.cap_height == opened["OS/2"].sCapHeight
    assert metrics.cmap == {c: opened.getGlyphID(n) for c, n in opened.getBestCmap().items()}
    hmtx = opened["hmtx"]
    assert metrics.advances == tuple(hmtx[n][0] for n in opened.getGlyphOrder())


# -- a small font built for the cases Source Sans Pro lacks: short loca offsets, glyphs that
# share the last long metric's advance, components nested, scaled and transformed


def built_font() -> bytes:
    """A font of simple glyphs, a composite and a composite of it, with every kind of
    component transform; .notdef and space empty."""
    pens: dict[str, Any] = {}
    for name, (x, y, size) in {
        "a": (50, 0, 400),
        "ring": (100, 500, 150),
        "b": (0, 0, 500),
    }.items():
        pen = pens[name] = TTGlyphPen(None)
        pen.moveTo((x, y))
        pen.lineTo((x + size, y))
        pen.lineTo((x + size, y + size))
        pen.closePath()
    glyphs = {name: pen.glyph() for name, pen in pens.items()}
    # Each kind of component before another, so that misreading its length loses the next.
    aring = TTGlyphPen(glyphs)
    aring.addComponent("ring", (0.8, 0, 0, 1.2, 20, 300))  # x and y scale, word offsets
    aring.addComponent("a", (1, 0, 0, 1, 0, 0))  # byte offsets
    glyphs["aring"] = aring.glyph()
    double = TTGlyphPen(glyphs)
    double.addComponent("b", (0.5, 0, 0, 0.5, 700, 10))  # one scale
    double.addComponent("aring", (1, 0.25, 0, 1, 0, 0))  # two by two
    double.addComponent("a", (1, 0, 0, 1, 5, 5))
    glyphs["double"] = double.glyph()
    glyphs[".notdef"] = glyphs["space"] = glyphs["tail"] = TTGlyphPen(None).glyph()
    order = [".notdef", "space", "a", "ring", "aring", "b", "double", "tail"]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap({0x20: "space", 0x61: "a", 0xE5: "aring", 0x62: "b"})
    builder.setupGlyf({name: glyphs[name] for name in order})
    advances = dict(zip(order, [500, 250, 450, 200, 450, 500, 600, 600], strict=True))
    builder.setupHorizontalMetrics({n: (advances[n], 7 * i) for i, n in enumerate(order)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupOS2()
    builder.setupPost()
    builder.setupNameTable({"familyName": "Built", "styleName": "Regular", "psName": "Built"})
    buffer = io.BytesIO()
    builder.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("used", "kept"),
    [("double", {"double", "aring", "a", "ring", "b"}), ("aring", {"aring", "a", "ring"})],
)
def test_nested_and_transformed_components_are_followed_in_a_short_loca_font(
    used: str, kept: set[str]
) -> None:
    font = built_font()
    original = TTFont(io.BytesIO(font))
    assert original["head"].indexToLocFormat == 0
    ids = {name: original.getGlyphID(name) for name in original.getGlyphOrder()}
    subset = assert_valid(truetype.subset(font, {ids[used]}))
    for name, gid in ids.items():
        assert is_empty(subset, gid) == (name not in kept)  # .notdef is empty here
        if name in kept:
            assert outline(subset, gid) == outline(original, gid)


def test_glyphs_after_the_last_long_metric_keep_their_shared_advance() -> None:
    font = built_font()
    original = TTFont(io.BytesIO(font))
    assert original["hhea"].numberOfHMetrics < original["maxp"].numGlyphs
    tail = original.getGlyphID("tail")
    subset = assert_valid(truetype.subset(font, {tail}))
    assert subset["hmtx"][subset.getGlyphOrder()[tail]] == original["hmtx"]["tail"] == (600, 49)
    assert truetype.metrics(font).advances[tail] == 600


def test_a_subset_without_outlines_has_an_empty_box() -> None:
    font = built_font()
    space = TTFont(io.BytesIO(font)).getGlyphID("space")
    head = assert_valid(truetype.subset(font, {space}))["head"]
    assert (head.xMin, head.yMin, head.xMax, head.yMax) == (0, 0, 0, 0)
