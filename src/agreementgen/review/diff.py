"""Diff stage: what changed in the agreement documents between two revisions, in domain terms.

The walk is generic over the pydantic models of every document kind: a field is named by its
Danish `title`, a list entry with an id is matched by its id (so a moved entry is no change
and a renamed one is "omdøbt"), baselines by their indicator, and other lists by aligning
them as difflib aligns lines. Values are formatted the Danish way, as the documents show them.
"""

from __future__ import annotations

import datetime
import difflib
import enum
import json
import tempfile
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from agreementgen.errors import Diagnostic, InputError, Severity
from agreementgen.kinds import AGREEMENT, Kind
from agreementgen.kinds.budget.model import LBF, LBF_NAME
from agreementgen.kinds.milestones.model import Milestone
from agreementgen.review.derived import FigureChange, compare, document_figures
from agreementgen.review.revisions import Repository, Revision, read_agreement_at
from agreementgen.source.folder import LoadedAgreement
from agreementgen.source.model import FocusAreaKey
from agreementgen.source.names import ID_PATTERN
from agreementgen.source.packs import Pack
from agreementgen.text import danish
from agreementgen.text.prose import markdown_sentences, strip_markdown_prefix

LBF_APPROVAL = "kræver godkendelse i Landsbyggefonden"
BOARD_UPDATE = "ajourføres af bestyrelsen"
EMPTY = "—"
ARROW = "→"
SEPARATOR = " › "

# Fields whose title says nothing a reader needs: the section wrapper, a section's content, the
# value of a measurement, the cells of a row, the values of a criteria row. (The one field of a
# wrapper such as a text block is passed over too.)
_TRANSPARENT = frozenset({"sections", "body", "value", "values", "cells"})
# List entries are matched by the first of these fields that is unique on both sides.
_KEYS = ("id", "indicator", "department", "party")
# What an entry is called ("Part tilføjet: …") and how it heads its changes ("Part …: …"),
# by model class; a model of a new kind may instead set `title` in its model_config.
_ENTITIES = {
    "Party": ("Part", "Part {label}"),
    "Department": ("Afdeling", "{label}"),
    "DepartmentGroup": ("Afdelingsgruppe", "Afdelingsgruppe {label}"),
    "BoardMember": ("Bestyrelsesmedlem", "{label}"),
    "Subgroup": ("Gruppe", "{label}"),
    "Criterion": ("Kriterium", "Kriterium {label}"),
    "CriteriaRow": ("Række", "Række {label}"),
    "Baseline": ("Baseline", "Baseline for {label}"),
    "Measurement": ("Værdi", "{label}"),
    "TableRow": ("Række", "Række {label}"),
    "TextBlock": ("Tekst", ""),  # prose changes are shown by sentence, under the section
    "TableBlock": ("Tabel", "Tabel {label}"),
    "FigureBlock": ("Figur", "Figur {label}"),
    "InsertBlock": ("Indsat tabel", "Indsat tabel {label}"),
    "Milestone": ("Milepæl", "Milepæl {label}"),
    "Activity": ("Aktivitet", "Aktivitet {label}"),
    "SubGoal": ("Delmål", "Delmål {label}"),
    "OperationalParty": ("Part", "Part {label}"),
    "Role": ("Rolle", "Rolle for {label}"),
    "Funder": ("Finansieringskilde", "Finansieringskilde {label}"),
    "BudgetLine": ("Budgetlinje", "Budgetlinje {label}"),
    "Scenario": ("Scenarie", "Scenarie {label}"),
    "Contact": ("Kontakt", "Kontakt {label}"),
}
# Entries named by what they refer to: a criteria row by its department, a role by its party.
_NAMED_BY_REFERENCE = {"CriteriaRow": "department", "Role": "party"}
_LABEL_FIELDS = ("name", "label", "title", "role", "caption", "function", "description")
_VERBS = {"added": "tilføjet", "removed": "fjernet", "moved": "flyttet", "renamed": "omdøbt"}
_STATUS = {"added": "tilføjet", "removed": "fjernet", "changed": "ændret"}
_MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
_SHORT_WORDS = 12  # a text up to this many words is shown whole, longer ones around the change
_CONTEXT_WORDS = 3
_PROSE_CHARS = 100
_SUMMARY_CHARS = 80
_ALIKE = 0.5  # entries at least this similar are one entry changed, not one removed, one added
_MAX_ALIGN = 40_000
T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """One change in one document, located by the titles of the fields that lead to it.

    Attributes:
        action: 'changed', 'added', 'removed', 'moved' or 'renamed'.
        where: the Danish labels from the document down to the change.
        location: the path in the YAML data, e.g. 'parties[id=viborg-politi].name'.
        old: the old value as the documents show it (None when there was none).
        new: the new value as the documents show it.
        noun: what an added, removed or moved entry is, e.g. 'Part'.
        old_value: the old value as plain data.
        new_value: the new value as plain data.
    """

    action: str
    where: tuple[str, ...]
    location: str
    old: str | None = None
    new: str | None = None
    noun: str = ""
    old_value: Any = None
    new_value: Any = None
    cells: tuple[tuple[str, str | None, str | None], ...] = ()

    @property
    def derived(self) -> bool:
        """Whether this is a figure the documents compute (a total), not a value written."""
        return bool(self.cells)

    @property
    def text(self) -> str:
        """Return the change as one line, e.g. 'Part tilføjet: Viborg Politi'."""
        where = SEPARATOR.join(self.where)
        if self.cells:
            shown = "; ".join(
                f"{column}: {old or EMPTY} {ARROW} {new or EMPTY}"
                if column
                else f"{old or EMPTY} {ARROW} {new or EMPTY}"
                for column, old, new in self.cells
            )
            return f"{where}: {shown}"
        if self.action == "changed":
            return f"{where}: {self.old} {ARROW} {self.new}"
        verb = _VERBS[self.action]
        if self.action == "renamed":
            return f"{where} {verb}: {self.old} {ARROW} {self.new}"
        subject = self.new if self.action != "removed" else self.old
        if self.noun:
            prefix = f"{where}{SEPARATOR}" if where else ""
            return f"{prefix}{self.noun} {verb}: {subject}"
        return f"{where}: {verb} {subject}" if subject else f"{where}: {verb}"


