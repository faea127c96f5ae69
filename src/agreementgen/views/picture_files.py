"""Render stage: a drawn picture in the formats the documents take, each written when first
asked for (Word takes the PNG, HTML the SVG, the organisation diagram's upload the PDF).

It stands above the picture model (views/drawing.py) and its writers, which import the
model: kept apart, no import runs in a circle.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from agreementgen.views.drawing import Picture


@dataclass(frozen=True)
class Drawing:
    """A picture, written as PNG, SVG or PDF bytes the first time each is asked for.

    Two drawings of the same picture at the same PNG resolution (`dpi`) are equal.
    """

    picture: Picture
    dpi: float

    @functools.cached_property
    def png(self) -> bytes:
        """The picture as PNG, for Word."""
        from agreementgen.views.picture_png import png

        return png(self.picture, self.dpi)

    @functools.cached_property
    def svg(self) -> str:
        """The picture as an SVG document, for HTML; it names the fonts to take in turn."""
        from agreementgen.views.picture_svg import svg

        return svg(self.picture)

    @functools.cached_property
    def pdf(self) -> bytes:
        """The picture as a PDF page, for a file of its own."""
        from agreementgen.views.picture_pdf import pdf

        return pdf(self.picture)
