"""`agreementgen textconv`: a built Word file as diff-friendly text, for `git diff`."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from agreementgen.cli import cli
from agreementgen.render.word import render_docx
from agreementgen.review.textconv import NotAWordFile, docx_to_text

from .helpers import DATA, document


@pytest.fixture(scope="module")
def demo_docx() -> bytes:
    return render_docx(document(DATA / "demo"))


@pytest.fixture(scope="module")
def text(demo_docx: bytes) -> str:
    return docx_to_text(demo_docx)


def test_paragraphs_in_order_with_headings_marked(text: str) -> None:
    lines = text.splitlines()
    assert lines[0] == "# Strategisk samarbejdsaftale om boligsocial indsats"
    assert lines.index("# 1. Kort om boligområdet") < lines.index("## Afdelingerne")
    assert lines.index("## Afdelingerne") < lines.index("# 2. Vision for boligområdet")
    assert "#### Familieformer" in lines
    # The demo's Markdown and template text are shown literally, never interpreted.
    assert "Demo & Co <Nord> {{ area }}" in lines


def test_list_items_and_table_rows(text: str) -> None:
    lines = text.splitlines()
    assert "- En beredskabsplan" in lines
    assert "- sikre rammer og retning for helhedsplanen" in lines
    # Every numbered item is "1.": inserting an item changes one line of the diff.
    vision = lines.index("Vision:")
    assert lines[vision : vision + 3] == ["Vision:", "1. Første mål", "1. Andet mål"]
    assert "| Aktør | Rolle |" in lines
    assert "| Enlige forsørgere | 44,73 % | 17,15 % |" in lines
    assert "[image]" in lines


def test_one_line_per_paragraph_without_empty_lines(text: str) -> None:
    assert text.endswith("\n")
    assert all(line.strip() for line in text.splitlines())
    assert "\t" not in text


def test_the_same_document_gives_the_same_text(demo_docx: bytes, text: str) -> None:
    again = render_docx(document(DATA / "demo"))
    assert docx_to_text(again) == text == docx_to_text(demo_docx)


def test_not_a_word_file() -> None:
    with pytest.raises(NotAWordFile):
        docx_to_text(b"agreement.yaml is not a Word file")


def test_the_command_prints_the_text(tmp_path: Path, demo_docx: bytes, text: str) -> None:
    path = tmp_path / "Strategisk samarbejdsaftale.docx"
    path.write_bytes(demo_docx)
    result = CliRunner().invoke(cli, ["textconv", str(path)])
    assert result.exit_code == 0
    assert result.stdout == text


def test_the_command_refuses_other_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("notes.docx").write_text("not a zip", "utf-8")
    result = CliRunner().invoke(cli, ["textconv", "notes.docx"])
    assert result.exit_code == 1
    assert result.stderr == "notes.docx: error: not a Word document (.docx)\n"


def test_git_diff_shows_the_text(tmp_path: Path, demo_docx: bytes) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    git("init", "-q")
    git("config", "diff.agreementgen.textconv", f"{sys.executable} -m agreementgen textconv")
    (tmp_path / ".gitattributes").write_text("*.docx diff=agreementgen\n", "utf-8")
    (tmp_path / "a.docx").write_bytes(demo_docx)
    git("add", ".")
    git("commit", "-q", "-m", "one")
    word = docx.Document(io.BytesIO(demo_docx))
    paragraph = next(p for p in word.paragraphs if p.text == "Tillid")
    paragraph.runs[0].text = "Tiltro"
    word.save(tmp_path / "a.docx")
    diff = git("diff")
    assert "-1. Tillid\n+1. Tiltro\n" in diff
