"""Model stage, second half: turn loaded YAML into models, and pydantic errors into diagnostics."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from agreementgen.errors import Diagnostic, suggestion
from agreementgen.source.load import Source, dotted
from agreementgen.source.model import NOT_BLANK

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}
_DATE_TYPES = {
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
}
_RANGE_TYPES = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def parse_model(model: type[M], source: Source) -> tuple[M | None, list[Diagnostic]]:
    """Validate `source.data` as `model`; on failure return every problem as a diagnostic."""
    try:
        return model.model_validate(source.data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    # A value that fails every member of a union (a table cell: number or text) yields one
    # error per member at the same place; say once what any of them would have accepted.
    by_place: dict[tuple[int, int, str], list[tuple[Diagnostic, str]]] = {}
    for error in errors:
        diagnostic = _diagnostic(model, source, error)
        expected = _TYPE_NAMES.get(error["type"], "")
        kind = "type" if expected else diagnostic.message
        place = (diagnostic.line, diagnostic.col, kind)
        by_place.setdefault(place, []).append((diagnostic, expected))
    return None, [_merge(found) for found in by_place.values()]


def _merge(found: list[tuple[Diagnostic, str]]) -> Diagnostic:
    first = found[0][0]
    expected = list(dict.fromkeys(e for _, e in found))
    if len(found) == 1 or first.code != "AG103":
        return first
    where, _, got = first.message.rpartition(", got ")
    prefix = where.split("expected ")[0]
    return replace(first, message=f"{prefix}expected {' or '.join(expected)}, got {got}")


def data_path(data: Any, loc: Sequence[str | int], *, missing: bool = False) -> list[str | int]:
    """Drop the union tags pydantic puts into `loc`, keeping the steps that exist in `data`.

    With `missing`, the last step is kept even though it does not exist: the missing key.
    """
    path: list[str | int] = []
    node = data
    for index, step in enumerate(loc):
        child = _child(node, step)
        if child is not _ABSENT:
            node = child
        elif missing and index == len(loc) - 1 and isinstance(node, dict):
            pass  # the missing field itself
        else:
            continue
        path.append(step)
    return path


_ABSENT = object()


def _child(node: Any, step: str | int) -> Any:
    """Return node[step], or _ABSENT when `node` has no such key or index."""
    if isinstance(node, dict):
        return node.get(step, _ABSENT)
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    return _ABSENT


def _diagnostic(model: type[BaseModel], source: Source, error: ErrorDetails) -> Diagnostic:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    loc = (*error["loc"], *ctx.get("at", ()))
    path = data_path(source.data, loc, missing=kind == "missing")
    value = error.get("input")
    where = dotted(path)
    code, message, hint, at_key = "AG107", error["msg"], "", False
    if kind == "extra_forbidden":
        key = str(path[-1])
        code, message, at_key = "AG101", f"unknown key {key!r}", True
        where = dotted(path[:-1])
        hint = _did_you_mean(key, _allowed_keys(model, path[:-1]))
    elif kind == "missing":
        code, message = "AG102", f"missing required key {path[-1]!s}"
        where = dotted(path[:-1])
        path = path[:-1]
    elif kind in ("enum", "literal_error"):
        choices = _choices(ctx.get("expected", ""))
        code, message = "AG104", f"{value!r} is not one of: {', '.join(choices)}"
        hint = _did_you_mean(str(value), choices)
    elif kind == "block_kind":
        code = "AG104"
        if isinstance(value, dict):
            keys = ", ".join(map(str, value)) or "nothing"
            message = f"a block has exactly one key: text, table, figure or insert (found {keys})"
            if len(value) > 1:
                hint = "give each key its own block, starting with '- '"
            else:
                hint = _did_you_mean(keys, ("text", "table", "figure", "insert"))
        else:
            message = "a block is a mapping with one key: text, table, figure or insert"
            hint = "write the text as `- text: |` followed by the indented Markdown"
    elif kind in _DATE_TYPES:
        code, message = "AG105", f"{value!r} is not a valid date"
        hint = "write dates as YYYY-MM-DD, e.g. 2025-08-01"
        # Pydantic's reason helps for a date of the right shape ("day value is outside
        # expected range"), not for 'next year' ("input is too short").
        if ctx.get("error") and re.match(r"\d{4}-\d\d-\d\d", str(value)):
            message += f" ({ctx['error']})"
    elif kind in _TYPE_NAMES:
        code = "AG103"
        message = f"expected {_TYPE_NAMES[kind]}, got {_describe(value)}"
        if kind in ("bool_type", "bool_parsing"):
            hint = "write true or false without quotes"
    elif kind in ("too_short", "string_too_short"):
        code = "AG108"
        message = (
            "must not be empty"
            if kind == "string_too_short"
            else (
                f"needs at least {ctx.get('min_length', 1)} "
                f"entr{'y' if ctx.get('min_length', 1) == 1 else 'ies'}"
            )
        )
    elif kind in _RANGE_TYPES:
        code = "AG109"
        message = f"{value!r} is out of range: {error['msg'].removeprefix('Input should be ')}"
    elif kind == "string_pattern_mismatch" and ctx.get("pattern") == NOT_BLANK:
        code, message = "AG108", "must not be empty (it holds only spaces)"
    elif kind == "string_pattern_mismatch":
        code, message = "AG106", f"{value!r} is not a valid id"
        hint = "ids use lower-case letters, digits and hyphens, e.g. boligselskabet-viborg"
        if "\\d{4}" in str(ctx.get("pattern", "")):
            message, hint = f"{value!r} is not a month", "write months as YYYY-MM, e.g. 2026-09"
    elif kind == "invalid_at":
        message = str(ctx["message"])
    elif kind == "value_error":
        message = str(ctx.get("error", message)).removeprefix("Value error, ")
    line, col = source.position(path, key=at_key)
    prefix = f"{where}: " if where else ""
    return Diagnostic(source.display, line, col, code, prefix + message, hint=hint)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    return repr(value)


def _choices(expected: str) -> list[str]:
    return [part.strip().strip("'") for part in expected.replace(" or ", ", ").split(",") if part]


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    return suggestion(word, choices, f"allowed here: {', '.join(choices)}" if choices else "")


def _allowed_keys(model: type[BaseModel], path: Sequence[str | int]) -> list[str]:
    """Return the keys the schema allows at `path`, for 'did you mean' hints."""
    schema = _schema(model)
    node: dict[str, Any] = schema
    for step in path:
        node = _resolve(schema, node)
        node = node.get("items", {}) if isinstance(step, int) else _property(schema, node, step)
    node = _resolve(schema, node)
    return list(node.get("properties", {}))


def _property(schema: dict[str, Any], node: dict[str, Any], key: str) -> dict[str, Any]:
    if key in node.get("properties", {}):
        return dict(node["properties"][key])
    for option in node.get("anyOf", []) + node.get("oneOf", []):
        option = _resolve(schema, option)
        if key in option.get("properties", {}):
            return dict(option["properties"][key])
    return {}


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1 and "properties" not in node:
        return _resolve(schema, options[0])
    return node


@functools.cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()
