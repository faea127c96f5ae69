"""The model of budget.yaml: a fact table of amounts per line, calendar year and funding source.

LBF's budget template is per case and not public (lbf.md §8), so the budget is kept as facts
from which any layout can be drawn: every line says what it is for (focus area, cost category,
activities, in kind or not) and how much each funding source pays in each calendar year.
Totals are always computed, never typed.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, Strict, StrictBool, WithJsonSchema, field_validator

from agreementgen.language import N_, tr
from agreementgen.source.model import Body, DocumentModel, Id, Model, Number, Text, titled
from agreementgen.source.names import ID_PATTERN

LBF = "lbf"
LBF_NAME = "Landsbyggefonden"
# 1.250.000 typed the Danish way is a string in YAML, and 450.000 a decimal number (450).
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


class CostCategory(enum.StrEnum):
    """What a budget line pays for."""

    STAFF = "staff"
    ACTIVITIES = "activities"
    ADMINISTRATION = "administration"
    EVALUATION = "evaluation"
    AUDIT = "audit"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The Danish name, as the documents show it."""
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS = {
    CostCategory.STAFF: "Personale",
    CostCategory.ACTIVITIES: "Aktiviteter",
    CostCategory.ADMINISTRATION: "Administration",
    CostCategory.EVALUATION: "Evaluering",
    CostCategory.AUDIT: "Revision",
    CostCategory.OTHER: "Andet",
}


class LineArea(enum.StrEnum):
    """The focus area a line serves (the four fixed ones, in template order), or several."""

    EDUCATION = "education_and_life_chances"
    EMPLOYMENT = "employment"
    CRIME_PREVENTION = "crime_prevention"
    COHESION = "cohesion_and_citizenship"
    CROSS_CUTTING = "cross_cutting"


CROSS_CUTTING_LABEL = "Tværgående"


def _whole_kroner(value: Any) -> Any:
    """Say plainly what went wrong when an amount is written with a thousands separator."""
    written = str(value) if isinstance(value, str | Decimal) else ""
    if _THOUSANDS.match(written):
        digits = written.replace(".", "")
        raise ValueError(
            tr(
                "{written} is not an amount in whole kroner; write {digits} without separators"
            ).format(written=written, digits=digits)
        )
    return value


Amount = Annotated[
    int,
    Strict(),
    Field(ge=0, description="An amount in whole Danish kroner (DKK), 0 or more."),
    BeforeValidator(_whole_kroner),
]
Year = Annotated[int, Field(ge=2000, le=2099)]
# pydantic cannot say that the keys are years; editors should know.
_AMOUNTS_SCHEMA = {
    "type": "object",
    "minProperties": 1,
    "propertyNames": {"pattern": "^20[0-9]{2}$", "description": "A calendar year, e.g. 2026."},
    "additionalProperties": {
        "type": "object",
        "propertyNames": {
            "pattern": ID_PATTERN,
            "description": "'lbf', a party's id or a funder's id.",
        },
        "additionalProperties": {
            "type": "integer",
            "minimum": 0,
            "description": "An amount in whole Danish kroner (DKK), 0 or more.",
        },
    },
}


