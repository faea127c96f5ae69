"""A TrueType font read for what a PDF says of it, and cut down to the glyphs the PDF uses.

Both with `struct`: the few values the PDF needs are quick to read, and fontTools' subsetter
took a third of a Word build to import and run. The PDF embeds each face as a CIDFont whose
codes are the face's own glyph ids (CIDToGIDMap /Identity), so every glyph keeps its id: a
glyph not used stays in the font, empty. Only the tables a PDF's TrueType font program needs
are kept (ISO 32000-1, 9.9): the outlines, their metrics and the hinting; the PDF itself
carries the widths, the encoding and the names.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

# The tables a FontFile2 needs; the hinting ones (cvt, fpgm, prep) when the face has them.
KEPT = (b"cvt ", b"fpgm", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"prep")

# The flags of a composite glyph's component (the OpenType glyf table) that say how long it is.
_WORDS = 0x1  # ARG_1_AND_2_ARE_WORDS: the offsets are two int16, not two int8
_SCALE = 0x8  # WE_HAVE_A_SCALE: one F2Dot14
_MORE = 0x20  # MORE_COMPONENTS: another component follows
_XY_SCALE = 0x40  # WE_HAVE_AN_X_AND_Y_SCALE: two F2Dot14
_MATRIX = 0x80  # WE_HAVE_A_TWO_BY_TWO: four F2Dot14

_HEAD_ADJUSTMENT = 8  # head.checkSumAdjustment's offset
_HEAD_BOX = 36  # head.xMin, yMin, xMax, yMax's offset
_HEAD_LOCA_FORMAT = 50  # head.indexToLocFormat's offset
_HHEA_METRICS = 34  # hhea.numberOfHMetrics's offset


# The Unicode character maps, best first (as fontTools' getBestCmap ranks them), and the
# formats read: 12 (segments of the whole of Unicode), 4 (segments of the BMP).
_CMAPS = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))
_NAME_PLATFORMS = {3: "utf-16-be", 1: "latin-1"}  # Windows, Macintosh (PostScript names: ASCII)


@dataclass(frozen=True)
class Metrics:
    """What a PDF says of a face, in font units."""

    postscript_name: str
    units_per_em: int
    box: tuple[int, int, int, int]  # xMin, yMin, xMax, yMax of all glyphs
    italic_angle: float  # degrees
    ascent: int
    descent: int  # below the baseline: negative
    cap_height: int
    cmap: dict[int, int]  # character → glyph id
    advances: tuple[int, ...]  # by glyph id


def metrics(font: bytes) -> Metrics:
    """The face's names, vertical metrics, character map and advances."""
    table = tables(font)
    head, hhea = table[b"head"], table[b"hhea"]
    (count,) = struct.unpack_from(">H", table[b"maxp"], 4)
    return Metrics(
        postscript_name=_name(table[b"name"], 6),
        units_per_em=struct.unpack_from(">H", head, 18)[0],
        box=struct.unpack_from(">4h", head, _HEAD_BOX),
        italic_angle=struct.unpack_from(">i", table[b"post"], 4)[0] / 65536,
        ascent=struct.unpack_from(">h", hhea, 4)[0],
        descent=struct.unpack_from(">h", hhea, 6)[0],
        cap_height=struct.unpack_from(">h", table[b"OS/2"], 88)[0],  # OS/2 version 2 and on
        cmap=_cmap(table[b"cmap"]),
        advances=_advances(table, count),
    )


def tables(font: bytes) -> dict[bytes, bytes]:
    """The font file's tables by tag."""
    (count,) = struct.unpack_from(">H", font, 4)
    records = (struct.unpack_from(">4sIII", font, 12 + 16 * i) for i in range(count))
    return {tag: font[offset : offset + length] for tag, _, offset, length in records}


def _name(table: bytes, ident: int) -> str:
    """The first Windows or Macintosh string of the name table with this name id."""
    _, count, strings = struct.unpack_from(">HHH", table)
    for i in range(count):
        platform, _, _, name_id, length, offset = struct.unpack_from(">6H", table, 6 + 12 * i)
        if name_id == ident and platform in _NAME_PLATFORMS:
            start = strings + offset
            return table[start : start + length].decode(_NAME_PLATFORMS[platform])
    raise ValueError(f"the font has no name {ident}")


def _cmap(table: bytes) -> dict[int, int]:
    """The best Unicode character map of the cmap table that is in format 4 or 12."""
    (count,) = struct.unpack_from(">H", table, 2)
    subtables: dict[tuple[int, int], tuple[int, int]] = {}  # (platform, encoding) → format, offset
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", table, 4 + 8 * i)
        (kind,) = struct.unpack_from(">H", table, offset)
        if kind in (4, 12):
            subtables.setdefault((platform, encoding), (kind, offset))
    kind, offset = next(subtables[key] for key in _CMAPS if key in subtables)
    return _segments(table, offset) if kind == 4 else _groups(table, offset)


