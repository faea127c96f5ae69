"""Build stage: read agreements, stop on errors, render what changed, swap finished output in.

A build of several agreements spreads them over a process pool: each worker reads, checks and
renders one agreement and hands back its files; the parent writes them into a staging folder
beside each agreement's output folder and swaps the folders into place once every agreement
is done. Each agreement that is valid is published; one that has errors is reported and
keeps its previous output, and the build then exits with errors: one coordinator's broken
draft does not hold back the others' documents. An agreement whose
inputs are unchanged since its last build is skipped before it is parsed, and a document whose
inputs are unchanged keeps its bytes (agreementgen.build.incremental). A killed build leaves no
staging folder behind, or the next build removes it.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import logging
import multiprocessing
import os
import shutil
import threading
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agreementgen.build import incremental
from agreementgen.build.fixed_text import fixed_text_problems
from agreementgen.build.outputs import EXTRA, Output, document_date, package, upload_problems
from agreementgen.build.progress import Listener, rendering, reporting
from agreementgen.build.staging import fill, new_staging, publish, recover
from agreementgen.errors import (
    AgreementError,
    Diagnostic,
    InputError,
    RenderError,
    Severity,
)
from agreementgen.files import (
    destination_problems,
    output_errors,
    source_date_epoch,
    with_core_dates,
)
from agreementgen.kinds import AGREEMENT
from agreementgen.processes import cpus, fork_map, signals_as_interrupts, worker_pool
from agreementgen.source.templates import (
    AGREEMENT_DOCX,
    AGREEMENT_HTML,
    DOCUMENT_DOCX,
    DOCUMENT_HTML,
)
from agreementgen.views.document_set import document_views

if TYPE_CHECKING:
    from agreementgen.render.html import Page
    from agreementgen.source.folder import LoadedAgreement
    from agreementgen.source.templates import Templates
    from agreementgen.views.document import View

logger = logging.getLogger(__name__)

FORMATS = ("docx", "html", "pdf")


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, what it left as it was, what it could not build, and every
    problem it found (errors of the agreements it could not build among them)."""

    folders: list[Path]
    problems: list[Diagnostic]
    unchanged: list[Path] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)


def build_agreements(
    paths: Sequence[Path],
    *,
    out: Path,
    formats: Sequence[str] = FORMATS,
    strict: bool = False,
    final: bool = False,
    zip_upload: bool = False,
    jobs: int | None = None,
    progress: Listener | None = None,
) -> BuildResult:
    """Build every agreement the paths name into `out/<agreement-id>/`.

    Every agreement that is valid and rendered is published; one with errors (or warnings,
    with `strict`) is not, keeps its previous output, and is named in `failed`, as is a path
    that names no agreement. An agreement whose inputs and options are those of its last
    build is left as it is. `jobs` caps the processes that render (default: one per core);
    `progress` hears which agreement renders which document.

    Raises:
        InputError: nothing can be built: the output folder cannot be written (the
            agreements are still checked, for one report of every problem).
        RenderError: a template could not be rendered.
        AgreementError: SOURCE_DATE_EPOCH is not a number.
    """
    from agreementgen.source.folder import find_agreements

    if refused := upload_problems(out, final=final, zip_upload=zip_upload):
        raise InputError(refused)  # before anything is read or written
    when = source_date_epoch()
    settings = incremental.Settings(
        tuple(formats), final, zip_upload, os.environ.get("SOURCE_DATE_EPOCH") or None
    )
    folders, problems = find_agreements(paths)
    # A path that names no agreement fails the build, but builds the others.
    failed = [Path(d.path) for d in problems if d.severity is Severity.ERROR]
    # Checked before anything is read from or written to `out`; the agreements are still
    # checked, so that one run reports every problem.
    blocked = destination_problems(out, folders)
    problems += blocked
    with signals_as_interrupts():
        if not blocked:
            recover(out)
        tasks: list[_Task] = []
        unchanged: list[Path] = []
        for folder in folders:
            ident = folder.resolve().name
            previous = None if blocked else incremental.Previous.read(out / ident)
            # Taken before the files are read: a file changed meanwhile is built again next time.
            own = incremental.folder_inputs(folder)
            extra = {
                name: incremental.extra_inputs(folder, [name])
                for name in (previous.extra_inputs(folder) if previous else [])
            }
            digest = incremental.inputs_digest(settings, [*own, *_flat(extra.values())])
            if previous is not None and previous.up_to_date(digest):
                unchanged.append(out / ident)
                kept = previous.warnings(folder)
                problems += kept
                if strict and kept:
                    failed.append(folder)
            else:
                tasks.append(_Task(folder, ident, own, extra))
        job = _Job(out, tuple(formats), final, strict, zip_upload, when, settings)
        workers = max(1, min(jobs or cpus(), len(tasks)))
        built, broken = _build_all(
            tasks, job, workers, jobs or cpus(), problems, progress, blocked=bool(blocked)
        )
    order = {f.resolve().name: i for i, f in enumerate(folders)}
    built.sort(key=lambda path: order.get(path.name, 0))
    failed += [task.folder for task in tasks if task.ident in broken]
    return BuildResult(built, problems, unchanged, failed)


