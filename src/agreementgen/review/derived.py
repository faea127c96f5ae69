"""Derived figures: what the documents compute from the data and show, for `diff`.

A changed amount changes the budget's totals, a changed period every document's "Periode".
These are worked out here with the functions the documents use (kinds/budget/figures.py,
text/danish.py), never a second way, and compared as the documents show them. The budget's
figures are the computed cells of Budget.xlsx: the financing per source and year, the
breakdowns by area and cost category with their shares, the in-kind part and each line's
total; the Word document shows the same figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from agreementgen.kinds.budget.figures import (
    area_label,
    kroner,
    local_total,
    share_text,
    sources,
    totals,
    year_span,
)
from agreementgen.kinds.budget.model import LBF, Budget, CostCategory, Entry, LineArea
from agreementgen.kinds.milestones.model import MilestonePlan
from agreementgen.kinds.sub_agreement.model import SubAgreement
from agreementgen.source.folder import LoadedAgreement
from agreementgen.text import danish

TOTAL = "I alt"
NIL = "–"  # an amount of 0 kr., as the budget's tables show it
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
        found |= _budget(model, loaded)
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
    period = loaded.agreement.period
    sentence = loaded.pack.labels.period.format(
        start=danish.long_date(period.start), end=danish.long_date(period.end)
    )
    return {("Forside", PERIOD): {"": sentence}}


def _period(model: object, loaded: LoadedAgreement) -> tuple[datetime.date, datetime.date]:
    """The period a document shows: the agreement's, or a delaftale's own part of it."""
    agreement = loaded.agreement.period
    if isinstance(model, SubAgreement) and model.period is not None:
        return model.period.start or agreement.start, model.period.end or agreement.end
    return agreement.start, agreement.end


def _amount(value: int) -> str:
    return kroner(value) if value else NIL


def _by_year(entries: Iterable[Entry], years: Sequence[int]) -> dict[str, str]:
    """Amounts per year and in total, as a table row of the budget shows them."""
    per_year = totals(entries, lambda e: e.year)
    row = {str(year): _amount(per_year.get(year, 0)) for year in years}
    return row | {TOTAL: _amount(sum(per_year.values()))}


def _budget(budget: Budget, loaded: LoadedAgreement) -> Figures:
    agreement, pack = loaded.agreement, loaded.pack
    period = agreement.period
    years = sorted({*range(period.start.year, period.end.year + 1), *budget.years()})
    entries = list(budget.entries())
    total, local = budget.total(), local_total(entries)
    lbf = total - local
    found: Figures = {
        ("Budgetår",): {"": f"{year_span(years)} (kalenderår)"},
        ("Samlet budget",): {"": f"{kroner(total)} kr."},
        ("Lokal medfinansiering",): {"": f"{share_text(local, total)} ({kroner(local)} kr.)"},
        ("Landsbyggefondens andel",): {"": f"{share_text(lbf, total)} ({kroner(lbf)} kr.)"},
    }
    financing = "Finansiering pr. år"
    for source in sources(budget, agreement):
        paid = [e for e in entries if e.source == source.id]
        found[(financing, source.name)] = _by_year(paid, years)
    found[(financing, TOTAL)] = _by_year(entries, years)
    local_entries = [e for e in entries if e.source != LBF]
    found[(financing, "Heraf lokal medfinansiering")] = _by_year(local_entries, years)
    local_years = totals(local_entries, lambda e: e.year)
    all_years = totals(entries, lambda e: e.year)
    shares = {str(y): share_text(local_years.get(y, 0), all_years.get(y, 0)) for y in years}
    found[(financing, "Lokal andel")] = shares | {TOTAL: share_text(local, total)}
    used = {line.area for line in budget.lines}
    areas = [(a, area_label(a, pack)) for a in LineArea if a in used]
    written = {line.category for line in budget.lines}
    categories = [(c, c.label) for c in CostCategory if c in written]
    found |= _breakdown("Fordeling på indsatsområder", areas, lambda e: e.line.area, entries, years)
    found |= _breakdown(
        "Fordeling på udgiftstyper", categories, lambda e: e.line.category, entries, years
    )
    in_kind = [line for line in budget.lines if line.in_kind]
    found[("Naturalydelser", TOTAL)] = {"": kroner(sum(line.total() for line in in_kind))}
    for line in budget.lines:
        found[("Budgetlinjer", line.description)] = {TOTAL: kroner(line.total())}
    return found


def _breakdown(
    caption: str,
    keys: Sequence[tuple[Hashable, str]],
    key: Callable[[Entry], Hashable],
    entries: Sequence[Entry],
    years: Sequence[int],
) -> Figures:
    """Amounts per `key` and year with each row's share of the total, as the budget's
    breakdown tables and the spreadsheet's overview show them."""
    total = sum(e.amount for e in entries)
    found: Figures = {}
    for value, label in keys:
        chosen = [e for e in entries if key(e) == value]
        share = share_text(sum(e.amount for e in chosen), total)
        found[(caption, label)] = _by_year(chosen, years) | {"Andel": share}
    found[(caption, TOTAL)] = _by_year(entries, years) | {"Andel": share_text(total, total)}
    return found


__all__ = ["FigureChange", "Figures", "compare", "document_figures"]
