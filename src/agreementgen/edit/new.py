"""Edit stage: start a new agreement folder with every document LBF wants, ready to fill in.

`new_agreement` writes `agreement.yaml` and the documents beside it (a delaftale per chosen
focus area, the budget, the milestone plan, the contingency plan and the board mandate), either
from the skeleton in skeleton/ (YAML files with Danish comments that say what LBF wants in each
block, and placeholders "[indsæt …]" that rule AG270 finds) or from an earlier agreement, for
the next plan period. Every file is filled through ruamel's round trip, so what a user typed is
written as YAML data, escaped by the emitter, and comments stay where they were.

Nothing is lost and nothing is left half-written: the target must not exist or be empty
(AG126); the files are written into a hidden folder beside it, checked as `validate` checks a
draft, and renamed into place at the end.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import io
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from agreementgen.checks.read import read_agreement
from agreementgen.errors import Diagnostic, InputError, Severity, display_path
from agreementgen.kinds import AGREEMENT, BY_KEY, Kind
from agreementgen.kinds.budget.model import LBF, Budget
from agreementgen.language import N_, tr
from agreementgen.source.confine import Outside, confined
from agreementgen.source.folder import LoadedAgreement
from agreementgen.source.load import Source, closing_comments
from agreementgen.source.model import FocusAreaKey, Party, PartyKind, Signatory, TemplatePack
from agreementgen.source.names import AGREEMENT_FILE, BOARD, ID
from agreementgen.source.packs import Pack, load_pack

__all__ = [
    "Created",
    "PartySpec",
    "Plan",
    "default_end",
    "new_agreement",
    "newest_pack",
    "pack_names",
    "parse_date",
    "parse_focus_areas",
    "parse_folder",
    "parse_parties",
    "parse_party",
    "parse_template_pack",
    "parse_text",
    "parties_problem",
    "period_problem",
]

SUB_AGREEMENT = BY_KEY["sub_agreement"]
BUDGET = BY_KEY["budget"]
MILESTONES = BY_KEY["milestones"]
CONTINGENCY = BY_KEY["contingency_plan"]
MANDATE = BY_KEY["board_mandate"]
# The documents of a new folder, in the order the folder lists them (the delaftaler come
# second, one per chosen focus area).
SINGLE_DOCUMENTS = (BUDGET, MILESTONES, CONTINGENCY, MANDATE)

# The first line of every file: editors with the YAML language server check against it.
MODELINE = "# yaml-language-server: $schema="
# The ids a new delaftale's activity and budget line get, by focus area.
AREA_SLUGS = {
    FocusAreaKey.EDUCATION: "uddannelse",
    FocusAreaKey.EMPLOYMENT: "beskaeftigelse",
    FocusAreaKey.CRIME_PREVENTION: "kriminalitetsforebyggelse",
    FocusAreaKey.COHESION: "sammenhaengskraft",
}
# Ids a party may not have: the budget's source for Landsbyggefonden and the milestone plan's
# word for the board.
RESERVED_IDS = {LBF: N_("Landsbyggefonden's id in the budget"), BOARD: N_("the board's id")}
# The years a budget may have (kinds/budget/model.py Year): a period must fall inside them.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A templates folder outside the earlier agreement's folder is named from where the new
# folder will be, one level up from the hidden folder it is checked in: those checks wait.
_TEMPLATE_CODES = {"AG180", "AG181"}


# -- what `new` is asked to make -----------------------------------------------------------


@dataclass(frozen=True)
class PartySpec:
    """A party as given on the command line: its id, kind and name."""

    id: str
    kind: PartyKind
    name: str


@dataclass(frozen=True)
class Plan:
    """What to put in a new agreement folder.

    Attributes:
        start, end: the period.
        area_name: the area's name; None keeps the name of `source`.
        parties: the parties, for a new agreement (not with `source`).
        focus_areas: the chosen focus areas, for a new agreement (not with `source`).
        template_pack: the template pack.
        source: an earlier agreement folder to start from.
    """

    start: datetime.date
    end: datetime.date
    area_name: str | None = None
    parties: tuple[PartySpec, ...] = ()
    focus_areas: tuple[FocusAreaKey, ...] = ()
    template_pack: TemplatePack | None = None
    source: Path | None = None


@dataclass(frozen=True)
class Created:
    """A new agreement folder and the files written into it, in the folder's order."""

    folder: Path
    files: tuple[Path, ...]


