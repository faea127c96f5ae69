"""Helpers shared by the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from agreementgen.checks.read import read_agreement
from agreementgen.errors import Severity
from agreementgen.source.folder import LoadedAgreement
from agreementgen.views.document import Document, build_document

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEEDS = DATA / "seeds"  # real documents, copied in: tests read nothing outside the repository


def load(folder: Path) -> LoadedAgreement:
    """Read an agreement folder that must be valid (a draft: warnings are allowed)."""
    loaded, problems = read_agreement(folder)
    errors = [p.format() for p in problems if p.severity is Severity.ERROR]
    assert loaded is not None and not errors, errors
    return loaded


def document(folder: Path) -> Document:
    """Build the document view of a valid agreement folder."""
    return build_document(load(folder))


def copy_agreement(source: Path, target_parent: Path, name: str | None = None) -> Path:
    """Copy an agreement folder under `target_parent`; return the copy."""
    target = target_parent / (name or source.name)
    shutil.copytree(source, target)
    return target


def require_tool(name: str) -> str:
    """Return the path of a command-line tool; skip without it, but fail in CI (CI=true)."""
    import os

    import pytest

    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed; .ci/run installs it")
        pytest.skip(f"{name} is not installed")
    return path


def libreoffice(scratch: Path) -> list[str]:
    """Return the start of a headless LibreOffice command with a private profile in `scratch`.

    Without its own profile a second LibreOffice fails ("Unspecified Application Error")
    whenever another one runs, as it does on a coordinator's desktop. Skips without
    LibreOffice, but fails in CI (CI=true).
    """
    soffice = require_tool("soffice")
    profile = (scratch / "libreoffice-profile").resolve()
    return [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless"]
