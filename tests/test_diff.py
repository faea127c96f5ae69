"""`agreementgen diff`: changes between git revisions, in domain terms, as text, Markdown, JSON."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner, Result

from agreementgen.cli import cli
from agreementgen.review.diff import Change, diff_models
from agreementgen.source.model import Model, titled

from .diff import scenario
from .diff.scenario import FOLDER, Scenario
from .helpers import ROOT

TEXT = """\
Strategisk samarbejdsaftale (viborg): ændret, kræver godkendelse i Landsbyggefonden
  Samarbejdsaftalen gælder fra - til › Til: 31. juli 2029 → 31. december 2029
  Part tilføjet: Viborg Politi
  Afd. 26 Kærsangerparken omdøbt: kaersangerparken → kaersanger-parken
  Afdeling fjernet: Afd. 822 Stoholm
  Bestyrelse › Opgaver: »sikre rammer og retningen for den boligsociale helhedsplan« → \
»sikre rammer og retning for den boligsociale helhedsplan«
  1. Kort om boligområdet › Parallelsamfundskriterier › Række fjernet: Afd. 822 Stoholm
  2. Vision for boligområdet: »Den boligsociale helhedsplan har til formål at styrke \
chancelighed for helhedsplanens beboere.« → »Den boligsociale helhedsplan har til formål at \
styrke lige muligheder for helhedsplanens beboere.«
  5. Overordnede mål og indikatorer for den boligsociale indsats › Baseline for indikator 4 › \
Baseline boligområde: 25,95\u00a0% → 24,10\u00a0%
  6. Indsatsområder › Beskæftigelse › Tabel Andel 18-64 årige, der er uden tilknytning til \
arbejdsmarked og uddannelse › Række 2016 › Helhedsplanen: 45,39\u00a0% → 45,40\u00a0%
  Forside › Periode: Samarbejdsaftalen gælder fra 1. august 2025 til 31. juli 2029 → \
Samarbejdsaftalen gælder fra 1. august 2025 til 31. december 2029
"""


@pytest.fixture(scope="module")
def revisions(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return scenario.make(tmp_path_factory.mktemp("diff"))


@pytest.fixture
def inside(revisions: Scenario, monkeypatch: pytest.MonkeyPatch) -> Scenario:
    """Run in the scenario's repository, with a clean working tree on main."""
    monkeypatch.chdir(revisions.repo)
    scenario.git(revisions.repo, "checkout", "-q", "-f", "main")
    scenario.git(revisions.repo, "clean", "-q", "-fd")
    return revisions


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["diff", *args])


# --- the scenario: every kind of change ------------------------------------------------------


def test_text_names_each_change_in_domain_terms(inside: Scenario) -> None:
    result = run("v1", "v2")
    assert result.exit_code == 0, result.output
    assert result.stdout == TEXT


def test_markdown_for_a_pull_request(inside: Scenario) -> None:
    result = run("v1", "v2", "--format", "markdown")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:6] == [
        "## Ændringer i aftaledokumenterne: `v1` → `v2`",
        "",
        "### Strategisk samarbejdsaftale (viborg)",
        "",
        "Ændret · **Kræver godkendelse i Landsbyggefonden** · `agreements/viborg/agreement.yaml`",
        "",
    ]
    # The same lines as the text, as a list; "1. …" escaped so it is no numbered list.
    expected = [f"- {line.strip()}" for line in TEXT.splitlines()[1:]]
    expected = [line.replace("- 1. ", "- 1\\. ").replace("- 2. ", "- 2\\. ") for line in expected]
    expected = [line.replace("- 5. ", "- 5\\. ").replace("- 6. ", "- 6\\. ") for line in expected]
    assert lines[6:] == expected


