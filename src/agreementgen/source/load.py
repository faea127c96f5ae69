"""Load stage: read agreement YAML as untrusted input, keeping line/column positions."""

from __future__ import annotations

import datetime
import math
import re
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode
from ruamel.yaml.parser import Parser
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scalarfloat import ScalarFloat
from ruamel.yaml.scalarstring import LiteralScalarString
from ruamel.yaml.scanner import Scanner
from ruamel.yaml.tokens import ScalarToken

from agreementgen.errors import Diagnostic, display_path
from agreementgen.language import N_, current_language, tr
from agreementgen.source.confine import Outside, confined
from agreementgen.source.fast_yaml import read_tree
from agreementgen.source.habits import Split, flow_splits, split_texts

MAX_FILE_BYTES = 2_000_000
MAX_DEPTH = 64

# Explicit tags a plain data file may carry; anything else (!!python/..., custom !tags) is refused.
_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")
}
# Characters a value may not hold even when a quoted scalar writes them as an escape ("\x07",
# "\0", "\ud800"): C0 and C1 controls other than tab, line feed, carriage return and NEL, DEL,
# lone surrogates and the non-characters U+FFFE/U+FFFF. Word's XML cannot hold them, and no
# agreement needs them.
_FORBIDDEN_CHARACTER = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
_NO_KEY = object()  # what _map_key returns for a key that is not there (None is a key: `~:`)
_MERGE_TAG = "tag:yaml.org,2002:merge"  # what a plain `<<` key resolves to
# The tag the composer gives the stand-in for a key written as a list or mapping; no file can
# write it, as the composer refuses every tag but _ALLOWED_TAGS before building the node.
_NOT_TEXT_KEY_TAG = "tag:agreementgen,2025:not-text-key"