@dataclass(frozen=True)
class DocumentDiff:
    """The changes to one document of one agreement folder."""

    agreement: str
    name: str
    path: str
    kind: Kind
    title: str
    status: str
    changes: tuple[Change, ...] = ()

    @property
    def requires_lbf_approval(self) -> bool:
        """Whether the change needs LBF's approval: every change to the strategic agreement."""
        return self.kind.key == AGREEMENT.key

    @property
    def approval(self) -> str:
        """Who approves the change, in Danish."""
        return LBF_APPROVAL if self.requires_lbf_approval else BOARD_UPDATE

    @property
    def heading(self) -> str:
        """Return e.g. 'Strategisk samarbejdsaftale (viborg)'."""
        return f"{self.title} ({self.agreement})"


@dataclass(frozen=True)
class DiffResult:
    """Every changed document between two revisions."""

    old: Revision
    new: Revision
    documents: tuple[DocumentDiff, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether anything changed."""
        return bool(self.documents)


# --- revisions ----------------------------------------------------------------------------------


def diff_revisions(
    old: str | None,
    new: str | None,
    *,
    paths: Sequence[Path] = (),
    repository: Repository | None = None,
) -> DiffResult:
    """Compare the agreement documents at revision `old` with those at `new`.

    None for a revision is the working tree. `paths` limits the comparison to agreement
    folders (default: every folder under agreements/).

    Raises:
        InputError: not a git repository, an unknown revision, or a document that does not
            load or validate at one of the revisions.
    """
    repo = repository or Repository.discover()
    before, after = repo.revision(old), repo.revision(new)
    roots = [repo.repo_path(p) for p in paths] or [repo.default_root()]
    folders_before = repo.agreement_folders(before, roots)
    folders_after = repo.agreement_folders(after, roots)
    documents: list[DocumentDiff] = []
    problems: list[Diagnostic] = []
    with tempfile.TemporaryDirectory(prefix="agreementgen-diff-") as scratch:
        for ident in sorted(folders_before.keys() | folders_after.keys()):
            both = ident in folders_before and ident in folders_after
            if both and repo.same_folder(
                before, folders_before[ident], after, folders_after[ident]
            ):
                continue  # nothing to load: the same files give the same models
            sides: list[LoadedAgreement | None] = []
            for revision, folders, side in (
                (before, folders_before, "old"),
                (after, folders_after, "new"),
            ):
                folder = folders.get(ident)
                loaded = None
                if folder is not None:
                    loaded, found = read_agreement_at(repo, revision, folder, Path(scratch) / side)
                    problems += [p for p in found if p.severity is Severity.ERROR]
                sides.append(loaded)
            if problems:
                continue
            old_loaded, new_loaded = sides
            either = new_loaded or old_loaded
            documents += diff_folders(
                ident,
                _documents(old_loaded),
                _documents(new_loaded),
                folder=folders_after.get(ident) or folders_before[ident],
                pack=either.pack if either else None,
                loaded=(old_loaded, new_loaded),
            )
    if problems:
        raise InputError(problems)
    return DiffResult(before, after, tuple(documents))


def _documents(loaded: LoadedAgreement | None) -> dict[str, tuple[Kind, BaseModel]]:
    """Map each document of a loaded agreement folder to its kind and model."""
    if loaded is None:
        return {}
    found: dict[str, tuple[Kind, BaseModel]] = {loaded.source.name: (AGREEMENT, loaded.agreement)}
    for document in loaded.documents:
        found[document.name] = (document.kind, document.model)
    return found


def diff_folders(
    ident: str,
    old: dict[str, tuple[Kind, BaseModel]],
    new: dict[str, tuple[Kind, BaseModel]],
    *,
    folder: str,
    pack: Pack | None = None,
    loaded: tuple[LoadedAgreement | None, LoadedAgreement | None] = (None, None),
) -> list[DocumentDiff]:
    """Compare the documents of one agreement folder, given by their names inside it.

    With both sides `loaded`, the figures the documents derive (totals, the period as each
    shows it) are compared too, also in documents whose own file did not change.
    """
    result = []
    # Other documents refer to the agreement's parties and departments: name them so.
    names = _Differ(pack, {LBF: LBF_NAME})
    for side in (old, new):
        if AGREEMENT.pattern in side:
            names.collect_labels(side[AGREEMENT.pattern][1])
    for name in sorted(old.keys() | new.keys(), key=lambda n: (n != AGREEMENT.pattern, n)):
        kind = (new.get(name) or old[name])[0]
        path = f"{folder}/{name}"
        title = document_title(kind, name, pack)
        if name not in old:
            result.append(DocumentDiff(ident, name, path, kind, title, "added"))
        elif name not in new:
            result.append(DocumentDiff(ident, name, path, kind, title, "removed"))
        else:
            changes = diff_models(old[name][1], new[name][1], pack=pack, labels=names.labels)
            changes += _derived(name, *loaded)
            if changes:
                result.append(DocumentDiff(ident, name, path, kind, title, "changed", changes))
    return result


def _derived(
    name: str, old: LoadedAgreement | None, new: LoadedAgreement | None
) -> tuple[Change, ...]:
    """The derived figures of document `name` that changed between two loaded folders."""
    if old is None or new is None:
        return ()
    return tuple(
        _figure_change(c) for c in compare(document_figures(name, old), document_figures(name, new))
    )


def _figure_change(change: FigureChange) -> Change:
    def shown(side: int) -> str | None:
        cells = [(column, cell[side]) for column, *cell in change.cells if cell[side] is not None]
        return "; ".join(f"{c}: {v}" if c else str(v) for c, v in cells) or None

    def values(side: int) -> dict[str, str | None]:
        return {column: cell[side] for column, *cell in change.cells}

    return Change(
        "changed",
        change.where,
        "",
        shown(0),
        shown(1),
        old_value=values(0),
        new_value=values(1),
        cells=change.cells,
    )


def document_title(kind: Kind, name: str, pack: Pack | None) -> str:
    """Return a document's Danish name; one of several of a kind adds its own ('Delaftale
    Beskæftigelse' for sub-agreements/employment.yaml)."""
    if "*" not in kind.pattern:
        return kind.title
    stem = PurePosixPath(name).stem
    try:
        key = FocusAreaKey(stem)
    except ValueError:
        return f"{kind.title} {stem}"
    return f"{kind.title} {_focus_area_name(key, pack)}"


# --- models -------------------------------------------------------------------------------------


def diff_models(
    old: BaseModel,
    new: BaseModel,
    *,
    pack: Pack | None = None,
    labels: dict[str, str] | None = None,
) -> tuple[Change, ...]:
    """Return the changes from `old` to `new`, two models of the same document kind.

    `labels` names ids defined elsewhere (the parties of agreement.yaml, for a delaftale).
    """
    if old == new:
        return ()
    differ = _Differ(pack, dict(labels or {}))
    differ.collect_labels(old)
    differ.collect_labels(new)
    changes = list(differ.diff(old, new, _Context()))
    # A renamed id changes every reference to it; the rename itself says all of that.
    renames = differ.renames
    return tuple(
        c
        for c in changes
        if not (
            c.action == "changed"
            and isinstance(c.old_value, str)
            and renames.get(c.old_value) == c.new_value
        )
    )


@dataclass(frozen=True)
class _Context:
    """Where the walk is: labels so far, data path, and what formats the values there."""

    where: tuple[str, ...] = ()
    location: str = ""
    titled: bool = False  # whether the last label is the title of the current field
    name: str = ""
    info: FieldInfo | None = None
    unit: str = "number"
    columns: tuple[str, ...] = ()

    def enter(self, label: str, step: str, **changes: Any) -> _Context:
        """Go one step down: a field (`step` its name) or an entry (`step` like '[3]')."""
        if step.startswith("[") or not self.location:
            location = self.location + step
        else:
            location = f"{self.location}.{step}"
        where = (*self.where, label) if label else self.where
        values: dict[str, Any] = {"where": where, "location": location, "titled": bool(label)}
        return replace(self, **(values | changes))

    @property
    def parent(self) -> tuple[str, ...]:
        """The labels without the current field's own title (for entries of a list)."""
        return self.where[:-1] if self.titled else self.where


@dataclass
class _Differ:
    pack: Pack | None
    labels: dict[str, str] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)

    # --- labels ----------------------------------------------------------------------------

    def collect_labels(self, value: Any) -> None:
        """Remember the label of every entry with an id, to show references by name."""
        if isinstance(value, BaseModel):
            ident = getattr(value, "id", None)
            label = self.label(value)
            if isinstance(ident, str) and label:
                self.labels[ident] = label
            for name in type(value).model_fields:
                self.collect_labels(getattr(value, name))
        elif isinstance(value, list | tuple):
            for item in value:
                self.collect_labels(item)

    def label(self, item: Any) -> str | None:
        """Return how people name an entry: a party by its name, a department 'Afd. 12 …'."""
        if isinstance(item, list | tuple):
            first = item[0] if item else None
            return first if isinstance(first, str) and first else None
        if not isinstance(item, BaseModel):
            return None
        kind = type(item).__name__
        if kind == "Department":
            number, name = getattr(item, "number", None), getattr(item, "name", "")
            return f"Afd. {number} {name}" if number else str(name)
        if kind == "Baseline":
            return f"indikator {getattr(item, 'indicator', '')}"
        if isinstance(item, Milestone):
            # Its time as the plan shows it; the plan's view only when a milestone changed.
            from agreementgen.kinds.milestones.view import when_text

            return f"{when_text(item)}: {_shorten(item.text)}"
        if kind in _NAMED_BY_REFERENCE:
            reference = str(getattr(item, _NAMED_BY_REFERENCE[kind], ""))
            return self.labels.get(reference, reference)
        if kind == "TableRow":
            return self.label(getattr(item, "cells", ()))
        if kind == "InsertBlock":
            return str(getattr(getattr(item, "insert", ""), "value", ""))
        fields = type(item).model_fields
        if len(fields) == 1:  # a wrapper such as a table block: named by what it wraps
            return self.label(getattr(item, next(iter(fields))))
        for name in _LABEL_FIELDS:
            value = getattr(item, name, None)
            # A name is one short line; prose (a role's description) names nothing.
            if isinstance(value, str) and value.strip() and _is_name(value):
                return value.strip()
        for name in _KEYS:
            value = getattr(item, name, None)
            if value is not None:
                return str(value)
        return None

    def entity(self, item: Any, list_title: str) -> tuple[str, str | None, bool]:
        """Return what an entry is called ('Part'), the heading of the changes inside it
        ('Part Viborg Kommune', None for an entry without a name) and whether that heading
        goes under the list's title, as it does for an entry of a model nobody named."""
        label = self.label(item)
        under = False
        if isinstance(item, list | tuple):
            noun, pattern = "Række", "Række {label}"
        elif isinstance(item, BaseModel):
            title = item.model_config.get("title")
            known = _ENTITIES.get(type(item).__name__)
            if known is not None:
                noun, pattern = known
            elif title:
                noun, pattern = str(title), f"{title} {{label}}"
            else:
                noun, pattern, under = list_title, "{label}", True
        else:
            return "", None, False
        if "{label}" not in pattern:
            return noun, pattern or None, under
        return noun, pattern.format(label=label) if label else None, under

    # --- the walk --------------------------------------------------------------------------

    def diff(self, old: Any, new: Any, ctx: _Context) -> Iterator[Change]:
        if old == new:
            return
        if old is None or new is None:
            yield from self._appeared(old, new, ctx)
        elif isinstance(old, BaseModel) and type(old) is type(new):
            yield from self._model(old, new, ctx)
        elif isinstance(old, list | tuple) and isinstance(new, list | tuple):
            yield from self._list(list(old), list(new), ctx)
        elif isinstance(old, dict) and isinstance(new, dict):
            yield from self._dict(old, new, ctx)
        elif isinstance(old, str) and isinstance(new, str) and _is_prose(old, new):
            yield from self._prose(old, new, ctx)
        elif isinstance(old, str) and isinstance(new, str) and not self._special(ctx):
            before, after = _word_summary(old, new)
            yield self._changed(ctx, f"»{before}«", f"»{after}«", old, new)
        else:
            yield self._changed(ctx, self.format(old, ctx), self.format(new, ctx), old, new)

    def _changed(self, ctx: _Context, old: str, new: str, old_raw: Any, new_raw: Any) -> Change:
        return Change(
            "changed", ctx.where, ctx.location, old, new, "", _plain(old_raw), _plain(new_raw)
        )

    def _model(self, old: BaseModel, new: BaseModel, ctx: _Context) -> Iterator[Change]:
        unit = getattr(new, "unit", None)
        columns = getattr(new, "columns", None)
        fields = type(new).model_fields
        for name, info in fields.items():
            before, after = getattr(old, name), getattr(new, name)
            if before == after:
                continue
            hidden = name in _TRANSPARENT or len(fields) == 1
            yield from self.diff(
                before,
                after,
                ctx.enter(
                    "" if hidden else (info.title or name),
                    name,
                    name=name,
                    info=info,
                    unit=unit if unit in ("number", "percent") else ctx.unit,
                    columns=tuple(map(str, columns)) if isinstance(columns, list) else ctx.columns,
                ),
            )

    def _appeared(self, old: Any, new: Any, ctx: _Context) -> Iterator[Change]:
        """A value that is set on one side only."""
        value = new if old is None else old
        if isinstance(value, BaseModel | list | tuple | dict):
            summary = self.summary(value)
            action = "added" if old is None else "removed"
            text = summary if summary else None
            yield Change(
                action,
                ctx.where,
                ctx.location,
                text if action == "removed" else None,
                text if action == "added" else None,
                "",
                _plain(old),
                _plain(new),
            )
        else:
            yield self._changed(ctx, self.format(old, ctx), self.format(new, ctx), old, new)

    # --- lists -----------------------------------------------------------------------------

    def _list(self, old: list[Any], new: list[Any], ctx: _Context) -> Iterator[Change]:
        key = _key_field(old, new)
        if key is not None:
            yield from self._keyed(old, new, key, ctx)
        else:
            yield from self._aligned(old, new, ctx)

    def _keyed(self, old: list[Any], new: list[Any], key: str, ctx: _Context) -> Iterator[Change]:
        """Entries matched by key: their order is no change; an id changed alone is a rename."""
        title = ctx.where[-1] if ctx.titled else ""
        # A reference used as key (a criteria row's department) follows a renamed id.
        follow = self.renames if key != "id" else {}
        olds = {follow.get(str(getattr(i, key)), getattr(i, key)): i for i in old}
        news = {getattr(i, key): i for i in new}
        removed = [k for k in olds if k not in news]
        added = [k for k in news if k not in olds]
        for gone in list(removed):
            if key != "id":
                break
            twin = next((k for k in added if _same_but(olds[gone], news[k], key)), None)
            if twin is None:
                continue
            removed.remove(gone)
            added.remove(twin)
            self.renames[str(gone)] = str(twin)
            noun, heading, under = self.entity(news[twin], title)
            yield Change(
                "renamed",
                (*(ctx.where if under else ctx.parent), heading or noun),
                f"{ctx.location}[{key}={gone}]",
                str(gone),
                str(twin),
                noun,
                str(gone),
                str(twin),
            )
        for k in removed:
            yield self._entry("removed", olds[k], ctx, f"[{key}={k}]", title)
        if key != "indicator":  # baselines are shown in the order of LBF's indicators
            yield from self._moves(olds, news, key, ctx, title)
        for k, item in news.items():
            if k in added:
                yield self._entry("added", item, ctx, f"[{key}={k}]", title)
            elif k in olds:
                yield from self._item(olds[k], item, ctx, f"[{key}={k}]", title)

    def _moves(
        self, old: dict[Any, Any], new: dict[Any, Any], key: str, ctx: _Context, title: str
    ) -> Iterator[Change]:
        """Entries on both sides whose place among the others changed, 'flyttet' from the
        entry they followed to the one they follow (the fewest such entries)."""
        before = [k for k in old if k in new]
        after = [k for k in new if k in old]
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        staying = {
            k
            for block in matcher.get_matching_blocks()
            for k in before[block.a : block.a + block.size]
        }
        old_items, new_items = list(old.values()), list(new.values())
        for k in after:
            if k not in staying:
                moved = self._entry("moved", new[k], ctx, f"[{key}={k}]", title)
                source = self._place(old_items, old_items.index(old[k]))
                target = self._place(new_items, new_items.index(new[k]))
                yield replace(moved, new=f"{moved.new}, fra {source} til {target}")

    def _place(self, items: Sequence[Any], index: int) -> str:
        """Where an entry is, in words: 'først' or 'efter' the entry before it."""
        if index == 0:
            return "først"
        before = items[index - 1]
        return f"efter {self.label(before) or self.summary(before)}"

    def _aligned(self, old: list[Any], new: list[Any], ctx: _Context) -> Iterator[Change]:
        """Entries without keys, aligned by content; an entry that only moved is 'flyttet'."""
        title = ctx.where[-1] if ctx.titled else ""
        if ctx.columns and _all_scalars(old, new) and len(old) == len(new):
            # The cells of a table row: column by column.
            for index, (before, after) in enumerate(zip(old, new, strict=True)):
                column = ctx.columns[index] if index < len(ctx.columns) else str(index + 1)
                yield from self.diff(
                    before, after, ctx.enter(column, f"[{index}]", columns=(), titled=True)
                )
            return
        signatures_old = [_signature(v) for v in old]
        signatures_new = [_signature(v) for v in new]
        matcher = difflib.SequenceMatcher(None, signatures_old, signatures_new, autojunk=False)
        opcodes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
        # An entry found unchanged elsewhere moved, wherever the alignment put it.
        unplaced = [i for _, i1, i2, _, _ in opcodes for i in range(i1, i2)]
        moves: dict[int, int] = {}  # new index: old index
        for _, _, _, j1, j2 in opcodes:
            for j in range(j1, j2):
                twin = next((i for i in unplaced if signatures_old[i] == signatures_new[j]), None)
                if twin is not None:
                    unplaced.remove(twin)
                    moves[j] = twin
        removed: list[tuple[int, Any]] = []
        added: list[tuple[int, Any]] = []
        paired: list[tuple[int, Any, Any]] = []
        for _, i1, i2, j1, j2 in opcodes:
            rest_old = [i for i in range(i1, i2) if i in unplaced]
            rest_new = [j for j in range(j1, j2) if j not in moves]
            for a, b in _pair([old[k] for k in rest_old], [new[k] for k in rest_new]):
                if a is not None and b is not None:
                    paired.append((rest_new[b], old[rest_old[a]], new[rest_new[b]]))
                elif a is not None:
                    removed.append((rest_old[a], old[rest_old[a]]))
                elif b is not None:
                    added.append((rest_new[b], new[rest_new[b]]))
        for index, item in removed:
            yield self._entry("removed", item, ctx, f"[{index}]", title)
        for index, item in added:
            yield self._entry("added", item, ctx, f"[{index}]", title)
        for index, source in sorted(moves.items()):
            moved = self._entry("moved", new[index], ctx, f"[{index}]", title)
            yield replace(moved, new=f"{moved.new}, fra nr. {source + 1} til nr. {index + 1}")
        for index, before, after in sorted(paired, key=lambda p: p[0]):
            yield from self._item(before, after, ctx, f"[{index}]", title)

    def _item(self, old: Any, new: Any, ctx: _Context, step: str, title: str) -> Iterator[Change]:
        """Changes inside an entry of a list, headed by the entry's name where it has one."""
        _, heading, under = self.entity(new, title)
        inner = ctx
        if heading:
            inner = replace(
                ctx, where=(*(ctx.where if under else ctx.parent), heading), titled=False
            )
        yield from self.diff(old, new, replace(inner, location=ctx.location + step))

    def _entry(self, action: str, item: Any, ctx: _Context, step: str, title: str) -> Change:
        """A whole entry added, removed or moved."""
        noun, _, _ = self.entity(item, title)
        where = ctx.parent if noun else ctx.where
        label = self.label(item) if noun else None
        shown = label if label else self.summary(item, ctx)
        old = shown if action == "removed" else None
        new = shown if action != "removed" else None
        return Change(
            action,
            where,
            ctx.location + step,
            old,
            new,
            noun,
            _plain(item) if action != "added" else None,
            _plain(item) if action != "removed" else None,
        )

    def _dict(self, old: dict[str, Any], new: dict[str, Any], ctx: _Context) -> Iterator[Change]:
        """A mapping such as a criteria row's values: key by key, keys named by label."""
        renamed = {self.renames.get(str(k), k): v for k, v in old.items()}
        for key in [*new, *(k for k in renamed if k not in new)]:
            before, after = renamed.get(key), new.get(key)
            if before != after:
                label = self.labels.get(str(key), str(key))
                yield from self.diff(before, after, ctx.enter(label, f"[{key}]", titled=True))

    def _prose(self, old: str, new: str, ctx: _Context) -> Iterator[Change]:
        """Prose: the sentences that changed, each old → new."""
        before, after = markdown_sentences(old), markdown_sentences(new)
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            for i, j in _pair(before[i1:i2], after[j1:j2]):
                if i is not None and j is not None:
                    a, b = before[i1 + i], after[j1 + j]
                    yield Change("changed", ctx.where, ctx.location, f"»{a}«", f"»{b}«", "", a, b)
                elif i is not None:
                    a = before[i1 + i]
                    yield Change("removed", ctx.where, ctx.location, f"»{a}«", None, "", a)
                elif j is not None:
                    b = after[j1 + j]
                    yield Change("added", ctx.where, ctx.location, None, f"»{b}«", "", None, b)

    # --- values ----------------------------------------------------------------------------

    def _special(self, ctx: _Context) -> bool:
        """Whether text at `ctx` is an id or a month, shown as such rather than quoted."""
        return bool(_patterns(ctx.info) & {ID_PATTERN, _MONTH_PATTERN})

    def format(self, value: Any, ctx: _Context) -> str:
        """Format a value as the documents show it."""
        if value is None:
            return EMPTY
        if isinstance(value, bool):
            return "ja" if value else "nej"
        if isinstance(value, FocusAreaKey):
            return _focus_area_name(value, self.pack)
        if isinstance(value, enum.Enum):
            return str(value.value)
        if isinstance(value, datetime.date):
            return danish.long_date(value)
        if isinstance(value, int | Decimal):
            if "year" in ctx.name:
                return str(value)
            return danish.quantity(value, ctx.unit)
        if isinstance(value, str):
            patterns = _patterns(ctx.info)
            if _MONTH_PATTERN in patterns:
                return danish.month_year(value)
            if ID_PATTERN in patterns:
                return self.labels.get(value, value) if ctx.name != "id" else value
            return f"»{_shorten(value)}«"
        return f"»{_shorten(self.summary(value) or '')}«"

    def summary(self, value: Any, ctx: _Context | None = None) -> str:
        """A short text for a whole value: its label, else its first words."""
        label = self.label(value)
        if label:
            return label
        if isinstance(value, str):
            return f"»{_shorten(strip_markdown_prefix(value.strip().splitlines()[0]))}«"
        if ctx is not None and not isinstance(value, BaseModel | list | tuple | dict):
            return self.format(value, ctx)
        words = " ".join(_texts(value))
        return f"»{_shorten(words)}«" if words else ""


