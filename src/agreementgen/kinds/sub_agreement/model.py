"""The model of sub-agreements/<area>.yaml: the delaftale of one chosen focus area."""

from __future__ import annotations

import datetime

from pydantic import ConfigDict, model_validator

from agreementgen.language import tr
from agreementgen.source.model import (
    Body,
    Count,
    DocumentModel,
    FocusAreaKey,
    Id,
    Markdown,
    Model,
    Text,
    titled,
)


class PartPeriod(Model):
    """A period within the agreement's; a missing end or start is the agreement's."""

    start: datetime.date | None = titled(
        "Fra", "First day (YYYY-MM-DD); the agreement's start when empty.", None
    )
    end: datetime.date | None = titled(
        "Til", "Last day (YYYY-MM-DD); the agreement's end when empty.", None
    )

    @model_validator(mode="after")
    def _start_not_after_end(self) -> PartPeriod:
        if self.start and self.end and self.start > self.end:
            raise ValueError(tr("the period must not end before it starts"))
        return self


class OperationalParty(Model):
    """A party of the delaftale: a person or unit that works on the area, with its title.

    These are the operational level (an afdelingsleder, a jobcenter, a school), not the
    signatories of the strategic agreement; `party` ties each to the agreement party it
    belongs to, where it belongs to one.
    """

    id: Id = titled("Id", "Id the activities' partners use to refer to this party.")
    name: Text = titled(
        "Navn", "The person or unit, e.g. 'Jobcenter Viborg'. Prefer functions to names."
    )
    title: str | None = titled(
        "Titel", "The person's title or function, e.g. 'Afdelingsleder'.", None
    )
    organisation: str | None = titled(
        "Organisation",
        "The organisation it belongs to; the agreement party's name when empty.",
        None,
    )
    party: Id | None = titled(
        "Aftalepart",
        "Id of the agreement party it belongs to, if any (agreement.yaml parties).",
        None,
    )


class SubGoal(Model):
    """A sub-goal (delmål) of the area, pointing toward the fixed indicators."""

    id: Id = titled("Id", "Id the activities use to say which sub-goals they serve.")
    text: Text = titled("Delmål", "The sub-goal, one sentence.")
    indicators: list[Count] = titled(
        "Indikatorer",
        "Numbers of the template pack's fixed indicators (1-9) the sub-goal points toward.",
        [],
    )


class Activity(Model):
    """An activity (aktivitet) under the area."""

    id: Id = titled("Id", "Id of the activity; the budget and milestones refer to it.")
    name: Text = titled("Aktivitet", "The activity's name, e.g. 'Lektiecafé'.")
    description: Markdown = titled("Beskrivelse", "What the activity is and how it works.")
    target_group: str | None = titled("Målgruppe", "Who the activity is for.", None)
    responsible: Id = titled(
        "Ansvarlig", "Id of the agreement party responsible for it (agreement.yaml parties)."
    )
    partners: list[Text] = titled(
        "Samarbejdspartnere",
        "Partners: the id of a party of this delaftale (parties), or any other partner as "
        "text, e.g. 'Lokale virksomheder'.",
        [],
    )
    period: PartPeriod | None = titled(
        "Periode", "When it runs; the agreement period when empty.", None
    )
    sub_goals: list[Id] = titled("Delmål", "Ids of the sub-goals (sub_goals) it serves.", [])
    cfbu_activity_type: str | None = titled(
        "CFBU-aktivitetstype",
        "The activity type of CFBU's Inspirations- og Videnskatalog it follows, if any.",
        None,
    )


class Role(Model):
    """What one agreement party is responsible for in the area."""

    party: Id = titled("Part", "Id of the agreement party (agreement.yaml parties).")
    role: Markdown = titled("Rolle og ansvar", "The party's role and responsibilities.")


class SubAgreement(DocumentModel):
    """Delaftale for et indsatsområde.

    One file per chosen focus area, named after it: sub-agreements/employment.yaml.
    """

    model_config = ConfigDict(
        title="Delaftale", extra="forbid", frozen=True, coerce_numbers_to_str=True
    )

    area: FocusAreaKey = titled(
        "Indsatsområde", "The focus area; the same as the file name, e.g. 'employment'."
    )
    updated: datetime.date | None = titled(
        "Ajourført", "Date the board last brought the delaftale up to date.", None
    )
    period: PartPeriod | None = titled(
        "Periode", "When the delaftale applies; the agreement period when empty.", None
    )
    purpose: Body = titled(
        "Formål for indsatsområdet", "What the area's work is to achieve.", min_length=1
    )
    parties: list[OperationalParty] = titled(
        "Aftalens parter",
        "The people and units that carry out the area's work, with their titles.",
        [],
    )
    sub_goals: list[SubGoal] = titled(
        "Delmål for indsatsområdet", "The area's sub-goals (at least one).", []
    )
    target_groups: list[Text] = titled("Målgrupper", "The area's target groups.", [])
    activities: list[Activity] = titled(
        "Aktiviteter under indsatsområdet", "The area's activities (at least one).", []
    )
    roles: list[Role] = titled(
        "Ansvars- og rollefordeling",
        "Each agreement party's role in the area; every responsible party needs one.",
        [],
    )
    keeping_current: Body = titled(
        "Ajourføring", "How the board keeps the delaftale current, after LBF's fixed line.", []
    )
