"""Rules for the milestone plan (milepælsplan): lbf.md §17.2 rules 2, 7, 30 and 31."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from agreementgen.checks.agreement import Context
from agreementgen.checks.rules import Rule, document_missing
from agreementgen.errors import Diagnostic, Note
from agreementgen.kinds.milestones import KIND as MILESTONES
from agreementgen.kinds.milestones.model import Milestone, MilestoneKind, MilestonePlan
from agreementgen.kinds.sub_agreement import KIND as SUB_AGREEMENT
from agreementgen.kinds.sub_agreement.model import SubAgreement
from agreementgen.language import N_, tr
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.source.model import FocusAreaKey


def _plans(loaded: LoadedAgreement) -> Iterator[tuple[LoadedDocument, MilestonePlan]]:
    return loaded.of_kind(MILESTONES, MilestonePlan)


def _period_note(loaded: LoadedAgreement, ctx: Context) -> Note:
    period = loaded.agreement.period
    text = tr("the agreement runs from {start} to {end}").format(start=period.start, end=period.end)
    return ctx.note(("period",), text)


def _years(years: Sequence[int]) -> str:
    text = [str(y) for y in years]
    if len(text) == 1:
        return text[0]
    return tr("{items} and {last}").format(items=", ".join(text[:-1]), last=text[-1])


def plan_covers_years(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """There is a milestone plan, with a milestone in every calendar year of the period."""
    plans = list(_plans(loaded))
    if absent := document_missing(loaded, ctx, MILESTONES, N_("milestone plan (milepælsplan)")):
        yield absent
    period = loaded.agreement.period
    for document, plan in plans:
        if not plan.milestones:
            yield ctx.at(
                ("milestones",),
                "",
                tr("the milestone plan has no milestones"),
                file=document.name,
                hint=tr("LBF wants a milestone plan for the whole period"),
            )
            continue
        covered = {
            year for m in plan.milestones for year in range(m.span[0].year, m.span[1].year + 1)
        }
        missing = [y for y in range(period.start.year, period.end.year + 1) if y not in covered]
        if missing:
            yield ctx.at(
                ("milestones",),
                "",
                tr("the milestone plan has no milestone in {years}").format(years=_years(missing)),
                file=document.name,
                notes=(_period_note(loaded, ctx),),
                hint=tr(
                    "the plan covers the whole period: at least one milestone each calendar year"
                ),
            )


def milestones_in_period(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Milestones fall within the period; preparation may come before the start."""
    period = loaded.agreement.period
    for document, plan in _plans(loaded):
        for i, milestone in enumerate(plan.milestones):
            first, last = milestone.span
            # A month or a quarter is a time not yet fixed: it is outside only if all of it is.
            early, late = (first, last) if milestone.exact else (last, first)
            before = early < period.start and milestone.kind is not MilestoneKind.PREPARATION
            after = late > period.end
            if not (before or after):
                continue
            if before and not after:
                message = N_("milestone {milestone!r} ({when}) lies before the agreement period")
            elif after and not before:
                message = N_("milestone {milestone!r} ({when}) lies after the agreement period")
            else:
                message = N_("milestone {milestone!r} ({when}) lies outside the agreement period")
            yield ctx.at(
                ("milestones", i, milestone.when),
                "",
                tr(message).format(milestone=milestone.id, when=milestone.as_written),
                file=document.name,
                notes=(_period_note(loaded, ctx),),
                hint=tr("preparation before the start is allowed with kind: preparation")
                if before
                else "",
            )


def _chosen(loaded: LoadedAgreement) -> list[FocusAreaKey]:
    areas = loaded.agreement.sections.focus_areas
    return [k for k in FocusAreaKey if (a := getattr(areas, k.value)) is not None and a.chosen]


