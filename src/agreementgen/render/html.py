"""Render stage: the document as HTML (Jinja, autoescaped) and as PDF (WeasyPrint)."""

from __future__ import annotations

import atexit
import base64
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from markupsafe import Markup

from agreementgen.errors import InputError
from agreementgen.fonts import FACES, FAMILY, font_folder
from agreementgen.render.problems import render_problem
from agreementgen.render.templating import environment, environment_of
from agreementgen.render.watchdog import watched_render
from agreementgen.source.templates import (
    AGREEMENT_HTML,
    BLOCKS_HTML,
    CHECKLIST_HTML,
    DOCUMENT_HTML,
    STYLESHEET,
    TEMPLATE_DIR,
    Templates,
)
from agreementgen.text.markdown import parser
from agreementgen.views.document import Document, FigureView, SimpleDocument

_MIME = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class Page:
    """A document's HTML page: `html` is the page as a file, its stylesheet inlined.

    Where the page's look is all built-in (its template, the blocks' and the stylesheet),
    `bare` is the same page with an empty <style>, and the PDF takes `stylesheet` parsed once
    per process instead (lay_out). WeasyPrint then reads it as a user stylesheet, not an
    author's; for the built-in sheet that is the same cascade: it has no !important
    declaration, and the page's inline styles outrank it either way.
    """

    html: str
    bare: str | None = None
    stylesheet: str = ""


# Stands for the stylesheet while the page renders. Page text never holds a '<' unescaped,
# and the page's <head> comes before any of it, so the first match is the template's.
_STYLESHEET_MARK = "<agreementgen-stylesheet/>"


def render_html(document: Document | SimpleDocument, *, templates: Templates | None = None) -> str:
    """Return a document as a standalone HTML page (styles and pictures inlined).

    The templates are `templates`, or else the document's own (`templates:` in the
    agreement) before the built-in ones; they render in the sandboxed environment.

    Raises:
        InputError: a template failed, or went over the sandbox's bounds on size, time or
            memory; the diagnostic names its file and line.
    """
    return render_page(document, templates=templates).html


def render_page(document: Document | SimpleDocument, *, templates: Templates | None = None) -> Page:
    """Return a document's page, as render_html, and the same page for its PDF (Page).

    Raises:
        InputError: as render_html.
    """
    templates = templates or document.templates
    name = AGREEMENT_HTML if isinstance(document, Document) else DOCUMENT_HTML
    try:
        with watched_render():
            template = environment_of(templates).get_template(name)
            css = templates.text(STYLESHEET) + _page_footer_css(document.page_label)
            built_in = _built_in_look(templates, name)
            page = template.render(
                document=document,
                css=Markup(_STYLESHEET_MARK if built_in else css),
                picture=picture_uri,
                kind_of=_kind_of,
            )
            if not built_in:
                return Page(page)
            return Page(
                page.replace(_STYLESHEET_MARK, css, 1),
                page.replace(_STYLESHEET_MARK, "", 1),
                css,
            )
    except Exception as exc:
        problem = render_problem(exc, templates=templates, document=document)
        if problem is None:
            raise  # a bug in agreementgen, not in the template
        raise InputError([problem]) from exc


def render_checklist(
    text: str, *, title: str = "Upload-tjekliste", template_dir: Path = TEMPLATE_DIR
) -> str:
    """Return the upload checklist or the index page (Markdown, from
    agreementgen.build.checklist) as an HTML page titled `title`."""
    body = parser().render(text)
    css = (template_dir / STYLESHEET).read_text("utf-8")
    template = environment(template_dir).get_template(CHECKLIST_HTML)
    return template.render(body=Markup(body), css=Markup(css), title=title)


@dataclass(frozen=True)
class LaidOut:
    """A PDF, and the URLs its page asked for that it was not allowed to read (left out)."""

    data: bytes
    refused: tuple[str, ...] = ()


def render_pdf(html: str, *, template_dir: Path = TEMPLATE_DIR) -> bytes:
    """Lay out the HTML page as a PDF with the fonts shipped in the font package."""
    return lay_out(html, template_dir=template_dir).data


