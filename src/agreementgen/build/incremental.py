"""Build stage, incremental half: what each output was made from, as content digests.

A build records in manifest.json the digest of the inputs of every document (its YAML, the
documents it reads, its pictures, the templates, agreementgen's own code and the options) and of
the agreement folder as a whole. The next build compares: an agreement whose folder digest is
unchanged is skipped before anything is parsed, and in a changed agreement only the documents
whose inputs changed are rendered again. Digests are of content, never of times, so a checkout,
a copy or a touch changes nothing.

This module is on the path of a build that has nothing to do, so it imports nothing heavy.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from agreementgen import __version__
from agreementgen.errors import Diagnostic, Note, Severity, display_path
from agreementgen.source.confine import is_confined
from agreementgen.source.names import AGREEMENT_FILE

if TYPE_CHECKING:
    from agreementgen.source.folder import LoadedAgreement

MANIFEST = "manifest.json"
# The libraries whose versions change the bytes of the output.
RENDERING_LIBRARIES = (
    "babel",
    "docxtpl",
    "font-source-sans-pro",
    "fonttools",
    "jinja2",
    "lxml",
    "markdown-it-py",
    "openpyxl",
    "pillow",
    "pydyf",
    "pyphen",
    "python-docx",
    "weasyprint",
)


@dataclass(frozen=True)
class Settings:
    """The options of a build that change what it writes."""

    formats: tuple[str, ...]
    final: bool
    zip_upload: bool
    epoch: str | None  # SOURCE_DATE_EPOCH as given, None when unset

    def key(self) -> dict[str, object]:
        """Return the settings as data for a digest and the manifest."""
        return {
            "formats": sorted(self.formats),
            "final": self.final,
            "zip": self.zip_upload,
            "source_date_epoch": self.epoch,
        }


def _digest(data: object) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_hash(path: Path) -> str:
    """Return the sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(root: Path) -> Iterator[Path]:
    """Every file below `root`, in sorted order; byte-compiled files are not sources."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


@functools.cache
def tool_digest() -> str:
    """Digest of agreementgen itself: its version, its code and built-in templates, its libraries.

    Any edit to agreementgen's source, a template pack or a built-in template changes it, so
    a development checkout never reuses a file an older state of the code rendered.
    """
    from importlib import metadata

    # The whole package: code, packs and built-in templates are all package data.
    package = Path(__file__).resolve().parents[1]
    parts: list[object] = [__version__]
    parts += [(path.relative_to(package).as_posix(), file_hash(path)) for path in _files(package)]
    for name in RENDERING_LIBRARIES:
        try:
            parts.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            parts.append((name, None))
    return _digest(parts)


def relative_name(path: Path, folder: Path) -> str:
    """Return `path` as written inside the agreement folder ('files/kort.png', '../t/x.docx')."""
    return PurePosixPath(Path(os.path.relpath(path.resolve(), folder.resolve()))).as_posix()


def folder_inputs(folder: Path, extra: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Return (name, sha256) of every file of the agreement folder and of `extra` folders.

    `extra` names folders by their path from the agreement folder (its own templates); one
    inside the agreement folder is already counted.
    """
    # A link that leads out of the folder is not read: loading refuses it where it is used.
    found = [
        (relative_name(p, folder), file_hash(p)) for p in _files(folder) if is_confined(p, folder)
    ]
    return sorted(found + extra_inputs(folder, extra))


def extra_inputs(folder: Path, extra: Iterable[str]) -> list[tuple[str, str]]:
    """Return (name, sha256) of the files of the `extra` folders outside the agreement folder."""
    found: list[tuple[str, str]] = []
    for name in extra:
        root = (folder / name).resolve()
        if not root.is_dir():
            found.append((name, "missing"))
        elif not root.is_relative_to(folder.resolve()):
            found += [(relative_name(p, folder), file_hash(p)) for p in _files(root)]
    return found


def inputs_digest(settings: Settings, inputs: Iterable[tuple[str, str]]) -> str:
    """Digest of everything an agreement's output is made from: the tool, the options, the files."""
    return _digest({"tool": tool_digest(), "settings": settings.key(), "inputs": sorted(inputs)})


# -- what one document depends on ------------------------------------------------------------


def templates_folder(item: LoadedAgreement) -> Path | None:
    """The agreement's own templates folder (`templates` in agreement.yaml), if it has one."""
    value = getattr(item.agreement, "templates", None)
    return None if value in (None, "") else item.folder / str(value)


def dependencies(item: LoadedAgreement, source: str) -> list[str]:
    """Return the files of the agreement folder that the document made from `source` reads.

    The agreement reads agreement.yaml and its pictures (the organisation diagram is drawn
    from agreement.yaml). Every other document reads its own YAML, agreement.yaml (parties,
    period, board), the documents of the kinds its kind declares it reads (`Kind.reads`),
    and the pictures its YAML shows.
    """
    sources = item.sources
    names = {source, AGREEMENT_FILE}
    kinds = {document.name: document.kind for document in item.documents}
    if source in kinds:
        reads = kinds[source].reads
        names.update(name for name, kind in kinds.items() if kind.key in reads)
    if source in sources:
        names.update(pictures(sources[source].data, item.folder))
    return sorted(names)


def pictures(data: Any, folder: Path) -> set[str]:
    """Return the picture files a document's data shows (`figure: {image: ...}`)."""
    found: set[str] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            figure = node.get("figure")
            if isinstance(figure, Mapping) and isinstance(figure.get("image"), str):
                found.add(relative_name(folder / figure["image"], folder))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


