import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT


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

    from agreementgen.checks import read as project
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


@pytest.mark.slow
def test_a_pdf_build_exits_without_noise(tmp_path: Path) -> None:
    # Objects cached for the process (WeasyPrint's fonts) must not complain at exit.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "agreementgen",
            "build",
            "tests/data/demo",
            "--format",
            "pdf",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Exception ignored" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.endswith(f"Built {tmp_path / 'demo'}\n")
