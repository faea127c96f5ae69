"""`agreementgen rename KIND OLD NEW [PATH]`: an id renamed where it is defined and everywhere it
is referred to, the files otherwise as they were, or nothing written at all."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pydantic import create_model

from agreementgen.cli import cli
from agreementgen.edit import rename as rename_module
from agreementgen.edit.rename import KIND_NAMES
from agreementgen.kinds import BY_KEY, KINDS
from agreementgen.kinds.milestones.model import Milestone, MilestonePlan
from agreementgen.source.model import Id
from agreementgen.source.references import (
    ANY,
    ID_KINDS,
    REFERENCES,
    exists,
    id_fields,
    unlisted,
)

from .helpers import ROOT, require_tool, tree_state

EXAMPLE = ROOT / "agreements" / "example"
VIBORG = ROOT / "agreements" / "viborg"
EDUCATION = "sub-agreements/education_and_life_chances.yaml"
EMPLOYMENT = "sub-agreements/employment.yaml"


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: Path = EXAMPLE) -> Path:
    """Copy an agreement folder into tmp_path and work there, so paths show as `example/...`."""
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    monkeypatch.chdir(tmp_path)
    return folder


def texts(folder: Path) -> dict[str, str]:
    """Every YAML file of the folder, by its path inside it, as text (line ends kept)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes().decode("utf-8")
        for path in sorted(folder.rglob("*.yaml"))
    }


def changed_lines(before: dict[str, str], after: dict[str, str]) -> dict[str, dict[int, str]]:
    """The lines that differ, by file and 1-based line number, with their new text. A rename
    adds and removes no line and no file."""
    assert before.keys() == after.keys()
    changed: dict[str, dict[int, str]] = {}
    for name, text in before.items():
        old, new = text.splitlines(keepends=True), after[name].splitlines(keepends=True)
        assert len(old) == len(new), name
        lines = {i + 1: b for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b}
        if lines:
            changed[name] = lines
    return changed


def token(ident: str) -> re.Pattern[str]:
    """The id as a whole word: not inside a longer id such as 'lektiecafe-start'."""
    return re.compile(rf"(?<![a-z0-9-]){re.escape(ident)}(?![a-z0-9-])")


def validate(*args: str) -> tuple[int, str]:
    result = run("validate", *args)
    return result.exit_code, result.stderr


