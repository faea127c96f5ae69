"""Model stage: the pydantic models of an agreement, each field with its Danish title."""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    StrictBool,
    StringConstraints,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

from agreementgen.language import ntr, tr
from agreementgen.source.names import ID_PATTERN
from agreementgen.text.nesting import MAX_NESTING, nesting

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Field(description="An id: lower-case letters, digits and hyphens, referred to elsewhere."),
]
# Text that must say something: not empty, and not only spaces (which look empty on paper).
NOT_BLANK = r"\S"
Text = Annotated[str, StringConstraints(min_length=1, pattern=NOT_BLANK)]
# Counts and years: `true` is not 1 and 12.5 is not 12.
Count = Annotated[int, Strict()]


def _not_too_deep(text: str) -> str:
    if nesting(text) > MAX_NESTING:
        raise ValueError(
            tr(
                "lists and quotes nest more than {most} levels deep; "
                "the text below that would be lost"
            ).format(most=MAX_NESTING)
        )
    return text


Markdown = Annotated[
    str,
    StringConstraints(min_length=1, pattern=NOT_BLANK),
    AfterValidator(_not_too_deep),
    Field(description="Markdown: paragraphs, lists, **bold**, *italic*, links and tables."),
]
YearMonth = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
    Field(description="A month as YYYY-MM."),
]
# A number, or a number in quotes ("12.5"), which the model reads as the same number; the
# schema says both (source/schema.py).
Number = Annotated[Decimal, Field(description="A number as written.")]
Cell = Number | str | None


class Model(BaseModel):
    """Base of every model: unknown keys are errors, values are immutable."""

    # Numbers are accepted where text is expected: a department number written 12 means "12".
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


def invalid_at(message: str, *at: str | int) -> PydanticCustomError:
    """A model's own check that failed at a place inside the model (`at`: 'rows', 2), so
    that the diagnostic points at that line rather than at the whole model."""
    return PydanticCustomError("invalid_at", "{message}", {"message": message, "at": at})


def titled(title: str, description: str, default: Any = ..., **kwargs: Any) -> Any:
    """Declare a field with its Danish title and English description."""
    return Field(default, title=title, description=description, **kwargs)


class DocumentModel(Model):
    """Base of the documents beside the agreement (delaftaler, budget, ...)."""

    illustrative: StrictBool = titled(
        "Illustrativt eksempel",
        "Marks an example written for illustration, not a real plan's document; it is "
        "rendered with a notice saying so.",
        False,
    )


# -- parties and departments --------------------------------------------------------------


class PartyKind(enum.StrEnum):
    """What kind of party signs the agreement."""

    HOUSING_ORGANISATION = "housing_organisation"
    MUNICIPALITY = "municipality"
    POLICE = "police"
    OTHER = "other"


class Signatory(Model):
    """The person who signs for a party."""

    name: str | None = titled("Navn", "Name of the person who signs.", None)
    title: str | None = titled("Titel", "Job title of the person who signs.", None)
    date: datetime.date | None = titled("Dato", "Date of signing; leave empty until signed.", None)


class Party(Model):
    """A party to the agreement (Aftalens parter); every party signs."""

    id: Id = titled("Id", "Id other entries use to refer to this party.")
    kind: PartyKind = titled("Type", "Housing organisation, municipality, police or other.")
    name: Text = titled("Navn", "The party's name as it appears in the agreement.")
    signatory: Signatory = titled("Underskriver", "Who signs for the party.", Signatory())


class Period(Model):
    """When the agreement applies."""

    start: datetime.date = titled("Fra", "First day of the agreement (YYYY-MM-DD).")
    end: datetime.date = titled("Til", "Last day of the agreement (YYYY-MM-DD).")

    @model_validator(mode="after")
    def _start_before_end(self) -> Period:
        if self.start >= self.end:
            raise ValueError(tr("the period must start before it ends"))
        return self


