"""How a delaftale renders: purpose, sub-goals with their indicators, activities, roles."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from agreementgen.kinds.sub_agreement.model import (
    Activity,
    OperationalParty,
    PartPeriod,
    SubAgreement,
)
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.source.model import Agreement
from agreementgen.source.packs import Pack
from agreementgen.text.danish import long_date, period_text
from agreementgen.text.markdown import (
    Heading,
    ListBlock,
    MdBlock,
    Paragraph,
    Span,
    parse_markdown,
    plain_text,
)
from agreementgen.views.document import (
    DataTable,
    Fact,
    View,
    ViewBlock,
    finish_table,
    numbered,
    simple_document,
    view_blocks,
)

# The fixed line under the title of LBF's delaftale template (2015-18, lbf.md §7).
KEEPING_CURRENT = (
    "Bestyrelsen for den boligsociale indsats har ansvar for, at denne delaftale løbende "
    "ajourføres."
)
PROBLEM_COMPLEX = (
    "Problemkomplekset for indsatsområdet er beskrevet i afsnit 6 i den strategiske "
    "samarbejdsaftale."
)
NONE = "–"


def view(document: LoadedDocument, loaded: LoadedAgreement) -> View:
    """Return the delaftale's view."""
    sub = document.model
    assert isinstance(sub, SubAgreement)
    agreement, pack = loaded.agreement, loaded.pack
    area = pack.area(sub.area)
    start, end = _period(sub.period, agreement)
    numbers = {goal.id: str(n) for n, goal in enumerate(sub.sub_goals, 1)}

    facts = [Fact("Indsatsområde", area.name), Fact("Periode", period_text(start, end))]
    if sub.updated:
        facts.append(Fact("Ajourført", long_date(sub.updated)))
    for i, party in enumerate(sub.parties):
        facts.append(Fact("Aftalens parter" if i == 0 else "", party_label(party, agreement)))

    purpose = [*view_blocks(sub.purpose, loaded), Paragraph((Span(PROBLEM_COMPLEX),))]
    target_groups: list[ViewBlock] = []
    if sub.target_groups:
        items = tuple((Paragraph((Span(t),)),) for t in sub.target_groups)
        target_groups.append(ListBlock(False, 1, items))
    keeping: list[ViewBlock] = [Paragraph((Span(KEEPING_CURRENT),))]
    keeping += view_blocks(sub.keeping_current, loaded)

    sections = numbered(
        [
            ("purpose", "Formål for indsatsområdet", purpose),
            ("sub_goals", "Delmål for indsatsområdet", list(_sub_goals(sub, pack))),
            ("target_groups", "Målgrupper", target_groups),
            (
                "activities",
                "Aktiviteter under indsatsområdet",
                list(_activities(sub, loaded, numbers, (start, end))),
            ),
            ("roles", "Ansvars- og rollefordeling", list(_roles(sub, agreement))),
            ("keeping_current", "Ajourføring", keeping),
        ]
    )
    content = simple_document(
        loaded,
        title=f"Delaftale for indsatsområdet {area.name}",
        facts=facts,
        sections=sections,
        illustrative=sub.illustrative,
        own_layout=True,
    )
    return View(
        stem=f"Delaftale - {area.name}",
        document=content,
        sources=(document.name, loaded.source.name),
    )


def _period(period: PartPeriod | None, agreement: Agreement) -> tuple[datetime.date, datetime.date]:
    """The dates of a part period, the agreement's where it leaves them out."""
    start = period.start if period and period.start else agreement.period.start
    end = period.end if period and period.end else agreement.period.end
    return start, end


def party_label(party: OperationalParty, agreement: Agreement, *, title: bool = True) -> str:
    """Return e.g. 'Afdelingsleder, Jobcenter Viborg (Viborg Kommune)'."""
    names = {p.id: p.name for p in agreement.parties}
    organisation = party.organisation or (names.get(party.party) if party.party else None)
    label = f"{party.title}, {party.name}" if party.title and title else party.name
    return f"{label} ({organisation})" if organisation and organisation != party.name else label


def _indicator_line(number: int, pack: Pack, own: str) -> str:
    indicators = pack.indicators
    if number not in indicators:
        return f"Indikator {number}"
    area, indicator = indicators[number]
    text = f"Indikator {number}: {indicator.text}"
    return text if area.key == own else f"{text} (indsatsområdet {area.name})"


