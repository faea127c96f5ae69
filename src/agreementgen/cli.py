"""The command line: parse options, call one library function, map the result to an exit code."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from agreementgen import __version__, report
from agreementgen.errors import (
    AgreementError,
    Diagnostic,
    InputError,
    Severity,
    count_summary,
    display_path,
)
from agreementgen.language import LANGUAGES, language_from_environment, tr, use_language

if TYPE_CHECKING:
    from agreementgen.build.progress import Step

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
    if diagnostics:
        click.echo(report.text(diagnostics), err=True)


def _run(action: Callable[[], list[Diagnostic]], *, strict: bool = False) -> list[Diagnostic]:
    """Run a library call; print its warnings; on errors print them all and exit 1."""
    try:
        warnings = action()
    except InputError as exc:
        _report(exc.diagnostics)
        _abort(exc.diagnostics)
    _report(warnings)
    if strict and warnings:
        _abort(warnings, strict=True)
    return warnings


def _abort(problems: Sequence[Diagnostic], *, strict: bool = False) -> NoReturn:
    """Say how many problems stopped the command, and exit 1."""
    counts = count_summary(problems)
    if strict:
        click.echo(tr("Aborted with {counts} (--strict).").format(counts=counts), err=True)
    else:
        click.echo(tr("Aborted with {counts}.").format(counts=counts), err=True)
    sys.exit(1)


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
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=language_from_environment,
    help="Language of messages (default: from the locale, LANG).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, lang: str) -> None:
    """Build the Landsbyggefonden document set of a boligsocial helhedsplan from YAML.

    Exit codes: 0 ok, 1 invalid input or failed build, 2 usage error; `fmt` also 123 when a
    file could not be formatted.
    """
    use_language(lang)
    ctx.obj = {"debug": debug}


@cli.command()
@paths_argument
@final_option
@strict_option
@click.option(
    "--format",
    "output",
    type=click.Choice(("text", "json", "sarif")),
    default="text",
    show_default=True,
    help="text on stderr; json or sarif (SARIF 2.1.0, for code scanning) on stdout.",
)
def validate(paths: tuple[Path, ...], final: bool, strict: bool, output: str) -> None:
    """Check agreements and the documents beside them; report every problem at once.

    PATHS are agreement folders (default: every folder under agreements/). Without --final
    LBF's rules are warnings, as a draft may be incomplete. The exit code is 1 when there
    are errors (or warnings, with --strict), in every format.

    Example:

    \b
        agreementgen validate agreements/viborg --final
        agreementgen validate --format sarif > agreementgen.sarif
    """
    from agreementgen.checks.read import read_agreements

    def action() -> list[Diagnostic]:
        _, problems = read_agreements(paths, final=final)
        if any(p.severity is Severity.ERROR for p in problems):
            raise InputError(problems)
        return problems

    if output == "text":
        _run(action, strict=strict)
        click.echo("OK", err=True)
        return
    _, problems = read_agreements(paths, final=final)
    if output == "json":
        click.echo(report.as_json(problems))
    else:
        from agreementgen.checks.rules import all_rules

        summaries = {rule.code: rule.summary for rule in all_rules()}
        click.echo(report.as_sarif(problems, version=__version__, rules=summaries))
    failed = any(p.severity is Severity.ERROR for p in problems) or (strict and problems)
    sys.exit(1 if failed else 0)


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
@click.option("--zip", "zip_upload", is_flag=True, help="Also write LBF-upload.zip (with --final).")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that render at once (default: one per core).",
)
@final_option
@strict_option
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress and no 'Built' lines; warnings and errors still print.",
)
def build(
    paths: tuple[Path, ...],
    out: Path,
    formats: tuple[str, ...],
    zip_upload: bool,
    jobs: int | None,
    final: bool,
    strict: bool,
    quiet: bool,
) -> None:
    """Build every LBF document of agreements into OUT/<agreement-id>/.

    PATHS are agreement folders (default: every folder under agreements/). Each document
    is written as DOCX, HTML and PDF (the budget also as XLSX), with manifest.json and an
    upload checklist. Every valid agreement is published; one with errors keeps its
    previous output and the build exits 1 ("Not built"). An agreement whose files,
    templates and options are those of its last build is left as it is ("Unchanged"), and
    a document whose inputs did not change keeps its bytes.

    Example:

    \b
        agreementgen build agreements/viborg --final --zip
    """
    from agreementgen.build.pipeline import BuildResult, build_agreements

    # Progress only where someone watches: a terminal, and not asked to be quiet.
    bar = _ProgressBar() if not quiet and sys.stderr.isatty() else None
    done: list[BuildResult] = []

    def action() -> list[Diagnostic]:
        try:
            done.append(
                build_agreements(
                    paths,
                    out=out,
                    formats=formats or FORMATS,
                    strict=strict,
                    final=final,
                    zip_upload=zip_upload,
                    jobs=jobs,
                    progress=bar,
                )
            )
        finally:
            if bar is not None:
                bar.close()
        return done[0].problems

    problems = _run(action, strict=False)
    result = done[0]
    if not quiet:
        for folder in result.folders:
            click.echo(tr("Built {folder}").format(folder=folder), err=True)
        for folder in result.unchanged:
            click.echo(tr("Unchanged {folder}").format(folder=folder), err=True)
    if result.failed:
        for folder in result.failed:
            click.echo(tr("Not built: {folder}").format(folder=display_path(folder)), err=True)
        _abort(problems)


class _ProgressBar:
    """A progress bar on stderr: agreements done of those to build, and what renders now."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, step: Step) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=step.total,
                label="Building",
                file=sys.stderr,
                show_pos=True,
                item_show_func=lambda text: text,
            )
            self.bar.render_progress()
        if step.document:  # no step forward, only what renders now
            self.bar.current_item = f"{step.agreement}: {step.document}"
            self.bar.render_progress()
        else:
            self.bar.update(1, step.agreement)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()


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
        if isinstance(exc, NotAWordFile):
            reason = exc.message
        else:
            reason = tr("file cannot be read: {reason}").format(reason=exc.strerror or exc)
        click.echo(f"{display_path(file)}: warning: {reason}", err=True)
        text = f"(agreementgen: {reason})\n"
    click.echo(text, nl=False)


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on at 127.0.0.1 (0: any free port).",
)
def serve(path: Path | None, port: int) -> None:
    """Preview an agreement's documents in the browser, updated on every save.

    PATH is an agreement folder (default: the current folder if it is one, else the only
    agreement under agreements/). Each document shows as `build` renders its HTML, with its
    DOCX, PDF (and XLSX) made on demand; a mistake shows in the page with its file and line.
    Only the documents whose inputs changed are rendered again. Listens on 127.0.0.1 only;
    Ctrl-C stops it.

    Example:

    \b
        agreementgen serve agreements/example --port 8001
    """
    import logging

    from agreementgen.errors import display_path
    from agreementgen.preview.server import agreement_folder
    from agreementgen.preview.server import serve as serve_preview

    folders: list[Path] = []

    def action() -> list[Diagnostic]:
        folders.append(agreement_folder(path))
        return []

    _run(action)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    logger = logging.getLogger("agreementgen.preview")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def ready(url: str) -> None:
        click.echo(f"Previewing {display_path(folders[0])} at {url} (Ctrl-C to stop)", err=True)

    serve_preview(folders[0], port, ready=ready)
    click.echo("Stopped.", err=True)


