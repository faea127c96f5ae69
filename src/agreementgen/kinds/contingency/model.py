"""The model of contingency-plan.yaml (beredskabsplan).

What LBF requires a beredskabsplan to hold is not confirmed (lbf.md §10): the content here is
agreementgen's assumption, after generic preparedness practice and SSP's acute response.
"""

from __future__ import annotations

import datetime

from agreementgen.source.model import Body, DocumentModel, Id, Model, Text, titled


class Scenario(Model):
    """One kind of incident and how the parties react to it."""

    id: Id = titled("Id", "Id of the scenario, unique in the plan.")
    name: Text = titled("Hændelse", "The kind of incident, e.g. 'Uro mellem grupper af unge'.")
    description: Body = titled("Beskrivelse", "What the incident looks like, if needed.", [])
    trigger: Body = titled(
        "Aktivering", "When the plan is activated for this incident: the signs and thresholds.", []
    )
    decides: str | None = titled(
        "Beslutter aktivering", "The function that decides to activate the plan.", None
    )
    actions: list[Text] = titled("Handlinger", "The steps, in order.", [])
    responsible_function: str | None = titled(
        "Ansvarlig funktion",
        "The function (not a person) responsible for carrying out the steps.",
        None,
    )
    partners: list[Text] = titled(
        "Samarbejdspartnere", "Who takes part, e.g. 'Politi', 'SSP', 'Kommunens krisestab'.", []
    )


class Contact(Model):
    """How to reach a function; names and private numbers belong in the internal annex."""

    function: Text = titled(
        "Funktion", "The function, e.g. 'Vagthavende, Midt- og Vestjyllands Politi'."
    )
    channel: Text = titled("Kanal", "How to reach it, e.g. '114' or 'vagttelefonen'.")
    hours: str | None = titled("Træffes", "When it can be reached, e.g. 'døgnet rundt'.", None)


class ContingencyPlan(DocumentModel):
    """Beredskabsplan: how the plan's parties react to acute incidents in the area."""

    purpose: Body = titled("Formål", "What the plan is for.", min_length=1)
    scope: Body = titled("Omfang", "Which areas, incidents and people it covers.", min_length=1)
    scenarios: list[Scenario] = titled("Scenarier", "The incidents the plan prepares for.", [])
    communication: Body = titled(
        "Kommunikation", "How residents, the press and staff are informed.", []
    )
    contacts: list[Contact] = titled(
        "Kontakter", "Functions and how to reach them, not persons and private numbers.", []
    )
    internal_annex: str | None = titled(
        "Internt bilag",
        "Where the internal contact list with names and numbers is kept (it is not uploaded).",
        None,
    )
    follow_up: Body = titled("Opfølgning", "Debriefing and evaluation after an incident.", [])
    review: str | None = titled("Revision", "How often and by whom the plan is reviewed.", None)
    approved_by_board: datetime.date | None = titled(
        "Godkendt af bestyrelsen", "Date the board approved the plan.", None
    )
