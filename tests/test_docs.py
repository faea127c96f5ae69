"""The README documents every command, option and diagnostic code; regenerate with `make docs`."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Literal

import click
import pytest
from click.testing import CliRunner

from agreementgen.cli import cli
from agreementgen.source.model import TemplatePack
from agreementgen.source.packs import load_pack

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"
RULES_START, RULES_END = "<!-- rules:start -->", "<!-- rules:end -->"
SOURCES = [ROOT / "src" / "agreementgen"]


def cli_reference() -> str:
    """Return the README's CLI reference: the --help of the group and of every command."""
    runner = CliRunner()
    parts = []
    for name in [None, *sorted(cli.commands)]:
        args = [name, "--help"] if name else ["--help"]
        result = runner.invoke(cli, args, prog_name="agreementgen", terminal_width=100)
        title = f"agreementgen {name}" if name else "agreementgen"
        parts.append(f"### `{title}`\n\n```text\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def rule_table() -> str:
    """Return the README's table of LBF rules, from the rules themselves."""
    from agreementgen.checks.rules import all_rules

    lines = ["| Code | Level | Rule | lbf.md §17.2 |", "| --- | --- | --- | --- |"]
    lines += [
        f"| `{rule.code}` | {_level(rule.code, rule.level)} | {rule.summary} | {rule.lbf or ''} |"
        for rule in sorted(all_rules(), key=lambda r: r.code)
    ]
    return "\n".join(lines)


def _level(code: str, level: Literal["E", "W"]) -> str:
    """A rule's level, and where a template pack weighs it otherwise, its level there."""
    others = [
        f"{pack_level} with `{pack_id}`"
        for pack_id in TemplatePack
        if (pack_level := load_pack(pack_id).rule_level(code, level)) != level
    ]
    return f"{level} ({'; '.join(others)})" if others else level


def _readme_block(start: str = START, end: str = END) -> str:
    text = README.read_text("utf-8")
    return text[text.index(start) + len(start) : text.index(end)].strip("\n")


def test_readme_cli_reference_is_current() -> None:
    assert _readme_block() == cli_reference().strip("\n"), "run `make docs` and commit README.md"


def test_readme_rule_table_is_current() -> None:
    assert _readme_block(RULES_START, RULES_END) == rule_table(), "run `make docs`"


@pytest.mark.parametrize("command", sorted(cli.commands.values(), key=lambda c: c.name or ""))
def test_every_command_has_help_with_an_example(command: click.Command) -> None:
    assert command.help and "Example:" in command.help


def test_every_diagnostic_code_is_in_the_readme_table() -> None:
    used = set()
    for folder in SOURCES:
        for path in folder.rglob("*.py"):
            used |= set(re.findall(r'"(AG\d{3})"', path.read_text("utf-8")))
    table = set(re.findall(r"^\| `(AG\d{3})` \|", README.read_text("utf-8"), flags=re.M))
    assert used, "no codes found"
    assert used <= table, f"undocumented codes: {sorted(used - table)}"
    assert table <= used, f"documented codes that nothing raises: {sorted(table - used)}"


def write() -> None:
    """Rewrite the README's generated blocks: the CLI reference and the rule table."""
    text = README.read_text("utf-8")
    for start, end, block in (
        (START, END, cli_reference().strip()),
        (RULES_START, RULES_END, rule_table()),
    ):
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{block}\n{end}{tail}"
    README.write_text(text, "utf-8")


if __name__ == "__main__":
    write()
    sys.exit(0)