@dataclass(frozen=True)
class Source:
    """One loaded YAML file: its text, its round-trip tree and its plain data.

    `splits` are the numbers written with a decimal comma inside `{ }` or `[ ]`, which YAML
    reads as two entries (`{value: 88,40}`: 88 and a key 40). The key made of the decimals
    is left out of `data`, so that no stage takes it for a key of its own: the model stage
    reports each such number once, at the number.
    """

    path: Path
    text: str
    tree: Any
    data: Any
    name: str = ""
    splits: tuple[Split, ...] = ()

    @property
    def display(self) -> str:
        """Return the path as diagnostics print it."""
        return display_path(self.path)

    def position(self, loc: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        """Return the 1-based (line, col) of the value at `loc`, or of its key with `key=True`.

        A location that does not exist in the file (a missing field) resolves to the
        closest existing ancestor, so the diagnostic points at the mapping that lacks it.
        """
        return locate(self.tree, loc, key=key)

    def text_position(self, loc: Sequence[str | int], offset: int) -> tuple[int, int]:
        """Return the 1-based (line, col) of character `offset` inside the string at `loc`.

        Literal block scalars (`text: |`) map line for line; other scalars give their start.
        """
        line, col = self.position(loc)
        node = self.tree
        for step in loc:
            node = node[_map_key(node, step)] if isinstance(node, CommentedMap) else node[step]
        if not isinstance(node, LiteralScalarString):
            return line, col
        before = str(node)[:offset]
        lines = self.text.splitlines()
        first = line  # the line after the '|' (0-based index == 1-based line of '|')
        indent = len(lines[first]) - len(lines[first].lstrip(" ")) if first < len(lines) else 0
        within = before.count("\n")
        return first + within + 1, indent + len(before) - (before.rfind("\n") + 1) + 1


def locate(tree: Any, loc: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
    """Follow `loc` through a round-trip tree and return a 1-based (line, col).

    A scalar resolves to its value; a mapping or list to the key that holds it, which is
    where a reader looks. With `key=True` the last step resolves to its key.
    """
    node = tree
    best = (1, 1)
    if isinstance(node, CommentedMap | CommentedSeq) and node.lc.line is not None:
        best = (node.lc.line + 1, node.lc.col + 1)
    for index, step in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, CommentedMap):
            found = _map_key(node, step)
            if found is _NO_KEY:
                break
            child = node[found]
            # An empty value has no position of its own (ruamel gives the next token's).
            on_key = isinstance(child, CommentedMap | CommentedSeq) or child is None
            line, col = node.lc.key(found) if (key and last) or on_key else node.lc.value(found)
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            child = node[step]
            line, col = node.lc.item(step)
        else:
            break
        best = (line + 1, col + 1)
        node = child
    return best


def _map_key(node: CommentedMap, step: str | int) -> Any:
    """Return the key of `node` that `step` names (keys such as 2025 or true arrive as text)."""
    if isinstance(step, _Spelt):
        return step.key
    if step in node:
        return step
    return next((k for k in node if key_text(k) == str(step)), _NO_KEY)


def key_text(key: Any) -> str:
    """Return a mapping key as text, spelt as YAML spells it."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


class _Rejected(Exception):
    """A construct the loader refuses, raised from inside the composer."""

    def __init__(self, mark: Any, code: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.mark = mark
        self.code = code
        self.message = message
        self.hint = hint


class _SafeComposer(Composer):
    """Refuse aliases (alias bombs), non-data tags and absurd nesting before any node is built."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Node:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            raise _Rejected(
                event.start_mark,
                "AG113",
                tr("YAML aliases are not allowed (*{anchor})").format(anchor=event.anchor),
                tr("write the value out in full; agreements are read by people, not deduplicated"),
            )
        tag = getattr(event, "ctag", None) or getattr(event, "tag", None)
        if tag is not None and str(getattr(tag, "value", tag)) not in _ALLOWED_TAGS | {"!"}:
            shown = str(getattr(tag, "value", tag)).replace("tag:yaml.org,2002:", "!!")
            raise _Rejected(
                event.start_mark,
                "AG112",
                tr("YAML tag {tag} is not allowed").format(tag=shown),
                tr("agreement files hold plain data: remove the tag"),
            )
        nested = isinstance(event, MappingStartEvent | SequenceStartEvent)
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _Rejected(
                    event.start_mark,
                    "AG116",
                    tr("nesting deeper than {most} levels").format(most=MAX_DEPTH),
                )
        try:
            node: Node = super().compose_node(parent, index)
        finally:
            if nested:
                self._depth -= 1
        is_key = isinstance(parent, MappingNode) and index is None  # how ruamel composes a key
        return _checked_key(node) if is_key else node


def _checked_key(node: Node) -> Node:
    """Refuse a merge key (`<<:`); stand a scalar in for a key written as a list or mapping.

    A merge key copies the keys of another mapping in without positions of their own, so no
    diagnostic could point at them; like an alias it deduplicates what people should read.
    ruamel builds a list or mapping key as a tuple or frozen mapping of what it holds, which
    cannot be hashed when that holds a list or mapping (`? - text: x`): the stand-in builds
    a _NotTextKey instead, which _bad_keys reports beside the file's other problems.
    """
    if isinstance(node, ScalarNode):
        if node.tag == _MERGE_TAG:
            raise _Rejected(
                node.start_mark,
                "AG113",
                tr("YAML merge keys (<<) are not allowed"),
                tr("write the keys out in full; agreements are read by people, not deduplicated"),
            )
        return node
    kind = "mapping" if isinstance(node, MappingNode) else "list"
    return ScalarNode(_NOT_TEXT_KEY_TAG, kind, node.start_mark, node.end_mark)


class _NotTextKey:
    """A key written as a list or mapping (`? [a, b]`): only what it was, as it is refused.

    Each is a key of its own (hashed by identity), so two in one mapping are both reported.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "list" or "mapping"

    def __str__(self) -> str:
        return "[...]" if self.kind == "list" else "{...}"


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that leaves dates as text, so the model reports bad ones."""

    def construct_not_text_key(self, node: ScalarNode) -> _NotTextKey:
        return _NotTextKey(node.value)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)
_Constructor.add_constructor(_NOT_TEXT_KEY_TAG, _Constructor.construct_not_text_key)


