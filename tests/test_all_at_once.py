"""Every problem in one run: dangling ids in every file, a summary, JSON and SARIF, and a
build that publishes the agreements that are valid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from agreementgen.cli import cli

from .helpers import DATA, copy_agreement
from .rulecase import edit, replace

OLD, NEW = "eksempelby-kommune", "kommunen"


def _renamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A complete agreement whose municipality's id is renamed in agreement.yaml alone
    (to one not like the old), beside a valid agreement."""
    monkeypatch.chdir(tmp_path)
    folder = copy_agreement(DATA / "complete", tmp_path / "agreements")
    copy_agreement(DATA / "demo", tmp_path / "agreements")
    edit(folder, "agreement.yaml", replace(f"  - id: {OLD}\n", f"  - id: {NEW}\n"))
    return folder


def _uses(folder: Path) -> dict[str, int]:
    """How many times each file of `folder` names the old id, as a whole word."""
    found = {}
    for path in sorted(folder.rglob("*.yaml")):
        count = len(re.findall(rf"(?<![\w-]){OLD}(?![\w-])", path.read_text("utf-8")))
        if count:
            found[path.relative_to(folder.parent.parent).as_posix()] = count
    return found


def test_a_rename_in_one_file_gives_an_error_in_every_file_that_uses_the_old_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _renamed(tmp_path, monkeypatch)
    result = CliRunner().invoke(cli, ["validate", "agreements/complete"])
    assert result.exit_code == 1
    errors = re.findall(r"^(\S+?):\d+:\d+: error AG131: unknown party( or \w+)? '(.+)'$",
                        result.stderr, re.MULTILINE)  # fmt: skip
    by_file: dict[str, int] = {}
    for path, _, ident in errors:
        assert ident == OLD
        by_file[path] = by_file.get(path, 0) + 1
    assert by_file == _uses(folder)
    assert set(by_file) >= {
        "agreements/complete/agreement.yaml",
        "agreements/complete/budget.yaml",
        "agreements/complete/milestones.yaml",
        "agreements/complete/sub-agreements/employment.yaml",
    }
    # Every one suggests the new id, which nothing uses yet, although it is not alike.
    assert result.stderr.count(f"    hint: did you mean '{NEW}'?\n") == len(errors)
    # No rule speaks of a missing municipality on the board: the rules wait for the fix.
    assert "AG209" not in result.stderr and "AG239" not in result.stderr


def test_the_first_error_of_a_rename_is_located_and_the_run_ends_with_a_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _renamed(tmp_path, monkeypatch)
    stderr = CliRunner().invoke(cli, ["validate", "agreements/complete"]).stderr
    board = _line(tmp_path / "agreements/complete/agreement.yaml", f"party: {OLD}")
    defined = _line(tmp_path / "agreements/complete/agreement.yaml", f"  - id: {NEW}")
    budget = _position(tmp_path / "agreements/complete/budget.yaml", f"{OLD}:")
    assert stderr.startswith(
        f"agreements/complete/agreement.yaml:{board}:14: error AG131: unknown party '{OLD}'\n"
        f"    hint: did you mean '{NEW}'?\n"
    )
    assert (
        f"agreements/complete/budget.yaml:{budget[0]}:{budget[1]}: error AG131: unknown party "
        f"or funder '{OLD}'\n"
        f"    hint: did you mean '{NEW}'?\n"
        f"agreements/complete/agreement.yaml:{defined}:9: note: '{NEW}' is defined here\n"
    ) in stderr
    summary = stderr[stderr.index("Summary by file:\n") :]
    counts = _uses(tmp_path / "agreements/complete")
    total = sum(counts.values())
    assert summary == (
        "Summary by file:\n"
        + "".join(f"  {path}: {n} error{'s' * (n != 1)}\n" for path, n in sorted(counts.items()))
        + f"Aborted with {total} errors.\n"
    )


def _line(path: Path, needle: str) -> int:
    return _position(path, needle)[0]


def _position(path: Path, needle: str) -> tuple[int, int]:
    """The 1-based line and column of the first `needle` in the file."""
    for number, text in enumerate(path.read_text("utf-8").splitlines(), 1):
        if needle in text:
            return number, text.index(needle) + 1
    raise AssertionError(needle)


def test_a_rename_builds_the_other_agreement_and_not_the_broken_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _renamed(tmp_path, monkeypatch)
    result = CliRunner().invoke(cli, ["build", "--format", "html"])
    assert result.exit_code == 1
    assert sorted(p.name for p in Path("output").iterdir()) == ["demo"]
    assert (Path("output/demo") / "Strategisk samarbejdsaftale.html").is_file()
    tail = result.stderr.splitlines()[-4:]
    assert tail[1:] == [
        "Built output/demo",
        "Not built: agreements/complete",
        tail[-1],
    ]
    assert re.fullmatch(r"Aborted with \d+ errors, \d+ warnings\.", tail[-1])


