"""How the milestone plan renders: facts, the timeline picture, then a table per year."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from itertools import groupby

from agreementgen.kinds.milestones import KIND
from agreementgen.kinds.milestones import timeline as timeline_picture
from agreementgen.kinds.milestones.model import (
    CROSS_CUTTING_LABEL,
    KIND_LABELS,
    STATUS_LABELS,
    Milestone,
    MilestonePlan,
)
from agreementgen.kinds.sub_agreement import KIND as SUB_AGREEMENT
from agreementgen.kinds.sub_agreement.model import SubAgreement
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.source.names import BOARD
from agreementgen.text import danish
from agreementgen.text.markdown import Heading, Paragraph, Span
from agreementgen.views.document import (
    DataTable,
    Fact,
    FigureView,
    View,
    ViewBlock,
    finish_table,
    numbered,
    simple_document,
    view_blocks,
)

# Type and status share a column, one above the other: six columns on a portrait page left
# the milestone's own text a column 3.3 cm wide, four to six lines for a sentence. "Nr." is
# the number the milestone carries in the timeline: the tables are the timeline's key.
HEADER = ("Nr.", "Dato", "Milepæl", "Type og status", "Indsatsområde", "Ansvarlig")
BOARD_LABEL = "Bestyrelsen"


def when_text(milestone: Milestone, *, year: bool = True) -> str:
    """Return the milestone's time in Danish: '1. august 2025', 'april 2026', '3. kvartal
    2026', '1. august – 31. oktober 2025'; without `year` (under a year's heading) the year
    is left out, except for a period that runs into another year."""

    def dated(day: datetime.date) -> str:
        text = danish.long_date(day)
        return text if year else text.rsplit(" ", 1)[0]

    if milestone.date is not None:
        return dated(milestone.date)
    if milestone.month is not None:
        text = danish.month_year(milestone.month)
        return text if year else text.rsplit(" ", 1)[0]
    if milestone.quarter is not None:
        number, quarter = milestone.quarter.split("-Q")
        return f"{quarter}. kvartal" + (f" {number}" if year else "")
    assert milestone.period is not None
    start, end = milestone.period.start, milestone.period.end
    if start.year != end.year:
        return danish.period_text(start, end)
    return f"{danish.long_date(start).rsplit(' ', 1)[0]} – {dated(end)}"


def responsible_names(loaded: LoadedAgreement) -> dict[str, str]:
    """Who a milestone's `responsible` can name, by id: parties, groups, the board."""
    names = {p.id: p.name for p in loaded.agreement.parties}
    board = loaded.agreement.board
    if board is not None:
        names.update((g.id, g.name) for g in board.subgroups)
    names[BOARD] = BOARD_LABEL
    return names


def activity_names(loaded: LoadedAgreement) -> dict[str, str]:
    """The names of the delaftaler's activities, by id."""
    return {
        activity.id: activity.name
        for _, sub in loaded.of_kind(SUB_AGREEMENT, SubAgreement)
        for activity in sub.activities
    }


@dataclass(frozen=True)
class _Names:
    """What the ids of a milestone name: departments, activities, who is responsible."""

    departments: dict[str, str]
    activities: dict[str, str]
    responsible: dict[str, str]

    @classmethod
    def of(cls, loaded: LoadedAgreement) -> _Names:
        departments = {d.id: d.name for d in loaded.agreement.departments}
        return cls(departments, activity_names(loaded), responsible_names(loaded))


def _row(
    number: int, milestone: Milestone, loaded: LoadedAgreement, names: _Names
) -> tuple[str, ...]:
    departments, activities = names.departments, names.activities
    text = milestone.text
    if milestone.department:
        text += f"\nAfdeling: {departments.get(milestone.department, milestone.department)}"
    if milestone.activities:
        named = ", ".join(activities.get(a, a) for a in milestone.activities)
        text += f"\nAktiviteter: {named}"
    key = milestone.area.focus_area
    area = CROSS_CUTTING_LABEL if key is None else loaded.pack.area(key).name
    responsible = (
        names.responsible.get(milestone.responsible, milestone.responsible)
        if milestone.responsible
        else "–"
    )
    # A long group name such as 'Den Boligsociale helhedsplan/Fællessekretariatet' may break
    # after its slash (a zero-width space), not inside a word.
    responsible = responsible.replace("/", "/\u200b")
    return (
        str(number),
        when_text(milestone, year=False),
        text,
        f"{KIND_LABELS[milestone.kind]}\n{STATUS_LABELS[milestone.status]}",
        area,
        responsible,
    )


def year_tables(plan: MilestonePlan, loaded: LoadedAgreement) -> list[ViewBlock]:
    """One heading and table per calendar year, the milestones in time order and numbered as
    in the timeline."""
    ordered = timeline_picture.in_order(plan.milestones)
    names = _Names.of(loaded)
    numeric = tuple(name == "Nr." for name in HEADER)
    rows = tuple(_row(n, m, loaded, names) for n, m in enumerate(ordered, start=1))
    # One table's columns for every year's, so that the tables line up down the pages.
    whole = finish_table(DataTable((HEADER,), rows, numeric, kind="milestones"))
    blocks: list[ViewBlock] = []
    years = groupby(zip(ordered, whole.rows, strict=True), key=lambda p: p[0].span[0].year)
    for year, group in years:
        blocks.append(Heading(2, (Span(str(year)),)))
        blocks.append(replace(whole, rows=tuple(row for _, row in group)))
    return blocks


def figure(plan: MilestonePlan, loaded: LoadedAgreement) -> FigureView:
    """The timeline picture of the whole period."""
    agreement = loaded.agreement
    period = agreement.period
    data = timeline_picture.chart(
        plan, agreement.sections.focus_areas, loaded.pack, period.start, period.end
    )
    years = f"{period.start.year}–{period.end.year}"
    return FigureView(
        caption=f"Milepæle {years} pr. indsatsområde. Tallet over en milepæl er dens nummer "
        "(Nr.) i tabellerne nedenfor. Lyse felter: milepæle, der er fastlagt til en måned "
        "eller et kvartal; grå baggrund: uden for aftaleperioden.",
        image=None,
        source=None,
        width_cm=timeline_picture.WIDTH_CM,
        missing_note=loaded.pack.labels.not_available_figure,
        drawing=timeline_picture.render(data),
    )


def view(document: LoadedDocument, loaded: LoadedAgreement) -> View:
    """Return the milestone plan's view."""
    plan = document.model
    assert isinstance(plan, MilestonePlan)
    agreement = loaded.agreement
    facts = [Fact("Periode", danish.period_text(agreement.period.start, agreement.period.end))]
    facts.append(Fact("Antal milepæle", danish.number(len(plan.milestones))))
    if plan.updated:
        facts.append(Fact("Senest ajourført", danish.long_date(plan.updated)))
    timeline: list[ViewBlock] = []
    if plan.milestones:
        timeline.append(figure(plan, loaded))
    sections = numbered(
        [
            ("intro", "Om milepælsplanen", list(view_blocks(plan.intro, loaded))),
            ("timeline", "Tidslinje", timeline),
            ("milestones", "Milepæle år for år", year_tables(plan, loaded)),
        ]
    )
    if not sections:
        sections = numbered(
            [("milestones", "Milepæle", [Paragraph((Span("Der er endnu ingen milepæle."),))])]
        )
    content = simple_document(
        loaded,
        title=KIND.title,
        facts=facts,
        sections=sections,
        illustrative=plan.illustrative,
        own_layout=True,
    )
    return View(stem=KIND.title, document=content, sources=(document.name, loaded.source.name))


__all__ = ["view", "when_text"]
