"""What a kind of document is; each kind's package declares one as KIND."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel


@dataclass(frozen=True)
class Kind:
    """One kind of document.

    Attributes:
        key: short English name, used in code and manifests.
        pattern: where its YAML lives in the agreement folder (a glob).
        model: its pydantic model.
        schema: the file name of its JSON Schema under schema/.
        title: the document's Danish name, as LBF names it; also its output file name.
        order: where it comes in listings (the agreement is 0).
        required: whether LBF requires it in the upload.
        package: its package under agreementgen.kinds, with `rules` and `view` modules.
        reads: the keys of the other kinds whose documents its view reads, besides the
            agreement, which every document reads (parties, period, board). Incremental
            builds rebuild it when one of those changes, and the manifest lists them.
        per_focus_area: one document per chosen focus area (the delaftaler), not one in all.
        own_layout: LBF's template for it is per case and not public, so agreementgen lays
            it out itself; the checklist says so.
    """

    key: str
    pattern: str
    model: type[BaseModel]
    schema: str
    title: str
    order: int
    required: bool = True
    package: str = ""
    reads: tuple[str, ...] = ()
    per_focus_area: bool = False
    own_layout: bool = False

    @property
    def view(self) -> str:
        """The module that renders it, imported only when building."""
        return f"{self.package}.view"

    @property
    def rules(self) -> str:
        """The module holding its rules."""
        return f"{self.package}.rules"
