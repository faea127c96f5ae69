"""Rules for the delaftaler: one per chosen area, goals and activities that hold together."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from agreementgen.checks.agreement import Context, Loc
from agreementgen.checks.rules import Rule
from agreementgen.errors import Diagnostic
from agreementgen.kinds.sub_agreement import KIND as SUB_AGREEMENT
from agreementgen.kinds.sub_agreement.model import PartPeriod, SubAgreement
from agreementgen.language import N_, tr
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.source.model import FocusAreaKey

_FOLDER = PurePosixPath(SUB_AGREEMENT.pattern).parent


def _sub_agreements(loaded: LoadedAgreement) -> Iterator[tuple[LoadedDocument, SubAgreement]]:
    return loaded.of_kind(SUB_AGREEMENT, SubAgreement)


def _stem(document: LoadedDocument) -> str:
    return PurePosixPath(document.name).stem


def _area_loc(key: FocusAreaKey) -> Loc:
    return ("sections", "focus_areas", key.value)


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
                tr("a second delaftale for {area}").format(area=name),
                file=document.name,
                notes=(ctx.note(("area",), tr("the first one"), file=first[sub.area].name),),
                hint=tr("there is one delaftale per chosen focus area"),
            )
            continue
        first[sub.area] = document
        if area is None:
            note = ctx.note(
                ("sections", "focus_areas"), tr("{area} is not described here").format(area=name)
            )
            hint = tr(
                "add {key} with chosen: true and its problem complex in agreement.yaml, "
                "or delete the delaftale"
            )
        elif not area.chosen:
            note = ctx.note(
                (*_area_loc(sub.area), "chosen"), tr("{area} is not chosen here").format(area=name)
            )
            hint = tr("set chosen: true for {key} in agreement.yaml, or delete the delaftale")
        else:
            continue
        yield ctx.at(
            ("area",),
            "",
            tr("a delaftale for {area}, which is not a chosen focus area").format(area=name),
            file=document.name,
            notes=(note,),
            hint=hint.format(key=sub.area.value),
        )
    for key in FocusAreaKey:
        area = getattr(areas, key.value)
        if area is not None and area.chosen and key not in first:
            yield ctx.at(
                (*_area_loc(key), "chosen"),
                "",
                tr("{area} is chosen but has no delaftale").format(area=ctx.pack.area(key).name),
                hint=tr("add {file}").format(file=f"{_FOLDER}/{key.value}.yaml"),
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
            message = tr("area {area!r} does not match the file name {stem!r}").format(
                area=sub.area.value, stem=stem
            )
            hint = tr("rename the file to {file}, or set area: {stem}").format(
                file=expected, stem=stem
            )
        else:
            message = tr("the file name {stem!r} is not a focus area").format(stem=stem)
            hint = tr("rename the file to {file}").format(file=expected)
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
                tr("the delaftale for {area} has no sub-goals (delmål)").format(area=name),
                file=document.name,
                key=True,
                hint=tr("add sub_goals: with id, text and the indicators each points toward"),
            )
        if not sub.activities:
            yield ctx.at(
                ("activities",),
                "",
                tr("the delaftale for {area} has no activities").format(area=name),
                file=document.name,
                key=True,
                hint=tr("add activities: with id, name, description, responsible and sub_goals"),
            )


def activities_serve_sub_goals(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Every activity names at least one sub-goal (that it names sub-goals of its own
    delaftale is checked with every reference, in checks.dangling)."""
    for document, sub in _sub_agreements(loaded):
        for i, activity in enumerate(sub.activities):
            if not activity.sub_goals:
                yield ctx.at(
                    ("activities", i),
                    "",
                    tr("activity {activity!r} serves no sub-goal").format(activity=activity.id),
                    file=document.name,
                    hint=tr("list the ids of the sub-goals it serves in sub_goals"),
                )


# -- ids inside a delaftale ---------------------------------------------------------------


def _duplicates(
    items: Iterable[tuple[Loc, str]], message: str, document: LoadedDocument, ctx: Context
) -> Iterator[Diagnostic]:
    """Say `message` (marked, with {ident}) of every id in `items` that came before."""
    seen: dict[str, Loc] = {}
    for loc, ident in items:
        if ident in seen:
            line, _ = document.source.position(seen[ident])
            yield ctx.at(
                loc,
                "",
                tr(message).format(ident=ident),
                file=document.name,
                hint=tr("first used on line {line}").format(line=line),
            )
        else:
            seen[ident] = loc


