"""Danish formatting of dates and numbers, through Babel's CLDR data.

Babel is imported when a value is first formatted, not with this module: the rules format
figures in their messages, and `validate` stays fast when none of them fire.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

LOCALE = "da_DK"
NBSP = "\u00a0"


def long_date(value: datetime.date) -> str:
    """Return e.g. '1. august 2025'."""
    from babel.dates import format_date

    return str(format_date(value, "d. MMMM y", locale=LOCALE))


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
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern, locale=LOCALE))


def percent(value: Decimal | int) -> str:
    """Return e.g. '97,95 %' (a no-break space keeps the sign with its number)."""
    return f"{number(value)}{NBSP}%"


def quantity(value: Decimal | int, unit: str) -> str:
    """Format `value` as `unit` says: 'percent' or 'number'."""
    return percent(value) if unit == "percent" else number(value)