def yaml_parser() -> YAML:
    """Return the round-trip YAML parser that refuses aliases, tags and deep nesting.

    The round-trip constructor gives every mapping and list its line and column; the plain
    scanner and parser skip collecting comments, which nothing reads (fmt works on the text)
    and which took a fifth of the time to load a file.
    """
    yaml = YAML(typ="rt", pure=True)
    yaml.Scanner = Scanner
    yaml.Parser = Parser
    yaml.Composer = _SafeComposer
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    return yaml


def load_yaml(
    path: Path, *, name: str = "", folder: Path | None = None
) -> tuple[Source | None, list[Diagnostic]]:
    """Read and parse one YAML file; `name` is its path inside its agreement folder `folder`.

    A file that is a link leading out of `folder` is refused without being opened.
    Returns the loaded source, or None and the diagnostics that explain why not.

    libyaml reads the file (fast_yaml.read_tree) when the file is plain data it reads exactly
    as ruamel.yaml does; anything unusual or wrong in it, and any libyaml error, sends the
    file to ruamel (parse_tree), so every diagnostic is ruamel's. Both give the same tree.
    """
    shown = display_path(path)
    if folder is not None and (outside := _outside(path, folder, shown)) is not None:
        return None, [outside]
    text, problem = _read_text(path, shown)
    if problem is not None:
        return None, [problem]
    assert text is not None
    tree = read_tree(text, yaml_parser().constructor, MAX_DEPTH)
    if tree is None:
        tree, problem = parse_tree(text, shown)
        if problem is not None:
            return None, [problem]
    problems = [
        Diagnostic(shown, *locate(tree, loc, key=key), code, message, hint=hint)
        for loc, key, code, message, hint in _bad_text(tree)
    ]
    if problems:
        return None, problems
    splits = tuple(flow_splits(tree, text))
    data = to_plain(tree)
    for split in splits:
        if split.in_mapping:
            _drop(data, split.after)
    source = Source(path, text, tree, data, name=name or path.name, splits=splits)
    return source, []


def parse_tree(text: str, shown: str) -> tuple[Any, Diagnostic | None]:
    """Read `text` with ruamel.yaml: its round-trip tree, or the diagnostic that says why not.

    load_yaml reads a file here when the fast path (fast_yaml.read_tree) leaves it to ruamel:
    for whatever is unusual or wrong in it, so its diagnostics are always ruamel's.
    An empty file gives an empty mapping.
    """
    try:
        tree = yaml_parser().load(text)
    except _Rejected as exc:
        return None, _at_mark(shown, exc.mark, exc.code, exc.message, exc.hint)
    except ReaderError as exc:
        line, col = _offset_to_position(text, exc.position)
        return None, Diagnostic(
            shown,
            line,
            col,
            "AG111",
            tr("control character {char} is not allowed in YAML").format(
                char=_codepoint(exc.character)
            ),
            hint=tr("remove it; tabs are allowed only inside quoted text"),
        )
    except MarkedYAMLError as exc:
        return None, _syntax_error(shown, exc, text)
    except (YAMLError, RecursionError) as exc:
        message = tr("YAML could not be read: {error}").format(error=exc)
        return None, Diagnostic(shown, 0, 0, "AG100", message)
    return (CommentedMap() if tree is None else tree), None


def _drop(data: Any, loc: Sequence[str | int]) -> None:
    """Remove the key at `loc` from the plain data."""
    for step in loc[:-1]:
        data = data[step]
    del data[loc[-1]]


def _outside(path: Path, folder: Path, shown: str) -> Diagnostic | None:
    try:
        confined(path, folder)
    except Outside as exc:
        # Said in whole sentences, each with what confine.Outside's reason says.
        if exc.target is None:  # a loop of links
            message = tr(
                "file cannot be read: it is a link that leads back to itself (a loop of links)"
            )
            return Diagnostic(shown, 0, 0, "AG121", message)
        message = tr("the file leads outside the agreement folder through a link")
        hint = tr("copy the file into the agreement folder: agreementgen reads nothing outside it")
        return Diagnostic(shown, 0, 0, "AG125", message, hint=hint)
    return None


