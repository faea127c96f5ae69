"""Edit stage: rename an id where it is defined and everywhere it is referred to.

The places come from one description, source/references.py. The files are edited as text, at
the positions of the scalars that hold the id, so comments, quotes, order and layout stay as
they are and a diff shows the id and nothing else. It is all or nothing: every edit is made in
memory first, each edited file is loaded again and must hold the same data with the id
replaced, and the renamed agreement is checked with the same checks and rules (LBF's rules as
in a final build) as before; only then are the files written, each atomically, and through a
link where a file is one.
"""

from __future__ import annotations

import contextlib
import copy
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from agreementgen.checks.agreement import Context, run_checks
from agreementgen.checks.read import read_agreement
from agreementgen.checks.rules import run_rules
from agreementgen.errors import Diagnostic, InputError, Note, Severity, display_path, suggestion
from agreementgen.files import write_atomic
from agreementgen.kinds import BY_KEY
from agreementgen.language import N_, tr
from agreementgen.source.confine import Outside, confined
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.source.load import Source, key_text, load_yaml, yaml_parser
from agreementgen.source.model import Agreement
from agreementgen.source.names import AGREEMENT_FILE, ID
from agreementgen.source.references import (
    ANY,
    BY_NAME,
    ID_KINDS,
    IdKind,
    Place,
    places,
    references_to,
)
from agreementgen.source.validate import parse_model

__all__ = ["KIND_NAMES", "Change", "Renamed", "agreement_folder", "rename_id"]

KIND_NAMES = tuple(kind.name for kind in ID_KINDS)
_BOM = b"\xef\xbb\xbf"
_ID_HINT = N_("ids use lower-case letters, digits and hyphens, e.g. boligselskabet-viborg")


@dataclass(frozen=True)
class Change:
    """One file the rename changed: its path, as shown, and how many ids in it changed
    (the definition included)."""

    path: Path
    shown: str
    count: int


@dataclass(frozen=True)
class Renamed:
    """What a rename did: the files it changed, in the folder's order, and the warnings the
    renamed agreement has that it did not have before (they are not errors)."""

    kind: IdKind
    old: str
    new: str
    changes: tuple[Change, ...]
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class _File:
    """One YAML file of the folder: its name in the folder, its document kind, its source."""

    name: str
    document: str
    source: Source

    @property
    def path(self) -> Path:
        return self.source.path


@dataclass(frozen=True)
class _Found:
    """An id found in a file: the file, and where in it."""

    file: _File
    place: Place

    def at(self) -> tuple[int, int]:
        return self.file.source.position(self.place.loc, key=self.place.key)

    def diagnostic(
        self, code: str, message: str, hint: str = "", notes: tuple[Note, ...] = ()
    ) -> Diagnostic:
        line, col = self.at()
        return Diagnostic(
            self.file.source.display, line, col, code, message, hint=hint, notes=notes
        )

    def note(self, message: str) -> Note:
        return Note(self.file.source.display, *self.at(), message)


def agreement_folder(path: Path) -> Path:
    """Return the agreement folder `path` names: the folder, or its agreement.yaml.

    Raises:
        InputError: AG119, when it is neither (a folder of agreement folders included:
            a rename works in one agreement).
    """
    if path.name == AGREEMENT_FILE and path.is_file():
        return path.parent
    if (path / AGREEMENT_FILE).exists() or (path / AGREEMENT_FILE).is_symlink():
        return path
    shown = display_path(path)
    if not path.exists():
        raise InputError([Diagnostic(shown, 0, 0, "AG119", tr("no such file or folder"))])
    inside = sorted(p.parent for p in path.glob(f"*/{AGREEMENT_FILE}")) if path.is_dir() else []
    hint = tr("an agreement folder holds {file}").format(file=AGREEMENT_FILE)
    if inside:
        hint = tr("a rename works in one agreement folder, e.g. {folder}").format(
            folder=display_path(inside[0])
        )
    message = tr("not an agreement folder")
    raise InputError([Diagnostic(shown, 0, 0, "AG119", message, hint=hint)])


