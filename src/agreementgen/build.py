"""Build stage: read agreements, stop on errors, render what changed, swap finished output in.

A build of several agreements spreads them over a process pool: each worker reads, checks and
renders one agreement and hands back its files; the parent writes them into a staging folder
beside each agreement's output folder and swaps the folders into place only once every
agreement succeeded, so a build publishes all of its agreements or none. An agreement whose
inputs are unchanged since its last build is skipped before it is parsed, and a document whose
inputs are unchanged keeps its bytes (agreementgen.incremental). A killed build leaves no
staging folder behind, or the next build removes it.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import importlib
import io
import json
import logging
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Collection, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from types import FrameType
from typing import TYPE_CHECKING, Any

from agreementgen import __version__, incremental
from agreementgen.errors import (
    AgreementError,
    Diagnostic,
    InputError,
    RenderError,
    Severity,
    display_path,
)
from agreementgen.output import source_date_epoch, stable_zip, with_core_dates

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from agreementgen.document import View
    from agreementgen.folder import LoadedAgreement
    from agreementgen.model import Agreement
    from agreementgen.templating import Templates

logger = logging.getLogger(__name__)

FORMATS = ("docx", "html", "pdf")
AGREEMENT_NAME = "Strategisk samarbejdsaftale"
ORG_CHART = "Organisationsdiagram"
MANIFEST = incremental.MANIFEST
CHECKLIST = "Upload-tjekliste"
UPLOAD_ZIP = "LBF-upload.zip"
UPLOAD_SUFFIXES = (".docx", ".xlsx", ".pdf", ".png")
EXTRA = "extra"  # the role of a file made with a document (Budget.xlsx, Organisationsdiagram.png)
# A staging or retired folder beside the output: '.<id>.staging-<pid>-<random>'.
_LEFTOVER = re.compile(r"^\.(?P<ident>.+)\.(?P<kind>staging|old)-(?:(?P<pid>\d+)-)?[a-z0-9_]+$")


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, what it left as it was, and what it warned about."""

    folders: list[Path]
    warnings: list[Diagnostic]
    unchanged: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Output:
    """One file of an agreement's output and what it was made from.

    `origin` is the YAML file of the document it belongs to, `role` its format ('docx',
    'html', 'pdf') or 'extra', `inputs` the digest of everything it was made from and
    `depends_on` the files of the agreement folder among those.
    """

    name: str
    data: bytes
    document: str
    sources: tuple[str, ...]
    template: str
    summary: dict[str, object] = field(default_factory=dict)
    origin: str = ""
    role: str = ""
    inputs: str = ""
    depends_on: tuple[str, ...] = ()


