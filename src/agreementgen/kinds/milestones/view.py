"""How the milestone plan renders: facts, the timeline picture, then a table per year."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
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
    numbered,
    period_text,
    simple_document,
    view_blocks,
)

# Type and status share a column, one above the other: six columns on a portrait page left
# the milestone's own text a column 3.3 cm wide, four to six lines for a sentence.
HEADER = ("Dato", "Milepæl", "Type og status", "Indsatsområde", "Ansvarlig")
# Column widths are fitted to the longest word of each column but the milestone's text, which
# takes the rest. Word widths are estimated from character classes of Carlito (Calibri's
# metrics) at the tables' 9.5 pt, plus the cells' padding. Where the page is too narrow for
# that, the widest columns give way first, down to what the milestone text needs at least.
TEXT_CM, FONT_PT, PAD_CM, MIN_TEXT_CM = 16.0, 9.5, 0.45, 3.3
_EM = {**dict.fromkeys("ijlI.,:;'!|", 0.25), **dict.fromkeys("frtsz-/()J", 0.36)}
_EM.update({**dict.fromkeys("mwæMWÆ", 0.8), **dict.fromkeys("ABCDGHKNOQRUVXØÅ", 0.63)})
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
        return period_text(start, end)
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


def _row(milestone: Milestone, loaded: LoadedAgreement, names: _Names) -> tuple[str, ...]:
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
        when_text(milestone, year=False),
        text,
        f"{KIND_LABELS[milestone.kind]}\n{STATUS_LABELS[milestone.status]}",
        area,
        responsible,
    )


def _word_cm(word: str) -> float:
    em = sum(_EM.get(c, 0.55 if c.isupper() else 0.5) for c in word)
    return em * FONT_PT / 72 * 2.54


def column_widths(rows: Sequence[tuple[str, ...]]) -> tuple[int, ...]:
    """Relative column widths (in mm) so that, where the page allows, only the milestone
    text wraps inside words; the date may wrap between its day and its month."""
    needed = []
    for column in range(len(HEADER)):
        texts = (row[column].replace("\u200b", "").replace("/", " ") for row in rows)
        words = [w for text in texts for w in text.split()]
        longest = max([1.05 * _word_cm(HEADER[column]), *(_word_cm(w) for w in words)])  # bold
        needed.append(longest + PAD_CM)
    others = [w for column, w in enumerate(needed) if column != 1]
    room = TEXT_CM - MIN_TEXT_CM
    cap = max(others)
    while sum(min(w, cap) for w in others) > room:
        cap -= 0.05
    widths = [round(10 * min(w, cap)) for w in needed]
    widths[1] = round(10 * TEXT_CM) - sum(w for column, w in enumerate(widths) if column != 1)
    return tuple(widths)


def year_tables(plan: MilestonePlan, loaded: LoadedAgreement) -> list[ViewBlock]:
    """One heading and table per calendar year, the milestones in time order."""
    ordered = sorted(plan.milestones, key=lambda m: m.span)
    names = _Names.of(loaded)
    rows = [_row(m, loaded, names) for m in ordered]
    widths = column_widths(rows)
    blocks: list[ViewBlock] = []
    for year, group in groupby(zip(ordered, rows, strict=True), key=lambda p: p[0].span[0].year):
        blocks.append(Heading(2, (Span(str(year)),)))
        blocks.append(
            DataTable(
                (HEADER,),
                tuple(row for _, row in group),
                (False,) * len(HEADER),
                kind="milestones",
                widths=widths,
            )
        )
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
        caption=f"Milepæle {years} pr. indsatsområde. Lyse felter: milepæle, der er fastlagt "
        "til en måned eller et kvartal; grå baggrund: uden for aftaleperioden.",
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
    facts = [Fact("Periode", period_text(agreement.period.start, agreement.period.end))]
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