def lay_out(page: Page | str, *, template_dir: Path = TEMPLATE_DIR) -> LaidOut:
    """Lay out the HTML page as a PDF, and say which resources it was refused (a template's
    picture or style on disk or on the network), in the order it asked for them."""
    from weasyprint import HTML

    fonts, faces = _font_setup()
    sheets = [faces]
    if isinstance(page, str):
        html = page
    elif page.bare is None:
        html = page.html
    else:
        html = page.bare
        sheets.append(_parsed_stylesheet(page.stylesheet))
    fetcher = _fetcher()
    laid_out = HTML(string=html, base_url=str(template_dir), url_fetcher=fetcher)
    data = bytes(laid_out.write_pdf(stylesheets=sheets, font_config=fonts))
    return LaidOut(data, tuple(dict.fromkeys(fetcher.refused)))


def _built_in_look(templates: Templates, name: str) -> bool:
    """Whether page template `name`, the blocks' template and the stylesheet are all built in."""
    looks = (name, BLOCKS_HTML, STYLESHEET)
    return templates.own is None or not any(templates.is_own(templates.path(n)) for n in looks)


@functools.lru_cache(maxsize=8)
def _parsed_stylesheet(css: str) -> Any:
    """The built-in stylesheet (with a page label's footer rule), parsed once per process:
    parsing it and compiling its selectors was about 4 % of each PDF's work (12 ms)."""
    from weasyprint import CSS

    fonts, _ = _font_setup()
    return CSS(string=css, font_config=fonts, url_fetcher=_fetcher())


@functools.cache
def _font_setup() -> tuple[Any, Any]:
    """One font configuration per process: a new one per PDF costs time and leaks memory
    (about 2 MiB a PDF), and the pages come out byte for byte the same either way."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    # Release it before the interpreter tears WeasyPrint down, or its __del__ complains.
    atexit.register(_font_setup.cache_clear)
    return fonts, CSS(string=_font_css(), font_config=fonts)


def _fetcher() -> Any:
    """Return a URL fetcher that lets the PDF read data: URIs and the font files, nothing else,
    and keeps the URLs it refused in its `refused` list.

    Pictures and styles are inlined into the page, so a page that asks for any other file or
    for the network got it from a template: WeasyPrint leaves the resource out, and the build
    warns about it (AG191).
    """
    return _fetcher_class()(allowed_protocols=("data", "file"))


@functools.cache
def _fetcher_class() -> Any:
    from weasyprint.urls import URLFetcher

    fonts = font_folder().resolve()

    class LocalFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not _may_read(url, fonts):
                self.refused.append(url)
                raise ValueError(f"a template may not make the PDF read {url}")
            return super().fetch(url, headers)

    return LocalFetcher


def _may_read(url: str, fonts: Path) -> bool:
    """Whether the PDF may read `url`: a data: URI, or a file in the font folder `fonts`."""
    try:
        parsed = urlparse(url)
        local = Path(unquote(parsed.path)).resolve() if parsed.scheme == "file" else None
    except (ValueError, OSError):
        return False
    return parsed.scheme == "data" or bool(local and local.is_relative_to(fonts))


def _kind_of(block: object) -> str:
    """Name a block's kind for the template (no dunder access in templates)."""
    return type(block).__name__


def picture_uri(figure: FigureView) -> str:
    """Return a figure's picture as a data: URI, so the page stands alone (SVG preferred).

    Raises:
        TypeError: `figure` is not a figure of the document (a template made it up, to read
            a file of its choosing).
    """
    if not isinstance(figure, FigureView):
        raise TypeError("picture() shows a figure of the document")
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
    folder = font_folder()
    rules = [
        f'@font-face {{ font-family: "{FAMILY}"; src: url("{(folder / name).as_uri()}"); '
        f"font-weight: {700 if bold else 400}; font-style: {'italic' if italic else 'normal'}; }}"
        for name, bold, italic in FACES
    ]
    return "\n".join(rules)
