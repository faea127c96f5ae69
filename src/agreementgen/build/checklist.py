"""The upload checklist: whether the build is a draft or final, who has signed, what the build
was made from, and for every document LBF wants the one file to upload and its status; and the
index page of a build, which links each document in each format above the checklist."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from agreementgen.kinds import AGREEMENT, KINDS
from agreementgen.source.folder import LoadedAgreement
from agreementgen.source.model import FocusAreaKey
from agreementgen.text.danish import long_date
from agreementgen.text.markdown import literal
from agreementgen.views.orgchart import NAME as ORG_CHART_NAME

if TYPE_CHECKING:
    from agreementgen.errors import Diagnostic


@dataclass(frozen=True)
class Commit:
    """The git commit an agreement folder was built from, as far as git can tell.

    `state` is 'commit' (then `hash` is its short hash, and `changed` says whether the folder
    has changes that are not committed), 'outside' (not in a git work tree), 'unborn' (in a
    repository without commits), 'no-git' (git is not installed) or 'unknown' (git failed).
    """

    state: Literal["commit", "outside", "unborn", "no-git", "unknown"]
    hash: str = ""
    changed: bool = False


READY, MISSING, NOT_READY = "Klar", "Mangler", "Ikke klar"
# The file LBF gets of a document, by its extension: the Word file, but the budget as the
# spreadsheet (docs/lbf.md §17.3) and the organisation diagram as its PDF.
UPLOAD_AS = {"budget": "xlsx"}
ORG_CHART_UPLOAD = "pdf"
DEFAULT_UPLOAD = "docx"
# How the checklist names a file by its extension.
FORMAT_NAMES = {"docx": "Word", "html": "HTML", "pdf": "PDF", "xlsx": "Excel", "png": "PNG"}


@dataclass(frozen=True)
class Entry:
    """One line of the checklist: a document, its files, the one of them to upload (empty when
    it was not built), its status and a note."""

    document: str
    files: tuple[str, ...]
    status: str
    note: str = ""
    upload: str = ""


@dataclass(frozen=True)
class Build:
    """What the checklist says about the build itself: final or draft, the date its documents
    carry (`from_epoch` when SOURCE_DATE_EPOCH gave it, not the agreement), the git commit
    its agreement folder was read at, and the upload zip it made, if any."""

    final: bool
    when: datetime.datetime
    from_epoch: bool
    commit: Commit
    upload_zip: str = ""


def expected_documents(loaded: LoadedAgreement) -> list[tuple[str, str, str, str]]:
    """Return (document, file stem, note, extension of the file to upload) for every document
    LBF wants uploaded."""
    wanted = [(AGREEMENT.title, AGREEMENT.title, "", DEFAULT_UPLOAD)]
    chosen = [
        key
        for key in FocusAreaKey
        if (area := getattr(loaded.agreement.sections.focus_areas, key.value)) and area.chosen
    ]
    for kind in KINDS[1:]:
        note = "Opstillet af agreementgen, ikke LBF's skabelon" if kind.own_layout else ""
        upload = UPLOAD_AS.get(kind.key, DEFAULT_UPLOAD)
        if kind.per_focus_area:
            for key in chosen:
                name = loaded.pack.area(key).name
                wanted.append((f"Delaftale: {name}", f"Delaftale - {name}", note, upload))
        elif kind.required:
            wanted.append((kind.title, kind.title, note, upload))
    wanted.append((ORG_CHART_NAME, ORG_CHART_NAME, "Indgår også i afsnit 3", ORG_CHART_UPLOAD))
    return wanted


def entries(
    loaded: LoadedAgreement,
    files: Mapping[str, str],
    warnings: Sequence[Diagnostic] = (),
    *,
    final: bool = False,
) -> list[Entry]:
    """Match the expected documents against the built files.

    `files` maps each built file to the YAML file it was made from (inside the agreement
    folder), `warnings` (their paths inside the agreement folder too) are the build's. A
    document is ready when the file to upload was built, and in a draft also when no warning
    concerns its YAML file; a final build has passed LBF's rules, and its warnings only advise.
    """
    found = []
    for document, stem, note, extension in expected_documents(loaded):
        names = tuple(sorted(f for f in files if f.rsplit(".", 1)[0] == stem))
        upload = f"{stem}.{extension}"
        origins = {files[name] for name in names}
        codes = sorted({w.code for w in warnings if w.path in origins})
        advice = f"Se advarslerne: {', '.join(codes)}" if codes else ""
        if not names:
            status = MISSING
        elif upload not in names:
            status = MISSING
            note = _join(f"{FORMAT_NAMES[extension]}-filen er ikke bygget", note)
            upload = ""
        elif codes and not final:
            status = NOT_READY
        else:
            status = READY
        found.append(Entry(document, names, status, _join(advice, note), upload if names else ""))
    found.append(
        Entry(
            "Indberetningsskema",
            (),
            "Udfyldes på sagen",
            "Skemaet udfyldes i driftsstøttesystemet; agreementgen laver det ikke",
        )
    )
    return found


def _join(*notes: str) -> str:
    return ". ".join(n for n in notes if n)


def markdown(
    loaded: LoadedAgreement, items: Sequence[Entry], warnings: Sequence[str], build: Build
) -> str:
    """Return the checklist as Markdown."""
    return (
        "\n".join(
            [
                f"# Upload-tjekliste: {literal(loaded.agreement.area_name)}",
                "",
                _kind(build),
                "",
                *_checklist(loaded, items, warnings, build, level="##"),
            ]
        )
        + "\n"
    )


# The columns of the index page, by the files' extensions; the rest go under "Andet".
FORMAT_COLUMNS = (("docx", "Word"), ("html", "HTML"), ("pdf", "PDF"))


def index(
    loaded: LoadedAgreement, items: Sequence[Entry], warnings: Sequence[str], build: Build
) -> str:
    """Return the index page of a build as Markdown: every document with a link to each of
    its files, then the upload checklist."""
    heads = [label for _, label in FORMAT_COLUMNS]
    lines = [
        f"# {literal(loaded.agreement.area_name)}",
        "",
        _kind(build),
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
    lines += ["", "## Upload-tjekliste", ""]
    lines += _checklist(loaded, items, warnings, build, level="###")
    return "\n".join(lines) + "\n"


def _link(label: str, name: str) -> str:
    # Angle brackets let a link hold spaces: "Delaftale - Beskæftigelse.docx".
    return f"[{label}](<{name}>)"


def _kind(build: Build) -> str:
    """Say, first thing, whether the build is final or a draft."""
    if build.final:
        return "**Endelig.** Bygget med `--final`: LBF's regler af niveau E er overholdt."
    return (
        "**Udkast – ikke til upload.** Bygget uden `--final`: LBF's regler er kun tjekket som "
        "advarsler. Byg med `--final`, når aftalen er færdig."
    )


def _checklist(
    loaded: LoadedAgreement,
    items: Sequence[Entry],
    warnings: Sequence[str],
    build: Build,
    *,
    level: str,
) -> list[str]:
    """The checklist below its title; `level` is its sections' heading mark."""
    lines = [
        f"- Dokumenternes dato: {long_date(build.when.date())} ({_dated_by(loaded, build)})",
        f"- Bygget fra: {_commit(build.commit)}",
        f"- Skabelonpakke: {loaded.pack.id.value}",
        "",
        f"{level} Underskrifter",
        "",
        "| Part | Underskriver | Underskrift |",
        "| --- | --- | --- |",
    ]
    for party in loaded.agreement.parties:
        signatory = party.signatory
        who = ", ".join(literal(s) for s in (signatory.name, signatory.title) if s) or "–"
        when = signatory.date
        signed = f"Underskrevet {long_date(when)}" if when else "Ikke underskrevet"
        lines.append(f"| {literal(party.name)} | {who} | {signed} |")
    lines += [
        "",
        f"{level} Dokumenter",
        "",
        "Upload én fil pr. dokument på sagen i driftsstøttesystemet: filen i kolonnen »Upload«. "
        "Formaterne under »Også som« er til gennemsyn.",
    ]
    if build.upload_zip:
        zipped = _link(build.upload_zip, build.upload_zip)
        lines += ["", f"Filerne i kolonnen »Upload« ligger også samlet i {zipped}."]
    lines += [
        "",
        "| Dokument | Upload | Også som | Status | Bemærkning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for item in items:
        upload = _link(item.upload, item.upload) if item.upload else "–"
        others = [
            _link(FORMAT_NAMES.get(extension := f.rsplit(".", 1)[1], extension.upper()), f)
            for f in item.files
            if f != item.upload
        ]
        also = ", ".join(others) or "–"
        lines.append(f"| {item.document} | {upload} | {also} | {item.status} | {item.note} |")
    missing = [i.document for i in items if i.status == MISSING]
    lines += ["", f"**Mangler:** {', '.join(missing)}" if missing else "**Intet mangler.**"]
    if unready := [i.document for i in items if i.status == NOT_READY]:
        lines += ["", f"**Ikke klar (se advarslerne):** {', '.join(unready)}"]
    if warnings:
        # A warning's hint and note lines would break a code span: one fenced block instead.
        lines += ["", f"{level} Advarsler", "", "```text", *warnings, "```"]
    return lines


def _dated_by(loaded: LoadedAgreement, build: Build) -> str:
    """Where the documents' date comes from (agreementgen.build.outputs.document_date)."""
    if build.from_epoch:
        return "fra SOURCE_DATE_EPOCH"
    if any(p.signatory.date for p in loaded.agreement.parties):
        return "den seneste underskrift"
    return "periodens start, da ingen part har skrevet under endnu"


def _commit(commit: Commit) -> str:
    """The git commit the agreement folder was read at, as the checklist says it."""
    if commit.state == "commit":
        changed = ", med ikke-committede ændringer" if commit.changed else ""
        return f"commit `{commit.hash}`{changed}"
    return {
        "outside": "ikke i git",
        "unborn": "et git-repository uden commits",
        "no-git": "ukendt (git er ikke installeret)",
    }.get(commit.state, "ukendt (git kunne ikke læse mappen)")