# -- checking what a user typed (each raises ValueError with what is wrong) ------------------


def parse_text(text: str) -> str:
    """Return `text` (a name) if a document can hold it: not blank, no control characters
    other than a line break, no invisible characters."""
    if not text.strip():
        raise ValueError(tr("it is empty or only spaces"))
    for char in text:
        category = unicodedata.category(char)
        if char == "\n" or char == "\u00ad":  # a line break; the soft hyphen marks a break
            continue
        if category in ("Cc", "Zl", "Zp"):
            raise ValueError(
                tr("{char!a} is a control character or line separator").format(char=char)
            )
        if category in ("Cf", "Cs") or char in "\ufffe\uffff":
            raise ValueError(tr("{char!a} is an invisible or invalid character").format(char=char))
    return text


def parse_folder(folder: Path) -> Path:
    """Return `folder` if its name is a valid agreement id."""
    ident = _absolute(folder).name
    if not ID.match(ident):
        raise ValueError(
            tr(
                "{ident!r} is not a valid agreement id; the folder's name is the id: use"
                " lower-case letters, digits and hyphens, e.g. agreements/nordby"
            ).format(ident=ident)
        )
    return folder


def parse_id(text: str) -> str:
    """Return `text` if it is a valid id that a party may have."""
    if not ID.match(text):
        raise ValueError(
            tr(
                "{ident!r} is not a valid id: use lower-case letters, digits and hyphens,"
                " e.g. boligselskabet-nord"
            ).format(ident=text)
        )
    if text in RESERVED_IDS:
        raise ValueError(
            tr("{ident!r} is {meaning}; give the party another id").format(
                ident=text, meaning=tr(RESERVED_IDS[text])
            )
        )
    return text


def parse_party(text: str) -> PartySpec:
    """Return the party that `text` (ID:KIND:NAME) gives."""
    parts = text.split(":", 2)
    if len(parts) != 3:
        raise ValueError(
            tr(
                "{text!r} is not ID:KIND:NAME, e.g."
                " boligselskabet-nord:housing_organisation:'Boligselskabet Nord'"
            ).format(text=text)
        )
    ident, kind, name = parts
    parse_id(ident)
    kinds = [k.value for k in PartyKind]
    if kind not in kinds:
        raise ValueError(
            tr("{kind!r} is not a kind of party: {kinds}").format(kind=kind, kinds=_or(kinds))
        )
    try:
        parse_text(name)
    except ValueError as exc:
        raise ValueError(
            tr("the name of {ident!r}: {problem}").format(ident=ident, problem=exc)
        ) from None
    return PartySpec(ident, PartyKind(kind), name)


def parse_parties(texts: Iterable[str]) -> tuple[PartySpec, ...]:
    """Return the parties that `texts` (each ID:KIND:NAME) give, checked as a whole."""
    parties = tuple(parse_party(text) for text in texts)
    if (problem := parties_problem(parties)) is not None:
        raise ValueError(problem)
    return parties


def parties_problem(parties: Sequence[PartySpec]) -> str | None:
    """Say what is wrong with the parties as a whole, or None: an id given twice, or not at
    least one housing organisation and exactly one municipality (rule AG201)."""
    seen: set[str] = set()
    for party in parties:
        if party.id in seen:
            return tr("the party id {ident!r} is given twice").format(ident=party.id)
        seen.add(party.id)
    kinds = [party.kind for party in parties]
    if PartyKind.HOUSING_ORGANISATION not in kinds:
        return tr("give at least one party of kind housing_organisation")
    municipalities = kinds.count(PartyKind.MUNICIPALITY)
    if municipalities != 1:
        return tr("give exactly one party of kind municipality, not {count}").format(
            count=municipalities
        )
    return None


