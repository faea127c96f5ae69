"""A picture as a one-page PDF, for an upload of its own: vector shapes and real text in
Source Sans Pro, embedded as a subset, so the text can be searched and copied.

Each face in use is embedded as a TrueType CIDFont (Identity-H): a text's codes are the
face's glyph ids, kept as they are in the subset, with the glyphs' widths and a ToUnicode map
back to the characters. Lines are set glyph by glyph from the face's character map, as
`text_width` measures them. Nothing depends on the time or the run: no creation date, and
the file identifier is a digest of the content.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from agreementgen import __version__
from agreementgen.views import truetype
from agreementgen.views.drawing import (
    KAPPA,
    Circle,
    Line,
    Path,
    Picture,
    Point,
    Polygon,
    Rect,
    Shape,
    Text,
    rounded_box,
    text_start,
)
from agreementgen.views.metrics import face_bytes, face_metrics

_CAPS = {"butt": 0, "round": 1, "square": 2}

Face = tuple[bool, bool]  # bold, italic


def pdf(picture: Picture) -> bytes:
    """The picture as a PDF of one page its size."""
    faces = sorted({(t.weight == "bold", t.italic) for t in _texts(picture)})
    opacities = sorted({o for o in map(_opacity, picture.shapes) if o < 1})
    content = _content(picture, faces, opacities)
    writer = _Writer()
    catalog, pages, page = writer.reserve(), writer.reserve(), writer.reserve()
    fonts = {
        face: _font(writer, face, {c for t in _texts(picture) if _face(t) == face for c in t.text})
        for face in faces
    }
    states = " ".join(f"/G{i} << /ca {_num(o)} /CA {_num(o)} >>" for i, o in enumerate(opacities))
    font_names = " ".join(f"/F{i} {fonts[face]} 0 R" for i, face in enumerate(faces))
    stream = writer.stream(content)
    info = writer.add(
        f"<< /Title {_utf16(picture.title)} /Creator (agreementgen {__version__})"
        " /Producer (agreementgen) >>".encode()
    )
    writer.set(catalog, f"<< /Type /Catalog /Pages {pages} 0 R >>".encode())
    writer.set(pages, f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>".encode())
    writer.set(
        page,
        (
            f"<< /Type /Page /Parent {pages} 0 R"
            f" /MediaBox [0 0 {_num(picture.width)} {_num(picture.height)}]"
            f" /Resources << /Font << {font_names} >> /ExtGState << {states} >> >>"
            f" /Contents {stream} 0 R >>"
        ).encode(),
    )
    return writer.finish(catalog, info)


def _texts(picture: Picture) -> list[Text]:
    return [shape for shape in picture.shapes if isinstance(shape, Text)]


def _face(text: Text) -> Face:
    return (text.weight == "bold", text.italic)


def _opacity(shape: Shape) -> float:
    return 1.0 if isinstance(shape, (Line, Text)) else shape.opacity


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _colour(hex_colour: str, operator: str) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return f"{_num(red)} {_num(green)} {_num(blue)} {operator}"


# -- the page's content ------------------------------------------------------------------------


def _content(picture: Picture, faces: list[Face], opacities: list[float]) -> bytes:
    """The content stream: y turned downwards, then the shapes in order."""
    ops = [f"1 0 0 -1 0 {_num(picture.height)} cm", _colour(picture.background, "rg")]
    ops.append(f"0 0 {_num(picture.width)} {_num(picture.height)} re f")
    for shape in picture.shapes:
        opacity = _opacity(shape)
        ops.append("q")
        if opacity < 1:
            ops.append(f"/G{opacities.index(opacity)} gs")
        ops += _text(shape, faces.index(_face(shape))) if isinstance(shape, Text) else _shape(shape)
        ops.append("Q")
    return "\n".join(ops).encode("ascii")


def _shape(shape: Rect | Line | Polygon | Circle | Path) -> list[str]:
    if isinstance(shape, Line):
        dash = f"[{' '.join(_num(d) for d in shape.dash)}] 0 d" if shape.dash else "[] 0 d"
        moves = _moves(shape.points)
        return [
            _colour(shape.color, "RG"),
            f"{_num(shape.width)} w {_CAPS[shape.cap]} J 1 j {dash}",
            *moves,
            "S",
        ]
    if isinstance(shape, Rect):
        outline = (
            [
                *_path(rounded_box(shape.x, shape.y, shape.width, shape.height, shape.radius, "")),
                "h",
            ]
            if shape.radius > 0
            else [f"{_num(shape.x)} {_num(shape.y)} {_num(shape.width)} {_num(shape.height)} re"]
        )
    elif isinstance(shape, Polygon):
        outline = [*_moves(shape.points), "h"]
    elif isinstance(shape, Circle):
        outline = _circle(shape.cx, shape.cy, shape.r)
    else:
        outline = [*_path(shape), "h"]
    return _painted(outline, shape.fill, shape.stroke, shape.stroke_width)


def _painted(outline: list[str], fill: str | None, stroke: str | None, width: float) -> list[str]:
    """An outline filled, stroked or both."""
    stroked = stroke is not None and width > 0
    ops = [_colour(fill, "rg")] if fill else []
    if stroke is not None and stroked:
        ops += [_colour(stroke, "RG"), f"{_num(width)} w 1 j"]
    operator = "B" if fill and stroked else "f" if fill else "S" if stroked else "n"
    return [*ops, *outline, operator]


def _moves(points: Iterable[Point]) -> list[str]:
    return [f"{_num(x)} {_num(y)} {'m' if i == 0 else 'l'}" for i, (x, y) in enumerate(points)]


def _path(path: Path) -> list[str]:
    operators = {"M": "m", "L": "l", "C": "c"}
    return [
        " ".join(_num(v) for v in command[1:]) + " " + operators[command[0]]
        for command in path.commands
    ]


def _circle(cx: float, cy: float, r: float) -> list[str]:
    k = r * KAPPA
    return [
        f"{_num(cx + r)} {_num(cy)} m",
        f"{_num(cx + r)} {_num(cy + k)} {_num(cx + k)} {_num(cy + r)} {_num(cx)} {_num(cy + r)} c",
        f"{_num(cx - k)} {_num(cy + r)} {_num(cx - r)} {_num(cy + k)} {_num(cx - r)} {_num(cy)} c",
        f"{_num(cx - r)} {_num(cy - k)} {_num(cx - k)} {_num(cy - r)} {_num(cx)} {_num(cy - r)} c",
        f"{_num(cx + k)} {_num(cy - r)} {_num(cx + r)} {_num(cy - k)} {_num(cx + r)} {_num(cy)} c",
        "h",
    ]


def _text(text: Text, font: int) -> list[str]:
    """A line of text at its baseline, upright again in the page's turned coordinates."""
    cmap = _face_data(*_face(text)).cmap
    glyphs = "".join(f"{cmap.get(ord(char), 0):04X}" for char in text.text)
    return [
        _colour(text.color, "rg"),
        f"BT /F{font} {_num(text.size)} Tf",
        f"1 0 0 -1 {_num(text_start(text))} {_num(text.y)} Tm <{glyphs}> Tj ET",
    ]


