"""Source Sans Pro's faces as the package ships them: each file and its metrics, read once.

Table columns (views/columns.py) and the drawings (views/drawing.py) measure text with the
advance widths, so both agree with what Word, the PDF and the pictures set; the pictures'
PDF (views/picture_pdf.py) embeds the files.
"""

from __future__ import annotations

import functools
import itertools

from agreementgen.fonts import face_file
from agreementgen.views import truetype


@functools.cache
def face_bytes(bold: bool = False, italic: bool = False) -> bytes:
    """The face's font file."""
    return face_file(bold=bold, italic=italic).read_bytes()


@functools.cache
def face_metrics(bold: bool = False, italic: bool = False) -> truetype.Metrics:
    """The face's names, vertical metrics, character map and advances (a millisecond)."""
    return truetype.metrics(face_bytes(bold, italic))


@functools.cache
def advances(bold: bool = False, italic: bool = False) -> tuple[dict[int, int], int, int]:
    """The face's advance width of each character, its units per em and the advance to
    assume for a character it lacks."""
    face = face_metrics(bold, italic)
    widths = {code: face.advances[glyph] for code, glyph in face.cmap.items()}
    widest = max(widths.values())  # a missing glyph comes from another font: be generous
    return widths, face.units_per_em, widest


def width_units(text: str, *, bold: bool = False, italic: bool = False) -> tuple[int, int]:
    """The advance of `text` in font units, without kerning, and the units per em."""
    widths, per_em, missing = advances(bold, italic)
    # map() looks every character up in C: a table's columns measure tens of thousands.
    return sum(map(widths.get, map(ord, text), itertools.repeat(missing))), per_em
