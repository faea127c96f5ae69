"""What the preview shows: the agreement as last read, its documents rendered as the build does.

Each reading of the agreement folder gives a Snapshot: the diagnostics of the reading, and the
HTML of every document. A document is rendered again only when the digest of its inputs
changed (the build's own digests, `agreementgen.build.incremental`); its HTML is otherwise
taken from an in-memory cache keyed by that digest. A reading with errors renders nothing and
keeps the documents of the last reading without errors, so that the page can show the
mistake above the last good state of the document.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from agreementgen.build import incremental
from agreementgen.build.outputs import document_date
from agreementgen.checks.read import read_agreement
from agreementgen.errors import (
    AgreementError,
    Diagnostic,
    InputError,
    Severity,
    display_path,
    sort_diagnostics,
)
from agreementgen.files import source_date_epoch, with_core_dates
from agreementgen.language import ntr, tr
from agreementgen.render.html import render_html, render_pdf
from agreementgen.render.word import render_docx
from agreementgen.source.folder import LoadedAgreement
from agreementgen.views.document import View
from agreementgen.views.document_set import document_views

logger = logging.getLogger(__name__)

HTML, DOCX, PDF, EXTRA = "html", "docx", "pdf", "extra"
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".png": "image/png",
}


@dataclass(frozen=True)
class Rendered:
    """One document rendered: the file it is made from, its inputs' digest, view and HTML.

    `when` is the document date its Word and Excel files carry, as in the build.
    """

    source: str
    digest: str
    view: View
    html: str
    when: datetime.datetime

    @property
    def stem(self) -> str:
        """The document's name, as the build names its files ('Delaftale - Beskæftigelse')."""
        return self.view.stem

    def files(self) -> dict[str, str]:
        """The files the build writes for the document, by name, with their role."""
        files = {f"{self.stem}.{role}": role for role in (HTML, DOCX, PDF)}
        files.update(dict.fromkeys(self.view.extras, EXTRA))
        return files


