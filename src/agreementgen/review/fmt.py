"""Format stage: agreement YAML in one canonical form, checked to mean what it meant before.

The canonical form: mapping keys in the order of the model's fields, Markdown prose as
literal block scalars (`|`) with one sentence per line, 2-space indentation with lists
indented under their key. The formatter edits the text rather than re-dumping a YAML tree:
it moves whole lines and rewrites only Markdown scalars, so comments, quotes, numbers as
written (2.00), flow style and blank lines stay as the author wrote them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args, get_origin

from markdown_it.token import Token
from pydantic import BaseModel
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from agreementgen.errors import AgreementError, Diagnostic, display_path
from agreementgen.files import write_atomic
from agreementgen.kinds import KINDS, Kind, document_files, kind_of
from agreementgen.language import ntr, tr
from agreementgen.source.confine import Outside, confined
from agreementgen.source.fields import field_annotations, is_markdown, members
from agreementgen.source.folder import find_agreements

# The formatter must read YAML exactly as `load` does (same refusals, dates as text) and
# Markdown exactly as the renderers do: it takes their parsers, below, rather than its own.
from agreementgen.source.load import closing_comments, load_yaml, to_plain, yaml_parser
from agreementgen.source.names import AGREEMENT_FILE, DEFAULT_ROOT
from agreementgen.text.markdown import parser as markdown_parser
from agreementgen.text.prose import paragraph_sentences

__all__ = [
    "FormatError",
    "FormatReport",
    "YamlFile",
    "find_yaml_files",
    "format_paths",
    "format_text",
]


class FormatError(AgreementError):
    """A file cannot be formatted safely; nothing is written."""


# -- what the model expects where ------------------------------------------------------------

_SEQUENCES = (list, tuple, set, frozenset, Sequence)


def _mapping_shape(annotation: Any, keys: Sequence[str]) -> tuple[dict[str, Any] | None, Any]:
    """Return the fields of the model a mapping with `keys` is (None for a free-form
    mapping) and the annotation of a free-form mapping's values."""
    admitted, _ = members(annotation)
    best: dict[str, Any] | None = None
    score = -1
    for member in admitted:
        if isinstance(member, type) and issubclass(member, BaseModel):
            fields = field_annotations(member)
            found = len(fields.keys() & set(keys))
            if found > score:
                best, score = fields, found
    values = next(
        (get_args(m)[1] for m in admitted if get_origin(m) in (dict, Mapping) and get_args(m)),
        None,
    )
    if best is not None and (score > 0 or values is None):
        return best, None
    return None, values


def _item_shape(annotation: Any) -> Any:
    admitted, _ = members(annotation)
    return next((get_args(m)[0] for m in admitted if get_origin(m) in _SEQUENCES), None)


def _order(keys: Sequence[str], fields: dict[str, Any] | None) -> list[int]:
    """Return the indices of `keys` in canonical order: fields in model order, then the
    unknown keys in the order they were written."""
    rank = {key: index for index, key in enumerate(fields or {})}
    return sorted(range(len(keys)), key=lambda i: (0, rank[keys[i]]) if keys[i] in rank else (1, i))


# -- Markdown: one sentence per line -----------------------------------------------------------


def _markdown_form(text: str) -> tuple[Any, ...]:
    """Return what Markdown means, not how it is written: the token stream with every soft
    line break read as the space it renders as, and no line numbers."""
    return tuple(_token_form(token) for token in markdown_parser().parse(text))


def _token_form(token: Token) -> tuple[Any, ...]:
    if token.type == "inline":
        return ("inline", _inline_form(token.children or []))
    attrs = tuple(sorted((str(k), str(v)) for k, v in token.attrs.items()))
    children = _inline_form(token.children or [])
    return (
        token.type,
        token.tag,
        token.nesting,
        attrs,
        token.info,
        token.markup,
        token.content,
        token.hidden,
        children,
    )


