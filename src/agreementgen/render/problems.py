"""A failed render as a diagnostic: the template, and the line or Word paragraph, to blame.

When a renderer fails, `render_problem` (HTML) and `word_problem` (Word) turn the exception
into one diagnostic that names the template and the line, or for a Word template the
paragraph, where the tag is; `unclosed_tags` finds a Word tag left open before rendering.
`refused_resources` warns about what a page asked the PDF to read and it was not allowed to.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from agreementgen.errors import Diagnostic, Severity, display_path
from agreementgen.language import N_, tr
from agreementgen.render.bounds import TemplateBound
from agreementgen.source.templates import (
    AGREEMENT_HTML,
    DOCUMENT_HTML,
    Templates,
    UnreadableTemplate,
)
from agreementgen.text.prose import markup_text
from agreementgen.views.document import Document, SimpleDocument

# Hints, marked here and translated where they are said (tr(SANDBOX_HINT)).
SANDBOX_HINT = N_(
    "templates run in a sandbox: attributes starting with '_', Python internals, files and"
    " the template machinery are not available"
)
BOUND_HINT = N_(
    "templates run in a sandbox that bounds the size of what they make, and the time and"
    " memory a render takes"
)
CHECK_HINT = N_(
    "`agreementgen check-templates` lists every name the templates use that is not given"
)
STYLE_HINT = N_("add the style in Word, or copy it from agreementgen's templates/agreement.docx")
# A resource the PDF was not allowed to read (REFUSED, a warning), and how much of its URL the
# warning shows.
REFUSED = "AG191"
URL_SHOWN = 120


class MissingStyle(LookupError):
    """The Word template lacks a style that content is written in, or it is of another kind."""

    def __init__(self, name: str, problem: str = "") -> None:
        """`problem` says what is wrong with the style, a phrase marked N_ (translated here)."""
        super().__init__(
            tr("the Word template's style {name!r} {problem}").format(
                name=name, problem=tr(problem)
            )
            if problem
            else tr("the Word template has no style {name!r}").format(name=name)
        )
        self.name = name


# -- a failed render as a diagnostic ----------------------------------------------------------


def render_problem(
    exc: BaseException, *, templates: Templates, document: Document | SimpleDocument
) -> Diagnostic | None:
    """Return the diagnostic for an exception raised while rendering an HTML template.

    None when the exception is not the template's doing: anything but a template error
    raised from a built-in template is a bug in agreementgen.
    """
    places = _html_places(exc, templates)
    # Raised outside the templates' code (a bound hit while the page was joined): the page's.
    path, line = places[-1] if places else (_page_path(templates, document), 0)
    # The agreement's own template may have called a built-in macro with what it cannot take.
    own = any(templates.is_own(place) for place, _ in places)
    if not (own or isinstance(exc, jinja2.TemplateError)):
        return None
    code, message, hint = _describe(exc)
    where = display_path(path) if path is not None else "template"
    return Diagnostic(where, line, 0, code, _rendering("", message, document), hint=hint)


def refused_resources(
    urls: Iterable[str], *, templates: Templates, document: Document | SimpleDocument
) -> list[Diagnostic]:
    """Return a warning for each resource the PDF of `document`'s page was refused.

    The page's templates asked for it (agreementgen inlines pictures and styles as data:
    URIs), so the warning names the page's own template, or else the agreement's templates
    folder (a partial or the stylesheet in it did), or else the built-in template.
    """
    page = _page_path(templates, document)
    if page is not None and (templates.is_own(page) or templates.own is None):
        where = display_path(page)
    else:
        where = display_path(templates.own) if templates.own is not None else "template"
    return [
        Diagnostic(
            where,
            0,
            0,
            REFUSED,
            tr("the PDF may not read {url}; it is left out").format(url=_short(url, URL_SHOWN)),
            Severity.WARNING,
            hint=tr(
                "a PDF reads only data: URIs and its fonts: put a picture or style in the"
                " page as a data: URI"
            ),
        )
        for url in dict.fromkeys(urls)
    ]


def _page_path(templates: Templates, document: Document | SimpleDocument) -> Path | None:
    """The HTML template of `document`'s page; None when it cannot be found (then the render
    said why already)."""
    try:
        return templates.path(AGREEMENT_HTML if isinstance(document, Document) else DOCUMENT_HTML)
    except (jinja2.TemplateNotFound, OSError):
        return None


def word_problem(
    exc: BaseException,
    path: Path,
    *,
    templates: Templates,
    document: Document | SimpleDocument,
) -> Diagnostic | None:
    """Return the diagnostic for an exception raised while rendering a Word template.

    The diagnostic names the template file and the paragraph that holds the failing tag (its
    number counts the paragraphs of the body, or of the header or footer, in order). None
    when the exception is a bug in agreementgen, as for render_problem.
    """

    own = templates.is_own(path)
    frames = list(_frames(exc.__traceback__))
    where = display_path(path)
    if any(frame.f_code.co_name == "init_docx" for frame, _ in frames):
        return not_word(path, exc) if own else None
    if not (own or isinstance(exc, jinja2.TemplateError | MissingStyle)):
        return None
    code, message, hint = _describe(exc)
    place = _paragraph_place(exc, frames)
    return Diagnostic(where, 0, 0, code, _rendering(place, message, document), hint=hint)


def not_word(path: Path, exc: BaseException) -> Diagnostic:
    import zipfile

    if zipfile.is_zipfile(path):
        message = tr("{file} cannot be read as a Word document: {reason}").format(
            file=path.name, reason=_reason(exc)
        )
    else:
        message = tr("{file} cannot be read as a Word document: it is not a .docx file").format(
            file=path.name
        )
    return Diagnostic(
        display_path(path),
        0,
        0,
        "AG182",
        message,
        hint=tr("save it from Word as a Word document (*.docx); .doc and .dotx will not do"),
    )


def unclosed_tags(docx: Any, path: Path) -> list[Diagnostic]:
    """Return a diagnostic for each paragraph of a Word template with a tag left open.

    docxtpl joins a tag's pieces across runs and even paragraphs, so `{{ area_name` with no
    `}}` swallows the paragraphs up to the next `}}` without a word: a tag must open and
    close within its paragraph.
    """
    problems = []
    for label, part in _word_story(docx):
        for number, text in enumerate(_part_paragraphs(part), 1):
            opened = _open_tag(text)
            if opened:
                problems.append(
                    Diagnostic(
                        display_path(path),
                        0,
                        0,
                        "AG183",
                        _paragraph(label, number, text)
                        + tr("{tag!r} is not closed in its paragraph").format(tag=opened),
                        hint=tr("a tag opens and closes in one paragraph: {tags}").format(
                            tags="{{ … }}, {% … %}, {# … #}"
                        ),
                    )
                )
    return problems


_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}


def _open_tag(text: str) -> str:
    """Return the opening delimiter of a tag `text` leaves open, or ''."""
    expected = ""
    opener = ""
    for match in re.finditer(r"\{\{|\{%|\{#|\}\}|%\}|#\}", text):
        token = match.group()
        if not expected and token in _CLOSER:
            opener, expected = token, _CLOSER[token]
        elif token == expected:
            expected = ""
    return opener if expected else ""


def _word_story(docx: Any) -> Iterator[tuple[str, Any]]:
    """Yield (label, part) for the body and every header and footer of a Word document."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    yield "", docx.part
    for rel in docx.part.rels.values():
        if rel.reltype == RELATIONSHIP_TYPE.HEADER:
            yield "header", rel.target_part
        elif rel.reltype == RELATIONSHIP_TYPE.FOOTER:
            yield "footer", rel.target_part


