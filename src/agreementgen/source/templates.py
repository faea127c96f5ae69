"""Where templates come from: the built-in ones shipped in the package, and an agreement's own.

An agreement may name a folder of its own templates (`templates:` in agreement.yaml); a file
there replaces the built-in one of the same name. The search path only serves files that really
lie inside its folders: no '..', no link out of the folder, no absolute paths.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path


def _package_folder(name: str) -> Path:
    """Return a folder of agreementgen's package data as a real path on disk.

    An installed package is a folder of files, and `files()` is already that folder; from a
    zip import, `as_file` unpacks it once for the life of the process.
    """
    found = resources.files("agreementgen") / name
    if isinstance(found, Path):
        return found
    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    return stack.enter_context(resources.as_file(found))


# The built-in templates: package data, so an installed agreementgen has them.
TEMPLATE_DIR = _package_folder("templates")

# The built-in templates an agreement's own folder may replace, by file name.
AGREEMENT_DOCX = "agreement.docx"
DOCUMENT_DOCX = "document.docx"
AGREEMENT_HTML = "agreement.html.j2"
DOCUMENT_HTML = "document.html.j2"
BLOCKS_HTML = "_blocks.html.j2"
STYLESHEET = "agreement.css"
REPLACEABLE = (
    AGREEMENT_DOCX,
    DOCUMENT_DOCX,
    AGREEMENT_HTML,
    DOCUMENT_HTML,
    BLOCKS_HTML,
    STYLESHEET,
)
# The upload checklist is not a document of the agreement: it keeps agreementgen's layout.
CHECKLIST_HTML = "checklist.html.j2"


class UnreadableTemplate(jinja2.TemplateError):
    """A template file that cannot be read, or is not UTF-8 text."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


def read_template(path: Path) -> str:
    """Return the text of a template file.

    Raises:
        UnreadableTemplate: it cannot be read or is not UTF-8.
    """
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        message = f"{path.name} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x})"
        raise UnreadableTemplate(path, message) from exc
    except OSError as exc:
        raise UnreadableTemplate(path, f"{path.name} cannot be read: {exc.strerror}") from exc


def template_files(folder: Path) -> list[str]:
    """Return the files below `folder` as template names; links to folders are not followed,
    so a link in a loop cannot make the walk endless."""
    found = []
    for root, _, files in os.walk(folder):
        found += [(Path(root) / name).relative_to(folder).as_posix() for name in files]
    return sorted(found)


def find_template(folders: tuple[Path, ...], name: str) -> Path:
    """Return the file of template `name`: the first of `folders` that has it.

    Raises:
        jinja2.TemplateNotFound: no folder has it, the name climbs out with '..', or the file
            is a link to somewhere outside its folder.
    """
    pieces = split_template_path(name)  # refuses '..'
    for folder in folders:
        candidate = folder.joinpath(*pieces)
        if not candidate.is_file():
            continue
        real = candidate.resolve()
        if not real.is_relative_to(folder.resolve()):
            raise jinja2.TemplateNotFound(
                name, f"template {name!r} is a link to a file outside its templates folder"
            )
        return real
    raise jinja2.TemplateNotFound(name)


@dataclass(frozen=True)
class Templates:
    """Where a document's templates come from: the agreement's own folder, then the built-in.

    `own` is resolved and known to lie inside the project (validate checks that).
    """

    own: Path | None = None

    @property
    def folders(self) -> tuple[Path, ...]:
        """The search path, the agreement's own folder first."""
        return (self.own, TEMPLATE_DIR) if self.own is not None else (TEMPLATE_DIR,)

    def path(self, name: str) -> Path:
        """Return the file template `name` comes from.

        Raises:
            jinja2.TemplateNotFound: as find_template.
        """
        return find_template(self.folders, name)

    def text(self, name: str) -> str:
        """Return the text of template `name` (the stylesheet, which is not rendered).

        Raises:
            jinja2.TemplateNotFound: as find_template.
            UnreadableTemplate: it cannot be read or is not UTF-8.
        """
        return read_template(self.path(name))

    def is_own(self, path: Path) -> bool:
        """Whether `path` is one of the agreement's own templates (not a built-in one)."""
        return self.own is not None and path.resolve().is_relative_to(self.own)


BUILT_IN = Templates()


def project_root(folder: Path) -> Path:
    """Return the folder an agreement's templates must lie in: the project.

    That is the working directory when the agreement lies inside it, as in a checkout, and
    otherwise the agreement folder itself (an old revision that `redline` writes to a
    scratch folder).
    """
    here = Path.cwd().resolve()
    resolved = folder.resolve()
    return here if resolved.is_relative_to(here) else resolved


def own_templates(folder: Path, templates: str | None) -> Templates:
    """Return the templates of an agreement in `folder` whose `templates:` key is `templates`."""
    if templates is None:
        return BUILT_IN
    return Templates(own=(folder / templates).resolve())


__all__ = [
    "AGREEMENT_DOCX",
    "AGREEMENT_HTML",
    "BLOCKS_HTML",
    "BUILT_IN",
    "CHECKLIST_HTML",
    "DOCUMENT_DOCX",
    "DOCUMENT_HTML",
    "REPLACEABLE",
    "STYLESHEET",
    "TEMPLATE_DIR",
    "Templates",
    "UnreadableTemplate",
    "find_template",
    "own_templates",
    "project_root",
    "read_template",
    "template_files",
]