def build_agreements(
    paths: Sequence[Path],
    *,
    out: Path,
    formats: Sequence[str] = FORMATS,
    strict: bool = False,
    final: bool = False,
    zip_upload: bool = False,
    jobs: int | None = None,
) -> BuildResult:
    """Build every agreement the paths name into `out/<agreement-id>/`.

    Nothing is written unless every agreement is valid and rendered: the agreements that
    succeeded are not published either when another failed. An agreement whose inputs and
    options are those of its last build is left as it is. `jobs` caps the processes that
    render (default: one per core).

    Raises:
        InputError: an agreement has errors (or warnings, with `strict`).
        RenderError: a template could not be rendered.
        AgreementError: SOURCE_DATE_EPOCH is not a number.
    """
    from agreementgen.project import find_agreements

    when = source_date_epoch()
    settings = incremental.Settings(
        tuple(formats), final, zip_upload, os.environ.get("SOURCE_DATE_EPOCH") or None
    )
    folders, problems = find_agreements(paths)
    with _signals_as_interrupts():
        _recover(out)
        tasks: list[_Task] = []
        unchanged: list[Path] = []
        for folder in folders:
            ident = folder.resolve().name
            previous = incremental.Previous.read(out / ident)
            # Taken before the files are read: a file changed meanwhile is built again next time.
            own = incremental.folder_inputs(folder)
            extra = {
                name: incremental.extra_inputs(folder, [name])
                for name in (previous.extra_inputs(folder) if previous else [])
            }
            digest = incremental.inputs_digest(settings, [*own, *_flat(extra.values())])
            if previous is not None and previous.up_to_date(digest):
                unchanged.append(out / ident)
                problems += previous.warnings(folder)
            else:
                tasks.append(_Task(folder, ident, own, extra))
        job = _Job(out, tuple(formats), final, strict, zip_upload, when, settings)
        workers = max(1, min(jobs or _cpus(), len(tasks)))
        built = _build_all(tasks, job, workers, jobs or _cpus(), problems)
    order = {f.resolve().name: i for i, f in enumerate(folders)}
    built.sort(key=lambda path: order.get(path.name, 0))
    return BuildResult(built, problems, unchanged)


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


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _build_all(
    tasks: Sequence[_Task], job: _Job, workers: int, cpus: int, problems: list[Diagnostic]
) -> list[Path]:
    """Build `tasks`, stage their files as they come, publish all of them or none.

    When `problems` already holds an error, the tasks are only checked, for their problems.
    """
    staged: dict[str, Path] = {}
    existed = job.out.exists()
    try:
        outcomes = _outcomes(
            tasks,
            job,
            workers,
            pdf_workers=cpus if workers == 1 else 1,
            aborted=_fatal(problems, job.strict),
        )
        with contextlib.closing(outcomes):
            for outcome in outcomes:
                problems += outcome.problems
                if outcome.failure:
                    raise RenderError(outcome.failure)
                if _fatal(outcome.problems, job.strict):
                    _abort()
                elif outcome.files is not None and not _aborted():
                    if outcome.ident in staged:  # two folders of one name: the last one wins
                        shutil.rmtree(staged.pop(outcome.ident), ignore_errors=True)
                    staged[outcome.ident] = _new_staging(job.out, outcome.ident)
                    _fill(staged[outcome.ident], job.out / outcome.ident, outcome.files)
        if _fatal(problems, job.strict):
            raise InputError(problems)
        return _publish(job.out, staged)
    except BaseException:
        for staging in staged.values():
            shutil.rmtree(staging, ignore_errors=True)
        if not existed:
            with contextlib.suppress(OSError):
                job.out.rmdir()  # only if empty: the build made it and leaves nothing
        raise


# -- one agreement --------------------------------------------------------------------------

# Set when an agreement failed: the others are then only checked, not rendered, so that the
# build still reports every problem. Inherited by the pool's forked workers.
_ABORT: Any = threading.Event()


def _abort() -> None:
    _ABORT.set()


def _aborted() -> bool:
    return bool(_ABORT.is_set())


def _build_one(task: _Task, job: _Job, pdf_workers: int = 1) -> _Outcome:
    """Read, check and render one agreement (in a worker process, or in the parent)."""
    import jinja2

    from agreementgen.project import read_agreement

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
            pdf_workers=pdf_workers,
        )
    except jinja2.TemplateError as exc:
        where = f"{getattr(exc, 'name', None) or 'template'}:{getattr(exc, 'lineno', 0) or 0}"
        return _Outcome(task.ident, problems, failure=f"{where}: {exc} (while rendering {item.id})")
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


def document_date(agreement: Agreement) -> datetime.datetime:
    """The agreement's own date: its last signature, or the start of its period if unsigned.

    Documents carry it as their date unless SOURCE_DATE_EPOCH is set; never the build's time.
    """
    signed = [p.signatory.date for p in agreement.parties if p.signatory.date is not None]
    day = max(signed) if signed else agreement.period.start
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def template_name(templates: Templates, name: str, folder: Path) -> str:
    """The template a file is rendered from, as the manifest names it: the built-in one by its
    name ('agreement.docx'), the agreement's own by its path from the agreement folder
    ('templates/agreement.docx'), so that a reader can tell which one made the file."""
    path = templates.path(name)
    return incremental.relative_name(path, folder) if templates.is_own(path) else name