# kind, folder, old, new, and per file: a pattern the lines that change match, and how many
# lines match it (so that a pattern cannot match nothing and pass).
CASES = [
    pytest.param(
        "party", EXAMPLE, "boligforeningen-fjorden", "fjorden-bolig",
        {
            "agreement.yaml": (r"(id|owner|party): boligforeningen-fjorden$", 4),
            "budget.yaml": (r"\{lbf: .*boligforeningen-fjorden: \d+\}$", 8),
            "milestones.yaml": (r"responsible: boligforeningen-fjorden$", 1),
            EDUCATION: (r"- party: boligforeningen-fjorden$", 1),
            EMPLOYMENT: (r"- party: boligforeningen-fjorden$", 1),
        },
        id="party",
    ),
    pytest.param(
        "party", VIBORG, "viborg-kommune", "viborg-kommunen",
        {
            "agreement.yaml": (r"(id|party): viborg-kommune$", 3),
            "budget.yaml": (r"^      20\d\d: \{.*viborg-kommune: \d+\}$", 47),
            "milestones.yaml": (r"responsible: viborg-kommune$", 5),
            "sub-agreements/cohesion_and_citizenship.yaml": (r"(party|responsible): viborg-k", 5),
            EDUCATION: (r"(party|responsible): viborg-kommune$", 10),
            EMPLOYMENT: (r"(party|responsible): viborg-kommune$", 5),
        },
        id="party-viborg",
    ),
    pytest.param(
        # Not the delaftale party 'dagtilbud-aaparken', nor the milestone 'aaparken-helhedsplan'.
        "department", EXAMPLE, "aaparken", "aaparken-afd",
        {
            "agreement.yaml": (r"(- id|department): aaparken$", 2),
            "milestones.yaml": (r"department: aaparken$", 1),
        },
        id="department",
    ),
    pytest.param(
        "group", EXAMPLE, "landsbyerne", "landsbyer",
        {"agreement.yaml": (r"(- id|group): landsbyerne$", 3)},
        id="group",
    ),
    pytest.param(
        # Not the word in the milestone text "..., styregruppe og samarbejdspartnere".
        "subgroup", EXAMPLE, "styregruppe", "styregruppen",
        {
            "agreement.yaml": (r"- id: styregruppe$", 1),
            "milestones.yaml": (r"responsible: styregruppe$", 2),
        },
        id="subgroup",
    ),
    pytest.param(
        # The criteria rows' values are flow mappings whose keys are the criteria's ids.
        "criterion", EXAMPLE, "outside-labour-market", "unemployed",
        {"agreement.yaml": (r"(- id: outside-labour-market$|values: \{.*outside-labour)", 4)},
        id="criterion",
    ),
    pytest.param(
        # Not the budget line 'lektiecafe' (another kind), nor the milestone 'lektiecafe-start'.
        "activity", EXAMPLE, "lektiecafe", "lektiehjaelp",
        {
            EDUCATION: (r"^  - id: lektiecafe$", 1),
            "budget.yaml": (r"activities: \[lektiecafe\]$", 1),
            "milestones.yaml": (r"activities: \[lektiecafe[],]", 2),
        },
        id="activity",
    ),
    pytest.param(
        # Not the prose "... alderssvarende sprog ved skolestart", nor 'sprogstart'.
        "sub-goal", EXAMPLE, "sprog", "sprogudvikling",
        {EDUCATION: (r"(- id: sprog|sub_goals: \[sprog\])$", 2)},
        id="sub-goal",
    ),
    pytest.param(
        # Each delaftale has a party 'ssp' of its own; both are renamed.
        "sub-agreement-party", EXAMPLE, "ssp", "ssp-eksempelby",
        {
            EDUCATION: (r"(- id: ssp$|partners: \[ssp, )", 2),
            EMPLOYMENT: (r"(- id: ssp$|partners: .*, ssp, )", 2),
        },
        id="sub-agreement-party",
    ),
    pytest.param(
        "funder", EXAMPLE, "sparekassefonden", "sparekassen",
        {"budget.yaml": (r"(- id: sparekassefonden|sparekassefonden: 60000\})$", 3)},
        id="funder",
    ),
    pytest.param(
        # Not the activity 'lektiecafe' the line pays for.
        "budget-line", EXAMPLE, "lektiecafe", "lektiecafe-linje",
        {"budget.yaml": (r"^  - id: lektiecafe$", 1)},
        id="budget-line",
    ),
    pytest.param(
        "milestone", EXAMPLE, "opstart", "start",
        {"milestones.yaml": (r"- id: opstart$", 1)},
        id="milestone",
    ),
    pytest.param(
        "scenario", EXAMPLE, "uro-unge", "uro-blandt-unge",
        {"contingency-plan.yaml": (r"- id: uro-unge$", 1)},
        id="scenario",
    ),
]  # fmt: skip


def test_every_kind_of_id_has_a_case() -> None:
    assert {case.values[0] for case in CASES} == set(KIND_NAMES)


@pytest.mark.parametrize(("kind", "source", "old", "new", "expected"), CASES)
def test_rename_changes_every_reference_and_nothing_else(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    source: Path,
    old: str,
    new: str,
    expected: dict[str, tuple[str, int]],
) -> None:
    folder = copy(tmp_path, monkeypatch, source)
    before = texts(folder)
    drafts, finals = validate(folder.name), validate(folder.name, "--final")

    result = run("rename", kind, old, new, folder.name)

    assert result.exit_code == 0, result.output
    after = texts(folder)
    want: dict[str, dict[int, str]] = {}
    for name, (pattern, count) in expected.items():
        lines = before[name].splitlines(keepends=True)
        numbers = [i + 1 for i, line in enumerate(lines) if re.search(pattern, line)]
        assert len(numbers) == count, (name, numbers)
        # The id's characters and nothing else: the rest of the line, its comment, its
        # quotes and its line end are as they were.
        want[name] = {n: token(old).sub(new, lines[n - 1], count=1) for n in numbers}
    assert changed_lines(before, after) == want
    # What the command says it changed, file by file.
    said = [f"{folder.name}/{name}: {len(lines)} reference{'s' * (len(lines) != 1)}"
            for name, lines in sorted(want.items(), key=lambda item: _order(item[0]))]  # fmt: skip
    assert result.stderr.splitlines() == [*said, f"Renamed {_what(kind)} {old!r} to {new!r}."]
    # `validate` says what it said before, with the id replaced.
    assert validate(folder.name) == (drafts[0], token(old).sub(new, drafts[1]))
    assert validate(folder.name, "--final") == (finals[0], token(old).sub(new, finals[1]))


