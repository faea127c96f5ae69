"""Plain prose: sentences, and the plain text of rendered Word and HTML files.

One splitter serves fmt (a sentence per line), diff (changes by sentence) and the rules, so
"J. Hansen" and "ca. 4 gange" are one sentence everywhere.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence

# Words that end in a period without ending a sentence (compared in lower case). Words with a
# period inside (bl.a., f.eks., www.lbf.dk.) and single letters are never split after anyway.
ABBREVIATIONS = frozenset(
    {
        "sct.",
        "skt.",
        "st.",
        "jf.",
        "jvf.",
        "ca.",
        "pr.",
        "nr.",
        "fx.",
        "dvs.",
        "mv.",
        "mfl.",
        "kl.",
        "afd.",
        "evt.",
        "inkl.",
        "ekskl.",
        "vedr.",
        "hhv.",
        "osv.",
        "etc.",
        "mht.",
        "ift.",
        "iht.",
        "ifm.",
        "iflg.",
        "pga.",
        "bla.",
        "tlf.",
        "stk.",
        "pkt.",
        "kap.",
        "afsn.",
        "ref.",
        "fig.",
        "tab.",
        "kr.",
        "km.",
        "gns.",
        "arb.",
        "ang.",
        "alm.",
        "gl.",
        "el.",
        "ds.",
        "ff.",
        "mio.",
        "mia.",
        "mrd.",
        "dr.",
        "hr.",
        "fr.",
        "prof.",
        "dir.",
        "adm.",
        "jan.",
        "feb.",
        "mar.",
        "apr.",
        "jun.",
        "jul.",
        "aug.",
        "sep.",
        "sept.",
        "okt.",
        "nov.",
        "dec.",
        "vs.",
    }
)
_CLOSERS = "\"'”’»)"
_OPENERS = "\"'“”„«»‘’"
_BREAK = re.compile(r"[.!?][\"'”’»)]* (?=\S)")
# A line starting like "2. " or "2) " would begin a numbered list, not continue the paragraph.
_LIST_START = re.compile(r"\d{1,9}[.)](?:\s|$)")


def split_sentences(text: str) -> list[str]:
    """Split one paragraph's text into sentences; when unsure, do not split.

    A sentence ends at . ! or ? (and closing quotes or parentheses) followed by one space and
    a capital letter, a digit or an opening quote, unless the word is an abbreviation
    (jf., ca., f.eks., Sct., ...), a single letter or a one- or two-digit ordinal ("5."),
    or the period is inside parentheses.
    """
    sentences: list[str] = []
    start = 0
    for match in _BREAK.finditer(text):
        space = match.end() - 1
        before = text[:space]
        # Inside parentheses a period is a reference ("Tabel 9a. 2023"), not a sentence end.
        inside = before.count("(") > before.count(")")
        if not inside and _ends_sentence(text[start:space], text[match.end() :]):
            sentences.append(text[start:space])
            start = match.end()
    sentences.append(text[start:])
    return sentences


def _ends_sentence(before: str, after: str) -> bool:
    if not (after[0].isupper() or after[0].isdigit() or after[0] in _OPENERS):
        return False
    if _LIST_START.match(after):
        return False
    word = before.rsplit(" ", 1)[-1].rstrip(_CLOSERS).lstrip("(" + _OPENERS)
    if not word.endswith("."):
        return True  # ! and ? are never abbreviations
    stem = word[:-1]
    if word.lower() in ABBREVIATIONS or "." in stem:
        return False
    if len(stem) == 1 and stem.isalpha():
        return False  # an initial: "J. Hansen"
    return not (stem.isdigit() and len(stem) <= 2)  # an ordinal: "afsnit 5. Indsatsområder"


# A list mark or heading mark that starts a Markdown line: not part of its sentence.
_MARKDOWN_PREFIX = re.compile(r"^\s*(?:[-*+]|\d+[.)]|#{1,6})\s+")


def paragraph_sentences(lines: Sequence[str]) -> list[str]:
    """Split a paragraph written over several lines into sentences: a line break inside a
    paragraph is a space, so a sentence may run on over it ("Sct.\nJørgen")."""
    return split_sentences(" ".join(lines))


def markdown_sentences(text: str) -> list[str]:
    """Split Markdown prose into sentences, without list and heading marks."""
    found = []
    for lines in _paragraphs(text):
        found += [s.strip() for s in paragraph_sentences(lines) if s.strip()]
    return found


def _paragraphs(text: str) -> list[list[str]]:
    """The lines of each paragraph, list item, heading and table row of Markdown `text`,
    without their marks: a list item, a heading or a table row starts a block of its own,
    and a heading or a table row is one line."""
    blocks: list[list[str]] = []
    joins = False  # whether the next line continues the last block
    for line in text.splitlines():
        stripped = line.strip()
        single = stripped.startswith(("#", "|"))
        if not stripped:
            joins = False
            continue
        if not joins or single or _MARKDOWN_PREFIX.match(line):
            blocks.append([])
        blocks[-1].append(strip_markdown_prefix(line).strip())
        joins = not single
    return blocks


def strip_markdown_prefix(line: str) -> str:
    """Return a Markdown line without the list or heading mark it starts with."""
    return _MARKDOWN_PREFIX.sub("", line)


def fold_space(text: str) -> str:
    """Return `text` with every run of white space, no-break spaces too, as one space."""
    return " ".join(text.replace("\u00a0", " ").split())


def markup_text(markup: str, *, between: str = " ") -> str:
    """Return the text of XML or HTML `markup`: tags replaced by `between`, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", between, markup))


def docx_text(data: bytes) -> str:
    """Return the text of the body paragraphs of a Word file, one space between paragraphs."""
    from docx import Document as open_docx  # python-docx only when a Word file is read

    return " ".join(p.text for p in open_docx(io.BytesIO(data)).paragraphs)


__all__ = [
    "ABBREVIATIONS",
    "docx_text",
    "fold_space",
    "markdown_sentences",
    "markup_text",
    "paragraph_sentences",
    "split_sentences",
    "strip_markdown_prefix",
]
