"""`agreementgen redline`: Word files whose changes from the old revision are tracked changes.

The redline is checked by resolving its tracked changes the way Word's "Accept All" and
"Reject All" do, and reading the text with the same function as any built DOCX: accepting
must give exactly the new revision's text, rejecting exactly the old one's.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from agreementgen.build.pipeline import render_agreement
from agreementgen.checks.read import read_agreement
from agreementgen.cli import cli
from agreementgen.review.redline import redline_docx

from .diff import scenario
from .diff.scenario import V2_ISO, Scenario
from .helpers import DATA, libreoffice
from .text import docx_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
AGREEMENT = "Strategisk samarbejdsaftale.docx"
REDLINE = "Strategisk samarbejdsaftale (ændringer).docx"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


# --- Accept All / Reject All ----------------------------------------------------------------


def resolve_element(root: etree._Element, *, accept: bool) -> None:
    """Accept (or reject) every tracked change in a part's XML, in place.

    Accepting drops deleted runs and rows and keeps what was inserted without its marks;
    rejecting does the opposite and restores changed paragraph properties. A paragraph whose
    mark goes joins the next paragraph, as in Word and LibreOffice: left empty it simply
    goes (the next keeps its style), with text left the joined paragraph keeps its own style.
    With no next paragraph to join (a table follows, or the end) it stays, as LibreOffice
    leaves it.
    """
    keep, drop = (w("ins"), w("del")) if accept else (w("del"), w("ins"))
    marks = (w("rPr"), w("trPr"))  # a mark on a paragraph mark or a row, not around runs
    joining = [p for p in root.iter(w("p")) if p.find(f"{w('pPr')}/{w('rPr')}/{drop}") is not None]
    for row in list(root.iter(w("tr"))):
        if row.find(f"{w('trPr')}/{drop}") is not None:
            row.getparent().remove(row)
    for table in list(root.iter(w("tbl"))):
        if table.find(w("tr")) is None:
            table.getparent().remove(table)
    for element in list(root.iter(drop)):
        element.getparent().remove(element)
    for element in list(root.iter(keep)):
        parent = element.getparent()
        if parent.tag not in marks:
            for child in element:
                element.addprevious(child)
        parent.remove(element)
    for element in root.iter(w("delText"), w("delInstrText")):
        element.tag = w("t") if element.tag == w("delText") else w("instrText")
    for change in list(root.iter(w("pPrChange"))):
        properties = change.getparent()
        if accept:
            properties.remove(change)
            continue
        old = change.find(w("pPr"))
        mark = properties.find(w("rPr"))
        if mark is not None:
            old.append(mark)
        properties.addprevious(old)
        properties.getparent().remove(properties)
    for paragraph in joining:
        if paragraph.getparent() is not None:
            join(paragraph)


def join(paragraph: etree._Element) -> None:
    """Join a paragraph whose mark is gone to the next one."""
    following = paragraph.getnext()
    if following is None or following.tag != w("p"):
        return
    content = [c for c in paragraph if c.tag != w("pPr")]
    if "".join(paragraph.itertext()) or paragraph.find(f".//{w('drawing')}") is not None:
        own, theirs = paragraph.find(w("pPr")), following.find(w("pPr"))
        mark = theirs.find(w("rPr")) if theirs is not None else None
        if theirs is not None:
            following.remove(theirs)
        if own is not None:
            for child in own.findall(w("rPr")):
                own.remove(child)
            if mark is not None:
                own.append(mark)
            following.insert(0, own)
    anchor = following.find(w("pPr"))
    for child in reversed(content):
        if anchor is not None:
            anchor.addnext(child)
        else:
            following.insert(0, child)
    paragraph.getparent().remove(paragraph)


def resolve(data: bytes, *, accept: bool) -> bytes:
    """Return the DOCX with every tracked change accepted (or rejected)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            blob = source.read(info)
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", info.filename):
                root = etree.fromstring(blob)
                resolve_element(root, accept=accept)
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            target.writestr(info, blob)
    return out.getvalue()


