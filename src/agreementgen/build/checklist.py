"""The upload checklist: every document LBF wants, the file that holds it, and its status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agreementgen.kinds import AGREEMENT, KINDS
from agreementgen.source.folder import LoadedAgreement
from agreementgen.source.model import FocusAreaKey
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
    lines = [
        f"# Upload-tjekliste: {loaded.agreement.area_name}",
        "",
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
    return "\n".join(lines) + "\n"