_FILE_TYPES = {
    stat.S_IFDIR: N_("file cannot be read: it is a folder, not a file"),
    stat.S_IFIFO: N_("file cannot be read: it is a named pipe, not a file"),
    stat.S_IFCHR: N_("file cannot be read: it is a device, not a file"),
    stat.S_IFBLK: N_("file cannot be read: it is a device, not a file"),
    stat.S_IFSOCK: N_("file cannot be read: it is a socket, not a file"),
}
_NOT_REGULAR = N_("file cannot be read: it is not a regular file, not a file")


def _read_text(path: Path, shown: str) -> tuple[str | None, Diagnostic | None]:
    """Read a file's text: a regular file, at most MAX_FILE_BYTES, never more than that.

    The size is checked before reading, and the read stops after the limit anyway, so a huge
    file (or one that grows meanwhile) is refused without being read; a named pipe or a
    device is refused without being opened, as opening one can wait forever.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            what = _FILE_TYPES.get(stat.S_IFMT(info.st_mode), _NOT_REGULAR)
            return None, Diagnostic(shown, 0, 0, "AG121", tr(what))
        raw = b""
        if info.st_size <= MAX_FILE_BYTES:
            with path.open("rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        if info.st_size > MAX_FILE_BYTES or len(raw) > MAX_FILE_BYTES:
            size = max(info.st_size, len(raw))
            return None, Diagnostic(
                shown,
                0,
                0,
                "AG114",
                tr("file is {size} bytes; the limit is {most}").format(
                    size=_thousands(size), most=_thousands(MAX_FILE_BYTES)
                ),
                hint=tr("an agreement is text: move images to files/ and refer to them"),
            )
    except FileNotFoundError:
        hint = ""
        if path.is_symlink():
            hint = tr("it is a link to {target!r}, which does not exist").format(
                target=str(path.readlink())
            )
        return None, Diagnostic(shown, 0, 0, "AG120", tr("file not found"), hint=hint)
    except OSError as exc:
        message = tr("file cannot be read: {reason}").format(reason=exc.strerror)
        return None, Diagnostic(shown, 0, 0, "AG121", message)
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line, col = _offset_to_position(raw[: exc.start].decode("utf-8", "replace"), None)
        return None, Diagnostic(
            shown,
            line,
            col,
            "AG110",
            tr("file is not UTF-8 (byte 0x{byte:02x})").format(byte=raw[exc.start]),
            hint=tr("save the file as UTF-8; Danish letters æ ø å need it"),
        )


def _thousands(value: int) -> str:
    """A number with thousands marked as the current language marks them: 2,000,000 or
    2.000.000."""
    text = f"{value:,}"
    return text.replace(",", ".") if current_language() == "da" else text


def _codepoint(character: str | int) -> str:
    """Show a control character as '\\x07': ruamel hands over a str or its code point."""
    code = character if isinstance(character, int) else ord(character)
    return repr(chr(code))


def _offset_to_position(text: str, offset: int | None) -> tuple[int, int]:
    before = text if offset is None else text[:offset]
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    return line, col


def _at_mark(shown: str, mark: Any, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(shown, mark.line + 1, mark.column + 1, code, message, hint=hint)


_UNCLOSED = {
    "while parsing a flow sequence": N_(
        "the list that starts on line {line}, column {column} is not closed with ']'"
    ),
    "while parsing a flow mapping": N_(
        "the mapping that starts on line {line}, column {column} is not closed with '}}'"
    ),
    "while scanning a quoted scalar": N_(
        "the quoted text that starts on line {line}, column {column} is not closed"
    ),
}


def _syntax_error(shown: str, exc: MarkedYAMLError, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "syntax error").strip()
    context = (exc.context or "").strip()
    if "duplicate key" in problem:
        key = problem.split('"')[1] if '"' in problem else ""
        if (split := _split_duplicate(text, mark)) is not None:
            line, col, message, hint = split
            return Diagnostic(shown, line, col, "AG103", message, hint=hint)
        first = _first_key_line(text, key, exc.context_mark, mark)
        return _at_mark(
            shown,
            mark,
            "AG115",
            tr("duplicate key {key!r}").format(key=key),
            hint=tr("first defined on line {line}").format(line=first),
        )
    hint = ""
    if (quote := _runaway_quote(text, mark)) is not None:
        # A quote left open swallows the lines after it up to the next quote mark, and the
        # parser trips over what follows that one, far below the mistake.
        return _at_mark(
            shown,
            quote,
            "AG100",
            tr("YAML syntax error: quoted text is not closed on its line"),
            tr("the text runs on to line {line}; end it with the quote mark it starts with").format(
                line=mark.line + 1
            ),
        )
    message = ""  # a sentence of our own; else ruamel's problem is said as it says it
    if "'\\t'" in problem:
        lines = text.splitlines()
        before = lines[mark.line][: mark.column] if mark.line < len(lines) else ""
        if before.strip(" \t"):
            message = tr("YAML syntax error: tab character after a ':' or '-'")
            hint = tr("write a space instead of the tab")
        else:
            message = tr("YAML syntax error: tab character used for indentation")
            hint = tr("indent with spaces")
    elif "expected <block end>" in problem:
        hint = tr("a line here is indented more or less than the lines of its list or mapping")
    elif "end of stream" in problem and "quoted" in context and exc.context_mark is not None:
        # The quote runs to the end of the file: point at where it starts.
        mark, message = exc.context_mark, tr("YAML syntax error: quoted text is not closed")
        hint = tr("end it with the quote mark it starts with")
    elif "could not find expected ':'" in problem and exc.context_mark is not None:
        mark = exc.context_mark  # the line that lacks it, not the next one
        hint = tr("each line of a mapping is `key: value`")
    elif "mapping values are not allowed" in problem:
        hint = tr("a ':' and a space start a key: indent the line as its neighbours, or quote text")
    elif "cannot start any token" in problem:
        hint = tr('text that starts with such a character must be quoted: "..."')
    elif "unknown escape character" in problem:
        hint = tr("in double quotes a backslash starts an escape: write two, or use single quotes")
    elif context in _UNCLOSED and exc.context_mark is not None:
        start = exc.context_mark
        hint = tr(_UNCLOSED[context]).format(line=start.line + 1, column=start.column + 1)
    elif context and problem.startswith("but "):
        problem = f"{context}, {problem}"
    message = message or tr("YAML syntax error: {problem}").format(problem=problem)
    return _at_mark(shown, mark, "AG100", message, hint)


def _split_duplicate(text: str, mark: Any) -> tuple[int, int, str, str] | None:
    """A duplicate key made of the decimals of two numbers written with a decimal comma in
    one flow mapping (`{a: 38,5, b: 12,5}` has the key 5 twice): (line, col, message, hint)
    for the second number, or None."""
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    found = None
    for number in _NUMBER_BEFORE_COMMA.finditer(line[: mark.column]):
        found = number
    digits = re.match(r"\d+", line[mark.column :])
    if found is None or digits is None or found.end() != mark.column:
        return None
    texts = split_texts(f"{found[1]},{digits.group()}")
    if texts is None:
        return None
    return mark.line + 1, found.start(1) + 1, *texts


# A number right before a comma, at the start of a flow value: `: 38,` or `[12,`.
_NUMBER_BEFORE_COMMA = re.compile(r"(?<=[\s\[{,:])([-+]?\d+(?:\.\d+)*),")


def _runaway_quote(text: str, mark: Any) -> Any:
    """The start of a quoted text that spans lines and ends just before a syntax error at
    `mark`, or None: that is a quote left open, not a text meant to span lines."""
    if mark is None:
        return None
    try:
        for token in YAML(typ="rt", pure=True).scan(text):
            end = token.end_mark
            if (end.line, end.column) > (mark.line, mark.column):
                break
            quoted = isinstance(token, ScalarToken) and token.style in ('"', "'")
            if quoted and token.start_mark.line < end.line == mark.line:
                return token.start_mark
    except YAMLError:
        pass  # the scanner stops further on; what was read before is what matters
    return None


def _first_key_line(text: str, key: str, start: Any, duplicate: Any) -> int:
    """Find the line of the first `key:` at the duplicate's indentation, inside its mapping."""
    lines = text.splitlines()
    first_line = start.line if start is not None else 0
    for number in range(first_line, duplicate.line):
        line = lines[number]
        body = line[duplicate.column :]
        indent_ok = not line[: duplicate.column].strip(" -")
        if indent_ok and body.startswith((f"{key}:", f'"{key}":', f"'{key}':")):
            return number + 1
    return first_line + 1


