"""The one Jinja environment, sandboxed and bounded, shared by the HTML renderer and docxtpl.

Templates are code that the project's users write, so they run in Jinja's sandbox (no
attributes starting with '_', no Python internals), and within bounds: no value a template
makes may grow past a size (`agreementgen.render.bounds`), and no render may run too long or
take too much memory (`agreementgen.render.watchdog`). Where
templates are found is `agreementgen.source.templates`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import (
    Callable,
    MutableMapping,
)
from pathlib import Path, PurePath
from types import BuiltinMethodType, MethodType
from typing import Any

import jinja2
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from agreementgen.language import N_
from agreementgen.render.bounds import (
    MAX_LENGTH,
    BoundedCodeGenerator,
    BoundedEscapeFormatter,
    BoundedFormatter,
    bounded_filter,
    bounded_range,
    check_binop,
    check_call,
    check_value,
    join_written,
    limit,
    size_of,
)
from agreementgen.source.templates import (
    TEMPLATE_DIR,
    Templates,
    find_template,
    read_template,
    template_files,
)

# Compiled Word parts kept per environment: each template has a body, headers, footers and
# properties; two templates (agreement and document) and their variants fit many times over.
MAX_COMPILED = 64


# -- the environment ----------------------------------------------------------------------------


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with bounds on the size of what templates make.

    The sandbox already refuses attributes starting with '_' and Python internals (function
    globals, code objects, frames), and methods that change lists and dicts. The bounds sit
    where a template makes or writes a value: the operators, calls, filters, formats, `~`,
    what `{{ }}` writes (`_finalize`) and what a template's text is joined into (`concat`).
    """

    intercepted_binops = frozenset({"**", "*", "+", "-", "%"})
    code_generator_class = BoundedCodeGenerator
    concat = staticmethod(join_written)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, jinja2.Template] = {}
        self.filters = {name: bounded_filter(name, f) for name, f in self.filters.items()}
        self.globals["range"] = bounded_range

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
        """Refuse a power, product, repetition, sum or format too large to compute or hold."""
        check_binop(op, left, right)
        return super().call_binop(context, op, left, right)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Call what a template calls; refuse a text method that would make too long a text,
        and a result too large."""
        if isinstance(obj, MethodType | BuiltinMethodType):
            args = check_call(obj, args, kwargs)
        result = super().call(context, obj, *args, **kwargs)
        if not isinstance(result, str) or len(result) > MAX_LENGTH:  # texts are most: quick
            name = getattr(obj, "__name__", None)
            if isinstance(name, str):
                check_value(result, "{name}()", name=name)
            else:
                check_value(result, N_("the call"))
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """str.format and format_map, with a formatter that bounds what they write."""
        # Asked of every attribute a template reads: most are no method at all.
        if not isinstance(value, MethodType | BuiltinMethodType):
            return None
        text = value.__self__
        if not isinstance(text, str) or super().wrap_str_format(value) is None:
            return None
        mapping = value.__name__ == "format_map"

        def bounded(*args: Any, **kwargs: Any) -> str:
            if mapping:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument, a mapping")
                kwargs = args[0]
                args = ()
            formatter = (
                BoundedEscapeFormatter(self, escape=text.escape)
                if isinstance(text, Markup)
                else BoundedFormatter(self)
            )
            return type(text)(formatter.vformat(text, args, kwargs))

        return functools.update_wrapper(bounded, value)

    def joined(self, operands: tuple[Any, ...], escaping: bool) -> str:
        """`a ~ b ~ …`: the operands written out as text one after the other."""
        limit(sum(size_of(operand) for operand in operands), N_("joining these with '~'"))
        return markup_join(operands) if escaping else str_join(operands)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Refuse what the sandbox allows but a template must not touch: files (a Path's
        read_text), and the template machinery (an environment, a search path)."""
        if isinstance(obj, UNTOUCHABLE) or isinstance(value, UNTOUCHABLE):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))


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
    its escapes kept; anything else is left to autoescape. A value too large to write out
    (a list built by nesting) is refused before it is turned into text."""
    check_value(value, N_("writing this value"))
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