# --- helpers ------------------------------------------------------------------------------------


def _focus_area_name(key: FocusAreaKey, pack: Pack | None) -> str:
    if pack is not None:
        return pack.area(key).name
    from agreementgen.source.model import FocusAreas

    return str(FocusAreas.model_fields[key.value].title)


def _key_field(old: Sequence[Any], new: Sequence[Any]) -> str | None:
    """Return the field that identifies the entries of both lists, if there is one."""
    items = [*old, *new]
    if not items or not all(isinstance(i, BaseModel) for i in items):
        return None
    kind = type(items[0])
    if any(type(i) is not kind for i in items):
        return None
    for key in _KEYS:
        if key not in kind.model_fields:
            continue
        unique = all(
            None not in (values := [getattr(i, key) for i in side])
            and len(set(values)) == len(values)
            for side in (old, new)
        )
        if unique:
            return key
    return None


def _same_but(old: BaseModel, new: BaseModel, key: str) -> bool:
    return old.model_dump(exclude={key}) == new.model_dump(exclude={key})


def _all_scalars(*lists: Sequence[Any]) -> bool:
    return all(not isinstance(v, BaseModel | list | tuple | dict) for items in lists for v in items)


def _signature(value: Any) -> str:
    """A text that is equal for equal values, to align lists by content."""
    if isinstance(value, BaseModel):
        data = value.model_dump(mode="json")
        return f"{type(value).__name__}:{json.dumps(data, sort_keys=True, ensure_ascii=False)}"
    if isinstance(value, list | tuple | dict):
        return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False)
    return f"{type(value).__name__}:{value}"