def parse_date(text: str) -> datetime.date:
    """Return the date `text` (YYYY-MM-DD) names, inside the years a budget may have."""
    try:
        if not _DATE.match(text):
            raise ValueError
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            tr("{text!r} is not a date; write YYYY-MM-DD, e.g. 2026-01-01").format(text=text)
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            tr("{text!r} is not between {first} and {last}").format(
                text=text, first=FIRST_DAY.year, last=LAST_DAY.year
            )
        )
    return day


def period_problem(start: datetime.date, end: datetime.date) -> str | None:
    """Say what is wrong with a period, or None."""
    if end <= start:
        return tr("the period must end after it starts ({start})").format(start=start.isoformat())
    return None


def default_end(start: datetime.date) -> datetime.date:
    """Return the last day of a four-year period from `start` (LBF's 48 months)."""
    try:
        return start.replace(year=start.year + 4) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 4, day=28)


def parse_focus_areas(texts: Iterable[str]) -> tuple[FocusAreaKey, ...]:
    """Return the focus areas that `texts` name, in template order, each once."""
    keys = [k.value for k in FocusAreaKey]
    chosen = set()
    for text in (text.strip() for text in texts):
        if not text:
            continue
        if text not in keys:
            raise ValueError(
                tr("{text!r} is not a focus area: {keys}").format(text=text, keys=_or(keys))
            )
        chosen.add(text)
    if not chosen:
        raise ValueError(tr("choose at least one focus area; each chosen area gets a delaftale"))
    return tuple(key for key in FocusAreaKey if key.value in chosen)


def parse_template_pack(text: str) -> TemplatePack:
    """Return the template pack `text` names."""
    if text not in pack_names():
        raise ValueError(
            tr("{text!r} is not a template pack: {packs}").format(
                text=text, packs=_or(pack_names())
            )
        )
    return TemplatePack(text)


def pack_names() -> tuple[str, ...]:
    """Return the ids of the template packs agreementgen carries."""
    return tuple(pack.value for pack in TemplatePack)


def newest_pack() -> TemplatePack:
    """Return the newest template pack agreementgen carries (by the date in its id)."""
    return max(TemplatePack, key=lambda pack: pack.value.rpartition("@")[2])


def _or(items: Sequence[str]) -> str:
    return tr("{items} or {last}").format(items=", ".join(items[:-1]), last=items[-1])


# -- making the folder ------------------------------------------------------------------------


def new_agreement(target: Path, plan: Plan) -> Created:
    """Write a new agreement folder at `target` and return what was written.

    Raises:
        InputError: `target` exists and is not an empty folder (AG126), or its name is not an
            id (AG118); `plan.source` is not an agreement folder (AG119) or has errors (its
            diagnostics); the folder cannot be made (AG124).
    """
    try:
        parse_folder(target)
    except ValueError as exc:
        raise InputError([Diagnostic(display_path(target), 0, 0, "AG118", str(exc))]) from None
    _check_target(target)
    if plan.source is not None:
        files = _from_source(plan, _read_source(plan.source), target)
    else:
        files = _from_skeleton(plan)
    _set_modelines(files, target)
    _write(files, target)
    return Created(target, tuple(target / name for name in files.names()))


def _check_target(target: Path) -> None:
    """Refuse a target that holds anything: never write over an agreement or anything else."""
    problem = ""
    if target.is_symlink():
        problem = tr("the target is a link")
    elif target.is_dir():
        try:
            if next(target.iterdir(), None) is not None:
                problem = tr("the target folder exists and is not empty")
        except OSError as exc:
            problem = tr("the target folder exists and cannot be read ({reason})").format(
                reason=exc.strerror
            )
    elif target.exists():
        problem = tr("the target exists and is a file")
    if problem:
        message = tr("{problem}; `new` writes only into a new or empty folder").format(
            problem=problem
        )
        hint = tr("give a new folder, or move what is there away first")
        raise InputError([Diagnostic(display_path(target), 0, 0, "AG126", message, hint=hint)])


class _Files:
    """The files of the new folder, by their path inside it: YAML trees and copied bytes."""

    def __init__(self) -> None:
        self.trees: dict[str, Any] = {}
        self.copies: dict[str, Path] = {}

    def names(self) -> list[str]:
        return [*self.trees, *self.copies]


