import subprocess
import sys
from pathlib import Path

from .helpers import ROOT

HEAVY = ("weasyprint", "docxtpl", "docx", "markdown_it", "babel")


def test_validate_imports_no_renderer() -> None:
    # `validate` must stay fast: none of the rendering libraries may be imported.
    code = (
        "import sys\n"
        "from agreementgen.cli import cli\n"
        "try:\n"
        "    cli(['validate', 'agreements/viborg'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stderr.endswith("OK\n") and " error " not in result.stderr
    assert result.stdout == "[]\n"


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agreementgen", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().endswith("0.1.0")


def test_an_internal_error_is_one_line_without_debug(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from agreementgen import project
    from agreementgen.cli import cli

    def broken(paths: object, final: bool = False) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(project, "read_agreements", broken)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr == (
        "internal error: RuntimeError: boom (a bug in agreementgen; run with --debug for the "
        "traceback and please report it)\n"
    )
    result = CliRunner().invoke(cli, ["--debug", "validate"])
    assert "Traceback" in result.stderr and "RuntimeError: boom" in result.stderr
