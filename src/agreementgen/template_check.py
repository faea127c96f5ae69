"""Templates as input: their errors as diagnostics, and `check-templates`.

Two halves. When a renderer fails, `render_problem` (HTML) and `word_problem` (Word) turn the
exception into one diagnostic that names the template and the line, or for a Word template
the paragraph, where the tag is. And `check_templates` reads every template an agreement
uses without rendering anything: it walks each template's syntax tree, follows what every
name refers to (the renderers' context is declared below, from agreementgen.document's
dataclasses), and reports the variables and attributes nothing provides.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import difflib
import functools
import html
import inspect
import re
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypedDict, Union

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from agreementgen.document import Document, Fact, FigureView, Signature, SimpleDocument
from agreementgen.errors import Diagnostic, Severity, display_path
from agreementgen.templating import (
    AGREEMENT_DOCX,
    AGREEMENT_HTML,
    CHECKLIST_HTML,
    DOCUMENT_DOCX,
    DOCUMENT_HTML,
    REPLACEABLE,
    STYLESHEET,
    UNTOUCHABLE,
    Templates,
    UnreadableTemplate,
    template_files,
)

# -- what the templates are given -------------------------------------------------------------
# render_html passes `document` and three helpers; render_docx passes the dictionaries below
# (tests/test_templates.py checks that these stay what the renderers pass).


class WordSection(TypedDict):
    """A section as a Word template sees it: its heading, and its content as Word XML."""

    heading: str
    body: Markup


class AgreementWord(TypedDict):
    """What templates/agreement.docx is rendered with."""

    title: str
    area_name_label: str
    area_name: str
    parties_label: str
    parties: tuple[str, ...]
    period: str
    signatures_label: str
    signatures: tuple[Signature, ...]
    date_label: str
    name_label: str
    documents_heading: str
    documents: Markup
    sections: list[WordSection]
    page_before: str
    page_between: str
    page_after: str


class SimpleWord(TypedDict):
    """What templates/document.docx is rendered with."""

    title: str
    subtitle: str
    header: str
    facts: tuple[Fact, ...]
    notice: str
    sections: list[WordSection]
    page_before: str
    page_between: str
    page_after: str


_HELPERS: dict[str, Any] = {
    "css": Markup,
    "picture": Callable[[FigureView], str],
    "kind_of": Callable[[object], str],
}
CONTEXTS: dict[str, dict[str, Any]] = {
    AGREEMENT_HTML: {"document": Document, **_HELPERS},
    DOCUMENT_HTML: {"document": SimpleDocument, **_HELPERS},
    CHECKLIST_HTML: {"body": Markup, "css": Markup},
    AGREEMENT_DOCX: typing.get_type_hints(AgreementWord),
    DOCUMENT_DOCX: typing.get_type_hints(SimpleWord),
}
# Any other template is a part the pages include or import with their context.
PARTIAL_CONTEXT: dict[str, Any] = {"document": Document | SimpleDocument, **_HELPERS}
# What every template has besides its context: Jinja's own globals.
JINJA_GLOBALS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace"})

SANDBOX_HINT = (
    "templates run in a sandbox: attributes starting with '_', Python internals, files and "
    "the template machinery are not available"
)
CHECK_HINT = "`agreementgen check-templates` lists every name the templates use that is not given"


# -- a failed render as a diagnostic ----------------------------------------------------------


def render_problem(
    exc: BaseException, *, templates: Templates, document: Document | SimpleDocument
) -> Diagnostic | None:
    """Return the diagnostic for an exception raised while rendering an HTML template.

    None when the exception is not the template's doing: anything but a template error
    raised from a built-in template is a bug in agreementgen.
    """
    places = _html_places(exc, templates)
    path, line = places[-1] if places else (None, 0)
    # The agreement's own template may have called a built-in macro with what it cannot take.
    own = any(templates.is_own(place) for place, _ in places)
    if not (own or isinstance(exc, jinja2.TemplateError)):
        return None
    code, message, hint = _describe(exc)
    where = display_path(path) if path is not None else "template"
    return Diagnostic(where, line, 0, code, f"{message} ({_rendering(document)})", hint=hint)


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
    from agreementgen.render_docx import MissingStyle

    own = templates.is_own(path)
    frames = list(_frames(exc.__traceback__))
    where = display_path(path)
    if any(frame.f_code.co_name == "init_docx" for frame, _ in frames):
        return _not_word(path, exc) if own else None
    if not (own or isinstance(exc, jinja2.TemplateError | MissingStyle)):
        return None
    code, message, hint = _describe(exc)
    place = _paragraph_place(exc, frames)
    suffix = f" ({_rendering(document)})"
    return Diagnostic(where, 0, 0, code, f"{place}{message}{suffix}", hint=hint)


def _not_word(path: Path, exc: BaseException) -> Diagnostic:
    import zipfile

    reason = _reason(exc) if zipfile.is_zipfile(path) else "it is not a .docx file"
    return Diagnostic(
        display_path(path),
        0,
        0,
        "AG182",
        f"{path.name} cannot be read as a Word document: {reason}",
        hint="save it from Word as a Word document (*.docx); .doc and .dotx will not do",
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
                        f"{label}paragraph {number} “{_short(text)}”: {opened!r} is not closed "
                        "in its paragraph",
                        hint="a tag opens and closes in one paragraph: {{ … }}, {% … %}, {# … #}",
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
            yield "header, ", rel.target_part
        elif rel.reltype == RELATIONSHIP_TYPE.FOOTER:
            yield "footer, ", rel.target_part


def _rendering(document: Document | SimpleDocument) -> str:
    area = document.area_name if isinstance(document, Document) else document.subtitle
    return f"while rendering {document.title}, {area}"


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _describe(exc: BaseException) -> tuple[str, str, str]:
    """Return the code, message and hint for an exception a template caused."""
    from agreementgen.render_docx import MissingStyle

    if isinstance(exc, UnreadableTemplate):
        return "AG182", exc.message or "template cannot be read", ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return "AG183", f"template syntax error: {exc.message}", ""
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template {exc.name!r} not found"
        if exc.message and exc.message != exc.name:
            message = exc.message
        hint = "a template may include only templates of its own folder or the built-in ones"
        return "AG187", message, hint
    if isinstance(exc, SecurityError):
        return "AG185", f"refused: {exc.message or exc}", SANDBOX_HINT
    if isinstance(exc, jinja2.UndefinedError):
        return "AG184", _tidy(exc.message or str(exc)), CHECK_HINT
    if isinstance(exc, MissingStyle):
        hint = "add the style in Word, or copy it from agreementgen's templates/agreement.docx"
        return "AG190", str(exc), hint
    if isinstance(exc, jinja2.TemplateError):
        return "AG186", f"template error: {exc.message or exc}", ""
    return "AG186", f"template failed: {type(exc).__name__}: {exc}", ""


def _tidy(message: str) -> str:
    """Turn Jinja's "'agreementgen.document.Document object'" into "'Document'"."""
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
            return f"document property {frame.f_locals.get('prop', '')!r}: "
    if not source or not line:
        return ""
    return _word_place(source, line, part, needle=_needle(exc))


