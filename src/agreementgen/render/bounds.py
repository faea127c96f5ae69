"""Bounds on what a template makes: no value past MAX_LENGTH characters or MAX_BITS bits.

Templates are code that the project's users write. A few characters of template ask for far
more than any page (`('x' * 100000) * 100000`, `(10 ** 1000) ** 1000`, a filter that pads to a
billion), so the sandbox (`agreementgen.render.templating`) checks the size of a value where
a template makes or writes one: operators, calls, filters, formats, `~`, and the page's text.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import (
    Callable,
    Generator,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    ValuesView,
)
from types import BuiltinMethodType, MethodType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import MAX_RANGE, SandboxedFormatter, safe_range
from jinja2.utils import Namespace
from markupsafe import EscapeFormatter

from agreementgen.language import N_, current_language, tr

# -- bounds -------------------------------------------------------------------------------------
# A real page is some 100 KB of text, rendered in a tenth of a second with under a megabyte of
# memory. A few characters of template ask for far more (`('x' * 100000) * 100000`, a loop in a
# loop) and would take the build, and the machine, down with them. Each bound is far above
# what the built-in templates and the real agreements use, and far below what hurts.

# `**` and `*`: the documented rules (docs/templates.md), on the operands.
MAX_EXPONENT = 1_000
MAX_REPEAT = 100_000
# The largest whole number a template may make, in bits: about 4,200 digits, made in
# microseconds, and printable (Python prints no number of more than 4,300 digits).
MAX_BITS = 14_000
# The most characters a value a template makes may have (a collection counts its items, and the
# size of each value in it), and the most a template may write. A page carries every picture of
# its document as a data: URI, so photos make it tens of megabytes at most; 50 million
# characters are 50 to 200 MB of memory.
MAX_LENGTH = 50_000_000


class TemplateBound(SecurityError):
    """A template went over one of the sandbox's bounds on size, time or memory."""


def size_of(value: Any) -> int:
    """How large `value` is once written out: the characters of a text, and for a collection
    each of its items (keys and values of a mapping) at its own size, at least 1.

    A collection is counted once per place it appears, as writing it out would repeat it: a
    list holding the same long text ten times is ten texts long. Each collection is measured
    once, so that a value built by nesting many times over is measured quickly.
    """
    if isinstance(value, str | bytes):
        return len(value)  # most values: quicker so
    measured: dict[int, int] = {}

    def measure(item: Any) -> int:
        if isinstance(item, str | bytes):
            return len(item)
        members = _members(item)
        if members is None:
            return 1
        key = id(item)
        if key not in measured:
            measured[key] = 0  # a collection that holds itself counts once
            measured[key] = sum(max(1, measure(member)) for member in members)
        return measured[key]

    return measure(value)


def _members(item: Any) -> Iterable[Any] | None:
    """The values a collection holds (a mapping's keys and values), or None for a non-collection."""
    if isinstance(item, list | tuple | set | frozenset):
        return item
    if isinstance(item, Namespace):
        # A namespace writes out its attributes; Jinja keeps them in this private dict.
        item = getattr(item, "_Namespace__attrs", {})
    if not hasattr(type(item), "__iter__"):
        return None  # most values: numbers, the document's parts (and quicker than the below)
    if isinstance(item, Mapping):
        return (part for pair in item.items() for part in pair)
    if isinstance(item, KeysView | ValuesView | ItemsView):
        return item
    return None


def limit(size: int, doing: str, **fields: Any) -> None:
    """Refuse what would make a value of more than MAX_LENGTH characters.

    `doing` says what would make it, a text marked N_ with `fields` to fill in: it is
    translated only when it is said (the check runs at every step of a template).
    """
    if size > MAX_LENGTH:
        # A width a template gave can have thousands of digits: not worth showing them all.
        if size < _SHOWN:
            message = tr("{doing} would make {amount} characters or items; the most is {most}")
        else:
            size = _SHOWN
            message = tr(
                "{doing} would make more than {amount} characters or items; the most is {most}"
            )
        raise TemplateBound(
            message.format(
                doing=_said(doing, fields), amount=thousands(size), most=thousands(MAX_LENGTH)
            )
        )