def test_json_for_tools(inside: Scenario) -> None:
    result = run("v1", "v2", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    commit = scenario.git(inside.repo, "rev-parse", "v2").strip()
    assert data["new"] == {"revision": "v2", "commit": commit}
    assert data["changed"] is True
    (document,) = data["documents"]
    assert {k: v for k, v in document.items() if k != "changes"} == {
        "agreement": "viborg",
        "document": "agreement.yaml",
        "path": "agreements/viborg/agreement.yaml",
        "kind": "agreement",
        "title": "Strategisk samarbejdsaftale",
        "status": "changed",
        "requires_lbf_approval": True,
        "approval": "kræver godkendelse i Landsbyggefonden",
    }
    assert [c["text"] for c in document["changes"]] == [
        line.strip() for line in TEXT.splitlines()[1:]
    ]
    by_location = {c["location"]: c for c in document["changes"]}
    assert by_location["period.end"] == {
        "action": "changed",
        "where": ["Samarbejdsaftalen gælder fra - til", "Til"],
        "location": "period.end",
        "old": "31. juli 2029",
        "new": "31. december 2029",
        "old_value": "2029-07-31",
        "new_value": "2029-12-31",
        "derived": False,
        "text": "Samarbejdsaftalen gælder fra - til › Til: 31. juli 2029 → 31. december 2029",
    }
    renamed = by_location["departments[id=kaersangerparken]"]
    assert (renamed["action"], renamed["old"], renamed["new"]) == (
        "renamed",
        "kaersangerparken",
        "kaersanger-parken",
    )
    added = by_location["parties[id=viborg-politi]"]
    assert added["action"] == "added"
    assert added["new_value"]["name"] == "Viborg Politi"
    baseline = by_location["sections.goals.baselines[indicator=4].area[0].value"]
    assert (baseline["old_value"], baseline["new_value"]) == ("25.95", "24.10")


def test_exit_code_says_whether_anything_changed(inside: Scenario) -> None:
    assert run("v1", "v2", "--exit-code").exit_code == 1
    assert run("v2", "v2", "--exit-code").exit_code == 0
    assert run("v2", "v2").stdout == ""


# --- matching by id ----------------------------------------------------------------------------


def test_reordering_what_the_documents_order_by_themselves_reports_nothing(
    inside: Scenario,
) -> None:
    # The goals table shows the baselines in the order of LBF's indicators.
    text = (inside.v1 / "agreement.yaml").read_text("utf-8")
    text = scenario.swap_blocks(
        text, "      - indicator: 7\n", "      - indicator: 8\n", "      - indicator: 9\n"
    )
    scenario.branch(inside, "reordered", text)
    result = run("v1", "reordered", "--exit-code")
    assert (result.exit_code, result.stdout) == (0, "")


def test_reordering_parties_and_departments_is_a_move(inside: Scenario) -> None:
    text = (inside.v1 / "agreement.yaml").read_text("utf-8")
    text = scenario.swap_blocks(
        text, "  - id: boligselskabet-viborg\n", "  - id: viborg-kommune\n", "\ndepartment_groups:"
    )
    text = scenario.swap_blocks(
        text, "  - id: houlkaervaenget\n", "  - id: vestervang\n", "  - id: ringparken\n"
    )
    scenario.branch(inside, "moved", text)
    result = run("v1", "moved", "--exit-code")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        "  Part flyttet: Viborg Kommune, fra efter Boligselskabet Sct. Jørgen til først",
        "  Afdeling flyttet: Afd. 10 Vestervang, fra efter Afd. 12 Houlkærvænget til først",
    ]


def test_a_renamed_id_is_a_rename_and_its_references_follow(inside: Scenario) -> None:
    # The party's id and every board member's reference to it.
    text = (inside.v1 / "agreement.yaml").read_text("utf-8")
    assert text.count("viborg-kommune") > 2
    scenario.branch(inside, "renamed", text.replace("viborg-kommune", "kommunen"))
    result = run("v1", "renamed")
    assert result.stdout.splitlines()[1:] == [
        "  Part Viborg Kommune omdøbt: viborg-kommune → kommunen"
    ]


# --- revisions -----------------------------------------------------------------------------------


def test_default_is_head_against_the_working_tree(inside: Scenario) -> None:
    agreement = inside.repo / FOLDER / "agreement.yaml"
    agreement.write_text(
        agreement.read_text("utf-8").replace("end: 2029-12-31", "end: 2030-01-31"), "utf-8"
    )
    expected = (
        "Strategisk samarbejdsaftale (viborg): ændret, kræver godkendelse i Landsbyggefonden\n"
        "  Samarbejdsaftalen gælder fra - til › Til: 31. december 2029 → 31. januar 2030\n"
        "  Forside › Periode: Samarbejdsaftalen gælder fra 1. august 2025 til 31. december "
        "2029 → Samarbejdsaftalen gælder fra 1. august 2025 til 31. januar 2030\n"
    )
    assert run().stdout == expected
    assert run("HEAD").stdout == expected
    assert run("v1").stdout.count("\n") == TEXT.count("\n")


