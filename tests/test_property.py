"""Property: whatever the input, `validate` and `build` succeed or report diagnostics.

Hypothesis takes copies of agreements/example and tests/data/demo and breaks them: it deletes
keys, changes types, swaps values, writes random, Unicode and control-character text, repeats
list items, breaks ids, renames keys, truncates files, fills them with random bytes and
deletes them. The only outcomes allowed are exit 0, or exit 1 with diagnostics: never a
traceback, never an internal error, and never a partial output folder: the agreement's
folder under --out is absent or complete (manifest.json lists exactly the files in it).

The runs are derandomized, so CI sees the same examples every time; a failure prints the
mutations that caused it.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from agreementgen.cli import cli

from .helpers import DATA, ROOT, examples, fuzzing

SOURCES = {"example": ROOT / "agreements" / "example", "demo": DATA / "demo"}
COMMON = {
    "deadline": None,
    "derandomize": not fuzzing(),
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
# Keys whose values are ids or refer to ids: where a broken id does most harm.
ID_KEYS = {
    "id",
    "party",
    "owner",
    "group",
    "department",
    "responsible",
    "area",
    "indicator",
    "activities",
    "sub_goals",
    "partners",
    "cross_cutting_in",
    "image",
    "insert",
    "template_pack",
    "templates",
}
BAD_IDS = ["../x", "X Y", "", "ukendt", "boligselskabet", "/etc/passwd", "a" * 70, "æøå", "-"]
ODD_TEXT = [
    "{{ 7*7 }}",
    "{% include '/etc/passwd' %}",
    "</w:t><w:t>",
    "<script>x</script>",
    "]]>",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\ufffe",
    "\u2028",
    "\ufeff",
    "*",
    "&x",
    "2025-02-30",
    "2025-13",
    "nan",
    "-1",
    "1e999",
    "Kommune XX",
    "|\n  x",
]

# Text: any character but surrogates (which no file can hold), control characters included.
TEXT = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
)
SCALARS = st.one_of(
    TEXT,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.sampled_from(BAD_IDS),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=8), SCALARS, max_size=3),
)
# Text edits come twice: most keep the file valid, so the build goes on to render them.
TREE_EDITS = (
    "append",
    "append",
    "text",
    "text",
    "delete",
    "retype",
    "swap",
    "duplicate",
    "id",
    "rename",
)
FILE_EDITS = ("truncate", "garbage", "drop")


@dataclass(frozen=True)
class Slot:
    """A place in a YAML tree: a mapping and a key, or a list and an index."""

    container: Any
    key: Any

    @property
    def value(self) -> Any:
        return self.container[self.key]

    def set(self, value: Any) -> None:
        self.container[self.key] = value


def _slots(node: Any) -> Iterator[Slot]:
    if isinstance(node, CommentedMap):
        for key in list(node):
            yield Slot(node, key)
            yield from _slots(node[key])
    elif isinstance(node, CommentedSeq):
        for index in range(len(node)):
            yield Slot(node, index)
            yield from _slots(node[index])


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = True
    yaml.width = 4096
    return yaml


def _edit_tree(path: Path, data: st.DataObject) -> str:
    """Apply one tree edit to the YAML file at `path`; return what it did."""
    yaml = _yaml()
    tree = yaml.load(path.read_text("utf-8"))
    slots = list(_slots(tree))
    if not slots:
        return "nothing to edit"
    edit = data.draw(st.sampled_from(TREE_EDITS), label="edit")
    # Text edits go to prose (text with a space in it), not to ids and fixed values.
    prose = [s for s in slots if isinstance(s.value, str) and " " in s.value]
    choices = prose if edit in ("append", "text") and prose else slots
    slot = data.draw(st.sampled_from(choices), label="slot")
    key = slot.key
    if edit == "delete":
        del slot.container[key]
    elif edit == "retype":
        slot.set(data.draw(VALUES, label="value"))
    elif edit == "swap":
        other = data.draw(st.sampled_from(slots), label="other")
        first, second = slot.value, other.value
        slot.set(second)
        other.set(first)
    elif edit == "text":
        slot.set(data.draw(TEXT, label="text"))
    elif edit == "append" and isinstance(slot.value, str):
        slot.set(slot.value + data.draw(TEXT, label="text"))
    elif edit == "duplicate" and isinstance(slot.container, CommentedSeq):
        slot.container.insert(key, copy.deepcopy(slot.value))
    elif edit == "id":
        ids = [s for s in slots if isinstance(s.key, str) and s.key in ID_KEYS]
        target = data.draw(st.sampled_from(ids or slots), label="id slot")
        target.set(data.draw(st.sampled_from(BAD_IDS), label="bad id"))
        key = target.key
    elif edit == "rename" and isinstance(slot.container, CommentedMap):
        value = slot.container.pop(key)
        slot.container[f"{key}{data.draw(st.sampled_from(['x', 's', '_', ' ']))}"] = value
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(tree, handle)
    return f"{edit} {key!r} in {path.name}"


def _edit_file(folder: Path, data: st.DataObject) -> str:
    """Apply one byte-level edit to a file of the folder; return what it did."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if not files:
        return "no file left to edit"
    path = data.draw(st.sampled_from(files), label="file")
    raw = path.read_bytes()
    edit = data.draw(st.sampled_from(FILE_EDITS), label="file edit")
    at = data.draw(st.integers(0, len(raw)), label="offset")
    if edit == "truncate":
        path.write_bytes(raw[:at])
    elif edit == "garbage":
        noise = data.draw(st.binary(min_size=1, max_size=16), label="bytes")
        path.write_bytes(raw[:at] + noise + raw[at + len(noise) :])
    else:
        path.unlink()
    return f"{edit} {path.relative_to(folder)} at {at}"


