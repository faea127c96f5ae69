"""The kinds of YAML document an agreement folder holds, and where each lives."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pydantic import BaseModel

from agreementgen.model import Agreement


@dataclass(frozen=True)
class Kind:
    """One kind of document: its file name pattern in the folder, model and schema."""

    key: str
    pattern: str
    model: type[BaseModel]
    schema: str
    title: str


AGREEMENT = Kind(
    key="agreement",
    pattern="agreement.yaml",
    model=Agreement,
    schema="agreement.schema.json",
    title="Strategisk samarbejdsaftale",
)

KINDS: tuple[Kind, ...] = (AGREEMENT,)


def kind_of(path: Path, folder: Path) -> Kind | None:
    """Return the kind of the YAML file at `path` inside agreement folder `folder`."""
    relative = PurePosixPath(path.resolve().relative_to(folder.resolve()).as_posix())
    return next((k for k in KINDS if fnmatch.fnmatchcase(str(relative), k.pattern)), None)