@dataclass(frozen=True)
class _Task:
    """One agreement to build, and its input files' digests, taken before it was read.

    `extra` holds those of the folders outside the agreement folder that its last build read
    (its own templates), by their path from the agreement folder.
    """

    folder: Path
    ident: str
    inputs: list[tuple[str, str]]
    extra: dict[str, list[tuple[str, str]]]


def _flat(groups: Iterable[list[tuple[str, str]]]) -> list[tuple[str, str]]:
    return [entry for group in groups for entry in group]


@dataclass(frozen=True)
class _Job:
    """The options of a build, the same for every agreement."""

    out: Path
    formats: tuple[str, ...]
    final: bool
    strict: bool
    zip_upload: bool
    when: datetime.datetime | None
    settings: incremental.Settings


@dataclass(frozen=True)
class _Outcome:
    """What building one agreement gave: its problems, and its files unless it failed."""

    ident: str
    problems: list[Diagnostic]
    files: dict[str, bytes] | None = None
    failure: str = ""


def _fatal(problems: Sequence[Diagnostic], strict: bool) -> bool:
    return any(p.severity is Severity.ERROR for p in problems) or (strict and bool(problems))


def _build_all(
    tasks: Sequence[_Task],
    job: _Job,
    workers: int,
    cpus: int,
    problems: list[Diagnostic],
    progress: Listener | None = None,
    *,
    blocked: bool = False,
) -> tuple[list[Path], set[str]]:
    """Build `tasks`, stage their files as they come, publish those that succeeded; return
    the folders published and the ids of the agreements that failed.

    When `blocked` (the output folder cannot be written), the tasks are only checked, for
    their problems, and InputError is raised.
    """
    staged: dict[str, Path] = {}
    failed: set[str] = set()
    existed = job.out.exists()
    # Steps travel through a queue when anything renders in worker processes: several
    # agreements at once, or one agreement's documents on the cores.
    context = multiprocessing.get_context("fork") if max(workers, cpus) >= 2 else None
    try:
        with reporting(progress, len(tasks), context) as finished:
            _collect(tasks, job, workers, cpus, problems, staged, failed, finished, blocked)
        if blocked:
            raise InputError(problems)
        with output_errors(job.out):
            published = publish(job.out, staged)
        if not published and not existed:
            with contextlib.suppress(OSError):
                job.out.rmdir()  # only if empty: the build made it and leaves nothing
        return published, failed
    except BaseException:
        for staging in staged.values():
            shutil.rmtree(staging, ignore_errors=True)
        if not existed:
            with contextlib.suppress(OSError):
                job.out.rmdir()  # only if empty: the build made it and leaves nothing
        raise