def fixed_text_problems(item: LoadedAgreement, outputs: Sequence[Output]) -> list[Diagnostic]:
    """Check that LBF's fixed paragraphs stand unchanged in the rendered agreement (rule 34).

    They come from the template pack, so only a template that drops or edits them can break
    this; a final build must not upload an agreement whose fixed text differs.
    """
    from agreementgen.markdown import Paragraph, parse_markdown, plain_text

    pack = item.pack
    fixed = [pack.documents.text, *pack.fixed.values()]
    paragraphs = [
        plain_text(block.spans)
        for text in fixed
        for block in parse_markdown(text)
        if isinstance(block, Paragraph)
    ]
    problems = []
    for output in outputs:
        if output.document != AGREEMENT_NAME or not output.name.endswith((".docx", ".html")):
            continue
        text = _plain(output)
        missing = [p for p in paragraphs if " ".join(p.split()) not in text]
        shown = _culprit(item, output.template)
        problems += [
            Diagnostic(
                shown,
                0,
                0,
                "AG271",
                f"{output.name} lacks LBF's fixed text, or has it changed: {paragraph[:60]!r}",
                hint=f"the template must keep the fixed paragraphs of {pack.id.value}",
            )
            for paragraph in missing
        ]
    return problems


def _culprit(item: LoadedAgreement, template: str) -> str:
    """Where to look when a rendered file lacks the fixed text: the agreement's own main
    template when it has one, else its templates folder (one of its partials, such as
    _blocks.html.j2, is then to blame); the built-in template only when it has none."""
    folder = incremental.templates_folder(item)
    if folder is None:
        return template
    own = folder / PurePosixPath(template).name
    return display_path(own if own.is_file() else folder)


def _plain(output: Output) -> str:
    """The text of a rendered DOCX or HTML file, with white space folded."""
    if output.name.endswith(".docx"):
        from docx import Document as open_docx

        document = open_docx(io.BytesIO(output.data))
        text = " ".join(p.text for p in document.paragraphs)
    else:
        import html

        text = html.unescape(re.sub(r"<[^>]+>", " ", output.data.decode("utf-8")))
    return " ".join(text.replace("\u00a0", " ").split())


def _concerns(diagnostic: Diagnostic, item: LoadedAgreement) -> bool:
    return incremental.within(diagnostic.path, item.folder) is not None


def render_agreement(
    item: LoadedAgreement,
    formats: Sequence[str],
    *,
    final: bool = False,
    when: datetime.datetime | None = None,
    previous: incremental.Previous | None = None,
    pdf_workers: int = 1,
) -> list[Output]:
    """Render every document of one agreement in the requested formats.

    With `previous`, a document whose inputs are those recorded there keeps the bytes of its
    files, and is neither laid out nor rendered. `when` is the documents' date (default: the
    agreement's); `pdf_workers` the processes that may lay out PDFs.
    """
    when = when or document_date(item.agreement)
    salt = {"tool": incremental.tool_digest(), "final": final, "date": when.isoformat()}
    plans = []
    for source in [item.source.name, *(d.name for d in item.documents)]:
        depends_on = tuple(incremental.dependencies(item, source))
        digest = incremental.document_digest(item, depends_on, salt)
        kept = _kept(previous, source, digest, formats)
        plans.append((source, depends_on, digest, kept))
    missing = [source for source, _, _, kept in plans if kept is None]
    views = document_views(item, missing) if missing else {}
    outputs: list[Output] = []
    pending_pdfs: list[tuple[Output, str]] = []
    for source, depends_on, digest, kept in plans:

        def traced(output: Output) -> Output:
            return replace(output, origin=source, inputs=digest, depends_on=depends_on)  # noqa: B023

        if kept is not None:
            outputs += [traced(o) for o in kept]
            continue
        logger.info("%s: rendering %s", item.id, source)
        old = {o.role: o for o in _kept(previous, source, digest, formats, partial=True) or []}
        new, pdf = _render_view(views[source], formats, old, when, item.folder)
        outputs += [traced(o) for o in new]
        if pdf is not None:
            pending_pdfs.append((traced(pdf[0]), pdf[1]))
    pdfs = render_pdfs([html for _, html in pending_pdfs], workers=pdf_workers)
    for (output, _), data in zip(pending_pdfs, pdfs, strict=True):
        outputs.append(replace(output, data=data))
    logger.info(
        "%s: %d documents rendered, %d kept", item.id, len(missing), len(plans) - len(missing)
    )
    return outputs


