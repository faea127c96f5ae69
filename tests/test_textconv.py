"""`agreementgen textconv`: a built Word file as diff-friendly text, for `git diff`."""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
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
    with pytest.raises(NotAWordFile) as raised:
        docx_to_text(b"agreement.yaml is not a Word file")
    assert raised.value.message == "not a readable Word document: not a zip file"


def test_the_command_prints_the_text(tmp_path: Path, demo_docx: bytes, text: str) -> None:
    path = tmp_path / "Strategisk samarbejdsaftale.docx"
    path.write_bytes(demo_docx)
    result = CliRunner().invoke(cli, ["textconv", str(path)])
    assert result.exit_code == 0
    assert result.stdout == text


def test_the_command_gives_a_notice_for_other_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # git diff shows nothing at all when a textconv fails: a notice as the text, and exit 0.
    monkeypatch.chdir(tmp_path)
    Path("notes.docx").write_text("not a zip", "utf-8")
    result = CliRunner().invoke(cli, ["textconv", "notes.docx"])
    assert result.exit_code == 0
    assert result.stdout == "(agreementgen: not a readable Word document: not a zip file)\n"
    assert result.stderr == "notes.docx: warning: not a readable Word document: not a zip file\n"


def test_the_command_gives_a_notice_for_a_file_it_cannot_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("locked.docx").write_bytes(b"")

    def refuse(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = CliRunner().invoke(cli, ["textconv", "locked.docx"])
    assert result.exit_code == 0
    assert result.stdout == "(agreementgen: file cannot be read: Permission denied)\n"
    assert result.stderr == "locked.docx: warning: file cannot be read: Permission denied\n"


# --- files that are not readable Word documents ---------------------------------------------

MB = 1024 * 1024


def _repack(docx_bytes: bytes, write: Callable[[zipfile.ZipFile, str, bytes], bool]) -> bytes:
    """Copy a .docx member by member; `write` may write a member its own way (returns True)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if not write(target, info.filename, data):
                target.writestr(info.filename, data)
    return out.getvalue()


def _zeros_as(name: str, size: int) -> Callable[[zipfile.ZipFile, str, bytes], bool]:
    """A member `name` of `size` zero bytes, streamed: the test needs no `size` of memory."""

    def write(target: zipfile.ZipFile, member: str, _data: bytes) -> bool:
        if member != name:
            return False
        with target.open(member, "w") as stream:
            for _ in range(size // MB):
                stream.write(bytes(MB))
        return True

    return write


def _replaced(name: str, text: bytes) -> Callable[[zipfile.ZipFile, str, bytes], bool]:
    def write(target: zipfile.ZipFile, member: str, _data: bytes) -> bool:
        if member != name:
            return False
        target.writestr(member, text)
        return True

    return write


def _declaring(data: bytes, name: str, size: int) -> bytes:
    """`data` with the central directory declaring `size` unpacked bytes for member `name`."""
    patched = bytearray(data)
    start = 0
    while (start := patched.find(b"PK\x01\x02", start)) != -1:
        (length,) = struct.unpack_from("<H", patched, start + 28)
        if patched[start + 46 : start + 46 + length] == name.encode():
            struct.pack_into("<I", patched, start + 24, size)
        start += 4
    return bytes(patched)


def _many_members(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for index in range(count):
            archive.writestr(f"word/media/image{index}.png", b"")
    return out.getvalue()


def _lock_file() -> bytes:
    """Like the ~$name.docx Word keeps beside an open document: 162 bytes naming the user."""
    user = "Mette Ørsted"
    return (bytes([len(user)]) + user.encode("utf-16-le")).ljust(162, b"\0")


def _workbook() -> bytes:
    import openpyxl

    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE w:document [\n <!ENTITY l0 "lol">\n'
    + b"".join(f' <!ENTITY l{n} "{f"&l{n - 1};" * 10}">\n'.encode() for n in range(1, 10))
    + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"
)
EXTERNAL = (
    b'<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
)
DTD = "word/document.xml declares a DTD, which no Word document has"
# name -> (how to make it from the demo .docx, the reason the notice gives)
BAD: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "zip-bomb.docx": (
        lambda good: _repack(good, _zeros_as("word/document.xml", 200 * MB)),
        "word/document.xml unpacks to 200 MB, more than 16 MB",
    ),
    "packed-bomb.docx": (
        lambda good: _repack(good, _zeros_as("word/media/image1.png", 60 * MB)),
        "word/media/image1.png is packed more than 100:1, as a zip bomb is",
    ),
    # Declares 1000 bytes, holds 50 MB: zipfile stops at the declared size, and the CRC fails.
    "lying-size.docx": (
        lambda good: _declaring(
            _repack(good, _zeros_as("word/media/image1.png", 50 * MB)),
            "word/media/image1.png",
            1000,
        ),
        "damaged zip (Bad CRC-32 for file 'word/media/image1.png')",
    ),
    "many-members.docx": (lambda _good: _many_members(1001), "1001 zip members, more than 1000"),
    "billion-laughs.docx": (
        lambda good: _repack(good, _replaced("word/document.xml", LAUGHS)),
        DTD,
    ),
    "external-entity.docx": (
        lambda good: _repack(good, _replaced("word/document.xml", EXTERNAL)),
        DTD,
    ),
    "~$Strategisk samarbejdsaftale.docx": (lambda _good: _lock_file(), "not a zip file"),
    "notes.docx": (lambda _good: b"agreement.yaml is not a Word file\n", "not a zip file"),
    "empty.docx": (lambda _good: b"", "not a zip file"),
    "budget.docx": (
        lambda _good: _workbook(),
        "its main part is application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ".main+xml, not a Word document",
    ),
}


@pytest.fixture(scope="module")
def bad_files(demo_docx: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    for name, (make, _) in BAD.items():
        (folder / name).write_bytes(make(demo_docx))
    return folder


def _notice(reason: str) -> str:
    return f"(agreementgen: not a readable Word document: {reason})\n"


@pytest.mark.parametrize("name", BAD)
def test_an_unreadable_file_gives_a_notice_quickly(
    bad_files: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reason = BAD[name][1]
    monkeypatch.chdir(bad_files)
    start = time.monotonic()
    result = CliRunner().invoke(cli, ["textconv", name])
    assert time.monotonic() - start < 2
    assert result.exit_code == 0, result.output
    assert result.stdout == _notice(reason)
    assert result.stderr == f"{name}: warning: not a readable Word document: {reason}\n"


def test_the_bombs_are_small_on_disk(bad_files: Path) -> None:
    assert (bad_files / "zip-bomb.docx").stat().st_size < 1 * MB


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )


def _repository(repo: Path, files: dict[str, bytes]) -> None:
    """A git repository whose .docx files diff as text through `agreementgen textconv`."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _git(repo, "init", "-q")
    _git(repo, "config", "diff.agreementgen.textconv", f"{sys.executable} -m agreementgen textconv")
    (repo / ".gitattributes").write_text("*.docx diff=agreementgen\n", "utf-8")
    for name, data in files.items():
        (repo / name).write_bytes(data)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "one")