def test_an_old_revision_is_read_without_touching_the_working_tree(inside: Scenario) -> None:
    before = scenario.git(inside.repo, "status", "--porcelain=v1", "--branch")
    head = scenario.git(inside.repo, "rev-parse", "HEAD")
    run("v1", "v2")
    assert scenario.git(inside.repo, "status", "--porcelain=v1", "--branch") == before
    assert scenario.git(inside.repo, "rev-parse", "HEAD") == head


def test_a_revision_that_does_not_validate_is_named_in_the_diagnostic(inside: Scenario) -> None:
    text = scenario.edit(
        (inside.v1 / "agreement.yaml").read_text("utf-8"),
        (
            (
                "    name: Boligselskabet Viborg\n",
                "    name: Boligselskabet Viborg\n    signatry: x\n",
            ),
        ),
    )
    scenario.branch(inside, "broken", text)
    result = run("v1", "broken")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "broken:agreements/viborg/agreement.yaml:14:5: error AG101: parties[0]: unknown key "
        "'signatry'\n"
        "    hint: did you mean 'signatory'?\n"
        "Aborted with 1 error.\n"
    )


@pytest.mark.parametrize(
    ("written", "said"),
    [
        pytest.param(
            "    ? - text: x\n",
            "agreements/viborg/agreement.yaml:14:7: error AG103: parties[0]: a key must be text, "
            "not a list\n"
            "    hint: a key is a plain word, e.g. area_name\n",
            id="list-key-holding-a-mapping",
        ),
        pytest.param(
            "    <<: {kind: municipality}\n",
            "agreements/viborg/agreement.yaml:14:5: error AG113: YAML merge keys (<<) are not "
            "allowed\n"
            "    hint: write the keys out in full; agreements are read by people, not "
            "deduplicated\n",
            id="merge-key",
        ),
    ],
)
def test_a_key_yaml_data_cannot_have_is_a_diagnostic(
    inside: Scenario, written: str, said: str
) -> None:
    agreement = inside.repo / FOLDER / "agreement.yaml"
    name = "    name: Boligselskabet Viborg\n"
    text = agreement.read_text("utf-8")
    assert name in text
    agreement.write_text(text.replace(name, name + written, 1), "utf-8")
    result = run()
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == said + "Aborted with 1 error.\n"


def test_an_unknown_revision(inside: Scenario) -> None:
    result = run("no-such-branch")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "no-such-branch: error AG151: unknown revision: not a commit, branch or tag of this "
        "repository"
    )
    assert run("--", "--output=x").stderr.startswith("--output=x: error AG151:")


def test_outside_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run()
    assert result.exit_code == 1
    assert result.stderr == (
        ".: error AG150: not inside a git repository\n"
        "    hint: run the command in a checkout of the agreements repository\n"
        "Aborted with 1 error.\n"
    )


def test_at_most_two_revisions(inside: Scenario) -> None:
    result = run("a", "b", "c")
    assert result.exit_code == 2
    assert "give at most two revisions" in result.stderr


def test_documents_added_and_removed(inside: Scenario) -> None:
    mandate = ROOT / "agreements" / "viborg" / "board-mandate.yaml"
    if not mandate.is_file():
        pytest.skip("agreements/viborg has no board-mandate.yaml")
    scenario.copy_file(mandate, inside.repo / FOLDER / "board-mandate.yaml")
    scenario.copy_file(
        inside.v1 / "agreement.yaml", inside.repo / "agreements/aarhus/agreement.yaml"
    )
    assert run().stdout == (
        "Strategisk samarbejdsaftale (aarhus): tilføjet, kræver godkendelse i Landsbyggefonden\n"
        "\n"
        "Kommissorium for bestyrelsen (viborg): tilføjet, ajourføres af bestyrelsen\n"
    )
    data = json.loads(run("--format", "json").stdout)
    assert [(d["title"], d["requires_lbf_approval"]) for d in data["documents"]] == [
        ("Strategisk samarbejdsaftale", True),
        ("Kommissorium for bestyrelsen", False),
    ]
    scenario.git(inside.repo, "add", "-A")
    scenario.git(inside.repo, "commit", "-q", "-m", "more")
    (inside.repo / FOLDER / "board-mandate.yaml").unlink()
    assert run().stdout == (
        "Kommissorium for bestyrelsen (viborg): fjernet, ajourføres af bestyrelsen\n"
    )
    scenario.git(inside.repo, "reset", "-q", "--hard", "main~1")


