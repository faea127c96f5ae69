"""Build stage: read all agreements, stop on errors, render, swap finished output into place."""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import multiprocessing
import shutil
import tempfile
from collections.abc import Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from agreementgen import __version__
from agreementgen.errors import Diagnostic, InputError, RenderError, Severity, display_path
from agreementgen.folder import LoadedAgreement
from agreementgen.output import stable_zip
from agreementgen.project import read_agreements

if TYPE_CHECKING:
    from agreementgen.document import View

AGREEMENT_NAME = "Strategisk samarbejdsaftale"
ORG_CHART = "Organisationsdiagram"
MANIFEST = "manifest.json"
CHECKLIST = "Upload-tjekliste"
UPLOAD_ZIP = "LBF-upload.zip"
UPLOAD_SUFFIXES = (".docx", ".xlsx", ".pdf", ".png")


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote and what it warned about."""

    folders: list[Path]
    warnings: list[Diagnostic]


@dataclass(frozen=True)
class Output:
    """One file of an agreement's output and what it was made from."""

    name: str
    data: bytes
    document: str
    sources: tuple[str, ...]
    template: str
    summary: dict[str, object] = field(default_factory=dict)


def build_agreements(
    paths: Sequence[Path],
    *,
    out: Path,
    formats: Sequence[str] = ("docx", "html", "pdf"),
    strict: bool = False,
    final: bool = False,
    zip_upload: bool = False,
) -> BuildResult:
    """Build every agreement the paths name into `out/<agreement-id>/`.

    Nothing is written unless every agreement is valid; each agreement's folder is replaced
    only once all its files were rendered, so a failed build leaves the previous output.

    Raises:
        InputError: an agreement has errors (or warnings, with `strict`).
    """
    loaded, problems = read_agreements(paths, final=final)
    if any(p.severity is Severity.ERROR for p in problems) or (strict and problems):
        raise InputError(problems)
    folders = []
    for item in loaded:
        try:
            outputs = render_agreement(item, formats)
        except jinja2.TemplateError as exc:
            where = f"{getattr(exc, 'name', None) or 'template'}:{getattr(exc, 'lineno', 0) or 0}"
            raise RenderError(f"{where}: {exc} (while rendering {item.id})") from exc
        if final and (altered := fixed_text_problems(item, outputs)):
            raise InputError(altered)
        warnings = [p.format() for p in problems if _concerns(p, item)]
        files = package(item, outputs, warnings, final=final, zip_upload=zip_upload)
        folders.append(_publish(out, item.id, files))
    return BuildResult(folders, problems)


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
        problems += [
            Diagnostic(
                output.template,
                0,
                0,
                "AG271",
                f"{output.name} lacks LBF's fixed text, or has it changed: {paragraph[:60]!r}",
                hint=f"the template must keep the fixed paragraphs of {pack.id.value}",
            )
            for paragraph in missing
        ]
    return problems


def _plain(output: Output) -> str:
    """The text of a rendered DOCX or HTML file, with white space folded."""
    if output.name.endswith(".docx"):
        from docx import Document as open_docx

        document = open_docx(io.BytesIO(output.data))
        text = " ".join(p.text for p in document.paragraphs)
    else:
        import html
        import re

        text = html.unescape(re.sub(r"<[^>]+>", " ", output.data.decode("utf-8")))
    return " ".join(text.replace("\u00a0", " ").split())


def _concerns(diagnostic: Diagnostic, item: LoadedAgreement) -> bool:
    return diagnostic.path.startswith(display_path(item.folder) + "/")


def render_agreement(item: LoadedAgreement, formats: Sequence[str]) -> list[Output]:
    """Render every document of one agreement in the requested formats."""
    from agreementgen.render_docx import render_docx
    from agreementgen.render_html import render_html

    outputs: list[Output] = []
    pending_pdfs: list[tuple[str, str, tuple[str, ...], str]] = []
    for view in document_views(item).values():
        simple = view.stem != AGREEMENT_NAME
        stem = view.stem
        if "docx" in formats:
            template = "document.docx" if simple else "agreement.docx"
            data = render_docx(view.document)
            outputs.append(Output(f"{stem}.docx", data, stem, view.sources, template))
        if "html" in formats or "pdf" in formats:
            template = "document.html.j2" if simple else "agreement.html.j2"
            html = render_html(view.document)
            if "html" in formats:
                outputs.append(
                    Output(f"{stem}.html", html.encode("utf-8"), stem, view.sources, template)
                )
            if "pdf" in formats:
                pending_pdfs.append((stem, html, view.sources, template))
        # An extra file is its own document (Budget.xlsx, Organisationsdiagram.pdf).
        outputs += [
            Output(name, data, name.rsplit(".", 1)[0], view.sources, "", view.summary)
            for name, data in view.extras.items()
        ]
    pdfs = render_pdfs([html for _, html, _, _ in pending_pdfs])
    for (stem, _, sources, template), pdf in zip(pending_pdfs, pdfs, strict=True):
        outputs.append(Output(f"{stem}.pdf", pdf, stem, sources, template))
    return outputs


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


def render_pdfs(htmls: Sequence[str]) -> list[bytes]:
    """Lay out HTML pages as PDFs, on every core when there are several."""
    from agreementgen.render_html import render_pdf

    if len(htmls) < 2:
        return [render_pdf(html) for html in htmls]
    # Fork: the workers inherit the loaded modules instead of importing WeasyPrint again.
    context = multiprocessing.get_context("fork")
    workers = min(len(htmls), multiprocessing.cpu_count())
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(render_pdf, htmls))


def package(
    item: LoadedAgreement,
    outputs: Sequence[Output],
    warnings: Sequence[str],
    *,
    final: bool,
    zip_upload: bool,
) -> dict[str, bytes]:
    """Add the manifest, the checklist and (with `zip_upload`) the upload archive."""
    from agreementgen import checklist
    from agreementgen.render_html import render_checklist

    files = {o.name: o.data for o in outputs}
    entries = checklist.entries(item, sorted(files))
    text = checklist.markdown(item, entries, warnings)
    files[f"{CHECKLIST}.md"] = text.encode("utf-8")
    files[f"{CHECKLIST}.html"] = render_checklist(text).encode("utf-8")
    if zip_upload:
        upload = sorted((n, d) for n, d in files.items() if n.endswith(UPLOAD_SUFFIXES))
        files[UPLOAD_ZIP] = stable_zip(upload)
    files[MANIFEST] = _manifest(item, outputs, files, final=final)
    return files


def _manifest(
    item: LoadedAgreement, outputs: Sequence[Output], files: dict[str, bytes], *, final: bool
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
            }
        )
        if output and output.summary:
            entries[-1]["summary"] = output.summary
    manifest = {
        "agreement": item.id,
        "area_name": item.agreement.area_name,
        "template_pack": item.pack.id.value,
        "tool": f"agreementgen {__version__}",
        "final": final,
        "files": entries,
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


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
