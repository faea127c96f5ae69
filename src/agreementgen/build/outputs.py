"""Rendered files and what each was made from, packaged with manifest, checklist and upload zip."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agreementgen import __version__
from agreementgen.build import incremental
from agreementgen.build.checklist import Commit
from agreementgen.errors import Diagnostic, display_path, sort_diagnostics
from agreementgen.files import stable_zip
from agreementgen.language import tr

if TYPE_CHECKING:
    from agreementgen.source.folder import LoadedAgreement
    from agreementgen.source.model import Agreement

logger = logging.getLogger(__name__)


MANIFEST = incremental.MANIFEST
CHECKLIST = "Upload-tjekliste"
INDEX = "index.html"  # every document in each format, and the checklist
UPLOAD_ZIP = "LBF-upload.zip"  # the one file to upload of each document (the checklist's)
EXTRA = "extra"  # the role of a file made with a document (Budget.xlsx, Organisationsdiagram.png)
# A staging or retired folder beside the output: '.<id>.staging-<pid>-<random>'.


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


def document_date(agreement: Agreement) -> datetime.datetime:
    """The documents' date: the agreement's own (Agreement.own_date) as a time, which
    documents carry unless SOURCE_DATE_EPOCH is set; never the build's time."""
    day = agreement.own_date
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def upload_problems(out: Path, *, final: bool, zip_upload: bool) -> list[Diagnostic]:
    """Why the build may not start as asked: an upload zip of a draft (AG129); empty if none.

    LBF gets what the zip holds, so only a final build, whose rules marked E held, makes one.
    """
    if zip_upload and not final:
        message = tr("an upload zip is made from a final build")
        return [Diagnostic(display_path(out), 0, 0, "AG129", message, hint=tr("add --final"))]
    return []


GIT_TIMEOUT = 10.0  # seconds a git command may take before the commit is given as unknown
# Variables that point git at another repository than the folder's own (a hook sets GIT_DIR).
_GIT_ELSEWHERE = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_NAMESPACE",
)


def read_commit(folder: Path, *, timeout: float = GIT_TIMEOUT) -> Commit:
    """Ask git which commit `folder` is at, and whether its files differ from it.

    Never raises: without git, outside a repository, or when git fails or hangs, the
    returned Commit says so, and the build goes on.
    """
    # No prompts, no index lock taken (another git may be running), English messages.
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ELSEWHERE}
    env |= {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}

    def git(*args: str) -> subprocess.CompletedProcess[bytes]:
        command = ["git", "-C", str(folder), *args]
        return subprocess.run(
            command, capture_output=True, env=env, stdin=subprocess.DEVNULL, timeout=timeout
        )

    try:
        inside = git("rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0 or inside.stdout.strip() != b"true":
            outside = b"not a git repository" in inside.stderr or inside.returncode == 0
            return Commit("outside" if outside else "unknown")
        head = git("rev-parse", "--verify", "--quiet", "--short", "HEAD")
        if head.returncode != 0:
            return Commit("unborn")
        # Untracked files count as changes; a folder git ignores has no file in the commit.
        status = git("status", "--porcelain", "--untracked-files=all", "--", ".")
        tracked = git("ls-files", "--", ".")
        if status.returncode != 0 or tracked.returncode != 0:
            return Commit("unknown")
    except FileNotFoundError:
        return Commit("no-git")
    except (OSError, subprocess.SubprocessError):
        return Commit("unknown")
    changed = bool(status.stdout.strip()) or not tracked.stdout.strip()
    return Commit("commit", head.stdout.decode("ascii", "replace").strip(), changed)


def package(
    item: LoadedAgreement,
    outputs: Sequence[Output],
    problems: Sequence[Diagnostic],
    *,
    final: bool,
    zip_upload: bool,
    when: datetime.datetime | None = None,
    record: Mapping[str, object] | None = None,
    commit: Commit | None = None,
) -> dict[str, bytes]:
    """Add the manifest, the checklist and (with `zip_upload`) the upload archive.

    `problems` are the agreement's warnings; the checklist and the manifest give their paths
    inside the agreement folder, so that the files do not depend on where the build ran.
    `commit` is the git commit the agreement folder is at (default: ask git). The archive
    holds the one file to upload of each document, those the checklist names.
    """
    from agreementgen.build import checklist
    from agreementgen.render.html import render_checklist

    files = {o.name: o.data for o in outputs}
    local = sort_diagnostics(_local(p, item.folder) for p in problems)
    entries = checklist.entries(item, {o.name: o.origin for o in outputs}, local, final=final)
    own_date = document_date(item.agreement)
    when = when or own_date
    build = checklist.Build(
        final,
        when,
        when != own_date,
        commit or read_commit(item.folder),
        UPLOAD_ZIP if zip_upload else "",
    )
    warnings = [p.format() for p in local]
    text = checklist.markdown(item, entries, warnings, build)
    files[f"{CHECKLIST}.md"] = text.encode("utf-8")
    files[f"{CHECKLIST}.html"] = render_checklist(text).encode("utf-8")
    index = checklist.index(item, entries, warnings, build)
    files[INDEX] = render_checklist(index, title=item.agreement.area_name).encode("utf-8")
    if zip_upload:
        upload = sorted(e.upload for e in entries if e.upload)
        files[UPLOAD_ZIP] = stable_zip([(name, files[name]) for name in upload])
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


__all__ = [
    "CHECKLIST",
    "EXTRA",
    "INDEX",
    "MANIFEST",
    "UPLOAD_ZIP",
    "Commit",
    "Output",
    "document_date",
    "package",
    "read_commit",
    "upload_problems",
]