def _id_kind(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Check rename's KIND against the kinds of id (source/references.py)."""
    from agreementgen.edit.rename import KIND_NAMES

    if value == "area":
        raise click.BadParameter(
            "focus areas are LBF's four fixed keys and cannot be renamed; a group of "
            "departments (a town, say) is the kind 'group'"
        )
    if value not in KIND_NAMES:
        raise click.BadParameter(f"{value!r} is not one of: {', '.join(KIND_NAMES)}")
    return value


@cli.command("rename")
@click.argument("kind", callback=_id_kind)
@click.argument("old")
@click.argument("new")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def rename_command(kind: str, old: str, new: str, path: Path | None) -> None:
    """Rename an id where it is defined and everywhere it is referred to.

    KIND is party, department, group (a department group), subgroup (a group under the
    board), criterion, activity, sub-goal, sub-agreement-party (a party of a delaftale),
    funder, budget-line, milestone or scenario; a delaftale's own sub-goals and parties are
    renamed in each delaftale that has the id. PATH is the agreement folder (default: the
    current folder, if it holds agreement.yaml). The files are edited as text: only the
    id's characters change, comments, quotes and layout stay. Nothing is written unless
    the folder validates and the renamed agreement has no error it did not have before.

    Example:

    \b
        agreementgen rename party boligselskabet-viborg bs-viborg agreements/viborg
    """
    from agreementgen.edit.rename import Renamed, agreement_folder, rename_id
    from agreementgen.source.names import AGREEMENT_FILE

    if path is None and not Path(AGREEMENT_FILE).exists():
        raise click.UsageError(
            f"give the agreement folder as PATH: the current folder holds no {AGREEMENT_FILE}"
        )
    folder = path if path is not None else Path()
    done: list[Renamed] = []

    def action() -> list[Diagnostic]:
        done.append(rename_id(agreement_folder(folder), kind, old, new))
        return list(done[0].warnings)

    _run(action)
    for change in done[0].changes:
        click.echo(f"{change.shown}: {change.count} reference{'s' * (change.count != 1)}", err=True)
    click.echo(f"Renamed {done[0].kind.what} {old!r} to {new!r}.", err=True)


def _interactive() -> bool:
    """Whether `new` may ask for what it is not given: only when someone types at a terminal."""
    return sys.stdin.isatty()


def _asked(check: Callable[[str], Any]) -> Callable[[str], Any]:
    """A prompt's check: what `check` refuses is said, and the question asked again."""

    def value(text: str) -> Any:
        try:
            return check(text)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None

    return value


def _prompt(
    question: str, check: Callable[[str], Any], default: str | None = None
) -> Callable[[], Any]:
    """A question for `_option` to ask, and how to check the answer."""
    return lambda: click.prompt(question, default=default, value_proc=_asked(check), err=True)


def _option(
    name: str, given: Any, check: Callable[[Any], Any], ask: Callable[[], Any] | None = None
) -> Any:
    """The value of `new`'s parameter `name`: `given` as `check` reads it (what it refuses is
    a usage error naming the option), else the answer to `ask` at a terminal, else a usage
    error saying that it is missing."""
    ctx = click.get_current_context()
    param = next(p for p in ctx.command.params if p.name == name)
    if given is not None and given != ():
        try:
            return check(given)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    if ask is None or not _interactive():
        raise click.MissingParameter(ctx=ctx, param=param)
    return ask()


@cli.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--area-name", metavar="NAME", help="The area's name (Områdets navn).")
@click.option("--start", metavar="YYYY-MM-DD", help="First day of the agreement period.")
@click.option("--end", metavar="YYYY-MM-DD", help="Last day of the agreement period.")
@click.option(
    "--party",
    "parties",
    metavar="ID:KIND:NAME",
    multiple=True,
    help="A party: its id, its kind (housing_organisation, municipality, police or other) "
    "and its name; once per party.",
)
@click.option(
    "--focus-area",
    "focus_areas",
    metavar="KEY",
    multiple=True,
    help="A chosen focus area, which gets a delaftale: education_and_life_chances, "
    "employment, crime_prevention or cohesion_and_citizenship; once per area.",
)
@click.option(
    "--template-pack",
    "pack",
    metavar="PACK",
    help="lbf-2019-26@2019-12-11 or lbf-2019-26@2023-11-24 (default: the newest).",
)
@click.option(
    "--from",
    "source",
    metavar="FOLDER",
    type=click.Path(path_type=Path),
    help="An agreement folder to start from, for the next plan period.",
)
def new_command(
    folder: Path,
    area_name: str | None,
    start: str | None,
    end: str | None,
    parties: tuple[str, ...],
    focus_areas: tuple[str, ...],
    pack: str | None,
    source: Path | None,
) -> None:
    """Start a new agreement folder with every document LBF wants, ready to fill in.

    FOLDER is the new agreement folder; its name is the agreement's id. It must not exist
    or be empty: nothing is written over. The files are written into a folder beside it and
    moved into place when all are done. Options not given are asked for when the input is
    a terminal.

    Every file (agreement.yaml, a delaftale per chosen focus area in sub-agreements/,
    budget.yaml, milestones.yaml, contingency-plan.yaml, board-mandate.yaml) starts with the
    schema line for editors, and has Danish comments on what LBF wants in each block and
    placeholders "[indsæt ...]" for what only you can write: `validate` accepts the folder as
    a draft, and `validate --final` lists each placeholder left.

    --from starts from an earlier agreement, for the next plan period: --start and --end
    are required, and --party and --focus-area are not allowed. Kept: the area name (unless
    --area-name is given), the parties, the departments and department groups, the board,
    the sections' text and tables, the chosen focus areas and their delaftaler (purpose,
    parties, sub-goals, target groups, activities, roles), the budget's lines, funders and
    assumptions, the contingency plan, the board mandate, the pictures the documents show,
    the agreement's own templates, and the comments. Cleared: the period (--start and --end
    instead); each signatory's name, title and signature date (placeholders instead); the
    baselines' values, years and not_available (their indicators, units and sources stay);
    the delaftaler's and their activities' periods, and the delaftaler's updated dates; the
    budget's amounts (0 for each source the line had, in each calendar year of the new
    period) and its price level (a placeholder); the milestone plan (empty, with
    placeholders); the dates the board approved the contingency plan and the mandate. The
    template pack is --template-pack's (default: the newest), not the earlier agreement's.

    Example:

    \b
        agreementgen new agreements/nordby --area-name "Helhedsplanen i Nordby" \\
            --start 2026-01-01 --end 2029-12-31 --focus-area employment \\
            --party nordby-boligselskab:housing_organisation:"Nordby Boligselskab" \\
            --party nordby-kommune:municipality:"Nordby Kommune"
        agreementgen new agreements/nordby-2030 --from agreements/nordby \\
            --start 2030-01-01 --end 2033-12-31
    """
    from agreementgen.edit import new as making
    from agreementgen.errors import display_path

    _option("folder", folder, making.parse_folder)
    if source is not None:
        for option, given in (("--party", parties), ("--focus-area", focus_areas)):
            if given:
                message = "not with --from: the parties and focus areas come from that agreement"
                raise click.BadParameter(message, param_hint=f"'{option}'")
    name = None
    if area_name is not None or source is None:
        ask = _prompt("Area name", making.parse_text)
        name = _option("area_name", area_name, making.parse_text, ask)
    ask = _prompt("First day of the period (YYYY-MM-DD)", making.parse_date)
    first = _option("start", start, making.parse_date, ask)

    def after_start(text: str) -> Any:
        day = making.parse_date(text)
        if (problem := making.period_problem(first, day)) is not None:
            raise ValueError(problem)
        return day

    default = making.default_end(first).isoformat()
    ask = _prompt("Last day of the period (YYYY-MM-DD)", after_start, default)
    last = _option("end", end, after_start, ask)
    specs: tuple[Any, ...] = ()
    keys: tuple[Any, ...] = ()
    if source is None:
        specs = _option("parties", parties, making.parse_parties, _ask_parties)
        question = (
            "Chosen focus areas, separated by commas (education_and_life_chances, "
            "employment, crime_prevention, cohesion_and_citizenship)"
        )
        ask = _prompt(question, lambda text: making.parse_focus_areas(text.split(",")))
        keys = _option("focus_areas", focus_areas, making.parse_focus_areas, ask)
    template_pack = None
    if pack is not None or _interactive():
        question = f"Template pack ({' or '.join(making.pack_names())})"
        ask = _prompt(question, making.parse_template_pack, making.newest_pack().value)
        template_pack = _option("pack", pack, making.parse_template_pack, ask)
    plan = making.Plan(
        start=first,
        end=last,
        area_name=name,
        parties=specs,
        focus_areas=keys,
        template_pack=template_pack,
        source=source,
    )
    created: list[Any] = []

    def action() -> list[Diagnostic]:
        created.append(making.new_agreement(folder, plan))
        return []

    _run(action)
    for path in created[0].files:
        click.echo(f"Wrote {display_path(path)}", err=True)
    shown = display_path(folder)
    click.echo(
        f"Created {shown}: replace each [indsæt ...] placeholder; "
        f"`agreementgen validate --final {shown}` lists those left.",
        err=True,
    )


def _ask_parties() -> tuple[Any, ...]:
    """Ask for the parties of `new`, one per line, until an empty line ends a valid list."""
    from agreementgen.edit import new as making

    click.echo(
        "The parties, one per line as ID:KIND:NAME, KIND being housing_organisation, "
        "municipality, police or other; an empty line ends the list.",
        err=True,
    )
    specs: list[Any] = []

    def party(text: str) -> Any:
        if not text.strip():
            return None
        spec = making.parse_party(text)
        if spec.id in {s.id for s in specs}:
            raise ValueError(f"the party id {spec.id!r} is given twice")
        return spec

    while True:
        spec = click.prompt(
            f"Party {len(specs) + 1}",
            default="",
            show_default=False,
            value_proc=_asked(party),
            err=True,
        )
        if spec is not None:
            specs.append(spec)
        elif (problem := making.parties_problem(specs)) is not None:
            click.echo(f"Error: {problem}", err=True)
        else:
            return tuple(specs)


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
        click.echo(f"Wrote {item.path}{item.note}", err=True)
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
