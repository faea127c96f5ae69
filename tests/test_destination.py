"""Where a build or a redline writes: never over, into or around an input, never a traceback.

Each case runs the CLI in a project of two agreements and asserts the exact diagnostics, exit
code 1, and that nothing in the project changed: not the agreements, not an earlier output.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from agreementgen.cli import cli

from .helpers import DATA, copy_agreement, tree_state

HINT = "    hint: choose an --out outside the agreement folders, e.g. output"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """agreements/demo and agreements/complete; the working directory is the project."""
    copy_agreement(DATA / "demo", tmp_path / "agreements")
    copy_agreement(DATA / "complete", tmp_path / "agreements")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _build(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["build", "--format", "html", *args])
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    return result


def _errors(result: Result) -> list[str]:
    """The error lines and their hints and notes; warnings (the drafts' rules) left out."""
    lines, keep = [], False
    for line in result.stderr.splitlines():
        if line.startswith(("Aborted", "Summary by file:")):
            break
        if not line.startswith(" ") and ": " in line:
            keep = ": error " in line or (keep and ": note: " in line)
        if keep:
            lines.append(line)
    return lines


def _refused(result: Result) -> list[str]:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "Aborted with " in result.stderr.splitlines()[-1]
    return _errors(result)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["--out", "agreements"],
            [
                "agreements/complete: error AG122: the output folder is the agreement folder "
                "agreements/complete",
                HINT,
                "agreements/demo: error AG122: the output folder is the agreement folder "
                "agreements/demo",
                HINT,
            ],
            id="is",
        ),
        pytest.param(
            # An agreement folder named like the folder it is in: OUT/demo holds it.
            ["--out", "agreements", "agreements/demo/demo"],
            [
                "agreements/demo: error AG122: the output folder holds the agreement folder "
                "agreements/demo/demo",
                HINT,
            ],
            id="holds",
        ),
        pytest.param(
            ["--out", "agreements/demo/output", "agreements/demo"],
            [
                "agreements/demo/output/demo: error AG122: the output folder lies inside the "
                "agreement folder agreements/demo, among the files it is built from",
                HINT,
            ],
            id="inside",
        ),
    ],
)
def test_an_out_over_an_agreement_folder_is_refused(
    project: Path, args: list[str], expected: list[str]
) -> None:
    copy_agreement(DATA / "demo", project / "agreements" / "demo", "demo")
    before = tree_state(project)
    assert _refused(_build(*args)) == expected
    assert tree_state(project) == before


def test_two_agreement_folders_of_one_name_are_refused(project: Path) -> None:
    copy_agreement(DATA / "demo", project / "other")
    assert _build("agreements/demo").exit_code == 0  # an earlier output, to keep
    before = tree_state(project)
    errors = _refused(_build("agreements/demo", "other/demo"))
    assert errors == [
        "agreements/demo: error AG123: two agreement folders are named 'demo': both would be "
        "built into output/demo",
        "    hint: the folder name is the agreement id: rename one, or build them apart",
        "other/demo: note: another agreement folder of that name",
        "other/demo: error AG123: two agreement folders are named 'demo': both would be built "
        "into output/demo",
        "    hint: the folder name is the agreement id: rename one, or build them apart",
        "agreements/demo: note: another agreement folder of that name",
    ]
    assert tree_state(project) == before


def test_one_folder_named_twice_is_built_once(project: Path) -> None:
    result = _build("agreements/demo", "agreements/../agreements/demo/", "./agreements/demo")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Built output/demo") == 1
    assert sorted(p.name for p in (project / "output").iterdir()) == ["demo"]


def test_out_under_a_file_is_refused(project: Path) -> None:
    (project / "notes.txt").write_text("not a folder\n", "utf-8")
    before = tree_state(project)
    errors = _refused(_build("--out", "notes.txt/output"))
    assert errors == [
        "notes.txt/output: error AG124: the output folder lies under the file notes.txt",
        "    hint: choose another --out",
    ]
    assert tree_state(project) == before


