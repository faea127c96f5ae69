"""The advance widths of Source Sans Pro's faces, read from the package's font files.

Table columns (views/columns.py) and the drawings (views/drawing.py) measure text with them,
so both agree with what Word, the PDF and the pictures set.
"""

from __future__ import annotations

import functools

from agreementgen.fonts import face_file


@functools.cache
def advances(bold: bool = False, italic: bool = False) -> tuple[dict[int, int], int, int]:
    """The face's advance width of each character, its units per em and the advance to
    assume for a character it lacks. Read once per process (about 10 ms a face)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(face_file(bold=bold, italic=italic), lazy=True)
    metrics = font["hmtx"].metrics
    widths = {code: metrics[name][0] for code, name in font.getBestCmap().items()}
    widest = max(widths.values())  # a missing glyph comes from another font: be generous
    return widths, font["head"].unitsPerEm, widest


def width_units(text: str, *, bold: bool = False, italic: bool = False) -> tuple[int, int]:
    """The advance of `text` in font units, without kerning, and the units per em."""
    widths, per_em, missing = advances(bold, italic)
    return sum(widths.get(ord(char), missing) for char in text), per_em