def test_wiring(monkeypatch: pytest.MonkeyPatch) -> None:
    from agreementgen.review import diff

    with mock.patch.object(diff, "diff_revisions", autospec=True) as called:
        called.return_value = diff.DiffResult(mock.Mock(), mock.Mock())
        for args, expected in (([], ("HEAD", None)), (["main"], ("main", None))):
            run(*args)
            assert called.call_args.args == expected
        run("main", "HEAD")
        assert called.call_args.args == ("main", "HEAD")


# --- the walk over models -----------------------------------------------------------------------


class Item(Model):
    id: str = titled("Id", "")
    name: str = titled("Navn", "")
    due: datetime.date | None = titled("Frist", "", None)


class Plan(Model):
    items: list[Item] = titled("Punkter", "", [])
    notes: list[str] = titled("Noter", "", [])
    text: str = titled("Tekst", "", "")


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [c.text for c in diff_models(Plan.model_validate(old), Plan.model_validate(new))]


def test_a_model_of_any_kind_is_walked_by_its_titles() -> None:
    a = {"items": [{"id": "a", "name": "Første", "due": "2026-03-01"}]}
    b = {"items": [{"id": "a", "name": "Første", "due": "2026-06-01"}]}
    assert changes(a, b) == ["Punkter › Første › Frist: 1. marts 2026 → 1. juni 2026"]
    assert changes(a, {"items": []}) == ["Punkter fjernet: Første"]


def test_entries_without_ids_are_aligned_and_a_moved_one_is_moved() -> None:
    a = {"notes": ["en", "to", "tre"]}
    assert changes(a, {"notes": ["to", "tre", "en"]}) == [
        "Noter: flyttet »en«, fra nr. 1 til nr. 3"
    ]
    assert changes(a, {"notes": ["en", "tre"]}) == ["Noter: fjernet »to«"]
    assert changes(a, {"notes": ["en", "to", "tre", "fire"]}) == ["Noter: tilføjet »fire«"]
    long_note = "den lange note om at noget sker i området hvert år i august og i september"
    assert changes({"notes": [long_note]}, {"notes": [long_note.replace("august", "juli")]}) == [
        "Noter: »… hvert år i august og i september« → »… hvert år i juli og i september«"
    ]


def test_prose_shows_the_changed_sentences() -> None:
    a = {"text": "Første sætning.\n\nAnden sætning står her. Tredje sætning.\n\n- et punkt\n"}
    b = {"text": "Første sætning.\n\nAnden sætning stod her. Tredje sætning.\n\n- et punkt\n"}
    assert changes(a, b) == ["Tekst: »Anden sætning står her.« → »Anden sætning stod her.«"]


def test_change_text_forms() -> None:
    assert Change("added", (), "x", new="Viborg Politi", noun="Part").text == (
        "Part tilføjet: Viborg Politi"
    )
    assert Change("removed", ("Bestyrelse",), "x", old="»a«").text == "Bestyrelse: fjernet »a«"
    assert Change("renamed", ("Part A",), "x", "a", "b").text == "Part A omdøbt: a → b"


def test_one_listing_of_the_agreements_serves_each_folder_in_it(
    inside: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder's files at a commit, taken from the listing of agreements/, are those git
    lists for the folder itself; git is asked once."""
    from agreementgen.review import revisions

    repo = revisions.Repository.discover()
    main = repo.revision("main")
    asked: list[tuple[str, ...]] = []
    real = revisions._git

    def counting(cwd: Path, *args: str) -> Any:
        asked.append(args)
        return real(cwd, *args)

    monkeypatch.setattr(revisions, "_git", counting)
    everything = repo.files(main, "agreements")
    assert f"{FOLDER}/agreement.yaml" in everything
    for under in (FOLDER, f"{FOLDER}/agreement.yaml", "agreements/vib", "agreements/none"):
        listed = scenario.git(inside.repo, "ls-tree", "-r", "--name-only", "main", "--", under)
        assert repo.files(main, under) == sorted(listed.split()), under
    assert [a[0] for a in asked] == ["ls-tree"]