def _bad_text(
    node: Any, loc: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], bool, str, str, str]]:
    """Yield (loc, at_key, code, message, hint) for each key or value that cannot be data.

    A key must be a scalar (`? [a, b]` makes a list a key), and unique once read as text
    (`2026:` and `'2026':` are one key); no text may hold the characters of
    _FORBIDDEN_CHARACTER, which a double-quoted scalar can write as escapes although the
    reader refuses them raw, nor invisible ones; a number must fit what it is shown with.
    """
    if isinstance(node, CommentedMap):
        yield from _bad_keys(node, loc)
        for key, value in node.items():
            if not isinstance(key, _NotTextKey):
                yield from _bad_text(value, (*loc, key_text(key)))
    elif isinstance(node, CommentedSeq):
        for index, value in enumerate(node):
            yield from _bad_text(value, (*loc, index))
    elif isinstance(node, str):
        if (bad := _bad_character(node)) is not None:
            what, fields, hint = bad
            problem = tr(_IN_TEXT[what]).format(**fields)
            yield loc, False, "AG111", f"{dotted(loc)}: {problem}", hint
    elif (wrong := _bad_number(node)) is not None:
        hint = tr(_NUMBER_HINT).format(most=MAX_DIGITS)
        yield loc, False, "AG109", f"{dotted(loc)}: {wrong}", hint