def rename_id(folder: Path, kind_name: str, old: str, new: str) -> Renamed:
    """Rename the id `old` of kind `kind_name` (see source/references.py) to `new` in every
    file of the agreement folder `folder`, and write the files that change.

    Raises:
        InputError: the folder does not load and validate (its diagnostics, as `validate`
            gives them); `old` is not an id of the kind (AG128); `new` is not a valid id
            (AG106) or is taken (AG127); or the renamed agreement would have errors it does
            not have now. Nothing is written then.
    """
    kind = BY_NAME[kind_name]
    loaded, problems = read_agreement(folder)
    if loaded is None or _errors(problems):
        raise InputError(problems)
    files = _files(loaded)
    refused = _refusals(loaded, files, kind, old, new)
    if refused:
        raise InputError(refused)
    scopes = _scopes(files, kind, old)
    edits = {
        file.name: found for file in files if (found := list(_to_change(file, kind, old, scopes)))
    }
    named = _named(files)
    texts = {name: _edit(named[name].source, found, old, new) for name, found in edits.items()}
    renamed = _reload(files, texts)
    for name, found in edits.items():
        expected = _expected(named[name].source.data, found, new)
        if renamed[name].data != expected:  # pragma: no cover - a bug, not an input
            raise RuntimeError(f"renaming in {name} would change more than the id")
    brought = _brought(loaded, renamed, old, new)
    errors = [d for d in brought if d.severity is Severity.ERROR]
    if errors:
        origin = _definitions(files, kind, old)[0]
        note = origin.note(
            tr("renaming {old!r} to {new!r} here would bring this; nothing was renamed").format(
                old=old, new=new
            )
        )
        raise InputError([replace(d, notes=(*d.notes, note)) for d in errors])
    changes = _write(loaded.folder, files, texts, edits)
    warnings = tuple(d for d in brought if d.severity is Severity.WARNING)
    return Renamed(kind, old, new, changes, warnings)


