"""Rules for the budget (lbf.md §17.2 rules 2, 6 and 19-23)."""

from __future__ import annotations

from collections.abc import Iterator

from agreementgen.checks.agreement import Context
from agreementgen.checks.rules import Rule, document_missing
from agreementgen.errors import Diagnostic, Note
from agreementgen.kinds.budget import KIND as BUDGET
from agreementgen.kinds.budget.figures import (
    activities,
    area_label,
    below_minimum,
    kroner,
    local_total,
    percent,
    share,
    totals,
    year_span,
)
from agreementgen.kinds.budget.model import Budget, LineArea
from agreementgen.language import N_, tr
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.source.model import PartyKind


def _budgets(loaded: LoadedAgreement) -> Iterator[tuple[LoadedDocument, Budget]]:
    return loaded.of_kind(BUDGET, Budget)


def budget_exists(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """LBF wants a budget uploaded with the agreement."""
    if missing := document_missing(loaded, ctx, BUDGET, N_("budget")):
        yield missing


def years_cover_period(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """The budget's calendar years are those the period touches, no fewer and no more."""
    period = loaded.agreement.period
    wanted = list(range(period.start.year, period.end.year + 1))
    span = year_span(wanted)

    def runs() -> Note:
        from agreementgen.text.danish import long_date  # Babel only when a note needs it

        text = tr("the period runs {start} – {end}").format(
            start=long_date(period.start), end=long_date(period.end)
        )
        return ctx.note(("period",), text)

    for document, budget in _budgets(loaded):
        per_year = totals(budget.entries(), lambda e: e.year)
        missing = [year for year in wanted if not per_year.get(year)]
        if missing:
            years = ", ".join(map(str, missing))
            yield ctx.at(
                ("lines",),
                "",
                tr("the budget has no amounts for {years}; its years must cover {span}").format(
                    years=years, span=span
                ),
                file=document.name,
                key=True,
                hint=tr(
                    "budget years are the calendar years the agreement period touches, "
                    "part years included"
                ),
                notes=(runs(),),
            )
        for i, line in enumerate(budget.lines):
            for year in line.amounts:
                if year not in wanted:
                    yield ctx.at(
                        ("lines", i, "amounts", year),
                        "",
                        tr(
                            "line {line!r} has amounts for {year}, outside the agreement "
                            "period ({span})"
                        ).format(line=line.id, year=year, span=span),
                        file=document.name,
                        key=True,
                        notes=(runs(),),
                    )


def funders_are_not_parties(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A funder is not also a party: a party pays as itself (that every funding source is
    LBF, a party or a funder is checked with every reference, in checks.dangling)."""
    parties = {p.id: i for i, p in enumerate(loaded.agreement.parties)}
    for document, budget in _budgets(loaded):
        for j, funder in enumerate(budget.funders):
            if funder.id in parties:
                yield ctx.at(
                    ("funders", j, "id"),
                    "",
                    tr("funder id {funder!r} is a party's id too").format(funder=funder.id),
                    file=document.name,
                    hint=tr("a party pays as a party: remove it from funders"),
                    notes=(ctx.note(("parties", parties[funder.id], "id"), tr("the party")),),
                )


def _local_share(local: int, total: int) -> str:
    # A plain space before '%': diagnostics are terminal text, not typeset.
    figures = f"{kroner(local)} af {kroner(total)} kr."
    return f"lokal medfinansiering {percent(share(local, total))} % ({figures})"


def local_share(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Local co-financing (all but LBF) is at least 25 % of the budget over the period."""
    for document, budget in _budgets(loaded):
        entries = list(budget.entries())
        local, total = local_total(entries), budget.total()
        if below_minimum(local, total):
            yield ctx.at(
                ("lines",),
                "",
                tr("{share} is below LBF's minimum of 25 %").format(
                    share=_local_share(local, total)
                ),
                file=document.name,
                key=True,
                hint=tr(
                    "everything LBF does not pay counts: the municipality, the housing "
                    "organisations and other funders, in cash or in kind"
                ),
            )


def local_share_each_year(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """No single year's local co-financing falls below 25 % (allowed, but worth a look)."""
    for document, budget in _budgets(loaded):
        entries = list(budget.entries())
        first_line: dict[int, int] = {}
        for i, line in enumerate(budget.lines):
            for year in line.amounts:
                first_line.setdefault(year, i)
        for year in budget.years():
            in_year = [e for e in entries if e.year == year]
            local, total = local_total(in_year), sum(e.amount for e in in_year)
            if below_minimum(local, total):
                yield ctx.at(
                    ("lines", first_line[year], "amounts", year),
                    "",
                    tr("{share} in {year} is below 25 %").format(
                        share=_local_share(local, total), year=year
                    ),
                    file=document.name,
                    key=True,
                    hint=tr(
                        "LBF's minimum applies to the whole period; check that the year's "
                        "co-financing is not missing"
                    ),
                )


def lines_in_chosen_areas(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Every line serves a chosen focus area, or is cross-cutting."""
    areas = loaded.agreement.sections.focus_areas
    for document, budget in _budgets(loaded):
        for i, line in enumerate(budget.lines):
            if line.area is LineArea.CROSS_CUTTING:
                continue
            area = getattr(areas, line.area.value)
            if area is not None and area.chosen:
                continue
            name = area_label(line.area, ctx.pack)
            if area is None:
                note = ctx.note(
                    ("sections", "focus_areas"),
                    tr("{area} is not described here").format(area=name),
                )
            else:
                note = ctx.note(
                    ("sections", "focus_areas", line.area.value, "chosen"),
                    tr("{area} is not chosen").format(area=name),
                )
            yield ctx.at(
                ("lines", i, "area"),
                "",
                tr("line {line!r} is for {area}, which is not a chosen focus area").format(
                    line=line.id, area=name
                ),
                file=document.name,
                hint=tr("give it a chosen area, or cross_cutting for costs shared by the areas"),
                notes=(note,),
            )


def activities_budgeted(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """Every activity of a delaftale has a budget line that pays for it."""
    for document, budget in _budgets(loaded):
        paid = {ident for line in budget.lines for ident in line.activities}
        for activity in activities(loaded).values():
            if activity.id not in paid:
                yield ctx.at(
                    ("activities", activity.index, "id"),
                    "",
                    tr("activity {activity!r} ({name}) has no budget line").format(
                        activity=activity.id, name=activity.name
                    ),
                    file=activity.file,
                    hint=tr(
                        "list {activity!r} under activities of the budget line that "
                        "pays for it, e.g. the staff who run it"
                    ).format(activity=activity.id),
                    notes=(ctx.note(("lines",), tr("the budget lines"), file=document.name),),
                )


def in_kind_valued(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A line in kind says what it is worth: full-time equivalents or a valuation basis."""
    for document, budget in _budgets(loaded):
        for i, line in enumerate(budget.lines):
            if line.in_kind and line.fte is None and not line.valuation:
                yield ctx.at(
                    ("lines", i, "in_kind"),
                    "",
                    tr(
                        "line {line!r} is co-financing in kind but gives neither fte nor valuation"
                    ).format(line=line.id),
                    file=document.name,
                    hint=tr(
                        "say how the amount was valued, e.g. fte: 0.5 and valuation: "
                        "'0,5 årsværk à 560.000 kr.'"
                    ),
                )


def municipality_co_finances(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """The municipality usually co-finances; a budget where it pays nothing is unusual."""
    for document, budget in _budgets(loaded):
        paid = totals(budget.entries(), lambda e: e.source)
        for i, party in enumerate(loaded.agreement.parties):
            if party.kind is PartyKind.MUNICIPALITY and not paid.get(party.id):
                yield ctx.at(
                    ("lines",),
                    "",
                    tr("{party} co-finances nothing").format(party=party.name),
                    file=document.name,
                    key=True,
                    hint=tr(
                        "add its cash or in-kind share to the lines it pays for, under {ident!r}"
                    ).format(ident=party.id),
                    notes=(
                        ctx.note(
                            ("parties", i),
                            tr("{party} is the municipality").format(party=party.name),
                        ),
                    ),
                )


RULES = (
    Rule("AG230", "E", "a budget is present", budget_exists),
    Rule("AG231", "E", "the budget's years are the calendar years the period touches",
         years_cover_period, 6),
    Rule("AG232", "E", "a funder of the budget is not a party too", funders_are_not_parties, 2),
    Rule("AG233", "E", "local co-financing is at least 25 % of the budget", local_share, 20),
    Rule("AG234", "W", "local co-financing is at least 25 % in each year",
         local_share_each_year, 20),
    Rule("AG235", "E", "every budget line is for a chosen focus area or cross-cutting",
         lines_in_chosen_areas, 21),
    Rule("AG237", "W", "every delaftale activity has a budget line", activities_budgeted, 21),
    Rule("AG238", "W", "a line in kind gives its fte or valuation", in_kind_valued, 22),
    Rule("AG239", "W", "the municipality co-finances the plan", municipality_co_finances, 23),
)  # fmt: skip
