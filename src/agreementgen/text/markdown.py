"""Markdown prose -> a small block tree that both renderers walk (parsed by markdown-it-py).

Footnotes are written as Pandoc and GitHub write them: "[^1]" where the note is referred to,
and "[^1]: the note" on a line of its own in the same text. A reference becomes a span that
holds its note, so both renderers see it where it stands; they number the notes per
document, 1, 2, 3 ... in the order the document shows them, as Word does.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the parser is imported when prose is first parsed, not with the blocks
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@dataclass(frozen=True)
class Span:
    """A run of inline text with its emphasis; `href` makes it a link; '\\n' is a line break.

    A span with a `note` is a footnote reference: it has no text of its own.
    """

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    note: Note | None = None


Spans = tuple[Span, ...]


@dataclass(frozen=True)
class Note:
    """A footnote's text: its paragraphs as lines."""

    spans: Spans


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline spans."""

    spans: Spans


@dataclass(frozen=True)
class Heading:
    """A heading inside prose; `level` is the Markdown level (### is 3)."""

    level: int
    spans: Spans


@dataclass(frozen=True)
class ListBlock:
    """A bullet or numbered list; each item is a sequence of blocks."""

    ordered: bool
    start: int
    items: tuple[tuple[MdBlock, ...], ...]


@dataclass(frozen=True)
class MdTable:
    """A Markdown (GFM) table; cells are inline spans. `widths` are relative column widths,
    set by the view stage from the content (agreementgen.views.columns)."""

    header: tuple[Spans, ...]
    rows: tuple[tuple[Spans, ...], ...]
    align: tuple[str, ...]
    widths: tuple[int, ...] = ()


@dataclass(frozen=True)
class Quote:
    """A block quote."""

    blocks: tuple[MdBlock, ...]


MdBlock = Paragraph | Heading | ListBlock | MdTable | Quote


@functools.cache
def parser() -> MarkdownIt:
    """Return the one Markdown parser, so every reader of prose reads it alike."""
    # Raw HTML is off: user text is data, so "<b>" shows as the characters "<b>".
    # A footnote reference with no definition is read as one too, so that footnote_use finds
    # it; it shows as written. Pandoc's inline notes ("^[...]") stay text.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False})
        .enable("table")
        .use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
    )


def parse_markdown(text: str) -> tuple[MdBlock, ...]:
    """Parse Markdown into blocks; each footnote reference is a span holding its note."""
    tokens = parser().parse(text)
    blocks, _ = _blocks(tokens, 0, None, _notes(tokens))
    return tuple(blocks)


@dataclass(frozen=True)
class FootnoteUse:
    """What is wrong with the footnotes of a text: the references with no definition and
    the definitions with no reference, each as (label, index of its '[' in the text)."""

    undefined: tuple[tuple[str, int], ...]
    unused: tuple[tuple[str, int], ...]


def footnote_use(text: str) -> FootnoteUse:
    """Find the footnote references with no definition in Markdown `text` (they would show
    as written, "[^1]") and the definitions no reference uses (they would not show)."""
    tokens = parser().parse(text)
    starts = [0, *(index + 1 for index, char in enumerate(text) if char == "\n")]
    defined = {
        token.meta["label"]: text.find(f"[^{token.meta['label']}]:", starts[token.map[0]])
        for token in tokens
        if token.type == "footnote_reference_open" and token.map
    }
    used = [
        (label, offset)
        for token in tokens
        if token.type == "inline" and token.map
        for label, offset in _references(token, text, starts[token.map[0]], defined.values())
    ]
    labels = {label for label, _ in used}
    return FootnoteUse(
        undefined=tuple((label, at) for label, at in used if label not in defined),
        unused=tuple((label, at) for label, at in defined.items() if label not in labels),
    )


def _references(
    token: Token, text: str, start: int, definitions: Iterable[int]
) -> Iterator[tuple[str, int]]:
    """The footnote references of an inline token, each with where `text` writes it: the
    next "[^label]" from `start` on that is not a definition's own label. (Inline tokens
    know their lines, not their columns.)"""
    skip = set(definitions)
    cursor = start
    for child in token.children or []:
        if child.type == "footnote_ref":
            written = f"[^{child.meta['label']}]"
            found = text.find(written, cursor)
            while found in skip:
                found = text.find(written, found + 1)
            yield child.meta["label"], found
            cursor = found + len(written)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_LIST_MARK = re.compile(r"^(\d+)([.)])", flags=re.MULTILINE)