def _order(name: str) -> tuple[int, str]:
    return (0, "") if name == "agreement.yaml" else (1, name)


def _what(kind: str) -> str:
    return next(k.what for k in ID_KINDS if k.name == kind)


def test_a_quoted_id_keeps_its_quotes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = copy(tmp_path, monkeypatch)
    fjorden = "boligforeningen-fjorden"
    quoted = {
        "agreement.yaml": (f"    owner: {fjorden}", f"    owner: '{fjorden}'"),
        "budget.yaml": (f", {fjorden}: 40000}}", f', "{fjorden}": 40000}}'),
        "milestones.yaml": (f"responsible: {fjorden}", f'responsible: "{fjorden}"  # quoted'),
        EDUCATION: (f"- party: {fjorden}", f"- party: '{fjorden}'"),
    }
    for name, (plain, written) in quoted.items():
        path = folder / name
        text = path.read_text("utf-8")
        assert plain in text
        path.write_text(text.replace(plain, written, 1), "utf-8")
    before = texts(folder)

    assert run("rename", "party", fjorden, "fjorden", "example").exit_code == 0

    changed = changed_lines(before, texts(folder))
    for name, (_, written) in quoted.items():
        new = written.replace(fjorden, "fjorden")
        assert any(line.rstrip("\n").endswith(new) for line in changed[name].values()), name
    assert "    owner: 'fjorden'\n" in changed["agreement.yaml"].values()
    assert validate("example")[0] == 0


def test_an_id_yaml_would_read_as_a_number_is_quoted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'2030' written plain would be a number, '0123' the number 123: the new id is quoted
    where the old one was plain, and stays text."""
    folder = copy(tmp_path, monkeypatch)
    for new in ("2030", "0123"):
        old = "sparekassefonden" if new == "2030" else "2030"
        assert run("rename", "funder", old, new, "example").exit_code == 0
    budget = (folder / "budget.yaml").read_text("utf-8")
    assert "  - id: '0123'\n" in budget
    assert "      2026: {lbf: 40000, '0123': 60000}\n" in budget
    assert validate("example")[0] == 0


def test_line_ends_and_a_byte_order_mark_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy(tmp_path, monkeypatch)
    path = folder / "budget.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes()

    assert run("rename", "funder", "sparekassefonden", "sparekassen", "example").exit_code == 0

    assert path.read_bytes() == before.replace(b"sparekassefonden", b"sparekassen")


# -- refusals: exact diagnostics, and nothing written -------------------------------------


def refused(folder: Path, *args: str) -> str:
    """Run a rename that must be refused; return what it printed."""
    before = tree_state(folder)
    result = run("rename", *args)
    assert result.exit_code == 1, result.output
    assert tree_state(folder) == before
    assert result.stdout == ""
    return result.stderr


def test_a_new_id_that_exists_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = copy(tmp_path, monkeypatch)
    stderr = refused(folder, "party", "boligforeningen-fjorden", "eksempelby-kommune", "example")
    assert stderr == (
        "example/agreement.yaml:22:9: error AG127: 'eksempelby-kommune' already exists as a "
        "party id\n"
        "    hint: choose another id, or rename the other one first\n"
        "example/agreement.yaml:16:9: note: 'boligforeningen-fjorden' is defined here\n"
        "Aborted with 1 error.\n"
    )


def test_the_same_id_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = copy(tmp_path, monkeypatch)
    stderr = refused(folder, "group", "landsbyerne", "landsbyerne", "example")
    assert stderr == (
        "example/agreement.yaml:29:9: error AG127: 'landsbyerne' already exists as a "
        "department group id\n"
        "    hint: the old and the new id are the same\n"
        "Aborted with 1 error.\n"
    )


def test_an_id_of_one_delaftale_clashes_only_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sub-goals are a delaftale's own: 'skole' exists in the education delaftale only."""
    folder = copy(tmp_path, monkeypatch)
    stderr = refused(folder, "sub-goal", "sprog", "skole", "example")
    assert stderr == (
        f"example/{EDUCATION}:37:9: error AG127: 'skole' already exists as a sub-goal id\n"
        "    hint: choose another id, or rename the other one first\n"
        f"example/{EDUCATION}:34:9: note: 'sprog' is defined here\n"
        "Aborted with 1 error.\n"
    )
    assert run("rename", "sub-goal", "unge-i-job", "skole", "example").exit_code == 0


