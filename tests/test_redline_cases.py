"""`agreementgen redline` on whole Viborg folders: pictures, moves, added and removed documents,
amounts in the budget and reproducible bytes.

Accept All and Reject All are resolved as in tests/test_redline.py; a move must give each
paragraph its own text, style and numbering on both sides, not only the right text.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementgen.cli import cli

from .diff import scenario
from .helpers import DATA, libreoffice
from .test_redline import part, render, resolve, w

MANDATE = "Kommissorium for bestyrelsen"
AGREEMENT = "Strategisk samarbejdsaftale"
TASKS = (
    "    - sikre rammer og retningen for den boligsociale helhedsplan\n",
    "    - Sikre sammenhæng mellem kommunalt politisk bagland og boligorganisationernes "
    "hovedbestyrelser.\n",
)
MILESTONE = (
    "  - id: ekstra\n    month: 2025-08\n    text: Et ekstra møde i bestyrelsen\n"
    "    kind: board\n    responsible: board\n    status: done\n"
)
LEADER_2026 = (
    "      2026: {lbf: 640000, boligselskabet-viborg: 40000, boligselskabet-sct-joergen: 30000}\n"
)


def viborg(name: str) -> str:
    return (scenario.VIBORG.parent / name).read_text("utf-8")


def move_task(text: str) -> str:
    """The last board task moved to the top of the list."""
    first, last = TASKS
    return scenario.edit(text, ((last, ""), (first, last + first)))


def swap_first_tasks(text: str) -> str:
    first = TASKS[0]
    second = "    - sikre helhedsplanen udførsel jf. Landsbyggefondens regulativer\n"
    return scenario.edit(text, ((first + second, second + first),))


def move_department(text: str) -> str:
    return scenario.swap_blocks(
        text, "  - id: houlkaervaenget\n", "  - id: vestervang\n", "  - id: ringparken\n"
    )


def add_milestone(text: str) -> str:
    return scenario.edit(text, (("  - id: jobloeft\n", MILESTONE + "  - id: jobloeft\n"),))


def change_amount(text: str) -> str:
    first = text.index(LEADER_2026)  # the leader's 2026 amounts: the first line of that year
    changed = LEADER_2026.replace("lbf: 640000", "lbf: 655000")
    return text[:first] + changed + text[first + len(LEADER_2026) :]


CASES = {
    "moved-task": {"agreement.yaml": move_task(viborg("agreement.yaml"))},
    "swapped-task": {"agreement.yaml": swap_first_tasks(viborg("agreement.yaml"))},
    "moved-department": {"agreement.yaml": move_department(viborg("agreement.yaml"))},
    "milestone": {"milestones.yaml": add_milestone(viborg("milestones.yaml"))},
    "amount": {"budget.yaml": change_amount(viborg("budget.yaml"))},
    "removed": {"contingency-plan.yaml": None},
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = scenario.make_folder(tmp_path_factory.mktemp("redline-cases"))
    for tag, files in CASES.items():
        scenario.commit(repo, tag, files)
    return repo


def redline(repo: Path, out: Path, old: str, new: str) -> tuple[dict[str, bytes], str]:
    """Run `redline old new`; return the written files by document name, and the output."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo)
        result = CliRunner().invoke(cli, ["redline", old, new, "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = {p.name.removesuffix(" (ændringer).docx"): p.read_bytes() for p in out.rglob("*.docx")}
    return files, result.stderr


def revision(repo: Path, tag: str, tmp: Path) -> dict[str, bytes]:
    """The documents as a build renders them at `tag`, by name."""
    tree = subprocess.run(
        ["git", "archive", tag, scenario.FOLDER], cwd=repo, capture_output=True, check=True
    ).stdout
    target = tmp / tag
    target.mkdir()
    subprocess.run(["tar", "-x", "-C", str(target)], input=tree, check=True)
    return {n.removesuffix(".docx"): d for n, d in render(target / scenario.FOLDER).items()}


def paragraphs(data: bytes) -> list[tuple[str, str, str]]:
    """Each paragraph of the body, in tables too: (style, list level or '', text)."""
    body = part(data, "word/document.xml")
    found = []
    for paragraph in body.iter(w("p")):
        style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
        level = paragraph.find(f"{w('pPr')}/{w('numPr')}/{w('ilvl')}")
        found.append(
            (
                style.get(w("val")) if style is not None else "",
                level.get(w("val")) if level is not None else "",
                "".join(t.text or "" for t in paragraph.iter(w("t"))),
            )
        )
    return found


@pytest.mark.parametrize(
    ("tag", "document"),
    [("moved-task", MANDATE), ("swapped-task", AGREEMENT), ("moved-department", AGREEMENT)],
)
def test_a_move_keeps_every_paragraphs_style_and_numbering(
    repo: Path, tmp_path: Path, tag: str, document: str
) -> None:
    files, _ = redline(repo, tmp_path / "out", "v1", tag)
    old, new = revision(repo, "v1", tmp_path)[document], revision(repo, tag, tmp_path)[document]
    assert paragraphs(old) != paragraphs(new)
    assert paragraphs(resolve(files[document], accept=True)) == paragraphs(new)
    assert paragraphs(resolve(files[document], accept=False)) == paragraphs(old)


R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def pictures(data: bytes) -> list[str]:
    """The targets of the pictures the body shows."""
    body = part(data, "word/document.xml")
    rels = {r.get("Id"): r.get("Target") for r in part(data, "word/_rels/document.xml.rels")}
    return [rels[b.get(f"{{{R}}}embed")] for b in body.iter("{*}blip")]


def test_a_changed_timeline_is_a_deleted_and_an_inserted_picture(
    repo: Path, tmp_path: Path
) -> None:
    files, _ = redline(repo, tmp_path / "out", "v1", "milestone")
    marked = files["Milepælsplan"]
    body = part(marked, "word/document.xml")
    assert [e for e in body.iter(w("drawing")) if e.xpath("ancestor::w:ins", namespaces=NS)]
    assert [e for e in body.iter(w("drawing")) if e.xpath("ancestor::w:del", namespaces=NS)]
    accepted, rejected = (
        pictures(resolve(marked, accept=True)),
        pictures(resolve(marked, accept=False)),
    )
    assert len(accepted) == len(rejected) == 1
    assert accepted != rejected
    media = zipfile.ZipFile(io.BytesIO(marked))
    old = revision(repo, "v1", tmp_path)["Milepælsplan"]
    new = revision(repo, "milestone", tmp_path)["Milepælsplan"]
    for picture, source in ((accepted[0], new), (rejected[0], old)):
        blob = zipfile.ZipFile(io.BytesIO(source)).read(f"word/{pictures(source)[0]}")
        assert media.read(f"word/{picture}") == blob


def test_a_removed_document_is_reported_and_all_deleted(repo: Path, tmp_path: Path) -> None:
    files, output = redline(repo, tmp_path / "out", "v1", "removed")
    assert list(files) == ["Beredskabsplan"]
    assert output == (
        f"Wrote {tmp_path / 'out' / 'viborg' / 'Beredskabsplan (ændringer).docx'}"
        " (removed document: all of it is deleted)\n"
    )
    old = revision(repo, "v1", tmp_path)["Beredskabsplan"]
    assert paragraphs(resolve(files["Beredskabsplan"], accept=False)) == paragraphs(old)
    accepted = paragraphs(resolve(files["Beredskabsplan"], accept=True))
    assert [text for _, _, text in accepted] in ([], [""])


def test_an_added_document_is_reported_and_all_inserted(repo: Path, tmp_path: Path) -> None:
    files, output = redline(repo, tmp_path / "out", "removed", "v1")
    assert list(files) == ["Beredskabsplan"]
    assert output.endswith(" (new document: all of it is inserted)\n")
    new = revision(repo, "v1", tmp_path)["Beredskabsplan"]
    assert paragraphs(resolve(files["Beredskabsplan"], accept=True)) == paragraphs(new)


def test_a_changed_amount_is_tracked_in_its_cells_and_the_totals(
    repo: Path, tmp_path: Path
) -> None:
    files, _ = redline(repo, tmp_path / "out", "v1", "amount")
    body = part(files["Budget"], "word/document.xml")

    def changes(first_cell: str) -> list[list[tuple[str, str]]]:
        """The tracked changes in each cell of the rows whose first cell starts so."""
        rows = [
            r
            for r in body.iter(w("tr"))
            if "".join(r.find(w("tc")).itertext()).startswith(first_cell)
        ]
        return [
            [(e.tag.rpartition("}")[2], "".join(e.itertext())) for e in c.iter(w("del"), w("ins"))]
            for r in rows
            for c in r.iter(w("tc"))
        ]

    # The leader's 2026 amount (its three funders' sum) and its total, only those cells.
    leader = changes("Boligsocial leder")
    assert [c for c in leader if c] == [
        [("del", "710.000"), ("ins", "725.000")],
        [("del", "2.840.000"), ("ins", "2.855.000")],
    ]
    assert [("del", "23.870.000"), ("ins", "23.885.000")] in changes("I alt")
    old = revision(repo, "v1", tmp_path)["Budget"]
    new = revision(repo, "amount", tmp_path)["Budget"]
    assert paragraphs(resolve(files["Budget"], accept=True)) == paragraphs(new)
    assert paragraphs(resolve(files["Budget"], accept=False)) == paragraphs(old)


def test_two_runs_give_the_same_bytes(repo: Path, tmp_path: Path) -> None:
    first, _ = redline(repo, tmp_path / "one", "v1", "moved-task")
    second, _ = redline(repo, tmp_path / "two", "v1", "moved-task")
    assert first == second
    assert first


def test_libreoffice_accepts_and_rejects_a_move_into_each_revision(
    repo: Path, tmp_path: Path
) -> None:
    """LibreOffice's own Accept All / Reject All of the board task moved to the top give each
    paragraph the style, list label and text of the new / old Kommissorium (the issue's case:
    Accept All had turned the heading after the list into a bullet)."""
    files, _ = redline(repo, tmp_path / "out", "v1", "moved-task")
    old = revision(repo, "v1", tmp_path)[MANDATE]
    new = revision(repo, "moved-task", tmp_path)[MANDATE]
    soffice = libreoffice(tmp_path)
    subprocess.run([*soffice, "--terminate_after_init"], check=True, capture_output=True)
    macro = tmp_path / "libreoffice-profile" / "user" / "basic" / "Standard" / "Module1.xba"
    macro.write_bytes((DATA / "redline" / "Module1.xba").read_bytes())

    def seen(data: bytes, mode: str) -> bytes:
        source, target = tmp_path / f"{mode}-{len(data)}.docx", tmp_path / f"{mode}.txt"
        source.write_bytes(data)
        call = f'macro:///Standard.Module1.Dump("{source}","{target}","{mode}")'
        subprocess.run([*soffice, call], check=True, capture_output=True, timeout=120)
        return target.read_bytes()

    accepted, rejected = seen(files[MANDATE], "accept"), seen(files[MANDATE], "reject")
    assert accepted != rejected
    assert accepted == seen(new, "none")
    assert rejected == seen(old, "none")
