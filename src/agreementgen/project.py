"""Find agreement folders and read each one through load, model and checks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from agreementgen.checks import Context, run_checks
from agreementgen.errors import Diagnostic, Severity, display_path
from agreementgen.folder import LoadedAgreement, LoadedDocument
from agreementgen.kinds import KINDS, document_files, kind_of
from agreementgen.load import load_yaml
from agreementgen.model import Agreement
from agreementgen.packs import load_pack
from agreementgen.rules import AGREEMENT_RULES, run_rules
from agreementgen.validate import parse_model

__all__ = ["LoadedAgreement", "LoadedDocument", "find_agreements", "read_agreement"]

AGREEMENT_FILE = "agreement.yaml"
DEFAULT_ROOT = Path("agreements")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def find_agreements(paths: Sequence[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Resolve the CLI's PATH arguments to agreement folders.

    A path may be an agreement folder, its agreement.yaml, or a folder of agreement folders
    (the default is `agreements/`).
    """
    folders: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths or [DEFAULT_ROOT]:
        if path.is_file() and path.name == AGREEMENT_FILE:
            folders.append(path.parent)
        elif (path / AGREEMENT_FILE).exists() or (path / AGREEMENT_FILE).is_symlink():
            # Also when it is a folder or a broken link: loading it says what is wrong.
            folders.append(path)
        elif not path.exists():
            problems.append(Diagnostic(display_path(path), 0, 0, "AG119", "no such file or folder"))
        elif path.is_dir():
            found = sorted(p.parent for p in path.glob(f"*/{AGREEMENT_FILE}"))
            if not found:
                problems.append(
                    Diagnostic(display_path(path), 0, 0, "AG119", "no agreement folders found")
                )
            folders.extend(found)
        else:
            problems.append(
                Diagnostic(
                    display_path(path),
                    0,
                    0,
                    "AG119",
                    "not an agreement folder",
                    hint=f"an agreement folder holds {AGREEMENT_FILE}",
                )
            )
    return list(dict.fromkeys(folders)), problems


def read_agreement(
    folder: Path, *, final: bool = False
) -> tuple[LoadedAgreement | None, list[Diagnostic]]:
    """Load, validate and check the agreement in `folder` and the documents beside it.

    Every problem is collected. The agreement's own rules run once it passes its checks, the
    rules across documents once every file is valid too; with `final` the rules marked E are
    errors, otherwise warnings (a draft may be incomplete).
    """
    ident = folder.resolve().name
    if not _ID.match(ident):
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
    source, problems = load_yaml(folder / AGREEMENT_FILE, name=AGREEMENT_FILE)
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
        source, found = load_yaml(path, name=name)
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