def align(
    old: Sequence[T],
    new: Sequence[T],
    *,
    kind: Callable[[T], str],
    similarity: Callable[[T, T], float],
) -> list[tuple[int | None, int | None]]:
    """Align two runs of differing entries, keeping both orders.

    Runs of equal length whose entries are of the same kind pair in order; otherwise entries
    pair where they are at least half alike. Returns (old index, new index) in order, with
    None on the side that has no partner.
    """
    n, m = len(old), len(new)
    if n == m and all(kind(a) == kind(b) for a, b in zip(old, new, strict=True)):
        return [(i, i) for i in range(n)]
    if n * m > _MAX_ALIGN:  # too long to search: the leftovers are added or removed
        return [(i, None) for i in range(n)] + [(None, j) for j in range(m)]
    sims = [[similarity(a, b) if kind(a) == kind(b) else 0.0 for b in new] for a in old]
    # The best total similarity: a small dynamic programme, as runs of changes are short.
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = sims[i][j] + best[i + 1][j + 1] if sims[i][j] >= _ALIKE else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    result: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        if sims[i][j] >= _ALIKE and best[i][j] == sims[i][j] + best[i + 1][j + 1]:
            result.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            result.append((i, None))
            i += 1
        else:
            result.append((None, j))
            j += 1
    result += [(k, None) for k in range(i, n)]
    result += [(None, k) for k in range(j, m)]
    return result


