"""How the budget renders: totals by source, area and category, the lines, the in-kind part.

The layout is agreementgen's own (LBF's template is not public); the spreadsheet beside it
(xlsx.py) holds the same figures with live formulas.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from agreementgen.kinds.budget.figures import (
    Source,
    activities,
    area_label,
    kroner,
    local_total,
    share,
    share_text,
    sources,
    totals,
    year_span,
)
from agreementgen.kinds.budget.model import LBF, Budget, BudgetLine, CostCategory, Entry, LineArea
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.source.model import Agreement
from agreementgen.source.packs import Pack
from agreementgen.text.danish import long_date, number, period_text
from agreementgen.text.markdown import Heading, ListBlock, Paragraph, Span
from agreementgen.views.columns import amount_width
from agreementgen.views.document import (
    DataTable,
    Extras,
    Fact,
    SimpleDocument,
    View,
    ViewBlock,
    finish_table,
    numbered,
    simple_document,
    view_blocks,
)

TITLE = "Budget"
XLSX = f"{TITLE}.xlsx"
TOTAL = "I alt"
NIL = "–"  # an amount of 0 kr. in a table


@dataclass(frozen=True)
class _Budget:
    """The budget with what every part of the view needs."""

    budget: Budget
    pack: Pack
    years: list[int]
    entries: list[Entry]
    sources: list[Source]
    areas: list[LineArea]

    @property
    def names(self) -> dict[str, str]:
        return {s.id: s.name for s in self.sources}

    @property
    def amount_columns(self) -> tuple[int, ...]:
        """Least widths (twips) of the label, year and total columns of the tables by year,
        the same in each so that they line up: a year's column holds the largest year's
        total, the total's column the budget's total (both bold, as in the total rows)."""
        years = _by_year(self.entries).values()
        widest_year = max((amount_width(kroner(amount)) for amount in years), default=0)
        total = amount_width(kroner(self.budget.total()))
        return (0, *(widest_year for _ in self.years), total)

    def lines(self, area: LineArea) -> list[BudgetLine]:
        return [line for line in self.budget.lines if line.area is area]


def view(document: LoadedDocument, loaded: LoadedAgreement) -> View:
    """Return the budget's view, with the spreadsheet and the key figures for the manifest."""
    content, b = _document(document, loaded, assumptions=True)
    return View(
        stem=TITLE,
        document=content,
        sources=(document.name, loaded.source.name),
        extras=Extras({XLSX: functools.partial(_spreadsheet, content, b, loaded.agreement)}),
        summary=_summary(b),
    )


def _spreadsheet(content: SimpleDocument, b: _Budget, agreement: Agreement) -> bytes:
    """Budget.xlsx. openpyxl is imported only here, where the spreadsheet is made: `diff`,
    a redline and the page's preview read the document alone."""
    from agreementgen.kinds.budget.xlsx import Sheet, workbook

    return workbook(
        Sheet(
            title=TITLE,
            subtitle=agreement.area_name,
            period=period_text(agreement.period.start, agreement.period.end),
            notice=content.notice,
            years=tuple(b.years),
            sources=tuple(b.sources),
            areas=tuple(area_label(a, b.pack) for a in b.areas),
            categories=tuple(c.label for c in _categories(b.budget)),
            lines=tuple(b.budget.lines),
            area_labels={a.value: area_label(a, b.pack) for a in LineArea},
        )
    )


def shown(document: LoadedDocument, loaded: LoadedAgreement) -> SimpleDocument:
    """The budget document's facts and tables as its view shows them, for `diff` to compare:
    without the spreadsheet and the assumptions' prose, which diff compares in the YAML."""
    return _document(document, loaded, assumptions=False)[0]


def _categories(budget: Budget) -> list[CostCategory]:
    """The cost categories the lines use, in their fixed order."""
    return [c for c in CostCategory if any(line.category is c for line in budget.lines)]


