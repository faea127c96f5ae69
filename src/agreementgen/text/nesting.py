"""How deep lists and quotes nest in Markdown: the parser loses text past its own limit.

markdown-it stops at 20 levels of blocks (a list item in a list is two) and drops the rest of
the text without a word, so text that nests deeper than MAX_NESTING is refused where it is
read. The parser is imported only for text that nests at all: `validate` stays without it.
"""

from __future__ import annotations

import re


def nesting(text: str) -> int:
    """How deep lists and quotes nest in `text` (a list in a list: 2); for text with no mark
    of nesting, 1 without parsing it (it may hold no list at all).

    The parser stops at its own limit and drops the rest of the text without a word, so a
    reader of user text checks this first (MAX_NESTING).
    """
    if not _MAY_NEST.search(text):
        return 1  # spares `validate` the parser's import
    from agreementgen.text.markdown import parser

    depth = deepest = 0
    for token in parser().parse(text):
        if token.type in _NESTED:
            depth += token.nesting
            deepest = max(deepest, depth)
    return deepest


_NESTED = {
    f"{kind}_{side}"
    for kind in ("bullet_list", "ordered_list", "blockquote")
    for side in ("open", "close")
}
# What a list in a list or a quote starts with: a list marker that is indented or follows
# another marker, or a '>' after any markers. Text with none of these nests one level at most
# (a property test holds this against the parser).
_MARKER = r"(?:[-*+]|\d{1,9}[.)])"
_MAY_NEST = re.compile(
    rf"^(?:[ \t]+{_MARKER}(?:[ \t]|$)|[ \t]*{_MARKER}[ \t]+{_MARKER}(?:[ \t]|$)"
    rf"|[ \t]*(?:{_MARKER}[ \t]+)*>)",
    re.M,
)
# Lists and quotes may nest this deep; the parser would lose text some levels further down.
MAX_NESTING = 6