def _pair(old: Sequence[Any], new: Sequence[Any]) -> list[tuple[int | None, int | None]]:
    return align(old, new, kind=_kind, similarity=_similarity)


def _kind(value: Any) -> str:
    """What may pair with what: models of one class, lists, mappings, or plain values."""
    if isinstance(value, BaseModel):
        return type(value).__name__
    if isinstance(value, list | tuple | dict):
        return type(value).__name__
    return "value"


def _similarity(old: Any, new: Any) -> float:
    matcher = difflib.SequenceMatcher(None, _signature(old), _signature(new), autojunk=False)
    return matcher.ratio() if matcher.quick_ratio() >= _ALIKE else 0.0


def _is_name(text: str) -> bool:
    return "\n" not in text.strip() and len(text) <= _SUMMARY_CHARS


def _is_prose(old: str, new: str) -> bool:
    return any("\n" in s.strip() or len(s) > _PROSE_CHARS for s in (old, new))


def _word_summary(old: str, new: str) -> tuple[str, str]:
    """Show a short text whole; a longer one only around the words that changed."""
    a, b = old.split(), new.split()
    if max(len(a), len(b)) <= _SHORT_WORDS:
        return old, new
    opcodes = [
        op
        for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        if op[0] != "equal"
    ]
    if not opcodes:
        return old, new
    first_a, first_b = opcodes[0][1], opcodes[0][3]
    last_a, last_b = opcodes[-1][2], opcodes[-1][4]
    start = min(first_a, _CONTEXT_WORDS)  # the words before the change are the same on both sides
    end = min(len(a) - last_a, _CONTEXT_WORDS)

    def clip(words: list[str], begin: int, finish: int) -> str:
        text = " ".join(words[begin:finish])
        return ("… " if begin > 0 else "") + text + (" …" if finish < len(words) else "")

    return (
        clip(a, first_a - start, last_a + end),
        clip(b, first_b - start, last_b + end),
    )


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SUMMARY_CHARS else text[: _SUMMARY_CHARS - 1].rstrip() + "…"