def _bad_keys(
    node: CommentedMap, loc: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], bool, str, str, str]]:
    where = f"{dotted(loc)}: " if loc else ""
    seen: dict[str, Any] = {}
    for key in node:
        at = (*loc, key_text(key))
        if isinstance(key, _NotTextKey):
            problem = (
                tr("a key must be text, not a mapping")
                if key.kind == "mapping"
                else tr("a key must be text, not a list")
            )
            hint = tr("a key is a plain word, e.g. area_name")
            yield (*loc, _Spelt(key)), True, "AG103", f"{where}{problem}", hint
            continue
        if isinstance(key, str) and (bad := _bad_character(key)) is not None:
            what, fields, _ = bad
            problem = tr(_IN_KEY[what]).format(key=key, **fields)
            yield at, True, "AG111", f"{where}{problem}", tr("remove it")
        first = seen.setdefault(key_text(key), key)
        if first is not key:
            # The parser caught keys spelt alike; these differ until read as text: 2026 and
            # '2026', true and 'true'. The model sees text keys, so one would be lost.
            line = node.lc.key(first)[0] + 1
            yield (
                (*loc, _Spelt(key)),
                True,
                "AG115",
                where + tr("duplicate key {key!r}").format(key=key_text(key)),
                tr("first defined on line {line} as {first}; {second} is the same key").format(
                    line=line, first=_spelling(first), second=_spelling(key)
                ),
            )


class _Spelt(str):
    """A location step that names one key exactly, where several read as the same text."""

    key: Any

    def __new__(cls, key: Any) -> _Spelt:
        step = super().__new__(cls, key_text(key))
        step.key = key
        return step


def _spelling(key: Any) -> str:
    if isinstance(key, str):
        return tr("the text {key!r}").format(key=key)
    if isinstance(key, bool) or key is None:
        return key_text(key)
    return tr("the number {number}").format(number=key_text(key))