def _inline_form(children: Sequence[Token]) -> tuple[Any, ...]:
    form: list[tuple[Any, ...]] = []
    for child in children:
        if child.type in ("text", "softbreak"):
            text = " " if child.type == "softbreak" else child.content
            if form and form[-1][0] == "text":
                text = form.pop()[1] + text
            form.append(("text", text))
        else:
            form.append(_token_form(child))
    return tuple(form)


def _paragraph_lines(lines: list[str]) -> list[str]:
    """Return a paragraph's lines as one sentence per line, or as they are where joining
    them could change the text (hard breaks, indentation, table-like rows)."""
    for line in lines:
        if line != line.strip() or line.endswith("\\") or line.startswith("|"):
            return lines
        if line.endswith("|"):
            return lines
    return paragraph_sentences(lines)


def _sentence_per_line(text: str) -> str:
    """Put each sentence of the top-level paragraphs of Markdown `text` on its own line.

    Lists, tables, headings, quotes and code are left as written. Every change is checked
    against the parsed Markdown, so a paragraph whose meaning a split would change stays.
    """
    lines = text.split("\n")
    tokens = markdown_parser().parse(text)
    spans = [t.map for t in tokens if t.type == "paragraph_open" and t.level == 0 and t.map]
    changes = []
    for start, end in spans:
        new = _paragraph_lines(lines[start:end])
        if new != lines[start:end]:
            changes.append((start, end, new))
    if not changes:
        return text
    reference = _markdown_form(text)

    def apply(selected: list[tuple[int, int, list[str]]]) -> list[str]:
        result = list(lines)
        for start, end, new in reversed(selected):
            result[start:end] = new
        return result

    candidate = apply(changes)
    if _markdown_form("\n".join(candidate)) == reference:
        return "\n".join(candidate)
    kept = [c for c in changes if _markdown_form("\n".join(apply([c]))) == reference]
    return "\n".join(apply(kept))


# Characters a block scalar cannot hold as they are (YAML line breaks, controls, BOM).
_NOT_LITERAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]")


def _literal_content(value: str) -> list[str] | None:
    """Return the lines of a Markdown value as a literal block should hold them, or None
    when the value is to stay as written (see the README's formatting rules)."""
    text = value.strip("\n")
    if not text.strip() or _NOT_LITERAL.search(text):
        return None
    lines = text.split("\n")
    # Leading blanks on the first line would need an indentation indicator; trailing blanks
    # are Markdown hard breaks that editors strip: both are kept exactly by leaving the value.
    if lines[0][:1] in (" ", "\t") or any(line != line.rstrip() for line in lines):
        return None
    return _sentence_per_line(text).split("\n")


# -- the formatter: moves lines, rewrites Markdown scalars -------------------------------------


class _Layout(Exception):
    """A layout the formatter does not handle; the file is reported and left as it is."""


class _Unchanged(Exception):
    """A flow collection that is to stay exactly as written."""


_STR = "tag:yaml.org,2002:str"
_OTHER_BREAK = re.compile("[\r\x85\u2028\u2029]")
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*")


def _shift(line: str, delta: int) -> str:
    if delta > 0 and line:
        return " " * delta + line
    if delta < 0:
        indent = len(line) - len(line.lstrip(" "))
        return line[min(indent, -delta) :]
    return line


def _is_comment_or_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _empty(node: Node) -> bool:
    """Whether `node` is a value left out (`key:` or a bare `-`), which has no text."""
    return isinstance(node, ScalarNode) and node.style is None and node.value == ""


def _block(node: Node) -> bool:
    return isinstance(node, MappingNode | SequenceNode) and not node.flow_style and bool(node.value)


def _key(node: Node) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else ""


