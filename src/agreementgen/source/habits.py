"""Model stage, helpers: recognise how Danish coordinators write numbers, dates, yes/no and keys.

Each recogniser is a pure function from what was written to what to write instead (or None
when the text is not that habit), so that a diagnostic's hint can show the corrected value.
"""

from __future__ import annotations

import datetime
import difflib
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from agreementgen.language import tr

# 1.102.000: a dot between groups of three digits, the Danish thousands separator.
_THOUSANDS = re.compile(r"^([-+]?)(\d{1,3}(?:\.\d{3})+)$")
# 88,40 or 1.102,50: a decimal comma, perhaps after thousands separators.
_DECIMAL_COMMA = re.compile(r"^([-+]?)(\d{1,3}(?:\.\d{3})+|\d+),(\d+)$")


def without_thousands_dots(written: str) -> str | None:
    """'1.102.000' → '1102000': a whole number written with thousands separators, or None."""
    found = _THOUSANDS.match(written.strip())
    return found[1] + found[2].replace(".", "") if found else None


def with_decimal_point(written: str) -> str | None:
    """'88,40' → '88.40', '1.102,50' → '1102.50': a number with a decimal comma, or None."""
    found = _DECIMAL_COMMA.match(written.strip())
    if not found:
        return None
    return f"{found[1]}{found[2].replace('.', '')}.{found[3]}"


