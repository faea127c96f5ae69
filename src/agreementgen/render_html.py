"""Render stage: the document as HTML (Jinja, autoescaped) and as PDF (WeasyPrint)."""

from __future__ import annotations

import base64
import functools
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

from agreementgen.document import Document, FigureView, SimpleDocument
from agreementgen.templating import TEMPLATE_DIR, environment

HTML_TEMPLATE = "agreement.html.j2"
SIMPLE_TEMPLATE = "document.html.j2"
CHECKLIST_TEMPLATE = "checklist.html.j2"
STYLESHEET = "agreement.css"
FONT_FAMILY = "Source Sans Pro"
# Faces of the font the PDF uses, from the font-source-sans-pro package: (file, weight, style).
FONT_FACES = (
    ("SourceSansPro-Regular.ttf", 400, "normal"),
    ("SourceSansPro-It.ttf", 400, "italic"),
    ("SourceSansPro-Semibold.ttf", 600, "normal"),
    ("SourceSansPro-SemiboldIt.ttf", 600, "italic"),
    ("SourceSansPro-Bold.ttf", 700, "normal"),
    ("SourceSansPro-BoldIt.ttf", 700, "italic"),
)
_MIME = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def render_html(document: Document | SimpleDocument, *, template_dir: Path = TEMPLATE_DIR) -> str:
    """Return a document as a standalone HTML page (styles and pictures inlined)."""
    name = HTML_TEMPLATE if isinstance(document, Document) else SIMPLE_TEMPLATE
    template = environment(template_dir).get_template(name)
    css = (template_dir / STYLESHEET).read_text("utf-8") + _page_footer_css(document.page_label)
    return template.render(
        document=document, css=Markup(css), picture=picture_uri, kind_of=_kind_of
    )


def render_checklist(text: str, *, template_dir: Path = TEMPLATE_DIR) -> str:
    """Return the upload checklist (Markdown, from agreementgen.checklist) as an HTML page."""
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    css = (template_dir / STYLESHEET).read_text("utf-8")
    template = environment(template_dir).get_template(CHECKLIST_TEMPLATE)
    return template.render(body=Markup(body), css=Markup(css))


def render_pdf(html: str, *, template_dir: Path = TEMPLATE_DIR) -> bytes:
    """Lay out the HTML page as a PDF with the fonts shipped in the font package."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    faces = CSS(string=_font_css(), font_config=fonts)
    page = HTML(string=html, base_url=str(template_dir))
    return bytes(page.write_pdf(stylesheets=[faces], font_config=fonts))


def _kind_of(block: object) -> str:
    """Name a block's kind for the template (no dunder access in templates)."""
    return type(block).__name__


def picture_uri(figure: FigureView) -> str:
    """Return a figure's picture as a data: URI, so the page stands alone (SVG preferred)."""
    if figure.svg is not None:
        return _data_uri(figure.svg.encode("utf-8"), "image/svg+xml")
    data = figure.png if figure.png is not None else Path(str(figure.image)).read_bytes()
    mime = next((m for sig, m in _MIME.items() if data.startswith(sig)), "image/png")
    return _data_uri(data, mime)


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _page_footer_css(label: str) -> str:
    """Turn the pack's 'Side {page} af {pages}' into a CSS page-footer rule."""
    parts = []
    for piece in label.replace("{pages}", "\0pages\0").replace("{page}", "\0page\0").split("\0"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append('"' + piece.replace('"', '\\"') + '"')
    return "\n@page { @bottom-center { content: " + " ".join(parts) + "; } }\n"


@functools.cache
def _font_css() -> str:
    folder = _font_folder()
    rules = [
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{(folder / name).as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in FONT_FACES
    ]
    return "\n".join(rules)


def _font_folder() -> Path:
    import font_source_sans_pro  # type: ignore[import-untyped]

    return Path(font_source_sans_pro.__file__).parent / "files"
