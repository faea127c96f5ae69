from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementgen.build import pipeline as build_module
from agreementgen.build.outputs import Output
from agreementgen.build.pipeline import build_agreements
from agreementgen.cli import cli
from agreementgen.errors import InputError, Severity
from agreementgen.kinds import AGREEMENT

from .helpers import DATA, ROOT, copy_agreement


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
        "manifest.json",
    ]


def test_invalid_input_leaves_previous_output_untouched(project: Path) -> None:
    build_agreements([], out=Path("output"), formats=("html",))
    before = _snapshot(Path("output/demo"))
    path = project / "agreements" / "demo" / "agreement.yaml"
    path.write_text(path.read_text("utf-8").replace("area_name:", "area_nam:"), "utf-8")
    with pytest.raises(InputError):
        build_agreements([], out=Path("output"), formats=("html",))
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
    copy_agreement(ROOT / "agreements" / "example", tmp_path / "agreements")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as raised:
        build_agreements([], out=Path("output"), formats=("html",), final=True)
    errors = [d for d in raised.value.diagnostics if d.severity is Severity.ERROR]
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