def _texts(value: Any) -> Iterator[str]:
    """The text and numbers inside a value, in order."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, str):
        yield strip_markdown_prefix(value.strip().splitlines()[0]) if value.strip() else ""


def _patterns(info: FieldInfo | None) -> set[str]:
    """The regular expressions a text field must match (an id, a month)."""
    if info is None:
        return set()
    found: set[str] = set()

    def visit(item: Any) -> None:
        pattern = getattr(item, "pattern", None)
        if isinstance(pattern, str):
            found.add(pattern)
        for arg in typing.get_args(item):
            visit(arg)
        for meta in getattr(item, "__metadata__", ()):
            visit(meta)

    for meta in info.metadata:
        visit(meta)
    visit(info.annotation)
    return found


def _plain(value: Any) -> Any:
    """A value as JSON data (numbers as text with their decimals, dates as YYYY-MM-DD)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- output -------------------------------------------------------------------------------------


def format_text(result: DiffResult) -> str:
    """Return the changes for a terminal: a heading per document, a line per change."""
    lines: list[str] = []
    for document in result.documents:
        if lines:
            lines.append("")
        lines.append(f"{document.heading}: {_STATUS[document.status]}, {document.approval}")
        lines += [f"  {change.text}" for change in document.changes]
    return "\n".join(lines) + ("\n" if lines else "")