def _document(
    document: LoadedDocument, loaded: LoadedAgreement, *, assumptions: bool
) -> tuple[SimpleDocument, _Budget]:
    """The budget's document and the figures it is made of."""
    budget = document.model
    assert isinstance(budget, Budget)
    agreement, pack = loaded.agreement, loaded.pack
    period = agreement.period
    # The calendar years the period touches, and any a draft has beyond them.
    years = sorted({*range(period.start.year, period.end.year + 1), *budget.years()})
    used = {line.area for line in budget.lines}
    b = _Budget(
        budget,
        pack,
        years,
        list(budget.entries()),
        sources(budget, agreement),
        [area for area in LineArea if area in used],
    )
    activity_names = {k: a.name for k, a in activities(loaded).items()}
    sections = numbered(
        [
            ("overview", "Oversigt", _overview(b, period.start, period.end)),
            (
                "areas",
                "Fordeling på indsatsområder",
                [
                    _breakdown(
                        b,
                        [(a, area_label(a, pack)) for a in b.areas],
                        lambda e: e.line.area,
                        "Indsatsområde",
                        "Udgifter fordelt på indsatsområder (kr.)",
                    )
                ],
            ),
            (
                "categories",
                "Fordeling på udgiftstyper",
                [
                    _breakdown(
                        b,
                        [(c, c.label) for c in _categories(budget)],
                        lambda e: e.line.category,
                        "Udgiftstype",
                        "Udgifter fordelt på udgiftstyper (kr.)",
                    )
                ],
            ),
            ("lines", "Budgetlinjer", _lines(b)),
            ("financing", "Finansiering og aktiviteter", _financing(b, activity_names)),
            ("in_kind", "Naturalydelser", _in_kind(b)),
            (
                "assumptions",
                "Budgetforudsætninger",
                list(view_blocks(budget.assumptions, loaded)) if assumptions else [],
            ),
        ]
    )
    content = simple_document(
        loaded,
        title=TITLE,
        facts=_facts(b, period.start, period.end),
        sections=sections,
        illustrative=budget.illustrative,
        own_layout=True,
    )
    return content, b


# -- the parts ------------------------------------------------------------------------------


def _paragraph(text: str) -> Paragraph:
    return Paragraph((Span(text),))


def _facts(b: _Budget, start: datetime.date, end: datetime.date) -> tuple[Fact, ...]:
    total, local = b.budget.total(), local_total(b.entries)
    facts = [
        Fact("Periode", period_text(start, end)),
        Fact("Budgetår", f"{year_span(b.years)} (kalenderår)"),
        Fact("Valuta", "DKK, hele kroner"),
    ]
    if b.budget.price_level:
        facts.append(Fact("Pris- og lønniveau", b.budget.price_level))
    facts += [
        Fact("Samlet budget", f"{kroner(total)} kr."),
        Fact("Lokal medfinansiering", f"{share_text(local, total)} ({kroner(local)} kr.)"),
    ]
    return tuple(facts)


def _overview(b: _Budget, start: datetime.date, end: datetime.date) -> list[ViewBlock]:
    total, local = b.budget.total(), local_total(b.entries)
    lbf = total - local
    blocks: list[ViewBlock] = [
        _paragraph(
            "Budgettet viser helhedsplanens udgifter pr. kalenderår, og hvem der betaler dem. "
            f"Landsbyggefonden finansierer {kroner(lbf)} kr. ({share_text(lbf, total)}), og "
            "den lokale medfinansiering fra parterne og øvrige bidragydere er "
            f"{kroner(local)} kr. ({share_text(local, total)}) af i alt {kroner(total)} kr. "
            "Landsbyggefonden kræver mindst 25 % lokal medfinansiering."
        )
    ]
    part_years = _part_years(start, end)
    if part_years:
        blocks.append(_paragraph(part_years))
    blocks.append(_sources_table(b))
    if b.budget.funders:
        blocks.append(_paragraph("Øvrige bidragydere:"))
        items = []
        for funder in b.budget.funders:
            paid = sum(e.amount for e in b.entries if e.source == funder.id)
            text = f"{funder.name}: {kroner(paid)} kr." + (f" {funder.note}" if funder.note else "")
            items.append((_paragraph(text),))
        blocks.append(ListBlock(False, 1, tuple(items)))
    return blocks


