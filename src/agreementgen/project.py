"""Find agreement folders and read each one through load, model and checks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from agreementgen.checks import Context, run_checks
from agreementgen.errors import Diagnostic, display_path
from agreementgen.load import Source, load_yaml
from agreementgen.model import Agreement
from agreementgen.packs import Pack, load_pack
from agreementgen.validate import parse_model

AGREEMENT_FILE = "agreement.yaml"
DEFAULT_ROOT = Path("agreements")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class LoadedAgreement:
    """An agreement that loaded and validated, with where it came from."""

    id: str
    folder: Path
    source: Source
    agreement: Agreement
    pack: Pack


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
        elif (path / AGREEMENT_FILE).is_file():
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


def read_agreement(folder: Path) -> tuple[LoadedAgreement | None, list[Diagnostic]]:
    """Load, validate and check the agreement in `folder`, collecting every problem."""
    path = folder / AGREEMENT_FILE
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
    source, problems = load_yaml(path)
    if source is None:
        return None, problems
    agreement, problems = parse_model(Agreement, source)
    if agreement is None:
        return None, problems
    pack = load_pack(agreement.template_pack)
    problems = run_checks(agreement, Context(source=source, pack=pack, folder=folder))
    return LoadedAgreement(ident, folder, source, agreement, pack), problems


def read_agreements(
    paths: Sequence[Path],
) -> tuple[list[LoadedAgreement], list[Diagnostic]]:
    """Read every agreement the paths name; return those that loaded and all diagnostics."""
    folders, problems = find_agreements(paths)
    loaded: list[LoadedAgreement] = []
    for folder in folders:
        item, found = read_agreement(folder)
        problems.extend(found)
        if item is not None:
            loaded.append(item)
    return loaded, problems
