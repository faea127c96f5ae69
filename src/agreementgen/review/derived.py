"""Derived figures: what the documents compute from the data and show, for `diff`.

A changed amount changes the budget's totals, a changed period every document's "Periode".
The figures are taken as the documents show them, never worked out a second way: the
budget's facts and the rows of its tables of figures come from its own view
(kinds/budget/view.py; the same figures are the computed cells of Budget.xlsx), the period
and the milestone count from the functions the documents format them with.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from agreementgen.kinds.budget import view as budget_view
from agreementgen.kinds.budget.figures import kroner, local_total, share_text
from agreementgen.kinds.budget.model import Budget
from agreementgen.kinds.milestones.model import MilestonePlan
from agreementgen.kinds.sub_agreement.model import SubAgreement
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.text import danish
from agreementgen.text.markdown import Heading, plain_text
from agreementgen.views.document import DataTable, SectionView, period_sentence

PERIOD = "Periode"

# A figure: the labels that lead to it, and what it shows, column by column ("" for a
# figure of one value).
Row = tuple[str, ...]
Figures = dict[Row, dict[str, str]]


@dataclass(frozen=True)
class FigureChange:
    """A row of derived figures that changed: its labels and the cells that differ."""

    where: Row
    cells: tuple[tuple[str, str | None, str | None], ...]  # (column, old, new)


def document_figures(name: str, loaded: LoadedAgreement) -> Figures:
    """The derived figures of document `name` of a loaded agreement folder."""
    if name == loaded.source.name:
        return _agreement(loaded)
    document = next((d for d in loaded.documents if d.name == name), None)
    if document is None:
        return {}
    model = document.model
    found: Figures = {(PERIOD,): {"": danish.period_text(*_period(model, loaded))}}
    if isinstance(model, MilestonePlan):
        found[("Antal milepæle",)] = {"": danish.number(len(model.milestones))}
    if isinstance(model, Budget):
        found |= _budget(document, loaded)
    return found


def compare(old: Figures, new: Figures) -> list[FigureChange]:
    """The rows whose figures differ, in the order of the new document (then the old)."""
    changes = []
    for row in [*new, *(r for r in old if r not in new)]:
        before, after = old.get(row, {}), new.get(row, {})
        columns = [*after, *(c for c in before if c not in after)]
        cells = tuple(
            (column, before.get(column), after.get(column))
            for column in columns
            if before.get(column) != after.get(column)
        )
        if cells:
            changes.append(FigureChange(row, cells))
    return changes


def _agreement(loaded: LoadedAgreement) -> Figures:
    """The front page: the period in the pack's sentence (the parties are the model's names)."""
    return {("Forside", PERIOD): {"": period_sentence(loaded.agreement, loaded.pack)}}


def _period(model: object, loaded: LoadedAgreement) -> tuple[datetime.date, datetime.date]:
    """The period a document shows: the agreement's, or a delaftale's own part of it."""
    agreement = loaded.agreement.period
    if isinstance(model, SubAgreement) and model.period is not None:
        return model.period.start or agreement.start, model.period.end or agreement.end
    return agreement.start, agreement.end


def _budget(document: LoadedDocument, loaded: LoadedAgreement) -> Figures:
    """The budget's facts and the figures of its tables, as the document shows them, and
    Landsbyggefonden's share, which its overview states."""
    content = budget_view.shown(document, loaded)
    found: Figures = {(fact.label,): {"": fact.value} for fact in content.facts}
    budget = document.model
    assert isinstance(budget, Budget)
    total = budget.total()
    lbf = total - local_total(list(budget.entries()))
    found[("Landsbyggefondens andel",)] = {"": f"{share_text(lbf, total)} ({kroner(lbf)} kr.)"}
    for section in content.sections:
        found |= _tables(section)
    return found


def _tables(section: SectionView) -> Figures:
    """Each row of the section's tables of figures, by the table's caption (or its section's
    and sub-heading's words) and the row's own label, column by column."""
    found: Figures = {}
    place: Row = (section.heading,)
    for block in section.blocks:
        if isinstance(block, Heading):
            place = (section.heading, plain_text(block.spans))
        if not isinstance(block, DataTable) or not any(block.numeric):
            continue  # a table of names (who pays what) holds no figure
        where = (block.caption,) if block.caption else place
        columns = block.header[-1][1:]
        for row in block.rows:
            label = row[0].split("\n")[0]  # a budget line's name, less its kind under it
            found[(*where, label)] = dict(zip(columns, row[1:], strict=True))
    return found


__all__ = ["FigureChange", "Figures", "compare", "document_figures"]
