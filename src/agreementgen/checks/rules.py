"""Checks stage, across documents: LBF's rules (docs/lbf.md §17.2), each one named.

A rule is E (an error in a final, upload-ready build; a warning in a draft) or W (a warning in
both). Each rule is a small function yielding diagnostics; `run_rules` sets their code and
severity from the rule, so a rule only says where and what.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Sequence, Set
from dataclasses import dataclass, replace
from typing import Literal

from agreementgen.checks.agreement import Context
from agreementgen.errors import Diagnostic, Note, Severity
from agreementgen.kinds.base import Kind
from agreementgen.language import tr
from agreementgen.source.folder import LoadedAgreement
from agreementgen.source.model import FocusAreaKey, PartyKind, TextBlock
from agreementgen.source.packs import rules_weighed_by_pack

Check = Callable[[LoadedAgreement, Context], Iterator[Diagnostic]]
LBF_PERIOD_MONTHS = 48


@dataclass(frozen=True)
class Rule:
    """One named rule: its code, its level, what it says, and LBF's rule number if any."""

    code: str
    level: Literal["E", "W"]
    summary: str
    check: Check
    lbf: int | None = None


def run_rules(
    loaded: LoadedAgreement,
    ctx: Context,
    *,
    final: bool,
    rules: Sequence[Rule] | None = None,
) -> list[Diagnostic]:
    """Run `rules` (default: every rule); E rules give errors when `final`, everything else
    warnings. A rule's level is the template pack's where the pack weighs it otherwise, and
    then a note at `template_pack`, under its first diagnostic, says which pack's applies."""
    found = []
    for rule in all_rules() if rules is None else rules:
        level = ctx.pack.rule_level(rule.code, rule.level)
        severity = Severity.ERROR if final and level == "E" else Severity.WARNING
        said = [replace(d, code=rule.code, severity=severity) for d in rule.check(loaded, ctx)]
        if said and rule.code in rules_weighed_by_pack():
            # Once, under the rule's first diagnostic: nine missing baselines need one note.
            said[0] = replace(said[0], notes=said[0].notes + _pack_note(ctx, level))
        found += said
    return found


def _pack_note(ctx: Context, level: Literal["E", "W"]) -> tuple[Note, ...]:
    where = ctx.at(("template_pack",), "", "")
    if level == "E":
        message = tr("template pack {pack}: required in a final build (--final)")
    else:
        message = tr("template pack {pack}: not required: a warning, even with --final")
    return (Note(where.path, where.line, where.col, message.format(pack=ctx.pack.id.value)),)


# -- the agreement ----------------------------------------------------------------------------


def document_missing(
    loaded: LoadedAgreement, ctx: Context, kind: Kind, name: str
) -> Diagnostic | None:
    """Say that a document LBF wants is missing from the folder, if it is."""
    if any(document.kind == kind for document in loaded.documents):
        return None
    return ctx.at(
        (),
        "",
        tr("there is no {name}").format(name=tr(name)),
        hint=tr("add {file} beside agreement.yaml").format(file=kind.pattern),
    )


