"""The models' fields as annotated: the types a field admits and whether it is Markdown prose.

fmt (which rewrites prose as a sentence per line) and the footnote check (which reads every
prose field) ask the same question of the same annotations; this is where it is answered.
"""

from __future__ import annotations

import functools
import types
import typing
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from agreementgen.source.model import Markdown

# The FieldInfo inside the `Markdown` alias marks a field as prose wherever the alias is used.
_MARKDOWN = next(m for m in get_args(Markdown)[1:] if isinstance(m, FieldInfo))


def members(annotation: Any) -> tuple[list[Any], bool]:
    """Return the types an annotation admits (unions and Annotated unwrapped, None dropped)
    and whether it is Markdown prose."""
    found: list[Any] = []
    markdown = False
    pending = [annotation]
    while pending:
        tp = pending.pop(0)
        origin = get_origin(tp)
        if origin is Annotated:
            markdown = markdown or any(m is _MARKDOWN for m in tp.__metadata__)
            pending.insert(0, get_args(tp)[0])
        elif origin is Union or origin is types.UnionType:
            pending[0:0] = get_args(tp)
        elif tp is not None and tp is not type(None):
            found.append(tp)
    return found, markdown


def is_markdown(annotation: Any) -> bool:
    """Whether a field of this annotation holds Markdown prose."""
    return annotation is not None and members(annotation)[1]


@functools.cache
def field_annotations(model: type[BaseModel]) -> dict[str, Any]:
    """Return the model's keys (aliases where set) in field order, each with its full
    annotation."""
    # get_type_hints keeps Annotated metadata that pydantic strips from `annotation`.
    hints = typing.get_type_hints(model, include_extras=True)
    return {
        (info.alias or name): hints.get(name, info.annotation)
        for name, info in model.model_fields.items()
    }
