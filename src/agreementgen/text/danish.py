"""Danish formatting of dates and numbers, through Babel's CLDR data.

Babel is imported when a value is first formatted, not with this module: the rules format
figures in their messages, and `validate` stays fast when none of them fire.
"""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal

LOCALE = "da_DK"
NBSP = "\u00a0"
_MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
# What a number keeps with it at a line end: the percent and per mille signs, money and the
# few units and counted nouns the documents use. Kept short on purpose: before any other
# word a number may end a line, as in a sentence.
_UNITS = "%|‰|pct\\.|procent|kr\\.|mio\\.|mia\\.|lejemål|boliger|beboere|år|måneder|uger|dage|timer"
# The spaces that part a value from what belongs to it: '38 %', '1.102 lejemål', 'kr. 500',
# '1,5 mio. kr.', and a date's day from its month and its month from its year
# ('1. august 2025'). Each alternative matches the space with just enough around it.
_BOUND_SPACE = re.compile(
    rf"(?<=\d) +(?=(?:{_UNITS})(?!\w))"
    r"|\bkr\. +(?=\d)"
    r"|\bmi[oa]\. +(?=kr\.)"
    rf"|(?<=\d\.) +(?=(?:{_MONTHS})\b)"
    rf"|\b(?:{_MONTHS}) +(?=\d{{4}}\b)",
    re.IGNORECASE,
)


def long_date(value: datetime.date) -> str:
    """Return e.g. '1. august 2025'."""
    from babel.dates import format_date

    return str(format_date(value, "d. MMMM y", locale=LOCALE))


def period_text(start: datetime.date, end: datetime.date) -> str:
    """Return e.g. '1. august 2025 – 31. juli 2029'."""
    return f"{long_date(start)} – {long_date(end)}"


def no_break(text: str) -> str:
    """Return `text` with no-break spaces where a line must not part a number from its unit
    or a date's parts: '38 %', '1.102 lejemål', '500.000 kr.', 'kr. 500.000', '1. august
    2025'. Only the space between is changed, so the text says what its writer wrote."""
    return _BOUND_SPACE.sub(lambda match: match.group().replace(" ", NBSP), text)


def month_year(value: str) -> str:
    """Return 'september 2026' for '2026-09'."""
    from babel.dates import format_date

    year, month = value.split("-")
    return str(format_date(datetime.date(int(year), int(month), 1), "MMMM y", locale=LOCALE))


def number(value: Decimal | int) -> str:
    """Return a number the Danish way with the decimals it was written with: '1.102', '38,0'."""
    decimals = 0
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return _formatted(value, "#,##0" + ("." + "0" * decimals if decimals else ""))


@functools.lru_cache(maxsize=4096)
def _formatted(value: Decimal | int, pattern: str) -> str:
    """`value` by a Babel number pattern. Kept: a budget's figures come back in its every
    table, and Babel's parsing of the pattern cost more than the rest of a table's view.
    Equal values with the same pattern (the number of decimals) are formatted alike."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, format=pattern, locale=LOCALE))


def percent(value: Decimal | int) -> str:
    """Return e.g. '97,95 %' (a no-break space keeps the sign with its number)."""
    return f"{number(value)}{NBSP}%"


def quantity(value: Decimal | int, unit: str) -> str:
    """Format `value` as `unit` says: 'percent' or 'number'."""
    return percent(value) if unit == "percent" else number(value)
