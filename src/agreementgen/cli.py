"""The command line: parse options, call one library function, map the result to an exit code."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from agreementgen import __version__
from agreementgen.errors import (
    AgreementError,
    Diagnostic,
    InputError,
    Severity,
    count_summary,
    sort_diagnostics,
)

FORMATS = ("docx", "html", "pdf")
CONTEXT = {"help_option_names": ["-h", "--help"]}


class _Group(click.Group):
    """Turn any unexpected exception into one line, with the traceback only under --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} (a bug in agreementgen; "
                "run with --debug for the traceback and please report it)",
                err=True,
            )
            sys.exit(1)


def _report(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in sort_diagnostics(diagnostics):
        click.echo(diagnostic.format(), err=True)


def _run(action: Callable[[], list[Diagnostic]], *, strict: bool = False) -> list[Diagnostic]:
    """Run a library call; print its warnings; on errors print them all and exit 1."""
    try:
        warnings = action()
    except InputError as exc:
        _report(exc.diagnostics)
        click.echo(f"Aborted with {count_summary(exc.diagnostics)}.", err=True)
        sys.exit(1)
    _report(warnings)
    if strict and warnings:
        click.echo(f"Aborted with {count_summary(warnings)} (--strict).", err=True)
        sys.exit(1)
    return warnings


paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")
final_option = click.option(
    "--final",
    is_flag=True,
    help="Upload-ready: LBF's rules marked E are errors, and leftover placeholders too.",
)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Build the Landsbyggefonden document set of a boligsocial helhedsplan from YAML.

    Exit codes: 0 ok, 1 invalid input or failed build, 2 usage error.
    """
    ctx.obj = {"debug": debug}


@cli.command()
@paths_argument
@final_option
@strict_option
def validate(paths: tuple[Path, ...], final: bool, strict: bool) -> None:
    """Check agreements and the documents beside them; report every problem at once.

    PATHS are agreement folders (default: every folder under agreements/). Without --final
    LBF's rules are warnings, as a draft may be incomplete.

    Example:

    \b
        agreementgen validate agreements/viborg --final
    """
    from agreementgen.project import read_agreements

    def action() -> list[Diagnostic]:
        _, problems = read_agreements(paths, final=final)
        if any(p.severity is Severity.ERROR for p in problems):
            raise InputError(problems)
        return problems

    _run(action, strict=strict)
    click.echo("OK", err=True)


@cli.command()
@paths_argument
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder to write <agreement-id>/ into.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="Formats to build (repeatable; default all).",
)
@click.option("--zip", "zip_upload", is_flag=True, help="Also write LBF-upload.zip.")
@final_option
@strict_option
def build(
    paths: tuple[Path, ...],
    out: Path,
    formats: tuple[str, ...],
    zip_upload: bool,
    final: bool,
    strict: bool,
) -> None:
    """Build every LBF document of agreements into OUT/<agreement-id>/.

    PATHS are agreement folders (default: every folder under agreements/). Each document
    is written as DOCX, HTML and PDF (the budget also as XLSX), with manifest.json and an
    upload checklist. An agreement's output folder is replaced only when everything for it
    was built.

    Example:

    \b
        agreementgen build agreements/viborg --final --zip
    """
    from agreementgen.build import build_agreements

    written: list[Path] = []

    def action() -> list[Diagnostic]:
        result = build_agreements(
            paths,
            out=out,
            formats=formats or FORMATS,
            strict=strict,
            final=final,
            zip_upload=zip_upload,
        )
        written.extend(result.folders)
        return result.warnings

    _run(action, strict=strict)
    for folder in written:
        click.echo(f"Built {folder}", err=True)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schema"),
    show_default=True,
    help="Folder to write the JSON Schema files into.",
)
def schema(out: Path) -> None:
    """Write the JSON Schema of agreement files, for editors that check YAML.

    Example:

    \b
        agreementgen schema --out schema
    """
    from agreementgen.schema import write_schemas

    changed = write_schemas(out)
    for path in changed:
        click.echo(f"Wrote {path}", err=True)
    if not changed:
        click.echo("Schemas are up to date.", err=True)


def main() -> None:
    """Run the CLI (the console script's entry point)."""
    try:
        cli(standalone_mode=True)
    except AgreementError as exc:  # pragma: no cover - click handles these itself
        exc.show()
        sys.exit(exc.exit_code)