def test_an_id_a_reference_could_also_mean_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Budget amounts name parties and funders alike; a milestone's responsible names a
    party, a group under the board or 'board'."""
    folder = copy(tmp_path, monkeypatch)
    stderr = refused(folder, "party", "eksempelby-kommune", "sparekassefonden", "example")
    assert stderr == (
        "example/budget.yaml:7:9: error AG127: 'sparekassefonden' already exists as a funder "
        "id, and the funding sources of a budget line's amounts can be a party or a funder\n"
        "    hint: choose an id that is neither\n"
        "example/agreement.yaml:22:9: note: 'eksempelby-kommune' is defined here\n"
        "Aborted with 1 error.\n"
    )
    stderr = refused(folder, "party", "eksempelby-kommune", "board", "example")
    assert stderr == (
        "example/agreement.yaml:22:9: error AG127: 'board' cannot be a party id: in a "
        "milestone's responsible it means the board\n"
        "    hint: choose another id\n"
        "Aborted with 1 error.\n"
    )
    stderr = refused(folder, "funder", "sparekassefonden", "lbf", "example")
    assert "error AG127: 'lbf' cannot be a funder id: in the funding sources of a budget " in (
        stderr
    )


def test_an_id_already_referred_to_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reference to a party that does not exist is an error (AG131) that stops a rename:
    renamed to that id, another party would silently take over the reference."""
    folder = copy(tmp_path, monkeypatch)
    path = folder / "milestones.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("responsible: styregruppe", "responsible: kommunen", 1), "utf-8")
    assert validate("example")[0] == 1
    stderr = refused(folder, "party", "eksempelby-kommune", "kommunen", "example")
    assert (
        "example/milestones.yaml:77:18: error AG131: unknown party or subgroup 'kommunen'\n"
    ) in stderr
    assert stderr.endswith("error, 2 warnings.\n")


def test_an_unknown_old_id_is_refused_with_the_closest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy(tmp_path, monkeypatch)
    stderr = refused(folder, "party", "eksempelby-komune", "kommunen", "example")
    assert stderr == (
        "example/agreement.yaml:9:1: error AG128: 'eksempelby-komune' is not a party id\n"
        "    hint: did you mean 'eksempelby-kommune'?\n"
        "Aborted with 1 error.\n"
    )
    # At the first delaftale's activities; the closest of the activities of every delaftale.
    stderr = refused(folder, "activity", "jobkonsulenten", "x", "example")
    assert stderr == (
        f"example/{EDUCATION}:47:1: error AG128: 'jobkonsulenten' is not an activity id\n"
        "    hint: did you mean 'jobkonsulent'?\n"
        "Aborted with 1 error.\n"
    )
    stderr = refused(folder, "party", "aaparken", "x", "example")
    assert stderr == (
        "example/agreement.yaml:9:1: error AG128: 'aaparken' is not a party id\n"
        "    hint: 'aaparken' is a department id: agreementgen rename department aaparken NEW\n"
        "Aborted with 1 error.\n"
    )
    stderr = refused(folder, "funder", "fonden", "x", "example")
    assert stderr == (
        "example/budget.yaml:6:1: error AG128: 'fonden' is not a funder id\n"
        "    hint: known funder ids: sparekassefonden\n"
        "Aborted with 1 error.\n"
    )


def test_an_invalid_new_id_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = copy(tmp_path, monkeypatch)
    stderr = refused(folder, "party", "boligforeningen-fjorden", "Fjorden_Bolig", "example")
    assert stderr == (
        "example/agreement.yaml:16:9: error AG106: 'Fjorden_Bolig' is not a valid id\n"
        "    hint: ids use lower-case letters, digits and hyphens, e.g. boligselskabet-viborg\n"
        "Aborted with 1 error.\n"
    )
    # Both at once: an old id that is not there, a new one that is not an id.
    stderr = refused(folder, "party", "fjorden", "Fjorden", "example")
    assert "error AG128: 'fjorden' is not a party id" in stderr
    assert "example/agreement.yaml:9:1: error AG106: 'Fjorden' is not a valid id" in stderr
    assert stderr.endswith("Aborted with 2 errors.\n")


