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
    """

    key: str
    pattern: str
    model: type[BaseModel]
    schema: str
    title: str
    order: int
    required: bool = True
    package: str = ""

    @property
    def view(self) -> str:
        """The module that renders it, imported only when building."""
        return f"{self.package}.view"

    @property
    def rules(self) -> str:
        """The module holding its rules."""
        return f"{self.package}.rules"
