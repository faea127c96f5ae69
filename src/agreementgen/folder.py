"""An agreement folder as loaded: the agreement, the documents beside it, their sources."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from agreementgen.kinds import Kind
from agreementgen.load import Source
from agreementgen.model import Agreement
from agreementgen.packs import Pack

if TYPE_CHECKING:
    from agreementgen.orgchart import OrgChart

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

    @functools.cached_property
    def org_chart(self) -> OrgChart:
        """The organisation diagram, drawn once (matplotlib takes a fifth of a second)."""
        from agreementgen.orgchart import draw_once

        return draw_once(self.agreement, self.pack)

    @property
    def sources(self) -> dict[str, Source]:
        """Every loaded file by its path inside the folder."""
        found = {self.source.name: self.source}
        found.update((d.name, d.source) for d in self.documents)
        return found
