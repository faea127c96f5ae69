"""Where an agreement folder defines its ids, and where it refers to them, by kind of id.

This is the one description of "where ids are referenced": `agreementgen rename` (the edit
stage) changes an id at every place named here, and the checks stage reports every reference
that names no id (checks.dangling). A place is a path of steps through a document's data: a
key, ANY for every item of a list or every value of a mapping, KEY (last) for the keys of a mapping.

The description is held against the models: every field whose type is the `Id` alias, at any
depth and in any document kind, must be a definition or a reference here
(`unlisted`, which the tests run), so a model that gains an id field cannot be missed silently.
Two references are not typed `Id` and are listed by hand: a delaftale activity's `partners`
(text, or the id of a party of the delaftale) and the keys of the criteria rows' `values`.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from agreementgen.language import N_
from agreementgen.source.model import Id
from agreementgen.source.names import BOARD

Steps = tuple[str, ...]
Loc = tuple[str | int, ...]

ANY = "*"
KEY = "<key>"

# The FieldInfo inside the `Id` alias marks a field as an id wherever the alias is used.
_ID = next(m for m in get_args(Id)[1:] if isinstance(m, FieldInfo))


@dataclass(frozen=True)
class IdKind:
    """A kind of id a coordinator defines in one place and refers to in others.

    Attributes:
        name: the kind as the command line names it, e.g. 'party'.
        what: the kind as messages name it, e.g. 'department group'.
        document: the key of the document kind that defines it (agreementgen.kinds).
        at: where it is defined in that document.
        scope: 'folder' when an id means one thing in the whole agreement folder;
            'document' when each document has ids of its own, referred to inside it only
            (a delaftale's sub-goals and parties).
    """

    name: str
    what: str
    document: str
    at: Steps
    scope: Literal["folder", "document"] = "folder"


@dataclass(frozen=True)
class Reference:
    """A place in a document that names an id of one of `kinds`.

    Attributes:
        document: the key of the document kind it is in.
        at: where in that document.
        kinds: the names of the kinds of id it may name.
        fixed: words that mean something of their own there and are no id, each with what
            it means: ('lbf', 'Landsbyggefonden').
        label: the place as messages name it.
        or_text: the place holds text or an id; only an id-shaped value is checked.
    """

    document: str
    at: Steps
    kinds: tuple[str, ...]
    label: str
    fixed: tuple[tuple[str, str], ...] = ()
    or_text: bool = False


ID_KINDS: tuple[IdKind, ...] = (
    IdKind("party", N_("party"), "agreement", ("parties", ANY, "id")),
    IdKind("department", N_("department"), "agreement", ("departments", ANY, "id")),
    IdKind("group", N_("department group"), "agreement", ("department_groups", ANY, "id")),
    IdKind("subgroup", N_("subgroup"), "agreement", ("board", "subgroups", ANY, "id")),
    IdKind(
        "criterion", N_("criterion"), "agreement",
        ("sections", "area", "criteria", "criteria", ANY, "id"),
    ),
    IdKind("activity", N_("activity"), "sub_agreement", ("activities", ANY, "id")),
    IdKind("sub-goal", N_("sub-goal"), "sub_agreement", ("sub_goals", ANY, "id"), "document"),
    IdKind(
        "sub-agreement-party", N_("sub-agreement party"), "sub_agreement", ("parties", ANY, "id"),
        "document",
    ),
    IdKind("funder", N_("funder"), "budget", ("funders", ANY, "id")),
    IdKind("budget-line", N_("budget line"), "budget", ("lines", ANY, "id")),
    IdKind("milestone", N_("milestone"), "milestones", ("milestones", ANY, "id")),
    IdKind("scenario", N_("scenario"), "contingency_plan", ("scenarios", ANY, "id")),
)  # fmt: skip

REFERENCES: tuple[Reference, ...] = (
    Reference("agreement", ("departments", ANY, "owner"), ("party",), N_("a department's owner")),
    Reference("agreement", ("departments", ANY, "group"), ("group",), N_("a department's group")),
    Reference(
        "agreement", ("board", "members", ANY, "party"), ("party",), N_("a board member's party")
    ),
    Reference(
        "agreement", ("sections", "area", "criteria", "rows", ANY, "department"), ("department",),
        N_("a criteria row's department"),
    ),
    Reference(
        "agreement", ("sections", "area", "criteria", "rows", ANY, "values", KEY), ("criterion",),
        N_("a criteria row's values"),
    ),
    Reference(
        "sub_agreement", ("parties", ANY, "party"), ("party",), N_("a delaftale party's party")
    ),
    Reference(
        "sub_agreement", ("activities", ANY, "responsible"), ("party",),
        N_("an activity's responsible"),
    ),
    # Text, or the id of a party of the same delaftale.
    Reference(
        "sub_agreement", ("activities", ANY, "partners", ANY), ("sub-agreement-party",),
        N_("an activity's partners"), or_text=True,
    ),
    Reference(
        "sub_agreement", ("activities", ANY, "sub_goals", ANY), ("sub-goal",),
        N_("an activity's sub-goals"),
    ),
    Reference("sub_agreement", ("roles", ANY, "party"), ("party",), N_("a role's party")),
    Reference(
        "budget", ("lines", ANY, "activities", ANY), ("activity",), N_("a budget line's activities")
    ),
    Reference(
        "budget", ("lines", ANY, "amounts", ANY, KEY), ("party", "funder"),
        N_("the funding sources of a budget line's amounts"),
        fixed=(("lbf", N_("Landsbyggefonden")),),
    ),
    Reference(
        "milestones", ("milestones", ANY, "activities", ANY), ("activity",),
        N_("a milestone's activities"),
    ),
    Reference(
        "milestones", ("milestones", ANY, "department"), ("department",),
        N_("a milestone's department"),
    ),
    Reference(
        "milestones", ("milestones", ANY, "responsible"), ("party", "subgroup"),
        N_("a milestone's responsible"), fixed=((BOARD, N_("the board")),),
    ),
)  # fmt: skip

BY_NAME = {kind.name: kind for kind in ID_KINDS}


def references_to(kind: IdKind) -> list[Reference]:
    """The places that may name an id of `kind`."""
    return [ref for ref in REFERENCES if kind.name in ref.kinds]


@dataclass(frozen=True)
class Place:
    """One id found in a document's data: where (`loc`, as Source.position takes it), the
    id as text, and whether it is a mapping key."""

    loc: Loc
    value: str
    key: bool = False


def places(data: Any, at: Steps) -> Iterator[Place]:
    """Yield every id at `at` in a document's plain data (see source.load.to_plain).

    A number where an id is expected is read as the model reads it, as text; anything else
    that is not text (a mapping, a list, null, true) is no id and is skipped.
    """
    yield from _places(data, at, ())


def _places(node: Any, at: Steps, loc: Loc) -> Iterator[Place]:
    if not at:
        if (text := _text(node)) is not None:
            yield Place(loc, text)
        return
    step, rest = at[0], at[1:]
    if step == KEY:
        if isinstance(node, dict):
            yield from (Place((*loc, key), key, key=True) for key in node)
    elif step == ANY:
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from _places(item, rest, (*loc, index))
        elif isinstance(node, dict):
            for key, value in node.items():
                yield from _places(value, rest, (*loc, key))
    elif isinstance(node, dict) and step in node:
        yield from _places(node[step], rest, (*loc, step))


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


# -- held against the models ----------------------------------------------------------------


def id_fields(model: type[BaseModel]) -> set[Steps]:
    """Every place in `model`'s data whose type is the `Id` alias, as steps."""
    found: set[Steps] = set()
    _walk(model, (), found, set())
    return found


def unlisted(document: str, model: type[BaseModel]) -> list[Steps]:
    """The id fields of `model`, the model of document kind `document`, that are neither a
    definition nor a reference here: a field this description does not know."""
    known = {kind.at for kind in ID_KINDS if kind.document == document}
    known |= {ref.at for ref in REFERENCES if ref.document == document}
    return sorted(id_fields(model) - known)


def exists(model: type[BaseModel], at: Steps) -> bool:
    """Whether `at` is a place `model`'s data can have."""
    annotation: Any = model
    for step in at:
        members = _members(annotation)
        if step == KEY:
            return any(get_origin(m) is dict for m in members)
        if step == ANY:
            inner = [get_args(m)[-1] for m in members if get_origin(m) in (list, dict)]
        else:
            inner = [_hints(m)[step] for m in _models(members) if step in _hints(m)]
        if not inner:
            return False
        annotation = Union[tuple(inner)]  # noqa: UP007 - a union built at run time
    return True


def _walk(annotation: Any, at: Steps, found: set[Steps], seen: set[Any]) -> None:
    if _is_id(annotation):
        found.add(at)
    for member in _members(annotation):
        origin = get_origin(member)
        if origin is list:
            _walk(get_args(member)[0], (*at, ANY), found, seen)
        elif origin is dict:
            key, value = get_args(member)
            if _is_id(key):
                found.add((*at, KEY))
            _walk(value, (*at, ANY), found, seen)
        elif isinstance(member, type) and issubclass(member, BaseModel):
            if (member, at) in seen:  # a model that holds itself
                continue
            seen.add((member, at))
            for name, hint in _hints(member).items():
                _walk(hint, (*at, name), found, seen)


def _is_id(annotation: Any) -> bool:
    """Whether the annotation is the `Id` alias (or `Id | None`)."""
    pending = [annotation]
    while pending:
        tp = pending.pop()
        origin = get_origin(tp)
        if origin is Annotated:
            if any(m is _ID for m in tp.__metadata__):
                return True
            pending.append(get_args(tp)[0])
        elif origin is Union or origin is types.UnionType:
            pending.extend(get_args(tp))
    return False


def _members(annotation: Any) -> list[Any]:
    """The types an annotation admits, with Annotated and unions unwrapped and None dropped."""
    members: list[Any] = []
    pending = [annotation]
    while pending:
        tp = pending.pop(0)
        origin = get_origin(tp)
        if origin is Annotated:
            pending.insert(0, get_args(tp)[0])
        elif origin is Union or origin is types.UnionType:
            pending[0:0] = get_args(tp)
        elif tp is not None and tp is not type(None):
            members.append(tp)
    return members


def _models(members: Sequence[Any]) -> list[type[BaseModel]]:
    return [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]


def _hints(model: type[BaseModel]) -> dict[str, Any]:
    """The model's keys, each with its full annotation (Annotated metadata kept)."""
    hints = typing.get_type_hints(model, include_extras=True)
    return {
        (info.alias or name): hints.get(name, info.annotation)
        for name, info in model.model_fields.items()
    }


__all__ = [
    "ANY",
    "BY_NAME",
    "ID_KINDS",
    "KEY",
    "REFERENCES",
    "IdKind",
    "Place",
    "Reference",
    "exists",
    "id_fields",
    "places",
    "references_to",
    "unlisted",
]