def _renamed_value(demo_docx: bytes, path: Path) -> None:
    """Save the demo with its value 'Tillid' renamed 'Tiltro'."""
    word = docx.Document(io.BytesIO(demo_docx))
    paragraph = next(p for p in word.paragraphs if p.text == "Tillid")
    paragraph.runs[0].text = "Tiltro"
    word.save(str(path))


def test_git_diff_shows_the_text(tmp_path: Path, demo_docx: bytes) -> None:
    _repository(tmp_path, {"a.docx": demo_docx})
    _renamed_value(demo_docx, tmp_path / "a.docx")
    diff = _git(tmp_path, "diff").stdout
    assert "-1. Tillid\n+1. Tiltro\n" in diff


def _sections(diff: str) -> dict[str, str]:
    """`git diff` output by file: the text after each `diff --git a/NAME b/NAME` line."""
    parts = re.split(r"^diff --git a/(.+) b/\1$", diff, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _added(section: str) -> list[str]:
    return [line[1:] for line in section.splitlines() if line[:1] == "+" and line[:3] != "+++"]


def test_git_diff_shows_every_other_file_beside_a_bad_one(
    tmp_path: Path, demo_docx: bytes, bad_files: Path
) -> None:
    _repository(tmp_path, {"a.docx": demo_docx, "b.docx": demo_docx})
    _renamed_value(demo_docx, tmp_path / "a.docx")
    shutil.copy(bad_files / "zip-bomb.docx", tmp_path / "b.docx")
    # Added by mistake beside them: Word's lock file, an empty file, a workbook named .docx.
    added = ["~$Strategisk samarbejdsaftale.docx", "empty.docx", "budget.docx"]
    for name in added:
        shutil.copy(bad_files / name, tmp_path / name)
    _git(tmp_path, "add", "--intent-to-add", *added)
    result = _git(tmp_path, "diff")
    sections = _sections(result.stdout)
    assert sorted(sections) == sorted(["a.docx", "b.docx", *added])
    assert "-1. Tillid\n+1. Tiltro\n" in sections["a.docx"]
    assert _added(sections["b.docx"]) == [_notice(BAD["zip-bomb.docx"][1]).rstrip("\n")]
    assert "-# Strategisk samarbejdsaftale om boligsocial indsats\n" in sections["b.docx"]
    warnings = result.stderr.splitlines()
    for name in added:
        reason = BAD[name][1]
        assert _added(sections[name]) == [_notice(reason).rstrip("\n")], name
        assert f"{name}: warning: not a readable Word document: {reason}" in warnings
    assert "b.docx: warning: not a readable Word document" in result.stderr
    assert "Traceback" not in result.stderr
