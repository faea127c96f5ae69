"""How the board mandate (kommissorium) renders: its own text plus the board from the agreement."""

from __future__ import annotations

from collections.abc import Sequence

from agreementgen.kinds.mandate.model import BoardMandate
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.source.model import Block
from agreementgen.text.danish import long_date, period_text
from agreementgen.text.markdown import Heading, Paragraph, Span
from agreementgen.views.document import (
    Fact,
    View,
    ViewBlock,
    board_blocks,
    numbered,
    simple_document,
    task_blocks,
    view_blocks,
)


def view(document: LoadedDocument, loaded: LoadedAgreement) -> View:
    """Return the kommissorium's view."""
    mandate = document.model
    assert isinstance(mandate, BoardMandate)
    agreement = loaded.agreement
    board = agreement.board
    assert board is not None  # the rules make a mandate without a board an error

    def blocks(body: Sequence[Block]) -> list[ViewBlock]:
        return list(view_blocks(body, loaded))

    subgroups: list[ViewBlock] = []
    for group in board.subgroups:
        subgroups.append(Heading(2, (Span(group.name),)))
        subgroups += blocks(group.description)
        subgroups += task_blocks(
            group.tasks_intro or f"{group.name} har til opgave at:", group.tasks
        )
    secretariat: list[ViewBlock] = [Paragraph((Span(board.secretariat),))]
    secretariat += blocks(mandate.secretariat)
    facts = [Fact("Periode", period_text(agreement.period.start, agreement.period.end))]
    if mandate.regulation_reference:
        facts.append(Fact("Grundlag", mandate.regulation_reference))
    if mandate.approved:
        facts.append(Fact("Godkendt af bestyrelsen", long_date(mandate.approved)))
    sections = numbered(
        [
            ("background", "Baggrund", blocks(mandate.background)),
            ("purpose", "Formål", blocks(mandate.purpose)),
            (
                "tasks",
                "Opgaver",
                list(task_blocks(board.tasks_intro, [*board.tasks, *mandate.extra_tasks])),
            ),
            ("composition", "Sammensætning og formandskab", list(board_blocks(board))[:-1]),
            ("secretariat", "Sekretariatsbetjening", secretariat),
            ("meetings", "Møder", blocks(mandate.meetings)),
            ("decisions", "Beslutningskompetence", blocks(mandate.decisions)),
            ("subgroups", "Underliggende grupper", subgroups),
            ("follow_up", "Opfølgning på mål", blocks(mandate.follow_up)),
            ("sub_agreements", "Ajourføring af delaftaler", blocks(mandate.sub_agreements)),
            ("amendment", "Ændring af kommissoriet", blocks(mandate.amendment)),
        ]
    )
    title = "Kommissorium for bestyrelsen"
    content = simple_document(
        loaded,
        title=title,
        facts=facts,
        sections=sections,
        illustrative=mandate.illustrative,
        own_layout=False,
    )
    return View(stem=title, document=content, sources=(document.name, loaded.source.name))