def test_out_that_is_a_file_is_a_usage_error(project: Path) -> None:
    (project / "output").write_text("not a folder\n", "utf-8")
    before = tree_state(project)
    result = _build()
    assert result.exit_code == 2
    assert "Error: Invalid value for '--out': Directory 'output' is a file." in result.stderr
    assert tree_state(project) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_out_in_a_read_only_folder_is_refused(project: Path) -> None:
    (project / "locked").mkdir()
    (project / "locked").chmod(0o555)
    try:
        errors = _refused(_build("--out", "locked/output"))
    finally:
        (project / "locked").chmod(0o755)
    assert errors == [
        "locked/output: error AG124: the output folder cannot be made: no permission to "
        "write in locked",
        "    hint: choose another --out",
    ]


def test_an_output_folder_that_is_a_link_is_refused_and_left_as_it_is(project: Path) -> None:
    (project / "elsewhere" / "demo").mkdir(parents=True)
    (project / "elsewhere" / "demo" / "kept.txt").write_text("kept\n", "utf-8")
    (project / "output").mkdir()
    (project / "output" / "demo").symlink_to(project / "elsewhere" / "demo")
    before = tree_state(project)
    errors = _refused(_build("agreements/demo"))
    assert errors == [
        "output/demo: error AG124: the output folder is a link; a build replaces the folder whole",
        "    hint: point --out at where the link leads",
    ]
    assert tree_state(project) == before  # no .demo.old-* left behind either


def test_an_out_that_is_a_link_is_built_into(project: Path) -> None:
    """A link as --out itself is fine: the build works inside the folder it leads to."""
    (project / "elsewhere").mkdir()
    (project / "output").symlink_to(project / "elsewhere")
    assert _build("agreements/demo").exit_code == 0
    assert (project / "output").is_symlink()
    assert sorted(p.name for p in (project / "elsewhere").iterdir()) == ["demo"]
    assert _build("agreements/demo").exit_code == 0  # again: unchanged, nothing left over
    assert sorted(p.name for p in (project / "elsewhere").iterdir()) == ["demo"]


def test_every_problem_of_the_agreements_is_reported_with_the_destination(project: Path) -> None:
    """A refused destination does not hide the agreements' own errors: one run, all of them."""
    agreement = project / "agreements" / "demo" / "agreement.yaml"
    agreement.write_text(agreement.read_text("utf-8").replace("kind: municipality", "kind: x"))
    errors = _refused(_build("--out", "agreements"))
    assert [e.split(": error ")[1][:5] for e in errors if ": error " in e] == [
        "AG122",
        "AG122",
        "AG104",
    ]


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_redline_into_the_agreements_folder_is_refused(project: Path) -> None:
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "first")
    budget = project / "agreements" / "complete" / "budget.yaml"
    budget.write_text(budget.read_text("utf-8").replace("Boligsocial", "Ny boligsocial"))
    _git(project, "commit", "-qam", "second")
    before = tree_state(project / "agreements")
    result = CliRunner().invoke(cli, ["redline", "HEAD~1", "HEAD", "--out", "agreements"])
    assert _refused(result) == [
        "agreements/complete: error AG122: the output folder is the agreement folder "
        "agreements/complete",
        HINT,
        "agreements/demo: error AG122: the output folder is the agreement folder agreements/demo",
        HINT,
    ]
    assert tree_state(project / "agreements") == before


def test_a_write_that_fails_midway_is_a_diagnostic_and_keeps_the_old_output(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while staging: AG124, the staged files removed, the last output as it was."""
    from agreementgen.build import pipeline

    assert _build("agreements/demo").exit_code == 0
    agreement = project / "agreements" / "demo" / "agreement.yaml"
    agreement.write_text(agreement.read_text("utf-8").replace("Demo & Co", "Ny"), "utf-8")
    before = tree_state(project / "output")

    def full(staging: Path, target: Path, files: object) -> None:
        (staging / "half-written.docx").write_bytes(b"PK")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline, "fill", full)
    result = _build("agreements/demo", "--jobs", "1")
    assert _refused(result) == [
        "output: error AG124: the output folder cannot be written: No space left on device"
    ]
    assert tree_state(project / "output") == before