def _mutated(data: st.DataObject, tmp: Path) -> Path:
    """Copy one of SOURCES into `tmp` and break it in one to three ways."""
    name = data.draw(st.sampled_from(sorted(SOURCES)), label="source")
    folder = tmp / name
    shutil.copytree(SOURCES[name], folder)
    count = data.draw(st.sampled_from([1, 1, 2, 3]), label="edits")
    for _ in range(count):
        yamls = sorted(folder.rglob("*.yaml"))
        if yamls and data.draw(st.sampled_from([True, True, True, False]), label="tree edit"):
            path = data.draw(st.sampled_from(yamls), label="yaml")
            try:
                done = _edit_tree(path, data)
            except Exception as exc:  # an earlier edit left it unreadable: edit its bytes
                done = f"not YAML any more ({type(exc).__name__}): " + _edit_file(folder, data)
        else:
            done = _edit_file(folder, data)
        data.draw(st.just(done), label="done")
    return folder


def _assert_handled(result: Result) -> None:
    """Exit 0, or 1 with diagnostics; never a traceback or an internal error."""
    event(f"exit {result.exit_code}")
    assert "Traceback" not in result.output, result.output
    assert "internal error" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    # Diagnostics quote what they found; a control character is never printed as it is.
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", result.output), result.output
    if result.exit_code == 1:
        assert " error AG" in result.output, result.output


def _assert_complete_or_absent(out: Path, ident: str, result: Result) -> None:
    """The output holds the agreement's folder complete, or nothing; no staging leftovers."""
    present = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert present in ([], [ident]), present
    folder = out / ident
    if result.exit_code != 0:
        assert not folder.exists(), "a failed build left an output folder"
        return
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    listed = {entry["name"] for entry in manifest["files"]} | {"manifest.json"}
    assert listed == {p.name for p in folder.iterdir()}


def _build(folder: Path, out: Path, *formats: str) -> Result:
    args = ["build", str(folder), "--out", str(out)]
    for name in formats:
        args += ["--format", name]
    return CliRunner().invoke(cli, args)


@settings(max_examples=examples(200), **COMMON)
@given(data=st.data())
def test_validate_reports_or_accepts_any_mutation(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = _mutated(data, Path(tmp))
        _assert_handled(CliRunner().invoke(cli, ["validate", str(folder)]))
        _assert_handled(CliRunner().invoke(cli, ["validate", "--final", str(folder)]))


@settings(max_examples=examples(60), **COMMON)
@given(data=st.data())
def test_build_writes_everything_or_nothing(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = _mutated(data, Path(tmp))
        out = Path(tmp) / "out"
        result = _build(folder, out, "docx", "html")
        _assert_handled(result)
        _assert_complete_or_absent(out, folder.name, result)


@pytest.mark.slow
@settings(max_examples=examples(4), **COMMON)
@given(data=st.data())
def test_build_with_pdf_writes_everything_or_nothing(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = _mutated(data, Path(tmp))
        out = Path(tmp) / "out"
        result = _build(folder, out)
        _assert_handled(result)
        _assert_complete_or_absent(out, folder.name, result)
