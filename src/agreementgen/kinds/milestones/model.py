"""The model of milestones.yaml (milepælsplan).

LBF's milestone template is not public (lbf.md §9): the columns here are agreementgen's
assumption, after what LBF's texts and the filled-in agreements mention.
"""

from __future__ import annotations

import calendar
import datetime
import enum
import re
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, WithJsonSchema, model_validator

from agreementgen.language import tr
from agreementgen.source.model import (
    Body,
    DocumentModel,
    FocusAreaKey,
    Id,
    Model,
    Text,
    YearMonth,
    titled,
)

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def _quarter(value: str) -> str:
    if not _QUARTER.match(value):
        raise ValueError(
            tr("{value!r} is not a quarter; write quarters as YYYY-Qn, e.g. 2026-Q3").format(
                value=value
            )
        )
    return value


Quarter = Annotated[
    str,
    AfterValidator(_quarter),
    WithJsonSchema({"type": "string", "pattern": _QUARTER.pattern}),
]


class MilestoneKind(enum.StrEnum):
    """What kind of milestone it is; the Danish name is its label in the plan."""

    PREPARATION = "preparation"
    START_UP = "start_up"
    ACTIVITY = "activity"
    EVALUATION = "evaluation"
    BOARD = "board"
    REPORTING = "reporting"
    PHYSICAL_PLAN = "physical_plan"
    CLOSING = "closing"


KIND_LABELS = {
    MilestoneKind.PREPARATION: "Forberedelse",
    MilestoneKind.START_UP: "Opstart",
    MilestoneKind.ACTIVITY: "Aktivitet",
    MilestoneKind.EVALUATION: "Evaluering",
    MilestoneKind.BOARD: "Bestyrelse",
    MilestoneKind.REPORTING: "Indberetning",
    MilestoneKind.PHYSICAL_PLAN: "Byggefysisk plan",
    MilestoneKind.CLOSING: "Afslutning",
}


class Status(enum.StrEnum):
    """How far a milestone has come."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    POSTPONED = "postponed"


STATUS_LABELS = {
    Status.PLANNED: "Planlagt",
    Status.IN_PROGRESS: "I gang",
    Status.DONE: "Gennemført",
    Status.POSTPONED: "Udskudt",
}


class MilestoneArea(enum.StrEnum):
    """The focus area a milestone belongs to, or cross-cutting (the plan as a whole)."""

    EDUCATION = FocusAreaKey.EDUCATION.value
    EMPLOYMENT = FocusAreaKey.EMPLOYMENT.value
    CRIME_PREVENTION = FocusAreaKey.CRIME_PREVENTION.value
    COHESION = FocusAreaKey.COHESION.value
    CROSS_CUTTING = "cross_cutting"

    @property
    def focus_area(self) -> FocusAreaKey | None:
        """The focus area, or None for cross-cutting."""
        return None if self is MilestoneArea.CROSS_CUTTING else FocusAreaKey(self.value)


CROSS_CUTTING_LABEL = "Tværgående"


class DateRange(Model):
    """A stretch of time from one day to another, both included."""

    start: datetime.date = titled("Fra", "First day (YYYY-MM-DD).")
    end: datetime.date = titled("Til", "Last day (YYYY-MM-DD).")

    @model_validator(mode="after")
    def _start_before_end(self) -> DateRange:
        if self.start > self.end:
            raise ValueError(tr("the period ends before it starts"))
        return self


WHEN = ("date", "month", "quarter", "period")
# `_one_when` for editors: exactly one of WHEN is given and not empty.
_ONE_WHEN: dict[str, Any] = {
    "oneOf": [
        {"required": [name], "properties": {name: {"not": {"type": "null"}}}} for name in WHEN
    ]
}


class Milestone(Model):
    """One milestone: when, what, which area, who is responsible, how far it has come."""

    model_config = ConfigDict(json_schema_extra=_ONE_WHEN)

    id: Id = titled("Id", "Id of the milestone, unique in the plan.")
    date: datetime.date | None = titled("Dato", "The day (YYYY-MM-DD).", None)
    month: YearMonth | None = titled(
        "Måned", "The month, when the day is not known yet (YYYY-MM).", None
    )
    quarter: Quarter | None = titled(
        "Kvartal", "The quarter, when the month is not known yet (YYYY-Qn, e.g. 2026-Q3).", None
    )
    period: DateRange | None = titled(
        "Periode", "A milestone that lasts: from one date to another.", None
    )
    text: Text = titled("Milepæl", "What happens or is reached.")
    kind: MilestoneKind = titled(
        "Type",
        "preparation, start_up, activity, evaluation, board, reporting, physical_plan or closing.",
    )
    area: MilestoneArea = titled(
        "Indsatsområde",
        "The chosen focus area it belongs to, or cross_cutting for the plan as a whole.",
        MilestoneArea.CROSS_CUTTING,
    )
    activities: list[Id] = titled(
        "Aktiviteter", "Ids of the delaftaler's activities the milestone concerns.", []
    )
    department: Id | None = titled(
        "Afdeling", "Id of the department it concerns (for a physical plan: whose plan).", None
    )
    responsible: Id | None = titled(
        "Ansvarlig",
        "Who is responsible: a party's id, the id of a group under the board, or 'board'.",
        None,
    )
    status: Status = titled("Status", "planned, in_progress, done or postponed.", Status.PLANNED)

    @model_validator(mode="after")
    def _one_when(self) -> Milestone:
        given = [name for name in WHEN if getattr(self, name) is not None]
        if not given:
            raise ValueError(tr("a milestone needs one of date, month, quarter or period"))
        if len(given) > 1:
            keys = given[0]
            for name in given[1:]:
                keys = tr("{items} and {last}").format(items=keys, last=name)
            raise ValueError(
                tr("a milestone has one of date, month, quarter or period, not {keys}").format(
                    keys=keys
                )
            )
        return self

    @property
    def when(self) -> str:
        """Which of date, month, quarter and period is given."""
        return next(name for name in WHEN if getattr(self, name) is not None)

    @property
    def as_written(self) -> str:
        """When, as written in the YAML: '2026-04-15', '2026-04', '2026-Q2', '... to ...'."""
        if self.period is not None:
            return f"{self.period.start} to {self.period.end}"
        return str(getattr(self, self.when))

    @property
    def span(self) -> tuple[datetime.date, datetime.date]:
        """The first and last day the milestone covers (a month or quarter: all its days)."""
        if self.date is not None:
            return self.date, self.date
        if self.period is not None:
            return self.period.start, self.period.end
        if self.month is not None:
            year, month = (int(part) for part in self.month.split("-"))
            return _month_span(year, month, 1)
        assert self.quarter is not None
        match = _QUARTER.match(self.quarter)
        assert match is not None
        year, quarter = int(match[1]), int(match[2])
        return _month_span(year, 3 * quarter - 2, 3)

    @property
    def exact(self) -> bool:
        """Whether the days are known (a date or period), not only a month or quarter."""
        return self.date is not None or self.period is not None


def _month_span(year: int, month: int, months: int) -> tuple[datetime.date, datetime.date]:
    last = month + months - 1
    return datetime.date(year, month, 1), datetime.date(
        year, last, calendar.monthrange(year, last)[1]
    )


class MilestonePlan(DocumentModel):
    """Milepælsplan: the plan's milestones for the whole period."""

    intro: Body = titled("Indledning", "Text before the timeline: how the plan is used.", [])
    updated: datetime.date | None = titled(
        "Senest ajourført", "Date the plan was last brought up to date.", None
    )
    milestones: list[Milestone] = titled("Milepæle", "The milestones, in any order.", [])