def _collect(
    tasks: Sequence[_Task],
    job: _Job,
    workers: int,
    cpus: int,
    problems: list[Diagnostic],
    staged: dict[str, Path],
    failed: set[str],
    finished: Callable[[str], None],
    blocked: bool,
) -> None:
    """Build `tasks` and stage each one's files in `staged` as it comes; note in `failed`
    the ids of those with errors."""
    outcomes = _outcomes(
        tasks, job, workers, document_workers=cpus if workers == 1 else 1, aborted=blocked
    )
    with contextlib.closing(outcomes):
        for outcome in outcomes:
            problems += outcome.problems
            if outcome.failure:
                raise RenderError(outcome.failure)
            if _fatal(outcome.problems, job.strict) or outcome.files is None:
                failed.add(outcome.ident)
            elif not _aborted():
                with output_errors(job.out):
                    staged[outcome.ident] = new_staging(job.out, outcome.ident)
                    fill(staged[outcome.ident], job.out / outcome.ident, outcome.files)
            finished(outcome.ident)


# -- one agreement --------------------------------------------------------------------------

# Set when nothing can be published (the output folder cannot be written): the agreements
# are then only checked, not rendered, so that the build still reports every problem.
# Inherited by the pool's forked workers.
_ABORT: Any = threading.Event()


def _aborted() -> bool:
    return bool(_ABORT.is_set())


def _build_one(task: _Task, job: _Job, workers: int = 1) -> _Outcome:
    """Read, check and render one agreement (in a worker process, or in the parent)."""
    import jinja2

    from agreementgen.checks.read import read_agreement

    item, problems = read_agreement(task.folder, final=job.final)
    if item is None or _fatal(problems, job.strict) or _aborted():
        return _Outcome(task.ident, problems)
    when = job.when or document_date(item.agreement)
    previous = incremental.Previous.read(job.out / task.ident)
    templates = incremental.templates_folder(item)
    extra = [incremental.relative_name(templates, item.folder)] if templates else []
    # The templates' digests too are taken before they are read.
    inputs = task.inputs + _flat(
        task.extra.get(name) or incremental.extra_inputs(item.folder, [name]) for name in extra
    )
    record = {
        "inputs": incremental.inputs_digest(job.settings, inputs),
        **job.settings.key(),
        "templates": extra,
        "tool": incremental.tool_digest(),
    }
    try:
        outputs = render_agreement(
            item,
            job.formats,
            final=job.final,
            when=when,
            previous=previous,
            workers=workers,
            warnings=problems,
        )
    except jinja2.TemplateError as exc:
        return _Outcome(task.ident, problems, failure=template_failure(exc, item.id))
    except InputError as exc:
        return _Outcome(task.ident, [*problems, *exc.diagnostics])
    except AgreementError as exc:
        return _Outcome(task.ident, problems, failure=exc.format_message())
    if job.final and (altered := fixed_text_problems(item, outputs)):
        return _Outcome(task.ident, [*problems, *altered])
    own = [p for p in problems if _concerns(p, item)]
    files = package(
        item,
        outputs,
        own,
        final=job.final,
        zip_upload=job.zip_upload,
        when=when,
        record=record,
    )
    return _Outcome(task.ident, problems, files)


def template_name(templates: Templates, name: str, folder: Path) -> str:
    """The template a file is rendered from, as the manifest names it: the built-in one by its
    name ('agreement.docx'), the agreement's own by its path from the agreement folder
    ('templates/agreement.docx'), so that a reader can tell which one made the file."""
    path = templates.path(name)
    return incremental.relative_name(path, folder) if templates.is_own(path) else name


def _concerns(diagnostic: Diagnostic, item: LoadedAgreement) -> bool:
    return incremental.within(diagnostic.path, item.folder) is not None