def _write(files: _Files, target: Path) -> None:
    """Write `files` into a hidden folder beside `target`, check them, and rename them into
    place; on any failure, or an interruption, nothing is left behind."""
    parent = _absolute(target).parent
    name = _absolute(target).name
    try:
        parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{name}.new-", dir=parent))
    except OSError as exc:
        raise _cannot_make(target, exc) from exc
    try:
        # The agreement is one level down, under its own name: `validate` takes the folder's
        # name for the id, and a folder left by a killed `new` holds no agreement.yaml that a
        # scan of `agreements/` would find.
        folder = scratch / name
        folder.mkdir()
        umask = os.umask(0)
        os.umask(umask)
        folder.chmod(0o777 & ~umask)
        for path, tree in files.trees.items():
            _write_file(folder / path, _dump(tree).encode("utf-8"))
        for path, original in files.copies.items():
            _write_file(folder / path, original.read_bytes())
        _verify(folder)
        _move(folder, target)
    except OSError as exc:
        raise _cannot_make(target, exc) from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _verify(folder: Path) -> None:
    """Check the new folder as `validate` checks a draft: it must have no error."""
    _, problems = read_agreement(folder)
    errors = [p for p in problems if p.severity is Severity.ERROR and p.code not in _TEMPLATE_CODES]
    if errors:
        raise InputError(errors)


def _move(folder: Path, target: Path) -> None:
    """Rename the finished folder into place; an empty folder there is replaced, anything
    else is refused."""
    try:
        folder.rename(target)
    except OSError:
        _check_target(target)  # something came meanwhile: it is refused, never replaced
        if not target.is_dir():
            raise
        target.rmdir()  # an empty folder, which Windows does not rename onto
        folder.rename(target)


def _cannot_make(target: Path, exc: OSError) -> InputError:
    message = tr("the agreement folder cannot be made: {reason}").format(reason=exc.strerror or exc)
    return InputError([Diagnostic(display_path(target), 0, 0, "AG124", message)])


# -- from the skeleton ------------------------------------------------------------------------


def _from_skeleton(plan: Plan) -> _Files:
    pack = load_pack(plan.template_pack or newest_pack())
    files = _Files()
    areas = plan.focus_areas
    parties = plan.parties
    assert plan.area_name is not None and areas and parties
    files.trees[AGREEMENT_FILE] = _new_agreement_tree(plan, pack)
    for key in areas:
        files.trees[_file_of(SUB_AGREEMENT, key)] = _new_sub_agreement(key, parties, pack)
    files.trees[BUDGET.pattern] = _new_budget(plan.start, plan.end, parties, areas)
    files.trees[MILESTONES.pattern] = _skeleton(MILESTONES)
    files.trees[CONTINGENCY.pattern] = _skeleton(CONTINGENCY)
    files.trees[MANDATE.pattern] = _new_mandate(pack)
    return files


def _file_of(kind: Kind, key: FocusAreaKey | None = None) -> str:
    return kind.pattern.replace("*", key.value) if key is not None else kind.pattern


def _lead(parties: Sequence[PartySpec]) -> PartySpec:
    """The party that a new department, delaftale unit and activity belong to until the
    coordinator says otherwise: the first housing organisation given."""
    return next(p for p in parties if p.kind is PartyKind.HOUSING_ORGANISATION)


def _new_agreement_tree(plan: Plan, pack: Pack) -> CommentedMap:
    doc = _skeleton(AGREEMENT)
    doc["template_pack"] = pack.id.value
    doc["area_name"] = plan.area_name
    doc["period"]["start"] = plan.start
    doc["period"]["end"] = plan.end

    def party(item: CommentedMap, spec: PartySpec) -> None:
        item["id"] = spec.id
        item["kind"] = spec.kind.value
        item["name"] = spec.name

    _expand(doc["parties"], 0, plan.parties, party)
    lead = _lead(plan.parties)
    doc["departments"][0]["owner"] = lead.id

    def member(item: CommentedMap, spec: PartySpec) -> None:
        item["party"] = spec.id

    _expand(doc["board"]["members"], 0, plan.parties, member)

    def baseline(item: CommentedMap, number: int) -> None:
        item["indicator"] = number
        item.yaml_add_eol_comment(f"# {pack.indicators[number][1].text}", "indicator")

    goals = doc["sections"]["goals"]
    _expand(goals["baselines"], 0, sorted(pack.indicators), baseline)
    areas = doc["sections"]["focus_areas"]
    template = areas.pop(next(iter(areas)))
    for index, key in enumerate(plan.focus_areas):
        areas[key.value] = template if index == 0 else _fresh(template)
    return doc


