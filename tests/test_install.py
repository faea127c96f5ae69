"""The wheel carries everything: installed in a fresh venv, agreementgen runs outside a checkout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .helpers import ROOT, copy_agreement


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from a copy of what the project ships, so that the build writes
    nothing into the checkout (setuptools builds in the source tree)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", dist, source], check=True
    )
    (found,) = dist.glob("agreementgen-*.whl")
    return found


def test_the_wheel_holds_the_templates_and_the_packs(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    built_in = ROOT / "src" / "agreementgen" / "templates"
    for template in sorted(p.name for p in built_in.iterdir()):
        assert f"agreementgen/templates/{template}" in names
    packs = ROOT / "src" / "agreementgen" / "source" / "packs"
    for pack in sorted(p.name for p in packs.glob("*.yaml")):
        assert f"agreementgen/source/packs/{pack}" in names
    assert "agreementgen/py.typed" in names
    skeleton = ROOT / "src" / "agreementgen" / "edit" / "skeleton"
    for part in sorted(p.name for p in skeleton.glob("*.yaml")):
        assert f"agreementgen/edit/skeleton/{part}" in names
    # The Danish messages: the compiled catalog is what `--lang da` reads.
    for catalog in ("agreementgen.mo", "agreementgen.po"):
        assert f"agreementgen/locale/da/LC_MESSAGES/{catalog}" in names
    assert "agreementgen/locale/agreementgen.pot" in names


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; its libraries are this environment's (no
    download), reached through a .pth file that does not bring this checkout's source along."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "--python", python]
    subprocess.run([*pip, "install", "--no-deps", "--no-compile", wheel], check=True)
    return venv


def _run(venv: Path, *args: str, cwd: Path, lang: str = "") -> subprocess.CompletedProcess[str]:
    command = venv / ("Scripts/agreementgen.exe" if os.name == "nt" else "bin/agreementgen")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    if lang:
        env["LANG"] = lang
    return subprocess.run(
        [command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_installed_command_builds_an_agreement_outside_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    copy_agreement(ROOT / "agreements" / "example", tmp_path / "agreements")
    where = subprocess.run(
        [installed / "bin" / "python", "-c", "import agreementgen; print(agreementgen.__file__)"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert Path(where).resolve().is_relative_to(installed.resolve())

    built = _run(installed, "build", "--format", "docx", "--format", "html", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    names = {p.name for p in (tmp_path / "output" / "example").iterdir()}
    assert {"Strategisk samarbejdsaftale.docx", "Budget.xlsx", "manifest.json"} <= names
    assert "Strategisk samarbejdsaftale.html" in names

    assert _run(installed, "validate", cwd=tmp_path).returncode == 0
    templates = _run(installed, "check-templates", cwd=tmp_path)
    assert templates.returncode == 0, templates.stderr
    assert _run(installed, "schema", "--out", "schema", cwd=tmp_path).returncode == 0
    assert (tmp_path / "schema" / "agreement.schema.json").is_file()


def test_the_installed_command_speaks_danish(installed: Path, tmp_path: Path) -> None:
    """The Danish catalog ships: `--lang da`, or a Danish locale, gives Danish messages."""
    expected = "nowhere: error AG119: filen eller mappen findes ikke\n"
    danish = _run(installed, "--lang", "da", "validate", "nowhere", cwd=tmp_path)
    assert danish.returncode == 1
    assert danish.stderr.startswith(expected)
    by_locale = _run(installed, "validate", "nowhere", cwd=tmp_path, lang="da_DK.UTF-8")
    assert by_locale.stderr.startswith(expected)
    english = _run(installed, "validate", "nowhere", cwd=tmp_path, lang="C.UTF-8")
    assert english.stderr.startswith("nowhere: error AG119: no such file or folder\n")


def test_the_installed_command_starts_and_renames_an_agreement(
    installed: Path, tmp_path: Path
) -> None:
    """`new` writes from the skeletons shipped as package data; `rename` then edits them."""
    new = _run(
        installed,
        "new",
        "agreements/nordby",
        "--area-name",
        "Helhedsplanen i Nordby",
        "--start",
        "2026-01-01",
        "--end",
        "2029-12-31",
        "--focus-area",
        "employment",
        "--party",
        "nordby-bolig:housing_organisation:Nordby Bolig",
        "--party",
        "nordby-kommune:municipality:Nordby Kommune",
        cwd=tmp_path,
    )
    assert new.returncode == 0, new.stderr
    assert _run(installed, "validate", "agreements/nordby", cwd=tmp_path).returncode == 0
    renamed = _run(
        installed,
        "rename",
        "party",
        "nordby-bolig",
        "nordby-boliger",
        "agreements/nordby",
        cwd=tmp_path,
    )
    assert renamed.returncode == 0, renamed.stderr
    text = (tmp_path / "agreements" / "nordby" / "agreement.yaml").read_text("utf-8")
    assert "nordby-boliger" in text


def test_the_installed_command_redlines_a_git_revision(installed: Path, tmp_path: Path) -> None:
    folder = copy_agreement(ROOT / "agreements" / "example", tmp_path / "agreements")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    who = ("-c", "user.name=t", "-c", "user.email=t@example.org")
    git("init", "-q")
    git("add", ".")
    git(*who, "commit", "-qm", "one")
    mandate = folder / "board-mandate.yaml"
    mandate.write_text(mandate.read_text("utf-8").replace("Bestyrelsen", "Styregruppen", 1))
    git(*who, "commit", "-qam", "two")
    redline = _run(installed, "redline", "HEAD~1", "HEAD", "--out", "redlines", cwd=tmp_path)
    assert redline.returncode == 0, redline.stderr
    assert list((tmp_path / "redlines").rglob("*.docx"))


def test_tests_read_nothing_outside_the_repository() -> None:
    """A fresh clone has no `shared/` beside it: what a test reads lies under tests/data/."""
    outside = re.compile(r"ROOT\.parent|parents\[[2-9]\]|\.\./shared/|[\"']shared[\"'] */")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if outside.search(line) and path.name != "test_install.py"
    ]
    assert found == []
    assert (ROOT / "tests" / "data" / "seeds" / "003_afa3fb0b7074c8e2.txt").is_file()


def test_the_guard_sees_a_read_beside_the_repository() -> None:
    """tests/conftest.py fails any test that opens a file beside the repository."""
    from tests import conftest

    if conftest._BESIDE.startswith(conftest._TEMP):
        pytest.skip("this clone lies in the temporary folder, which the guard leaves alone")
    beside = Path(conftest._BESIDE) / "shared" / "seeds" / "no-such-seed.txt"
    with pytest.raises(FileNotFoundError):
        beside.read_text("utf-8")
    assert conftest._opened_beside == [str(beside)]
    conftest._opened_beside.clear()
