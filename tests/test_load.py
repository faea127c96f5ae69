from decimal import Decimal
from pathlib import Path

from agreementgen.source.load import load_yaml


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