def _new_sub_agreement(key: FocusAreaKey, parties: Sequence[PartySpec], pack: Pack) -> CommentedMap:
    doc = _skeleton(SUB_AGREEMENT)
    lead = _lead(parties)
    doc["area"] = key.value
    doc["parties"][0]["party"] = lead.id
    doc["sub_goals"][0]["indicators"] = _flow_list(i.number for i in pack.area(key).indicators)
    activity = doc["activities"][0]
    activity["id"] = _activity_id(key)
    activity["responsible"] = lead.id

    def role(item: CommentedMap, spec: PartySpec) -> None:
        item["party"] = spec.id

    _expand(doc["roles"], 0, parties, role)
    return doc


def _activity_id(key: FocusAreaKey) -> str:
    return f"{AREA_SLUGS[key]}-1"


def _new_budget(
    start: datetime.date,
    end: datetime.date,
    parties: Sequence[PartySpec],
    areas: Sequence[FocusAreaKey],
) -> CommentedMap:
    doc = _skeleton(BUDGET)
    payers = [LBF, *(p.id for p in parties if p.kind is not PartyKind.POLICE)]
    lines = doc["lines"]
    lines[0]["amounts"] = _zero_amounts(start, end, payers)

    def line(item: CommentedMap, key: FocusAreaKey) -> None:
        item["id"] = AREA_SLUGS[key]
        item["area"] = key.value
        item["activities"] = _flow_list([_activity_id(key)])
        item["amounts"] = _zero_amounts(start, end, payers)

    _expand(lines, 1, areas, line)
    return doc


def _zero_amounts(start: datetime.date, end: datetime.date, payers: Sequence[str]) -> CommentedMap:
    """Amounts of 0 for each of `payers` in each calendar year the period touches."""
    amounts = CommentedMap()
    for year in range(start.year, end.year + 1):
        by_payer = CommentedMap((payer, 0) for payer in payers)
        by_payer.fa.set_flow_style()
        amounts[year] = by_payer
    return amounts


def _new_mandate(pack: Pack) -> CommentedMap:
    doc = _skeleton(MANDATE)
    doc["regulation_reference"] = pack.regulation
    return doc


def _skeleton(kind: Kind) -> CommentedMap:
    """Load the skeleton of `kind` (package data), with its comments."""
    name = kind.schema.removesuffix(".schema.json") + ".yaml"
    text = resources.files(__package__).joinpath("skeleton", name).read_text("utf-8")
    tree: CommentedMap = _yaml().load(text)
    return tree


def _expand(
    items: CommentedSeq, at: int, values: Sequence[Any], fill: Callable[[Any, Any], None]
) -> None:
    """Make the template item at `at` (the last of `items`) one item per value, filled by
    `fill`. The first keeps the template's comments; the others are copies without them."""
    assert at == len(items) - 1 and values
    template = items[at]
    pristine = _fresh(template)
    fill(template, values[0])
    for value in values[1:]:
        item = _fresh(pristine)
        fill(item, value)
        items.append(item)


def _fresh(node: Any) -> Any:
    """A copy of `node` without comments, keeping flow style and scalar styles."""
    if isinstance(node, CommentedMap):
        mapping = CommentedMap((key, _fresh(value)) for key, value in node.items())
        if node.fa.flow_style():
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(node, CommentedSeq):
        items = CommentedSeq(_fresh(value) for value in node)
        if node.fa.flow_style():
            items.fa.set_flow_style()
        return items
    return copy.copy(node)