def _part_years(start: datetime.date, end: datetime.date) -> str:
    parts = []
    if (start.month, start.day) != (1, 1):
        parts.append(f"{start.year} (fra {long_date(start)})")
    if (end.month, end.day) != (12, 31):
        parts.append(f"{end.year} (til {long_date(end)})")
    if not parts:
        return ""
    verb = "er delår" if len(parts) > 1 else "er et delår"
    return f"Budgettet følger kalenderårene; {' og '.join(parts)} {verb}."


def _amount(value: int) -> str:
    return kroner(value) if value else NIL


def _year_row(label: str, values: dict[int, int], years: Sequence[int]) -> tuple[str, ...]:
    return (label, *(_amount(values.get(y, 0)) for y in years), _amount(sum(values.values())))


def _by_year(entries: Iterable[Entry]) -> dict[int, int]:
    return totals(entries, lambda e: e.year)


def _table(
    header: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    numeric: tuple[bool, ...],
    *,
    caption: str | None = None,
    groups: tuple[int, ...] = (),
    least: Sequence[int] = (),
) -> DataTable:
    """A budget table, its columns as wide as their content needs (views.columns) or
    `least`, the total rows in bold."""
    totals = tuple(i for i, row in enumerate(rows) if row[0] == TOTAL)
    table = DataTable(
        (header,),
        tuple(rows),
        numeric,
        caption=caption,
        kind="budget",
        groups=groups,
        emphasis=totals,
    )
    return finish_table(table, least=least)


def _sources_table(b: _Budget) -> DataTable:
    """Financing per source and year, the total and the local share."""
    rows = [
        _year_row(source.name, _by_year(e for e in b.entries if e.source == source.id), b.years)
        for source in b.sources
    ]
    all_years = _by_year(b.entries)
    local_years = _by_year(e for e in b.entries if e.source != LBF)
    rows.append(_year_row(TOTAL, all_years, b.years))
    rows.append(_year_row("Heraf lokal medfinansiering", local_years, b.years))
    rows.append(
        (
            "Lokal andel",
            *(share_text(local_years.get(y, 0), all_years.get(y, 0)) for y in b.years),
            share_text(sum(local_years.values()), sum(all_years.values())),
        )
    )
    return _table(
        ("Finansieringskilde", *map(str, b.years), TOTAL),
        rows,
        (False, *(True for _ in b.years), True),
        caption="Finansiering pr. år (kr.)",
        least=b.amount_columns,
    )


def _breakdown(
    b: _Budget,
    keys: Sequence[tuple[Hashable, str]],
    key: Callable[[Entry], Hashable],
    heading: str,
    caption: str,
) -> DataTable:
    """Amounts per `key` and year, with each row's share of the total."""
    total = sum(e.amount for e in b.entries)
    rows = []
    for value, label in keys:
        values = _by_year(e for e in b.entries if key(e) == value)
        rows.append((*_year_row(label, values, b.years), share_text(sum(values.values()), total)))
    rows.append((*_year_row(TOTAL, _by_year(b.entries), b.years), share_text(total, total)))
    return _table(
        (heading, *map(str, b.years), TOTAL, "Andel"),
        rows,
        (False, *(True for _ in b.years), True, True),
        caption=caption,
        least=b.amount_columns,
    )


def _line_entries(line: BudgetLine) -> list[Entry]:
    return [
        Entry(line, year, source, amount)
        for year, by_source in line.amounts.items()
        for source, amount in by_source.items()
    ]


def _kind_of(line: BudgetLine) -> str:
    """E.g. 'Personale, 2,0 årsværk, naturalydelse'."""
    parts = [line.category.label]
    if line.fte is not None:
        parts.append(f"{number(line.fte)} årsværk")
    if line.in_kind:
        parts.append("naturalydelse")
    return ", ".join(parts)


def _lines(b: _Budget) -> list[ViewBlock]:
    """Per area, each line with its amounts per year for every source together."""
    blocks: list[ViewBlock] = [
        _paragraph(
            "Budgetlinjerne pr. indsatsområde med beløb pr. år for alle finansieringskilder "
            "tilsammen. Under hver linje står udgiftstypen og eventuelle årsværk."
        )
    ]
    for area in b.areas:
        lines = b.lines(area)
        rows = [
            _year_row(
                f"{line.description}\n{_kind_of(line)}", _by_year(_line_entries(line)), b.years
            )
            for line in lines
        ]
        rows.append(
            _year_row(TOTAL, _by_year(e for line in lines for e in _line_entries(line)), b.years)
        )
        blocks.append(Heading(2, (Span(area_label(area, b.pack)),)))
        blocks.append(
            _table(
                ("Budgetlinje", *map(str, b.years), TOTAL),
                rows,
                (False, *(True for _ in b.years), True),
                least=b.amount_columns,
            )
        )
    return blocks