def _render_view(
    view: View,
    formats: Sequence[str],
    old: Mapping[str, Output],
    when: datetime.datetime,
    folder: Path,
) -> tuple[list[Output], tuple[Output, str] | None]:
    """Render a document's view in the formats `old` does not hold; the PDF is left to lay out.

    Returns the files and, when a PDF is wanted, its output (without data) and its HTML.
    """
    agreement = view.stem == AGREEMENT_NAME
    stem = view.stem
    outputs: list[Output] = []
    pdf: tuple[Output, str] | None = None

    def output(role: str, data: bytes, name: str) -> Output:
        template = template_name(view.document.templates, name, folder)
        return Output(f"{stem}.{role}", data, stem, view.sources, template, role=role)

    if "docx" in formats:
        template = "agreement.docx" if agreement else "document.docx"
        if "docx" in old:
            outputs.append(old["docx"])
        else:
            from agreementgen.render_docx import render_docx

            outputs.append(output("docx", render_docx(view.document, when=when), template))
    if "html" in formats or "pdf" in formats:
        from agreementgen.render_html import render_html

        template = "agreement.html.j2" if agreement else "document.html.j2"
        html = render_html(view.document)
        if "html" in formats:
            outputs.append(old.get("html") or output("html", html.encode("utf-8"), template))
        if "pdf" in formats:
            if "pdf" in old:
                outputs.append(old["pdf"])
            else:
                pdf = (output("pdf", b"", template), html)
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


def document_views(item: LoadedAgreement, names: Collection[str] | None = None) -> dict[str, View]:
    """Return the view of each document of an agreement by its file inside the folder.

    `names` limits it to those files. The agreement's view carries the organisation diagram
    as extra files: LBF wants it on its own, whether section 3 shows it or not.
    """
    from agreementgen.document import View, build_document, figure_files

    views: dict[str, View] = {}
    if names is None or item.source.name in names:
        document = build_document(item)
        chart = item.org_chart
        sources = (item.source.name, *figure_files(document, item.folder))
        extras = {f"{ORG_CHART}.pdf": chart.pdf, f"{ORG_CHART}.png": chart.png}
        views[item.source.name] = View(AGREEMENT_NAME, document, sources, extras)
    for loaded_document in item.documents:
        if names is None or loaded_document.name in names:
            module = importlib.import_module(loaded_document.kind.view)
            view: View = module.view(loaded_document, item)
            views[loaded_document.name] = view
    return views


def render_pdfs(htmls: Sequence[str], *, workers: int = 1) -> list[bytes]:
    """Lay out HTML pages as PDFs, on up to `workers` processes when there are several."""
    from agreementgen.render_html import render_pdf

    workers = min(workers, len(htmls))
    if workers < 2:
        return [render_pdf(html) for html in htmls]
    # Fork: the workers inherit the loaded modules instead of importing WeasyPrint again.
    with _pool(workers, multiprocessing.get_context("fork")) as pool:
        return list(pool.map(render_pdf, htmls))


# -- processes ----------------------------------------------------------------------------------


def _outcomes(
    tasks: Sequence[_Task], job: _Job, workers: int, *, pdf_workers: int, aborted: bool
) -> Generator[_Outcome, None, None]:
    """Build each task, in this process or on `workers` processes, yielding as they finish.

    Each worker builds whole agreements; a single agreement lays out its PDFs on a pool of
    its own instead, so that pools are never nested.
    """
    global _ABORT
    if workers < 2:
        _ABORT = threading.Event()
        if aborted:
            _ABORT.set()
        for task in tasks:
            yield _build_one(task, job, pdf_workers)
        return
    context = multiprocessing.get_context("fork")
    _ABORT = context.Event()
    if aborted:
        _ABORT.set()
    else:
        _preload(job.formats)
    with _pool(workers, context) as pool:
        futures = [pool.submit(_build_one, task, job) for task in tasks]
        for future in as_completed(futures):
            yield future.result()


