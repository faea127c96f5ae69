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
from agreementgen.language import N_, ntr, tr
from agreementgen.source.habits import (
    Split,
    closest_key,
    decimal_hint,
    iso_date,
    iso_month,
    split_texts,
    with_decimal_point,
    without_thousands_dots,
    yaml_boolean,
)
from agreementgen.source.load import Source, dotted
from agreementgen.source.model import NOT_BLANK, FigureBlock, InsertBlock, TableBlock, TextBlock

M = TypeVar("M", bound=BaseModel)

# What a value should have been, said in "expected {what}, got {got}" (translated there).
_TYPE_NAMES = {
    "string_type": N_("text"),
    "int_type": N_("a whole number"),
    "int_parsing": N_("a whole number"),
    "int_from_float": N_("a whole number"),
    "decimal_type": N_("a number"),
    "decimal_parsing": N_("a number"),
    "bool_type": N_("true or false"),
    "bool_parsing": N_("true or false"),
    "list_type": N_("a list"),
    "dict_type": N_("a mapping"),
    "model_type": N_("a mapping"),
    "model_attributes_type": N_("a mapping"),
}
_DATE_TYPES = {
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
}
# Pydantic's message for a number out of range, after "Input should be ", and the whole
# sentence said for it with the bound as {limit}.
_RANGE_TYPES = {
    "greater_than": ("greater than ", N_("{value!r} is out of range: greater than {limit}")),
    "greater_than_equal": (
        "greater than or equal to ",
        N_("{value!r} is out of range: greater than or equal to {limit}"),
    ),
    "less_than": ("less than ", N_("{value!r} is out of range: less than {limit}")),
    "less_than_equal": (
        "less than or equal to ",
        N_("{value!r} is out of range: less than or equal to {limit}"),
    ),
}
# Pydantic's reasons for a date of the right shape that is no date, translated where said.
_DATE_REASONS = (
    N_("day value is outside expected range"),
    N_("month value is outside expected range of 1-12"),
    N_("year 0 is out of range"),
    N_("invalid datetime separator, expected `T`, `t`, `_` or space"),
    N_("input is too short"),
)
_WHOLE_TYPES = {"int_type", "int_parsing", "int_from_float"}
_DECIMAL_TYPES = {"decimal_type", "decimal_parsing"}
_BOOL_TYPES = {"bool_type", "bool_parsing"}
_BLOCKS = (TextBlock, TableBlock, FigureBlock, InsertBlock)


def parse_model(model: type[M], source: Source) -> tuple[M | None, list[Diagnostic]]:
    """Validate `source.data` as `model`; on failure return every problem as a diagnostic."""
    # `{value: 88,40}` reads as `{value: 88, 40: null}`: said once, at the number, in place of
    # whatever the model would make of the key 40 (unknown, or accepted in a mapping of ids).
    # The loader left the key 40 out of the data; this says why, whatever else is wrong.
    splits = source.splits
    split_diagnostics = [_split_diagnostic(source, split) for split in splits if split.in_mapping]
    errors: list[ErrorDetails] = []
    try:
        validated = model.model_validate(source.data)
        if not split_diagnostics:
            return validated, []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    # A value that fails every member of a union (a table cell: number or text) yields one
    # error per member at the same place; say once what any of them would have accepted.
    by_place: dict[tuple[int, int, str], list[tuple[Diagnostic, str, str, str]]] = {}
    for error in errors:
        path = _error_path(source, error)
        diagnostic = _split_list_hint(_diagnostic(model, source, error, path), path, splits)
        expected = _TYPE_NAMES.get(error["type"], "")
        kind = "type" if expected else diagnostic.message
        place = (diagnostic.line, diagnostic.col, kind)
        said = (diagnostic, expected, dotted(path), _describe(error.get("input")))
        by_place.setdefault(place, []).append(said)
    return None, [_merge(found) for found in by_place.values()] + split_diagnostics


def _split_diagnostic(source: Source, split: Split) -> Diagnostic:
    """Say that a decimal comma in a flow mapping made two entries of one number."""
    texts = split_texts(split.written)
    assert texts is not None  # the loader found it so
    message, hint = texts
    line, col = source.position(split.loc)
    where = dotted(split.loc)
    return Diagnostic(source.display, line, col, "AG103", _at(where, message), hint=hint)