def render_agreement(
    item: LoadedAgreement,
    formats: Sequence[str],
    *,
    final: bool = False,
    when: datetime.datetime | None = None,
    previous: incremental.Previous | None = None,
    workers: int = 1,
    warnings: list[Diagnostic] | None = None,
) -> list[Output]:
    """Render every document of one agreement in the requested formats.

    With `previous`, a document whose inputs are those recorded there keeps the bytes of its
    files, and is neither laid out nor rendered. `when` is the documents' date (default: the
    agreement's). The documents are rendered on up to `workers` processes, each a whole
    document: its view, its Word file, its page and the PDF laid out from it. `warnings`
    gets the resources a page's templates asked the PDF to read and it may not (AG191); a
    kept PDF brings those its previous build reported.
    """
    from agreementgen.render.problems import REFUSED

    when = when or document_date(item.agreement)
    plans = [
        (
            plan.source,
            plan.depends_on,
            plan.digest,
            _kept(previous, plan.source, plan.digest, formats),
        )
        for plan in incremental.plans(item, final=final, when=when)
    ]
    missing = [source for source, _, _, kept in plans if kept is None]
    old = {
        source: {o.role: o for o in _kept(previous, source, digest, formats, partial=True) or []}
        for source, _, digest, kept in plans
        if kept is None
    }

    def render(source: str) -> _Rendered:
        return _render_document(item, source, formats, old[source], when)

    rendered = dict(zip(missing, fork_map(render, missing, workers=workers), strict=True))
    outputs: list[Output] = []
    pdfs: list[Output] = []  # a new PDF comes after every other file
    new_refused: list[Diagnostic] = []
    for source, depends_on, digest, kept in plans:

        def traced(output: Output) -> Output:
            return replace(output, origin=source, inputs=digest, depends_on=depends_on)  # noqa: B023

        if kept is not None:
            outputs += [traced(o) for o in kept]
            continue
        done = rendered[source]
        outputs += [traced(o) for o in done.files]
        pdfs += [traced(done.pdf)] if done.pdf is not None else []
        new_refused += done.refused
    refused: list[Diagnostic] = []
    # The PDFs kept are laid out from the same inputs: their warnings stand.
    if previous is not None and any(o.role == "pdf" for o in outputs):
        refused += [w for w in previous.warnings(item.folder) if w.code == REFUSED]
    refused += new_refused
    if warnings is not None:
        warnings += dict.fromkeys(refused)
    logger.info(
        "%s: %d documents rendered, %d kept", item.id, len(missing), len(plans) - len(missing)
    )
    return outputs + pdfs


@dataclass(frozen=True)
class _Rendered:
    """A document's files (new, or kept from the last build), its new PDF, and the resources
    that PDF was refused (AG191)."""

    files: list[Output]
    pdf: Output | None = None
    refused: list[Diagnostic] = field(default_factory=list)


def _render_document(
    item: LoadedAgreement,
    source: str,
    formats: Sequence[str],
    old: Mapping[str, Output],
    when: datetime.datetime,
) -> _Rendered:
    """Render the document of `source` in the formats `old` does not hold.

    A template's error becomes an AgreementError, which travels from a worker process as it
    is (jinja2's own errors do not survive being sent back).
    """
    import jinja2

    from agreementgen.render.html import lay_out
    from agreementgen.render.problems import refused_resources

    try:
        view = document_views(item, [source])[source]
        logger.info("%s: rendering %s", item.id, source)
        rendering(item.id, view.stem)
        files, pdf = _render_view(view, formats, old, when, item.folder)
        if pdf is None:
            return _Rendered(files)
        page = lay_out(pdf[1])
        document = view.document
        refused = refused_resources(page.refused, templates=document.templates, document=document)
        return _Rendered(files, replace(pdf[0], data=page.data), refused)
    except jinja2.TemplateError as exc:
        raise AgreementError(template_failure(exc, item.id)) from exc


def template_failure(exc: Exception, ident: str) -> str:
    """What a build says of a template that failed while rendering agreement `ident`."""
    where = f"{getattr(exc, 'name', None) or 'template'}:{getattr(exc, 'lineno', 0) or 0}"
    return f"{where}: {exc} (while rendering {ident})"