def chosen_areas_have_milestones(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Every chosen focus area has a milestone or more."""
    for document, plan in _plans(loaded):
        if not plan.milestones:
            continue  # plan_covers_years reports the empty plan
        covered = {m.area.focus_area for m in plan.milestones}
        for key in _chosen(loaded):
            if key not in covered:
                name = ctx.pack.area(key).name
                yield ctx.at(
                    ("milestones",),
                    "",
                    tr("no milestone belongs to {area}, a chosen focus area").format(area=name),
                    file=document.name,
                    notes=(
                        ctx.note(
                            ("sections", "focus_areas", key.value, "chosen"),
                            tr("{area} is chosen").format(area=name),
                        ),
                    ),
                    hint=tr("add a milestone with area: {key}").format(key=key.value),
                )


def evaluation_milestone(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """The local evaluation of section 7 appears in the plan as milestones."""
    for document, plan in _plans(loaded):
        if plan.milestones and not any(m.kind is MilestoneKind.EVALUATION for m in plan.milestones):
            yield ctx.at(
                ("milestones",),
                "",
                tr("no milestone is an evaluation"),
                file=document.name,
                notes=(
                    ctx.note(
                        ("sections", "evaluation"), tr("section 7 describes the local evaluation")
                    ),
                ),
                hint=tr("add the evaluations of section 7 as milestones with kind: evaluation"),
            )


@dataclass(frozen=True)
class _Activity:
    """Where an activity of a delaftale is: its file, its index, its area."""

    file: str
    index: int
    area: FocusAreaKey


def _activities(loaded: LoadedAgreement) -> dict[str, _Activity]:
    found: dict[str, _Activity] = {}
    for document, sub in loaded.of_kind(SUB_AGREEMENT, SubAgreement):
        for index, activity in enumerate(sub.activities):
            found.setdefault(activity.id, _Activity(document.name, index, sub.area))
    return found


def activities_match_area(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A milestone of a focus area names activities of that area's delaftale."""
    activities = _activities(loaded)
    for document, plan in _plans(loaded):
        for i, m in enumerate(plan.milestones):
            key = m.area.focus_area
            for k, ident in enumerate(m.activities):
                found = activities.get(ident)
                if key is None or found is None or found.area is key:
                    continue
                yield ctx.at(
                    ("milestones", i, "activities", k),
                    "",
                    tr(
                        "milestone {milestone!r} belongs to {area}, its activity {activity!r} "
                        "to {activity_area}"
                    ).format(
                        milestone=m.id,
                        area=ctx.pack.area(key).name,
                        activity=ident,
                        activity_area=ctx.pack.area(found.area).name,
                    ),
                    file=document.name,
                    notes=(
                        ctx.note(
                            ("activities", found.index, "id"),
                            tr("{activity!r} is an activity of this delaftale").format(
                                activity=ident
                            ),
                            file=found.file,
                        ),
                    ),
                    hint=tr("give the milestone the activity's area, or area: cross_cutting"),
                )


def unique_ids(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Milestone ids are unique within the plan."""
    for document, plan in _plans(loaded):
        seen: dict[str, int] = {}
        for i, m in enumerate(plan.milestones):
            if m.id in seen:
                line, _ = ctx.sources[document.name].position(("milestones", seen[m.id], "id"))
                yield ctx.at(
                    ("milestones", i, "id"),
                    "",
                    tr("duplicate milestone id {ident!r}").format(ident=m.id),
                    file=document.name,
                    hint=tr("first used on line {line}").format(line=line),
                )
            else:
                seen[m.id] = i


def areas_are_chosen(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A milestone belongs to a chosen focus area, or is cross-cutting."""
    chosen = _chosen(loaded)
    areas = loaded.agreement.sections.focus_areas
    for document, plan in _plans(loaded):
        for i, m in enumerate(plan.milestones):
            key = m.area.focus_area
            if key is None or key in chosen:
                continue
            name = ctx.pack.area(key).name
            described = getattr(areas, key.value) is not None
            yield ctx.at(
                ("milestones", i, "area"),
                "",
                tr(
                    "milestone {milestone!r} belongs to {area}, which is not a chosen focus area"
                ).format(milestone=m.id, area=name),
                file=document.name,
                notes=(
                    ctx.note(
                        ("sections", "focus_areas", key.value, "chosen")
                        if described
                        else ("sections", "focus_areas"),
                        tr("{area} is not chosen").format(area=name)
                        if described
                        else tr("the focus areas"),
                    ),
                ),
                hint=tr("mark the milestone area: cross_cutting, or choose the area"),
            )


def _months(milestone: Milestone) -> list[str]:
    """The months a physical plan's completion milestone names, as YYYY-MM."""
    first, last = milestone.span
    if milestone.period is not None:
        first = last  # a period of works: it completes at its end
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


_EXPECTED = N_("{department}'s physical plan is expected finished in {expected}")


def physical_plans_agree(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A physical-plan milestone falls in the month agreement.yaml expects the plan finished."""
    index = {d.id: i for i, d in enumerate(loaded.agreement.departments)}
    for document, plan in _plans(loaded):
        for i, m in enumerate(plan.milestones):
            if m.kind is not MilestoneKind.PHYSICAL_PLAN:
                continue
            if m.department is None:
                yield ctx.at(
                    ("milestones", i, "kind"),
                    "",
                    tr("physical-plan milestone {milestone!r} names no department").format(
                        milestone=m.id
                    ),
                    file=document.name,
                    hint=tr("add department: <id>, the department whose physical plan it is"),
                )
                continue
            if m.department not in index:
                continue  # an unknown department is AG131 (checks.dangling)
            j = index[m.department]
            department = loaded.agreement.departments[j]
            physical = department.physical_plan
            expected = physical.expected_completion if physical else None
            if expected is None:
                yield ctx.at(
                    ("milestones", i, "department"),
                    "",
                    tr(
                        "milestone {milestone!r} is a physical plan, but {department} has no "
                        "expected completion in agreement.yaml"
                    ).format(milestone=m.id, department=department.name),
                    file=document.name,
                    notes=(
                        ctx.note(
                            ("departments", j, "physical_plan") if physical else ("departments", j),
                            tr("{department}'s physical plan").format(department=department.name),
                        ),
                    ),
                    hint=tr("give the department physical_plan.expected_completion (YYYY-MM)"),
                )
            elif expected not in _months(m):
                yield ctx.at(
                    ("milestones", i, m.when),
                    "",
                    tr(
                        "milestone {milestone!r} puts the completion of {department}'s physical "
                        "plan in {when}, agreement.yaml in {expected}"
                    ).format(
                        milestone=m.id,
                        department=department.name,
                        when=m.as_written,
                        expected=expected,
                    ),
                    file=document.name,
                    notes=(
                        ctx.note(
                            ("departments", j, "physical_plan", "expected_completion"),
                            tr(_EXPECTED).format(department=department.name, expected=expected),
                        ),
                    ),
                    hint=tr("the two must agree: correct one of them"),
                )


def physical_plans_have_milestones(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A physical plan expected finished within the period has a milestone."""
    period = loaded.agreement.period
    start, end = f"{period.start:%Y-%m}", f"{period.end:%Y-%m}"
    for document, plan in _plans(loaded):
        marked = {m.department for m in plan.milestones if m.kind is MilestoneKind.PHYSICAL_PLAN}
        for j, department in enumerate(loaded.agreement.departments):
            physical = department.physical_plan
            expected = physical.expected_completion if physical else None
            if expected is None or not start <= expected <= end or department.id in marked:
                continue
            yield ctx.at(
                ("milestones",),
                "",
                tr(
                    "{department}'s physical plan, expected finished in {expected}, has no "
                    "milestone"
                ).format(department=department.name, expected=expected),
                file=document.name,
                notes=(
                    ctx.note(
                        ("departments", j, "physical_plan", "expected_completion"),
                        tr(_EXPECTED).format(department=department.name, expected=expected),
                    ),
                ),
                hint=tr("add a milestone with kind: physical_plan and department: {ident}").format(
                    ident=department.id
                ),
            )


RULES = (
    Rule("AG240", "E", "a milestone plan with a milestone in every calendar year of the period",
         plan_covers_years, 30),
    Rule("AG241", "W", "milestones lie within the period (preparation may come before it)",
         milestones_in_period, 7),
    Rule("AG242", "W", "every chosen focus area has a milestone", chosen_areas_have_milestones,
         31),
    Rule("AG243", "W", "the milestone plan has an evaluation milestone", evaluation_milestone,
         31),
    Rule("AG245", "W", "a physical-plan milestone falls in the month the department expects",
         physical_plans_agree),
    Rule("AG246", "W", "a physical plan finishing within the period has a milestone",
         physical_plans_have_milestones),
    Rule("AG247", "E", "milestone ids are unique", unique_ids),
    Rule("AG248", "W", "a milestone belongs to a chosen focus area or is cross-cutting",
         areas_are_chosen),
    Rule("AG249", "W", "a milestone's activities belong to the delaftale of its area",
         activities_match_area),
)  # fmt: skip