def _flow_list(values: Iterable[Any]) -> CommentedSeq:
    items = CommentedSeq(values)
    items.fa.set_flow_style()
    return items


# -- from an earlier agreement ------------------------------------------------------------------


def _read_source(source: Path) -> LoadedAgreement:
    """Read the agreement to start from, which must be valid (as a draft)."""
    shown = display_path(source)
    if not (source / AGREEMENT_FILE).is_file():
        what = tr("no such folder") if not source.exists() else tr("not an agreement folder")
        hint = tr("an agreement folder holds {file}").format(file=AGREEMENT_FILE)
        raise InputError([Diagnostic(shown, 0, 0, "AG119", f"--from: {what}", hint=hint)])
    loaded, problems = read_agreement(source)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if loaded is None or errors:
        raise InputError(errors)
    return loaded


def _from_source(plan: Plan, loaded: LoadedAgreement, target: Path) -> _Files:
    pack = load_pack(plan.template_pack or newest_pack())
    agreement = loaded.agreement
    parties = tuple(PartySpec(p.id, p.kind, p.name) for p in agreement.parties)
    chosen = [
        key
        for key in FocusAreaKey
        if (area := getattr(agreement.sections.focus_areas, key.value)) is not None and area.chosen
    ]
    files = _Files()
    files.trees[AGREEMENT_FILE] = _next_agreement(loaded.source, plan, pack)
    if agreement.templates is not None:
        _own_templates(files, loaded.folder, target)
    sources = {document.name: document for document in loaded.documents}
    by_area = {
        document.source.data.get("area"): document.name
        for document in loaded.documents
        if document.kind == SUB_AGREEMENT
    }
    for name, document in sorted(sources.items()):
        if document.kind == SUB_AGREEMENT:
            files.trees[name] = _next_sub_agreement(document.source)
    for key in chosen:
        if key.value not in by_area:
            files.trees[_file_of(SUB_AGREEMENT, key)] = _new_sub_agreement(key, parties, pack)
    for kind in SINGLE_DOCUMENTS:
        found = sources.get(kind.pattern)
        if kind is MILESTONES:
            files.trees[kind.pattern] = _skeleton(MILESTONES)
        elif found is None and kind is BUDGET:
            files.trees[kind.pattern] = _new_budget(plan.start, plan.end, parties, chosen)
        elif found is None and kind is MANDATE:
            files.trees[kind.pattern] = _new_mandate(pack)
        elif found is None:
            files.trees[kind.pattern] = _skeleton(kind)
        elif kind is BUDGET:
            files.trees[kind.pattern] = _next_budget(found.source, plan)
        else:
            files.trees[kind.pattern] = _next_document(found.source)
    for source in loaded.sources.values():
        for image in _images(source.data):
            _copy_image(files, loaded.folder, image)
    return files


def _load(source: Source) -> CommentedMap:
    """The round-trip tree of a file that loaded and validated, with its comments."""
    tree: CommentedMap = _yaml().load(source.text)
    return tree


def _next_agreement(source: Source, plan: Plan, pack: Pack) -> CommentedMap:
    doc = _load(source)
    doc["template_pack"] = pack.id.value
    if plan.area_name is not None:
        doc["area_name"] = plan.area_name
    doc["period"]["start"] = plan.start
    doc["period"]["end"] = plan.end
    placeholder = _skeleton(AGREEMENT)["parties"][0]["signatory"]
    for party in doc["parties"]:
        signatory = party.get("signatory")
        if isinstance(signatory, CommentedMap):
            for key in ("name", "title"):
                _put(signatory, key, placeholder[key], list(Signatory.model_fields))
            _delete(signatory, "date")
        else:
            fresh = CommentedMap((key, placeholder[key]) for key in ("name", "title"))
            _put(party, "signatory", fresh, list(Party.model_fields))
    for baseline in doc["sections"]["goals"].get("baselines", []):
        for key in ("area", "comparison", "year", "not_available"):
            _delete(baseline, key)
    return doc