def _preload(formats: Sequence[str]) -> None:
    """Import what every worker needs before forking: the workers share one copy of it, and
    each starts at once instead of importing (matplotlib draws the organisation diagram of
    every agreement)."""
    from matplotlib.backends import backend_agg  # noqa: F401

    from agreementgen import orgchart, project, render_docx, render_html  # noqa: F401
    from agreementgen.kinds import KINDS

    for kind in KINDS[1:]:
        importlib.import_module(kind.view)
    incremental.tool_digest()
    if "pdf" in formats:
        import weasyprint  # noqa: F401


@contextlib.contextmanager
def _pool(workers: int, context: BaseContext) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers are stopped at once when the build is interrupted."""
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init)
    try:
        yield pool
    except BaseException:
        # Interrupted or failed: stop the workers now rather than after their current task.
        for child in set(multiprocessing.active_children()) - before:
            child.terminate()
        _end_of_results(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()


def _end_of_results(pool: ProcessPoolExecutor) -> None:
    """Let the pool see that its stopped workers send nothing more.

    A worker stopped while it sent its result (megabytes of files) leaves half a message in
    the pipe, and the pool's manager thread would wait for the rest for ever, and the build
    with it: this process's own copy of the pipe's writing end keeps the pipe open. Closing
    that copy turns the wait into an end of file, which the pool takes for a broken pool.
    The attributes are CPython's ProcessPoolExecutor's (3.9 to 3.14).
    """
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()


def _worker_init() -> None:
    """Leave Ctrl-C and SIGTERM to the parent, which stops the workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def _signals_as_interrupts() -> Iterator[None]:
    """Treat SIGTERM as Ctrl-C while building, so that a killed build cleans up after itself."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back until the block is done (the swap of the folders)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


# -- the output folder ------------------------------------------------------------------------


def package(
    item: LoadedAgreement,
    outputs: Sequence[Output],
    problems: Sequence[Diagnostic],
    *,
    final: bool,
    zip_upload: bool,
    when: datetime.datetime | None = None,
    record: Mapping[str, object] | None = None,
) -> dict[str, bytes]:
    """Add the manifest, the checklist and (with `zip_upload`) the upload archive.

    `problems` are the agreement's warnings; the checklist and the manifest give their paths
    inside the agreement folder, so that the files do not depend on where the build ran.
    """
    from agreementgen import checklist
    from agreementgen.render_html import render_checklist

    files = {o.name: o.data for o in outputs}
    entries = checklist.entries(item, sorted(files))
    local = [_local(p, item.folder).format() for p in problems]
    text = checklist.markdown(item, entries, local)
    files[f"{CHECKLIST}.md"] = text.encode("utf-8")
    files[f"{CHECKLIST}.html"] = render_checklist(text).encode("utf-8")
    if zip_upload:
        upload = sorted((n, d) for n, d in files.items() if n.endswith(UPLOAD_SUFFIXES))
        files[UPLOAD_ZIP] = stable_zip(upload)
    when = when or document_date(item.agreement)
    files[MANIFEST] = _manifest(item, outputs, files, problems, final, when, record or {})
    return files


def _local(diagnostic: Diagnostic, folder: Path) -> Diagnostic:
    """The diagnostic with its paths relative to the agreement folder."""
    notes = tuple(replace(n, path=incremental.inside(n.path, folder)) for n in diagnostic.notes)
    return replace(diagnostic, path=incremental.inside(diagnostic.path, folder), notes=notes)


def _manifest(
    item: LoadedAgreement,
    outputs: Sequence[Output],
    files: dict[str, bytes],
    problems: Sequence[Diagnostic],
    final: bool,
    when: datetime.datetime,
    record: Mapping[str, object],
) -> bytes:
    described = {o.name: o for o in outputs}
    entries = []
    for name in sorted(files):
        output = described.get(name)
        entries.append(
            {
                "name": name,
                "sha256": hashlib.sha256(files[name]).hexdigest(),
                "bytes": len(files[name]),
                "document": output.document if output else None,
                "sources": list(output.sources) if output else [],
                "template": (output.template or None) if output else None,
                "inputs": (output.inputs or None) if output else None,
            }
        )
        if output and output.summary:
            entries[-1]["summary"] = output.summary
    documents: dict[str, dict[str, Any]] = {}
    for output in outputs:
        document = documents.setdefault(
            output.origin,
            {
                "source": output.origin,
                "inputs": output.inputs,
                "depends_on": list(output.depends_on),
                "files": {},
                "extras": [],
            },
        )
        if output.role == EXTRA:
            document["extras"].append(output.name)
        else:
            document["files"][output.role] = output.name
    manifest = {
        "agreement": item.id,
        "area_name": item.agreement.area_name,
        "template_pack": item.pack.id.value,
        "tool": f"agreementgen {__version__}",
        "final": final,
        "document_date": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "files": entries,
        "documents": list(documents.values()),
        "build": dict(record),
        "warnings": [incremental.diagnostic_to_data(p, item.folder) for p in problems],
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _new_staging(out: Path, ident: str) -> Path:
    """Make an empty staging folder beside `out/ident`, named after this process."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{ident}.staging-{os.getpid()}-", dir=out))
    staging.chmod(0o755)  # mkdtemp makes it private; the output is for everyone to read
    return staging


