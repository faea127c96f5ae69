"""Final means final (issue #11, point 6): the example is refused by `--final`, an upload zip
is made of a final build only, and the checklist says what the build is and what to upload."""

from __future__ import annotations

import datetime
import re
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner, Result

from agreementgen.build.outputs import Commit, read_commit
from agreementgen.build.pipeline import build_agreements
from agreementgen.cli import cli
from agreementgen.errors import InputError

from .helpers import DATA, ROOT, copy_agreement, not_an_example, require_tool, tree_state

EXAMPLE = ROOT / "agreements" / "example"
COMPLETE = DATA / "complete"  # a signed copy of the example, without the example mark
CHECKLIST = "Upload-tjekliste.md"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder outside any git repository to work in, without SOURCE_DATE_EPOCH."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


def _run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def _line_of(path: Path, text: str) -> int:
    return path.read_text("utf-8").splitlines().index(text) + 1


def _checklist(out: Path, ident: str) -> str:
    return (out / ident / CHECKLIST).read_text("utf-8")


# -- AG272: the example is not a real agreement --------------------------------------------


def test_the_example_fails_final_at_its_example_mark(project: Path) -> None:
    folder = copy_agreement(EXAMPLE, project)
    result = _run("validate", "--final", "example")
    assert result.exit_code == 1
    line = _line_of(folder / "agreement.yaml", "example: true")
    ag272 = [text for text in result.stderr.splitlines() if " AG272: " in text]
    assert ag272 == [
        f"example/agreement.yaml:{line}:1: error AG272: the agreement is marked as an example: "
        "its content is fictitious"
    ]
    assert (
        f"example/agreement.yaml:{line}:1: error AG272: the agreement is marked as an example: "
        "its content is fictitious\n"
        "    hint: delete `example: true` when the content is real\n"
    ) in result.stderr
    # It is the only error: everything else of the example is upload-ready.
    assert result.stderr.count(": error ") == 1


def test_a_draft_only_warns_that_it_is_an_example(project: Path) -> None:
    folder = copy_agreement(EXAMPLE, project)
    result = _run("validate", "example")
    assert result.exit_code == 0, result.stderr
    line = _line_of(folder / "agreement.yaml", "example: true")
    assert (
        f"example/agreement.yaml:{line}:1: warning AG272: the agreement is marked as an "
        "example: its content is fictitious\n"
    ) in result.stderr


def test_a_copy_without_the_mark_passes_final(project: Path) -> None:
    not_an_example(copy_agreement(EXAMPLE, project))
    result = _run("validate", "--final", "example")
    assert result.exit_code == 0, result.stderr
    assert "AG272" not in result.stderr
    assert " error " not in result.stderr


def test_the_signed_test_copy_is_not_marked(project: Path) -> None:
    copy_agreement(COMPLETE, project)
    result = _run("validate", "--final", "complete")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "OK\n"


def test_the_mark_must_be_a_boolean(project: Path) -> None:
    folder = copy_agreement(EXAMPLE, project)
    path = folder / "agreement.yaml"
    path.write_text(path.read_text("utf-8").replace("example: true", "example: yes"), "utf-8")
    line = _line_of(path, "example: yes")
    result = _run("validate", "example")
    assert result.exit_code == 1
    assert result.stderr == (
        f"example/agreement.yaml:{line}:10: error AG103: example: expected true or false, "
        "got 'yes'\n"
        "    hint: write true or false without quotes\n"
        "Aborted with 1 error.\n"
    )


# -- AG129: an upload zip is made of a final build only -------------------------------------