def part(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def header_text(data: bytes) -> str:
    names = sorted(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if "/header" in n)
    return " | ".join("".join(part(data, n).itertext()) for n in names if n.endswith(".xml"))


def marks(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(w("ins"), w("del"), w("pPrChange")))


def render(folder: Path) -> dict[str, bytes]:
    loaded, problems = read_agreement(folder)
    assert loaded is not None, [p.format() for p in problems]
    return {o.name: o.data for o in render_agreement(loaded, ["docx"]) if o.name.endswith(".docx")}


# --- the Viborg scenario ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def revisions(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return scenario.make(tmp_path_factory.mktemp("redline"))


@pytest.fixture(scope="module")
def written(revisions: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run `redline v1 v2` once; return the output folder."""
    out = tmp_path_factory.mktemp("out")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(revisions.repo)
        result = CliRunner().invoke(
            cli, ["redline", "v1", "v2", "agreements/viborg", "--out", str(out)]
        )
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {out / 'viborg' / REDLINE}\n"
    return out


@pytest.fixture(scope="module")
def redline(written: Path) -> bytes:
    return (written / "viborg" / REDLINE).read_bytes()


@pytest.fixture(scope="module")
def versions(revisions: Scenario) -> tuple[bytes, bytes]:
    return render(revisions.v1)[AGREEMENT], render(revisions.v2)[AGREEMENT]


def test_accepting_all_gives_the_new_revision(
    redline: bytes, versions: tuple[bytes, bytes]
) -> None:
    assert docx_text(resolve(redline, accept=True)) == docx_text(versions[1])


def test_rejecting_all_gives_the_old_revision(
    redline: bytes, versions: tuple[bytes, bytes]
) -> None:
    assert docx_text(resolve(redline, accept=False)) == docx_text(versions[0])


def test_changes_are_tracked_word_by_word(redline: bytes) -> None:
    body = part(redline, "word/document.xml")
    changes = [("del" if e.tag == w("del") else "ins", "".join(e.itertext())) for e in marks(body)]
    # The date in a paragraph, the sentence, the baseline and the list item: only the words.
    for pair in (("juli", "december"), ("chancelighed", "lige muligheder"), ("25,95", "24,10")):
        assert [("del", pair[0]), ("ins", pair[1])] == [c for c in changes if c[1] in pair], pair
    item = next(p for p in body.iter(w("p")) if "retning for den" in "".join(p.itertext()))
    assert item.find(f"{w('pPr')}/{w('numPr')}") is not None  # a list item
    assert [("".join(e.itertext()), e.tag) for e in marks(item)] == [
        ("retningen", w("del")),
        ("retning", w("ins")),
    ]


def test_a_changed_table_cell_is_tracked_word_by_word(redline: bytes) -> None:
    body = part(redline, "word/document.xml")
    cell = next(c for c in body.iter(w("tc")) if "45,40" in "".join(c.itertext()))
    assert [("".join(e.itertext()), e.tag) for e in marks(cell)] == [
        ("45,39", w("del")),
        ("45,40", w("ins")),
    ]
    row = cell.getparent()
    assert row.find(f"{w('trPr')}/{w('ins')}") is None  # the row is the same row


def test_removed_rows_are_deleted_rows(redline: bytes) -> None:
    body = part(redline, "word/document.xml")
    deleted = [r for r in body.iter(w("tr")) if r.find(f"{w('trPr')}/{w('del')}") is not None]
    texts = [
        " ".join(t for t in ("".join(c.itertext()) for c in r.iter(w("tc"))) if t) for r in deleted
    ]
    assert texts[0].startswith("Stoholm 92\u00a0lejemål")  # the departments table
    assert texts[1].startswith("Afd. 822 Stoholm 134")  # the criteria table
    assert len(texts) == 2
    for row in deleted:  # its text is deleted text, its paragraph marks deleted marks
        assert not list(row.iter(w("t")))
        assert all(
            p.find(f"{w('pPr')}/{w('rPr')}/{w('del')}") is not None for p in row.iter(w("p"))
        )


def test_an_added_party_is_inserted_together(redline: bytes) -> None:
    blocks = list(part(redline, "word/document.xml").find(w("body")))
    inserted = [
        i
        for i, b in enumerate(blocks)
        if (
            b.tag == w("p")
            and b.find(f"{w('pPr')}/{w('rPr')}/{w('ins')}") is not None
            and b.find(f".//{w('drawing')}") is None  # not the organisation diagram
        )
        or (b.tag == w("tbl") and b.find(f"{w('tr')}/{w('trPr')}/{w('ins')}") is not None)
    ]
    texts = ["".join(blocks[i].itertext()) for i in inserted]
    # The name among the parties, then its signature block: name, line, date and name table.
    assert texts == ["Viborg Politi", "Viborg Politi", "", "DatoNavn"]
    assert inserted[1:] == [inserted[1], inserted[1] + 1, inserted[1] + 2]


def test_every_mark_has_its_own_id_the_author_and_the_commit_date(redline: bytes) -> None:
    body = part(redline, "word/document.xml")
    found = marks(body)
    assert len(found) > 20
    ids = Counter(e.get(w("id")) for e in found)
    assert max(ids.values()) == 1
    assert {(e.get(w("author")), e.get(w("date"))) for e in found} == {("agreementgen", V2_ISO)}


def test_no_move_revisions(redline: bytes) -> None:
    body = part(redline, "word/document.xml")
    assert not [e for e in body.iter() if "move" in str(e.tag)]


def test_the_same_revisions_give_the_same_redline(
    revisions: Scenario, redline: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(revisions.repo)
    result = CliRunner().invoke(
        cli, ["redline", "v1", "v2", "--out", str(tmp_path), "--author", "LBF"]
    )
    assert result.exit_code == 0
    again = (tmp_path / "viborg" / REDLINE).read_bytes()
    assert part(again, "word/document.xml") is not None
    ours = etree.tostring(part(redline, "word/document.xml")).replace(b'"agreementgen"', b'"LBF"')
    assert etree.tostring(part(again, "word/document.xml")) == ours


def test_unchanged_documents_are_not_written(
    revisions: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(revisions.repo)
    result = CliRunner().invoke(cli, ["redline", "v2", "v2", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert result.stderr == "No document changed.\n"
    assert not (tmp_path / "out").exists()


def test_a_path_may_name_one_document(
    revisions: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(revisions.repo)
    scenario.copy_file(
        DATA / "demo" / "agreement.yaml", revisions.repo / "agreements/demo/agreement.yaml"
    )
    args = ["redline", "v1", "v2", "agreements/viborg/agreement.yaml", "--out", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.rglob("*.docx")] == [REDLINE]
    result = CliRunner().invoke(cli, ["redline", "v1", "v2", "agreements/nowhere"])
    assert result.exit_code == 1
    assert result.stderr == (
        "agreements/nowhere: error AG154: no agreement folder or document here at v1 or v2\n"
        "Aborted with 1 error.\n"
    )


def test_a_revision_that_does_not_validate(
    revisions: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        (revisions.v1 / "agreement.yaml")
        .read_text("utf-8")
        .replace("  end: 2029-07-31", "  end: 2025-01-01")
    )
    scenario.branch(revisions, "backwards", text)
    monkeypatch.chdir(revisions.repo)
    result = CliRunner().invoke(cli, ["redline", "v1", "backwards", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        "backwards:agreements/viborg/agreement.yaml:6:1: error AG107: period: the period must "
        "start before it ends\nAborted with 1 error.\n"
    )


@pytest.mark.slow
def test_libreoffice_converts_the_redline(redline: bytes, tmp_path: Path) -> None:
    soffice = libreoffice(tmp_path)
    (tmp_path / "redline.docx").write_bytes(redline)
    subprocess.run(
        [*soffice, "--convert-to", "pdf", "--outdir", str(tmp_path), "redline.docx"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "redline.pdf"
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        # LibreOffice shows both sides of a tracked change.
        assert "julidecember" in text.replace("\n", "")


# --- two Word files: links, pictures, headers --------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """The demo agreement and a version with another area name (the running header), another
    link and the picture removed."""
    base = tmp_path_factory.mktemp("demo")
    old = base / "old" / "demo"
    new = base / "new" / "demo"
    shutil.copytree(DATA / "demo", old)
    shutil.copytree(DATA / "demo", new)
    agreement = new / "agreement.yaml"
    text = scenario.edit(
        agreement.read_text("utf-8"),
        (
            ("area_name: Demo & Co <Nord>", "area_name: Demo & Co <Syd>"),
            ("Se [LBF](https://lbf.dk)", "Se [Landsbyggefonden](https://www.lbf.dk/)"),
            ("      - figure:\n          image: files/figure.png\n", "      - figure:\n"),
        ),
    )
    agreement.write_text(text, "utf-8")
    return render(old)[AGREEMENT], render(new)[AGREEMENT]


def test_links_pictures_and_headers(demo: tuple[bytes, bytes]) -> None:
    old, new = demo
    redline = redline_docx(old, new, author="Test", date=V2_ISO)
    assert redline is not None
    for accept, expected in ((True, new), (False, old)):
        resolved = resolve(redline, accept=accept)
        assert docx_text(resolved) == docx_text(expected)
        assert header_text(resolved) == header_text(expected)
    assert "Syd" in header_text(resolve(redline, accept=True))
    # The old link and picture are deleted content: their relationships exist in the new file.
    body = part(redline, "word/document.xml")
    rels = part(redline, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    deleted = list(body.iter(w("del")))
    old_link = next(e for e in body.iter(w("hyperlink")) if "".join(e.itertext()) == "LBF")
    assert old_link.find(w("del")) is not None
    assert targets[old_link.get(f"{{{R}}}id")] == "https://lbf.dk"
    picture = next(e for e in deleted if e.find(".//{*}blip") is not None)
    embed = picture.find(".//{*}blip").get(f"{{{R}}}embed")
    assert targets[embed].startswith("media/")
    names = zipfile.ZipFile(io.BytesIO(redline)).namelist()
    assert f"word/{targets[embed]}" in names


def test_identical_files_give_no_redline(demo: tuple[bytes, bytes]) -> None:
    assert redline_docx(demo[0], demo[0], author="Test", date=V2_ISO) is None


def test_a_new_document_is_all_inserted(demo: tuple[bytes, bytes]) -> None:
    redline = redline_docx(None, demo[1], author="Test", date=V2_ISO)
    assert redline is not None
    assert docx_text(resolve(redline, accept=True)) == docx_text(demo[1])
    assert docx_text(resolve(redline, accept=False)) == ""


def test_a_path_outside_the_repository(
    revisions: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(revisions.repo)
    outside = tmp_path / "elsewhere"
    result = CliRunner().invoke(cli, ["redline", "v1", "v2", str(outside)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{outside}: error AG152: the path is outside the git repository\nAborted with 1 error.\n"
    )


def test_a_broken_repository_is_a_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = scenario.make(tmp_path)
    # Delete v1's root tree object: git finds the commit but cannot list its files.
    tree = scenario.git(broken.repo, "rev-parse", "v1^{tree}").strip()
    (broken.repo / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    monkeypatch.chdir(broken.repo)
    result = CliRunner().invoke(cli, ["diff", "v1", "v2"])
    assert result.exit_code == 1
    assert result.stderr == (
        "v1: error AG153: git ls-tree failed: fatal: not a tree object\nAborted with 1 error.\n"
    )


# --- the author ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("author", "message"),
    [
        ("a\x01b", r"'\x01' is a control character; give a plain name"),
        ("Mette\tØrsted", r"'\t' is a control character; give a plain name"),
        ("Mette\x85", r"'\x85' is a control character; give a plain name"),
        ("", "it is empty or only spaces; give a name, e.g. 'Mette Ørsted'"),
        ("   ", "it is empty or only spaces; give a name, e.g. 'Mette Ørsted'"),
        ("Å" * 256, "it is 256 characters long; give at most 255"),
        # A command-line byte that is not UTF-8 reaches Python as a lone surrogate.
        ("S\udcf8ren", r"it is not UTF-8 text ('\udcf8'); give a plain name"),
        ("\ufffe", r"'\ufffe' is not a character; give a plain name"),
    ],
    ids=["x01", "tab", "nel", "empty", "spaces", "256", "not-utf-8", "non-character"],
)
def test_an_author_word_cannot_hold_is_a_usage_error(
    revisions: Scenario,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    author: str,
    message: str,
) -> None:
    monkeypatch.chdir(revisions.repo)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["redline", "v1", "v2", "--out", str(out), "--author", author])
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: cli redline [OPTIONS] REV_A REV_B [PATHS]...\n"
        "Try 'cli redline --help' for help.\n"
        "\n"
        f"Error: Invalid value for '--author': {message}\n"
    )
    assert not out.exists()


def test_an_author_of_255_characters_is_taken(
    revisions: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(revisions.repo)
    # A path that is not there: the command runs (exit 1, not a usage error) and stops early.
    args = ["redline", "v1", "v2", "agreements/nowhere", "--author", "Å" * 255]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "error AG154" in result.stderr


def test_an_author_with_danish_letters(
    revisions: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(revisions.repo)
    author = "Søren Æbelø, Ålborg"
    result = CliRunner().invoke(
        cli, ["redline", "v1", "v2", "--out", str(tmp_path), "--author", author]
    )
    assert result.exit_code == 0, result.output
    found = marks(part((tmp_path / "viborg" / REDLINE).read_bytes(), "word/document.xml"))
    assert found
    assert {e.get(w("author")) for e in found} == {author}
