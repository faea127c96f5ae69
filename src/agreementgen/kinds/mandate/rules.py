"""Rules for the board mandate (kommissorium)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from agreementgen.checks.agreement import Context
from agreementgen.checks.rules import Rule, document_missing
from agreementgen.errors import Diagnostic
from agreementgen.kinds.mandate import KIND as MANDATE
from agreementgen.kinds.mandate.model import BoardMandate
from agreementgen.language import N_, tr
from agreementgen.source.folder import LoadedAgreement

# A date as the regulations are cited: "11. december 2019", "19. marts 2015".
_CITED_DATE = re.compile(r"\d{1,2}\. [a-zæøå]+ \d{4}")


def mandate_exists(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """LBF wants a kommissorium uploaded with the agreement."""
    if missing := document_missing(
        loaded, ctx, MANDATE, N_("board mandate (kommissorium for bestyrelsen)")
    ):
        yield missing


def mandate_complete(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """The mandate describes the secretariat, and the board has members and tasks."""
    board = loaded.agreement.board
    for document, mandate in loaded.of_kind(MANDATE, BoardMandate):
        if board is None:
            return  # the rule that there is a board reports this
        tasks = [*board.tasks, *mandate.extra_tasks]
        if not tasks:
            yield ctx.at(
                (),
                "",
                tr("the mandate lists no tasks"),
                file=document.name,
                notes=(ctx.note(("board",), tr("the board's tasks come from board.tasks here")),),
            )


def regulation_cited(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """A mandate that cites a regulation cites the one of the agreement's template pack."""
    for document, mandate in loaded.of_kind(MANDATE, BoardMandate):
        cited = mandate.regulation_reference
        if not cited:
            continue
        expected = set(_CITED_DATE.findall(ctx.pack.regulation))
        stale = [d for d in _CITED_DATE.findall(cited) if d not in expected]
        if stale:
            yield ctx.at(
                ("regulation_reference",),
                "",
                tr(
                    "the mandate cites the regulation of {cited}, the agreement's template is"
                    " based on {regulation}"
                ).format(cited=stale[0], regulation=ctx.pack.regulation),
                file=document.name,
                notes=(
                    ctx.note(
                        ("template_pack",),
                        tr("template pack {pack}").format(pack=ctx.pack.id.value),
                    ),
                ),
            )


RULES = (
    Rule("AG260", "E", "a board mandate (kommissorium) is present", mandate_exists, 25),
    Rule("AG261", "E", "the mandate lists the board's tasks", mandate_complete, 25),
    Rule("AG262", "W", "the mandate cites the template pack's regulation", regulation_cited, 27),
)
