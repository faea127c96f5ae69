import contextlib
import os
import pty
import re
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from click.testing import CliRunner
from markupsafe import escape

from agreementgen.build import pipeline as build_module
from agreementgen.build.outputs import Output
from agreementgen.build.pipeline import build_agreements
from agreementgen.build.progress import Step
from agreementgen.cli import cli
from agreementgen.errors import Severity
from agreementgen.kinds import AGREEMENT

from .helpers import DATA, ROOT, copy_agreement, not_an_example


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy_agreement(DATA / "demo", tmp_path / "agreements")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_build_writes_the_agreement_and_no_staging_folders(project: Path) -> None:
    result = build_agreements([], out=Path("output"), formats=("html",))
    assert result.folders == [Path("output/demo")]
    assert sorted(p.name for p in Path("output").iterdir()) == ["demo"]
    assert sorted(p.name for p in Path("output/demo").iterdir()) == [
        "Organisationsdiagram.pdf",
        "Organisationsdiagram.png",
        f"{AGREEMENT.title}.html",
        "Upload-tjekliste.html",
        "Upload-tjekliste.md",
        "index.html",
        "manifest.json",
    ]


def test_the_index_page_links_every_file_of_every_document(project: Path) -> None:
    build_agreements([], out=Path("output"))
    page = Path("output/demo/index.html").read_text("utf-8")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', page)
    targets = {unquote(href) for href, _ in links}
    documents = {p.name for p in Path("output/demo").iterdir()} - {
        "index.html",
        "manifest.json",
        "Upload-tjekliste.md",
        "Upload-tjekliste.html",
    }
    assert targets == documents
    assert (f"{quote(AGREEMENT.title)}.docx", "Word") in links
    assert ("Organisationsdiagram.png", "PNG") in links
    assert "<h2>Upload-tjekliste</h2>" in page
    assert "<title>Demo &amp; Co &lt;Nord&gt; {{ area }}</title>" in page


def test_the_index_shows_an_area_name_as_typed(project: Path) -> None:
    path = project / "agreements" / "demo" / "agreement.yaml"
    typed = "*Skov* [parken](https://example.org) <b>1. etape</b> # ~x~"
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"(?m)^area_name: .*$", f"area_name: '{typed}'", text), "utf-8")
    build_agreements([], out=Path("output"), formats=("html",))
    for page in ("index.html", "Upload-tjekliste.html"):
        text = Path("output/demo", page).read_text("utf-8")
        assert escape(typed) in text, page
        assert 'href="https://example.org"' not in text


def test_invalid_input_leaves_previous_output_untouched(project: Path) -> None:
    build_agreements([], out=Path("output"), formats=("html",))
    before = _snapshot(Path("output/demo"))
    path = project / "agreements" / "demo" / "agreement.yaml"
    path.write_text(path.read_text("utf-8").replace("area_name:", "area_nam:"), "utf-8")
    result = build_agreements([], out=Path("output"), formats=("html",))
    assert result.failed == [Path("agreements/demo")]
    assert _snapshot(Path("output/demo")) == before