def _word_place(source: str, line: int, part: Any, *, needle: str = "") -> str:
    """Say where line `line` of a Word part's Jinja source is: 'paragraph 3 "…": '.

    `part` is a part of the document, or the name of a document property (a string).
    """
    if isinstance(part, str):
        return f"document property {part!r}: "
    number, text = locate_paragraph(source, line, part, needle=needle)
    return f"{_part_label(part)}paragraph {number} “{_short(text)}”: "


def _part_label(part: Any) -> str:
    name = str(getattr(part, "partname", ""))
    for kind in ("header", "footer", "footnotes"):
        if f"/{kind}" in name:
            return f"{kind}, "
    return ""


def _needle(exc: BaseException) -> str:
    """The name an error is about ("'aera_name' is undefined"), to find its tag."""
    found = re.search(r"'([^']+)' is undefined|attribute '([^']+)'", str(exc))
    return next((g for g in found.groups() if g), "") if found else ""


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_TAG = re.compile(r"\{[{%#].*?[}%#]\}")


def _plain(xml: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", xml))
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


# -- types: what a name in a template refers to ------------------------------------------------
# A type is a frozenset of Python types (a union). ANY is "could be anything": nothing is said
# about it. NOTHING is "not known yet": a macro parameter before its calls have been seen;
# it adds nothing to a union and nothing is said about it either.

Ty = frozenset[Any]
ANY: Ty = frozenset({Any})
NOTHING: Ty = frozenset()


def type_of(hint: Any) -> Ty:
    """Return a type hint as a Ty, unions flattened."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        return frozenset().union(*(type_of(arg) for arg in typing.get_args(hint)))
    if hint is Any or hint is object:
        return ANY
    return frozenset({hint})


def _unknown(ty: Ty) -> bool:
    return Any in ty


def _hints(owner: Any) -> dict[str, Any]:
    return _cached_hints(owner)


@functools.cache
def _cached_hints(owner: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(owner)
    except Exception:  # a type whose annotations cannot be resolved: say nothing about it
        return {}


def attribute(ty: Ty, name: str) -> Ty | None:
    """Return the type of attribute `name` of a value of type `ty`; None if it has none.

    A union has an attribute when one of its members has it: templates tell blocks apart
    by their kind before using what only one kind has.
    """
    if _unknown(ty) or not ty:
        return ty
    found = [t for t in (_member_attribute(atom, name) for atom in ty) if t is not None]
    return frozenset().union(*found) if found else None


def _member_attribute(atom: Any, name: str) -> Ty | None:
    if atom is type(None):
        return None
    origin: Any = typing.get_origin(atom) or atom
    if typing.is_typeddict(atom):
        hints = _hints(atom)
        if name in hints:
            return type_of(hints[name])
        return ANY if hasattr(dict, name) else None
    if dataclasses.is_dataclass(origin):
        hints = _hints(origin)
        if name in hints:
            return type_of(hints[name])
        member = inspect.getattr_static(origin, name, None)
        if isinstance(member, property) and member.fget is not None:
            return type_of(_hints(member.fget).get("return", Any))
    if origin is collections.abc.Callable:
        return None
    if isinstance(origin, type) and hasattr(origin, name):
        return ANY  # a method, e.g. str.split
    return None


def element(ty: Ty) -> Ty:
    """Return the type of the items a `{% for %}` over a value of type `ty` yields."""
    if _unknown(ty) or not ty:
        return ty
    found: set[Any] = set()
    for atom in ty:
        origin: Any = typing.get_origin(atom)
        args = typing.get_args(atom)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            found |= type_of(args[0])
        elif origin is tuple:
            found |= frozenset().union(*(type_of(a) for a in args))
        elif origin in (list, set, frozenset, dict, collections.abc.Sequence) and args:
            found |= type_of(args[0])
        elif atom in (str, Markup):
            found.add(str)
        else:
            return ANY
    return frozenset(found)


def _untouchable(ty: Ty) -> bool:
    return any(isinstance(atom, type) and issubclass(atom, UNTOUCHABLE) for atom in ty)


def _type_name(ty: Ty) -> str:
    names = sorted(getattr(atom, "__name__", str(atom)) for atom in ty if atom is not type(None))
    return " | ".join(names) or "None"


def _attribute_names(ty: Ty) -> list[str]:
    names: set[str] = set()
    for atom in ty:
        origin = typing.get_origin(atom) or atom
        if typing.is_typeddict(atom) or dataclasses.is_dataclass(origin):
            names |= set(_hints(origin))
            if isinstance(origin, type):
                names |= {
                    n
                    for n, member in inspect.getmembers(origin)
                    if isinstance(member, property) and not n.startswith("_")
                }
    return sorted(names)


# -- the walk ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Macro:
    template: str
    name: str


@dataclass(frozen=True)
class _Module:
    template: str


@dataclass
class Finding:
    """A problem the walk found: where (template, line), code, message, hint."""

    template: str
    line: int
    code: str
    message: str
    hint: str = ""


@dataclass
class _Walk:
    """One pass over a set of parsed templates.

    `params` holds, per macro, the types its parameters were called with anywhere in the
    set; passes repeat until that settles, so `{{ blocks(section.blocks) }}` in a page types
    the `items` of the macro `blocks` in the template it imports it from.
    """

    trees: dict[str, nodes.Template]
    contexts: dict[str, dict[str, Any]]
    known: dict[tuple[str, str, str], Ty]  # from the pass before
    final: bool = False  # the last pass: a parameter never called with a type is ANY
    params: dict[tuple[str, str, str], Ty] = field(default_factory=dict)  # from this pass
    findings: list[Finding] = field(default_factory=list)
    template: str = ""

    def run(self) -> None:
        for name, tree in self.trees.items():
            self.template = name
            self.block(tree.body, [{}])

    # statements ---------------------------------------------------------------------------

    def block(self, body: Sequence[nodes.Node], scopes: list[dict[str, Any]]) -> None:
        for node in body:
            self.statement(node, scopes)

    def statement(self, node: nodes.Node, scopes: list[dict[str, Any]]) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child, scopes)
        elif isinstance(node, nodes.If):
            self.expr(node.test, scopes)
            self.block(node.body, scopes)
            self.block(node.elif_, scopes)
            self.block(node.else_, scopes)
        elif isinstance(node, nodes.For):
            items = element(self.expr(node.iter, scopes))
            inner = [*scopes, {"loop": ANY}]
            self.bind(node.target, items, inner)
            if node.test is not None:
                self.expr(node.test, inner)
            self.block(node.body, inner)
            self.block(node.else_, scopes)
        elif isinstance(node, nodes.Macro):
            self.macro(node, scopes)
        elif isinstance(node, nodes.CallBlock):
            self.expr(node.call, scopes)
            inner = [*scopes, {"caller": ANY}]
            for arg in node.args:
                self.bind(arg, ANY, inner)
            self.block(node.body, inner)
        elif isinstance(node, nodes.With):
            inner = [*scopes, {}]
            for target, value in zip(node.targets, node.values, strict=True):
                self.bind(target, self.expr(value, scopes), inner)
            self.block(node.body, inner)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, self.expr(node.node, scopes), scopes)
        elif isinstance(node, nodes.AssignBlock):
            self.block(node.body, scopes)
            self.bind(node.target, frozenset({Markup}), scopes)
        elif isinstance(node, nodes.Import):
            name = self.imported(node.template, node.lineno)
            scopes[-1][node.target] = _Module(name) if name else ANY
        elif isinstance(node, nodes.FromImport):
            name = self.imported(node.template, node.lineno)
            for item in node.names:
                real, alias = item if isinstance(item, tuple) else (item, item)
                scopes[-1][alias] = _Macro(name, real) if name else ANY
        elif isinstance(node, nodes.Include | nodes.Extends):
            missing_ok = bool(getattr(node, "ignore_missing", False))
            self.imported(node.template, node.lineno, missing_ok=missing_ok)
        else:
            for inner_node in node.iter_child_nodes():
                if isinstance(inner_node, nodes.Expr):
                    self.expr(inner_node, scopes)
                else:
                    self.statement(inner_node, scopes)

    def macro(self, node: nodes.Macro, scopes: list[dict[str, Any]]) -> None:
        scopes[-1][node.name] = _Macro(self.template, node.name)
        for default in node.defaults:
            self.expr(default, scopes)
        inner: dict[str, Any] = {"varargs": ANY, "kwargs": ANY, "caller": ANY}
        for arg in node.args:
            unseen = ANY if self.final else NOTHING
            inner[arg.name] = self.known.get((self.template, node.name, arg.name), unseen)
        self.block(node.body, [*scopes, inner])

    def imported(self, template: nodes.Expr, line: int, *, missing_ok: bool = False) -> str:
        """Return the name of an imported or included template, checking that it exists."""
        if not isinstance(template, nodes.Const) or not isinstance(template.value, str):
            self.expr(template, [{}])
            return ""
        name = template.value
        if name not in self.trees and not missing_ok:
            self.report(line, "AG187", f"template {name!r} not found", "")
            return ""
        return name

    def bind(self, target: nodes.Node, ty: Ty, scopes: list[dict[str, Any]]) -> None:
        if isinstance(target, nodes.Name):
            scopes[-1][target.name] = ty
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, ANY, scopes)
        elif isinstance(target, nodes.NSRef):
            self.lookup(target.name, target.lineno, scopes)

    # expressions --------------------------------------------------------------------------

    def expr(self, node: nodes.Node | None, scopes: list[dict[str, Any]]) -> Ty:
        if node is None:
            return ANY
        if isinstance(node, nodes.Name):
            found = self.lookup(node.name, node.lineno, scopes)
            return found if isinstance(found, frozenset) else ANY
        if isinstance(node, nodes.Const):
            return type_of(type(node.value))
        if isinstance(node, nodes.TemplateData):
            return frozenset({str})
        if isinstance(node, nodes.Getattr):
            return self.member(node, node.node, node.attr, scopes)
        if isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self.member(node, node.node, node.arg.value, scopes)
            self.expr(node.arg, scopes)
            return element(self.expr(node.node, scopes))
        if isinstance(node, nodes.Call):
            self.call(node, scopes)
            return ANY
        if isinstance(node, nodes.CondExpr):
            self.expr(node.test, scopes)
            return self.expr(node.expr1, scopes) | self.expr(node.expr2, scopes)
        if isinstance(node, nodes.Concat):
            for child in node.nodes:
                self.expr(child, scopes)
            return frozenset({str})
        for part in node.iter_child_nodes():
            if isinstance(part, nodes.Expr):
                self.expr(part, scopes)
            elif isinstance(part, nodes.Keyword | nodes.Pair):
                for value in part.iter_child_nodes():
                    self.expr(value, scopes)
        return ANY

    def lookup(self, name: str, line: int, scopes: list[dict[str, Any]]) -> Any:
        for scope in reversed(scopes):
            if name in scope:
                return scope[name]
        context = self.contexts.get(self.template, PARTIAL_CONTEXT)
        if name in context:
            return type_of(context[name])
        if name in JINJA_GLOBALS:
            return ANY
        names = [*context, *JINJA_GLOBALS]
        self.report(line, "AG188", f"unknown variable {name!r}", _did_you_mean(name, names))
        return ANY

    def member(
        self, node: nodes.Node, base: nodes.Node, name: str, scopes: list[dict[str, Any]]
    ) -> Ty:
        if isinstance(base, nodes.Name):
            found = self.lookup(base.name, base.lineno, scopes)
            if isinstance(found, _Module):
                return ANY
        owner = self.expr(base, scopes)
        text = f"{_text(base)}.{name}"
        refused = f"{text!r} is not available to templates"
        if name.startswith("_") or _untouchable(owner):
            self.report(node.lineno, "AG185", refused, SANDBOX_HINT)
            return ANY
        found_ty = attribute(owner, name)
        if found_ty is None:
            message = f"{text!r}: {_type_name(owner)} has no attribute {name!r}"
            self.report(node.lineno, "AG188", message, _did_you_mean(name, _attribute_names(owner)))
            return ANY
        if _untouchable(found_ty):
            self.report(node.lineno, "AG185", refused, SANDBOX_HINT)
            return ANY
        return found_ty

    def call(self, node: nodes.Call, scopes: list[dict[str, Any]]) -> None:
        target: Any = None
        if isinstance(node.node, nodes.Name):
            target = self.lookup(node.node.name, node.node.lineno, scopes)
        elif isinstance(node.node, nodes.Getattr) and isinstance(node.node.node, nodes.Name):
            module = self.lookup(node.node.node.name, node.node.lineno, scopes)
            if isinstance(module, _Module):
                target = _Macro(module.template, node.node.attr)
        if not isinstance(target, _Macro):
            self.expr(node.node, scopes)
        args = [self.expr(arg, scopes) for arg in node.args]
        kwargs = {kw.key: self.expr(kw.value, scopes) for kw in node.kwargs}
        self.expr(node.dyn_args, scopes)
        self.expr(node.dyn_kwargs, scopes)
        if isinstance(target, _Macro):
            self.called(target, args, kwargs)

    def called(self, target: _Macro, args: list[Ty], kwargs: dict[str, Ty]) -> None:
        """Record the types a macro was called with."""
        tree = self.trees.get(target.template)
        definition = (
            next((m for m in tree.find_all(nodes.Macro) if m.name == target.name), None)
            if tree is not None
            else None
        )
        if definition is None:
            return
        names = [arg.name for arg in definition.args]
        given = dict(zip(names, args, strict=False))
        given |= {key: ty for key, ty in kwargs.items() if key in names}
        for name, ty in given.items():
            key = (target.template, target.name, name)
            before = self.params.get(key, NOTHING)
            self.params[key] = ANY if _unknown(ty) or _unknown(before) else before | ty

    def report(self, line: int, code: str, message: str, hint: str) -> None:
        self.findings.append(Finding(self.template, line, code, message, hint))


def _text(node: nodes.Node) -> str:
    """Return an expression as the template writes it, for names and attribute chains."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_text(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        inner = repr(node.arg.value) if isinstance(node.arg, nodes.Const) else "…"
        return f"{_text(node.node)}[{inner}]"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return "…"


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def walk(trees: dict[str, nodes.Template], contexts: dict[str, dict[str, Any]]) -> list[Finding]:
    """Walk a set of templates; return what they use that their context does not provide."""
    known: dict[tuple[str, str, str], Ty] = {}
    for _ in range(6):  # until the macros' parameter types settle (nesting depth, in practice)
        current = _Walk(trees, contexts, known)
        current.run()
        if current.params == known:
            break
        known = current.params
    final = _Walk(trees, contexts, known, final=True)
    final.run()
    unique = {(f.template, f.line, f.code, f.message): f for f in final.findings}
    return list(unique.values())


# -- check-templates --------------------------------------------------------------------------


@dataclass
class TemplateReport:
    """What check-templates found: the problems and the template files it read."""

    problems: list[Diagnostic] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


def check_templates(paths: Sequence[Path]) -> TemplateReport:
    """Check the templates of the agreements `paths` name (default: all under agreements/).

    Each agreement's templates are its own `templates:` folder before the built-in ones;
    every set is checked once. Nothing is rendered.
    """
    from agreementgen.checks import AGREEMENT_FILE, Context, check_templates_folder
    from agreementgen.load import load_yaml
    from agreementgen.model import Agreement
    from agreementgen.packs import load_pack
    from agreementgen.project import find_agreements
    from agreementgen.templating import own_templates
    from agreementgen.validate import parse_model

    folders, problems = find_agreements(paths)
    report = TemplateReport(problems)
    seen: set[Templates] = set()
    for folder in folders:
        source, found = load_yaml(folder / AGREEMENT_FILE, name=AGREEMENT_FILE)
        report.problems += found
        agreement, found = parse_model(Agreement, source) if source else (None, [])
        report.problems += found
        if source is None or agreement is None:
            continue
        context = Context({AGREEMENT_FILE: source}, load_pack(agreement.template_pack), folder)
        found = list(check_templates_folder(agreement, context))
        report.problems += found
        templates = own_templates(folder, agreement.templates)
        if any(d.severity is Severity.ERROR for d in found) or templates in seen:
            continue
        seen.add(templates)
        problems, checked = check_template_set(templates)
        report.problems += problems
        report.checked += [c for c in checked if c not in report.checked]
    return report


def check_template_set(templates: Templates) -> tuple[list[Diagnostic], list[str]]:
    """Check the templates of one search path; return the problems and the files read."""
    environment = templates.environment()
    names = _template_names(templates)
    trees: dict[str, nodes.Template] = {}
    files: dict[str, Path] = {}
    word: dict[str, tuple[Path, str, Any]] = {}
    problems: list[Diagnostic] = []
    for name in names:
        try:
            path = templates.path(name)
        except jinja2.TemplateNotFound as exc:  # a link out of its folder
            where = display_path(templates.own / name) if templates.own else name
            problems.append(Diagnostic(where, 0, 0, "AG181", exc.message or name))
            continue
        files[name] = path
        if name.endswith(".docx"):
            parts, found = _word_parts(path, name, templates)
            problems += found
            for part_name, (source, part) in parts.items():
                tree, found = _parse(environment, source, path, part_name, part)
                problems += found
                if tree is not None:
                    trees[part_name] = tree
                    word[part_name] = (path, source, part)
            continue
        if name == STYLESHEET:
            continue
        try:
            source, _, _ = environment.loader.get_source(environment, name)  # type: ignore[union-attr]
        except UnreadableTemplate as exc:
            problems.append(Diagnostic(display_path(path), 0, 0, "AG182", exc.message or ""))
            continue
        tree, found = _parse(environment, source, path, name, None)
        problems += found
        if tree is not None:
            trees[name] = tree
    contexts = {**CONTEXTS}
    for part_name in word:
        contexts[part_name] = CONTEXTS[part_name.split("#", 1)[0]]
    for finding in walk(trees, contexts):
        if finding.template in word:
            path, source, part = word[finding.template]
            message = _word_place(source, finding.line, part) + finding.message
            problems.append(
                Diagnostic(display_path(path), 0, 0, finding.code, message, hint=finding.hint)
            )
        else:
            where = display_path(files[finding.template])
            problems.append(
                Diagnostic(where, finding.line, 0, finding.code, finding.message, hint=finding.hint)
            )
    return problems, [display_path(path) for path in files.values()]


def _template_names(templates: Templates) -> list[str]:
    """The templates of a search path: the replaceable ones, and every other in the own folder."""
    names = set(REPLACEABLE)
    if templates.own is not None and templates.own.is_dir():
        for relative in template_files(templates.own):
            if (relative.endswith(".j2") or relative in REPLACEABLE) and (
                templates.own / relative
            ).is_file():
                names.add(relative)
    names.discard(CHECKLIST_HTML)
    return sorted(names)


def _parse(
    environment: jinja2.Environment, source: str, path: Path, name: str, part: Any
) -> tuple[nodes.Template | None, list[Diagnostic]]:
    try:
        tree = environment.parse(source, name, str(path))
        environment.compile(tree, name, str(path))  # unknown filters and tests
    except jinja2.TemplateSyntaxError as exc:
        message = f"template syntax error: {exc.message}"
        if part is None:
            return None, [Diagnostic(display_path(path), exc.lineno, 0, "AG183", message)]
        where = _word_place(source, exc.lineno, part)
        return None, [Diagnostic(display_path(path), 0, 0, "AG183", where + message)]
    return tree, []


def _word_parts(
    path: Path, name: str, templates: Templates
) -> tuple[dict[str, tuple[str, Any]], list[Diagnostic]]:
    """Return the Jinja source of each part of a Word template, as docxtpl renders it.

    Also checks that the template has every style content is written in (AG190).
    """
    import re as _re

    from docxtpl import DocxTemplate

    from agreementgen.render_docx import CONTENT_STYLES

    where = display_path(path)
    tpl = DocxTemplate(str(path))
    try:
        docx = tpl.get_docx()
    except Exception as exc:  # any failure to open untrusted bytes means the same
        return {}, [_not_word(path, exc)]
    problems = unclosed_tags(docx, path)
    if problems:
        return {}, problems
    if templates.is_own(path):
        styles = {(s.name, s.type) for s in docx.styles}
        for style, kind in CONTENT_STYLES:
            if (style, kind) not in styles:
                problems.append(
                    Diagnostic(
                        where,
                        0,
                        0,
                        "AG190",
                        f"the Word template has no {kind.name.lower()} style {style!r}",
                        hint="add the style in Word, or copy it from agreementgen's "
                        "templates/agreement.docx",
                    )
                )
    parts: dict[str, tuple[str, Any]] = {}

    def add(label: str, xml: str, part: Any) -> None:
        patched = tpl.patch_xml(xml)
        parts[f"{name}#{label}"] = (_re.sub(r"<w:p([ >])", r"\n<w:p\1", patched), part)

    add("body", tpl.get_xml(), docx.part)
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for key, part in tpl.get_headers_footers(uri):
            add(key, tpl.get_part_xml(part), part)
    # docxtpl renders these document properties as templates too.
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(docx.core_properties, prop) or ""
        if "{" in value:
            parts[f"{name}#{prop}"] = (value, prop)
    return parts, problems