def _errors(problems: Iterable[Diagnostic]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def _files(loaded: LoadedAgreement) -> list[_File]:
    found = [_File(loaded.source.name, "agreement", loaded.source)]
    found += [_File(d.name, d.kind.key, d.source) for d in loaded.documents]
    return found


def _named(files: Sequence[_File]) -> dict[str, _File]:
    return {file.name: file for file in files}


# -- what is there, and whether the rename may be made -------------------------------------


def _found(files: Iterable[_File], document: str, at: tuple[str, ...]) -> Iterator[_Found]:
    for file in files:
        if file.document == document:
            yield from (_Found(file, place) for place in places(file.source.data, at))


def _definitions(files: Sequence[_File], kind: IdKind, ident: str) -> list[_Found]:
    return [f for f in _found(files, kind.document, kind.at) if f.place.value == ident]


def _scopes(files: Sequence[_File], kind: IdKind, old: str) -> set[str] | None:
    """The files whose ids of `kind` the rename concerns; None for the whole folder."""
    if kind.scope == "folder":
        return None
    return {found.file.name for found in _definitions(files, kind, old)}


def _in_scope(file: _File, scopes: set[str] | None) -> bool:
    return scopes is None or file.name in scopes


def _refusals(
    loaded: LoadedAgreement, files: Sequence[_File], kind: IdKind, old: str, new: str
) -> list[Diagnostic]:
    """Say why `old` cannot become `new`, if it cannot: AG128, AG106, AG127."""
    olds = _definitions(files, kind, old)
    problems: list[Diagnostic] = []
    if not olds:
        problems.append(_not_an_id(loaded, files, kind, old))
    if not ID.match(new):
        message = tr("{ident!r} is not a valid id").format(ident=new)
        problems.append(
            olds[0].diagnostic("AG106", message, tr(_ID_HINT))
            if olds
            else replace(problems[0], code="AG106", message=message, hint=tr(_ID_HINT))
        )
    if olds and ID.match(new):
        problems += _taken(files, kind, old, new, olds)
    return problems


def _not_an_id(
    loaded: LoadedAgreement, files: Sequence[_File], kind: IdKind, old: str
) -> Diagnostic:
    """AG128, at the list that holds the ids of `kind`, with the closest of them."""
    known = list(dict.fromkeys(f.place.value for f in _found(files, kind.document, kind.at)))
    other = next((k for k in ID_KINDS if k != kind and _definitions(files, k, old)), None)
    what = tr(kind.what)
    if other is not None:
        hint = tr("{ident!r} is {a_what} id: agreementgen rename {kind} {old} NEW").format(
            ident=old, a_what=_a(other.what), kind=other.name, old=old
        )
    elif known:
        hint = suggestion(
            old, known, tr("known {what} ids: {ids}").format(what=what, ids=", ".join(known))
        )
    else:
        hint = tr("there are no {what} ids").format(what=what)
    message = tr("{ident!r} is not {a_what} id").format(ident=old, a_what=_a(kind.what))
    holders = [f for f in files if f.document == kind.document]
    if not holders:
        pattern = BY_KEY[kind.document].pattern
        shown = display_path(loaded.folder)
        hint = tr("{hint}; there is no {file}").format(hint=hint, file=pattern)
        return Diagnostic(shown, 0, 0, "AG128", message, hint=hint)
    source = holders[0].source
    loc = kind.at[: kind.at.index(ANY)]
    line, col = source.position(loc, key=True)
    return Diagnostic(source.display, line, col, "AG128", message, hint=hint)


def _taken(
    files: Sequence[_File], kind: IdKind, old: str, new: str, olds: Sequence[_Found]
) -> list[Diagnostic]:
    """AG127: `new` is an id of the kind already, one a reference to it could mean as well,
    a word with a meaning of its own where the kind is referred to, or already referred to."""
    here = olds[0].note(tr("{ident!r} is defined here").format(ident=old))
    scopes = _scopes(files, kind, old)
    taken = [f for f in _definitions(files, kind, new) if _in_scope(f.file, scopes)]
    if taken:
        hint = (
            tr("the old and the new id are the same")
            if new == old
            else tr("choose another id, or rename the other one first")
        )
        message = tr("{ident!r} already exists as {a_what} id").format(
            ident=new, a_what=_a(kind.what)
        )
        return [taken[0].diagnostic("AG127", message, hint, notes=() if new == old else (here,))]
    problems: list[Diagnostic] = []
    for ref in references_to(kind):
        for other in (BY_NAME[name] for name in ref.kinds if name != kind.name):
            if found := _definitions(files, other, new):
                message = tr(
                    "{ident!r} already exists as {a_other} id, and {place} can be {a_what} or"
                    " {a_other}"
                ).format(
                    ident=new, a_other=_a(other.what), place=tr(ref.label), a_what=_a(kind.what)
                )
                hint = tr("choose an id that is neither")
                problems.append(found[0].diagnostic("AG127", message, hint, notes=(here,)))
        for word, meaning in ref.fixed:
            if new == word:
                message = tr("{ident!r} cannot be {a_what} id: in {place} it means {meaning}")
                message = message.format(
                    ident=new, a_what=_a(kind.what), place=tr(ref.label), meaning=tr(meaning)
                )
                problems.append(olds[0].diagnostic("AG127", message, tr("choose another id")))
    if problems:
        return _distinct(problems)
    for ref in references_to(kind):
        for used in _found(files, ref.document, ref.at):
            if used.place.value == new and _in_scope(used.file, scopes):
                message = tr(
                    "{ident!r} is already used in {place}, though no {what} has that id"
                ).format(ident=new, place=tr(ref.label), what=tr(kind.what))
                hint = tr(
                    "renamed, {ident!r} would take over this reference: correct it first, or"
                    " choose another id"
                ).format(ident=old)
                return [used.diagnostic("AG127", message, hint, notes=(here,))]
    return []


# The kinds of ids with their article, as messages say them: 'a party', 'an activity' (the
# kinds are those of source/references.py; a test holds this table to them).
WITH_ARTICLE = {
    "party": N_("a party"),
    "department": N_("a department"),
    "department group": N_("a department group"),
    "subgroup": N_("a subgroup"),
    "criterion": N_("a criterion"),
    "activity": N_("an activity"),
    "sub-goal": N_("a sub-goal"),
    "sub-agreement party": N_("a sub-agreement party"),
    "funder": N_("a funder"),
    "budget line": N_("a budget line"),
    "milestone": N_("a milestone"),
    "scenario": N_("a scenario"),
}


def _a(what: str) -> str:
    """'a party', 'an activity' (in the current language)."""
    if what in WITH_ARTICLE:
        return tr(WITH_ARTICLE[what])
    return f"{'an' if what[0] in 'aeiou' else 'a'} {tr(what)}"


def _distinct(problems: list[Diagnostic]) -> list[Diagnostic]:
    return list(dict.fromkeys(problems))


# -- the edits ---------------------------------------------------------------------------


def _to_change(file: _File, kind: IdKind, old: str, scopes: set[str] | None) -> Iterator[Place]:
    """Every place in `file` that holds the id `old` of `kind`: definitions and references."""
    if not _in_scope(file, scopes):
        return
    where: list[tuple[str, ...]] = [kind.at] if file.document == kind.document else []
    # Where a word means something of its own ('board'), it means that, not an id.
    where += [
        ref.at
        for ref in references_to(kind)
        if ref.document == file.document and old not in (word for word, _ in ref.fixed)
    ]
    for at in where:
        yield from (place for place in places(file.source.data, at) if place.value == old)


def _edit(source: Source, found: Sequence[Place], old: str, new: str) -> str:
    """Return the source's text with the scalar at each place rewritten to hold `new`."""
    text = source.text
    root = yaml_parser().compose(text)
    spans = sorted((_span(source.tree, root, place), place) for place in found)
    for (start, end), _ in reversed(spans):
        text = text[:start] + _written(text[start:end], old, new) + text[end:]
    return text


def _span(tree: Any, node: Node | None, place: Place) -> tuple[int, int]:
    """The start and end (character offsets) of the scalar at `place`, found by walking the
    round-trip tree and the composed nodes side by side; a key's scalar for a key place."""
    for index, step in enumerate(place.loc):
        last = index == len(place.loc) - 1
        if isinstance(tree, CommentedMap) and isinstance(node, MappingNode):
            keys = list(tree)
            at = next(i for i, key in enumerate(keys) if key_text(key) == str(step))
            key_node, value_node = node.value[at]
            if last and place.key:
                return key_node.start_mark.index, key_node.end_mark.index
            tree, node = tree[keys[at]], value_node
        elif isinstance(tree, CommentedSeq) and isinstance(node, SequenceNode):
            assert isinstance(step, int)
            tree, node = tree[step], node.value[step]
        else:  # pragma: no cover - the data came from this text
            raise RuntimeError(f"no scalar at {place.loc}")
    assert node is not None
    return node.start_mark.index, node.end_mark.index


def _written(scalar: str, old: str, new: str) -> str:
    """The scalar as written (`scalar`), holding `new` instead of `old`, in the same style.

    A plain id stays plain unless YAML would read the new one as something else than that
    text (`2030`, `0123`, `null`): then it is quoted. A quoted id keeps its quotes.
    """
    quote = scalar[:1]
    if quote in ("'", '"'):
        return f"{quote}{new}{quote}"
    if quote in ("|", ">") and scalar.count(old) == 1:
        return scalar.replace(old, new)
    return new if _reads_as_itself(new) else f"'{new}'"


def _reads_as_itself(ident: str) -> bool:
    try:
        value = yaml_parser().load(ident)
    except Exception:  # anything YAML cannot read plain is quoted
        return False
    return isinstance(value, str) and value == ident


def _expected(data: Any, found: Sequence[Place], new: str) -> Any:
    """The plain data with the id at each place replaced by `new` (a key renamed in place)."""
    result = copy.deepcopy(data)
    for place in found:
        *parents, last = place.loc
        node = result
        for step in parents:
            node = node[step]
        if place.key:
            items = list(node.items())
            node.clear()
            node.update((new if key == last else key, value) for key, value in items)
        else:
            node[last] = new
    return result


def _reload(files: Sequence[_File], texts: Mapping[str, str]) -> dict[str, Source]:
    """Load each edited text as its file would be loaded; every file of the folder, by name.

    Raises:
        InputError: an edited file does not load (its diagnostics, at the file's own path).
    """
    sources = {file.name: file.source for file in files}
    problems: list[Diagnostic] = []
    with tempfile.TemporaryDirectory(prefix="agreementgen-rename-") as scratch:
        for index, (name, text) in enumerate(texts.items()):
            original = sources[name]
            path = Path(scratch) / f"{index}.yaml"
            path.write_bytes(text.encode("utf-8"))
            source, found = load_yaml(path, name=name)
            problems += [replace(p, path=original.display) for p in found]
            if source is not None:
                sources[name] = replace(source, path=original.path)
    if problems:
        raise InputError(problems)
    return sources


# -- the renamed agreement's diagnostics ---------------------------------------------------


def _diagnose(loaded: LoadedAgreement, sources: Mapping[str, Source]) -> list[Diagnostic]:
    """Check the agreement as `read_agreement` does, from `sources` (by name), with LBF's rules
    as a final build has them: errors for the rules marked E."""
    agreement, problems = parse_model(Agreement, sources[AGREEMENT_FILE])
    documents: list[LoadedDocument] = []
    for document in loaded.documents:
        source = sources[document.name]
        model, found = parse_model(document.kind.model, source)
        problems += found
        if model is not None:
            documents.append(replace(document, source=source, model=model))
    if agreement is None:
        return problems
    checked = replace(
        loaded, source=sources[AGREEMENT_FILE], agreement=agreement, documents=tuple(documents)
    )
    context = Context(sources=checked.sources, pack=checked.pack, folder=checked.folder)
    problems += run_checks(agreement, context)
    if not _errors(problems):
        problems += run_rules(checked, context, final=True)
    return problems


def _brought(
    loaded: LoadedAgreement, renamed: Mapping[str, Source], old: str, new: str
) -> list[Diagnostic]:
    """The diagnostics the renamed agreement has and the agreement has not, with the old id
    read as the new one (a diagnostic that names the id is the same diagnostic). Columns
    are not compared: a longer or shorter id moves what follows it on its line."""
    word = re.compile(rf"(?<![a-z0-9-]){re.escape(old)}(?![a-z0-9-])")

    def same(d: Diagnostic, *, before: bool) -> tuple[Any, ...]:
        message = word.sub(new, d.message) if before else d.message
        return (d.path, d.line, d.severity, d.code, message)

    had = {same(d, before=True) for d in _diagnose(loaded, loaded.sources)}
    return [d for d in _diagnose(loaded, renamed) if same(d, before=False) not in had]


# -- writing -------------------------------------------------------------------------------


def _write(
    folder: Path,
    files: Sequence[_File],
    texts: Mapping[str, str],
    edits: Mapping[str, Sequence[Place]],
) -> tuple[Change, ...]:
    """Write each edited file atomically, through its link if it is one; a file that cannot
    be written puts back those already written.

    Raises:
        InputError: a file changed on disk since it was read (AG121), or cannot be written
            (AG124); nothing is renamed then.
    """
    planned: list[tuple[Path, bytes, bytes, _File]] = []
    for file in files:
        if file.name not in texts:
            continue
        try:
            target = confined(file.path, folder)
            before = target.read_bytes()
        except (OSError, Outside) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            message = tr("file cannot be read: {reason}").format(reason=reason)
            raise InputError([_cannot(file, "AG121", message)]) from None
        bom = _BOM if before.startswith(_BOM) else b""
        if before[len(bom) :] != file.source.text.encode("utf-8"):
            message = tr("the file changed while it was being renamed; nothing was renamed")
            raise InputError([_cannot(file, "AG121", message, tr("run the rename again"))])
        planned.append((target, bom + texts[file.name].encode("utf-8"), before, file))
    written: list[tuple[Path, bytes]] = []
    try:
        for target, data, before, _file in planned:
            write_atomic(target, data)
            written.append((target, before))
    except OSError as exc:
        for target, before in reversed(written):
            with contextlib.suppress(OSError):
                write_atomic(target, before)
        failed = planned[len(written)][3]
        message = tr("cannot write the file: {reason}; nothing was renamed").format(
            reason=exc.strerror or exc
        )
        raise InputError([_cannot(failed, "AG124", message)]) from None
    return tuple(
        Change(file.path, file.source.display, len(edits[file.name]))
        for _target, _data, _before, file in planned
    )


def _cannot(file: _File, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(file.source.display, 0, 0, code, message, hint=hint)