class PhysicalPlan(Model):
    """A physical renovation plan (byggefysisk helhedsplan) for a department."""

    description: Text = titled("Beskrivelse", "What the plan does.")
    expected_completion: YearMonth | None = titled(
        "Forventet færdig", "Month the plan is expected to be finished (YYYY-MM).", None
    )


class DepartmentGroup(Model):
    """Several small departments shown as one row in the section 1 overview table."""

    id: Id = titled("Id", "Id the departments of the group refer to.")
    name: Text = titled("Navn", "Name of the group, e.g. a town.")
    description: str | None = titled("Beskrivelse", "Text for the units column.", None)
    notes: str | None = titled("Andet", "Text for the notes column.", None)


class Department(Model):
    """A housing department (afdeling) covered by the plan."""

    id: Id = titled("Id", "Id other entries use to refer to this department.")
    number: str | None = titled("Afdelingsnummer", "The department number, e.g. '12'.", None)
    name: Text = titled("Afdelingsnavn", "The department's name.")
    name_note: str | None = titled(
        "Bemærkning til navn", "Shown after the name, e.g. 'inkl. afd. 112'.", None
    )
    owner: Id | None = titled(
        "Boligorganisation", "Id of the housing organisation that owns it.", None
    )
    built: str | None = titled("Opført", "When it was built, as text, e.g. '1968-1971'.", None)
    units: Count | None = titled("Antal lejemål", "Number of homes.", None, ge=0)
    building_type: str | None = titled(
        "Bebyggelsestype", "E.g. 'lejligheder i alment etagebyggeri'.", None
    )
    physical_plan: PhysicalPlan | None = titled(
        "Byggefysisk helhedsplan", "Physical plan, if any.", None
    )
    notes: str | None = titled("Andet", "Other remarks.", None)
    group: Id | None = titled("Gruppe", "Id of a department group to show it under.", None)


# -- content blocks ----------------------------------------------------------------------


class TableRow(Model):
    """A table row with its own unit, for tables that mix percentages and other numbers."""

    cells: list[Cell] = titled("Celler", "The row's cells; null is shown as '-'.")
    unit: Literal["number", "percent"] = titled("Enhed", "How the row's numbers are shown.")


def _row_kind(value: Any) -> str:
    return "row" if isinstance(value, dict | TableRow) else "cells"


Row = Annotated[
    Annotated[TableRow, Tag("row")] | Annotated[list[Cell], Tag("cells")],
    Discriminator(_row_kind),
]


class Table(Model):
    """A data table with a caption and source; numbers are formatted the Danish way."""

    caption: str | None = titled("Titel", "Caption above the table.", None)
    columns: list[str] = titled("Kolonner", "Column headings.", min_length=1)
    subcolumns: list[str] | None = titled("Underkolonner", "An optional second heading row.", None)
    rows: list[Row] = titled("Rækker", "Rows of cells; null is shown as '-'.")
    unit: Literal["number", "percent"] = titled(
        "Enhed", "How numbers are shown: 'percent' adds ' %'.", "number"
    )
    source: str | None = titled("Kilde", "Source note under the table.", None)

    @model_validator(mode="after")
    def _rectangular(self) -> Table:
        """Every row, and the second heading row, has one cell per column: a short row would
        shift its numbers under the wrong headings, a long one widen the table."""
        width = len(self.columns)
        rows: list[tuple[tuple[str | int, ...], list[Cell]]] = []
        if self.subcolumns is not None:
            rows.append((("subcolumns",), list(self.subcolumns)))
        rows += [
            (("rows", index), row.cells if isinstance(row, TableRow) else row)
            for index, row in enumerate(self.rows)
        ]
        for at, cells in rows:
            if len(cells) != width:
                # Two counts in one sentence: the cells choose the pair, the columns its form.
                message = (
                    ntr(
                        "has {cells} cell, but the table has {width} column",
                        "has {cells} cell, but the table has {width} columns",
                        width,
                    )
                    if len(cells) == 1
                    else ntr(
                        "has {cells} cells, but the table has {width} column",
                        "has {cells} cells, but the table has {width} columns",
                        width,
                    )
                )
                raise invalid_at(message.format(cells=len(cells), width=width), *at)
        return self


