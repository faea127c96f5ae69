"""The model of board-mandate.yaml (kommissorium for bestyrelsen)."""

from __future__ import annotations

import datetime

from agreementgen.source.model import Body, DocumentModel, Text, titled


class BoardMandate(DocumentModel):
    """Kommissorium for bestyrelsen.

    The composition, chairs, tasks, secretariat and sub-groups are not repeated here: they
    come from `board` in agreement.yaml, the one source both documents draw on.
    """

    background: Body = titled("Baggrund", "Why the board exists: the plan and its parties.")
    purpose: Body = titled("Formål", "What the board is to achieve.")
    secretariat: Body = titled(
        "Sekretariatsbetjening",
        "How the secretariat serves the board, after the line in agreement.yaml "
        "board.secretariat (LBF requires the mandate to describe it).",
        [],
    )
    meetings: Body = titled("Møder", "How often the board meets and how meetings are prepared.")
    decisions: Body = titled("Beslutningskompetence", "What the board decides and how (quorum).")
    follow_up: Body = titled(
        "Opfølgning på mål", "How the board follows the fixed goals and LBF's data.", []
    )
    sub_agreements: Body = titled(
        "Ajourføring af delaftaler", "How the board keeps the delaftaler current."
    )
    amendment: Body = titled("Ændring af kommissoriet", "How this mandate is changed.")
    regulation_reference: str | None = titled(
        "Regulativhenvisning",
        "The LBF regulation the mandate cites, e.g. 'regulativ af 11. december 2019'.",
        None,
    )
    approved: datetime.date | None = titled(
        "Godkendt af bestyrelsen", "Date the board approved the mandate.", None
    )
    extra_tasks: list[Text] = titled(
        "Øvrige opgaver", "Tasks beyond those listed in agreement.yaml board.tasks.", []
    )