def literal(text: str) -> str:
    """Return user text as Markdown that shows it literally: '*' is no emphasis, '[a](b)' no
    link, '1. Kort …' at a line's start no list."""
    return _LIST_MARK.sub(r"\1\\\2", _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def plain_text(spans: Spans) -> str:
    """Return the text of spans without formatting."""
    return "".join(span.text for span in spans)


def _notes(tokens: list[Token]) -> dict[str, Note]:
    """The footnotes `tokens` define, by label; the first of two with one label counts.

    A note is one paragraph in Word and at the PDF's page foot, so its paragraphs and list
    items are lines; a reference inside a note shows as written, as a note has no notes.
    """
    notes: dict[str, Note] = {}
    for index, token in enumerate(tokens):
        if token.type == "footnote_reference_open":
            blocks, _ = _blocks(tokens, index + 1, "footnote_reference_close", {})
            notes.setdefault(token.meta["label"], _note_text(blocks))
    return notes


def _note_text(blocks: Sequence[MdBlock]) -> Note:
    spans: list[Span] = []
    for index, line in enumerate(_lines(blocks)):
        spans.extend((Span("\n"), *line) if index else line)
    return Note(tuple(_merge(iter(spans))))


def _lines(blocks: Sequence[MdBlock], mark: str = "") -> Iterator[Spans]:
    """The lines of blocks: paragraphs, headings and list items ('• ' or '1. ' before
    them), quotes' lines, and table rows with their cells one space apart."""
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            yield (Span(mark), *block.spans) if mark else block.spans
            mark = ""
        elif isinstance(block, ListBlock):
            for number, item in enumerate(block.items, block.start):
                yield from _lines(item, f"{number}. " if block.ordered else "• ")
        elif isinstance(block, Quote):
            yield from _lines(block.blocks)
        else:
            for row in (block.header, *block.rows):
                yield tuple(span for cell in row for span in (*cell, Span(" ")))[:-1]


def _blocks(
    tokens: list[Token], i: int, closing: str | None, notes: Mapping[str, Note]
) -> tuple[list[MdBlock], int]:
    blocks: list[MdBlock] = []
    while i < len(tokens):
        token = tokens[i]
        if closing is not None and token.type == closing:
            return blocks, i + 1
        if token.type == "paragraph_open":
            blocks.append(Paragraph(_inline(tokens[i + 1], notes)))
            i += 3
        elif token.type == "heading_open":
            blocks.append(Heading(int(token.tag[1]), _inline(tokens[i + 1], notes)))
            i += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            listing, i = _list(tokens, i, notes)
            blocks.append(listing)
        elif token.type == "table_open":
            table, i = _table(tokens, i, notes)
            blocks.append(table)
        elif token.type == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close", notes)
            blocks.append(Quote(tuple(inner)))
        elif token.type == "footnote_reference_open":  # shown where it is referred to
            _, i = _blocks(tokens, i + 1, "footnote_reference_close", notes)
        elif token.type in ("code_block", "fence"):
            blocks.append(Paragraph((Span(token.content.rstrip("\n")),)))
            i += 1
        else:  # hr and anything else with no place in an agreement
            i += 1
    return blocks, i


def _list(tokens: list[Token], i: int, notes: Mapping[str, Note]) -> tuple[ListBlock, int]:
    opening = tokens[i]
    ordered = opening.type == "ordered_list_open"
    start = int(str(opening.attrs.get("start", 1))) if ordered else 1
    close = "ordered_list_close" if ordered else "bullet_list_close"
    items: list[tuple[MdBlock, ...]] = []
    i += 1
    while tokens[i].type != close:
        inner, i = _blocks(tokens, i + 1, "list_item_close", notes)
        items.append(tuple(inner))
    return ListBlock(ordered, start, tuple(items)), i + 1


def _table(tokens: list[Token], i: int, notes: Mapping[str, Note]) -> tuple[MdTable, int]:
    header: list[Spans] = []
    rows: list[tuple[Spans, ...]] = []
    align: list[str] = []
    row: list[Spans] = []
    in_head = False
    while tokens[i].type != "table_close":
        token = tokens[i]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and not in_head:
            rows.append(tuple(row))
        elif token.type in ("th_open", "td_open"):
            style = str(token.attrs.get("style", ""))
            cell = _inline(tokens[i + 1], notes)
            if in_head:
                header.append(cell)
                align.append(style.removeprefix("text-align:") or "left")
            else:
                row.append(cell)
        i += 1
    return MdTable(tuple(header), tuple(rows), tuple(align)), i + 1


def _inline(token: Token, notes: Mapping[str, Note]) -> Spans:
    return tuple(_merge(_spans(token.children or [], notes)))


def _spans(children: list[Token], notes: Mapping[str, Note]) -> Iterator[Span]:
    bold = italic = 0
    href: str | None = None
    for child in children:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            href = None
        elif kind in ("text", "code_inline", "html_inline"):
            yield Span(child.content, bold > 0, italic > 0, href)
        elif kind == "softbreak":
            yield Span(" ", bold > 0, italic > 0, href)
        elif kind == "hardbreak":
            yield Span("\n", bold > 0, italic > 0, href)
        elif kind == "image":
            yield Span(child.content, bold > 0, italic > 0, href)
        elif kind == "footnote_ref":
            label = child.meta["label"]
            if label in notes:  # outside any link or emphasis: Word's reference is a run
                yield Span("", note=notes[label])
            else:  # no such note (the check says so): as written
                yield Span(f"[^{label}]", bold > 0, italic > 0, href)


def _merge(spans: Iterator[Span]) -> Iterator[Span]:
    """Join neighbouring spans with the same formatting (markdown-it splits text at '*');
    a footnote reference stays a span of its own."""
    current: Span | None = None
    for span in spans:
        if (
            current
            and current.note is None
            and span.note is None
            and (current.bold, current.italic, current.href) == (span.bold, span.italic, span.href)
        ):
            current = Span(current.text + span.text, span.bold, span.italic, span.href)
        else:
            if current:
                yield current
            current = span
    if current:
        yield current