@dataclass(frozen=True)
class Snapshot:
    """The preview's state after one reading of the agreement folder.

    `documents` are those of this reading, or of the last reading without errors when this
    one has errors (`stale`); `problems` the reading's diagnostics, errors and warnings, and
    those of a document that failed to render; `failures` internal errors, as text.
    """

    folder: Path
    version: int = 0
    title: str = ""
    documents: tuple[Rendered, ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    failures: tuple[str, ...] = ()
    templates: Path | None = None
    seconds: float = 0.0

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics that are errors."""
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The diagnostics that are warnings."""
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def stale(self) -> bool:
        """Whether the documents shown are not those of the files as they are now."""
        return bool(self.errors or self.failures)

    def files(self) -> dict[str, tuple[Rendered, str]]:
        """Every file the preview serves, by the name the build gives it, with its document
        and role."""
        return {name: (doc, role) for doc in self.documents for name, role in doc.files().items()}


class Preview:
    """The live preview of the agreement in `folder`: read it again with `refresh()`, take what
    to show from `snapshot`, and the bytes of a download from `download()`.

    Each function in `on_change` is called with each new snapshot (the event stream's
    publisher). Refreshes and downloads may run on any thread, one at a time.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.on_change: list[Callable[[Snapshot], None]] = []
        self._snapshot: Snapshot | None = None
        self._html: dict[str, Rendered] = {}  # by the digest of the document's inputs
        self._files: dict[tuple[str, str], bytes] = {}  # by that digest and the file's name
        self._lock = threading.RLock()

    @property
    def snapshot(self) -> Snapshot:
        """The state the pages show now (an empty one before the first refresh)."""
        return self._snapshot or Snapshot(self.folder, title=self.folder.resolve().name)

    def watch_paths(self) -> list[Path]:
        """The folders whose files the preview is made from: the agreement folder, and its own
        templates folder when it lies outside it, in the project (the working directory), as
        own templates must (AG181): a folder named elsewhere is refused, not watched."""
        paths = [self.folder]
        templates = self.snapshot.templates
        if templates is not None and templates.is_dir():
            here, own, found = Path.cwd().resolve(), self.folder.resolve(), templates.resolve()
            project = here if own.is_relative_to(here) else own
            if found.is_relative_to(project) and not found.is_relative_to(own):
                paths.append(templates)
        return paths

    def refresh(self) -> Snapshot:
        """Read the agreement folder again and render the documents whose inputs changed.

        Never raises for what is in the folder: a mistake in the YAML or a template is a
        diagnostic of the snapshot, and an error of agreementgen itself a failure.
        """
        with self._lock:
            started = time.perf_counter()
            before = self.snapshot
            try:
                snapshot = self._read(before)
            except Exception as exc:  # a bug in agreementgen: shown, logged, and served on
                logger.exception("internal error while reading %s", self.folder)
                failure = f"internal error: {type(exc).__name__}: {exc} (a bug in agreementgen)"
                snapshot = Snapshot(
                    self.folder,
                    title=before.title,
                    documents=before.documents,
                    failures=(failure,),
                    templates=before.templates,
                )
            seconds = time.perf_counter() - started
            snapshot = replace(snapshot, version=before.version + 1, seconds=seconds)
            self._snapshot = snapshot
            self._forget(snapshot)
            _log(before, snapshot)
            for listener in list(self.on_change):
                listener(snapshot)
        return snapshot

    def _read(self, before: Snapshot) -> Snapshot:
        item, problems = read_agreement(self.folder)
        templates = incremental.templates_folder(item) if item is not None else before.templates
        if item is None or any(p.severity is Severity.ERROR for p in problems):
            return Snapshot(
                self.folder,
                title=before.title,
                documents=before.documents,
                problems=tuple(sort_diagnostics(problems)),
                templates=templates,
            )
        documents, failed, failures = self._render(item, before)
        return Snapshot(
            self.folder,
            title=item.agreement.area_name,
            documents=documents,
            problems=tuple(sort_diagnostics([*problems, *failed])),
            failures=tuple(failures),
            templates=templates,
        )

    def _render(
        self, item: LoadedAgreement, before: Snapshot
    ) -> tuple[tuple[Rendered, ...], list[Diagnostic], list[str]]:
        """Render the documents of `item` whose digest is not in the cache, as the build's
        `render_agreement` plans them; a document that fails keeps its last rendering."""
        when = _document_time(item)
        plans = [(p.source, p.digest) for p in incremental.plans(item, final=False, when=when)]
        missing = [source for source, digest in plans if digest not in self._html]
        problems: list[Diagnostic] = []
        failures: list[str] = []
        if missing:
            views = document_views(item, missing)
            for source, digest in plans:
                if source not in missing:
                    continue
                try:
                    html = render_html(views[source].document)
                except InputError as exc:
                    problems += exc.diagnostics
                    continue
                except Exception as exc:
                    logger.exception("internal error while rendering %s", source)
                    failures.append(f"internal error while rendering {source}: {exc!r}")
                    continue
                self._html[digest] = Rendered(source, digest, views[source], html, when)
        earlier = {doc.source: doc for doc in before.documents}
        documents = []
        for source, digest in plans:
            found = self._html.get(digest) or earlier.get(source)
            if found is not None:
                documents.append(found)
        return tuple(documents), problems, failures

    def _forget(self, snapshot: Snapshot) -> None:
        """Drop what no document of `snapshot` shows any more."""
        kept = {doc.digest for doc in snapshot.documents}
        self._html = {digest: doc for digest, doc in self._html.items() if digest in kept}
        self._files = {key: data for key, data in self._files.items() if key[0] in kept}

    def download(self, name: str) -> tuple[bytes, str] | None:
        """The bytes and media type of file `name` of the current documents, rendered on demand
        with the build's functions and kept while its document is unchanged; None when no
        document has a file of that name.

        Raises:
            InputError: a template failed (for the Word file, say).
        """
        with self._lock:
            found = self.snapshot.files().get(name)
            if found is None:
                return None
            document, role = found
            key = (document.digest, name)
            if key not in self._files:
                started = time.perf_counter()
                self._files[key] = _file(document, name, role)
                logger.info("rendered %s (%.2f s)", name, time.perf_counter() - started)
            suffix = Path(name).suffix.lower()
            return self._files[key], MEDIA_TYPES.get(suffix, "application/octet-stream")


def _file(document: Rendered, name: str, role: str) -> bytes:
    if role == HTML:
        return document.html.encode("utf-8")
    if role == DOCX:
        return render_docx(document.view.document, when=document.when)
    if role == PDF:
        return render_pdf(document.html)
    data = document.view.extras[name]
    return with_core_dates(data, document.when) if name.endswith(".xlsx") else data


def _document_time(item: LoadedAgreement) -> datetime.datetime:
    """The documents' date, as the build takes it: SOURCE_DATE_EPOCH, else the agreement's."""
    try:
        epoch = source_date_epoch()
    except AgreementError:
        epoch = None  # `build` refuses it; the preview shows the documents anyway
    return epoch or document_date(item.agreement)


def changed_documents(before: Iterable[Rendered], after: Iterable[Rendered]) -> list[str]:
    """The names of the documents of `after` that are new or changed since `before`."""
    old = {doc.source: doc.digest for doc in before}
    return [doc.stem for doc in after if old.get(doc.source) != doc.digest]


def _log(before: Snapshot, after: Snapshot) -> None:
    """Say in the terminal what a refresh did: the documents it updated, or the errors."""
    for failure in after.failures:
        logger.error("%s", failure)
    if after.errors:
        count = len(after.errors)
        summary = ntr(
            "{folder}: {count} error; the pages show them (and the documents as they were)",
            "{folder}: {count} errors; the pages show them (and the documents as they were)",
            count,
        ).format(folder=display_path(after.folder), count=count)
        logger.warning("%s\n%s", summary, "\n".join(d.format() for d in after.errors))
    elif not after.failures:
        changed = changed_documents(before.documents, after.documents)
        if not before.documents:
            done = ntr("rendered {count} document", "rendered {count} documents", len(changed))
            done = done.format(count=len(changed))
        elif changed:
            done = tr("updated {documents}").format(documents=", ".join(changed))
        else:
            done = tr("no document changed")
        logger.info("%s: %s (%.2f s)", display_path(after.folder), done, after.seconds)