def _render_view(
    view: View,
    formats: Sequence[str],
    old: Mapping[str, Output],
    when: datetime.datetime,
    folder: Path,
) -> tuple[list[Output], tuple[Output, Page] | None]:
    """Render a document's view in the formats `old` does not hold; the PDF is left to lay out.

    Returns the files and, when a PDF is wanted, its output (without data) and its page.
    """
    agreement = view.stem == AGREEMENT.title
    stem = view.stem
    outputs: list[Output] = []
    pdf: tuple[Output, Page] | None = None

    def output(role: str, data: bytes, name: str) -> Output:
        template = template_name(view.document.templates, name, folder)
        return Output(f"{stem}.{role}", data, stem, view.sources, template, role=role)

    if "docx" in formats:
        template = AGREEMENT_DOCX if agreement else DOCUMENT_DOCX
        if "docx" in old:
            outputs.append(old["docx"])
        else:
            from agreementgen.render.word import render_docx

            outputs.append(output("docx", render_docx(view.document, when=when), template))
    if "html" in formats or "pdf" in formats:
        from agreementgen.render.html import render_page

        template = AGREEMENT_HTML if agreement else DOCUMENT_HTML
        page = render_page(view.document)
        if "html" in formats:
            outputs.append(old.get("html") or output("html", page.html.encode("utf-8"), template))
        if "pdf" in formats:
            if "pdf" in old:
                outputs.append(old["pdf"])
            else:
                pdf = (output("pdf", b"", template), page)
    # An extra file is its own document (Budget.xlsx, Organisationsdiagram.pdf).
    for name, data in view.extras.items():
        dated = with_core_dates(data, when) if name.endswith(".xlsx") else data
        outputs.append(
            Output(name, dated, name.rsplit(".", 1)[0], view.sources, "", view.summary, role=EXTRA)
        )
    return outputs, pdf


def _kept(
    previous: incremental.Previous | None,
    source: str,
    digest: str,
    formats: Sequence[str],
    *,
    partial: bool = False,
) -> list[Output] | None:
    """The files the previous build made from `source` with inputs `digest`, still intact.

    None unless every file wanted now is among them; with `partial`, whichever are.
    """
    record = previous.document(source, digest) if previous is not None else None
    if previous is None or record is None:
        return [] if partial else None
    main = record.get("files") or {}
    names = [(role, main.get(role)) for role in formats]
    names += [(EXTRA, name) for name in record.get("extras") or []]
    kept = []
    entries = previous.files
    for role, name in names:
        data = previous.data(name) if name else None
        if name is None or data is None:
            if partial:
                continue
            return None
        entry = entries[name]
        kept.append(
            Output(
                name,
                data,
                str(entry.get("document") or ""),
                tuple(entry.get("sources") or ()),
                str(entry.get("template") or ""),
                dict(entry.get("summary") or {}),
                role=role,
            )
        )
    return [o for o in kept if o.role != EXTRA] if partial else kept


# -- processes ----------------------------------------------------------------------------------


def _outcomes(
    tasks: Sequence[_Task], job: _Job, workers: int, *, document_workers: int, aborted: bool
) -> Generator[_Outcome, None, None]:
    """Build each task, in this process or on `workers` processes, yielding as they finish.

    Each worker builds whole agreements; a single agreement renders its documents on
    `document_workers` processes of its own instead, so that pools are never nested.
    """
    global _ABORT
    if workers < 2:
        _ABORT = threading.Event()
        if aborted:
            _ABORT.set()
        for task in tasks:
            yield _build_one(task, job, document_workers)
        return
    context = multiprocessing.get_context("fork")
    _ABORT = context.Event()
    if aborted:
        _ABORT.set()
    else:
        _preload(job.formats)
    with worker_pool(workers, context) as pool:
        # No list of the futures is kept: as_completed lets go of each one it has yielded,
        # and with it of that agreement's files (kept, 200 agreements held 700 MB).
        for future in as_completed([pool.submit(_build_one, task, job) for task in tasks]):
            yield future.result()


def _preload(formats: Sequence[str]) -> None:
    """Import what every worker needs before forking: the workers share one copy of it, and
    each starts at once instead of importing (every agreement has an organisation diagram,
    painted with Pillow, and its PDF with our own font subset)."""
    from PIL import ImageDraw  # noqa: F401

    from agreementgen.kinds import KINDS
    from agreementgen.views import orgchart, picture_pdf  # noqa: F401

    for kind in KINDS[1:]:
        importlib.import_module(kind.view)
    incremental.tool_digest()
    if "pdf" in formats:
        import weasyprint  # noqa: F401


__all__ = ["BuildResult", "build_agreements", "render_agreement"]