# Characters nobody sees: zero-width spaces and joiners, byte-order marks, the controls that
# turn text right to left (which can make a line read other than it is stored). The soft
# hyphen (U+00AD) is not among them: it marks where a long word may break. This is Unicode's
# category Cf without U+00AD; a test holds the two in step.
_INVISIBLE = re.compile(
    "[\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd"
    "\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)


# What is said of a character no document may hold (_bad_character's kinds), in a text
# value and in a key.
_IN_TEXT = {
    "control": N_("control character {char} is not allowed in text"),
    "surrogate": N_("a lone surrogate {char} is not allowed in text"),
    "noncharacter": N_("the non-character {char} is not allowed in text"),
    "invisible": N_("the invisible character U+{code} ({name}) is not allowed in text"),
}
_IN_KEY = {
    "control": N_("key {key!r} holds control character {char}"),
    "surrogate": N_("key {key!r} holds a lone surrogate {char}"),
    "noncharacter": N_("key {key!r} holds the non-character {char}"),
    "invisible": N_("key {key!r} holds the invisible character U+{code} ({name})"),
}


def _bad_character(text: str) -> tuple[str, dict[str, str], str] | None:
    """Find the first character of `text` no document may hold: its kind (a key of _IN_TEXT
    and _IN_KEY), the fields those sentences name it with, and a hint; or None."""
    if found := _FORBIDDEN_CHARACTER.search(text):
        char = found.group()
        what = "control"
        if "\ud800" <= char <= "\udfff":
            what = "surrogate"
        elif char in "\ufffe\uffff":
            what = "noncharacter"
        hint = tr("remove it; in quoted text an escape such as \\x07 writes the same character")
        return what, {"char": _codepoint(char)}, hint
    if found := _INVISIBLE.search(text):
        char = found.group()
        name = unicodedata.name(char, "FORMAT CHARACTER")
        hint = tr(
            "remove it; invisible characters come along unseen with text pasted from elsewhere"
        )
        return "invisible", {"code": f"{ord(char):04X}", "name": name}, hint
    return None


# The most digits a number may have: what Excel keeps of a number and what a decimal
# computation of sums and shares holds exactly, with room to spare. An amount in kroner
# or a count of homes needs far fewer; more is a typo (or an attempt to break the build).
MAX_DIGITS = 15
_NUMBER_HINT = N_("numbers have at most {most} digits")


def _bad_number(value: Any) -> str | None:
    """Say why a number read from YAML cannot be used as written, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int):
        digits = len(str(abs(value)))
    elif not math.isfinite(value):
        return None  # the model says where a finite number is needed
    else:
        number = _decimal(value) if isinstance(value, ScalarFloat) else Decimal(repr(value))
        digits = max(len(number.as_tuple().digits), number.adjusted() + 1)
    if digits > MAX_DIGITS:
        return tr("number has {digits} digits; the most is {most}").format(
            digits=digits, most=MAX_DIGITS
        )
    return None


def closing_comments(lines: Sequence[str], column: int) -> int:
    """Return how many of the comment `lines` above a key at `column` close the entry above
    it instead: those indented deeper than the key, with the blank lines between them.

    fmt keeps them with the entry above when it reorders keys, and `new` when it deletes one.
    """
    cut = 0
    for index, text in enumerate(lines):
        if not text.strip():
            continue
        if len(text) - len(text.lstrip(" ")) <= column:
            break
        cut = index + 1
    return cut


def dotted(path: Sequence[str | int]) -> str:
    """Return a path like `parties[1].signatory.name`."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def to_plain(node: Any) -> Any:
    """Turn a round-trip tree into plain dicts, lists, str, int, bool, None and Decimal.

    Floats become Decimal with the number of decimals the author wrote, so "2.00" renders
    as "2,00" and not "2,0".
    """
    if isinstance(node, CommentedMap):
        return {key_text(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [to_plain(v) for v in node]
    if isinstance(node, ScalarFloat):
        return _decimal(node)
    if isinstance(node, bool | int | type(None)):
        return node
    if isinstance(node, float):
        return Decimal(repr(node))
    if isinstance(node, datetime.date):
        return node.isoformat()
    return str(node)


def _decimal(value: ScalarFloat) -> Decimal:
    width, prec = getattr(value, "_width", None), getattr(value, "_prec", None)
    if getattr(value, "_exp", None) is None and width and prec is not None and prec >= 0:
        decimals = width - prec - 1
        if decimals >= 0:
            return Decimal(f"{float(value):.{decimals}f}")
    return Decimal(repr(float(value)))