def test_a_failing_render_leaves_previous_output_and_no_stray_files(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_agreements([], out=Path("output"), formats=("html",))
    before = _snapshot(Path("output/demo"))
    path = project / "agreements" / "demo" / "agreement.yaml"
    path.write_text(path.read_text("utf-8").replace("Demo & Co", "Ny titel"), "utf-8")

    def half_written(item: object, formats: object, **options: object) -> list[Output]:
        # The second file cannot be written, so the build fails with the staging folder
        # half written: the worst moment.
        return [Output(name, b"new", "x", (), "") for name in ("a.html", "b\0.html")]

    monkeypatch.setattr(build_module, "render_agreement", half_written)
    with pytest.raises(ValueError, match="null"):
        build_agreements([], out=Path("output"), formats=("html",))
    assert _snapshot(Path("output/demo")) == before
    assert sorted(p.name for p in Path("output").iterdir()) == ["demo"]


def test_cli_build_reports_the_folder(project: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--format", "html"])
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("Built output/demo\n")


def test_cli_build_with_bad_input_exits_1_without_traceback(project: Path) -> None:
    path = project / "agreements" / "demo" / "agreement.yaml"
    path.write_text(path.read_text("utf-8").replace("kind: police", "kind: polise"), "utf-8")
    result = CliRunner().invoke(cli, ["build", "--format", "html"])
    assert result.exit_code == 1
    assert result.stderr == (
        "agreements/demo/agreement.yaml:20:11: error AG104: parties[2].kind: 'polise' is not one"
        " of: housing_organisation, municipality, police, other\n"
        "    hint: did you mean 'police'?\n"
        "Not built: agreements/demo\n"
        "Aborted with 1 error.\n"
    )
    assert not Path("output").exists()


def test_usage_errors_exit_2(project: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--format", "odt"])
    assert result.exit_code == 2


def test_final_build_refuses_an_agreement_without_the_fixed_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agreementgen.views import document, document_set

    real = document.build_document

    def tampered(item: object) -> document.Document:
        # As a template that drops LBF's fixed text would: the last fixed paragraph goes.
        built = real(item)  # type: ignore[arg-type]
        sections = tuple(s for s in built.sections if s.key != "revision")
        return replace(built, sections=sections)

    monkeypatch.setattr(document_set, "build_document", tampered)
    not_an_example(copy_agreement(ROOT / "agreements" / "example", tmp_path / "agreements"))
    monkeypatch.chdir(tmp_path)
    result = build_agreements([], out=Path("output"), formats=("html",), final=True)
    assert result.failed == [Path("agreements/example")]
    errors = [d for d in result.problems if d.severity is Severity.ERROR]
    assert [d.format() for d in errors] == [
        "agreement.html.j2: error AG271: Strategisk samarbejdsaftale.html lacks LBF's fixed "
        "text, or has it changed: 'Revision af den strategiske samarbejdsaftale kræver "
        "godkende'\n"
        "    hint: the template must keep the fixed paragraphs of lbf-2019-26@2023-11-24"
    ]
    assert not Path("output").exists()


def test_cli_build_passes_jobs_and_reports_unchanged_folders(project: Path) -> None:
    from unittest import mock

    from agreementgen.build.pipeline import BuildResult

    with mock.patch("agreementgen.build.pipeline.build_agreements", autospec=True) as fake:
        fake.return_value = BuildResult([Path("output/a")], [], [Path("output/b")])
        result = CliRunner().invoke(cli, ["build", "--jobs", "3", "--format", "html"])
    assert result.exit_code == 0, result.output
    assert fake.call_args.kwargs["jobs"] == 3
    assert fake.call_args.kwargs["formats"] == ("html",)
    assert result.stderr == "Built output/a\nUnchanged output/b\n"


def test_jobs_must_be_positive(project: Path) -> None:
    assert CliRunner().invoke(cli, ["build", "--jobs", "0"]).exit_code == 2


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_hears_every_document_of_every_agreement(project: Path, jobs: int) -> None:
    copy_agreement(DATA / "complete", project / "agreements")
    steps: list[Step] = []
    build_agreements([], out=Path("output"), formats=("html",), jobs=jobs, progress=steps.append)
    done = [s for s in steps if not s.document]
    assert sorted(s.agreement for s in done) == ["complete", "demo"]
    assert [s.done for s in done] == [1, 2]
    assert {s.total for s in steps} == {2}
    rendered = {(s.agreement, s.document) for s in steps if s.document}
    assert ("demo", AGREEMENT.title) in rendered
    assert {d for a, d in rendered if a == "complete"} >= {
        AGREEMENT.title,
        "Budget",
        "Milepælsplan",
        "Delaftale - Beskæftigelse",
    }
    # Each agreement's documents are heard before it is done.
    for step in done:
        assert all(
            steps.index(s) < steps.index(step)
            for s in steps
            if s.agreement == step.agreement and s.document
        )


def _build_on_a_terminal(project: Path, *args: str) -> str:
    """Run `agreementgen build` with stderr on a pseudo-terminal; return what it showed."""
    main, side = pty.openpty()
    shown = bytearray()
    reader = threading.Thread(target=lambda: _drain(main, shown), daemon=True)
    reader.start()
    command = [sys.executable, "-m", "agreementgen", "build", "--format", "html", *args]
    subprocess.run(command, cwd=project, stderr=side, stdout=subprocess.DEVNULL, check=True)
    os.close(side)
    reader.join(timeout=10)
    return shown.decode("utf-8", "replace").replace("\r", "\n")


def _drain(fd: int, into: bytearray) -> None:
    with contextlib.suppress(OSError):  # EIO once the other side is closed
        while chunk := os.read(fd, 4096):
            into.extend(chunk)


def test_a_terminal_sees_a_progress_bar_and_quiet_hides_it(project: Path) -> None:
    shown = _build_on_a_terminal(project)
    assert "Building  [" in shown
    assert "0/1  demo: Strategisk samarbejdsaftale" in shown
    assert "1/1  demo" in shown
    assert "Built output/demo" in shown
    quiet = _build_on_a_terminal(project, "-q", "--out", "other")
    assert "Building" not in quiet
    assert "Built" not in quiet


def test_no_terminal_no_progress(project: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--format", "html"])
    assert result.exit_code == 0
    assert "Building" not in result.stderr
    assert result.stderr.endswith("Built output/demo\n")