@dataclass(frozen=True)
class Plan:
    """One document of an agreement to render: its YAML, the files it reads, their digest."""

    source: str
    depends_on: tuple[str, ...]
    digest: str


def plans(item: LoadedAgreement, *, final: bool, when: datetime.datetime) -> list[Plan]:
    """Every document of `item` (the agreement first) with the digest of what it is made of:
    the files it reads, the tool, whether it is final, and its date. Two renderings with the
    same digest are the same, so the build and the preview keep one by it."""
    salt = {"tool": tool_digest(), "final": final, "date": when.isoformat()}
    found = []
    for source in [item.source.name, *(d.name for d in item.documents)]:
        depends_on = tuple(dependencies(item, source))
        found.append(Plan(source, depends_on, document_digest(item, depends_on, salt)))
    return found


def document_digest(item: LoadedAgreement, names: Sequence[str], salt: Mapping[str, object]) -> str:
    """Digest of a document's inputs: the files `names`, the templates and `salt` (the tool,
    the options, the document date)."""
    sources = item.sources
    inputs: list[tuple[str, ...]] = []
    for name in names:
        if name in sources:
            content = hashlib.sha256(sources[name].text.encode("utf-8")).hexdigest()
        else:
            path = item.folder / name
            content = file_hash(path) if path.is_file() else "missing"
        inputs.append((name, content))
    templates = templates_folder(item)
    if templates is not None:
        inputs += [("templates", *entry) for entry in folder_inputs(templates)]
    return _digest({"inputs": inputs, **salt})


# -- the previous build -------------------------------------------------------------------------


@dataclass(frozen=True)
class Previous:
    """The manifest of an agreement's previous build and the folder it describes."""

    folder: Path
    manifest: dict[str, Any]

    @classmethod
    def read(cls, folder: Path) -> Previous | None:
        """Read `folder`/manifest.json; None when there is none or it is not agreementgen's."""
        try:
            manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
            return None
        return cls(folder, manifest)

    @property
    def build(self) -> dict[str, Any]:
        """The manifest's record of the build as a whole."""
        build = self.manifest.get("build")
        return build if isinstance(build, dict) else {}

    def extra_inputs(self, folder: Path) -> list[str]:
        """Folders outside agreement folder `folder` that the build read (its own templates).

        Only folders in the working directory count: the manifest is not trusted to send the
        next build hashing the whole disk.
        """
        names = [str(name) for name in self.build.get("templates") or []]
        here, own = Path.cwd().resolve(), folder.resolve()
        project = here if own.is_relative_to(here) else own
        return [
            name
            for name in names
            if not Path(name).is_absolute() and (folder / name).resolve().is_relative_to(project)
        ]

    @functools.cached_property
    def files(self) -> dict[str, dict[str, Any]]:
        """The manifest's entries by file name."""
        return {str(f.get("name")): f for f in self.manifest["files"] if isinstance(f, dict)}

    def up_to_date(self, digest: str) -> bool:
        """Whether the build was made from inputs with `digest` and its files are all there."""
        if self.build.get("inputs") != digest:
            return False
        files = self.files
        try:
            present = {
                p.name: p.stat().st_size for p in self.folder.iterdir() if p.name != MANIFEST
            }
        except OSError:
            return False
        expected = {name: entry.get("bytes") for name, entry in files.items()}
        return present == expected

    def document(self, source: str, digest: str) -> dict[str, Any] | None:
        """The record of the document made from `source`, if it was made from `digest`."""
        for record in self.manifest.get("documents") or []:
            if isinstance(record, dict) and record.get("source") == source:
                return record if record.get("inputs") == digest else None
        return None

    def data(self, name: str) -> bytes | None:
        """The bytes of file `name`, if they are still what the manifest says."""
        entry = self.files.get(name)
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        if entry is None or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            return None
        return data

    def warnings(self, folder: Path) -> list[Diagnostic]:
        """The warnings the build reported, with paths as the current directory shows them."""
        return [diagnostic_from_data(d, folder) for d in self.manifest.get("warnings") or []]


# -- warnings in the manifest ---------------------------------------------------------------


def within(path: str, folder: Path) -> str | None:
    """Return a diagnostic's path relative to the agreement folder, None outside it."""
    try:
        return Path(path).resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return None


def inside(path: str, folder: Path) -> str:
    """Return a diagnostic's path relative to the agreement folder, or absolute outside it."""
    found = within(path, folder)
    return found if found is not None else str(Path(path).resolve())


def diagnostic_to_data(diagnostic: Diagnostic, folder: Path) -> dict[str, object]:
    """Return a diagnostic as manifest data, its paths relative to the agreement folder."""
    return {
        "path": inside(diagnostic.path, folder),
        "line": diagnostic.line,
        "col": diagnostic.col,
        "severity": diagnostic.severity.value,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "notes": [
            {"path": inside(n.path, folder), "line": n.line, "col": n.col, "message": n.message}
            for n in diagnostic.notes
        ],
    }


def diagnostic_from_data(data: Mapping[str, Any], folder: Path) -> Diagnostic:
    """Turn manifest data back into a diagnostic (the inverse of `diagnostic_to_data`)."""

    def outside(path: str) -> str:
        if Path(path).is_absolute():
            return display_path(Path(path))
        return f"{display_path(folder)}/{path}"

    return Diagnostic(
        outside(str(data["path"])),
        int(data["line"]),
        int(data["col"]),
        str(data["code"]),
        str(data["message"]),
        Severity(data["severity"]),
        str(data.get("hint") or ""),
        tuple(
            Note(outside(str(n["path"])), int(n["line"]), int(n["col"]), str(n["message"]))
            for n in data.get("notes") or []
        ),
    )