_MONTHS = {
    "januar": 1,
    "februar": 2,
    "marts": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
# Abbreviations as calendars and letters write them ("okt.", "sept."), with or without a dot.
_MONTH_NAMES = {
    **_MONTHS,
    **{name[:3]: number for name, number in _MONTHS.items()},
    "sept": 9,
}
_YEAR = r"(\d{4}|\d{2})"
# 01.10.21, 1.10.2021, 1/10-2021, 1/10/2021: day first, as Danish writes it. With hyphens only
# (1-10-21) the order is not certain (ISO puts the year first), so a four-digit year must end it.
_NUMERIC_DATE = re.compile(rf"^(\d{{1,2}})\s*[./]\s*(\d{{1,2}})\s*[./-]\s*{_YEAR}$")
_HYPHEN_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
# 1. oktober 2021, 1. okt. 2021, 1 okt 2021.
_WORD_DATE = re.compile(rf"^(\d{{1,2}})\.?\s*([a-zæøå]+)\.?\s*{_YEAR}$", re.IGNORECASE)
# 10.2027, 10/2027, 10-2027; okt. 2027, oktober 2027.
_NUMERIC_MONTH = re.compile(r"^(\d{1,2})\s*[./-]\s*(\d{4})$")
_WORD_MONTH = re.compile(r"^([a-zæøå]+)\.?\s*(\d{4})$", re.IGNORECASE)


def _year(written: str) -> int:
    """A year as written: two digits are this century's (21 → 2021)."""
    return 2000 + int(written) if len(written) == 2 else int(written)


def _month(written: str) -> int | None:
    return _MONTH_NAMES.get(written.casefold())


def iso_date(written: str) -> str | None:
    """'01.10.21', '1/10-2021', '1. okt. 2021' → '2021-10-01'; None when the text is not a
    Danish way of writing one certain date (or names a day that does not exist)."""
    text = written.strip()
    day, month, year = 0, None, 0
    if found := _NUMERIC_DATE.match(text) or _HYPHEN_DATE.match(text):
        day, month, year = int(found[1]), int(found[2]), _year(found[3])
    elif found := _WORD_DATE.match(text):
        day, month, year = int(found[1]), _month(found[2]), _year(found[3])
    if month is None:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def iso_month(written: str) -> str | None:
    """'10.2027', 'okt. 2027', 'oktober 2027' → '2027-10' (and a Danish date → its month)."""
    text = written.strip()
    month: int | None = None
    if found := _NUMERIC_MONTH.match(text):
        month, year = int(found[1]), int(found[2])
    elif found := _WORD_MONTH.match(text):
        month, year = _month(found[1]), int(found[2])
    elif (date := iso_date(text)) is not None:
        return date[:7]
    if month is None or not 1 <= month <= 12:
        return None
    return f"{year:04d}-{month:02d}"


_BOOLEANS = {"ja": "true", "nej": "false", "sand": "true", "falsk": "false"}


def yaml_boolean(written: str) -> str | None:
    """'ja' → 'true', 'Nej' → 'false' (also 'sand', 'falsk'): yes or no in Danish, or None."""
    return _BOOLEANS.get(written.strip().casefold())


# How close a key must come to a Danish title to be suggested: a little stricter than the
# English did-you-mean (difflib's 0.6), as titles are longer and share Danish word endings.
_TITLE_CUTOFF = 0.75


def _normal(text: str) -> str:
    """A key or title compared loosely: case, '_' and '-' for spaces, a section's number."""
    text = re.sub(r"^\d+\.\s*", "", text.casefold())
    return re.sub(r"[\s_-]+", " ", text).strip()


def closest_key(word: str, titles: Mapping[str, str]) -> tuple[str, str | None] | None:
    """Return the allowed key `word` most likely means, with the Danish title that matched.

    `titles` maps each allowed key to its Danish title. The English key closest to `word`
    (difflib, as today's hint) competes with the key whose title is closest to it (ignoring
    case); the title wins only when it is the closer, and then comes back with the key.
    """
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    english: tuple[float, str] | None = None
    close = difflib.get_close_matches(word, list(titles), n=1)
    if close:
        matcher.set_seq1(close[0])
        english = (matcher.ratio(), close[0])
    matcher.set_seq2(_normal(word))
    danish: tuple[float, str] | None = None
    for key, title in titles.items():
        if not title:
            continue
        matcher.set_seq1(_normal(title))
        score = matcher.ratio()
        if score >= _TITLE_CUTOFF and (danish is None or score > danish[0]):
            danish = (score, key)
    if danish is not None and (english is None or danish[0] > english[0]):
        return danish[1], titles[danish[1]]
    return (english[1], None) if english is not None else None


@dataclass(frozen=True)
class Split:
    """A number with a decimal comma in a flow collection, read as two entries at the comma.

    In `{value: 88,40}` the comma separates entries: `value` is 88, and 40 a key of its own;
    in `[Åparken, 88,40]` the list gets the items 88 and 40.

    Attributes:
        loc: where the number before the comma is (a mapping's key or a list's index).
        after: in a mapping, the location of the key made of the digits after the comma;
            in a list, the location of the item after it.
        written: the number as written, e.g. '88,40'.
        corrected: the number with a decimal point, e.g. '88.40'.
        in_mapping: whether the number is a value in a flow mapping (else an item of a list).
    """

    loc: tuple[str | int, ...]
    after: tuple[str | int, ...]
    written: str
    corrected: str
    in_mapping: bool


# A number as YAML writes it at the start of a scalar: 88, -1.5, 1.102.
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_DIGITS = re.compile(r"\d+")


def flow_splits(tree: Any, text: str) -> list[Split]:
    """Find every number written with a decimal comma in a flow mapping or list of `tree`.

    Only the source shows it: a number, a comma right after it and, right after the comma,
    digits that became a key without a value (in a mapping) or an item (in a list).
    """
    if "," not in text:
        return []
    return list(_splits(tree, text.splitlines(), ()))


def _splits(node: Any, lines: list[str], loc: tuple[str | int, ...]) -> Iterator[Split]:
    if isinstance(node, CommentedMap):
        items = list(node.items())
        if node.fa.flow_style():
            for (key, value), (after, nothing) in itertools.pairwise(items):
                if nothing is not None or not _is_number(value) or not isinstance(after, int):
                    continue
                start, end = node.lc.value(key), node.lc.key(after)
                if (split := _split(lines, start, end)) is not None:
                    written, corrected = split
                    at = (*loc, _key_text(key))
                    yield Split(at, (*loc, _key_text(after)), written, corrected, True)
        for key, value in items:
            yield from _splits(value, lines, (*loc, _key_text(key)))
    elif isinstance(node, CommentedSeq):
        if node.fa.flow_style():
            for index in range(len(node) - 1):
                if not (_is_number(node[index]) and isinstance(node[index + 1], int)):
                    continue
                split = _split(lines, node.lc.item(index), node.lc.item(index + 1))
                if split is not None:
                    written, corrected = split
                    yield Split((*loc, index), (*loc, index + 1), written, corrected, False)
        for index, value in enumerate(node):
            yield from _splits(value, lines, (*loc, index))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _split(lines: list[str], start: Any, end: Any) -> tuple[str, str] | None:
    """(written, corrected) when the number at `start` ends in a comma right before the
    digits at `end` on the same line; else None."""
    (line, col), (end_line, end_col) = start, end
    if line != end_line or line >= len(lines):
        return None
    number = _NUMBER.match(lines[line], col)
    digits = _DIGITS.match(lines[line], end_col)
    if number is None or digits is None or number.end() + 1 != end_col:
        return None
    if lines[line][number.end()] != ",":
        return None
    written = f"{number.group()},{digits.group()}"
    corrected = with_decimal_point(written)
    return (written, corrected) if corrected is not None else None


def split_texts(written: str) -> tuple[str, str] | None:
    """The message and hint for '88,40' read as two entries of a flow mapping, or None when
    `written` is not a number with a decimal comma."""
    corrected = with_decimal_point(written)
    if corrected is None:
        return None
    before, _, after = written.partition(",")
    message = tr(
        "{written} is read as {before} and a key {after}: inside {{ }} a comma separates entries"
    ).format(written=written, before=before, after=after)
    return message, decimal_hint(corrected)


def decimal_hint(corrected: str) -> str:
    """The hint for a number written with a decimal comma, showing it with a point."""
    return tr("write decimals with a point: {value}").format(value=corrected)


def _key_text(key: Any) -> str:
    """A mapping key as text, as load.key_text spells it (kept here to stay import-free)."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)
