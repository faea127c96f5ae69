"""Fast reading of agreement YAML: libyaml parses, and the tree is built as ruamel builds it.

ruamel.yaml's pure-Python scanner and parser were most of the time a build spent loading
files. Here libyaml (PyYAML's C parser) turns the text into events, and `read_tree` builds
from them the round-trip tree ruamel.yaml's loader would: CommentedMap and CommentedSeq with
the same line and column for the mapping, each key, each value and each list item, the same
flow or block style, and the same scalars. Plain scalars are resolved with ruamel's YAML 1.2
rules (`yes`, `on`, `010` and `1:20` stay text or decimal numbers, where libyaml's own
YAML 1.1 rules would make booleans, octals and sexagesimals) and built by ruamel's
constructor, so a number keeps the width and precision ruamel gives it.

The rule: this path reads only a file it reads exactly as ruamel does. For anything else it
returns None and the caller reads the file with ruamel, whose diagnostics stay the only ones.
None comes back for:

- no libyaml (a PyYAML without its C extension);
- any error libyaml raises: syntax, a character it refuses, anything;
- a tab, or a line break that YAML 1.1 knows and 1.2 does not (NEL, LS, PS), anywhere in the
  text: the two parsers disagree on where these may stand;
- a %YAML or %TAG directive, or more than one document;
- an anchor, an alias or an explicit tag (the loader refuses aliases and most tags);
- nesting deeper than the loader allows;
- a key that is not a plain, quoted or block scalar (`? [a, b]`), a duplicate key, `<<`;
- a plain scalar that YAML 1.2 reads as anything but text, a number, a boolean, null or a
  date.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import implicit_resolvers
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

try:
    from yaml import YAMLError
    from yaml.cyaml import CParser
    from yaml.events import (
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
    )
except ImportError:  # PyYAML without libyaml: every file goes the ruamel way
    CParser = None

_STR = "tag:yaml.org,2002:str"
# The tags a plain scalar may resolve to here; `<<` (merge, which the loader refuses) and `=`
# (value) go to ruamel.
_SCALAR_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
}
# ruamel's YAML 1.2 implicit resolvers, by the first character of the scalar ('' for empty).
_RESOLVERS: dict[str, list[tuple[str, Any]]] = {}
for _versions, _tag, _pattern, _firsts in implicit_resolvers:
    if (1, 2) in _versions:
        for _first in _firsts:
            _RESOLVERS.setdefault(_first, []).append((_tag, _pattern))
# Characters on which libyaml (YAML 1.1) and ruamel (YAML 1.2) part ways.
_DISPUTED = ("\t", "\x85", "\u2028", "\u2029", "\ufeff")


class _Unread(Exception):
    """Something this path leaves to ruamel (see the module's docstring)."""


def read_tree(text: str, constructor: RoundTripConstructor, max_depth: int) -> Any:
    """Return the round-trip tree of `text` as ruamel.yaml loads it, or None to read it there.

    `constructor` builds the scalars (the loader's, which leaves dates as text); nesting deeper
    than `max_depth` is left to ruamel, which refuses it. An empty file gives an empty mapping.
    """
    if CParser is None or any(char in text for char in _DISPUTED):
        return None
    parser = CParser(text)
    try:
        return _stream(parser, _Builder(parser, constructor, max_depth))
    except (_Unread, YAMLError):
        return None
    finally:
        parser.dispose()


def _stream(parser: Any, builder: _Builder) -> Any:
    parser.get_event()  # StreamStartEvent
    if isinstance(parser.peek_event(), StreamEndEvent):
        return CommentedMap()
    start = parser.get_event()
    if not isinstance(start, DocumentStartEvent) or start.version or start.tags:
        raise _Unread
    tree = builder.node(0)
    parser.get_event()  # DocumentEndEvent
    if not isinstance(parser.get_event(), StreamEndEvent):
        raise _Unread  # a second document
    return CommentedMap() if tree is None else tree


class _Builder:
    """Builds nodes from the parser's events, one call per node."""

    def __init__(self, parser: Any, constructor: RoundTripConstructor, max_depth: int) -> None:
        self.parser = parser
        self.constructor = constructor
        self.max_depth = max_depth

    def node(self, depth: int) -> Any:
        event = self.parser.get_event()
        kind = type(event)
        if kind is ScalarEvent:
            return self.scalar(event)
        if kind is not MappingStartEvent and kind is not SequenceStartEvent:
            raise _Unread  # an alias
        if event.anchor is not None or event.tag is not None or depth >= self.max_depth:
            raise _Unread
        if kind is MappingStartEvent:
            return self.mapping(event, depth + 1)
        return self.sequence(event, depth + 1)

    def scalar(self, event: Any) -> Any:
        if event.anchor is not None or event.tag is not None:
            raise _Unread
        value, style = event.value, event.style
        if style == "|":
            return LiteralScalarString(value)
        if style == ">":
            return FoldedScalarString(value)
        if style:  # quoted
            return value
        tag = _resolve(value)
        if tag == _STR:
            return value
        if tag not in _SCALAR_TAGS:
            raise _Unread
        node = ScalarNode(tag, value, event.start_mark, event.end_mark)
        return self.constructor.yaml_constructors[tag](self.constructor, node)

    def mapping(self, event: Any, depth: int) -> CommentedMap:
        data = CommentedMap()
        data._yaml_set_line_col(event.start_mark.line, event.start_mark.column)
        parser = self.parser
        while type(parser.peek_event()) is not MappingEndEvent:
            key_event = parser.peek_event()
            if type(key_event) is not ScalarEvent:
                raise _Unread  # a list or mapping as a key
            key = self.node(depth)
            if key in data or (key == "<<" and not key_event.style):
                raise _Unread
            value_mark = parser.peek_event().start_mark
            data[key] = self.node(depth)
            key_mark = key_event.start_mark
            data._yaml_set_kv_line_col(
                key, [key_mark.line, key_mark.column, value_mark.line, value_mark.column]
            )
        parser.get_event()
        if data:
            _set_style(data, event.flow_style)
        return data

    def sequence(self, event: Any, depth: int) -> CommentedSeq:
        data = CommentedSeq()
        data._yaml_set_line_col(event.start_mark.line, event.start_mark.column)
        parser = self.parser
        while type(parser.peek_event()) is not SequenceEndEvent:
            mark = parser.peek_event().start_mark
            data._yaml_set_idx_line_col(len(data), [mark.line, mark.column])
            data.append(self.node(depth))
        parser.get_event()
        if data:
            _set_style(data, event.flow_style)
        return data


def _set_style(data: CommentedMap | CommentedSeq, flow: bool | None) -> None:
    if flow is True:
        data.fa.set_flow_style()
    elif flow is False:
        data.fa.set_block_style()


def _resolve(value: str) -> str:
    """The tag YAML 1.2 gives a plain scalar, as ruamel's resolver gives it."""
    for tag, pattern in _RESOLVERS.get(value[:1], ()):
        if pattern.match(value):
            return str(tag)
    return _STR