def _unique(items: list[Any], message: str) -> list[Any]:
    """The `items`, if their ids are unique; else say `message` (marked, with {ident},
    {first} and {second}: the numbers of the two items, from 1)."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.id in seen:
            raise ValueError(
                tr(message).format(ident=item.id, first=seen[item.id] + 1, second=index + 1)
            )
        seen[item.id] = index
    return items


class Funder(Model):
    """A funding source other than LBF and the parties, e.g. a foundation."""

    id: Id = titled(
        "Id",
        "Id the lines' amounts use for this funder; not 'lbf', which is Landsbyggefonden's.",
        json_schema_extra={"not": {"const": LBF}},
    )
    name: Text = titled("Navn", "The funder's name, e.g. 'Poul Due Jensen Fonden'.")
    note: str | None = titled(
        "Bemærkning", "What the money is for or on what terms, e.g. 'bevilget 2025'.", None
    )

    @field_validator("id")
    @classmethod
    def _not_lbf(cls, value: str) -> str:
        if value == LBF:
            raise ValueError(tr("'lbf' is Landsbyggefonden's id; give the funder another id"))
        return value


class BudgetLine(Model):
    """One line of the budget: what it pays for and who pays how much in which year."""

    id: Id = titled("Id", "Id of the line, e.g. 'leder' or 'lektiecafe'.")
    description: Text = titled(
        "Beskrivelse", "What the line pays for, e.g. 'Boligsocial leder, 1 årsværk'."
    )
    category: CostCategory = titled(
        "Udgiftstype",
        "staff (personale), activities (aktiviteter), administration, evaluation "
        "(evaluering), audit (revision) or other (andet).",
    )
    area: LineArea = titled(
        "Indsatsområde",
        "The chosen focus area the line serves, or cross_cutting (tværgående) for costs "
        "shared by several areas such as management and administration.",
    )
    activities: list[Id] = titled(
        "Aktiviteter", "Ids of the delaftale activities the line pays for.", []
    )
    in_kind: StrictBool = titled(
        "Naturalydelse",
        "true when the amounts are co-financing in kind (staff time, premises), valued in "
        "kroner, rather than cash.",
        False,
    )
    fte: Number | None = titled(
        "Årsværk", "Full-time equivalents the line pays for, e.g. 1.0 or 0.5.", None, ge=0, le=999
    )
    valuation: str | None = titled(
        "Værdiansættelse",
        "How an in-kind amount was valued, e.g. '0,5 årsværk à 560.000 kr.'.",
        None,
    )
    amounts: Annotated[dict[Year, dict[Id, Amount]], WithJsonSchema(_AMOUNTS_SCHEMA)] = titled(
        "Beløb",
        "Per calendar year, the amount in whole kroner each funding source pays: 'lbf', an "
        "agreement party's id or a funder's id, e.g. {2026: {lbf: 450000, "
        "eksempelby-kommune: 150000}}.",
        min_length=1,
    )

    def total(self) -> int:
        """The line's amount over every year and source."""
        return sum(sum(by_source.values()) for by_source in self.amounts.values())


@dataclass(frozen=True)
class Entry:
    """One amount of the fact table: a line, a year, a funding source."""

    line: BudgetLine
    year: int
    source: str
    amount: int


class Budget(DocumentModel):
    """Budget for the boligsociale helhedsplan."""

    price_level: str | None = titled(
        "Pris- og lønniveau", "The price and wage level of the amounts, e.g. '2025-niveau'.", None
    )
    funders: list[Funder] = titled(
        "Øvrige bidragydere",
        "Funding sources other than LBF and the parties, e.g. foundations.",
        [],
    )
    lines: list[BudgetLine] = titled("Budgetlinjer", "The budget's lines.", min_length=1)
    assumptions: Body = titled(
        "Budgetforudsætninger",
        "Notes on how the budget was drawn up: wage levels, price index, part years.",
        [],
    )

    @field_validator("funders")
    @classmethod
    def _unique_funders(cls, value: list[Funder]) -> list[Funder]:
        return _unique(value, N_("duplicate funder id {ident!r} (funders {first} and {second})"))

    @field_validator("lines")
    @classmethod
    def _unique_lines(cls, value: list[BudgetLine]) -> list[BudgetLine]:
        return _unique(value, N_("duplicate line id {ident!r} (lines {first} and {second})"))

    def entries(self) -> Iterator[Entry]:
        """Every amount, line by line, year by year, in the order written."""
        for line in self.lines:
            for year, by_source in line.amounts.items():
                for source, amount in by_source.items():
                    yield Entry(line, year, source, amount)

    def years(self) -> list[int]:
        """The calendar years that have amounts, in order."""
        return sorted({year for line in self.lines for year in line.amounts})

    def total(self) -> int:
        """The grand total."""
        return sum(entry.amount for entry in self.entries())
