"""Rules for the delaftaler: one per chosen area, goals and activities that hold together."""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import PurePosixPath

from agreementgen.checks.agreement import Context, Loc
from agreementgen.checks.rules import Rule
from agreementgen.errors import Diagnostic, suggestion
from agreementgen.kinds.sub_agreement import KIND as SUB_AGREEMENT
from agreementgen.kinds.sub_agreement.model import PartPeriod, SubAgreement
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.source.model import FocusAreaKey
from agreementgen.source.names import ID

_FOLDER = PurePosixPath(SUB_AGREEMENT.pattern).parent


def _sub_agreements(loaded: LoadedAgreement) -> Iterator[tuple[LoadedDocument, SubAgreement]]:
    return loaded.of_kind(SUB_AGREEMENT, SubAgreement)


def _stem(document: LoadedDocument) -> str:
    return PurePosixPath(document.name).stem


def _area_loc(key: FocusAreaKey) -> Loc:
    return ("sections", "focus_areas", key.value)


def _did_you_mean(ident: str, known: Sequence[str], what: str) -> str:
    return suggestion(ident, known, f"known {what} ids: {', '.join(known)}") if known else ""


# -- rule 9: one delaftale per chosen area ----------------------------------------------------


def one_per_chosen_area(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Every chosen area has exactly one delaftale; an area not chosen has none."""
    areas = loaded.agreement.sections.focus_areas
    first: dict[FocusAreaKey, LoadedDocument] = {}
    # Of two delaftaler for one area, the one in the file named after it is the first.
    found = sorted(_sub_agreements(loaded), key=lambda d: _stem(d[0]) != d[1].area.value)
    for document, sub in found:
        name = ctx.pack.area(sub.area).name
        area = getattr(areas, sub.area.value)
        if sub.area in first:
            yield ctx.at(
                ("area",),
                "",
                f"a second delaftale for {name}",
                file=document.name,
                notes=(ctx.note(("area",), "the first one", file=first[sub.area].name),),
                hint="there is one delaftale per chosen focus area",
            )
            continue
        first[sub.area] = document
        if area is None:
            note = ctx.note(("sections", "focus_areas"), f"{name} is not described here")
            hint = f"add {sub.area.value} with chosen: true and its problem complex"
        elif not area.chosen:
            note = ctx.note((*_area_loc(sub.area), "chosen"), f"{name} is not chosen here")
            hint = f"set chosen: true for {sub.area.value}"
        else:
            continue
        yield ctx.at(
            ("area",),
            "",
            f"a delaftale for {name}, which is not a chosen focus area",
            file=document.name,
            notes=(note,),
            hint=f"{hint} in agreement.yaml, or delete the delaftale",
        )
    for key in FocusAreaKey:
        area = getattr(areas, key.value)
        if area is not None and area.chosen and key not in first:
            yield ctx.at(
                (*_area_loc(key), "chosen"),
                "",
                f"{ctx.pack.area(key).name} is chosen but has no delaftale",
                hint=f"add {_FOLDER}/{key.value}.yaml",
            )


def area_matches_file_name(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A delaftale lives in sub-agreements/<its area>.yaml."""
    keys = [k.value for k in FocusAreaKey]
    for document, sub in _sub_agreements(loaded):
        stem = _stem(document)
        if stem == sub.area.value:
            continue
        expected = f"{_FOLDER}/{sub.area.value}.yaml"
        if stem in keys:
            message = f"area {sub.area.value!r} does not match the file name {stem!r}"
            hint = f"rename the file to {expected}, or set area: {stem}"
        else:
            message = f"the file name {stem!r} is not a focus area"
            hint = f"rename the file to {expected}"
        yield ctx.at(("area",), "", message, file=document.name, hint=hint)


# -- rule 12: sub-goals and activities ----------------------------------------------------


def has_goals_and_activities(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A delaftale has at least one sub-goal and one activity."""
    for document, sub in _sub_agreements(loaded):
        name = ctx.pack.area(sub.area).name
        if not sub.sub_goals:
            yield ctx.at(
                ("sub_goals",),
                "",
                f"the delaftale for {name} has no sub-goals (delmål)",
                file=document.name,
                key=True,
                hint="add sub_goals: with id, text and the indicators each points toward",
            )
        if not sub.activities:
            yield ctx.at(
                ("activities",),
                "",
                f"the delaftale for {name} has no activities",
                file=document.name,
                key=True,
                hint="add activities: with id, name, description, responsible and sub_goals",
            )


def activities_serve_sub_goals(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Every activity names at least one sub-goal of its own delaftale, and only those."""
    for document, sub in _sub_agreements(loaded):
        goals = [g.id for g in sub.sub_goals]
        for i, activity in enumerate(sub.activities):
            if not activity.sub_goals:
                yield ctx.at(
                    ("activities", i),
                    "",
                    f"activity {activity.id!r} serves no sub-goal",
                    file=document.name,
                    hint="list the ids of the sub-goals it serves in sub_goals",
                )
            for j, goal in enumerate(activity.sub_goals):
                if goal not in goals:
                    yield ctx.at(
                        ("activities", i, "sub_goals", j),
                        "",
                        f"activity {activity.id!r} serves unknown sub-goal {goal!r}",
                        file=document.name,
                        hint=_did_you_mean(goal, goals, "sub-goal"),
                    )


# -- ids inside a delaftale ---------------------------------------------------------------


def _duplicates(
    items: Iterable[tuple[Loc, str]], what: str, document: LoadedDocument, ctx: Context
) -> Iterator[Diagnostic]:
    seen: dict[str, Loc] = {}
    for loc, ident in items:
        if ident in seen:
            line, _ = document.source.position(seen[ident])
            yield ctx.at(
                loc,
                "",
                f"duplicate {what} id {ident!r}",
                file=document.name,
                hint=f"first used on line {line}",
            )
        else:
            seen[ident] = loc


def ids_resolve(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Ids are unique within a delaftale (activity ids across them all), and a partner
    written as an id names a party of its delaftale."""
    elsewhere: dict[str, tuple[LoadedDocument, int]] = {}
    for document, sub in _sub_agreements(loaded):
        for what, key, ids in (
            ("party", "parties", [p.id for p in sub.parties]),
            ("sub-goal", "sub_goals", [g.id for g in sub.sub_goals]),
            ("activity", "activities", [a.id for a in sub.activities]),
        ):
            found = (((key, i, "id"), ident) for i, ident in enumerate(ids))
            yield from _duplicates(found, what, document, ctx)
        for i, activity in enumerate(sub.activities):
            # The budget and the milestone plan refer to an activity by its id alone.
            other = elsewhere.setdefault(activity.id, (document, i))
            if other[0] is not document:
                yield ctx.at(
                    ("activities", i, "id"),
                    "",
                    f"activity id {activity.id!r} is also used in another delaftale",
                    file=document.name,
                    notes=(ctx.note(("activities", other[1], "id"), "here", file=other[0].name),),
                    hint="the budget and the milestone plan refer to activities by id: "
                    "give each its own",
                )
        known = [p.id for p in sub.parties]
        for i, activity in enumerate(sub.activities):
            for j, partner in enumerate(activity.partners):
                if partner in known or not ID.match(partner):
                    continue
                close = difflib.get_close_matches(partner, known, n=1)
                # 'frivillige' is a partner written as text; 'jobcenter-vibrog' a mistyped id.
                if "-" in partner or close:
                    hint = f"did you mean {close[0]!r}? " if close else ""
                    yield ctx.at(
                        ("activities", i, "partners", j),
                        "",
                        f"partner {partner!r} is not a party of this delaftale",
                        file=document.name,
                        hint=hint + "partners are ids from parties, or text with capitals "
                        "or spaces, e.g. 'Lokale virksomheder'",
                    )


# -- rule 2: references to the agreement's parties ----------------------------------------


def parties_resolve(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Responsible parties, roles and the delaftale's parties name parties of the agreement."""
    known = [p.id for p in loaded.agreement.parties]
    note = ctx.note(("parties",), "the agreement's parties")
    for document, sub in _sub_agreements(loaded):
        refs: list[tuple[Loc, str | None]] = [
            *(
                (("activities", i, "responsible"), a.responsible)
                for i, a in enumerate(sub.activities)
            ),
            *((("roles", i, "party"), r.party) for i, r in enumerate(sub.roles)),
            *((("parties", i, "party"), p.party) for i, p in enumerate(sub.parties)),
        ]
        for loc, ident in refs:
            if ident is not None and ident not in known:
                yield ctx.at(
                    loc,
                    "",
                    f"unknown party {ident!r}",
                    file=document.name,
                    notes=(note,),
                    hint=_did_you_mean(ident, known, "party"),
                )


# -- rule 13: sub-goals point toward the fixed indicators ---------------------------------


def indicators_exist(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A sub-goal names indicators of the agreement's template pack only."""
    indicators = ctx.pack.indicators
    for document, sub in _sub_agreements(loaded):
        for i, goal in enumerate(sub.sub_goals):
            for j, number in enumerate(goal.indicators):
                if number not in indicators:
                    yield ctx.at(
                        ("sub_goals", i, "indicators", j),
                        "",
                        f"sub-goal {goal.id!r} names indicator {number}, which the template "
                        "pack does not have",
                        file=document.name,
                        notes=(ctx.note(("template_pack",), f"template pack {ctx.pack.id.value}"),),
                        hint=f"the pack has indicators 1-{max(indicators)}",
                    )


def carried_areas(loaded: LoadedAgreement, key: FocusAreaKey) -> set[FocusAreaKey]:
    """Return `key` and the areas not chosen that the agreement says `key` carries."""
    areas = loaded.agreement.sections.focus_areas
    carried = {key}
    for other in FocusAreaKey:
        area = getattr(areas, other.value)
        if area is not None and not area.chosen and key in area.cross_cutting_in:
            carried.add(other)
    return carried


def sub_goals_point_to_area(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A sub-goal points toward an indicator of its area, or of an area its area carries."""
    indicators = ctx.pack.indicators
    for document, sub in _sub_agreements(loaded):
        areas = carried_areas(loaded, sub.area)
        own = ", ".join(str(n) for n, (a, _) in indicators.items() if a.key in areas)
        names = " and ".join(ctx.pack.area(k).name for k in FocusAreaKey if k in areas)
        for i, goal in enumerate(sub.sub_goals):
            known = [n for n in goal.indicators if n in indicators]
            if not goal.indicators:
                yield ctx.at(
                    ("sub_goals", i),
                    "",
                    f"sub-goal {goal.id!r} points toward no indicator",
                    file=document.name,
                    hint=f"list the fixed indicators it serves, e.g. indicators: [{own}]",
                )
            elif known and all(indicators[n][0].key not in areas for n in known):
                others = ", ".join(f"{n} ({indicators[n][0].name})" for n in known)
                yield ctx.at(
                    ("sub_goals", i, "indicators"),
                    "",
                    f"sub-goal {goal.id!r} points only toward indicators of other areas: {others}",
                    file=document.name,
                    hint=f"the indicators of {names} are {own}",
                )


# -- rule 14: every responsible party has a role ------------------------------------------


def responsible_have_roles(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A party responsible for an activity has an entry in the roles of its delaftale."""
    names = {p.id: p.name for p in loaded.agreement.parties}
    for document, sub in _sub_agreements(loaded):
        with_role = {r.party for r in sub.roles}
        reported: set[str] = set()
        for i, activity in enumerate(sub.activities):
            party = activity.responsible
            if party in with_role or party in reported or party not in names:
                continue
            reported.add(party)
            yield ctx.at(
                ("activities", i, "responsible"),
                "",
                f"{names[party]} is responsible for {activity.id!r} but has no entry in roles",
                file=document.name,
                hint=f"add its role under roles: with party: {party}",
            )


# -- rule 7: dates inside the agreement period --------------------------------------------


def _outside(period: PartPeriod, start: datetime.date, end: datetime.date) -> bool:
    return bool(
        (period.start and not start <= period.start <= end)
        or (period.end and not start <= period.end <= end)
    )


def within_agreement_period(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """The delaftale and its activities run inside the agreement period."""
    start, end = loaded.agreement.period.start, loaded.agreement.period.end
    note = ctx.note(("period",), "the agreement period")
    for document, sub in _sub_agreements(loaded):
        dated: list[tuple[Loc, str, PartPeriod | None]] = [
            (("period",), "the delaftale", sub.period)
        ]
        dated += [
            (("activities", i, "period"), f"activity {a.id!r}", a.period)
            for i, a in enumerate(sub.activities)
        ]
        for loc, what, period in dated:
            if period is not None and _outside(period, start, end):
                yield ctx.at(
                    loc,
                    "",
                    f"{what} runs from {period.start or start} to {period.end or end}, "
                    f"outside the agreement period {start} to {end}",
                    file=document.name,
                    notes=(note,),
                )


RULES = (
    Rule("AG220", "E", "one delaftale per chosen focus area, none for an area not chosen",
         one_per_chosen_area, 9),
    Rule("AG221", "E", "a delaftale's file is named after its focus area",
         area_matches_file_name, 9),
    Rule("AG222", "E", "a delaftale has at least one sub-goal and one activity",
         has_goals_and_activities, 12),
    Rule("AG223", "E", "every activity serves a sub-goal of its own delaftale",
         activities_serve_sub_goals, 12),
    Rule("AG224", "E", "ids are unique (activity ids across all delaftaler); partners name parties",
         ids_resolve, 2),
    Rule("AG225", "E", "activities, roles and delaftale parties name agreement parties",
         parties_resolve, 2),
    Rule("AG226", "E", "sub-goals name indicators the template pack has", indicators_exist, 15),
    Rule("AG227", "W", "every sub-goal points toward an indicator of its own area",
         sub_goals_point_to_area, 13),
    Rule("AG228", "W", "every party responsible for an activity has a role",
         responsible_have_roles, 14),
    Rule("AG229", "W", "a delaftale and its activities lie inside the agreement period",
         within_agreement_period, 7),
)  # fmt: skip