def _sub_goals(sub: SubAgreement, pack: Pack) -> list[ViewBlock]:
    """The area's fixed goal, then each sub-goal with the indicators it points toward."""
    area = pack.area(sub.area)
    if not sub.sub_goals:
        return []
    blocks: list[ViewBlock] = [
        Paragraph(
            (
                Span("Delmålene peger hen imod det faste overordnede mål for indsatsområdet: "),
                Span(area.goal, italic=True),
                Span("."),
            )
        )
    ]
    items = []
    for goal in sub.sub_goals:
        item: list[MdBlock] = [Paragraph((Span(goal.text),))]
        if goal.indicators:
            lines = (_indicator_line(n, pack, sub.area) for n in goal.indicators)
            item.append(ListBlock(False, 1, tuple((Paragraph((Span(t),)),) for t in lines)))
        items.append(tuple(item))
    blocks.append(ListBlock(True, 1, tuple(items)))
    return blocks


def _activities(
    sub: SubAgreement,
    loaded: LoadedAgreement,
    numbers: dict[str, str],
    period: tuple[datetime.date, datetime.date],
) -> list[ViewBlock]:
    """One sub-heading per activity, a table of its key facts, then its description."""
    blocks: list[ViewBlock] = []
    for activity in sub.activities:
        blocks.append(Heading(2, (Span(activity.name),)))
        blocks.append(_activity_table(activity, sub, loaded, numbers, period))
        blocks += parse_markdown(activity.description)
    return blocks


def _activity_table(
    activity: Activity,
    sub: SubAgreement,
    loaded: LoadedAgreement,
    numbers: dict[str, str],
    period: tuple[datetime.date, datetime.date],
) -> DataTable:
    agreement = loaded.agreement
    parties = {p.id: p.name for p in agreement.parties}
    own = _partner_labels(sub, agreement)
    start, end = period
    if activity.period:
        start = activity.period.start or start
        end = activity.period.end or end
    texts = {g.id: g.text for g in sub.sub_goals}
    order = list(numbers)
    served = sorted(
        activity.sub_goals, key=lambda g: order.index(g) if g in numbers else len(order)
    )
    goals = [f"{numbers[g]}. {texts[g]}" if g in numbers else g for g in served]
    rows = [
        ("Målgruppe", activity.target_group or NONE),
        ("Ansvarlig", parties.get(activity.responsible, activity.responsible)),
        ("Samarbejdspartnere", "\n".join(own.get(p, p) for p in activity.partners) or NONE),
        ("Periode", period_text(start, end)),
        ("Delmål", "\n".join(goals) or NONE),
    ]
    if activity.cfbu_activity_type:
        rows.append(("CFBU-aktivitetstype", activity.cfbu_activity_type))
    table = DataTable(
        header=(("Aktivitet", activity.name),),
        rows=tuple(rows),
        numeric=(False, False),
        kind="activity",
    )
    return finish_table(table)


def _partner_labels(sub: SubAgreement, agreement: Agreement) -> dict[str, str]:
    """A partner shows as the name of its unit, with its organisation where names repeat."""
    names = [p.name for p in sub.parties]
    return {
        p.id: party_label(p, agreement, title=False) if names.count(p.name) > 1 else p.name
        for p in sub.parties
    }


def _role_lines(role: str) -> str:
    """A role's Markdown as the text of one table cell: paragraphs and list items as lines."""
    lines: list[str] = []

    def walk(blocks: Sequence[MdBlock], bullet: str = "") -> None:
        for block in blocks:
            if isinstance(block, Paragraph | Heading):
                lines.append(bullet + plain_text(block.spans))
                bullet = ""
            elif isinstance(block, ListBlock):
                for n, item in enumerate(block.items, block.start):
                    walk(item, f"{n}. " if block.ordered else "• ")

    walk(parse_markdown(role))
    return "\n".join(lines)


def _roles(sub: SubAgreement, agreement: Agreement) -> list[ViewBlock]:
    """The roles as a table: each agreement party and what it is responsible for."""
    if not sub.roles:
        return []
    names = {p.id: p.name for p in agreement.parties}
    rows = tuple((names.get(r.party, r.party), _role_lines(r.role)) for r in sub.roles)
    table = DataTable(
        header=(("Part", "Rolle og ansvar"),), rows=rows, numeric=(False, False), kind="roles"
    )
    return [finish_table(table)]
