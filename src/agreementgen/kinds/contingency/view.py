"""How the contingency plan renders: purpose, scope, the scenarios, contacts and follow-up."""

from __future__ import annotations

from collections.abc import Sequence

from agreementgen.kinds.contingency import KIND
from agreementgen.kinds.contingency.model import ContingencyPlan, Scenario
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.source.model import Block
from agreementgen.text import danish
from agreementgen.text.markdown import Heading, ListBlock, Paragraph, Span
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


def _labelled(label: str, text: str) -> Paragraph:
    return Paragraph((Span(f"{label}: ", bold=True), Span(text)))


def scenario_blocks(scenario: Scenario, loaded: LoadedAgreement) -> list[ViewBlock]:
    """One scenario: what it is, when it is activated and by whom, the steps, who acts."""
    blocks: list[ViewBlock] = [Heading(2, (Span(scenario.name),))]
    blocks += view_blocks(scenario.description, loaded, base=3)
    if scenario.trigger:
        blocks.append(Heading(3, (Span("Aktivering"),)))
        blocks += view_blocks(scenario.trigger, loaded, base=4)
    if scenario.decides:
        blocks.append(_labelled("Beslutter aktivering", scenario.decides))
    if scenario.actions:
        blocks.append(Heading(3, (Span("Handlinger"),)))
        items = tuple((Paragraph((Span(step),)),) for step in scenario.actions)
        blocks.append(ListBlock(True, 1, items))
    if scenario.responsible_function:
        blocks.append(_labelled("Ansvarlig funktion", scenario.responsible_function))
    if scenario.partners:
        blocks.append(_labelled("Samarbejdspartnere", ", ".join(scenario.partners)))
    return blocks


def contact_blocks(plan: ContingencyPlan) -> list[ViewBlock]:
    """The contacts as a table of functions, then where the names and numbers are kept."""
    blocks: list[ViewBlock] = []
    if plan.contacts:
        hours = any(c.hours for c in plan.contacts)
        header = ("Funktion", "Kanal", *(("Træffes",) if hours else ()))
        rows = tuple(
            (c.function, c.channel, *((c.hours or "",) if hours else ())) for c in plan.contacts
        )
        table = DataTable((header,), rows, (False,) * len(header), kind="contacts")
        blocks.append(finish_table(table))
    if plan.internal_annex:
        blocks.append(Paragraph((Span(plan.internal_annex),)))
    return blocks


def review_blocks(plan: ContingencyPlan) -> list[ViewBlock]:
    """How the plan is reviewed and whether the board has approved it."""
    blocks: list[ViewBlock] = []
    if plan.review:
        blocks.append(Paragraph((Span(plan.review),)))
    if plan.approved_by_board:
        day = danish.long_date(plan.approved_by_board)
        approved = f"Planen er godkendt af bestyrelsen {day}."
    else:
        approved = "Planen er endnu ikke godkendt af bestyrelsen."
    blocks.append(Paragraph((Span(approved),)))
    return blocks


def view(document: LoadedDocument, loaded: LoadedAgreement) -> View:
    """Return the contingency plan's view."""
    plan = document.model
    assert isinstance(plan, ContingencyPlan)
    agreement = loaded.agreement

    def blocks(body: Sequence[Block]) -> list[ViewBlock]:
        return list(view_blocks(body, loaded))

    scenarios: list[ViewBlock] = []
    for scenario in plan.scenarios:
        scenarios += scenario_blocks(scenario, loaded)
    facts = [Fact("Periode", danish.period_text(agreement.period.start, agreement.period.end))]
    if plan.approved_by_board:
        facts.append(Fact("Godkendt af bestyrelsen", danish.long_date(plan.approved_by_board)))
    sections = numbered(
        [
            ("purpose", "Formål", blocks(plan.purpose)),
            ("scope", "Omfang", blocks(plan.scope)),
            ("scenarios", "Scenarier", scenarios),
            ("communication", "Kommunikation", blocks(plan.communication)),
            ("contacts", "Kontakter", contact_blocks(plan)),
            ("follow_up", "Opfølgning", blocks(plan.follow_up)),
            ("review", "Revision og godkendelse", review_blocks(plan)),
        ]
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
