"""Build stage: read all agreements, stop on errors, render, swap finished output into place."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from agreementgen.errors import Diagnostic, InputError, RenderError, Severity
from agreementgen.project import LoadedAgreement, read_agreements

AGREEMENT_NAME = "Strategisk samarbejdsaftale"


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote and what it warned about."""

    folders: list[Path]
    warnings: list[Diagnostic]


def build_agreements(
    paths: Sequence[Path],
    *,
    out: Path,
    formats: Sequence[str] = ("docx", "html", "pdf"),
    strict: bool = False,
) -> BuildResult:
    """Build every agreement the paths name into `out/<agreement-id>/`.

    Nothing is written unless every agreement is valid; each agreement's folder is replaced
    only once all its files were rendered, so a failed build leaves the previous output.

    Raises:
        InputError: an agreement has errors (or warnings, with `strict`).
    """
    loaded, problems = read_agreements(paths)
    if any(p.severity is Severity.ERROR for p in problems) or (strict and problems):
        raise InputError(problems)
    folders = []
    for item in loaded:
        try:
            files = render_agreement(item, formats)
        except jinja2.TemplateError as exc:
            where = f"{getattr(exc, 'name', None) or 'template'}:{getattr(exc, 'lineno', 0) or 0}"
            raise RenderError(f"{where}: {exc} (while rendering {item.id})") from exc
        folders.append(_publish(out, item.id, files))
    return BuildResult(folders, problems)


def render_agreement(item: LoadedAgreement, formats: Sequence[str]) -> dict[str, bytes]:
    """Render one agreement into file name -> bytes."""
    from agreementgen.document import build_document

    document = build_document(item)
    files: dict[str, bytes] = {}
    if "docx" in formats:
        from agreementgen.render_docx import render_docx

        files[f"{AGREEMENT_NAME}.docx"] = render_docx(document)
    if "html" in formats or "pdf" in formats:
        from agreementgen.render_html import render_html, render_pdf

        html = render_html(document)
        if "html" in formats:
            files[f"{AGREEMENT_NAME}.html"] = html.encode("utf-8")
        if "pdf" in formats:
            files[f"{AGREEMENT_NAME}.pdf"] = render_pdf(html)
    return files


def _publish(out: Path, ident: str, files: dict[str, bytes]) -> Path:
    """Write `files` into a staging folder beside `out/ident`, then swap it into place."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / ident
    staging = Path(tempfile.mkdtemp(prefix=f".{ident}.staging-", dir=out))
    staging.chmod(0o755)  # mkdtemp makes it private; the output is for everyone to read
    try:
        for name, data in sorted(files.items()):
            if Path(name).name != name:
                raise ValueError(f"output file name {name!r} is not a plain file name")
            (staging / name).write_bytes(data)
        if target.exists():
            # Two renames keep a complete folder at `target` at every moment but a short one.
            retired = Path(tempfile.mkdtemp(prefix=f".{ident}.old-", dir=out))
            retired.rmdir()
            target.rename(retired)
            staging.rename(target)
            shutil.rmtree(retired)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