def ids_resolve(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Ids are unique within a delaftale (activity ids across them all)."""
    elsewhere: dict[str, tuple[LoadedDocument, int]] = {}
    for document, sub in _sub_agreements(loaded):
        for message, key, ids in (
            (N_("duplicate party id {ident!r}"), "parties", [p.id for p in sub.parties]),
            (N_("duplicate sub-goal id {ident!r}"), "sub_goals", [g.id for g in sub.sub_goals]),
            (N_("duplicate activity id {ident!r}"), "activities", [a.id for a in sub.activities]),
        ):
            found = (((key, i, "id"), ident) for i, ident in enumerate(ids))
            yield from _duplicates(found, message, document, ctx)
        for i, activity in enumerate(sub.activities):
            # The budget and the milestone plan refer to an activity by its id alone.
            other = elsewhere.setdefault(activity.id, (document, i))
            if other[0] is not document:
                yield ctx.at(
                    ("activities", i, "id"),
                    "",
                    tr("activity id {activity!r} is also used in another delaftale").format(
                        activity=activity.id
                    ),
                    file=document.name,
                    notes=(
                        ctx.note(("activities", other[1], "id"), tr("here"), file=other[0].name),
                    ),
                    hint=tr(
                        "the budget and the milestone plan refer to activities by id: "
                        "give each its own"
                    ),
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
                        tr(
                            "sub-goal {goal!r} names indicator {number}, which the template "
                            "pack does not have"
                        ).format(goal=goal.id, number=number),
                        file=document.name,
                        notes=(
                            ctx.note(
                                ("template_pack",),
                                tr("template pack {pack}").format(pack=ctx.pack.id.value),
                            ),
                        ),
                        hint=tr("the pack has indicators 1-{last}").format(last=max(indicators)),
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
        names = ""
        for k in FocusAreaKey:
            if k in areas:
                name = ctx.pack.area(k).name
                names = tr("{items} and {last}").format(items=names, last=name) if names else name
        for i, goal in enumerate(sub.sub_goals):
            known = [n for n in goal.indicators if n in indicators]
            if not goal.indicators:
                yield ctx.at(
                    ("sub_goals", i),
                    "",
                    tr("sub-goal {goal!r} points toward no indicator").format(goal=goal.id),
                    file=document.name,
                    hint=tr("list the fixed indicators it serves, e.g. indicators: [{own}]").format(
                        own=own
                    ),
                )
            elif known and all(indicators[n][0].key not in areas for n in known):
                others = ", ".join(f"{n} ({indicators[n][0].name})" for n in known)
                yield ctx.at(
                    ("sub_goals", i, "indicators"),
                    "",
                    tr(
                        "sub-goal {goal!r} points only toward indicators of other areas: {others}"
                    ).format(goal=goal.id, others=others),
                    file=document.name,
                    hint=tr("the indicators of {areas} are {own}").format(areas=names, own=own),
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
                tr("{party} is responsible for {activity!r} but has no entry in roles").format(
                    party=names[party], activity=activity.id
                ),
                file=document.name,
                hint=tr("add its role under roles: with party: {ident}").format(ident=party),
            )


# -- rule 7: dates inside the agreement period --------------------------------------------


def _outside(period: PartPeriod, start: datetime.date, end: datetime.date) -> bool:
    return bool(
        (period.start and not start <= period.start <= end)
        or (period.end and not start <= period.end <= end)
    )


_DELAFTALE_OUTSIDE = N_(
    "the delaftale runs from {start} to {end}, outside the agreement period {period_start} "
    "to {period_end}"
)
_ACTIVITY_OUTSIDE = N_(
    "activity {activity!r} runs from {start} to {end}, outside the agreement period "
    "{period_start} to {period_end}"
)


def within_agreement_period(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """The delaftale and its activities run inside the agreement period."""
    start, end = loaded.agreement.period.start, loaded.agreement.period.end
    note = ctx.note(("period",), tr("the agreement period"))
    for document, sub in _sub_agreements(loaded):
        # (where, the message, the activity's id or "", its period)
        dated: list[tuple[Loc, str, str, PartPeriod | None]] = [
            (("period",), _DELAFTALE_OUTSIDE, "", sub.period)
        ]
        dated += [
            (("activities", i, "period"), _ACTIVITY_OUTSIDE, a.id, a.period)
            for i, a in enumerate(sub.activities)
        ]
        for loc, message, ident, period in dated:
            if period is not None and _outside(period, start, end):
                yield ctx.at(
                    loc,
                    "",
                    tr(message).format(
                        activity=ident,
                        start=period.start or start,
                        end=period.end or end,
                        period_start=start,
                        period_end=end,
                    ),
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
    Rule("AG223", "E", "every activity serves a sub-goal", activities_serve_sub_goals, 12),
    Rule("AG224", "E", "ids are unique (activity ids across all delaftaler)", ids_resolve, 2),
    Rule("AG226", "E", "sub-goals name indicators the template pack has", indicators_exist, 15),
    Rule("AG227", "W", "every sub-goal points toward an indicator of its own area",
         sub_goals_point_to_area, 13),
    Rule("AG228", "W", "every party responsible for an activity has a role",
         responsible_have_roles, 14),
    Rule("AG229", "W", "a delaftale and its activities lie inside the agreement period",
         within_agreement_period, 7),
)  # fmt: skip