# Where in a Word part a paragraph is, by the part's kind ('' for the body): the start of a
# message, followed by what is wrong there.
_PARAGRAPH = {
    "": N_("paragraph {number} “{text}”: "),
    "header": N_("header, paragraph {number} “{text}”: "),
    "footer": N_("footer, paragraph {number} “{text}”: "),
    "footnotes": N_("footnotes, paragraph {number} “{text}”: "),
}


def _paragraph(label: str, number: int, text: str) -> str:
    return tr(_PARAGRAPH[label]).format(number=number, text=_short(text))


def _rendering(place: str, message: str, document: Document | SimpleDocument) -> str:
    """The message of a failed render: where in the template, what, and of which document."""
    area = document.area_name if isinstance(document, Document) else document.subtitle
    return tr("{place}{message} (while rendering {title}, {area})").format(
        place=place, message=message, title=document.title, area=area
    )


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _describe(exc: BaseException) -> tuple[str, str, str]:
    """Return the code, message and hint for an exception a template caused."""

    if isinstance(exc, UnreadableTemplate):
        return "AG182", exc.message or tr("template cannot be read"), ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return "AG183", tr("template syntax error: {reason}").format(reason=exc.message), ""
    if isinstance(exc, jinja2.TemplateNotFound):
        message = tr("template {name!r} not found").format(name=exc.name)
        if exc.message and exc.message != exc.name:
            message = exc.message
        hint = tr("a template may include only templates of its own folder or the built-in ones")
        return "AG187", message, hint
    if isinstance(exc, TemplateBound):
        return "AG185", _refused(exc.message or exc), tr(BOUND_HINT)
    if isinstance(exc, SecurityError):
        return "AG185", _refused(exc.message or exc), tr(SANDBOX_HINT)
    if isinstance(exc, MemoryError):
        return "AG185", _refused(tr("the render ran out of memory")), tr(BOUND_HINT)
    if isinstance(exc, jinja2.UndefinedError):
        return "AG184", _tidy(exc.message or str(exc)), tr(CHECK_HINT)
    if isinstance(exc, MissingStyle):
        return "AG190", str(exc), tr(STYLE_HINT)
    if isinstance(exc, jinja2.TemplateError):
        return "AG186", tr("template error: {reason}").format(reason=exc.message or exc), ""
    return (
        "AG186",
        tr("template failed: {error}: {reason}").format(error=type(exc).__name__, reason=exc),
        "",
    )