# -- the fonts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _FaceData:
    name: str
    cmap: dict[int, int]  # character → glyph id
    advances: dict[int, int]  # glyph id → advance, in thousandths of an em
    descriptor: str  # the font descriptor's entries, less its name and file


@functools.cache
def _face_data(bold: bool, italic: bool) -> _FaceData:
    """The face's name, character map, widths and font descriptor."""
    font = face_metrics(bold, italic)

    def thousandths(value: float) -> int:
        return round(value * 1000 / font.units_per_em)

    box = " ".join(str(thousandths(v)) for v in font.box)
    descriptor = (
        f"/Flags {32 + (64 if italic else 0)} /FontBBox [{box}]"
        f" /ItalicAngle {_num(font.italic_angle)}"
        f" /Ascent {thousandths(font.ascent)} /Descent {thousandths(font.descent)}"
        f" /CapHeight {thousandths(font.cap_height)} /StemV {120 if bold else 80}"
    )
    return _FaceData(
        name=font.postscript_name,
        cmap=font.cmap,
        advances={gid: thousandths(advance) for gid, advance in enumerate(font.advances)},
        descriptor=descriptor,
    )


def _font(writer: _Writer, face: Face, characters: set[str]) -> int:
    """Embed the face, subset to `characters`; the number of its Type0 font object."""
    data = _face_data(*face)
    glyphs = sorted({data.cmap.get(ord(char), 0) for char in characters})
    tag = "".join(
        chr(ord("A") + byte % 26)
        for byte in hashlib.md5(str(glyphs).encode(), usedforsecurity=False).digest()[:6]
    )
    name = f"{tag}+{data.name}"
    program = truetype.subset(face_bytes(*face), glyphs)
    file = writer.stream(program, f"/Length1 {len(program)}")
    descriptor = writer.add(
        f"<< /Type /FontDescriptor /FontName /{name} {data.descriptor}"
        f" /FontFile2 {file} 0 R >>".encode()
    )
    widths = " ".join(f"{gid} [{data.advances[gid]}]" for gid in glyphs)
    cid_font = writer.add(
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name}"
        " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
        f" /FontDescriptor {descriptor} 0 R /W [{widths}] /DW 0 /CIDToGIDMap /Identity >>".encode()
    )
    to_unicode = writer.stream(_to_unicode(data.cmap, characters))
    return writer.add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H"
        f" /DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>".encode()
    )


def _to_unicode(cmap: dict[int, int], characters: set[str]) -> bytes:
    """The CMap that maps each glyph id back to its character, for searching and copying."""
    pairs = sorted({(cmap[ord(c)], c) for c in characters if ord(c) in cmap})
    lines = [
        f"<{gid:04X}> <{char.encode('utf-16-be').hex().upper()}>"
        for gid, char in dict(pairs).items()
    ]
    chunks = [lines[i : i + 100] for i in range(0, len(lines), 100)]
    body = "".join(
        f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n" for chunk in chunks
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def _utf16(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


# -- the file --------------------------------------------------------------------------------


class _Writer:
    """The objects of a PDF file, numbered from 1 in the order they are added or reserved."""

    def __init__(self) -> None:
        self._objects: list[bytes | None] = []

    def reserve(self) -> int:
        self._objects.append(None)
        return len(self._objects)

    def set(self, number: int, body: bytes) -> None:
        self._objects[number - 1] = body

    def add(self, body: bytes) -> int:
        number = self.reserve()
        self.set(number, body)
        return number

    def stream(self, data: bytes, entries: str = "") -> int:
        packed = zlib.compress(data, 9)
        head = f"<< /Length {len(packed)} /Filter /FlateDecode {entries}>>\nstream\n".encode()
        return self.add(head + packed + b"\nendstream")

    def finish(self, root: int, info: int) -> bytes:
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self._objects, start=1):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode() + (body or b"null") + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
        digest = hashlib.md5(bytes(out), usedforsecurity=False).hexdigest().upper()
        out += (
            f"trailer\n<< /Size {len(offsets) + 1} /Root {root} 0 R /Info {info} 0 R"
            f" /ID [<{digest}> <{digest}>] >>\nstartxref\n{xref}\n%%EOF\n"
        ).encode()
        return bytes(out)
