"""Helpers shared by the tests."""

from __future__ import annotations

import os
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


def not_an_example(folder: Path) -> Path:
    """Delete the `example: true` mark of a copy of agreements/example, as one who makes it a
    real agreement would: it is then checked as a real one, and AG272 stays silent."""
    path = folder / "agreement.yaml"
    text = path.read_text("utf-8")
    assert "\nexample: true\n" in text
    path.write_text(text.replace("\nexample: true\n", "\n", 1), "utf-8")
    return folder


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


def tree_state(folder: Path) -> dict[str, object]:
    """Everything in `folder` as it is: each file's bytes, each link's target, each folder.

    Links are recorded, not followed, so a link that a command replaced with a file (or a
    file it wrote through a link outside the folder) shows as a change.
    """
    state: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            state[name] = ("link", str(path.readlink()))
        elif path.is_dir():
            state[name] = "folder"
        elif path.is_file():
            state[name] = path.read_bytes()
        else:
            state[name] = "other"
    return state


def examples(count: int) -> int:
    """How many examples a property test tries: `count` in `make test`, more in `make fuzz`,
    which sets FUZZ_SCALE (a whole number, the factor)."""
    return count * int(os.environ.get("FUZZ_SCALE", "1"))


def fuzzing() -> bool:
    """Whether this is a `make fuzz` run: examples are then drawn anew each run, not the
    same ones every time as CI needs."""
    return int(os.environ.get("FUZZ_SCALE", "1")) > 1


def with_own_templates(source: Path, project: Path, name: str) -> Path:
    """Copy agreement folder `source` to `project`/agreements/`name`, with its own (empty)
    templates folder `templates/` named in agreement.yaml; return the agreement folder."""
    folder = project / "agreements" / name
    shutil.copytree(source, folder)
    path = folder / "agreement.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("area_name:", "templates: templates\narea_name:", 1), "utf-8")
    (folder / "templates").mkdir()
    return folder
