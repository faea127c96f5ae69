"""Each command imports only what it needs: the heavy libraries, listed exactly, per command."""

import shutil
import subprocess
import sys
from pathlib import Path

from .helpers import ROOT

# The libraries that cost start-up time and that a command may only import when it uses them.
WATCHED = (
    "weasyprint",
    "matplotlib",
    "openpyxl",
    "docxtpl",
    "docx",
    "PIL",
    "fontTools.subset",
    "markdown_it",
    "babel",
)

# Runs one command in a fresh interpreter, then prints which watched modules it imported.
PROBE = (
    "import sys\n"
    "from agreementgen.cli import cli\n"
    "try:\n"
    "    cli(sys.argv[1:])\n"
    "except SystemExit as exit:\n"
    "    assert not exit.code, exit.code\n"
    f"print(sorted(m for m in {WATCHED!r} if m in sys.modules))\n"
)


def imported(*args: str | Path) -> str:
    """The watched modules that `agreementgen ARGS` imported, as printed by the probe."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# Every build draws the organisation diagram and the timeline: PNG with PIL
# (views/picture_png.py), PDF with an embedded font subset (views/picture_pdf.py).
# The builds run with --jobs 1, so that every document renders in the probe's own process:
# with more, the documents render in forked workers, each importing what it needs there.


def test_validate_imports_no_renderer() -> None:
    assert imported("validate", "agreements/viborg") == "[]\n"


def test_a_word_build_imports_the_word_libraries_and_openpyxl_for_the_budget(
    tmp_path: Path,
) -> None:
    # openpyxl is allowed here: the budget view writes Budget.xlsx beside the Word documents.
    out = tmp_path / "out"
    assert imported(
        "build", "agreements/viborg", "--format", "docx", "--jobs", "1", "--out", out
    ) == ("['PIL', 'babel', 'docx', 'docxtpl', 'markdown_it', 'openpyxl']\n")


def test_a_word_build_without_a_budget_imports_no_openpyxl(tmp_path: Path) -> None:
    folder = tmp_path / "viborg"
    shutil.copytree(ROOT / "agreements" / "viborg", folder)
    (folder / "budget.yaml").unlink()
    out = tmp_path / "out"
    assert imported("build", folder, "--format", "docx", "--jobs", "1", "--out", out) == (
        "['PIL', 'babel', 'docx', 'docxtpl', 'markdown_it']\n"
    )


def test_fmt_imports_only_the_markdown_parser() -> None:
    # fmt reflows Markdown prose, so it parses it.
    assert imported("fmt", "--check", "agreements/viborg") == "['markdown_it']\n"


def test_diff_imports_no_renderer() -> None:
    assert imported("diff") == "[]\n"


def test_an_html_build_imports_no_weasyprint_and_no_word(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert imported(
        "build", "agreements/viborg", "--format", "html", "--jobs", "1", "--out", out
    ) == ("['PIL', 'babel', 'markdown_it', 'openpyxl']\n")
