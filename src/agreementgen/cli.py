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

    Exit codes: 0 ok, 1 invalid input or failed build, 2 usage error; `fmt` also 123 when a
    file could not be formatted.
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
    from agreementgen.checks.read import read_agreements

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
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that render at once (default: one per core).",
)
@final_option
@strict_option
def build(
    paths: tuple[Path, ...],
    out: Path,
    formats: tuple[str, ...],
    zip_upload: bool,
    jobs: int | None,
    final: bool,
    strict: bool,
) -> None:
    """Build every LBF document of agreements into OUT/<agreement-id>/.

    PATHS are agreement folders (default: every folder under agreements/). Each document
    is written as DOCX, HTML and PDF (the budget also as XLSX), with manifest.json and an
    upload checklist. Output folders are replaced only when every agreement was built; an
    agreement whose files, templates and options are those of its last build is left as it
    is ("Unchanged"), and a document whose inputs did not change keeps its bytes.

    Example:

    \b
        agreementgen build agreements/viborg --final --zip
    """
    from agreementgen.build.pipeline import build_agreements

    written: list[Path] = []
    unchanged: list[Path] = []

    def action() -> list[Diagnostic]:
        result = build_agreements(
            paths,
            out=out,
            formats=formats or FORMATS,
            strict=strict,
            final=final,
            zip_upload=zip_upload,
            jobs=jobs,
        )
        written.extend(result.folders)
        unchanged.extend(result.unchanged)
        return result.warnings

    _run(action, strict=strict)
    for folder in written:
        click.echo(f"Built {folder}", err=True)
    for folder in unchanged:
        click.echo(f"Unchanged {folder}", err=True)


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
    from agreementgen.source.schema import write_schemas

    changed = write_schemas(out)
    for path in changed:
        click.echo(f"Wrote {path}", err=True)
    if not changed:
        click.echo("Schemas are up to date.", err=True)


@cli.command("fmt")
@paths_argument
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a file would change.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
def fmt_command(paths: tuple[Path, ...], check: bool, diff: bool) -> None:
    """Rewrite agreement YAML in canonical form: schema key order, one sentence per line.

    PATHS are agreement folders or YAML files in them (default: every folder under
    agreements/). Comments and values are kept; a file whose data would change is left as
    it is. Exit codes: 0 nothing to do, 1 a file would change (--check), 123 a file could
    not be formatted.

    Example:

    \b
        agreementgen fmt --check --diff agreements/viborg
    """
    from agreementgen.review.fmt import format_paths

    report = format_paths(paths, check=check, diff=diff)
    for line in report.messages:
        click.echo(line, err=True)
    click.echo("".join(report.diffs), nl=False)
    click.echo(report.summary(), err=True)
    sys.exit(report.return_code)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def textconv(file: Path) -> None:
    """Print a Word file as plain text, so `git diff` shows changes in built DOCX files.

    Set it up once per clone: `git config diff.agreementgen.textconv "agreementgen textconv"`
    and the line `*.docx diff=agreementgen` in .gitattributes.

    Example:

    \b
        agreementgen textconv "output/viborg/Strategisk samarbejdsaftale.docx"
    """
    from agreementgen.errors import display_path
    from agreementgen.review.textconv import NotAWordFile, docx_to_text

    try:
        text = docx_to_text(file.read_bytes())
    except (NotAWordFile, OSError) as exc:
        # git diff shows nothing at all when a textconv fails: the notice is the file's text.
        reason = exc.message if isinstance(exc, NotAWordFile) else f"cannot be read: {exc}"
        click.echo(f"{display_path(file)}: warning: {reason}", err=True)
        text = f"(agreementgen: {reason})\n"
    click.echo(text, nl=False)


