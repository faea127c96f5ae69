"""The upload checklist: every document LBF wants, the file that holds it, and its status;
and the index page of a build, which links each document in each format above the checklist."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agreementgen.kinds import AGREEMENT, KINDS
from agreementgen.source.folder import LoadedAgreement
from agreementgen.source.model import FocusAreaKey
from agreementgen.text.markdown import literal
from agreementgen.views.orgchart import NAME as ORG_CHART_NAME

READY, MISSING = "Klar", "Mangler"


@dataclass(frozen=True)
class Entry:
    """One line of the checklist."""

    document: str
    files: tuple[str, ...]
    status: str
    note: str = ""


def expected_documents(loaded: LoadedAgreement) -> list[tuple[str, str, str]]:
    """Return (document, file stem, note) for every document LBF wants uploaded."""
    wanted = [(AGREEMENT.title, AGREEMENT.title, "")]
    chosen = [
        key
        for key in FocusAreaKey
        if (area := getattr(loaded.agreement.sections.focus_areas, key.value)) and area.chosen
    ]
    for kind in KINDS[1:]:
        note = "Opstillet af agreementgen, ikke LBF's skabelon" if kind.own_layout else ""
        if kind.per_focus_area:
            for key in chosen:
                name = loaded.pack.area(key).name
                wanted.append((f"Delaftale: {name}", f"Delaftale - {name}", note))
        elif kind.required:
            wanted.append((kind.title, kind.title, note))
    wanted.append((ORG_CHART_NAME, ORG_CHART_NAME, "Indgår også i afsnit 3"))
    return wanted


def entries(loaded: LoadedAgreement, files: Sequence[str]) -> list[Entry]:
    """Match the expected documents against the built files."""
    found = []
    for document, stem, note in expected_documents(loaded):
        names = tuple(sorted(f for f in files if f.rsplit(".", 1)[0] == stem))
        found.append(Entry(document, names, READY if names else MISSING, note))
    found.append(
        Entry(
            "Indberetningsskema",
            (),
            "Udfyldes på sagen",
            "Skemaet udfyldes i driftsstøttesystemet; agreementgen laver det ikke",
        )
    )
    return found


def markdown(loaded: LoadedAgreement, items: Sequence[Entry], warnings: Sequence[str]) -> str:
    """Return the checklist as Markdown."""
    return (
        "\n".join(
            [
                f"# Upload-tjekliste: {literal(loaded.agreement.area_name)}",
                "",
                *_checklist(items, warnings),
            ]
        )
        + "\n"
    )


# The columns of the index page, by the files' extensions; the rest go under "Andet".
FORMAT_COLUMNS = (("docx", "Word"), ("html", "HTML"), ("pdf", "PDF"))


def index(loaded: LoadedAgreement, items: Sequence[Entry], warnings: Sequence[str]) -> str:
    """Return the index page of a build as Markdown: every document with a link to each of
    its files, then the upload checklist."""
    heads = [label for _, label in FORMAT_COLUMNS]
    lines = [
        f"# {literal(loaded.agreement.area_name)}",
        "",
        "Dokumenterne fra denne kørsel af agreementgen, i hvert format.",
        "",
        f"| Dokument | {' | '.join(heads)} | Andet |",
        "| --- |" + " --- |" * (len(heads) + 1),
    ]
    for item in items:
        if not item.files:
            continue
        cells = []
        for extension, label in FORMAT_COLUMNS:
            name = next((f for f in item.files if f.endswith(f".{extension}")), None)
            cells.append(_link(label, name) if name else "–")
        known = tuple(f".{extension}" for extension, _ in FORMAT_COLUMNS)
        others = [
            _link(f.rsplit(".", 1)[1].upper(), f) for f in item.files if not f.endswith(known)
        ]
        cells.append(", ".join(others) or "–")
        lines.append(f"| {item.document} | {' | '.join(cells)} |")
    lines += ["", "## Upload-tjekliste", "", *_checklist(items, warnings)]
    return "\n".join(lines) + "\n"


def _link(label: str, name: str) -> str:
    # Angle brackets let a link hold spaces: "Delaftale - Beskæftigelse.docx".
    return f"[{label}](<{name}>)"


def _checklist(items: Sequence[Entry], warnings: Sequence[str]) -> list[str]:
    lines = [
        "Dokumenterne uploades på sagen i driftsstøttesystemet.",
        "",
        "| Dokument | Fil | Status | Bemærkning |",
        "| --- | --- | --- | --- |",
    ]
    for item in items:
        files = ", ".join(f"`{f}`" for f in item.files) or "–"
        lines.append(f"| {item.document} | {files} | {item.status} | {item.note} |")
    missing = [i.document for i in items if i.status == MISSING]
    lines += ["", f"**Mangler:** {', '.join(missing)}" if missing else "**Intet mangler.**"]
    if warnings:
        # A warning's hint and note lines would break a code span: one fenced block instead.
        lines += ["", "## Advarsler", "", "```text", *warnings, "```"]
    return lines