def format_markdown(result: DiffResult) -> str:
    """Return the changes as Markdown, for a pull request comment or a CI job summary."""
    from agreementgen.text.markdown import literal  # the Markdown parser only for Markdown

    old = f"`{result.old.label}`" if not result.old.is_worktree else "arbejdskopien"
    new = f"`{result.new.label}`" if not result.new.is_worktree else "arbejdskopien"
    lines = [f"## Ændringer i aftaledokumenterne: {old} {ARROW} {new}", ""]
    if not result.documents:
        lines.append("Ingen ændringer.")
    for document in result.documents:
        approval = document.approval
        if document.requires_lbf_approval:
            approval = f"**{approval[:1].upper()}{approval[1:]}**"
        else:
            approval = f"{approval[:1].upper()}{approval[1:]}"
        lines += [
            f"### {literal(document.heading)}",
            "",
            f"{_STATUS[document.status].capitalize()} · {approval} · `{document.path}`",
            "",
        ]
        lines += [f"- {literal(change.text)}" for change in document.changes]
        if document.changes:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def format_json(result: DiffResult) -> str:
    """Return the changes as JSON, for tools."""
    data = {
        "old": _revision_json(result.old),
        "new": _revision_json(result.new),
        "changed": result.changed,
        "documents": [
            {
                "agreement": d.agreement,
                "document": d.name,
                "path": d.path,
                "kind": d.kind.key,
                "title": d.title,
                "status": d.status,
                "requires_lbf_approval": d.requires_lbf_approval,
                "approval": d.approval,
                "changes": [
                    {
                        "action": c.action,
                        "where": list(c.where),
                        "location": c.location,
                        "old": c.old,
                        "new": c.new,
                        "old_value": c.old_value,
                        "new_value": c.new_value,
                        "derived": c.derived,
                        "text": c.text,
                    }
                    for c in d.changes
                ],
            }
            for d in result.documents
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _revision_json(revision: Revision) -> dict[str, Any]:
    return {"revision": revision.label, "commit": revision.commit or None}


FORMATTERS = {"text": format_text, "markdown": format_markdown, "json": format_json}