_SHOWN = 10**18


def _said(text: str, fields: dict[str, Any]) -> str:
    """A text marked N_, translated and filled in (one without fields is taken as it is)."""
    return tr(text).format(**fields) if fields else tr(text)


def thousands(value: int) -> str:
    """A number with thousands marked as the current language marks them: 50,000 or 50.000."""
    text = f"{value:,}"
    return text.replace(",", ".") if current_language() == "da" else text


def check_value(value: Any, doing: str, **fields: Any) -> None:
    """Refuse a value that a template made, or is about to write, if it is too large."""
    if isinstance(value, str):
        limit(len(value), doing, **fields)
    elif _integer(value):
        _check_bits(value.bit_length(), doing, **fields)
    else:
        limit(size_of(value), doing, **fields)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _count(value: Any) -> int:
    """A width or a count given to a text method or filter (0 when it is not a number)."""
    return max(value, 0) if _integer(value) else 0


def _text_size(value: Any) -> int:
    return len(value) if isinstance(value, str) else size_of(value)


# -- operators ----------------------------------------------------------------------------------


def check_binop(op: str, left: Any, right: Any) -> None:
    """Refuse an operator whose result would be too large to compute or to hold."""
    if op == "**":
        _check_power(left, right)
    elif op == "*":
        _check_product(left, right)
    elif op in ("+", "-") and _integer(left) and _integer(right):
        _check_bits(max(left.bit_length(), right.bit_length()) + 1, _SUMS[op])
    elif op == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        limit(size_of(left) + size_of(right), N_("adding these"))
    elif op == "%" and isinstance(left, str):
        limit(printf_size(left, right), N_("formatting with '%'"))


_SEQUENCES = (str, list, tuple)
_SUMS = {"+": N_("the sum"), "-": N_("the difference")}


def _check_power(base: Any, exponent: Any) -> None:
    if _is_number(exponent) and abs(exponent) > MAX_EXPONENT:
        raise TemplateBound(
            tr("an exponent over {most} is too large for a template").format(
                most=thousands(MAX_EXPONENT)
            )
        )
    if _integer(base) and _integer(exponent) and exponent > 0:
        _check_bits(abs(base).bit_length() * exponent, N_("the power"))


def _check_product(left: Any, right: Any) -> None:
    count, other = (right, left) if _integer(right) else (left, right)
    if _integer(count) and isinstance(other, _SEQUENCES):
        if count > MAX_REPEAT:
            raise TemplateBound(
                tr("repeating a text or list over {most} times is too much").format(
                    most=thousands(MAX_REPEAT)
                )
            )
        limit(size_of(other) * count, N_("repeating it {count} times"), count=thousands(count))
    elif _integer(left) and _integer(right):
        _check_bits(abs(left).bit_length() + abs(right).bit_length(), N_("the product"))


def _check_bits(bits: int, what: str, **fields: Any) -> None:
    if bits > MAX_BITS:
        raise TemplateBound(
            tr("{what} would have about {bits} bits; the most is {most}").format(
                what=_said(what, fields), bits=thousands(bits), most=thousands(MAX_BITS)
            )
        )


def bounded_range(*args: Any) -> range:
    """Jinja's sandboxed range (at most MAX_RANGE numbers), refused as the other bounds are."""
    try:
        return safe_range(*args)
    except OverflowError:
        raise TemplateBound(
            tr("a range of more than {most} numbers is too long").format(most=thousands(MAX_RANGE))
        ) from None


# -- formats ------------------------------------------------------------------------------------

# A printf conversion ('%-10.3f', '%(name)s', '%*d'): its width, its precision and its type.
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?(.)", re.DOTALL)


def printf_size(text: str, values: Any) -> int:
    """At most how long `text % values` is: each conversion writes the largest of the values,
    padded to its width and precision (a '*' one takes the largest number among the values)."""
    items = (
        list(values.values())
        if isinstance(values, Mapping)
        else list(values)
        if isinstance(values, tuple)
        else [values]
    )
    largest = max((size_of(item) for item in items), default=0)
    widest = max((_count(abs(item)) for item in items if _integer(item)), default=0)
    total = len(text)
    for width, precision, kind in _PRINTF.findall(text):
        if kind != "%":
            total += largest + _spec_number(width, widest) + _spec_number(precision, widest)
    return total


