"""Find agreement folders and read each one through load, model and checks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from agreementgen.checks.agreement import Context, run_checks
from agreementgen.checks.rules import AGREEMENT_RULES, run_rules
from agreementgen.errors import Diagnostic, Severity, display_path
from agreementgen.kinds import KINDS, document_files, kind_of
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

    Every problem is collected. The agreement's own rules run once it passes its checks, the
    rules across documents once every file is valid too; with `final` the rules marked E are
    errors, otherwise warnings (a draft may be incomplete).
    """
    ident = folder.resolve().name
    if not ID.match(ident):
        return None, [
            Diagnostic(
                display_path(folder),
                0,
                0,
                "AG118",
                f"agreement folder name {ident!r} is not a valid id",
                hint="the folder name is the agreement id: lower-case letters, digits, hyphens",
            )
        ]
    source, problems = load_yaml(folder / AGREEMENT_FILE, name=AGREEMENT_FILE, folder=folder)
    agreement = None
    if source is not None:
        agreement, found = parse_model(Agreement, source)
        problems += found
    documents, beside = _read_documents(folder)
    problems += beside
    if source is None or agreement is None:
        return None, problems
    pack = load_pack(agreement.template_pack)
    loaded = LoadedAgreement(ident, folder, source, agreement, pack, tuple(documents))
    context = Context(sources=loaded.sources, pack=pack, folder=folder)
    problems += run_checks(agreement, context)
    if not _errors(problems):
        problems += run_rules(loaded, context, final=final)
    elif not _errors([p for p in problems if p not in beside]):
        # Only documents beside the agreement failed: the agreement's own rules can still
        # speak, so that one run reports what it can. Rules across documents wait, as they
        # would take a document that failed to load for a missing one.
        problems += run_rules(loaded, context, final=final, rules=AGREEMENT_RULES)
    return loaded, problems


def _errors(problems: Sequence[Diagnostic]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def _read_documents(folder: Path) -> tuple[list[LoadedDocument], list[Diagnostic]]:
    documents: list[LoadedDocument] = []
    problems: list[Diagnostic] = []
    for path in document_files(folder):
        name = path.relative_to(folder).as_posix()
        kind = kind_of(path, folder)
        if kind is None:
            known = ", ".join(k.pattern for k in KINDS)
            problems.append(
                Diagnostic(
                    display_path(path),
                    0,
                    0,
                    "AG117",
                    "not a document agreementgen knows",
                    Severity.WARNING,
                    hint=f"document files are: {known}",
                )
            )
            continue
        source, found = load_yaml(path, name=name, folder=folder)
        problems += found
        if source is None:
            continue
        model, found = parse_model(kind.model, source)
        problems += found
        if model is not None:
            documents.append(LoadedDocument(kind, path, source, model))
    return documents, problems


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
