"""The documents' one font family, Source Sans Pro, from the font-source-sans-pro package.

The PDF is laid out in it, the Word templates embed it, the drawings are drawn and the table
columns measured in it: a Word file, its PDF and their pictures look like one document on any
machine. The font files are read from the package, never from the system's fonts.
"""

from __future__ import annotations

from pathlib import Path

FAMILY = "Source Sans Pro"
# The four faces a Word file can embed per family (regular, bold, italic, bold italic):
# (file, bold, italic). The PDF uses these and no others, so headings are Bold in both.
FACES = (
    ("SourceSansPro-Regular.ttf", False, False),
    ("SourceSansPro-Bold.ttf", True, False),
    ("SourceSansPro-It.ttf", False, True),
    ("SourceSansPro-BoldIt.ttf", True, True),
)


def font_folder() -> Path:
    """The folder of the font package's files."""
    import font_source_sans_pro  # type: ignore[import-untyped]

    return Path(font_source_sans_pro.__file__).parent / "files"


def face_file(*, bold: bool = False, italic: bool = False) -> Path:
    """The file of the face with this weight and slant."""
    name = next(name for name, b, i in FACES if (b, i) == (bold, italic))
    return font_folder() / name
