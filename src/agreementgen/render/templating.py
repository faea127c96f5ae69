"""The one Jinja environment, sandboxed, shared by the HTML renderer and docxtpl.

Templates are code that the project's users write, so they run in Jinja's sandbox (no
attributes starting with '_', no Python internals). Where they are found is
`agreementgen.source.templates`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, MutableMapping
from pathlib import Path, PurePath
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from agreementgen.source.templates import (
    TEMPLATE_DIR,
    Templates,
    find_template,
    read_template,
    template_files,
)

# Bounds on what one operator in a template may build: enough for any page, too little to
# take the machine down with `10 ** 10 ** 10` or `'x' * 10 ** 9`.
MAX_EXPONENT = 1_000
MAX_REPEAT = 100_000
# Compiled Word parts kept per environment: each template has a body, headers, footers and
# properties; two templates (agreement and document) and their variants fit many times over.
MAX_COMPILED = 64


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with bounded `**` and `*`.

    The sandbox already refuses attributes starting with '_' and Python internals (function
    globals, code objects, frames), and methods that change lists and dicts.
    """

    intercepted_binops = frozenset({"**", "*"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(
        self,
        source: str | jinja2.nodes.Template,
        globals: MutableMapping[str, Any] | None = None,
        template_class: type[jinja2.Template] | None = None,
    ) -> jinja2.Template:
        """Compile template source once per process: docxtpl hands every Word part to
        from_string on every render, and compiling took a third of a document's render time.

        A compiled template keeps no state between renders, so sharing it is safe.
        """
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            if len(self._compiled) >= MAX_COMPILED:
                self._compiled.pop(next(iter(self._compiled)))
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        """Refuse a power or a repetition too large to compute."""
        if op == "**" and _number(right) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"the exponent {right} is too large for a template")
        if op == "*":
            count = right if _number(right) else left
            other = left if count is right else right
            if isinstance(other, str | list | tuple) and _number(count) and count > MAX_REPEAT:
                raise SecurityError(f"repeating a text or list {count} times is too much")
        return super().call_binop(context, op, left, right)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Refuse what the sandbox allows but a template must not touch: files (a Path's
        read_text), and the template machinery (an environment, a search path)."""
        if isinstance(obj, UNTOUCHABLE) or isinstance(value, UNTOUCHABLE):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# docxtpl's own escape for a literal tag in a Word template: after rendering, it turns every
# "{_{", "}_}", "{_%" and "%_}" of the document into "{{", "}}", "{%" and "%}", user text
# included. Such text keeps its "_" as a character reference, which docxtpl does not see and
# every XML and HTML reader reads as "_". Every "_" beside a brace or "%" is kept so, and one
# at either end of a value: two values side by side ("x{" and "_{y") can make the pattern too.
_DOCXTPL_ESCAPE = re.compile(r"(?<=[{}%])_|_(?=[{}%])|^_|_$")


def keep_underscores(escaped: str) -> str:
    """Return escaped XML or HTML text with docxtpl's escapes (`{_{`) kept as written."""
    return _DOCXTPL_ESCAPE.sub("&#95;", escaped)


def _finalize(value: Any) -> Any:
    """What a `{{ }}` expression writes: plain text that docxtpl would change is escaped here,
    its escapes kept; anything else is left to autoescape."""
    if isinstance(value, str) and not isinstance(value, Markup) and _DOCXTPL_ESCAPE.search(value):
        return Markup(keep_underscores(str(escape(value))))
    return value


class FolderLoader(jinja2.BaseLoader):
    """Serve templates from `folders`, first match wins, only from inside them."""

    def __init__(self, folders: tuple[Path, ...]) -> None:
        self.folders = folders

    def get_source(
        self, _environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """Return the text, file name and up-to-date check of template `template`.

        Raises:
            jinja2.TemplateNotFound: no folder has it, or it lies outside its folder.
        """
        path = find_template(self.folders, template)
        text = read_template(path)
        mtime = path.stat().st_mtime

        def uptodate() -> bool:
            # Stale too when a folder earlier in the search path has gained the template.
            try:
                return find_template(self.folders, template) == path and (
                    path.stat().st_mtime == mtime
                )
            except (OSError, jinja2.TemplateNotFound):
                return False

        return text, str(path), uptodate

    def list_templates(self) -> list[str]:
        """Return the names of every template in the folders."""
        return sorted({name for folder in self.folders for name in template_files(folder)})


@functools.cache
def environment(*folders: Path) -> jinja2.Environment:
    """Return the sandboxed Jinja environment for a search path, built once per path.

    With no folders, the built-in templates. Autoescape is on for every template: user text
    is data and is escaped for HTML and for Word's XML alike. StrictUndefined turns a
    misspelt variable into an error instead of a silent blank in a legal document.
    """
    return _Sandbox(
        loader=FolderLoader(folders or (TEMPLATE_DIR,)),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def environment_of(templates: Templates) -> jinja2.Environment:
    """The Jinja environment of an agreement's template search path."""
    return environment(*templates.folders)


# What a template may not touch, though the sandbox would let it: files and the machinery.
UNTOUCHABLE = (PurePath, Templates, jinja2.Environment, jinja2.BaseLoader)


__all__ = [
    "UNTOUCHABLE",
    "FolderLoader",
    "environment",
    "environment_of",
    "keep_underscores",
]
