"""Render stage: a picture agreementgen draws itself (the organisation diagram, the timeline).

A drawing is a matplotlib figure, saved in a format only when a document first asks for it:
Word takes the PNG, HTML the SVG, and the organisation diagram's own upload the PDF. A
DOCX-only build of many agreements so never pays for an SVG, which was a tenth of its time.

matplotlib reads some settings (font embedding, SVG ids) when it saves, not when it draws,
so a drawing keeps the settings it was drawn with and saves under them.

The drawings are set in the documents' font, Source Sans Pro, from the font files of the
font-source-sans-pro package: every machine measures and draws the same.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any, Literal, cast

from agreementgen.fonts import FAMILY, face_file

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

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
# A browser shows an SVG picture with the fonts installed on its machine, not those its page
# loads: the SVG names the font as agreement.css does, and Carlito and Calibri are no wider.
_SVG_FONT = f"font-family: '{FAMILY}'"
_SVG_FONTS = f"font-family: '{FAMILY}', Carlito, Calibri, sans-serif"


@functools.cache
def font(size: float, weight: Weight = "normal", italic: bool = False) -> FontProperties:
    """Source Sans Pro in `size` points, from its file: no other installed copy is taken."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(
        family=FAMILY,
        style="italic" if italic else "normal",
        weight=weight,
        size=size,
        fname=face_file(bold=weight == "bold", italic=italic),
    )


class Drawing:
    """A figure, saved as PNG, SVG or PDF bytes the first time each is asked for.

    `shows` is what was drawn (the chart's data, the diagram's layout): two drawings of the
    same are equal, so that a document view built twice from the same input is equal too
    (redline skips a document whose view did not change). `options` gives each format's
    keyword arguments for `savefig` (dpi, metadata); `settings` the matplotlib rc settings
    to save under.
    """

    def __init__(
        self,
        figure: Figure,
        *,
        shows: Hashable,
        settings: Mapping[str, Any],
        options: Mapping[str, Mapping[str, Any]],
        background: str = "white",
    ) -> None:
        self._figure = figure
        self.shows = shows
        self._settings = settings
        self._options = options
        self._background = background

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Drawing) and other.shows == self.shows

    def __hash__(self) -> int:
        return hash(self.shows)

    @functools.cached_property
    def png(self) -> bytes:
        """The picture as PNG, for Word."""
        return self._save("png")

    @functools.cached_property
    def svg(self) -> str:
        """The picture as an SVG document, for HTML; it names the fonts to take in turn."""
        return self._save("svg").decode("utf-8").replace(_SVG_FONT, _SVG_FONTS)

    @functools.cached_property
    def pdf(self) -> bytes:
        """The picture as a PDF page, for a file of its own."""
        return self._save("pdf")

    def _save(self, fmt: str) -> bytes:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        buffer = io.BytesIO()
        with matplotlib.rc_context(cast(Any, self._settings)):
            self._figure.savefig(
                buffer, format=fmt, facecolor=self._background, **self._options.get(fmt, {})
            )
        # A new canvas lets the old one go with the pixels it kept (a PNG's are megabytes),
        # while the drawing waits for a format still to be asked for.
        FigureCanvasAgg(self._figure)
        return buffer.getvalue()