def test_a_folder_that_does_not_validate_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy(tmp_path, monkeypatch)
    path = folder / "budget.yaml"
    path.write_text(path.read_text("utf-8").replace("  - id: leder", "  - idd: leder", 1), "utf-8")
    code, said = validate("example")
    assert code == 1
    stderr = refused(folder, "party", "boligforeningen-fjorden", "fjorden", "example")
    assert stderr == said


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        pytest.param(
            "      name: Anne Holm\n",
            "      ? - text: x\n      name: Anne Holm\n",
            "example/agreement.yaml:14:9: error AG103: parties[0].signatory: a key must be "
            "text, not a list\n"
            "    hint: a key is a plain word, e.g. area_name\n",
            id="list-key-holding-a-mapping",
        ),
        pytest.param(
            "    kind: housing_organisation\n    name: Eksempelby Boligselskab\n",
            "    <<: {kind: housing_organisation}\n    name: Eksempelby Boligselskab\n",
            "example/agreement.yaml:11:5: error AG113: YAML merge keys (<<) are not allowed\n"
            "    hint: write the keys out in full; agreements are read by people, not "
            "deduplicated\n",
            id="merge-key",
        ),
    ],
)
def test_a_key_yaml_data_cannot_have_is_refused(
    old: str, new: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy(tmp_path, monkeypatch)
    path = folder / "agreement.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    stderr = refused(folder, "party", "boligforeningen-fjorden", "fjorden", "example")
    assert stderr == said + "Aborted with 1 error.\n"


def test_a_rename_that_brings_errors_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'todo' is a valid id, but reads as a placeholder left in the text (AG270, an error in
    a final build): the renamed agreement would have errors it does not have now."""
    folder = copy(tmp_path, monkeypatch)
    stderr = refused(folder, "scenario", "uro-unge", "todo", "example")
    assert stderr == (
        "example/contingency-plan.yaml:15:9: error AG270: template placeholder 'todo' left "
        "in the text\n"
        "    hint: replace it with the real name or text, or delete it\n"
        "example/contingency-plan.yaml:15:9: note: renaming 'uro-unge' to 'todo' here would "
        "bring this; nothing was renamed\n"
        "Aborted with 1 error.\n"
    )


def test_a_rename_that_brings_warnings_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phone number is a valid id, but the contingency plan should hold none (AG251, a
    warning): the rename is made, and the warning shown."""
    folder = copy(tmp_path, monkeypatch)
    result = run("rename", "scenario", "uro-unge", "12345678", "example")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "example/contingency-plan.yaml:15:10: warning AG251: '12345678' looks like a personal "
        "phone number\n"
        "    hint: name the function instead; personal data belongs in an internal annex that "
        "is not uploaded\n"
        "example/contingency-plan.yaml: 1 reference\n"
        "Renamed scenario 'uro-unge' to '12345678'.\n"
    )
    assert "  - id: '12345678'\n" in (folder / "contingency-plan.yaml").read_text("utf-8")


def test_a_word_with_a_meaning_of_its_own_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`responsible: board` names the board, even where a group under the board has the id
    'board': renaming that group leaves the board's milestones as they are."""
    folder = copy(tmp_path, monkeypatch)
    path = folder / "agreement.yaml"
    path.write_text(path.read_text("utf-8").replace("- id: sekretariat", "- id: board"), "utf-8")
    path = folder / "milestones.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("responsible: sekretariat", "responsible: board"), "utf-8")
    assert validate("example")[0] == 0
    before = texts(folder)
    assert run("rename", "subgroup", "board", "sekretariatet", "example").exit_code == 0
    assert changed_lines(before, texts(folder)) == {
        "agreement.yaml": {93: "    - id: sekretariatet\n"}
    }


def test_a_file_that_cannot_be_written_leaves_every_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy(tmp_path, monkeypatch)
    written: list[str] = []
    write = rename_module.write_atomic

    def flaky(path: Path, data: bytes) -> None:
        if path.name == "milestones.yaml":
            raise PermissionError(13, "Permission denied")
        written.append(path.name)
        write(path, data)

    monkeypatch.setattr(rename_module, "write_atomic", flaky)
    stderr = refused(folder, "party", "boligforeningen-fjorden", "fjorden", "example")
    assert stderr == (
        "example/milestones.yaml: error AG124: cannot write the file: Permission denied; "
        "nothing was renamed\n"
        "Aborted with 1 error.\n"
    )
    # Written, then put back.
    assert written == ["agreement.yaml", "budget.yaml", "budget.yaml", "agreement.yaml"]