def _segments(table: bytes, offset: int) -> dict[int, int]:
    """A format 4 character map: segments of codes, each mapped by a delta or through the
    glyph id array (idRangeOffset counts bytes from where it is stored)."""
    (doubled,) = struct.unpack_from(">H", table, offset + 6)
    count = doubled // 2
    ends_at = offset + 14
    starts_at = ends_at + doubled + 2  # past the reserved pad
    deltas_at = starts_at + doubled
    ranges_at = deltas_at + doubled
    ends = struct.unpack_from(f">{count}H", table, ends_at)
    starts = struct.unpack_from(f">{count}H", table, starts_at)
    deltas = struct.unpack_from(f">{count}H", table, deltas_at)
    ranges = struct.unpack_from(f">{count}H", table, ranges_at)
    cmap = {}
    for i in range(count):
        for code in range(starts[i], ends[i] + 1):
            if code == 0xFFFF:  # the segment that closes the map
                continue
            if ranges[i] == 0:
                gid = (code + deltas[i]) & 0xFFFF
            else:
                at = ranges_at + 2 * i + ranges[i] + 2 * (code - starts[i])
                (gid,) = struct.unpack_from(">H", table, at)
                gid = (gid + deltas[i]) & 0xFFFF if gid else 0
            cmap[code] = gid
    return cmap


def _groups(table: bytes, offset: int) -> dict[int, int]:
    """A format 12 character map: groups of codes mapped to consecutive glyph ids."""
    (count,) = struct.unpack_from(">I", table, offset + 12)
    cmap: dict[int, int] = {}
    for i in range(count):
        first, last, gid = struct.unpack_from(">3I", table, offset + 16 + 12 * i)
        cmap.update((code, gid + code - first) for code in range(first, last + 1))
    return cmap


def _advances(table: dict[bytes, bytes], count: int) -> tuple[int, ...]:
    """Each glyph's advance width: the glyphs after the last long metric share its advance."""
    long: int = struct.unpack_from(">H", table[b"hhea"], _HHEA_METRICS)[0]
    advances: tuple[int, ...] = struct.unpack_from(f">{2 * long}H", table[b"hmtx"])[::2]
    return advances + advances[-1:] * (count - long)


# -- the subset -----------------------------------------------------------------------------


def subset(font: bytes, used: Iterable[int]) -> bytes:
    """The TrueType font file `font` with only the glyphs `used`, the glyphs they are composed
    of and .notdef; every other glyph id stays, as an empty glyph."""
    table = tables(font)
    glyphs = _glyphs(table)
    kept = _closure(glyphs, {0, *used})
    glyf, loca = _outlines(glyphs, kept)
    head = _head(table[b"head"], _box(glyphs, kept))
    hhea, hmtx = _horizontal(table, len(glyphs), kept)
    new = {tag: data for tag, data in table.items() if tag in KEPT}
    new |= {b"glyf": glyf, b"loca": loca, b"head": head, b"hhea": hhea, b"hmtx": hmtx}
    file = bytearray(_file(font[:4], new))
    adjustment = (0xB1B0AFBA - _checksum(file)) % 2**32
    head_offset = _directory(new)[b"head"]
    struct.pack_into(">I", file, head_offset + _HEAD_ADJUSTMENT, adjustment)
    return bytes(file)


def _glyphs(table: dict[bytes, bytes]) -> list[bytes]:
    """Each glyph's data in glyf, by glyph id (empty for a glyph without an outline)."""
    (count,) = struct.unpack_from(">H", table[b"maxp"], 4)
    (long,) = struct.unpack_from(">h", table[b"head"], _HEAD_LOCA_FORMAT)
    if long:
        offsets = struct.unpack_from(f">{count + 1}I", table[b"loca"])
    else:  # short offsets are stored halved
        offsets = tuple(2 * o for o in struct.unpack_from(f">{count + 1}H", table[b"loca"]))
    glyf = table[b"glyf"]
    return [glyf[offsets[gid] : offsets[gid + 1]] for gid in range(count)]


def components(glyph: bytes) -> list[int]:
    """The glyph ids a composite glyph is built from; none for a simple or empty glyph."""
    if len(glyph) < 10 or struct.unpack_from(">h", glyph)[0] >= 0:
        return []
    found = []
    offset = 10  # past numberOfContours and the bounding box
    flags = _MORE
    while flags & _MORE:
        flags, gid = struct.unpack_from(">HH", glyph, offset)
        found.append(gid)
        offset += 4 + (4 if flags & _WORDS else 2)
        offset += 2 if flags & _SCALE else 4 if flags & _XY_SCALE else 8 if flags & _MATRIX else 0
    return found


