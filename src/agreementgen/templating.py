"""The one Jinja environment, shared by the HTML renderer and docxtpl."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

# Templates live in the repository's templates/ folder (src/agreementgen/ -> ../../templates).
TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates"


@functools.cache
def environment(template_dir: Path = TEMPLATE_DIR) -> jinja2.Environment:
    """Return the Jinja environment for `template_dir`, built once per process.

    Autoescape is on for every template: user text is data and is escaped for HTML and for
    Word's XML alike. StrictUndefined turns a misspelt variable into an error instead of a
    silent blank in a legal document.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