def test_a_file_that_is_a_link_is_written_through_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy(tmp_path, monkeypatch)
    target = folder / "files" / "budget.txt"
    (folder / "budget.yaml").rename(target)
    (folder / "budget.yaml").symlink_to(Path("files") / "budget.txt")
    before = target.read_text("utf-8")

    assert run("rename", "funder", "sparekassefonden", "sparekassen", "example").exit_code == 0

    assert (folder / "budget.yaml").is_symlink()
    assert target.read_text("utf-8") == before.replace("sparekassefonden", "sparekassen")


# -- the command line ---------------------------------------------------------------------


def test_path_defaults_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy(tmp_path, monkeypatch)
    result = run("rename", "group", "landsbyerne", "landsbyer")
    assert result.exit_code == 2
    assert "give the agreement folder as PATH" in result.stderr

    monkeypatch.chdir(folder)
    result = run("rename", "group", "landsbyerne", "landsbyer")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "agreement.yaml: 3 references\nRenamed department group 'landsbyerne' to 'landsbyer'.\n"
    )


def test_path_is_one_agreement_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy(tmp_path, monkeypatch)
    result = run("rename", "group", "landsbyerne", "landsbyer", ".")
    assert result.exit_code == 1
    assert result.stderr == (
        ".: error AG119: not an agreement folder\n"
        "    hint: a rename works in one agreement folder, e.g. example\n"
        "Aborted with 1 error.\n"
    )
    result = run("rename", "group", "landsbyerne", "landsbyer", "example/agreement.yaml")
    assert result.exit_code == 0, result.output


def test_kind_is_a_kind_of_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy(tmp_path, monkeypatch)
    result = run("rename", "area", "employment", "jobs", "example")
    assert result.exit_code == 2
    assert "focus areas are LBF's four fixed keys and cannot be renamed" in result.stderr
    result = run("rename", "parties", "a", "b", "example")
    assert result.exit_code == 2
    assert "'parties' is not one of: party, department, group," in result.stderr


def test_help_names_every_kind() -> None:
    help_text = " ".join(run("rename", "--help").stdout.split())
    for name in KIND_NAMES:
        assert re.search(rf"(?<![a-z-]){re.escape(name)}(?![a-z-])", help_text), name


def test_git_word_diff_shows_only_the_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git = require_tool("git")
    folder = copy(tmp_path, monkeypatch)

    def call(*args: str) -> str:
        command = [git, "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
        return subprocess.run(
            command, cwd=tmp_path, check=True, capture_output=True, text=True
        ).stdout

    call("init", "-q")
    call("add", ".")
    call("commit", "-q", "-m", "example")
    old, new = "eksempelby-kommune", "kommunen"
    assert run("rename", "party", old, new, folder.name).exit_code == 0

    def words(*options: str) -> tuple[list[str], list[str]]:
        lines = call("diff", "--word-diff=porcelain", *options).splitlines()
        removed = [line[1:] for line in lines if line[:1] == "-" and line[:3] != "---"]
        added = [line[1:] for line in lines if line[:1] == "+" and line[:3] != "+++"]
        return removed, added

    removed, added = words()
    assert len(removed) == 34  # the definition and 33 references, in five files
    assert all(old in word for word in removed)
    assert added == [word.replace(old, new) for word in removed]
    removed, added = words("--word-diff-regex=[a-z0-9-]+")
    assert (removed, added) == ([old] * 34, [new] * 34)


# -- the one description of where ids are -------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.key)
def test_every_id_field_of_the_models_is_known(kind: object) -> None:
    """A field typed `Id` that is neither a definition nor a reference in
    source/references.py would be left behind by a rename: add it there."""
    assert unlisted(kind.key, kind.model) == []  # type: ignore[attr-defined]


def test_a_model_that_gains_an_id_field_is_caught() -> None:
    extended = create_model("Extended", __base__=Milestone, scenario=(Id | None, None))
    plan = create_model("Plan", __base__=MilestonePlan, milestones=(list[extended], []))  # type: ignore[valid-type]
    assert unlisted("milestones", plan) == [("milestones", ANY, "scenario")]


def test_every_place_described_is_in_its_model() -> None:
    for kind in ID_KINDS:
        model = BY_KEY[kind.document].model
        assert kind.at in id_fields(model), kind  # a definition is an Id
    for ref in REFERENCES:
        assert exists(BY_KEY[ref.document].model, ref.at), ref
        assert set(ref.kinds) <= set(KIND_NAMES), ref
    assert not exists(BY_KEY["agreement"].model, ("parties", ANY, "owner"))