def _own_templates(files: _Files, folder: Path, target: Path) -> None:
    """Keep the source's own templates: a folder inside the source folder is copied (its
    files, not links), one outside it is named from the new folder."""
    doc = files.trees[AGREEMENT_FILE]
    home = _absolute(folder)
    where = Path(os.path.normpath(home / str(doc["templates"])))
    if not where.is_relative_to(home):
        relative = os.path.relpath(where, _absolute(target))
        doc["templates"] = PurePath(relative).as_posix()
        return
    inside = PurePath(where.relative_to(home))
    with contextlib.suppress(OSError):
        for path in sorted(where.iterdir()):
            if path.is_file() and not path.is_symlink():
                files.copies.setdefault((inside / path.name).as_posix(), path)


def _next_sub_agreement(source: Source) -> CommentedMap:
    doc = _load(source)
    _delete(doc, "updated")
    _delete(doc, "period")
    for activity in doc.get("activities", []):
        _delete(activity, "period")
    return doc


def _next_budget(source: Source, plan: Plan) -> CommentedMap:
    doc = _load(source)
    placeholder = _skeleton(BUDGET)["price_level"]
    _put(doc, "price_level", placeholder, list(Budget.model_fields))
    for line in doc["lines"]:
        payers: dict[str, None] = {}
        for by_payer in line["amounts"].values():
            payers.update(dict.fromkeys(str(payer) for payer in by_payer))
        _replace(line, "amounts", _zero_amounts(plan.start, plan.end, list(payers) or [LBF]))
    return doc


def _next_document(source: Source) -> CommentedMap:
    """The contingency plan or the board mandate, without the board's approval."""
    doc = _load(source)
    _delete(doc, "approved_by_board")
    _delete(doc, "approved")
    return doc


def _images(data: Any) -> Iterator[str]:
    """The image of every figure in a document's plain data."""
    if isinstance(data, dict):
        figure = data.get("figure")
        if isinstance(figure, dict) and isinstance(figure.get("image"), str):
            yield figure["image"]
        for value in data.values():
            yield from _images(value)
    elif isinstance(data, list):
        for value in data:
            yield from _images(value)


def _copy_image(files: _Files, folder: Path, image: str) -> None:
    """Copy a figure's image to the same place in the new folder, when it lies inside the
    source folder under a relative name (validation has checked it is a readable picture)."""
    relative = PurePath(os.path.normpath(image))
    if relative.is_absolute() or relative.parts[:1] == ("..",):
        return
    try:
        original = confined(folder / relative, folder)
    except Outside:
        return
    if original.is_file():
        files.copies.setdefault(relative.as_posix(), original)


# -- comments that stay where they belong ---------------------------------------------------------
# ruamel keeps the comment lines below an entry with the last scalar of that entry (at any
# depth), whatever they describe; they are above the next entry, and belong to it. So deleting
# or replacing an entry moves those lines to the entry before it (or to the new value).


def _tail(node: Any, key: Any) -> tuple[Any, Any, int]:
    """Return where the comment after entry `key` of `node` is kept: the holder, its key and
    the index in its comment slot."""
    value = node[key]
    if isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        last = next(reversed(value)) if isinstance(value, CommentedMap) else len(value) - 1
        return _tail(value, last)
    return node, key, 2 if isinstance(node, CommentedMap) else 0


def _take_tail(node: Any, key: Any) -> str:
    """Remove and return the comment lines below entry `key`; its end-of-line comment stays."""
    holder, at, index = _tail(node, key)
    slot = holder.ca.items.get(at)
    token = slot[index] if slot is not None and len(slot) > index else None
    if token is None:
        return ""
    own, _, below = token.value.partition("\n")
    if own.strip():
        token.value = own + "\n"
    else:
        slot[index] = None
    return str(below)


def _give_tail(node: Any, key: Any, lines: str) -> None:
    """Put comment lines below entry `key` of `node`."""
    if not lines:
        return
    holder, at, index = _tail(node, key)
    size = 4 if isinstance(holder, CommentedMap) else 2
    slot = holder.ca.items.setdefault(at, [None] * size)
    if slot[index] is None:
        slot[index] = CommentToken("\n" + lines, CommentMark(0))
    else:
        slot[index].value += lines


