"""The libyaml fast path of the load stage reads every file as the ruamel path does."""

import subprocess
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from agreementgen.errors import Diagnostic
from agreementgen.source import load, packs
from agreementgen.source.fast_yaml import read_tree
from agreementgen.source.load import Source, load_yaml, yaml_parser
from agreementgen.source.model import TemplatePack
from agreementgen.source.packs import load_pack

ROOT = Path(__file__).resolve().parent.parent


def _yaml_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.yaml", "*.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted(ROOT / name for name in listed if (ROOT / name).is_file())


def _both(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[Source | None, list[Diagnostic]], tuple[Source | None, list[Diagnostic]]]:
    """(fast, ruamel): load_yaml as it is, and with the fast path turned off."""
    fast = load_yaml(path)
    with monkeypatch.context() as patch:
        patch.setattr(load, "read_tree", lambda *_: None)
        slow = load_yaml(path)
    return fast, slow


def _typed(value: Any) -> Any:
    """Plain data with each scalar's kind beside it, so 1 and True and Decimal differ."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    kind = next(k for k in (bool, int, Decimal, str, type(None)) if isinstance(value, k))
    return (kind.__name__, str(value))


def _paths(value: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    yield loc
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*loc, index))


def _same(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (fast, fast_problems), (slow, slow_problems) = _both(path, monkeypatch)
    assert fast_problems == slow_problems
    if slow is None:
        assert fast is None
        return
    assert fast is not None
    assert _typed(fast.data) == _typed(slow.data)
    assert fast.splits == slow.splits
    for loc in _paths(slow.data):
        for key in (False, True):
            assert fast.position(loc, key=key) == slow.position(loc, key=key), (loc, key)


FILES = _yaml_files()


def test_the_repository_has_yaml_files_to_compare() -> None:
    names = {path.relative_to(ROOT).parts[0] for path in FILES}
    assert {"agreements", "tests", "src"} <= names


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_both_paths_read_every_yaml_file_alike(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _same(path, monkeypatch)


def test_agreement_files_are_read_by_the_fast_path() -> None:
    text = (ROOT / "agreements" / "viborg" / "agreement.yaml").read_text("utf-8")
    assert read_tree(text, yaml_parser().constructor, load.MAX_DEPTH) is not None


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agreement.yaml"
    path.write_text(text, "utf-8")
    return path


# YAML 1.1 (libyaml's own rules) and 1.2 (ruamel's) read these plain scalars differently.
SCALARS = {
    "yes": ("str", "yes"),
    "on": ("str", "on"),
    "No": ("str", "No"),
    "010": ("int", "10"),
    "0o10": ("int", "8"),
    "0b11": ("int", "3"),
    "0x1F": ("int", "31"),
    "1:20": ("str", "1:20"),
    "1_000": ("int", "1000"),
    ".5": ("Decimal", "0.5"),
    "1e3": ("Decimal", "1000.0"),
    "2.50": ("Decimal", "2.50"),
    "~": ("NoneType", "None"),
    "null": ("NoneType", "None"),
    "": ("NoneType", "None"),
    "true": ("bool", "True"),
    "2025-08-01": ("str", "2025-08-01"),
    "2025-08-01 10:00": ("str", "2025-08-01 10:00"),
    "=": ("str", "="),
}


@pytest.mark.parametrize("written", list(SCALARS))
def test_plain_scalars_resolve_as_yaml_1_2(
    written: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, f"a: {written}\nb: [{written or '~'}]\n")
    (fast, _), (slow, _) = _both(path, monkeypatch)
    assert fast is not None and slow is not None
    assert _typed(fast.data["a"]) == _typed(slow.data["a"]) == SCALARS[written]
    assert _typed(fast.data["b"]) == _typed(slow.data["b"])
    _same(path, monkeypatch)


@pytest.mark.parametrize("text", ["a: =\n", "b:\n  <<: {y: 2}\n"])
def test_value_and_merge_keys_are_left_to_ruamel(text: str) -> None:
    assert read_tree(text, yaml_parser().constructor, load.MAX_DEPTH) is None


BAD = {
    "alias": "a: &x 1\nb: *x\n",
    "anchor only": "a: &x 1\n",
    "tag": "a: !!python/name:os.system x\n",
    "allowed tag": "a: !!str 12\n",
    "custom tag": "a: !mine x\n",
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "duplicate spelt apart": "2026: 1\n'2026': 2\n",
    "decimal comma": "a: {value: 88,40}\n",
    "decimal commas duplicate": "a: {x: 38,5, y: 12,5}\n",
    "tab": "a:\tb\n",
    "tab indent": "a:\n\t- b\n",
    "syntax": "a: [1, 2\n",
    "control escape": 'a: "\\x07"\n',
    "surrogate escape": 'a: "\\ud800"\n',
    "invisible": "a: b\u200bc\n",
    "bom inside": "a\ufeff: b\n",
    "complex key": "? [a, b]\n: c\n",
    "list key holding a mapping": "a:\n  ? - text: x\n  b: c\n",
    "mapping key holding a list": "? {a: [1]}\n: c\n",
    "list keys alike": "{[a]: 1, [a]: 2}\n",
    "merge key": "a:\n  <<: {b: 1}\n",
    "merge key from an anchor": "a: &x {b: 1}\nc:\n  <<: *x\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "directive": "%YAML 1.1\n---\na: yes\n",
    "too many digits": "a: 1234567890123456\n",
    "empty": "",
    "comment only": "# nothing\n",
    "null document": "~\n",
    "scalar document": "hello\n",
    "literal": "a: |\n  one\n  two\n",
    "folded": "a: >\n  one\n  two\n",
    "quoted keys": "'true': 1\n\"null\": 2\n",
    "key types": "true: 1\n~: 2\n3: 3\n",
}


@pytest.mark.parametrize("name", list(BAD))
def test_both_paths_say_the_same_of_unusual_input(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same(_write(tmp_path, BAD[name]), monkeypatch)


def test_aliases_and_tags_are_refused_on_the_fast_path_too(tmp_path: Path) -> None:
    _, alias = load_yaml(_write(tmp_path, BAD["alias"]))
    _, tag = load_yaml(_write(tmp_path, BAD["tag"]))
    assert [p.code for p in alias] == ["AG113"]
    assert [p.code for p in tag] == ["AG112"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("complex key", [("AG103", 1, 3)]),
        ("list key holding a mapping", [("AG103", 2, 5)]),
        ("mapping key holding a list", [("AG103", 1, 3)]),
        ("list keys alike", [("AG103", 1, 2), ("AG103", 1, 10)]),
        ("merge key", [("AG113", 2, 3)]),
        ("merge key from an anchor", [("AG113", 3, 3)]),
    ],
)
def test_list_and_mapping_keys_and_merge_keys_are_refused_at_the_key(
    name: str, expected: list[tuple[str, int, int]], tmp_path: Path
) -> None:
    source, problems = load_yaml(_write(tmp_path, BAD[name]))
    assert source is None
    assert [(p.code, p.line, p.col) for p in problems] == expected


@pytest.mark.parametrize("depth", [load.MAX_DEPTH, load.MAX_DEPTH + 1])
def test_nesting_limit_is_the_same_on_both_paths(
    depth: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "[" * depth + "]" * depth + "\n")
    _same(path, monkeypatch)
    _, problems = load_yaml(path)
    assert [p.code for p in problems] == ([] if depth == load.MAX_DEPTH else ["AG116"])


def test_block_nesting_limit_is_the_same_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    levels = "".join(f"{'  ' * level}k:\n" for level in range(load.MAX_DEPTH))
    path = _write(tmp_path, levels + "  " * load.MAX_DEPTH + "k: 1\n")
    _same(path, monkeypatch)
    assert [p.code for p in load_yaml(path)[1]] == ["AG116"]


def test_duplicate_keys_are_reported_at_the_second(tmp_path: Path) -> None:
    _, problems = load_yaml(_write(tmp_path, BAD["duplicate"]))
    assert [(p.code, p.line) for p in problems] == [("AG115", 3)]


def test_decimal_numbers_keep_their_written_decimals(tmp_path: Path) -> None:
    source, _ = load_yaml(_write(tmp_path, "a: 2.00\nb: -0.50\nc: [1.10]\n"))
    assert source is not None
    assert source.data == {"a": Decimal("2.00"), "b": Decimal("-0.50"), "c": [Decimal("1.10")]}
    assert str(source.data["a"]) == "2.00"


@pytest.mark.parametrize("pack_id", list(TemplatePack), ids=lambda p: p.value)
def test_a_template_pack_reads_as_ruamels_safe_loader_reads_it(pack_id: TemplatePack) -> None:
    text = resources.files(packs).joinpath(f"{pack_id.value}.yaml").read_text("utf-8")
    assert load_pack(pack_id) == packs.Pack.model_validate(YAML(typ="safe", pure=True).load(text))
