"""Find agreement folders and read each one through load, model and checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agreementgen.checks.agreement import Context, run_checks
from agreementgen.checks.dangling import Document, dangling_references
from agreementgen.checks.footnotes import footnote_problems
from agreementgen.checks.rules import rules_reading, run_rules
from agreementgen.errors import Diagnostic, Severity, display_path
from agreementgen.kinds import AGREEMENT, KINDS, document_files, kind_of
from agreementgen.language import tr
from agreementgen.source.folder import LoadedAgreement, LoadedDocument, find_agreements
from agreementgen.source.load import load_yaml
from agreementgen.source.model import Agreement
from agreementgen.source.names import AGREEMENT_FILE, ID
from agreementgen.source.packs import load_pack
from agreementgen.source.validate import parse_model

__all__ = ["read_agreement", "read_agreements"]


def read_agreement(
    folder: Path, *, final: bool = False
) -> tuple[LoadedAgreement | None, list[Diagnostic]]:
    """Load, validate and check the agreement in `folder` and the documents beside it.

    Every problem is collected in one run: a file whose model fails leaves the others to be
    checked, and references are checked in every file that loaded (valid or not). LBF's
    rules wait for the files they read: none runs while agreement.yaml has errors (every
    rule reads it), and a kind's rules not while a file of that kind, or of a kind they
    read, has errors (a rule would take a broken file for a missing one, or a dangling id
    for a missing party). With `final` the rules marked E are errors, otherwise warnings
    (a draft may be incomplete). A folder whose name is no agreement id is read and
    checked all the same, for one report of every problem, but gives no agreement.
    """
    ident = folder.resolve().name
    misnamed = _name_problems(folder, ident)
    source, problems = load_yaml(folder / AGREEMENT_FILE, name=AGREEMENT_FILE, folder=folder)
    problems = [*misnamed, *problems]
    agreement = None
    if source is not None:
        agreement, found = parse_model(Agreement, source)
        problems += found
    beside = _read_documents(folder)
    problems += beside.problems
    files = [Document(AGREEMENT.key, source)] if source is not None else []
    unread = beside.unread | ({AGREEMENT.key} if source is None else set())
    problems += dangling_references([*files, *beside.files], unread)
    valid = [(source, agreement)] if source is not None and agreement is not None else []
    problems += footnote_problems([*valid, *((d.source, d.model) for d in beside.documents)])
    if source is None or agreement is None:
        return None, problems
    pack = load_pack(agreement.template_pack)
    loaded = LoadedAgreement(ident, folder, source, agreement, pack, tuple(beside.documents))
    context = Context(sources=loaded.sources, pack=pack, folder=folder)
    problems += run_checks(agreement, context)
    failed = beside.failed | _with_errors([*files, *beside.files], problems)
    if AGREEMENT.key not in failed:
        problems += run_rules(loaded, context, final=final, rules=rules_reading(failed))
    return (None if misnamed else loaded), problems


def _name_problems(folder: Path, ident: str) -> list[Diagnostic]:
    """AG118 when the folder's name, which is the agreement's id, is not a valid id."""
    if ID.match(ident):
        return []
    return [
        Diagnostic(
            display_path(folder),
            0,
            0,
            "AG118",
            tr("agreement folder name {ident!r} is not a valid id").format(ident=ident),
            hint=tr("the folder name is the agreement id: lower-case letters, digits, hyphens"),
        )
    ]


def _with_errors(files: Sequence[Document], problems: Sequence[Diagnostic]) -> set[str]:
    """The kinds of the `files` that `problems` finds an error in."""
    broken = {p.path for p in problems if p.severity is Severity.ERROR}
    return {file.kind for file in files if file.source.display in broken}


@dataclass
class _Beside:
    """The documents beside the agreement: those valid, every file that loaded (valid or
    not), the kinds of which a file failed (to load, or its model), of which a file could
    not be read at all, and the problems."""

    documents: list[LoadedDocument] = field(default_factory=list)
    files: list[Document] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)
    unread: set[str] = field(default_factory=set)
    problems: list[Diagnostic] = field(default_factory=list)


def _read_documents(folder: Path) -> _Beside:
    beside = _Beside()
    for path in document_files(folder):
        name = path.relative_to(folder).as_posix()
        kind = kind_of(path, folder)
        if kind is None:
            known = ", ".join(k.pattern for k in KINDS)
            beside.problems.append(
                Diagnostic(
                    display_path(path),
                    0,
                    0,
                    "AG117",
                    tr("not a document agreementgen knows"),
                    Severity.WARNING,
                    hint=tr("document files are: {patterns}").format(patterns=known),
                )
            )
            continue
        source, found = load_yaml(path, name=name, folder=folder)
        beside.problems += found
        if source is None:
            beside.failed.add(kind.key)
            beside.unread.add(kind.key)
            continue
        beside.files.append(Document(kind.key, source))
        model, found = parse_model(kind.model, source)
        beside.problems += found
        if model is None:
            beside.failed.add(kind.key)
        else:
            beside.documents.append(LoadedDocument(kind, path, source, model))
    return beside


def read_agreements(
    paths: Sequence[Path], *, final: bool = False
) -> tuple[list[LoadedAgreement], list[Diagnostic]]:
    """Read every agreement the paths name; return those that loaded and all diagnostics."""
    folders, problems = find_agreements(paths)
    loaded: list[LoadedAgreement] = []
    for folder in folders:
        item, found = read_agreement(folder, final=final)
        problems.extend(found)
        if item is not None:
            loaded.append(item)
    return loaded, problems