def _delete(node: CommentedMap, key: str) -> None:
    """Delete entry `key` with its comments: those above it, its end-of-line comment and those
    below it indented deeper than it (which close it). The lines below that belong to what
    follows move up to the entry before it."""
    if key not in node:
        return
    keys = list(node)
    index = keys.index(key)
    below = _take_tail(node, key)
    below = below[len(_closing(below, node, key)) :]
    if index > 0:
        before = keys[index - 1]
        above = _take_tail(node, before)
        _give_tail(node, before, _closing(above, node, key) + below)
    del node[key]


def _closing(lines: str, node: CommentedMap, key: str) -> str:
    """The first of comment `lines` that close the entry above `key`, as fmt reads them."""
    try:
        column = node.lc.key(key)[1]
    except (AttributeError, KeyError, TypeError):
        return ""
    split = lines.splitlines(keepends=True)
    return "".join(split[: closing_comments(split, column)])


def _replace(node: CommentedMap, key: str, value: Any) -> None:
    """Set entry `key` to `value`, keeping the comment lines below it."""
    below = _take_tail(node, key)
    node[key] = value
    _give_tail(node, key, below)


def _put(node: CommentedMap, key: str, value: Any, fields: list[str]) -> None:
    """Set entry `key` to `value`, adding it where the model's field order puts it."""
    if key in node:
        _replace(node, key, value)
        return
    rank = {name: index for index, name in enumerate(fields)}
    keys = list(node)
    index = sum(1 for k in keys if rank.get(str(k), len(rank)) < rank[key])
    if index == 0:
        node.insert(0, key, value)
        return
    before = keys[index - 1]
    below = _take_tail(node, before)
    node.insert(index, key, value)
    _give_tail(node, key, below)


# -- YAML text ----------------------------------------------------------------------------------


def _yaml() -> YAML:
    """Round-trip YAML, written in fmt's canonical layout: 2-space indentation with lists
    indented under their key, no line wrapping, quotes and flow style as written."""
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.brace_single_entry_mapping_in_flow_sequence = True
    return yaml


def _dump(tree: Any) -> str:
    out = io.StringIO()
    _yaml().dump(tree, out)
    return out.getvalue()


def _set_modelines(files: _Files, target: Path) -> None:
    schema = _schema_folder(target)
    for name, tree in files.trees.items():
        kind = _kind_of(name)
        where = PurePath(name).parent
        if schema is not None:
            place = _absolute(target) / where
            path = PurePath(os.path.relpath(schema / kind.schema, place)).as_posix()
        else:
            path = "../" * (len(where.parts) + 2) + f"schema/{kind.schema}"
        _set_modeline(tree, MODELINE + path)


def _absolute(path: Path) -> Path:
    """The absolute path with '..' and '.' removed as text, no link followed."""
    return Path(os.path.normpath(path.absolute()))


def _kind_of(name: str) -> Kind:
    if name == AGREEMENT_FILE:
        return AGREEMENT
    if name.startswith(SUB_AGREEMENT.pattern.partition("*")[0]):
        return SUB_AGREEMENT
    return next(kind for kind in SINGLE_DOCUMENTS if kind.pattern == name)


def _schema_folder(target: Path) -> Path | None:
    """The schema/ folder of the project the new folder is in: the nearest folder above it
    that holds schema/agreement.schema.json."""
    for folder in _absolute(target).parents:
        schema = folder / "schema"
        if (schema / AGREEMENT.schema).is_file():
            return schema
    return None


def _set_modeline(tree: CommentedMap, line: str) -> None:
    """Make `line` the first line of the file, in place of a modeline there."""
    token = CommentToken(line + "\n", CommentMark(0))
    if tree.ca.comment is None:
        tree.ca.comment = [None, [token]]
        return
    while len(tree.ca.comment) < 2:
        tree.ca.comment.append(None)
    start = tree.ca.comment[1] or []
    if start and start[0].value.startswith(MODELINE):
        start[0].value = token.value
    else:
        start.insert(0, token)
    tree.ca.comment[1] = start