def _fill(staging: Path, target: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` into `staging`; a file equal to the one in `target` is linked, not written,
    so an unchanged file keeps its inode and modification time across builds."""
    for name, data in sorted(files.items()):
        if Path(name).name != name or name.startswith("."):
            raise ValueError(f"output file name {name!r} is not a plain file name")
        old = target / name
        if _same(old, data):
            try:
                (staging / name).hardlink_to(old)
                continue
            except OSError:  # a file system without hard links
                pass
        (staging / name).write_bytes(data)


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _publish(out: Path, staged: Mapping[str, Path]) -> list[Path]:
    """Swap every staging folder into place, with Ctrl-C and SIGTERM held back meanwhile."""
    retired = []
    with _signals_deferred():
        for ident, staging in staged.items():
            target = out / ident
            if target.exists():
                # Two renames keep a complete folder at `target` at every moment but a short
                # one; a build killed between them is repaired by the next (_recover).
                old = Path(tempfile.mkdtemp(prefix=f".{ident}.old-{os.getpid()}-", dir=out))
                old.rmdir()
                target.rename(old)
                retired.append(old)
            staging.rename(target)
    for old in retired:
        shutil.rmtree(old, ignore_errors=True)
    return [out / ident for ident in staged]


def _recover(out: Path) -> None:
    """Remove the staging folders of builds that died, and put back an output folder that a
    build killed between its two renames left retired."""
    if not out.is_dir():
        return
    for path in sorted(out.iterdir()):
        found = _LEFTOVER.match(path.name)
        if found is None or not path.is_dir() or _alive(found["pid"]):
            continue
        target = out / found["ident"]
        if found["kind"] == "old" and not target.exists():
            logger.warning("restoring %s from an interrupted build", display_path(target))
            path.rename(target)
        else:
            logger.info("removing %s, left by an interrupted build", display_path(path))
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: str | None) -> bool:
    """Whether the process that made a leftover folder still runs (it may still be building)."""
    if pid is None or sys.platform == "win32":
        return pid is not None
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


__all__ = [
    "AGREEMENT_NAME",
    "BuildResult",
    "Output",
    "build_agreements",
    "document_date",
    "document_views",
    "fixed_text_problems",
    "package",
    "render_agreement",
    "render_pdfs",
]
