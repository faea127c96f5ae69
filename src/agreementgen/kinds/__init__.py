"""The kinds of YAML document an agreement folder holds, and where each lives.

The strategic agreement (agreement.yaml) is the root. Every other document is a kind with its
own sub-package here, found by looking: its `__init__.py` declares KIND; `model.py` holds the
pydantic model (light enough for `validate`), `rules.py` its cross-document rules (RULES) and
`view.py` how it renders (`view(document, loaded) -> View`, imported by the build only).
"""

from __future__ import annotations

import fnmatch
import importlib
import os
import pkgutil
from pathlib import Path, PurePosixPath

from agreementgen.kinds.base import Kind
from agreementgen.source.model import Agreement
from agreementgen.source.names import AGREEMENT_FILE

AGREEMENT = Kind(
    key="agreement",
    pattern=AGREEMENT_FILE,
    model=Agreement,
    schema="agreement.schema.json",
    title="Strategisk samarbejdsaftale",
    order=0,
)


def _discover() -> tuple[Kind, ...]:
    found = []
    for module in pkgutil.iter_modules(__path__):
        if module.ispkg:
            package = importlib.import_module(f"{__name__}.{module.name}")
            found.append(package.KIND)
    return tuple(sorted(found, key=lambda kind: kind.order))


KINDS: tuple[Kind, ...] = (AGREEMENT, *_discover())
BY_KEY = {kind.key: kind for kind in KINDS}


def kind_of(path: Path, folder: Path) -> Kind | None:
    """Return the kind of the YAML file at `path` inside agreement folder `folder`."""
    # Where the file is named, not where links lead: a file or a folder in the agreement
    # folder may be a link, even one in a loop or out of the folder, and loading says so.
    # Else the folder the file is in, resolved: `folder` may be named another way.
    try:
        relative = _lexical(path).relative_to(_lexical(folder))
    except ValueError:
        try:
            relative = (path.parent.resolve() / path.name).relative_to(folder.resolve())
        except (OSError, RuntimeError, ValueError):
            return None
    name = PurePosixPath(relative).as_posix()
    return next((k for k in KINDS if fnmatch.fnmatchcase(name, k.pattern)), None)


def _lexical(path: Path) -> Path:
    """The absolute path with '..' and '.' removed as text, no link followed."""
    return Path(os.path.normpath(path.absolute()))


def document_files(folder: Path) -> list[Path]:
    """Return the YAML files of `folder` other than agreement.yaml, sorted."""
    files = [*folder.glob("*.yaml"), *folder.glob("*/*.yaml")]
    return sorted(p for p in files if p.name != AGREEMENT.pattern or p.parent != folder)


__all__ = ["AGREEMENT", "BY_KEY", "KINDS", "Kind", "document_files", "kind_of"]