def _spec_number(digits: str, star: int) -> int:
    """A width or precision as written in a format ('*' for one taken from the values)."""
    if digits == "*":
        return star
    # Nineteen digits are more than MAX_LENGTH already, and int() of more is slow.
    return int(digits.lstrip("0")[:19] or 0)


def _spec_size(spec: str) -> int:
    """The widths and precisions a str.format spec asks for ('>10', '0=+12.3f')."""
    return sum(_spec_number(digits, 0) for digits in re.findall(r"\d+", spec))


class BoundedFormatter(SandboxedFormatter):
    """The sandbox's str.format, refusing a width or precision, or a text, that would make
    its result longer than MAX_LENGTH."""

    def __init__(self, env: jinja2.Environment, **kwargs: Any) -> None:
        super().__init__(env, **kwargs)
        self.written = 0

    def format_field(self, value: Any, format_spec: str) -> Any:
        limit(self.written + size_of(value) + _spec_size(format_spec), N_("the format"))
        text = super().format_field(value, format_spec)
        self.written += len(text)
        return text


class BoundedEscapeFormatter(BoundedFormatter, EscapeFormatter):
    """The same for Markup.format, which escapes what it fills in."""


# -- text methods and filters -------------------------------------------------------------------


def _replace_size(text: Any, old: Any, new: Any, count: Any = -1) -> int:
    """At most how long `text` is with `old` replaced by `new`, `count` times at most."""
    size = _text_size(text)
    if isinstance(text, str) and isinstance(old, str):
        hits = text.count(old) if old else size + 1
    else:
        hits = size + 1
    if _integer(count) and count >= 0:
        hits = min(hits, count)
    return size + hits * _text_size(new)


def _join_size(separator: Any, items: Iterable[Any]) -> int:
    values = list(items)
    return sum(size_of(value) for value in values) + _text_size(separator) * max(len(values), 1)


def _largest(table: Any) -> int:
    """The longest text a str.translate table maps a character to."""
    values = table.values() if isinstance(table, Mapping) else table
    if not isinstance(values, Iterable) or isinstance(values, str):
        return size_of(values)
    return max((size_of(value) for value in values), default=0)


def _arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], index: int, name: str) -> Any:
    return args[index] if len(args) > index else kwargs.get(name)


