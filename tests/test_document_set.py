"""Issue #3's acceptance: both examples build upload-ready, and LibreOffice opens every file."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from agreementgen.build.pipeline import build_agreements

from .helpers import ROOT, copy_agreement, libreoffice, not_an_example

EXAMPLES = ("example", "viborg")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    # The fictitious example builds final once it is no longer marked as an example.
    paths = [
        copy_agreement(ROOT / "agreements" / name, tmp_path_factory.mktemp(name))
        for name in EXAMPLES
    ]
    not_an_example(paths[0])
    result = build_agreements(paths, out=out, formats=("docx",), final=True, zip_upload=True)
    assert [folder.name for folder in result.folders] == list(EXAMPLES)
    return out


@pytest.mark.parametrize("name", EXAMPLES)
def test_final_build_has_every_document_and_nothing_missing(built: Path, name: str) -> None:
    checklist = (built / name / "Upload-tjekliste.md").read_text("utf-8")
    assert "**Intet mangler.**" in checklist
    # The build's warnings, hint and note lines included, in one block under "Advarsler".
    warnings = checklist.split("## Advarsler\n\n```text\n", 1)[1].split("\n```\n", 1)[0]
    assert "warning AG212: not signed yet by" in warnings
    manifest = json.loads((built / name / "manifest.json").read_text("utf-8"))
    listed = {entry["name"] for entry in manifest["files"]}
    assert listed == {p.name for p in (built / name).iterdir()} - {"manifest.json"}
    assert manifest["final"] is True
    for stem in ("Strategisk samarbejdsaftale", "Budget", "Milepælsplan", "Beredskabsplan"):
        assert f"{stem}.docx" in listed
    assert "Budget.xlsx" in listed and "Organisationsdiagram.pdf" in listed
    assert any(n.startswith("Delaftale - ") for n in listed)


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_libreoffice_opens_every_docx_and_xlsx(built: Path, name: str, tmp_path: Path) -> None:
    soffice = libreoffice(tmp_path)
    files = sorted(p for p in (built / name).iterdir() if p.suffix in (".docx", ".xlsx"))
    assert len(files) >= 7
    result = subprocess.run(
        [*soffice, "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Budget.docx and Budget.xlsx both become Budget.pdf: count the stems.
    converted = {p.stem for p in tmp_path.glob("*.pdf") if p.stat().st_size > 1000}
    assert converted == {p.stem for p in files}
