"""Run `validate` on an edited copy of an example agreement and pick out one rule's lines."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from agreementgen.cli import cli

from .helpers import ROOT, not_an_example

EXAMPLE = ROOT / "agreements" / "example"


def edit(folder: Path, name: str, change: Callable[[str], str]) -> None:
    """Apply `change` to the text of `folder/name` (the change must change something)."""
    path = folder / name
    before = path.read_text("utf-8") if path.exists() else ""
    after = change(before)
    assert after != before, f"the edit of {name} changed nothing"
    if after:
        path.write_text(after, "utf-8")
    else:
        path.unlink()


def replace(old: str, new: str) -> Callable[[str], str]:
    """An edit that replaces the first `old` by `new`."""

    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return change


def run(
    tmp_path: Path,
    monkeypatch: object,
    edits: list[tuple[str, Callable[[str], str]]],
    *,
    final: bool = True,
) -> tuple[int, str]:
    """Copy agreements/example to tmp_path/example, apply the edits, run validate there.

    The copy is checked as a real agreement: its `example: true` mark (AG272) is deleted."""
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    not_an_example(folder)
    for name, change in edits:
        edit(folder, name, change)
    monkeypatch.chdir(tmp_path)  # type: ignore[attr-defined]
    args = ["validate", "example", *(["--final"] if final else [])]
    result = CliRunner().invoke(cli, args)
    assert "Traceback" not in result.stderr
    return result.exit_code, without_summary(result.stderr)


def without_summary(stderr: str) -> str:
    """`stderr` without its summary by file (tests/test_all_at_once.py holds that to the
    diagnostics): a rule's test says what the rule reports."""
    head, found, tail = stderr.partition("Summary by file:\n")
    if not found:
        return stderr
    return head + "".join(line + "\n" for line in tail.splitlines() if not line.startswith("  "))


def lines_of(stderr: str, code: str) -> str:
    """Return the diagnostics with `code`, each with its hint and note lines."""
    picked: list[str] = []
    keep = False
    for line in stderr.splitlines():
        if line.startswith("    hint:") or ": note: " in line:
            if keep:
                picked.append(line)
            continue
        keep = f" {code}: " in line
        if keep:
            picked.append(line)
    return "\n".join(picked)


def _lines(tmp_path: Path, name: str) -> list[str]:
    return (tmp_path / "example" / name).read_text("utf-8").splitlines()


def _start(lines: list[str], after: str) -> int:
    return next(i for i, line in enumerate(lines) if after in line) if after else 0


def line_of(tmp_path: Path, name: str, needle: str, *, after: str = "") -> int:
    """Return the 1-based line of the edited copy's `name` where `needle` starts a line,
    the first one after the line holding `after`."""
    lines = _lines(tmp_path, name)
    start = _start(lines, after)
    return next(i for i in range(start, len(lines)) if lines[i].startswith(needle)) + 1


def every_line_of(tmp_path: Path, name: str, needle: str) -> list[int]:
    """Return the 1-based lines of the edited copy's `name` where `needle` starts a line."""
    lines = _lines(tmp_path, name)
    return [i + 1 for i, line in enumerate(lines) if line.startswith(needle)]


def position_of(tmp_path: Path, name: str, needle: str, *, after: str = "") -> str:
    """Return 'line:column' (1-based, columns in characters) of the first `needle` anywhere
    in a line of the edited copy's `name`, from the line holding `after` on."""
    lines = _lines(tmp_path, name)
    start = _start(lines, after)
    i = next(i for i in range(start, len(lines)) if needle in lines[i])
    return f"{i + 1}:{lines[i].index(needle) + 1}"


def unsigned(tmp_path: Path) -> str:
    """The warning every run on the example gives: none of its parties has signed yet. It is
    the agreement's own rule, which runs even when a document beside it fails to load."""
    line = line_of(tmp_path, "agreement.yaml", "parties:")
    return (
        f"example/agreement.yaml:{line}:1: warning AG212: not signed yet by Eksempelby "
        "Boligselskab, Boligforeningen Fjorden, Eksempelby Kommune\n"
    )
