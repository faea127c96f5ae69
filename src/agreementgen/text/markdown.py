"""Markdown prose -> a small block tree that both renderers walk (parsed by markdown-it-py)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token


@dataclass(frozen=True)
class Span:
    """A run of inline text with its emphasis; `href` makes it a link; '\\n' is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


Spans = tuple[Span, ...]


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
    """A Markdown (GFM) table; cells are inline spans."""

    header: tuple[Spans, ...]
    rows: tuple[tuple[Spans, ...], ...]
    align: tuple[str, ...]


@dataclass(frozen=True)
class Quote:
    """A block quote."""

    blocks: tuple[MdBlock, ...]


MdBlock = Paragraph | Heading | ListBlock | MdTable | Quote


@functools.cache
def parser() -> MarkdownIt:
    """Return the one Markdown parser, so every reader of prose reads it alike."""
    # Raw HTML is off: user text is data, so "<b>" shows as the characters "<b>".
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def parse_markdown(text: str) -> tuple[MdBlock, ...]:
    """Parse Markdown into blocks."""
    tokens = parser().parse(text)
    blocks, _ = _blocks(tokens, 0, None)
    return tuple(blocks)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_LIST_MARK = re.compile(r"^(\d+)([.)])", flags=re.MULTILINE)


def literal(text: str) -> str:
    """Return user text as Markdown that shows it literally: '*' is no emphasis, '[a](b)' no
    link, '1. Kort …' at a line's start no list."""
    return _LIST_MARK.sub(r"\1\\\2", _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def plain_text(spans: Spans) -> str:
    """Return the text of spans without formatting."""
    return "".join(span.text for span in spans)


def _blocks(tokens: list[Token], i: int, closing: str | None) -> tuple[list[MdBlock], int]:
    blocks: list[MdBlock] = []
    while i < len(tokens):
        token = tokens[i]
        if closing is not None and token.type == closing:
            return blocks, i + 1
        if token.type == "paragraph_open":
            blocks.append(Paragraph(_inline(tokens[i + 1])))
            i += 3
        elif token.type == "heading_open":
            blocks.append(Heading(int(token.tag[1]), _inline(tokens[i + 1])))
            i += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            listing, i = _list(tokens, i)
            blocks.append(listing)
        elif token.type == "table_open":
            table, i = _table(tokens, i)
            blocks.append(table)
        elif token.type == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close")
            blocks.append(Quote(tuple(inner)))
        elif token.type in ("code_block", "fence"):
            blocks.append(Paragraph((Span(token.content.rstrip("\n")),)))
            i += 1
        else:  # hr and anything else with no place in an agreement
            i += 1
    return blocks, i


def _list(tokens: list[Token], i: int) -> tuple[ListBlock, int]:
    opening = tokens[i]
    ordered = opening.type == "ordered_list_open"
    start = int(str(opening.attrs.get("start", 1))) if ordered else 1
    close = "ordered_list_close" if ordered else "bullet_list_close"
    items: list[tuple[MdBlock, ...]] = []
    i += 1
    while tokens[i].type != close:
        inner, i = _blocks(tokens, i + 1, "list_item_close")
        items.append(tuple(inner))
    return ListBlock(ordered, start, tuple(items)), i + 1


def _table(tokens: list[Token], i: int) -> tuple[MdTable, int]:
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
            cell = _inline(tokens[i + 1])
            if in_head:
                header.append(cell)
                align.append(style.removeprefix("text-align:") or "left")
            else:
                row.append(cell)
        i += 1
    return MdTable(tuple(header), tuple(rows), tuple(align)), i + 1


def _inline(token: Token) -> Spans:
    return tuple(_merge(_spans(token.children or [])))


def _spans(children: list[Token]) -> Iterator[Span]:
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


def _merge(spans: Iterator[Span]) -> Iterator[Span]:
    """Join neighbouring spans with the same formatting (markdown-it splits text at '*')."""
    current: Span | None = None
    for span in spans:
        if current and (current.bold, current.italic, current.href) == (
            span.bold,
            span.italic,
            span.href,
        ):
            current = Span(current.text + span.text, span.bold, span.italic, span.href)
        else:
            if current:
                yield current
            current = span
    if current:
        yield current