def _names(ids: Iterable[str], names: dict[str, str]) -> str:
    listed = [names.get(ident, ident) for ident in ids]
    return ", ".join(listed[:-1]) + " og " + listed[-1] if len(listed) > 1 else "".join(listed)


def _financing(b: _Budget, activity_names: dict[str, str]) -> list[ViewBlock]:
    """Who pays each line, and which activities of the delaftaler it pays for."""
    rows = []
    groups = []
    for area in b.areas:
        lines = b.lines(area)
        groups.append(len(lines))
        for line in lines:
            paying = [
                source
                for source in dict.fromkeys(s for by in line.amounts.values() for s in by)
                if any(by.get(source) for by in line.amounts.values())
            ]
            rows.append(
                (
                    area_label(area, b.pack),
                    line.description,
                    _names(paying, b.names),
                    "\n".join(activity_names.get(a, a) for a in line.activities),
                )
            )
    table = _table(
        ("Indsatsområde", "Budgetlinje", "Finansieres af", "Aktiviteter i delaftalerne"),
        rows,
        (False, False, False, False),
        groups=tuple(groups),
    )
    return [
        _paragraph(
            "Hver budgetlinje med dem, der finansierer den, og de aktiviteter i delaftalerne, "
            "som den dækker:"
        ),
        table,
    ]


def _in_kind(b: _Budget) -> list[ViewBlock]:
    """The lines paid in kind, what they are worth and how they were valued."""
    about = (
        "Naturalydelser er lokal medfinansiering i form af arbejdstid, lokaler eller andet, som "
        "en part stiller til rådighed. De er værdisat i kroner og indgår i budgettets beløb "
        "ovenfor."
    )
    lines = [line for line in b.budget.lines if line.in_kind]
    if not lines:
        return [_paragraph(f"{about} Budgettet indeholder ingen naturalydelser.")]
    rows = []
    for line in lines:
        payers = [s for by in line.amounts.values() for s, amount in by.items() if amount]
        rows.append(
            (
                line.description,
                _names(dict.fromkeys(payers), b.names),
                number(line.fte) if line.fte is not None else "",
                line.valuation or "",
                kroner(line.total()),
            )
        )
    rows.append((TOTAL, "", "", "", kroner(sum(line.total() for line in lines))))
    table = _table(
        ("Naturalydelse", "Ydes af", "Årsværk", "Værdiansættelse", f"{TOTAL} (kr.)"),
        rows,
        (False, False, True, False, True),
    )
    return [_paragraph(f"{about} Budgettet indeholder disse naturalydelser:"), table]


def _summary(b: _Budget) -> dict[str, object]:
    """The key figures for manifest.json (amounts in whole kroner)."""
    total, local = b.budget.total(), local_total(b.entries)
    per_year = {}
    for year in b.years:
        in_year = [e for e in b.entries if e.year == year]
        year_total, year_local = sum(e.amount for e in in_year), local_total(in_year)
        per_year[str(year)] = {
            "total": year_total,
            "lbf": year_total - year_local,
            "local": year_local,
            "local_share_percent": number(share(year_local, year_total)),
        }
    paid = totals(b.entries, lambda e: e.source)
    return {
        "currency": "DKK",
        "years": b.years,
        "total": total,
        "lbf": total - local,
        "local": local,
        "local_share_percent": number(share(local, total)),
        "in_kind": sum(e.amount for e in b.entries if e.line.in_kind),
        "per_year": per_year,
        "per_source": {s.id: paid.get(s.id, 0) for s in b.sources},
        "per_area": {str(k): v for k, v in totals(b.entries, lambda e: e.line.area).items()},
        "per_category": {
            str(k): v for k, v in totals(b.entries, lambda e: e.line.category).items()
        },
    }
