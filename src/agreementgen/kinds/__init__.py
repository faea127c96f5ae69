"""The kinds of YAML document an agreement folder holds, and where each lives.

The strategic agreement (agreement.yaml) is the root; every other document is a kind with its
own sub-package here: `model.py` (the pydantic model, light enough for `validate`), `rules.py`
(its cross-document rules) and `view.py` (how it renders; imported by the build only).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pydantic import BaseModel

from agreementgen.kinds.mandate.model import BoardMandate
from agreementgen.model import Agreement


@dataclass(frozen=True)
class Kind:
    """One kind of document.

    Attributes:
        key: short English name, used in code and manifests.
        pattern: where its YAML lives in the agreement folder (a glob).
        model: its pydantic model.
        schema: the file name of its JSON Schema under schema/.
        title: the document's Danish name, as LBF names it.
        required: whether LBF requires it in the upload (one per chosen area for delaftaler).
        view: the module that renders it, imported only when building.
    """

    key: str
    pattern: str
    model: type[BaseModel]
    schema: str
    title: str
    required: bool = True
    view: str = ""


AGREEMENT = Kind(
    key="agreement",
    pattern="agreement.yaml",
    model=Agreement,
    schema="agreement.schema.json",
    title="Strategisk samarbejdsaftale",
)
MANDATE = Kind(
    key="board_mandate",
    pattern="board-mandate.yaml",
    model=BoardMandate,
    schema="board-mandate.schema.json",
    title="Kommissorium for bestyrelsen",
    view="agreementgen.kinds.mandate.view",
)

KINDS: tuple[Kind, ...] = (AGREEMENT, MANDATE)


def kind_of(path: Path, folder: Path) -> Kind | None:
    """Return the kind of the YAML file at `path` inside agreement folder `folder`."""
    relative = PurePosixPath(path.resolve().relative_to(folder.resolve()).as_posix())
    return next((k for k in KINDS if fnmatch.fnmatchcase(str(relative), k.pattern)), None)


def document_files(folder: Path) -> list[Path]:
    """Return the YAML files of `folder` other than agreement.yaml, sorted."""
    files = [*folder.glob("*.yaml"), *folder.glob("*/*.yaml")]
    return sorted(p for p in files if p.name != AGREEMENT.pattern or p.parent != folder)