class _Formatter:
    """Formats one document's text; `lines` is edited in place as dashes are moved."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")

    def document(self, root: Node | None, annotation: Any) -> str:
        if root is None or not _block(root):
            return "\n".join(self.lines)
        first = (
            root.value[0][0].start_mark.line
            if isinstance(root, MappingNode)
            else self._dash_line(root.value[0], root.start_mark.column)
        )
        last = self._last_line(root)
        # Comments above the first key are the file's header and stay on top.
        body = self._collection(root, annotation, first, 0)
        return "\n".join(self.lines[:first] + body + self.lines[last + 1 :])

    # -- positions --

    def _end_line(self, line: int, column: int) -> int:
        """Return the line of the last character before position (line, column)."""
        line = min(line, len(self.lines) - 1)
        if not self.lines[line][:column].strip():
            line -= 1
        return line

    def _last_line(self, node: Node) -> int:
        """Return the last line that holds part of `node`."""
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            last = self._end_line(node.end_mark.line, node.end_mark.column)
            header = self.lines[node.start_mark.line][node.start_mark.column :]
            match = _BLOCK_HEADER.match(header)
            if match is None or "+" not in match.group():
                # Blank lines after a block scalar are not its content (except with `|+`).
                while last > node.start_mark.line and not self.lines[last].strip():
                    last -= 1
            return last
        if _block(node) and isinstance(node, MappingNode):
            key, value = node.value[-1]
            return self._entry_last(key, value)
        if _block(node) and isinstance(node, SequenceNode):
            item = node.value[-1]
            if _empty(item):
                return self._dash_line(item, node.start_mark.column)
            return self._last_line(item)
        return self._end_line(node.end_mark.line, node.end_mark.column)

    def _entry_last(self, key: Node, value: Node) -> int:
        return key.end_mark.line if _empty(value) else self._last_line(value)

    def _dash_line(self, item: Node, column: int) -> int:
        """Return the line of the `-` that starts list item `item` (dashes are at `column`)."""
        line = min(int(item.start_mark.line), len(self.lines) - 1)
        if _empty(item) and not self.lines[line][: item.start_mark.column].strip():
            line -= 1  # an empty item's position is that of the next token
        while line >= 0:
            text = self.lines[line]
            dash = text[column : column + 2]
            if not text[:column].strip() and dash in ("-", "- "):
                return line
            line -= 1
        raise _Layout(
            tr("line {line}: a list item without its '-'").format(line=item.start_mark.line + 1)
        )

    def _lead(self, start: int, line: int, delta: int) -> list[str]:
        """Return the comment and blank lines from `start` up to `line`, re-indented."""
        lead = self.lines[start:line]
        for number, text in enumerate(lead, start + 1):
            if not _is_comment_or_blank(text):
                raise _Layout(
                    tr("line {line}: text where a comment or a key was expected").format(
                        line=number
                    )
                )
        return [_shift(text, delta) if text.strip() else "" for text in lead]

    # -- collections --

    def _collection(self, node: Node, annotation: Any, start: int, indent: int) -> list[str]:
        if isinstance(node, MappingNode):
            return self._mapping(node, annotation, start, indent)
        assert isinstance(node, SequenceNode)
        return self._sequence(node, annotation, start, indent)

    def _mapping(self, node: MappingNode, annotation: Any, start: int, indent: int) -> list[str]:
        """Return the lines of a block mapping from `start`, keys at `indent`, in order."""
        keys = [_key(k) for k, _ in node.value]
        fields, values = _mapping_shape(annotation, keys)
        column = node.value[0][0].start_mark.column
        chunks: list[tuple[list[str], list[str]]] = []
        for key_node, value in node.value:
            line = key_node.start_mark.line
            if (
                not isinstance(key_node, ScalarNode)
                or key_node.start_mark.column != column
                or key_node.end_mark.line != line
            ):
                raise _Layout(
                    tr("line {line}: a key that is not a plain text on one line").format(
                        line=line + 1
                    )
                )
            # Comments and blank lines above a key belong to it and move with it, except
            # comments indented deeper than the key: they end the entry above.
            lead = self._lead(start, line, indent - column)
            if chunks:
                cut = closing_comments(self.lines[start:line], column)
                chunks[-1] = (chunks[-1][0], chunks[-1][1] + lead[:cut])
                lead = lead[cut:]
            child = fields.get(_key(key_node)) if fields is not None else values
            body = lead + self._entry(key_node, value, child, column, indent)
            blank = next((i for i, text in enumerate(body) if text), len(body))
            chunks.append((body[:blank], body[blank:]))
            start = self._entry_last(key_node, value) + 1
        order = _order(keys, fields)
        # Blank lines separate groups of keys where the author put them: they stay in their
        # position while the keys move.
        return [
            text
            for position, index in enumerate(order)
            for text in chunks[position][0] + chunks[index][1]
        ]

    def _entry(
        self, key: ScalarNode, value: Node, annotation: Any, column: int, indent: int
    ) -> list[str]:
        delta = indent - column
        line = key.start_mark.line
        if is_markdown(annotation):
            prefix = self.lines[line][key.start_mark.column : key.end_mark.column] + ":"
            literal = self._literal(value, line, key.end_mark.column, prefix, indent)
            if literal is not None:
                return literal
        if _block(value):
            if value.start_mark.line == line:
                raise _Layout(
                    tr("line {line}: a nested mapping on its key's line").format(line=line + 1)
                )
            head = _shift(self.lines[line], delta)
            return [head, *self._collection(value, annotation, line + 1, indent + 2)]
        head = self.lines[line][key.start_mark.column : key.end_mark.column] + ":"
        last = self._entry_last(key, value)
        return self._verbatim(value, annotation, line, last, delta, head)

    def _sequence(self, node: SequenceNode, annotation: Any, start: int, indent: int) -> list[str]:
        """Return the lines of a block sequence from `start`, dashes at `indent`."""
        item_annotation = _item_shape(annotation)
        column = node.start_mark.column
        lines: list[str] = []
        for item in node.value:
            dash = self._dash_line(item, column)
            lines += self._lead(start, dash, indent - column)
            lines += self._item(item, item_annotation, dash, column, indent)
            start = (dash if _empty(item) else self._last_line(item)) + 1
        return lines

    def _item(self, item: Node, annotation: Any, dash: int, column: int, indent: int) -> list[str]:
        delta = indent - column
        if is_markdown(annotation):
            literal = self._literal(item, dash, column + 1, "-", indent)
            if literal is not None:
                return literal
        if _block(item) and item.start_mark.line == dash:
            # Format the item as if the dash were a space, then put the dash back.
            text = self.lines[dash]
            self.lines[dash] = text[:column] + " " + text[column + 1 :]
            return self._put_dash(self._collection(item, annotation, dash, indent + 2), indent)
        if _block(item):
            head = _shift(self.lines[dash], delta)
            return [head, *self._collection(item, annotation, dash + 1, indent + 2)]
        last = dash if _empty(item) else self._last_line(item)
        return self._verbatim(item, annotation, dash, last, delta, "-")

    @staticmethod
    def _put_dash(lines: list[str], indent: int) -> list[str]:
        first = next(i for i, text in enumerate(lines) if not _is_comment_or_blank(text))
        text = lines[first]
        if text[: indent + 2].strip():
            raise _Layout(tr("a list item indented less than its dash"))
        # Comments that moved above the item's first key now sit above its dash.
        above = [_shift(line, -2) for line in lines[:first]]
        return [*above, " " * indent + "- " + text[indent + 2 :], *lines[first + 1 :]]

    def _verbatim(
        self, node: Node, annotation: Any, first: int, last: int, delta: int, head: str
    ) -> list[str]:
        """Return a scalar or flow value's lines as written, re-indented, with one space after
        its `head` ('key:' or '-'); a one-line flow mapping gets its keys in order."""
        lines = [_shift(text, delta) for text in self.lines[first : last + 1]]
        if _empty(node):
            return lines
        text = self.lines[node.start_mark.line]
        value = text[node.start_mark.column :]
        if isinstance(node, MappingNode | SequenceNode) and node.flow_style:
            try:
                flow, changed = self._flow(node, annotation)
            except _Unchanged:
                changed = False
            if changed:
                value = flow + text[node.end_mark.column :]
        if node.start_mark.line != first:
            lines[node.start_mark.line - first] = _shift(
                text[: node.start_mark.column] + value, delta
            )
            return lines
        written = text[: node.start_mark.column]
        if written.rstrip().endswith(head) and not written.rstrip()[: -len(head)].strip():
            indent = len(written) - len(written.lstrip()) + delta
            lines[0] = " " * indent + head + " " + value
        return lines

    def _flow(self, node: Node, annotation: Any) -> tuple[str, bool]:
        """Return a one-line flow collection's text with its keys in order, and whether that
        changed anything. Spacing is normalised only where keys move."""
        if node.start_mark.line != node.end_mark.line:
            raise _Unchanged
        text = self.lines[node.start_mark.line]
        if isinstance(node, ScalarNode):
            if _empty(node):
                raise _Unchanged
            return text[node.start_mark.column : node.end_mark.column], False
        if isinstance(node, SequenceNode):
            item = _item_shape(annotation)
            parts = [self._flow(child, item) for child in node.value]
            return "[" + ", ".join(p for p, _ in parts) + "]", any(c for _, c in parts)
        if not isinstance(node, MappingNode):
            raise _Unchanged
        keys = [_key(k) for k, _ in node.value]
        fields, values = _mapping_shape(annotation, keys)
        order = _order(keys, fields)
        changed = order != list(range(len(keys)))
        entries = []
        for index in order:
            key, value = node.value[index]
            child = fields.get(keys[index]) if fields is not None else values
            key_text, _ = self._flow(key, None)
            value_text, value_changed = self._flow(value, child)
            changed = changed or value_changed
            entries.append(f"{key_text}: {value_text}")
        return "{" + ", ".join(entries) + "}", changed

    def _literal(
        self, node: Node, line: int, after: int, prefix: str, indent: int
    ) -> list[str] | None:
        """Return a Markdown scalar as a literal block scalar under `prefix` ('key:' or '-'),
        or None to keep it as written. `line` and `after` are where its key or dash ends."""
        if not isinstance(node, ScalarNode) or node.tag != _STR or _empty(node):
            return None
        # ruamel marks where a folded scalar was folded with \a; the value has none.
        value = str(node.value).replace("\a", "") if node.style == ">" else str(node.value)
        content = _literal_content(value)
        if content is None:
            return None
        if node.start_mark.line != line:
            return None  # the value starts below its key: keep such a layout as written
        gap = self.lines[line][after : node.start_mark.column]
        if gap.strip() not in ("", ":"):
            return None
        if node.style in ("|", ">"):
            header = self.lines[line][node.start_mark.column :]
            match = _BLOCK_HEADER.match(header)
            rest = header[match.end() :] if match else "?"
        else:
            end = self._end_line(node.end_mark.line, node.end_mark.column)
            rest = self.lines[end][node.end_mark.column :]
        comment = rest.strip()
        if comment and not comment.startswith("#"):
            return None
        head = " " * indent + prefix + " |" + (f" {comment}" if comment else "")
        pad = " " * (indent + 2)
        return [head, *(pad + text if text else "" for text in content)]


# -- the pure core ------------------------------------------------------------------------------


def _parse(text: str) -> tuple[Node | None, Any]:
    """Return the node tree (with positions) and the plain data of YAML `text`."""
    try:
        node = yaml_parser().compose(text)
        data = to_plain(yaml_parser().load(text))
    except Exception as exc:  # any YAML error: the file is reported, never half-formatted
        raise FormatError(
            tr("the YAML cannot be read ({error})").format(error=type(exc).__name__)
        ) from exc
    return node, data


def _format(text: str, node: Node | None, model: type[BaseModel]) -> str:
    try:
        result = _Formatter(text).document(node, model)
    except _Layout as exc:
        raise FormatError(str(exc)) from exc
    return result if result.endswith("\n") else result + "\n"


def _difference(before: Any, after: Any, annotation: Any, where: str = "") -> str | None:
    """Return where two loaded documents differ in data (None if they do not), reading
    Markdown as rendered and numbers as written (2.00 is not 2.0)."""
    shown = where or "the top level"
    if isinstance(before, str) and isinstance(after, str) and is_markdown(annotation):
        return None if _markdown_form(before) == _markdown_form(after) else shown
    if isinstance(before, dict) and isinstance(after, dict):
        if before.keys() != after.keys():
            return shown
        fields, values = _mapping_shape(annotation, list(before))
        for key in before:
            child = fields.get(key) if fields is not None else values
            found = _difference(before[key], after[key], child, f"{where}.{key}" if where else key)
            if found:
                return found
        return None
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return shown
        item = _item_shape(annotation)
        for index, (one, other) in enumerate(zip(before, after, strict=True)):
            found = _difference(one, other, item, f"{where}[{index}]")
            if found:
                return found
        return None
    if type(before) is not type(after):
        return shown
    if isinstance(before, Decimal):
        return None if before.as_tuple() == after.as_tuple() else shown
    return None if before == after else shown


def _first_difference(one: str, other: str) -> int:
    pairs = zip(one.split("\n"), other.split("\n"), strict=False)
    return next((n for n, (a, b) in enumerate(pairs, 1) if a != b), one.count("\n") + 1)


def format_text(text: str, model: type[BaseModel]) -> str:
    """Return YAML `text` in canonical form for `model` (the same string when it already is).

    Like black's safety checks, the result is loaded again and must hold the same data
    (Markdown compared as rendered), and formatting it again must change nothing.

    Raises:
        FormatError: the text cannot be read, has a layout the formatter does not handle, or
            the result would not be equivalent or stable.
    """
    crlf = "\r\n" in text
    source = text.replace("\r\n", "\n") if crlf else text
    odd = _OTHER_BREAK.search(source)
    if odd:
        # YAML counts these as line breaks and the formatter's lines would not match its
        # positions; they are rare (pasted from Word) and best replaced by hand.
        raise FormatError(
            tr("the file holds a line break other than \\n (U+{code:04X})").format(
                code=ord(odd.group())
            )
        )
    node, data = _parse(source)
    result = _format(source, node, model)
    if result != source:
        new_node, new_data = _parse(result)
        where = _difference(data, new_data, model)
        if where is not None:
            raise FormatError(tr("the result would change the data at {where}").format(where=where))
        again = _format(result, new_node, model)
        if again != result:
            line = _first_difference(result, again)
            raise FormatError(
                tr("the result is not stable (a second pass changes line {line})").format(line=line)
            )
    return result.replace("\n", "\r\n") if crlf else result


# -- files ----------------------------------------------------------------------------------------


@dataclass
class FormatReport:
    """What `format_paths` did, file by file, with black's exit codes.

    Attributes:
        write: whether files were written (not --check or --diff).
        check: whether a file that would change is a failure (--check).
        changed, unchanged, failed: the files, as displayed.
        messages: lines for stderr, in order ("reformatted X", diagnostics).
        diffs: unified diffs, for stdout.
    """

    write: bool = True
    check: bool = False
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)

    @property
    def return_code(self) -> int:
        """123 if a file could not be formatted, 1 if one would change under --check, else 0."""
        if self.failed:
            return 123
        return 1 if self.check and self.changed else 0

    def summary(self) -> str:
        """Return black's closing line, e.g. '1 file would be reformatted, 2 files would be
        left unchanged.'."""
        parts = []
        if n := len(self.changed):
            if self.write:
                text = ntr("{count} file reformatted", "{count} files reformatted", n)
            else:
                text = ntr(
                    "{count} file would be reformatted", "{count} files would be reformatted", n
                )
            parts.append(text.format(count=n))
        if n := len(self.unchanged):
            if self.write:
                text = ntr("{count} file left unchanged", "{count} files left unchanged", n)
            else:
                text = ntr(
                    "{count} file would be left unchanged",
                    "{count} files would be left unchanged",
                    n,
                )
            parts.append(text.format(count=n))
        if n := len(self.failed):
            if self.write:
                text = ntr("{count} file failed to reformat", "{count} files failed to reformat", n)
            else:
                text = ntr(
                    "{count} file would fail to reformat", "{count} files would fail to reformat", n
                )
            parts.append(text.format(count=n))
        return ", ".join(parts) + "." if parts else tr("No files to format.")