def parties_sign(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """At least one housing organisation and exactly one municipality sign."""
    kinds = [p.kind for p in loaded.agreement.parties]
    if PartyKind.HOUSING_ORGANISATION not in kinds:
        yield ctx.at(("parties",), "", tr("no party is a housing organisation"))
    if kinds.count(PartyKind.MUNICIPALITY) != 1:
        yield ctx.at(
            ("parties",),
            "",
            tr("the parties hold {count} municipalities, not one").format(
                count=kinds.count(PartyKind.MUNICIPALITY)
            ),
        )


def signatories_named(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Each party names who signs; otherwise the name is written by hand under the line.

    lbf.md makes this an error; but the LBF template leaves 'Navn' blank for the signatory to
    fill in at signing (the Viborg agreement does), so agreementgen only warns.
    """
    for i, party in enumerate(loaded.agreement.parties):
        missing = [
            label
            for label, value in (("name", party.signatory.name), ("title", party.signatory.title))
            if not value
        ]
        if missing:
            yield ctx.at(
                ("parties", i, "signatory"),
                "",
                f"{party.name}: the signatory's {' and '.join(missing)} "
                f"{'are' if len(missing) > 1 else 'is'} missing",
                hint="fill in signatory.name and signatory.title, or write them at signing",
            )


def period_is_four_years(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """LBF plans run four years ('4-årige indsatser')."""
    period = loaded.agreement.period
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
    months += 1 if period.end.day >= period.start.day - 1 else 0
    if months != LBF_PERIOD_MONTHS:
        yield ctx.at(
            ("period",),
            "",
            tr("the period is {months} months; LBF plans run {lbf}").format(
                months=months, lbf=LBF_PERIOD_MONTHS
            ),
        )


def police_on_board(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A police or other party that signs is usually on the board too."""
    board = loaded.agreement.board
    members = {m.party for m in board.members} if board else set()
    for i, party in enumerate(loaded.agreement.parties):
        if party.kind in (PartyKind.POLICE, PartyKind.OTHER) and party.id not in members:
            yield ctx.at(
                ("parties", i),
                "",
                tr("{party} signs but has no seat on the board").format(party=party.name),
            )


def _has_data(blocks: object) -> bool:
    texts = [b.text for b in blocks if isinstance(b, TextBlock)]  # type: ignore[attr-defined]
    tables = [b for b in blocks if not isinstance(b, TextBlock)]  # type: ignore[attr-defined]
    return bool(tables) or any(re.search(r"\d", text) for text in texts)


def problem_complex_has_data(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A chosen area's problem complex is 'konkret og dataunderbygget'."""
    areas = loaded.agreement.sections.focus_areas
    for key in FocusAreaKey:
        area = getattr(areas, key.value)
        if area is not None and area.chosen and not _has_data(area.problem_complex):
            yield ctx.at(
                ("sections", "focus_areas", key.value, "problem_complex"),
                "",
                tr("the problem complex of {area} has no figures or data").format(
                    area=ctx.pack.area(key).name
                ),
                hint=tr("LBF asks for a description that is 'konkret og dataunderbygget'"),
            )


def unchosen_area_is_carried(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """An area described but not chosen says which chosen areas carry it (Viborg's pattern)."""
    areas = loaded.agreement.sections.focus_areas
    for key in FocusAreaKey:
        area = getattr(areas, key.value)
        if area is not None and not area.chosen and not area.cross_cutting_in:
            yield ctx.at(
                ("sections", "focus_areas", key.value, "chosen"),
                "",
                f"{ctx.pack.area(key).name} is described but not chosen, and no chosen area "
                "carries it",
                hint="list the chosen areas that carry it in cross_cutting_in",
            )


def baselines_complete(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Every indicator has a baseline value or a reason there is none."""
    given = {b.indicator: b for b in loaded.agreement.sections.goals.baselines}
    for number, (_, indicator) in ctx.pack.indicators.items():
        baseline = given.get(number)
        if baseline is None or not (baseline.area or baseline.not_available):
            yield ctx.at(
                ("sections", "goals", "baselines"),
                "",
                tr("indicator {number} ({text}) has no baseline").format(
                    number=number, text=indicator.text
                ),
                hint=tr("give its values, or not_available with the reason"),
            )


def baseline_years(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """The 2023 template has a Baselineår column: every baseline with values names its year."""
    if "year" not in ctx.pack.columns:
        return
    for i, baseline in enumerate(loaded.agreement.sections.goals.baselines):
        if baseline.area and baseline.year is None:
            yield ctx.at(
                ("sections", "goals", "baselines", i),
                "",
                tr("the baseline of indicator {number} has no year").format(
                    number=baseline.indicator
                ),
                hint=tr("{pack} has a 'Baselineår' column").format(pack=ctx.pack.id.value),
            )


def board_exists(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Section 3 needs the board, and the organisation diagram is drawn from it."""
    if loaded.agreement.board is None:
        yield ctx.at(
            (),
            "",
            "there is no board: section 3 and the organisation diagram need one",
            hint="add board: with members, secretariat and tasks",
        )


def board_represents_parties(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """The board has a member from the municipality and from each housing organisation."""
    board = loaded.agreement.board
    if board is None:
        return
    seated = {m.party for m in board.members}
    for i, party in enumerate(loaded.agreement.parties):
        needed = party.kind in (PartyKind.MUNICIPALITY, PartyKind.HOUSING_ORGANISATION)
        if needed and party.id not in seated:
            yield ctx.at(
                ("board", "members"),
                "",
                tr("the board has no member from {party}").format(party=party.name),
                notes=(
                    ctx.note(("parties", i), tr("{party} is a party").format(party=party.name)),
                ),
                hint="LBF: the top management of the municipality and of each housing "
                "organisation sits on the board",
            )


_MANAGEMENT = re.compile(r"direkt|chef|formand|leder", re.IGNORECASE)


def board_members_are_management(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Members should be top administrative management (a heuristic on the role)."""
    board = loaded.agreement.board
    for i, member in enumerate(board.members if board else ()):
        if not _MANAGEMENT.search(member.role):
            yield ctx.at(
                ("board", "members", i, "role"),
                "",
                tr("{role!r} does not read as top management (direktør, chef)").format(
                    role=member.role
                ),
            )


def board_has_subgroups(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """The template says a steering or follow-up group 'bør' be set up under the board."""
    board = loaded.agreement.board
    if board is not None and not board.subgroups:
        yield ctx.at(("board",), "", tr("no group is set up under the board"), key=True)


def signed(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Signature dates are filled in at signing; until then the agreement is not signed."""
    unsigned = [p.name for p in loaded.agreement.parties if p.signatory.date is None]
    if unsigned:
        yield ctx.at(
            ("parties",), "", tr("not signed yet by {parties}").format(parties=", ".join(unsigned))
        )


# -- output hygiene: what must not reach LBF ------------------------------------------------

# Text from LBF's template that an applicant is meant to replace or delete (lbf.md §15).
PLACEHOLDERS = re.compile(
    r"Boligorganisation [A-Z]\b|Kommune XX|\(Navn på boligorganisation|"
    r"Vejledende tekst er fremhævet med grønt|\[indsæt|\bXX\b|\bTODO\b",
    re.IGNORECASE,
)


def _strings(
    data: object, loc: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*loc, index))
    elif isinstance(data, str):
        yield loc, data


def no_placeholders(_loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """No placeholder or guidance text of LBF's template is left in any document."""
    for source in ctx.sources.values():
        for loc, text in _strings(source.data):
            for match in PLACEHOLDERS.finditer(text):
                line, col = source.text_position(loc, match.start())
                yield Diagnostic(
                    source.display,
                    line,
                    col,
                    "",
                    tr("template placeholder {text!r} left in the text").format(
                        text=match.group(0)
                    ),
                    hint=tr("replace it with the real name or text, or delete it"),
                )


def not_an_example(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """An agreement marked `example: true` (agreements/example) holds fictitious content."""
    if loaded.agreement.example:
        yield ctx.at(
            ("example",),
            "",
            tr("the agreement is marked as an example: its content is fictitious"),
            hint=tr("delete `example: true` when the content is real"),
            key=True,
        )


AGREEMENT_RULES = (
    Rule("AG201", "E", "the parties are a housing organisation or more and one municipality",
         parties_sign, 1),
    Rule("AG213", "W", "each party names its signatory (name and title)", signatories_named, 1),
    Rule("AG202", "W", "a police or other party that signs has a seat on the board",
         police_on_board, 4),
    Rule("AG203", "W", "the period is 48 months", period_is_four_years, 5),
    Rule("AG204", "W", "a chosen area's problem complex cites figures or data",
         problem_complex_has_data, 10),
    Rule("AG205", "W", "an area described but not chosen says which areas carry it",
         unchosen_area_is_carried, 11),
    Rule("AG206", "E", "every indicator has a baseline or a reason it is not available",
         baselines_complete, 16),
    Rule("AG207", "E", "with the 2023 template every baseline names its year",
         baseline_years, 17),
    Rule("AG208", "E", "there is a board (section 3, organisation diagram)", board_exists, 24),
    Rule("AG209", "E", "the board seats the municipality and every housing organisation",
         board_represents_parties, 26),
    Rule("AG210", "W", "board members are top management", board_members_are_management, 26),
    Rule("AG211", "W", "a steering or follow-up group is set up under the board",
         board_has_subgroups, 28),
    Rule("AG212", "W", "every party has signed (signature dates)", signed, 36),
    Rule("AG270", "E", "no placeholder or guidance text of LBF's template is left",
         no_placeholders, 33),
    Rule("AG272", "E", "the agreement is not marked as an example (fictitious content)",
         not_an_example),
)  # fmt: skip


def all_rules() -> tuple[Rule, ...]:
    """Every rule: the agreement's, then each document kind's (its package's rules.RULES)."""
    return rules_reading(set())


def rules_reading(failed: Set[str]) -> tuple[Rule, ...]:
    """The rules that read none of the kinds of document in `failed` (by key): every rule
    of the agreement, and each other kind's unless a file of that kind, or of a kind it
    reads, failed to load. A rule that read a failed file would take it for a missing one."""
    from agreementgen.kinds import KINDS

    found = list(AGREEMENT_RULES)
    for kind in KINDS[1:]:
        if failed.isdisjoint((kind.key, *kind.reads)):
            found += importlib.import_module(kind.rules).RULES
    return tuple(found)