def test_a_broken_budget_does_not_hold_back_the_delaftaler_or_the_references(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = copy_agreement(DATA / "complete", tmp_path / "agreements")
    edit(folder, "budget.yaml", replace("price_level:", "prise_level:"))
    edit(
        folder,
        "sub-agreements/employment.yaml",
        replace("sub_goals: [unge-i-job]\n", "sub_goals: []\n"),
    )
    result = CliRunner().invoke(cli, ["validate", "agreements/complete", "--final"])
    assert result.exit_code == 1
    codes = re.findall(r"^\S+ (?:error|warning) (AG\d+):", result.stderr, re.MULTILINE)
    # The budget's model fails (AG101); the delaftale's own rule still runs (AG223), and
    # nothing says the budget is missing (AG230) or an activity unpaid (AG237).
    assert sorted(set(codes)) == ["AG101", "AG223"]


def test_a_broken_agreement_model_still_checks_the_references_of_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = copy_agreement(DATA / "complete", tmp_path / "agreements")
    edit(folder, "agreement.yaml", replace("area_name:", "area_nam:"))
    edit(folder, "milestones.yaml", replace("department: aaparken", "department: aparken"))
    result = CliRunner().invoke(cli, ["validate", "agreements/complete"])
    assert result.exit_code == 1
    found = re.findall(r"^(\S+?):\d+:\d+: error (AG\d+): (.*)$", result.stderr, re.MULTILINE)
    assert sorted(found) == [
        ("agreements/complete/agreement.yaml", "AG101", "unknown key 'area_nam'"),
        ("agreements/complete/agreement.yaml", "AG102", "missing required key area_name"),
        ("agreements/complete/milestones.yaml", "AG131", "unknown department 'aparken'"),
    ]


# -- for machines ---------------------------------------------------------------------------


def test_json_lists_every_diagnostic_with_counts_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _renamed(tmp_path, monkeypatch)
    result = CliRunner().invoke(cli, ["validate", "--format", "json", "agreements/complete"])
    assert result.exit_code == 1
    assert result.stderr == ""
    report = json.loads(result.stdout)
    counts = _uses(tmp_path / "agreements/complete")
    assert report["summary"] == {
        "errors": sum(counts.values()),
        "warnings": 0,
        "files": {path: {"errors": n, "warnings": 0} for path, n in counts.items()},
    }
    first = report["diagnostics"][0]
    board = _line(tmp_path / "agreements/complete/agreement.yaml", f"party: {OLD}")
    assert first == {
        "path": "agreements/complete/agreement.yaml",
        "line": board,
        "column": 14,
        "severity": "error",
        "code": "AG131",
        "message": f"unknown party '{OLD}'",
        "hint": f"did you mean '{NEW}'?",
        "notes": [],
    }


def test_json_of_a_valid_folder_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    copy_agreement(DATA / "complete", tmp_path / "agreements")
    result = CliRunner().invoke(cli, ["validate", "--format", "json", "--final"])
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["summary"] == {"errors": 0, "warnings": 0, "files": {}}
    strict = CliRunner().invoke(cli, ["validate", "--format", "json", "--strict"])
    assert strict.exit_code == 0


def test_sarif_is_valid_against_the_oasis_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8"))
    _renamed(tmp_path, monkeypatch)
    (tmp_path / "agreements/demo/stray.yaml").write_text("a: 1\n", "utf-8")  # AG117, no line
    paths = ["agreements/complete", "agreements/demo"]
    result = CliRunner().invoke(cli, ["validate", "--format", "sarif", *paths])
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "agreementgen"
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules == sorted(set(rules)) and {"AG117", "AG131", "AG212"} <= set(rules)
    signed = next(rule for rule in run["tool"]["driver"]["rules"] if rule["id"] == "AG212")
    assert signed["shortDescription"] == {"text": "every party has signed (signature dates)"}
    results = run["results"]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    assert {r["level"] for r in results} == {"error", "warning"}
    stray = next(r for r in results if r["ruleId"] == "AG117")
    assert stray["locations"] == [
        {"physicalLocation": {"artifactLocation": {"uri": "agreements/demo/stray.yaml"}}}
    ]
    budget = next(r for r in results if "budget.yaml" in json.dumps(r["locations"]))
    assert budget["message"]["text"] == (f"unknown party or funder '{OLD}'\ndid you mean '{NEW}'?")
    assert budget["relatedLocations"][0]["message"] == {"text": f"'{NEW}' is defined here"}