@dataclass(frozen=True)
class YamlFile:
    """A YAML document to format: its path, its kind, and the agreement folder it is in."""

    path: Path
    kind: Kind
    folder: Path


def find_yaml_files(paths: Sequence[Path]) -> tuple[list[YamlFile], list[Diagnostic]]:
    """Return the YAML documents PATHS name, each with its kind and agreement folder.

    A path may be a YAML file in an agreement folder, an agreement folder (all its documents)
    or a folder of agreement folders (the default is `agreements/`).
    """
    found: dict[Path, YamlFile] = {}
    problems: list[Diagnostic] = []
    for path in paths or [DEFAULT_ROOT]:
        if path.is_file():
            # The folder the file is in, not where a link leads: loading says if that is out.
            where = path.parent.resolve() / path.name
            folder = next((p for p in where.parents if (p / AGREEMENT_FILE).is_file()), None)
            kind = kind_of(path, folder) if folder is not None else None
            if folder is not None and kind is not None:
                found.setdefault(path.resolve(), YamlFile(path, kind, folder))
                continue
            known = ", ".join(k.pattern for k in KINDS)
            problems.append(
                Diagnostic(
                    display_path(path),
                    0,
                    0,
                    "AG117" if folder is not None else "AG119",
                    tr("not a document agreementgen knows")
                    if folder is not None
                    else tr("not in an agreement folder"),
                    hint=tr("document files are: {files}").format(files=known)
                    if folder is not None
                    else tr("an agreement folder holds {file}").format(file=AGREEMENT_FILE),
                )
            )
            continue
        folders, missing = find_agreements([path])
        problems += missing
        for folder in folders:
            for file in [folder / AGREEMENT_FILE, *document_files(folder)]:
                kind = kind_of(file, folder)
                if kind is not None:
                    found.setdefault(file.resolve(), YamlFile(file, kind, folder))
    return list(found.values()), problems


