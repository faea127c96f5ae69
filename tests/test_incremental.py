"""Incremental builds: an unchanged agreement is skipped, a change re-renders what depends on it."""

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementgen.build import incremental
from agreementgen.build import pipeline as build_module
from agreementgen.build.pipeline import build_agreements
from agreementgen.checks import read as project_module
from agreementgen.cli import cli
from agreementgen.render import word as render_docx_module

from .helpers import DATA, ROOT, copy_agreement

DOCX = ("docx",)


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example agreement (every kind of document) in a fresh project, built once as DOCX."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    copy_agreement(ROOT / "agreements" / "example", tmp_path / "agreements")
    build_agreements([], out=Path("output"), formats=DOCX)
    return tmp_path


def _state(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Inode, modification time and bytes of every file."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.iterdir())
    }


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the documents rendered as Word files from now on."""
    titles: list[str] = []
    real = render_docx_module.render_docx

    def spy(document: object, **options: object) -> bytes:
        titles.append(document.title)  # type: ignore[attr-defined]
        return real(document, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(render_docx_module, "render_docx", spy)
    # Render in this process, where the spy listens, not on a worker per core.
    monkeypatch.setattr(build_module, "cpus", lambda: 1)
    return titles


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.slow
def test_a_build_with_no_change_reads_nothing_and_touches_nothing(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = Path("output")
    before = _state(out / "example")
    folder_times = (out.stat().st_mtime_ns, (out / "example").stat().st_mtime_ns)

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged agreement must not be parsed")

    monkeypatch.setattr(project_module, "read_agreement", no_parsing)
    result = build_agreements([], out=out, formats=DOCX)
    assert result.folders == []
    assert result.unchanged == [out / "example"]
    # Reported again, from the manifest: unsigned, and an example (a draft only warns).
    assert [w.code for w in result.problems] == ["AG212", "AG272"]
    assert _state(out / "example") == before
    assert (out.stat().st_mtime_ns, (out / "example").stat().st_mtime_ns) == folder_times
    assert sorted(p.name for p in out.iterdir()) == ["example"]


@pytest.mark.slow
def test_the_cli_says_unchanged(example: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--format", "docx"])
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("Unchanged output/example\n")
    assert "warning AG212" in result.stderr


@pytest.mark.slow
def test_a_change_to_the_budget_renders_only_the_budget(
    example: Path, rendered: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = Path("output") / "example"
    before = _state(out)
    old_manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    views: list[object] = []
    real_views = build_module.document_views

    def spy_views(item: object, names: object = None) -> object:
        views.append(sorted(names))  # type: ignore[call-overload]
        return real_views(item, names)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "document_views", spy_views)
    _edit(example / "agreements/example/budget.yaml", "520000", "525000")

    result = build_agreements([], out=Path("output"), formats=DOCX)

    assert result.folders == [out]
    assert rendered == ["Budget"]
    assert views == [["budget.yaml"]]
    after = _state(out)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"Budget.docx", "Budget.xlsx", "manifest.json"}
    # The others are the same files: same inode, same modification time.
    new_manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    inputs = {d["source"]: d["inputs"] for d in old_manifest["documents"]}
    changed_inputs = {
        d["source"] for d in new_manifest["documents"] if d["inputs"] != inputs[d["source"]]
    }
    assert changed_inputs == {"budget.yaml"}


@pytest.mark.slow
def test_a_change_to_a_delaftale_renders_the_documents_that_read_it(
    example: Path, rendered: list[str]
) -> None:
    path = example / "agreements/example/sub-agreements/employment.yaml"
    _edit(path, "Flere unge på 15-29 år er i job eller uddannelse.", "Flere unge er i job.")
    build_agreements([], out=Path("output"), formats=DOCX)
    # The delaftale itself, and the kinds that declare they read delaftaler (the budget and the
    # milestone plan name their activities); not the agreement, the other delaftale, the
    # contingency plan or the board mandate.
    assert sorted(rendered) == [
        "Budget",
        "Delaftale for indsatsområdet Beskæftigelse",
        "Milepælsplan",
    ]


@pytest.mark.slow
def test_a_change_to_a_picture_renders_only_the_agreement(
    example: Path, rendered: list[str]
) -> None:
    picture = example / "agreements/example/files/kort.png"
    picture.write_bytes(picture.read_bytes() + b"\0")  # still a PNG to every reader
    build_agreements([], out=Path("output"), formats=DOCX)
    assert rendered == ["Strategisk samarbejdsaftale om boligsocial indsats"]


@pytest.mark.slow
def test_adding_a_format_renders_only_that_format(
    example: Path, rendered: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from agreementgen.render import html as render_html_module

    pages: list[str] = []
    real = render_html_module.render_page

    def spy(document: object, **options: object) -> render_html_module.Page:
        pages.append(document.title)  # type: ignore[attr-defined]
        return real(document, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(render_html_module, "render_page", spy)
    result = build_agreements([], out=Path("output"), formats=("docx", "html"))
    assert result.folders == [Path("output/example")]
    assert rendered == []  # the Word files are the previous build's
    assert len(pages) == 7


@pytest.mark.slow
def test_a_new_version_of_agreementgen_renders_everything(
    example: Path, rendered: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(incremental, "tool_digest", lambda: "another agreementgen")
    result = build_agreements([], out=Path("output"), formats=DOCX)
    assert result.folders == [Path("output/example")]
    assert len(rendered) == 7


@pytest.mark.slow
def test_a_lost_or_edited_output_file_is_built_again(example: Path, rendered: list[str]) -> None:
    out = Path("output/example")
    (out / "Budget.docx").unlink()
    (out / "Beredskabsplan.docx").write_bytes(b"edited by hand")
    result = build_agreements([], out=Path("output"), formats=DOCX)
    assert result.folders == [out]
    assert sorted(rendered) == ["Beredskabsplan", "Budget"]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    for entry in manifest["files"]:
        assert entry["bytes"] == (out / entry["name"]).stat().st_size


@pytest.mark.slow
def test_a_broken_manifest_means_a_full_build(example: Path, rendered: list[str]) -> None:
    (Path("output/example") / "manifest.json").write_text("{not json", "utf-8")
    result = build_agreements([], out=Path("output"), formats=DOCX)
    assert result.folders == [Path("output/example")]
    assert len(rendered) == 7


@pytest.mark.slow
def test_any_new_file_in_the_agreement_folder_is_an_input(example: Path) -> None:
    (example / "agreements/example/files/notes.txt").write_text("new", "utf-8")
    result = build_agreements([], out=Path("output"), formats=DOCX)
    assert result.unchanged == []


@pytest.mark.slow
def test_strict_fails_on_the_warnings_of_an_unchanged_agreement(example: Path) -> None:
    result = build_agreements([], out=Path("output"), formats=DOCX, strict=True)
    assert result.failed == [Path("agreements/example")]
    assert result.unchanged == [Path("output/example")]
    assert [d.code for d in result.problems] == ["AG212", "AG272"]


def test_the_manifest_records_what_each_document_was_made_from(tmp_path: Path) -> None:
    folder = copy_agreement(ROOT / "agreements" / "example", tmp_path)
    from .helpers import load

    item = load(folder)
    assert incremental.dependencies(item, "agreement.yaml") == ["agreement.yaml", "files/kort.png"]
    assert incremental.dependencies(item, "budget.yaml") == [
        "agreement.yaml",
        "budget.yaml",
        "sub-agreements/education_and_life_chances.yaml",
        "sub-agreements/employment.yaml",
    ]


def _folder_digest(
    folder: Path, settings: incremental.Settings, extra: tuple[str, ...] = ()
) -> str:
    """The digest a build takes of an agreement folder before reading it."""
    return incremental.inputs_digest(settings, incremental.folder_inputs(folder, extra))


def test_the_folder_digest_covers_every_file_and_the_options(tmp_path: Path) -> None:
    folder = copy_agreement(ROOT / "agreements" / "example", tmp_path)
    settings = incremental.Settings(("docx",), False, False, None)
    digest = _folder_digest(folder, settings)
    assert _folder_digest(folder, settings) == digest
    other = incremental.Settings(("docx",), True, False, None)
    assert _folder_digest(folder, other) != digest
    # Times are not inputs; content is.
    path = folder / "budget.yaml"
    os.utime(path, (0, 0))
    assert _folder_digest(folder, settings) == digest
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")
    assert _folder_digest(folder, settings) != digest


def test_a_templates_folder_outside_the_agreement_is_an_input(tmp_path: Path) -> None:
    folder = copy_agreement(ROOT / "agreements" / "example", tmp_path / "agreements")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "document.html.j2").write_text("one", "utf-8")
    settings = incremental.Settings(("docx",), False, False, None)
    digest = _folder_digest(folder, settings, ("../../templates",))
    (templates / "document.html.j2").write_text("two", "utf-8")
    assert _folder_digest(folder, settings, ("../../templates",)) != digest
    assert incremental.relative_name(templates, folder) == "../../templates"


def test_the_agreement_s_own_templates_are_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agreementgen.source.templates import TEMPLATE_DIR

    monkeypatch.chdir(tmp_path)
    folder = copy_agreement(DATA / "demo", tmp_path / "agreements")
    shared = tmp_path / "shared-templates"  # beside the agreements, shared by them
    shared.mkdir()
    css = (TEMPLATE_DIR / "agreement.css").read_text("utf-8")
    (shared / "agreement.css").write_text(css, "utf-8")
    _edit(folder / "agreement.yaml", "area_name:", "templates: ../../shared-templates\narea_name:")
    out = Path("output")
    build_agreements([], out=out, formats=("html",))
    assert build_agreements([], out=out, formats=("html",)).unchanged == [out / "demo"]
    manifest = json.loads((out / "demo/manifest.json").read_text("utf-8"))
    assert manifest["build"]["templates"] == ["../../shared-templates"]
    (shared / "agreement.css").write_text(css + "\nh1 { color: green; }\n", "utf-8")
    result = build_agreements([], out=out, formats=("html",))
    assert result.folders == [out / "demo"]
    assert "color: green" in (out / "demo/Strategisk samarbejdsaftale.html").read_text("utf-8")


@pytest.mark.parametrize(
    "folder", ["agreements/example", "agreements/viborg", "tests/data/complete"]
)
def test_each_kind_reads_only_what_it_declares(folder: str) -> None:
    """A document's view, given only its own YAML, the agreement and the documents of the
    kinds its kind declares it reads (`Kind.reads`), is the view the whole folder gives: so an
    incremental build that keeps it when any other file changes keeps what it would render."""
    from dataclasses import replace

    from agreementgen.views.document_set import document_views

    from .helpers import load

    item = load(ROOT / folder)
    whole = document_views(item)
    for document in item.documents:
        reads = document.kind.reads
        only = tuple(d for d in item.documents if d is document or d.kind.key in reads)
        alone = document_views(replace(item, documents=only), [document.name])
        assert alone[document.name] == whole[document.name], document.name