def _refused(reason: object) -> str:
    return tr("refused: {reason}").format(reason=reason)


def _tidy(message: str) -> str:
    """Turn Jinja's "'agreementgen.views.document.Document object'" into "'Document'"."""
    return re.sub(r"'(?:[\w]+\.)*(\w+) object'", r"'\1'", message)


def _frames(tb: TracebackType | None) -> Iterator[tuple[types.FrameType, int]]:
    while tb is not None:
        yield tb.tb_frame, tb.tb_lineno
        tb = tb.tb_next


def _html_places(exc: BaseException, templates: Templates) -> list[tuple[Path, int]]:
    """Return the template files and lines an exception passed through, innermost last."""
    if isinstance(exc, UnreadableTemplate):
        return [(exc.path, 0)]
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return [(Path(exc.filename), exc.lineno)]
    # Jinja rewrites the traceback: a template's frames carry its file name and its lines.
    places = []
    for frame, line in _frames(exc.__traceback__):
        name = frame.f_code.co_filename
        if name.startswith("<"):
            continue
        path = Path(name)
        if any(path.is_relative_to(folder) for folder in templates.folders):
            places.append((path, line))
    return places


def _paragraph_place(exc: BaseException, frames: list[tuple[types.FrameType, int]]) -> str:
    """Say where in a Word template a failing tag is: 'header, paragraph 2 "…": '.

    docxtpl renders each part (body, header, footer) as one Jinja template, with a line
    break before every paragraph, so a Jinja line number is a paragraph of that part.
    """
    line = exc.lineno if isinstance(exc, jinja2.TemplateSyntaxError) else 0
    source, part = "", None
    for frame, number in frames:
        if frame.f_code.co_filename == "<template>":
            line = number
        elif frame.f_code.co_name == "render_xml_part":
            source, part = frame.f_locals.get("src_xml", ""), frame.f_locals.get("part")
        elif frame.f_code.co_name == "render_properties":
            return _property(frame.f_locals.get("prop", ""))
    if not source or not line:
        return ""
    return word_place(source, line, part, needle=_needle(exc))


def word_place(source: str, line: int, part: Any, *, needle: str = "") -> str:
    """Say where line `line` of a Word part's Jinja source is: 'paragraph 3 "…": '.

    `part` is a part of the document, or the name of a document property (a string).
    """
    if isinstance(part, str):
        return _property(part)
    number, text = locate_paragraph(source, line, part, needle=needle)
    return _paragraph(_part_label(part), number, text)


def _property(name: object) -> str:
    return tr("document property {name!r}: ").format(name=name)


def _part_label(part: Any) -> str:
    name = str(getattr(part, "partname", ""))
    for kind in ("header", "footer", "footnotes"):
        if f"/{kind}" in name:
            return kind
    return ""


def _needle(exc: BaseException) -> str:
    """The name an error is about ("'aera_name' is undefined"), to find its tag."""
    found = re.search(r"'([^']+)' is undefined|attribute '([^']+)'", str(exc))
    return next((g for g in found.groups() if g), "") if found else ""


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_TAG = re.compile(r"\{[{%#].*?[}%#]\}")


def _plain(xml: str) -> str:
    text = markup_text(xml, between="")
    return " ".join(text.replace("“", '"').replace("”", '"').replace("’", "'").split())


def locate_paragraph(source: str, line: int, part: Any, *, needle: str = "") -> tuple[int, str]:
    """Return (number, text) of the paragraph of a Word part that line `line` of its Jinja
    source stands for.

    The source has a line per paragraph, but paragraphs that held only a `{%p … %}` tag are
    gone from it, so the number is found again in the part's own paragraphs by the tags the
    line holds; failing that, it is the line's place in the source.
    """
    lines = source.split("\n")
    text = _plain(lines[line - 1]) if 0 < line <= len(lines) else ""
    number = sum(1 for item in lines[:line] if item.startswith("<w:p"))
    tags = [" ".join(t.split()) for t in _TAG.findall(text)]
    if needle:
        tags = sorted(tags, key=lambda t: needle not in t)
    paragraphs = _part_paragraphs(part)
    for tag in tags:
        for index, paragraph in enumerate(paragraphs):
            if tag in " ".join(paragraph.split()):
                return index + 1, paragraph
    return max(number, 1), text


def _part_paragraphs(part: Any) -> list[str]:
    """The text of every paragraph of a part, in order (tables' paragraphs included)."""
    from docx.oxml.ns import qn

    element = getattr(part, "element", None) if part is not None else None
    if element is None:
        blob = getattr(part, "blob", None)
        if not blob:
            return []
        from docx.oxml import parse_xml

        element = parse_xml(blob)
    return [
        _plain("".join(t.text or "" for t in p.iter(qn("w:t")))) for p in element.iter(qn("w:p"))
    ]