def _split_list_hint(
    diagnostic: Diagnostic, path: Sequence[str | int], splits: Sequence[Split]
) -> Diagnostic:
    """Add the decimal-comma hint to a problem with a flow list that has one (a table row of
    too many cells: `[Åparken, 88,40]`); a list of whole numbers (`[4,5]`) is fine as it is."""
    if diagnostic.hint:
        return diagnostic
    for split in splits:
        holder = split.loc[:-1]
        if not split.in_mapping and (
            tuple(path) == holder or (tuple(path) == holder[:-1] and isinstance(holder[-1], str))
        ):
            return replace(diagnostic, hint=decimal_hint(split.corrected))
    return diagnostic


def _merge(found: list[tuple[Diagnostic, str, str, str]]) -> Diagnostic:
    """One diagnostic for the errors at one place: a value that fits no member of a union
    says every type it could have been ('expected a number or text, got a list')."""
    first, _, where, got = found[0]
    expected = list(dict.fromkeys(e for _, e, _, _ in found))
    if len(found) == 1 or first.code != "AG103":
        return first
    what = functools.reduce(
        lambda first, second: tr("{first} or {second}").format(first=first, second=second),
        map(tr, expected),
    )
    return replace(first, message=_at(where, _expected(what, got)))


def _expected(what: str, got: str) -> str:
    """'expected {what}, got {got}', in the current language."""
    return tr("expected {what}, got {got}").format(what=what, got=got)


def _at(where: str, message: str) -> str:
    """A message about the value at the path `where` (none: the whole file): 'where: message'."""
    return f"{where}: {message}" if where else message


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


def _error_path(source: Source, error: ErrorDetails) -> list[str | int]:
    """The place in the data an error concerns (for a missing key: the key itself)."""
    ctx = error.get("ctx") or {}
    loc = (*error["loc"], *ctx.get("at", ()))
    return data_path(source.data, loc, missing=error["type"] == "missing")


def _diagnostic(
    model: type[BaseModel], source: Source, error: ErrorDetails, path: list[str | int]
) -> Diagnostic:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    where = dotted(path)
    code, message, hint, at_key = "AG107", error["msg"], "", False
    if kind == "finite_number":
        message = tr("Input should be a finite number")
    elif kind == "extra_forbidden":
        key = str(path[-1])
        code, message, at_key = "AG101", tr("unknown key {key!r}").format(key=key), True
        where = dotted(path[:-1])
        hint = _key_hint(key, _allowed(model, path[:-1]))
    elif kind == "missing":
        code, message = "AG102", tr("missing required key {key}").format(key=path[-1])
        where = dotted(path[:-1])
        path = path[:-1]
    elif kind in ("enum", "literal_error"):
        choices = _choices(ctx.get("expected", ""))
        code = "AG104"
        message = tr("{value!r} is not one of: {choices}").format(
            value=value, choices=", ".join(choices)
        )
        hint = _did_you_mean(str(value), choices)
    elif kind == "block_kind":
        code = "AG104"
        if isinstance(value, dict):
            keys = ", ".join(map(str, value)) or tr("nothing")
            message = tr(
                "a block has exactly one key: text, table, figure or insert (found {keys})"
            ).format(keys=keys)
            if len(value) > 1:
                hint = tr("give each key its own block, starting with '- '")
            else:
                hint = _key_hint(keys, _block_titles())
        else:
            message = tr("a block is a mapping with one key: text, table, figure or insert")
            hint = tr("write the text as `- text: |` followed by the indented Markdown")
    elif kind in _DATE_TYPES:
        code = "AG105"
        message = tr("{value!r} is not a valid date").format(value=value)
        hint = tr("write dates as YYYY-MM-DD, e.g. 2025-08-01")
        # Pydantic's reason helps for a date of the right shape ("day value is outside
        # expected range"), not for 'next year' ("input is too short").
        if ctx.get("error") and re.match(r"\d{4}-\d\d-\d\d", str(value)):
            message = tr("{value!r} is not a valid date ({reason})").format(
                value=value, reason=tr(str(ctx["error"]))
            )
        if isinstance(value, str) and (date := iso_date(value)) is not None:
            hint = tr("write dates as YYYY-MM-DD: {value}").format(value=date)
    elif kind in _TYPE_NAMES:
        code = "AG103"
        message = _expected(tr(_TYPE_NAMES[kind]), _describe(value))
        if kind in _BOOL_TYPES:
            hint = tr("write true or false without quotes")
        hint = _habit_hint(kind, value) or hint
    elif kind == "string_too_short":
        code, message = "AG108", tr("must not be empty")
    elif kind == "too_short":
        least = ctx.get("min_length", 1)
        code = "AG108"
        message = ntr(
            "needs at least {count} entry", "needs at least {count} entries", least
        ).format(count=least)
    elif kind in _RANGE_TYPES:
        code = "AG109"
        bound, sentence = _RANGE_TYPES[kind]
        said = error["msg"].removeprefix("Input should be ")
        if said.startswith(bound):
            message = tr(sentence).format(value=value, limit=said.removeprefix(bound))
        else:
            message = tr("{value!r} is out of range: {reason}").format(value=value, reason=said)
    elif kind == "string_pattern_mismatch" and ctx.get("pattern") == NOT_BLANK:
        code, message = "AG108", tr("must not be empty (it holds only spaces)")
    elif kind == "string_pattern_mismatch":
        code, message = "AG106", tr("{value!r} is not a valid id").format(value=value)
        hint = tr("ids use lower-case letters, digits and hyphens, e.g. boligselskabet-viborg")
        if "\\d{4}" in str(ctx.get("pattern", "")):
            # 10.2027 is a number to YAML: show it as written, not as Decimal('10.2027').
            shown = repr(value) if isinstance(value, str) else _describe(value)
            message = tr("{shown} is not a month").format(shown=shown)
            hint = tr("write months as YYYY-MM, e.g. 2026-09")
            if (month := iso_month(str(value))) is not None:
                hint = tr("write months as YYYY-MM: {value}").format(value=month)
    elif kind == "invalid_at":
        message = str(ctx["message"])
    elif kind == "value_error":
        message = str(ctx.get("error", message)).removeprefix("Value error, ")
    line, col = source.position(path, key=at_key)
    return Diagnostic(source.display, line, col, code, _at(where, message), hint=hint)


