"""Checks stage: every footnote reference in the prose has its note, in every file.

A footnote is defined in the same text as it is referred to ("38 %[^1]" and, on a line of its
own, "[^1]: Kilde: ..."). A reference with no definition would show as written, "[^1]": an
error, draft or final. A definition nothing refers to would not show at all: a warning. The
prose is every field of the Markdown type, in the agreement and in every document beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import BaseModel

from agreementgen.errors import Diagnostic, Severity
from agreementgen.language import tr
from agreementgen.source.fields import field_annotations, is_markdown
from agreementgen.source.load import Source

UNDEFINED = "AG140"
UNUSED = "AG141"

Loc = tuple[str | int, ...]


def footnote_problems(files: Iterable[tuple[Source, BaseModel]]) -> list[Diagnostic]:
    """Every footnote reference with no definition and every definition with no reference
    in the prose of `files`, each file with its valid model."""
    return [
        diagnostic
        for source, model in files
        for loc, text in prose(model)
        for diagnostic in _text_problems(source, loc, text)
    ]


def _text_problems(source: Source, loc: Loc, text: str) -> Iterator[Diagnostic]:
    if "[^" not in text:
        return  # spares the parser nearly every text, and `validate` its import
    from agreementgen.text.markdown import footnote_use

    use = footnote_use(text)
    for label, offset in use.undefined:
        yield _at(
            source,
            source.text_position(loc, offset),
            UNDEFINED,
            tr("footnote [^{label}] has no definition").format(label=label),
            tr("add a line '[^{label}]: ...' with the note to the same text").format(label=label),
        )
    for label, offset in use.unused:
        yield _at(
            source,
            source.text_position(loc, offset),
            UNUSED,
            tr("footnote [^{label}] is defined but nothing refers to it").format(label=label),
            tr("write [^{label}] where the note belongs, or delete the definition").format(
                label=label
            ),
            Severity.WARNING,
        )


def _at(
    source: Source,
    where: tuple[int, int],
    code: str,
    message: str,
    hint: str,
    severity: Severity = Severity.ERROR,
) -> Diagnostic:
    line, col = where
    return Diagnostic(source.display, line, col, code, message, severity, hint)


def prose(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every Markdown text in `model`, with its place in the file."""
    fields = field_annotations(type(model))
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        at = (*loc, info.alias or name)
        if isinstance(value, str) and is_markdown(fields[info.alias or name]):
            yield at, value
        else:
            yield from _inside(value, at)


def _inside(value: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, BaseModel):
        yield from prose(value, loc)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _inside(item, (*loc, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _inside(item, (*loc, key))