def format_paths(paths: Sequence[Path], *, check: bool = False, diff: bool = False) -> FormatReport:
    """Format the YAML documents PATHS name, as black does.

    By default every file that is not in canonical form is rewritten atomically; with
    `check` or `diff` nothing is written, and `diff` collects unified diffs. A file that
    cannot be formatted safely is reported and left as it is.
    """
    report = FormatReport(write=not (check or diff), check=check)
    files, problems = find_yaml_files(paths)
    for problem in problems:
        report.failed.append(problem.path)
        report.messages.append(problem.format())
    for file in files:
        _format_file(file, report, diff=diff)
    return report


def _format_file(file: YamlFile, report: FormatReport, *, diff: bool) -> None:
    path, kind = file.path, file.kind
    shown = display_path(path)
    source, problems = load_yaml(path, folder=file.folder)
    if source is None:
        report.failed.append(shown)
        report.messages += [problem.format() for problem in problems]
        return
    try:
        formatted = format_text(source.text, kind.model)
    except FormatError as exc:
        report.failed.append(shown)
        message = tr("cannot format: {reason}").format(reason=exc.message)
        report.messages.append(f"{shown}: error: {message}")
        return
    if formatted == source.text:
        report.unchanged.append(shown)
        return
    if diff:
        report.diffs.append(unified_diff(source.text, formatted, shown))
    if report.write:
        try:
            # Through a link to the file it leads to, which loading confined to the folder:
            # replacing the link with a file would cut what it shared.
            _write(confined(path, file.folder), formatted)
        except (OSError, Outside) as exc:
            report.failed.append(shown)
            message = tr("cannot write: {reason}").format(
                reason=getattr(exc, "strerror", None) or exc
            )
            report.messages.append(f"{shown}: error: {message}")
            return
    report.changed.append(shown)
    done = tr("reformatted {file}") if report.write else tr("would reformat {file}")
    report.messages.append(done.format(file=shown))


def _write(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))


def unified_diff(before: str, after: str, shown: str) -> str:
    """Return a unified diff of a file's text before and after formatting."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{shown}\t(original)",
        tofile=f"{shown}\t(formatted)",
    )
    marked = (
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines
    )
    return "".join(marked)
