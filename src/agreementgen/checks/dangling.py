"""Checks stage: every id a file refers to is defined, in every file, draft or final.

Drawn from the one description of where ids are defined and referred to
(agreementgen.source.references), and run on each file's plain data, so that it speaks even
when a file's model failed: one run names every file that still uses an id after a rename. A
dangling reference is always an error: a document would show the raw id where a name belongs.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass

from agreementgen.errors import Diagnostic, Note
from agreementgen.language import N_, tr
from agreementgen.source.load import Source
from agreementgen.source.names import ID
from agreementgen.source.references import (
    ANY,
    BY_NAME,
    REFERENCES,
    IdKind,
    Place,
    Reference,
    places,
)

CODE = "AG131"


@dataclass(frozen=True)
class Document:
    """One loaded file of an agreement folder and the key of its kind ('budget')."""

    kind: str
    source: Source


def dangling_references(
    documents: Sequence[Document], unread: Set[str] = frozenset()
) -> list[Diagnostic]:
    """Every reference in `documents` that names no id of its kinds, as an error each.

    Ids are read from every file that loaded, whether or not its model is valid. `unread`
    holds the kinds of which a file could not be read at all: their ids are unknown, and
    references to them are not checked.
    """
    folder = _Folder(documents, unread)
    found = []
    for document in documents:
        for ref in REFERENCES:
            kinds = [BY_NAME[name] for name in ref.kinds]
            if ref.document != document.kind or not all(folder.knows(k) for k in kinds):
                continue
            ids = {i: d for kind in kinds for i, d in folder.ids(kind, document).items()}
            found += [
                _unknown(ref, place, kinds, ids, document, folder)
                for place in places(document.source.data, ref.at)
                if _refers(ref, place.value, ids)
            ]
    return found


@dataclass(frozen=True)
class _Definition:
    """Where an id is defined: its kind, its file and its place there."""

    kind: IdKind
    document: Document
    place: Place


class _Folder:
    """The ids an agreement folder defines and the ids it uses, read once."""

    def __init__(self, documents: Sequence[Document], unread: Set[str]) -> None:
        self.documents = documents
        self.unread = unread
        self.used = {
            name: {
                place.value
                for ref in REFERENCES
                if name in ref.kinds
                for document in documents
                if document.kind == ref.document
                for place in places(document.source.data, ref.at)
            }
            for name in BY_NAME
        }

    def knows(self, kind: IdKind) -> bool:
        """Whether every file that may define ids of `kind` was read (one of a document's
        own kinds is defined in the file that refers to it, which was)."""
        return kind.scope == "document" or kind.document not in self.unread

    def ids(self, kind: IdKind, document: Document) -> dict[str, _Definition]:
        """The ids of `kind` that `document` may refer to, each with its first definition."""
        where = [document] if kind.scope == "document" else self.documents
        found: dict[str, _Definition] = {}
        for other in where:
            if other.kind == kind.document:
                for place in places(other.source.data, kind.at):
                    found.setdefault(place.value, _Definition(kind, other, place))
        return found

    def defining(self, kind: IdKind) -> Document | None:
        """The first file that defines ids of `kind`."""
        return next((d for d in self.documents if d.kind == kind.document), None)


def _refers(ref: Reference, value: str, ids: Mapping[str, _Definition]) -> bool:
    """Whether `value` at `ref` is an id that no file defines."""
    if value in ids or value in dict(ref.fixed):
        return False
    if ref.or_text:
        # 'Frivillige' and 'frivillige' are partners written as text; 'jobcenter-vibrog'
        # is a mistyped id: id-shaped, and hyphenated or close to one.
        return bool(ID.match(value)) and ("-" in value or bool(_close(value, list(ids))))
    return True


def _close(value: str, ids: Sequence[str], cutoff: float = 0.6) -> list[str]:
    return difflib.get_close_matches(value, list(ids), n=1, cutoff=cutoff)


def _unknown(
    ref: Reference,
    place: Place,
    kinds: Sequence[IdKind],
    ids: dict[str, _Definition],
    document: Document,
    folder: _Folder,
) -> Diagnostic:
    source = document.source
    line, col = source.position(place.loc, key=place.key)
    what = tr(" or ").join(tr(kind.what) for kind in kinds)
    message = tr("unknown {what} {ident!r}").format(what=what, ident=place.value)
    guess = _guess(ref, place.value, ids, folder)
    notes: tuple[Note, ...]
    if guess and ref.or_text:
        hint, notes = tr(_TEXT_HINT).format(ident=guess), ()
    elif guess:
        hint = tr("did you mean {ident!r}?").format(ident=guess)
        notes = tuple(_defined(ids[guess], document)) if guess in ids else ()
    else:
        # Nothing close: say which ids there are, and where those of another file are.
        hint = _known_ids(ref, ids)
        notes = tuple(_lists(kinds, document, folder))
    return Diagnostic(source.display, line, col, CODE, message, hint=hint, notes=notes)


# Where a reference may also be text (an activity's partners), the hint says how to write text.
_TEXT_HINT = N_(
    "did you mean {ident!r}? A partner is the id of a party of this delaftale, or text with "
    "capitals or spaces, e.g. 'Lokale virksomheder'"
)


def _guess(ref: Reference, value: str, ids: dict[str, _Definition], folder: _Folder) -> str:
    """The closest id of the right kinds; after a rename, the id that nothing uses.

    A renamed id is defined and used nowhere, while its old name is still used: an unused
    id nearly as close as the closest wins, and the only unused one is the guess when
    nothing is close.
    """
    candidates = [*ids, *(word for word, _ in ref.fixed)]
    unused = [i for i, d in ids.items() if i not in folder.used[d.kind.name]]
    best, closest = _closest(value, candidates)
    best_unused, closest_unused = _closest(value, unused)
    if closest_unused and best_unused >= _LOOSE and best_unused + _MARGIN >= best:
        return closest_unused
    if best >= _CLOSE:
        return closest
    return unused[0] if len(unused) == 1 else ""


# How alike (difflib's ratio) an id must be to be suggested; an unused id, a likely new name,
# may be less alike, and wins over an id in use that is at most _MARGIN more alike.
_CLOSE, _LOOSE, _MARGIN = 0.6, 0.4, 0.15


def _closest(value: str, ids: Sequence[str]) -> tuple[float, str]:
    scored = [(difflib.SequenceMatcher(None, value, i).ratio(), i) for i in ids]
    return max(scored, key=lambda pair: pair[0], default=(0.0, ""))


def _known_ids(ref: Reference, ids: dict[str, _Definition]) -> str:
    fixed = dict(ref.fixed)
    listed = [*(i for i in ids if i not in fixed)]
    listed += [f"{word!r} ({tr(meaning)})" for word, meaning in ref.fixed]
    return tr("known ids: {ids}").format(ids=", ".join(listed)) if listed else ""


def _defined(definition: _Definition, document: Document) -> Iterator[Note]:
    """Where the id a hint suggests is defined, when that is another file."""
    if definition.document is not document:
        source = definition.document.source
        line, col = source.position(definition.place.loc)
        message = tr("{ident!r} is defined here").format(ident=definition.place.value)
        yield Note(source.display, line, col, message)


def _lists(kinds: Sequence[IdKind], document: Document, folder: _Folder) -> Iterator[Note]:
    """Where the ids of each kind are defined, when that is another file: the list in the
    first file that holds them."""
    for kind in kinds:
        defining = folder.defining(kind)
        if kind.scope == "document" or defining is None or defining is document:
            continue
        line, col = defining.source.position(kind.at[: kind.at.index(ANY)])
        message = tr("the {what} ids are defined here").format(what=tr(kind.what))
        yield Note(defining.source.display, line, col, message)