def _text_method_size(
    text: str, name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> int:
    """At most how long the result of text method `name` is, for the methods that make a text
    longer than their input many times over; 0 for the others."""
    if name in ("center", "ljust", "rjust", "zfill"):
        return max(len(text), _count(_arg(args, kwargs, 0, "width")))
    if name == "expandtabs":
        tabsize = _arg(args, kwargs, 0, "tabsize")
        return len(text) + text.count("\t") * (_count(tabsize) if tabsize is not None else 8)
    if name == "replace":
        old, new = _arg(args, kwargs, 0, "old"), _arg(args, kwargs, 1, "new")
        return _replace_size(text, old, new, _arg(args, kwargs, 2, "count"))
    if name == "join":
        items = _arg(args, kwargs, 0, "iterable")
        return _join_size(text, items) if isinstance(items, Iterable) else 0
    if name == "translate":
        return len(text) * max(1, _largest(_arg(args, kwargs, 0, "table")))
    return 0


def check_call(
    obj: MethodType | BuiltinMethodType, args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> tuple[Any, ...]:
    """Refuse a text method call that would make too long a text; return the arguments to call
    it with (what str.join joins, as a list: it is counted first)."""
    owner, name = obj.__self__, obj.__name__
    if not isinstance(owner, str):
        return args
    if name == "join" and args and isinstance(args[0], Iterator):
        args = (list(args[0]), *args[1:])
    limit(_text_method_size(owner, name, args, kwargs), "{name}()", name=name)
    return args


# Filters that make a text or list longer than their input many times over: at most how long
# their result is, from their arguments by name. Every filter's input and result are bounded too.
_FILTER_SIZES: dict[str, Callable[[Mapping[str, Any]], int]] = {
    "center": lambda a: _text_size(a["value"]) + _count(a["width"]),
    "indent": lambda a: _indent_size(a["s"], a["width"]),
    "replace": lambda a: _replace_size(a["s"], a["old"], a["new"], a["count"]),
    "join": lambda a: _join_size(a["d"], a["value"]),
    "format": lambda a: printf_size(str(a["value"]), a["kwargs"] or a["args"]),
    "wordwrap": lambda a: _wrap_size(a["s"], a["wrapstring"]),
    "batch": lambda a: _count(a["linecount"]) if a["fill_with"] is not None else 0,
}


_FILTER = N_("the filter {name!r}")


def _indent_size(text: Any, width: Any) -> int:
    lines = text.count("\n") + 1 if isinstance(text, str) else size_of(text) + 1
    step = len(width) if isinstance(width, str) else _count(width)
    return _text_size(text) + lines * step


def _wrap_size(text: Any, wrapstring: Any) -> int:
    # At most a line per character, each ended by the wrap string (a newline by default).
    size = _text_size(text)
    return size + (size + 1) * (len(wrapstring) if isinstance(wrapstring, str) else 1)


def bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap filter `name` so that its input, its result and, where a table above has it, its
    result's size computed beforehand, stay within MAX_LENGTH."""
    estimate = _FILTER_SIZES.get(name)
    signature = inspect.signature(function) if estimate is not None else None
    # Filters marked so (pass_eval_context, …) get the environment or context first.
    skip = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[skip:], *kwargs.values()):
            limit(size_of(value), _FILTER, name=name)
        if estimate is not None and signature is not None:
            args, kwargs = _estimated(name, signature, estimate, args, kwargs)
        result = function(*args, **kwargs)
        check_value(result, _FILTER, name=name)
        return result

    return bounded


def _estimated(
    name: str,
    signature: inspect.Signature,
    estimate: Callable[[Mapping[str, Any]], int],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Refuse a filter call whose result would be too long; return the arguments to make it
    with (the items `join` joins as a list: they are counted first)."""
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return args, kwargs  # the filter itself says what is wrong with its arguments
    bound.apply_defaults()
    if name == "join" and isinstance(bound.arguments["value"], Iterator):
        bound.arguments["value"] = list(bound.arguments["value"])
    limit(estimate(bound.arguments), _FILTER, name=name)
    return bound.args, bound.kwargs


def join_written(pieces: Iterable[str]) -> str:
    """Join what a template wrote (a page, a macro's output, a `set` block), refusing to write
    more than MAX_LENGTH characters.

    A page comes as a generator: the bound, or the watchdog's, is raised inside it, at the line
    of the template being written, so that the diagnostic names the line.
    """
    if not isinstance(pieces, Generator):
        parts = pieces if isinstance(pieces, list) else list(pieces)
        limit(sum(map(len, parts)), N_("the template's text"))
        return "".join(parts)
    parts, size = [], 0
    try:
        for piece in pieces:
            size += len(piece)
            if size > MAX_LENGTH:
                raise TemplateBound(
                    tr("the template writes more than {most} characters").format(
                        most=thousands(MAX_LENGTH)
                    )
                )
            parts.append(piece)
    except TemplateBound as exc:
        if inspect.getgeneratorstate(pieces) != inspect.GEN_SUSPENDED:
            raise
        pieces.throw(exc)
        raise
    return "".join(parts)


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's compiler, but `a ~ b` checks the size of each operand before it is turned into
    text (writing out a list built by nesting can make gigabytes of a small value)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        escaping = (
            "context.eval_ctx.autoescape"
            if frame.eval_ctx.volatile
            else repr(bool(frame.eval_ctx.autoescape))
        )
        self.write("environment.joined((")
        for operand in node.nodes:
            self.visit(operand, frame)
            self.write(", ")
        self.write(f"), {escaping})")
