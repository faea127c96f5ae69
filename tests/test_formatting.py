import datetime
from decimal import Decimal

import pytest

from agreementgen.text import danish as formatting

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2025, 8, 1), "1. august 2025"),
        (datetime.date(2029, 7, 31), "31. juli 2029"),
        (datetime.date(2026, 2, 3), "3. februar 2026"),
        (datetime.date(2025, 12, 24), "24. december 2025"),
    ],
)
def test_long_date_is_danish(value: datetime.date, expected: str) -> None:
    assert formatting.long_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1102, "1.102"),
        (2470, "2.470"),
        (54, "54"),
        (Decimal("38.0"), "38,0"),
        (Decimal("1.07"), "1,07"),
        (Decimal("2.00"), "2,00"),
        (Decimal("1234.5"), "1.234,5"),
        (Decimal("0.93"), "0,93"),
    ],
)
def test_numbers_keep_their_written_decimals(value: Decimal | int, expected: str) -> None:
    assert formatting.number(value) == expected


def test_percent_has_a_no_break_space_before_the_sign() -> None:
    assert formatting.percent(Decimal("97.95")) == f"97,95{NBSP}%"
    assert formatting.quantity(Decimal("5.3"), "number") == "5,3"


def test_month_year() -> None:
    assert formatting.month_year("2026-09") == "september 2026"