@cli.command("diff")
@click.argument("revisions", nargs=-1, metavar="[REV_A [REV_B]]")
@click.option(
    "--format",
    "style",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="Text for a terminal, Markdown for a pull request or CI summary, JSON for tools.",
)
@click.option("--exit-code", is_flag=True, help="Exit with 1 when something changed.")
def diff_command(revisions: tuple[str, ...], style: str, exit_code: bool) -> None:
    """Show what changed in the agreement documents between two git revisions.

    With no revision, HEAD against the working tree; with one, REV_A against the working
    tree; with two, REV_A against REV_B. Entries are matched by id, so a moved entry is no
    change. Changes to the strategic agreement are marked as needing LBF's approval. Old
    revisions are read from git; nothing is checked out.

    Example:

    \b
        agreementgen diff main --format markdown
    """
    from agreementgen.review.diff import FORMATTERS, DiffResult, diff_revisions

    if len(revisions) > 2:
        raise click.UsageError("give at most two revisions")
    old, new = (*revisions, None)[:2] if revisions else ("HEAD", None)
    results: list[DiffResult] = []

    def action() -> list[Diagnostic]:
        results.append(diff_revisions(old, new))
        return []

    _run(action)
    click.echo(FORMATTERS[style](results[0]), nl=False)
    sys.exit(1 if exit_code and results[0].changed else 0)


def _author(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Check --author, which goes into every change mark as Word's w:author attribute.

    XML cannot hold most control characters (nor lone surrogates, which stand for bytes of a
    command line that are not UTF-8), so they are refused here rather than deep in lxml.
    ECMA-376 sets no length for w:author; 255 is the most Word takes for its other names
    (MS-OI29500), and more than any person's name needs.
    """
    import unicodedata

    if not value.strip():
        raise click.BadParameter("it is empty or only spaces; give a name, e.g. 'Mette Ørsted'")
    if len(value) > 255:
        raise click.BadParameter(f"it is {len(value)} characters long; give at most 255")
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc":
            raise click.BadParameter(f"{char!a} is a control character; give a plain name")
        if category == "Cs":
            raise click.BadParameter(f"it is not UTF-8 text ({char!a}); give a plain name")
        if char in "\ufffe\uffff":
            raise click.BadParameter(f"{char!a} is not a character; give a plain name")
    return value


@cli.command("redline")
@click.argument("old", metavar="REV_A")
@click.argument("new", metavar="REV_B")
@paths_argument
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("redline"),
    show_default=True,
    help="Folder to write <agreement-id>/ into.",
)
@click.option(
    "--author",
    default="agreementgen",
    show_default=True,
    callback=_author,
    help="Author of the changes.",
)
def redline_command(old: str, new: str, paths: tuple[Path, ...], out: Path, author: str) -> None:
    """Write Word files in which every change from REV_A to REV_B is a tracked change.

    Each document that changed is rendered from REV_B, with its differences from REV_A as
    Word tracked changes dated with REV_B's commit time, into OUT/<agreement-id>/<document>
    (ændringer).docx, for review with Accept/Reject. PATHS are agreement folders or document
    files in them (default: every folder under agreements/). Unchanged documents are not
    written.

    Example:

    \b
        agreementgen redline main HEAD agreements/viborg --out redline
    """
    from agreementgen.review.redline import Redline, redline_revisions

    written: list[Redline] = []

    def action() -> list[Diagnostic]:
        written.extend(redline_revisions(old, new, paths, out=out, author=author))
        return []

    _run(action)
    for item in written:
        click.echo(f"Wrote {item.path}", err=True)
    if not written:
        click.echo("No document changed.", err=True)


@cli.command("check-templates")
@paths_argument
def check_templates_command(paths: tuple[Path, ...]) -> None:
    """Check the templates agreements render with; list names that nothing provides.

    PATHS are agreement folders (default: every folder under agreements/). Each agreement's
    templates (its own `templates:` folder before the built-in ones) are parsed, not
    rendered, and every variable and attribute they use is looked up in what agreementgen
    gives them. Exit 1 on a syntax error, an unknown name or a refused one.

    Example:

    \b
        agreementgen check-templates agreements/viborg
    """
    from agreementgen.render.check_templates import check_templates

    def action() -> list[Diagnostic]:
        report = check_templates(paths)
        if any(p.severity is Severity.ERROR for p in report.problems):
            raise InputError(report.problems)
        checked.extend(report.checked)
        return report.problems

    checked: list[str] = []
    _run(action)
    click.echo(f"OK: {len(checked)} templates checked", err=True)


def main() -> None:
    """Run the CLI (the console script's entry point)."""
    try:
        cli(standalone_mode=True)
    except AgreementError as exc:  # pragma: no cover - click handles these itself
        exc.show()
        sys.exit(exc.exit_code)
