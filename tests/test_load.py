from decimal import Decimal
from pathlib import Path

import pytest

from agreementgen.source.habits import Split
from agreementgen.source.load import Source, load_yaml


def _load(tmp_path: Path, text: str | bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / "agreement.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return load_yaml(path)


def test_floats_keep_the_decimals_as_written(tmp_path: Path) -> None:
    source, problems = _load(tmp_path, "a: 2.00\nb: 38.0\nc: 97.95\nd: 1102\n")
    assert not problems and source is not None
    assert source.data == {
        "a": Decimal("2.00"),
        "b": Decimal("38.0"),
        "c": Decimal("97.95"),
        "d": 1102,
    }
    assert str(source.data["a"]) == "2.00"


def test_dates_stay_text_so_the_model_can_report_bad_ones(tmp_path: Path) -> None:
    source, _ = _load(tmp_path, "start: 2025-08-01\n")
    assert source is not None and source.data == {"start": "2025-08-01"}


def test_positions_are_one_based_and_point_at_values_or_keys(tmp_path: Path) -> None:
    source, _ = _load(tmp_path, "parties:\n  - id: a\n    name: Bo\n")
    assert source is not None
    assert source.position(("parties", 0, "name")) == (3, 11)
    assert source.position(("parties", 0, "name"), key=True) == (3, 5)
    # A missing key resolves to the closest existing ancestor.
    assert source.position(("parties", 0, "kind")) == (2, 5)
    # A nested collection resolves to the key that holds it.
    assert source.position(("parties",)) == (1, 1)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    source, problems = _load(tmp_path, b"\xef\xbb\xbfa: 1\n")
    assert not problems and source is not None and source.data == {"a": 1}


def test_an_empty_file_is_an_empty_mapping(tmp_path: Path) -> None:
    source, problems = _load(tmp_path, "")
    assert not problems and source is not None and source.data == {}


def _loaded(tmp_path: Path, text: str) -> Source:
    source, problems = _load(tmp_path, text)
    assert not problems and source is not None
    return source


# -- decimal commas inside { } and [ ], where YAML reads a comma as between two entries -------


def test_a_decimal_comma_in_a_flow_mapping_is_found_and_its_key_left_out(tmp_path: Path) -> None:
    source = _loaded(tmp_path, "a: [{value: 88,40, note: x}]\nb: {c: 1.102,5}\n")
    assert source.splits == (
        Split(("a", 0, "value"), ("a", 0, "40"), "88,40", "88.40", True),
        Split(("b", "c"), ("b", "5"), "1.102,5", "1102.5", True),
    )
    assert source.data == {"a": [{"value": 88, "note": "x"}], "b": {"c": Decimal("1.102")}}


@pytest.mark.parametrize(
    "text",
    [
        "a: {value: 88, 40}\n",  # a space after the comma: two entries meant
        "a: {value: 88,\n  40}\n",
        "a: {label: Afd. 12,40}\n",  # text before the comma
        "a: {value: 88,40: 3}\n",  # the key has a value: meant as a key
        "a: [4,5]\n",  # a list: only a problem where the list has one (a row too long)
        "a:\n  value: 88,40\n",  # block style: the text '88,40', for the model to report
    ],
)
def test_what_is_no_split_decimal(tmp_path: Path, text: str) -> None:
    source = _loaded(tmp_path, text)
    assert [split for split in source.splits if split.in_mapping] == []


def test_a_split_list_is_found_but_kept(tmp_path: Path) -> None:
    source = _loaded(tmp_path, "rows:\n  - [Åparken, 38,50, 16.2]\n")
    assert source.splits == (Split(("rows", 0, 1), ("rows", 0, 2), "38,50", "38.50", False),)
    assert source.data == {"rows": [["Åparken", 38, 50, Decimal("16.2")]]}


def test_a_key_twice_from_two_decimal_commas_is_said_as_such(tmp_path: Path) -> None:
    # `{a: 38,5, b: 12,5}` has the key 5 twice: YAML refuses it before any tree is built.
    source, problems = _load(tmp_path, "values: {a: 38,5, b: 12,5}\n")
    assert source is None
    assert [(p.line, p.col, p.code, p.message, p.hint) for p in problems] == [
        (
            1,
            22,
            "AG103",
            "12,5 is read as 12 and a key 5: inside { } a comma separates entries",
            "write decimals with a point: 12.5",
        )
    ]