def _closure(glyphs: list[bytes], used: set[int]) -> set[int]:
    """`used` and, recursively, the components of its composite glyphs."""
    kept: set[int] = set()
    todo = list(used)
    while todo:
        gid = todo.pop()
        if gid not in kept:
            kept.add(gid)
            todo += components(glyphs[gid])
    return kept


def _outlines(glyphs: list[bytes], kept: set[int]) -> tuple[bytes, bytes]:
    """The new glyf table, each kept glyph 4-byte aligned, and its long-format loca."""
    glyf = bytearray()
    offsets = []
    for gid, glyph in enumerate(glyphs):
        offsets.append(len(glyf))
        if gid in kept:
            glyf += _padded(glyph)
    offsets.append(len(glyf))
    return bytes(glyf), struct.pack(f">{len(offsets)}I", *offsets)


def _box(glyphs: list[bytes], kept: set[int]) -> tuple[int, int, int, int]:
    """The bounding box of the kept glyphs, from their headers."""
    boxes = [struct.unpack_from(">4h", glyphs[gid], 2) for gid in kept if glyphs[gid]]
    if not boxes:
        return (0, 0, 0, 0)
    x_min, y_min, x_max, y_max = zip(*boxes, strict=True)
    return min(x_min), min(y_min), max(x_max), max(y_max)


def _head(head: bytes, box: tuple[int, int, int, int]) -> bytes:
    """head for the subset: its glyphs' bounding box (renderers size their glyph caches by
    it: poppler sets text a shade differently with the whole face's), long loca offsets and
    a checksum adjustment of zero until the file is whole."""
    new = bytearray(head)
    struct.pack_into(">I", new, _HEAD_ADJUSTMENT, 0)
    struct.pack_into(">4h", new, _HEAD_BOX, *box)
    struct.pack_into(">h", new, _HEAD_LOCA_FORMAT, 1)
    return bytes(new)


def _horizontal(table: dict[bytes, bytes], count: int, kept: set[int]) -> tuple[bytes, bytes]:
    """hhea and hmtx with an advance and left side bearing for every glyph, zero for a glyph
    not kept (zeros pack small in the PDF's compressed stream)."""
    hhea = bytearray(table[b"hhea"])
    (long,) = struct.unpack_from(">H", hhea, _HHEA_METRICS)
    hmtx = table[b"hmtx"]
    bearings = struct.unpack_from(f">{2 * long}h", hmtx)[1::2]
    bearings += struct.unpack_from(f">{count - long}h", hmtx, 4 * long)
    pairs = zip(_advances(table, count), bearings, strict=True)
    metrics = b"".join(
        struct.pack(">Hh", *pair) if gid in kept else bytes(4) for gid, pair in enumerate(pairs)
    )
    struct.pack_into(">H", hhea, _HHEA_METRICS, count)
    return bytes(hhea), metrics


# -- the file -------------------------------------------------------------------------------


def _file(version: bytes, table: dict[bytes, bytes]) -> bytes:
    """The font file of `table`: its sfnt version, the table directory sorted by tag, then
    the tables."""
    count = len(table)
    power = 1 << (count.bit_length() - 1)  # the largest power of two not above count
    header = version + struct.pack(
        ">HHHH", count, 16 * power, power.bit_length() - 1, 16 * (count - power)
    )
    starts = _directory(table)
    records = b"".join(
        struct.pack(">4sIII", tag, _checksum(table[tag]), starts[tag], len(table[tag]))
        for tag in sorted(table)
    )
    return header + records + b"".join(_padded(table[tag]) for tag in sorted(table))


def _directory(table: dict[bytes, bytes]) -> dict[bytes, int]:
    """Where each table starts in the file: after the directory, in the order of their tags,
    each 4-byte aligned."""
    offset = 12 + 16 * len(table)
    starts = {}
    for tag in sorted(table):
        starts[tag] = offset
        offset += len(_padded(table[tag]))
    return starts


def _checksum(data: bytes | bytearray) -> int:
    """The sum of the data as big-endian uint32s, zero-padded, modulo 2³²."""
    padded = _padded(bytes(data))
    words: tuple[int, ...] = struct.unpack(f">{len(padded) // 4}I", padded)
    return sum(words) % 2**32


def _padded(data: bytes) -> bytes:
    return data + bytes(-len(data) % 4)