def test_zip_without_final_is_refused_before_anything_is_read_or_written(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_agreement(COMPLETE, project / "agreements")
    assert _run("build", "--format", "docx").exit_code == 0
    before = tree_state(project)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the agreements must not be looked for")

    monkeypatch.setattr("agreementgen.source.folder.find_agreements", no_reading)
    result = _run("build", "--zip", "--format", "docx")
    assert result.exit_code == 1
    assert result.stderr == (
        "output: error AG129: an upload zip is made from a final build\n"
        "    hint: add --final\n"
        "Aborted with 1 error.\n"
    )
    assert tree_state(project) == before


def test_zip_without_final_is_one_diagnostic_even_for_a_missing_folder(project: Path) -> None:
    with pytest.raises(InputError) as raised:
        build_agreements([Path("nowhere")], out=Path("out"), zip_upload=True)
    assert [d.format() for d in raised.value.diagnostics] == [
        "out: error AG129: an upload zip is made from a final build\n    hint: add --final"
    ]
    assert not Path("out").exists()


def test_the_upload_zip_holds_the_one_file_to_upload_of_each_document(project: Path) -> None:
    copy_agreement(COMPLETE, project / "agreements")
    result = _run("build", "--final", "--zip")
    assert result.exit_code == 0, result.stderr
    built = project / "output" / "complete"
    with zipfile.ZipFile(built / "LBF-upload.zip") as archive:
        zipped = sorted(archive.namelist())
    assert zipped == sorted(_upload_links(_checklist(project / "output", "complete")))
    assert zipped == [
        "Beredskabsplan.docx",
        "Budget.xlsx",
        "Delaftale - Beskæftigelse.docx",
        "Delaftale - Uddannelse og livschancer.docx",
        "Kommissorium for bestyrelsen.docx",
        "Milepælsplan.docx",
        "Organisationsdiagram.pdf",
        "Strategisk samarbejdsaftale.docx",
    ]
    assert "[LBF-upload.zip](<LBF-upload.zip>)" in _checklist(project / "output", "complete")


# -- the checklist --------------------------------------------------------------------------


def _upload_links(checklist: str) -> list[str]:
    """The Upload column's link targets, one per document row that has one."""
    rows = [line for line in checklist.splitlines() if line.startswith("| ")]
    header = next(i for i, row in enumerate(rows) if row.startswith("| Dokument | Upload |"))
    links = []
    for row in rows[header + 2 :]:
        cell = row.split(" | ")[1]
        if cell != "–":
            found = re.fullmatch(r"\[([^\]]+)\]\(<([^>]+)>\)", cell)
            assert found and found.group(1) == found.group(2), cell
            links.append(found.group(2))
    return links


@pytest.mark.slow
def test_a_final_checklist_says_endelig_signed_and_what_to_upload(project: Path) -> None:
    copy_agreement(COMPLETE, project / "agreements")
    result = build_agreements([], out=Path("output"), final=True)
    assert result.folders == [Path("output/complete")]
    built = project / "output" / "complete"
    text = _checklist(project / "output", "complete")
    assert text.startswith(
        "# Upload-tjekliste: Den boligsociale helhedsplan, Eksempelby\n"
        "\n"
        "**Endelig.** Bygget med `--final`: LBF's regler af niveau E er overholdt.\n"
        "\n"
        "- Dokumenternes dato: 15. december 2025 (den seneste underskrift)\n"
        "- Bygget fra: ikke i git\n"
        "- Skabelonpakke: lbf-2019-26@2023-11-24\n"
        "\n"
        "## Underskrifter\n"
        "\n"
        "| Part | Underskriver | Underskrift |\n"
        "| --- | --- | --- |\n"
        "| Eksempelby Boligselskab | Anne Holm, Administrerende direktør | "
        "Underskrevet 15. december 2025 |\n"
        "| Boligforeningen Fjorden | Søren Æbelø, Direktør | Underskrevet 15. december 2025 |\n"
        "| Eksempelby Kommune | Mette Ørsted, Kommunaldirektør | "
        "Underskrevet 15. december 2025 |\n"
    )
    assert "Udkast" not in text
    assert (
        "| Strategisk samarbejdsaftale | [Strategisk samarbejdsaftale.docx]"
        "(<Strategisk samarbejdsaftale.docx>) | [HTML](<Strategisk samarbejdsaftale.html>), "
        "[PDF](<Strategisk samarbejdsaftale.pdf>) | Klar |  |\n"
    ) in text
    assert (
        "| Budget | [Budget.xlsx](<Budget.xlsx>) | [Word](<Budget.docx>), [HTML](<Budget.html>), "
        "[PDF](<Budget.pdf>) | Klar | Opstillet af agreementgen, ikke LBF's skabelon |\n"
    ) in text
    assert (
        "| Organisationsdiagram | [Organisationsdiagram.pdf](<Organisationsdiagram.pdf>) | "
        "[PNG](<Organisationsdiagram.png>) | Klar | Indgår også i afsnit 3 |\n"
    ) in text
    assert "**Intet mangler.**" in text and "Ikke klar" not in text
    # Each LBF document has one file to upload, and it is there; the HTML links the same.
    uploads = _upload_links(text)
    assert len(uploads) == 8 and len(set(uploads)) == 8
    assert all((built / name).is_file() for name in uploads)
    page = (built / "Upload-tjekliste.html").read_text("utf-8")
    linked = {unquote(href) for href in re.findall(r'<a href="([^"]+)">', page)}
    assert set(uploads) <= linked
    assert all((built / name).is_file() for name in linked)
    assert "<p><strong>Endelig.</strong> Bygget med <code>--final</code>" in page


def test_a_draft_checklist_says_udkast_and_what_is_not_ready(project: Path) -> None:
    folder = copy_agreement(COMPLETE, project / "agreements")
    path = folder / "agreement.yaml"
    text = path.read_text("utf-8")
    # Boligforeningen Fjorden has not signed yet; the others have.
    path.write_text(
        text.replace("      date: 2025-12-15\n", "", 2).replace(
            "      title: Administrerende direktør\n",
            "      title: Administrerende direktør\n      date: 2025-12-01\n",
        ),
        "utf-8",
    )
    build_agreements([], out=Path("output"), formats=("docx",))
    checklist = _checklist(project / "output", "complete")
    assert checklist.startswith(
        "# Upload-tjekliste: Den boligsociale helhedsplan, Eksempelby\n"
        "\n"
        "**Udkast – ikke til upload.** Bygget uden `--final`: LBF's regler er kun tjekket som "
        "advarsler. Byg med `--final`, når aftalen er færdig.\n"
        "\n"
        "- Dokumenternes dato: 15. december 2025 (den seneste underskrift)\n"
    )
    assert "Endelig" not in checklist
    assert (
        "| Eksempelby Boligselskab | Anne Holm, Administrerende direktør | "
        "Underskrevet 1. december 2025 |\n"
        "| Boligforeningen Fjorden | Søren Æbelø, Direktør | Ikke underskrevet |\n"
        "| Eksempelby Kommune | Mette Ørsted, Kommunaldirektør | "
        "Underskrevet 15. december 2025 |\n"
    ) in checklist
    # The unsigned party is a warning on agreement.yaml: the documents made from it are not
    # ready in a draft; the others are.
    assert (
        "| Strategisk samarbejdsaftale | [Strategisk samarbejdsaftale.docx]"
        "(<Strategisk samarbejdsaftale.docx>) | – | Ikke klar | Se advarslerne: AG212 |\n"
    ) in checklist
    assert "| Beredskabsplan | [Beredskabsplan.docx](<Beredskabsplan.docx>) | – | Klar |" in (
        checklist
    )
    assert (
        "**Ikke klar (se advarslerne):** Strategisk samarbejdsaftale, Organisationsdiagram\n"
        in (checklist)
    )
    assert "warning AG212: not signed yet by Boligforeningen Fjorden" in checklist
    index = (project / "output/complete/index.html").read_text("utf-8")
    assert "<p><strong>Udkast – ikke til upload.</strong>" in index


def test_the_example_is_not_ready_in_a_draft(project: Path) -> None:
    copy_agreement(EXAMPLE, project / "agreements")
    build_agreements([], out=Path("output"), formats=("docx",))
    checklist = _checklist(project / "output", "example")
    assert (
        "| Strategisk samarbejdsaftale | [Strategisk samarbejdsaftale.docx]"
        "(<Strategisk samarbejdsaftale.docx>) | – | Ikke klar | Se advarslerne: AG212, AG272 |\n"
    ) in checklist
    assert "- Dokumenternes dato: 1. januar 2026 (periodens start, da ingen part har skrevet " in (
        checklist
    )
    assert checklist.count("| Ikke underskrevet |") == 3


def test_a_file_to_upload_that_was_not_built_is_missing(project: Path) -> None:
    copy_agreement(COMPLETE, project / "agreements")
    build_agreements([], out=Path("output"), formats=("html",))
    checklist = _checklist(project / "output", "complete")
    assert (
        "| Milepælsplan | – | [HTML](<Milepælsplan.html>) | Mangler | Word-filen er ikke bygget. "
        "Opstillet af agreementgen, ikke LBF's skabelon |\n"
    ) in checklist
    # The budget's spreadsheet and the diagram's PDF are made whatever the formats.
    assert "| Budget | [Budget.xlsx](<Budget.xlsx>) |" in checklist
    assert "| Organisationsdiagram | [Organisationsdiagram.pdf](<Organisationsdiagram.pdf>) |" in (
        checklist
    )
    assert "**Mangler:** Strategisk samarbejdsaftale, Delaftale: Uddannelse og livschancer" in (
        checklist
    )


def test_source_date_epoch_dates_the_checklist(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_agreement(COMPLETE, project / "agreements")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1754006400")  # 2025-08-01 00:00 UTC
    build_agreements([], out=Path("output"), formats=("docx",))
    checklist = _checklist(project / "output", "complete")
    assert "- Dokumenternes dato: 1. august 2025 (fra SOURCE_DATE_EPOCH)\n" in checklist


# -- the commit ------------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    git = require_tool("git")
    env = {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "HOME": str(cwd),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [git, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


def test_the_checklist_names_the_commit_and_uncommitted_changes(project: Path) -> None:
    folder = copy_agreement(COMPLETE, project / "agreements")
    _git(project, "init", "-q")
    _git(project, "add", "agreements")
    _git(project, "commit", "-q", "-m", "agreement")
    short = _git(project, "rev-parse", "--short", "HEAD")
    build_agreements([], out=Path("output"), formats=("docx",))
    checklist = _checklist(project / "output", "complete")
    assert f"- Bygget fra: commit `{short}`\n" in checklist
    # The output folder is not the agreement's: building into the repository changes nothing.
    assert read_commit(folder) == Commit("commit", short, changed=False)
    path = folder / "budget.yaml"
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")
    build_agreements([], out=Path("output"), formats=("docx",))
    checklist = _checklist(project / "output", "complete")
    assert f"- Bygget fra: commit `{short}`, med ikke-committede ændringer\n" in checklist


def test_a_new_file_not_yet_committed_is_a_change(project: Path) -> None:
    folder = copy_agreement(COMPLETE, project / "agreements")
    _git(project, "init", "-q")
    _git(project, "add", "agreements")
    _git(project, "commit", "-q", "-m", "agreement")
    (folder / "files" / "noter.txt").write_text("ny", "utf-8")
    assert read_commit(folder).changed


def test_a_repository_without_commits_and_a_folder_outside_git(project: Path) -> None:
    folder = copy_agreement(COMPLETE, project / "agreements")
    assert read_commit(folder) == Commit("outside")
    _git(project, "init", "-q")
    assert read_commit(folder) == Commit("unborn")


def test_git_pointed_elsewhere_reads_the_folders_own_repository(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_agreement(COMPLETE, project / "agreements")
    monkeypatch.setenv("GIT_DIR", str(ROOT / ".git"))  # as a git hook would
    assert read_commit(folder) == Commit("outside")


def test_without_git_the_build_goes_on(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_agreement(COMPLETE, project / "agreements")
    empty = project / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert read_commit(project / "agreements" / "complete") == Commit("no-git")
    build_agreements([], out=Path("output"), formats=("docx",))
    checklist = _checklist(project / "output", "complete")
    assert "- Bygget fra: ukendt (git er ikke installeret)\n" in checklist


def test_a_hanging_git_is_given_up(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_agreement(COMPLETE, project / "agreements")
    fake = project / "bin"
    fake.mkdir()
    (fake / "git").write_text("#!/bin/sh\nexec sleep 30\n", "utf-8")
    (fake / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:/usr/bin:/bin")
    started = datetime.datetime.now(datetime.UTC)
    assert read_commit(project / "agreements" / "complete", timeout=0.5) == Commit("unknown")
    assert (datetime.datetime.now(datetime.UTC) - started).total_seconds() < 10


def test_the_same_input_gives_the_same_checklist_bytes(project: Path) -> None:
    copy_agreement(COMPLETE, project / "agreements")
    build_agreements([], out=Path("one"), formats=("docx",))
    build_agreements([], out=Path("two"), formats=("docx",))
    for name in (CHECKLIST, "Upload-tjekliste.html", "index.html", "manifest.json"):
        assert (project / "one/complete" / name).read_bytes() == (
            project / "two/complete" / name
        ).read_bytes(), name
