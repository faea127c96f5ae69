"""How Danish coordinators write numbers, dates, yes/no and keys, recognised for the hints."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreementgen.kinds.sub_agreement.model import SubGoal
from agreementgen.source.habits import (
    closest_key,
    iso_date,
    iso_month,
    with_decimal_point,
    without_thousands_dots,
    yaml_boolean,
)
from agreementgen.source.load import load_yaml
from agreementgen.source.model import CriteriaRow, Measurement, Table
from agreementgen.source.validate import parse_model


@pytest.mark.parametrize(
    ("written", "corrected"),
    [
        ("88,40", "88.40"),
        ("0,5", "0.5"),
        ("-1,25", "-1.25"),
        ("1.102,50", "1102.50"),
        ("12.345.678,9", "12345678.9"),
        ("88.40", None),
        ("88,", None),
        (",5", None),
        ("12.34,5", None),  # not groups of three: no Danish number
        ("88,40 %", None),
    ],
)
def test_decimal_comma(written: str, corrected: str | None) -> None:
    assert with_decimal_point(written) == corrected


@pytest.mark.parametrize(
    ("written", "corrected"),
    [
        ("1.102", "1102"),
        ("520.000", "520000"),
        ("1.102.000", "1102000"),
        ("12.5", None),
        ("97.95", None),
        ("1.10", None),
        ("1102", None),
        ("1.0000", None),
        ("100.000 kr.", None),
    ],
)
def test_thousands_dots(written: str, corrected: str | None) -> None:
    assert without_thousands_dots(written) == corrected


@given(st.integers(min_value=0, max_value=10**12), st.from_regex(r"\A\d{1,4}\Z"))
def test_any_number_written_the_danish_way_reads_back(whole: int, decimals: str) -> None:
    danish = f"{whole:,}".replace(",", ".")
    assert with_decimal_point(f"{danish},{decimals}") == f"{whole}.{decimals}"
    if whole >= 1000:
        assert without_thousands_dots(danish) == str(whole)
    else:
        assert without_thousands_dots(danish) is None


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("01.10.21", "2021-10-01"),
        ("1.10.2021", "2021-10-01"),
        ("1/10-2021", "2021-10-01"),
        ("1/10/2021", "2021-10-01"),
        ("1-10-2021", "2021-10-01"),
        ("1. oktober 2021", "2021-10-01"),
        ("1. okt. 2021", "2021-10-01"),
        ("1 OKT 2021", "2021-10-01"),
        ("24. december 25", "2025-12-24"),
        ("3. sept. 2026", "2026-09-03"),
        ("29.02.2028", "2028-02-29"),
        # Impossible, or not certain: no date to suggest.
        ("31.02.2021", None),
        ("29.02.2027", None),
        ("1.13.2021", None),
        ("1-10-21", None),  # with hyphens only, 21-10-01 could be ISO's order
        ("32. oktober 2021", None),
        ("1. oktobre 2021", None),
        ("1.10", None),
        ("2021-10-01", None),
        ("next year", None),
    ],
)
def test_danish_dates(written: str, iso: str | None) -> None:
    assert iso_date(written) == iso


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("10.2027", "2027-10"),
        ("10/2027", "2027-10"),
        ("1-2027", "2027-01"),
        ("okt. 2027", "2027-10"),
        ("Oktober 2027", "2027-10"),
        ("15. oktober 2027", "2027-10"),
        ("13.2027", None),
        ("efterår 2027", None),
        ("2027", None),
    ],
)
def test_danish_months(written: str, iso: str | None) -> None:
    assert iso_month(written) == iso


MONTH_NAMES = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


@given(st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)))
def test_every_danish_spelling_of_a_day_gives_that_day(day: datetime.date) -> None:
    name = MONTH_NAMES[day.month - 1]
    spellings = [
        f"{day.day:02d}.{day.month:02d}.{day.year % 100:02d}",
        f"{day.day}.{day.month}.{day.year}",
        f"{day.day}/{day.month}-{day.year}",
        f"{day.day}. {name} {day.year}",
        f"{day.day}. {name[:3]}. {day.year}",
    ]
    for spelling in spellings:
        assert iso_date(spelling) == day.isoformat(), spelling


@pytest.mark.parametrize(
    ("written", "meaning"),
    [("ja", "true"), ("Ja", "true"), ("NEJ", "false"), ("sand", "true"), ("Falsk", "false")],
)
def test_yes_and_no(written: str, meaning: str) -> None:
    assert yaml_boolean(written) == meaning


@pytest.mark.parametrize("written", ["yes", "j", "true", "jo", ""])
def test_other_words_are_not_yes_or_no(written: str) -> None:
    assert yaml_boolean(written) is None


TITLES = {
    "id": "Id",
    "name": "Afdelingsnavn",
    "number": "Afdelingsnummer",
    "units": "Antal lejemål",
}


@pytest.mark.parametrize(
    ("word", "found"),
    [
        ("afdelingsnavn", ("name", "Afdelingsnavn")),  # the title, in any case
        ("Afdelingsnr", ("number", "Afdelingsnummer")),  # close to a title
        ("antal_lejemål", ("units", "Antal lejemål")),
        ("nmae", ("name", None)),  # close to an English key: today's hint
        ("unit", ("units", None)),
        ("colour", None),
    ],
)
def test_closest_key_weighs_english_keys_against_danish_titles(
    word: str, found: tuple[str, str | None] | None
) -> None:
    assert closest_key(word, TITLES) == found


def _source(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "doc.yaml"
    path.write_text(text, "utf-8")
    source, problems = load_yaml(path)
    assert not problems and source is not None
    return source


def test_decimals_and_lists_of_whole_numbers_are_no_mistake(tmp_path: Path) -> None:
    # 97.950 is a percentage with three decimals, [4,5] two indicators: neither is a habit.
    measurement = _source(tmp_path, "value: 97.950\n")
    assert parse_model(Measurement, measurement)[1] == []
    goal = _source(tmp_path, "id: unge\ntext: Flere unge i job.\nindicators: [4,5]\n")
    model, problems = parse_model(SubGoal, goal)
    assert problems == [] and model is not None and model.indicators == [4, 5]


def test_a_split_is_reported_once_at_the_number(tmp_path: Path) -> None:
    # Not as an unknown key '40' as well; other problems of the file are still reported.
    source = _source(tmp_path, "{value: 88,40, note: [x]}\n")
    model, problems = parse_model(Measurement, source)
    assert model is None
    assert [(p.line, p.col, p.code, p.message, p.hint) for p in problems] == [
        (1, 16, "AG103", "note: expected text, got a list", ""),  # at its key
        (
            1,
            9,
            "AG103",
            "value: 88,40 is read as 88 and a key 40: inside { } a comma separates entries",
            "write decimals with a point: 88.40",
        ),
    ]


def test_a_split_in_a_mapping_of_any_keys_is_reported_too(tmp_path: Path) -> None:
    # The criteria table's values take any criterion id: the model alone would accept 40.
    source = _source(tmp_path, "department: a\nvalues: {x: 88,40}\n")
    model, problems = parse_model(CriteriaRow, source)
    assert model is None
    assert [(p.line, p.col, p.message) for p in problems] == [
        (2, 13, "values.x: 88,40 is read as 88 and a key 40: inside { } a comma separates entries")
    ]


def test_a_row_with_a_decimal_comma_gets_the_hint(tmp_path: Path) -> None:
    source = _source(tmp_path, "columns: [a, b]\nrows:\n  - [Åparken, 38,5]\n  - [4,5]\n")
    model, problems = parse_model(Table, source)
    assert model is None
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (
            3,
            "rows[0]: has 3 cells, but the table has 2 columns",
            "write decimals with a point: 38.5",
        )
    ]
