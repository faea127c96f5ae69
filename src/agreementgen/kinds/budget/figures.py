"""The budget's figures, shared by its rules, its document and its spreadsheet.

Sums come from the fact table (Budget.entries); shares are rounded down, so a budget below
LBF's 25 % never shows as "25,0 %".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import TypeVar

from agreementgen.kinds.budget.model import (
    CROSS_CUTTING_LABEL,
    LBF,
    LBF_NAME,
    Budget,
    Entry,
    LineArea,
)
from agreementgen.kinds.sub_agreement import KIND as SUB_AGREEMENT
from agreementgen.kinds.sub_agreement.model import SubAgreement
from agreementgen.source.folder import LoadedAgreement
from agreementgen.source.model import Agreement, FocusAreaKey, PartyKind
from agreementgen.source.packs import Pack
from agreementgen.text import danish

K = TypeVar("K", bound=Hashable)
LOCAL_MINIMUM = Decimal(25)  # per cent of the grand total (lbf.md §2)


@dataclass(frozen=True)
class Source:
    """A funding source as the documents name it."""

    id: str
    name: str
    kind: str  # "lbf", a PartyKind value, "funder", or "unknown" (a draft may have typos)

    @property
    def local(self) -> bool:
        """Whether it counts as local co-financing: everything but LBF does."""
        return self.id != LBF


def sources(budget: Budget, agreement: Agreement) -> list[Source]:
    """LBF, the parties, the funders, then ids nobody declared; parties other than the
    municipality and housing organisations only where they pay something."""
    used = {entry.source for entry in budget.entries()}
    found = [Source(LBF, LBF_NAME, LBF)]
    expected = (PartyKind.MUNICIPALITY, PartyKind.HOUSING_ORGANISATION)
    found += [
        Source(p.id, p.name, p.kind.value)
        for p in agreement.parties
        if p.kind in expected or p.id in used
    ]
    found += [Source(f.id, f.name, "funder") for f in budget.funders]
    known = {s.id for s in found} | {p.id for p in agreement.parties}
    found += [Source(ident, ident, "unknown") for ident in sorted(used - known)]
    return found


def totals(entries: Iterable[Entry], key: Callable[[Entry], K]) -> dict[K, int]:
    """Sum the amounts of `entries` by `key`."""
    found: dict[K, int] = defaultdict(int)
    for entry in entries:
        found[key(entry)] += entry.amount
    return dict(found)


def local_total(entries: Iterable[Entry]) -> int:
    """The local co-financing: every amount not paid by LBF."""
    return sum(e.amount for e in entries if e.source != LBF)


def share(part: int, whole: int) -> Decimal:
    """`part` as a percentage of `whole`, rounded down to one decimal."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def below_minimum(local: int, total: int) -> bool:
    """Whether the local share is below LBF's 25 % (exactly, in whole kroner)."""
    return total > 0 and local * 100 < LOCAL_MINIMUM * total


def kroner(amount: int) -> str:
    """Return e.g. '1.250.000'."""
    return danish.number(amount)


def percent(value: Decimal) -> str:
    """Return e.g. '25,0' for a share (share() rounds it to one decimal)."""
    return danish.number(value)


def share_text(part: int, whole: int) -> str:
    """Return e.g. '25,0 %', with a no-break space."""
    return danish.percent(share(part, whole))


def area_label(area: LineArea, pack: Pack) -> str:
    """The Danish name of a line's area."""
    if area is LineArea.CROSS_CUTTING:
        return CROSS_CUTTING_LABEL
    return pack.area(FocusAreaKey(area.value)).name


def year_span(years: Sequence[int]) -> str:
    """Return e.g. '2026-2029', or '2026' for one year."""
    return f"{years[0]}-{years[-1]}" if len(years) > 1 else f"{years[0]}" if years else ""


@dataclass(frozen=True)
class ActivityRef:
    """An activity of a delaftale, and where it is written."""

    id: str
    name: str
    file: str
    index: int


def activities(loaded: LoadedAgreement) -> dict[str, ActivityRef]:
    """Every activity of the delaftaler by id (the first, should two share an id)."""
    found: dict[str, ActivityRef] = {}
    for document, sub in loaded.of_kind(SUB_AGREEMENT, SubAgreement):
        for index, activity in enumerate(sub.activities):
            found.setdefault(
                activity.id, ActivityRef(activity.id, activity.name, document.name, index)
            )
    return found
