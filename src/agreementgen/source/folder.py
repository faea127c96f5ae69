"""Agreement folders: finding them, and one as loaded (the agreement, the documents beside it)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from agreementgen.errors import Diagnostic, display_path
from agreementgen.kinds import Kind
from agreementgen.language import tr
from agreementgen.source.load import Source
from agreementgen.source.model import Agreement
from agreementgen.source.names import AGREEMENT_FILE, DEFAULT_ROOT
from agreementgen.source.packs import Pack

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class LoadedDocument:
    """A document beside the agreement (delaftale, budget, ...) that loaded and validated."""

    kind: Kind
    path: Path
    source: Source
    model: BaseModel

    @property
    def name(self) -> str:
        """The file's path inside its agreement folder, e.g. 'sub-agreements/employment.yaml'."""
        return self.source.name


@dataclass(frozen=True)
class LoadedAgreement:
    """An agreement folder that loaded and validated, with where each part came from."""

    id: str
    folder: Path
    source: Source
    agreement: Agreement
    pack: Pack
    documents: tuple[LoadedDocument, ...] = ()

    def of_kind(self, kind: Kind, model: type[M]) -> Iterator[tuple[LoadedDocument, M]]:
        """Yield the documents of `kind` with their models typed as `model`."""
        for document in self.documents:
            if document.kind == kind and isinstance(document.model, model):
                yield document, document.model

    @property
    def sources(self) -> dict[str, Source]:
        """Every loaded file by its path inside the folder."""
        found = {self.source.name: self.source}
        found.update((d.name, d.source) for d in self.documents)
        return found


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
            problems.append(
                Diagnostic(display_path(path), 0, 0, "AG119", tr("no such file or folder"))
            )
        elif path.is_dir():
            found = sorted(p.parent for p in path.glob(f"*/{AGREEMENT_FILE}"))
            if not found:
                problems.append(
                    Diagnostic(display_path(path), 0, 0, "AG119", tr("no agreement folders found"))
                )
            folders.extend(found)
        else:
            problems.append(
                Diagnostic(
                    display_path(path),
                    0,
                    0,
                    "AG119",
                    tr("not an agreement folder"),
                    hint=tr("an agreement folder holds {file}").format(file=AGREEMENT_FILE),
                )
            )
    return _distinct(folders), problems


def _distinct(folders: list[Path]) -> list[Path]:
    """The folders without repeats: one folder named twice, by two paths, is built once."""
    seen: dict[Path, Path] = {}
    for folder in folders:
        try:
            key = folder.resolve()
        except (OSError, RuntimeError):  # a loop of links: reading it says so
            key = folder.absolute()
        seen.setdefault(key, folder)
    return list(seen.values())