def _habit_hint(kind: str, value: Any) -> str:
    """A hint showing the value as it should be written, for the way Danish writes numbers
    (1.102 for a thousand and more, 88,40 for decimals) and yes or no; else ''.

    1.102 is a decimal number to YAML: a mistake where a whole number is expected, not where
    decimals are (97.95 %); a text such as 1.102.000 is a mistake wherever a number is.
    """
    whole = without_thousands_dots(str(value)) if isinstance(value, str | Decimal) else None
    if whole and (kind in _WHOLE_TYPES or (kind in _DECIMAL_TYPES and isinstance(value, str))):
        return tr("write whole numbers without a thousands separator: {value}").format(value=whole)
    if not isinstance(value, str):
        return ""
    if kind in _DECIMAL_TYPES and (number := with_decimal_point(value)) is not None:
        return decimal_hint(number)
    if kind in _BOOL_TYPES and (meaning := yaml_boolean(value)) is not None:
        return tr("write true or false: {written} → {value}").format(
            written=value.strip(), value=meaning
        )
    return ""


def _describe(value: Any) -> str:
    """What a value is, said after 'got' (in the current language)."""
    if isinstance(value, dict):
        return tr("a mapping")
    if isinstance(value, list):
        return tr("a list")
    if value is None:
        return tr("nothing")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    return repr(value)


def _choices(expected: str) -> list[str]:
    return [part.strip().strip("'") for part in expected.replace(" or ", ", ").split(",") if part]


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    allowed = tr("allowed here: {choices}").format(choices=", ".join(choices)) if choices else ""
    return suggestion(word, choices, allowed)


def _key_hint(word: str, titles: dict[str, str]) -> str:
    """'did you mean ...?' for an unknown key: the closest allowed key, or the key whose
    Danish title (`Navn`, `Antal lejemål`) it is or comes closest to; else the allowed keys."""
    found = closest_key(word, titles)
    if found is None or found[1] is None:
        return _did_you_mean(word, list(titles))
    return tr("did you mean '{key}' ({title})?").format(key=found[0], title=found[1])


@functools.cache
def _block_titles() -> dict[str, str]:
    """The keys a block may have (text, table, figure, insert), with their Danish titles."""
    return {
        key: field.title or "" for block in _BLOCKS for key, field in block.model_fields.items()
    }


def _allowed(model: type[BaseModel], path: Sequence[str | int]) -> dict[str, str]:
    """Return the keys the schema allows at `path`, each with its Danish title (or ''), for
    'did you mean' hints."""
    schema = _schema(model)
    node: dict[str, Any] = schema
    for step in path:
        node = _resolve(schema, node)
        node = node.get("items", {}) if isinstance(step, int) else _property(schema, node, step)
    node = _resolve(schema, node)
    return {key: str(field.get("title", "")) for key, field in node.get("properties", {}).items()}


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