class Figure(Model):
    """A picture with caption and source."""

    image: Text | None = titled(
        "Billedfil", "Image file (PNG or JPEG) relative to the agreement folder.", None
    )
    caption: Text = titled("Billedtekst", "Caption under the picture.")
    source: str | None = titled("Kilde", "Source note.", None)
    width_cm: Decimal | None = titled("Bredde (cm)", "Printed width.", None, gt=0, le=17)


class TextBlock(Model):
    """Markdown prose."""

    text: Markdown = titled("Tekst", "Markdown prose.")


class TableBlock(Model):
    """A data table."""

    table: Table = titled("Tabel", "A data table.")


class FigureBlock(Model):
    """A figure."""

    figure: Figure = titled("Figur", "A picture with caption.")


class Insert(enum.StrEnum):
    """Tables and lists generated from the agreement's data, placed where the author wants."""

    DEPARTMENTS = "departments"
    CRITERIA = "criteria"
    BOARD = "board"
    BOARD_TASKS = "board_tasks"
    SUBGROUPS = "subgroups"
    ORG_CHART = "org_chart"


class InsertBlock(Model):
    """A generated table or list."""

    insert: Insert = titled("Indsæt", "Which generated table or list to place here.")


def _block_kind(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        return str(next(iter(value)))
    if isinstance(value, BaseModel):
        return next(iter(type(value).model_fields))
    return None


Block = Annotated[
    Annotated[TextBlock, Tag("text")]
    | Annotated[TableBlock, Tag("table")]
    | Annotated[FigureBlock, Tag("figure")]
    | Annotated[InsertBlock, Tag("insert")],
    Discriminator(
        _block_kind,
        custom_error_type="block_kind",
        custom_error_message="a block is a mapping with one key: text, table, figure or insert",
    ),
]
Body = Annotated[list[Block], Field(description="Content blocks, in order.")]


class Section(Model):
    """A section's own content."""

    body: Body = titled("Indhold", "The section's content blocks.", min_length=1)


class OptionalSection(Model):
    """A section whose content is fixed LBF text, with room for more."""

    body: Body = titled("Indhold", "Content after the fixed LBF text.", [])


# -- section 1: criteria table ---------------------------------------------------------------


class Criterion(Model):
    """A column of the parallel-society criteria table."""

    id: Id = titled("Id", "Id the rows use for this column.")
    label: Text = titled("Kriterium", "Column heading, e.g. 'Uden for arb.markedet'.")
    threshold: str | None = titled(
        "Grænse", "Threshold shown under the heading, e.g. '>40%'.", None
    )


class CriteriaRow(Model):
    """One department's values against the criteria; null means below the discretion limit."""

    department: Id = titled("Afdeling", "Id of the department.")
    values: dict[str, Number | None] = titled("Værdier", "Value per criterion id; null shows '-'.")


class CriteriaTable(Model):
    """The departments held up against the parallel-society criteria."""

    caption: Text = titled("Titel", "Caption, e.g. 'Afdelingerne holdt op imod ..., dec. 2023'.")
    criteria: list[Criterion] = titled("Kriterier", "The columns, in order.", min_length=1)
    rows: list[CriteriaRow] = titled("Rækker", "One row per department.", min_length=1)
    source: str | None = titled("Kilde", "Source note.", None)


class AreaSection(Section):
    """Section 1: the housing area."""

    criteria: CriteriaTable | None = titled(
        "Parallelsamfundskriterier", "Departments against the parallel-society criteria.", None
    )


# -- section 3: board -----------------------------------------------------------------------


class BoardMember(Model):
    """A member of the board (bestyrelse)."""

    role: Text = titled("Rolle", "Title and organisation, e.g. 'Socialchef i Viborg Kommune'.")
    party: Id = titled("Part", "Id of the party the member represents.")
    chair: StrictBool = titled("Formand", "Whether the member chairs the board.", False)
    name: str | None = titled("Navn", "The member's name.", None)


class SubgroupKind(enum.StrEnum):
    """Kinds of body under the board."""

    STEERING_GROUP = "steering_group"
    FOLLOW_UP_GROUP = "follow_up_group"
    MANAGEMENT_GROUP = "management_group"
    AD_HOC_GROUP = "ad_hoc_group"
    SECRETARIAT = "secretariat"
    OTHER = "other"


class Subgroup(Model):
    """A body under the board: steering or follow-up group, management group, secretariat."""

    id: Id = titled("Id", "Id of the group.")
    name: Text = titled("Navn", "Name, e.g. 'Chefgruppen'.")
    kind: SubgroupKind = titled("Type", "What kind of group it is.")
    description: Body = titled("Beskrivelse", "What the group is and how it works.", [])
    tasks_intro: str | None = titled(
        "Indledning til opgaver",
        "Line before the tasks; default '<name> har til opgave at:'.",
        None,
    )
    tasks: list[Text] = titled("Opgaver", "The group's tasks.", [])


class Board(Model):
    """The board (bestyrelse) responsible for the plan."""

    members: list[BoardMember] = titled("Medlemmer", "The board members.", min_length=1)
    secretariat: Text = titled("Sekretariatsbetjening", "Who serves the board as secretariat.")
    tasks_intro: str = titled(
        "Indledning til opgaver", "Line before the tasks.", "Bestyrelsen har til opgave at:"
    )
    tasks: list[Text] = titled("Opgaver", "The board's tasks.", [])
    subgroups: list[Subgroup] = titled("Underliggende grupper", "Groups under the board.", [])


# -- section 5: baselines --------------------------------------------------------------------


class Measurement(Model):
    """One baseline value, optionally labelled (a department) or annotated."""

    value: Number = titled("Værdi", "The value, written with the decimals to show.")
    label: str | None = titled("Betegnelse", "Shown before the value, e.g. a department.", None)
    note: str | None = titled("Note", "Shown after the value in parentheses.", None)


class Baseline(Model):
    """The baseline of one of the pack's fixed indicators."""

    indicator: Count = titled(
        "Indikator", "Number of the indicator in the template pack (1-9).", ge=1
    )
    unit: Literal["percent", "number"] = titled("Enhed", "'percent' adds ' %'.", "percent")
    area: list[Measurement] = titled("Baseline boligområde", "Values for the housing area.", [])
    comparison: list[Measurement] = titled(
        "Baseline kommune (evt. andet)", "Values for the municipality or another comparator.", []
    )
    year: Count | None = titled("Baselineår", "Year of the baseline.", None, ge=1990, le=2100)
    source: str | None = titled("Datakilde", "Data source; the pack's default when empty.", None)
    not_available: str | None = titled(
        "Ikke tilgængelig", "Why there is no value, e.g. 'Data ikke tilgængelig'.", None
    )


class GoalsSection(Model):
    """Section 5: fixed text and table, with the agreement's baselines."""

    baselines: list[Baseline] = titled("Baselines", "One entry per fixed indicator.", [])
    body: Body = titled("Indhold", "Content after the goals table.", [])


# -- section 6: focus areas ------------------------------------------------------------------


class FocusAreaKey(enum.StrEnum):
    """The four fixed LBF focus areas (indsatsområder), in template order."""

    EDUCATION = "education_and_life_chances"
    EMPLOYMENT = "employment"
    CRIME_PREVENTION = "crime_prevention"
    COHESION = "cohesion_and_citizenship"


class FocusArea(Model):
    """One focus area: chosen (gets a delaftale) or only described."""

    chosen: StrictBool = titled("Valgt", "Whether the area is chosen and gets its own delaftale.")
    problem_complex: Body = titled(
        "Problemkompleks for indsatsområdet", "The area's core challenges, concrete and with data."
    )
    cross_cutting_in: list[FocusAreaKey] = titled(
        "Tværgående i", "For an area not chosen: the chosen areas that carry it.", []
    )


class FocusAreas(Model):
    """Section 6: the four fixed focus areas; leave out an area the plan does not describe."""

    education_and_life_chances: FocusArea | None = titled("Uddannelse og livschancer", "", None)
    employment: FocusArea | None = titled("Beskæftigelse", "", None)
    crime_prevention: FocusArea | None = titled("Kriminalitetsforebyggelse", "", None)
    cohesion_and_citizenship: FocusArea | None = titled(
        "Sammenhængskraft og medborgerskab", "", None
    )


class Sections(Model):
    """Sections 1-8 of the agreement; the headings and fixed text come from the pack."""

    area: AreaSection = titled("1. Kort om boligområdet", "The housing area.")
    vision: Section = titled("2. Vision for boligområdet", "Vision, strategy and principles.")
    organisation: Section = titled("3. Organisering", "Organisation, after the fixed text.")
    interplay: Section = titled(
        "4. Samspil med centrale tiltag og indsatser i boligområdet", "Interplay with other work."
    )
    goals: GoalsSection = titled(
        "5. Overordnede mål og indikatorer for den boligsociale indsats", "Baselines."
    )
    focus_areas: FocusAreas = titled("6. Indsatsområder", "The problem complex of each area.")
    evaluation: Section = titled("7. Lokal evaluering", "How the plan is evaluated locally.")
    revision: OptionalSection = titled(
        "8. Revision af samarbejdsaftalen", "Content after the fixed text.", OptionalSection()
    )


class TemplatePack(enum.StrEnum):
    """The versions of the LBF template whose fixed text agreementgen carries."""

    LBF_2019 = "lbf-2019-26@2019-12-11"
    LBF_2023 = "lbf-2019-26@2023-11-24"


class Agreement(Model):
    """Strategisk samarbejdsaftale om boligsocial indsats."""

    model_config = ConfigDict(
        title="Strategisk samarbejdsaftale om boligsocial indsats",
        extra="forbid",
        frozen=True,
        coerce_numbers_to_str=True,
    )

    template_pack: TemplatePack = titled(
        "Skabelonpakke", "The LBF template version whose fixed text and tables are used."
    )
    templates: Text | None = titled(
        "Egne skabeloner",
        "A folder of your own templates, relative to the agreement folder and inside the "
        "project: its files replace the built-in ones of the same name (agreement.docx, "
        "document.docx, agreement.html.j2, document.html.j2, _blocks.html.j2, agreement.css).",
        None,
    )
    area_name: Text = titled("Områdets navn", "Name of the area or plan.")
    period: Period = titled("Samarbejdsaftalen gælder fra - til", "The agreement period.")
    parties: list[Party] = titled(
        "Aftalens parter", "The parties; every party signs.", min_length=1
    )
    department_groups: list[DepartmentGroup] = titled(
        "Afdelingsgrupper", "Groups of departments shown as one overview row.", []
    )
    departments: list[Department] = titled("Boligafdelinger", "The housing departments.", [])
    board: Board | None = titled("Bestyrelse", "The board and the groups under it.", None)
    sections: Sections = titled("Afsnit", "The content of sections 1-8.")
    example: StrictBool = titled(
        "Eksempel",
        "Marks an example agreement whose content is fictitious (agreements/example): it "
        "builds as a draft, and a final build refuses it (rule AG272). Delete the key in a "
        "real agreement.",
        False,
    )

    @property
    def own_date(self) -> datetime.date:
        """The agreement's own date: its last signature, or the start of its period if
        unsigned. Its documents and its organisation diagram carry it, never a build's time."""
        signed = [p.signatory.date for p in self.parties if p.signatory.date is not None]
        return max(signed) if signed else self.period.start
