"""Property: the shapes of hostile input the loader guards against, generated.

Numbers at the edges of what a document can hold, invisible and bidirectional characters
anywhere in keys and text, keys that differ only until YAML reads them, and links inside,
out of and round an agreement folder. Each example asserts the exact outcome: the value as
written, or the one diagnostic that names it; never a traceback, and the folder unchanged.
"""

from __future__ import annotations

import sys
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreementgen.errors import Diagnostic
from agreementgen.source.load import MAX_DIGITS, Source, load_yaml

from .helpers import examples, fuzzing, tree_state

COMMON = {
    "deadline": None,
    "derandomize": not fuzzing(),
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
SOFT_HYPHEN = "\u00ad"  # marks where a long word may break: allowed


def _load(text: str) -> tuple[Source | None, list[Diagnostic]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agreement.yaml"
        path.write_text(text, "utf-8")
        return load_yaml(path, folder=Path(tmp))


def _invisible() -> list[str]:
    """Unicode's format characters (category Cf), which nobody sees, but the soft hyphen."""
    found = (chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    return [c for c in found if unicodedata.category(c) == "Cf" and c != SOFT_HYPHEN]


INVISIBLE = _invisible()


# -- numbers ---------------------------------------------------------------------------------

edge_integers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([10**14, 10**15 - 1, 10**15, 10**15 + 1, -(10**15 - 1), -(10**15), 0]),
)


def _digits(number: int | Decimal) -> int:
    if isinstance(number, int):
        return len(str(abs(number)))
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    return max(len(digits), len(digits) + exponent)


@settings(max_examples=examples(300), **COMMON)
@given(number=edge_integers)
def test_an_integer_loads_as_written_or_is_named(number: int) -> None:
    source, problems = _load(f"units: {number}\n")
    if _digits(number) <= MAX_DIGITS:
        assert problems == []
        assert source is not None
        assert source.data == {"units": number}
    else:
        assert [p.format() for p in problems] == [
            f"{problems[0].path}:1:8: error AG109: units: number has {_digits(number)} digits; "
            f"the most is {MAX_DIGITS}\n    hint: numbers have at most {MAX_DIGITS} digits"
        ]


decimals_as_written = st.builds(
    lambda whole, fraction: f"{whole}.{fraction}",
    st.integers(min_value=0, max_value=10**20),
    st.text(alphabet="0123456789", min_size=1, max_size=25),
)


@settings(max_examples=examples(300), **COMMON)
@given(written=decimals_as_written)
def test_a_decimal_loads_as_written_or_is_named(written: str) -> None:
    source, problems = _load(f"value: {written}\n")
    exact = Decimal(written)
    if _digits(exact) <= MAX_DIGITS:
        assert problems == []
        assert source is not None
        # The same number with the same decimals: "12.50" stays 12.50, shown as "12,50".
        assert str(source.data["value"]) == str(exact)
    else:
        assert len(problems) == 1
        assert problems[0].code == "AG109"
        assert problems[0].message.startswith("value: number has ")


# -- invisible characters --------------------------------------------------------------------

plain_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøå ", min_size=0, max_size=20)


@settings(max_examples=examples(300), **COMMON)
@given(before=plain_text, char=st.sampled_from(INVISIBLE), after=plain_text, in_key=st.booleans())
def test_an_invisible_character_is_named_wherever_it_is(
    before: str, char: str, after: str, in_key: bool
) -> None:
    escaped = f"\\U{ord(char):08X}"
    text = f'"k{before}{escaped}{after}": x\n' if in_key else f'name: "{before}{escaped}{after}"\n'
    _, problems = _load(text)
    name = unicodedata.name(char, "FORMAT CHARACTER")
    assert len(problems) == 1
    problem = problems[0]
    assert problem.code == "AG111"
    assert f"the invisible character U+{ord(char):04X} ({name})" in problem.message
    assert (problem.line, problem.col) == (1, 1 if in_key else 7)


def test_every_invisible_character_is_refused_and_the_soft_hyphen_kept() -> None:
    """The loader's list of invisible characters is Unicode's, but for the soft hyphen."""
    refused = [c for c in INVISIBLE if _load(f'name: "a\\U{ord(c):08X}"\n')[1] == []]
    assert refused == []
    source, problems = _load("name: Eksem\u00adpelby\n")
    assert problems == []
    assert source is not None
    assert source.data == {"name": "Eksem\u00adpelby"}


# -- keys alike once read --------------------------------------------------------------------


def _spellings(draw: st.DrawFn) -> tuple[str, str, str]:
    """Two spellings of one key (a number or word, and the same as quoted text), its text."""
    kind = draw(st.sampled_from(["int", "float", "bool", "null"]))
    if kind == "int":
        number = draw(st.integers(min_value=0, max_value=10**6))
        return str(number), f"'{number}'", str(number)
    if kind == "float":
        # As Python writes the number: 0.00 is read as the key '0.0', not as '0.00'.
        number = float(draw(st.decimals(min_value=0, max_value=1000, places=2)))
        return str(number), f'"{number}"', str(number)
    if kind == "bool":
        word = draw(st.sampled_from(["true", "false"]))
        return word, f"'{word}'", word
    return draw(st.sampled_from(["~", "null"])), "'null'", "null"


@settings(max_examples=examples(200), **COMMON)
@given(data=st.data(), gap=st.integers(min_value=0, max_value=5), swap=st.booleans())
def test_keys_alike_once_read_are_one_duplicate(data: st.DataObject, gap: int, swap: bool) -> None:
    plain, quoted, text = _spellings(data.draw)
    first, second = (quoted, plain) if swap else (plain, quoted)
    between = "".join(f"  other{i}: x\n" for i in range(gap))
    source, problems = _load(f"amounts:\n  {first}: 1\n{between}  {second}: 2\n")
    assert source is None
    assert len(problems) == 1
    assert (problems[0].code, problems[0].message) == (
        "AG115",
        f"amounts: duplicate key {text!r}",
    )
    assert (problems[0].line, problems[0].col) == (3 + gap, 3)
    assert problems[0].hint.startswith("first defined on line 2 as ")


# -- links -----------------------------------------------------------------------------------

TARGETS = ["inside", "outside", "itself", "next", "missing"]


@settings(max_examples=examples(150), **COMMON)
@given(chain=st.lists(st.sampled_from(TARGETS), min_size=1, max_size=4))
def test_a_chain_of_links_loads_only_when_it_ends_inside(chain: list[str]) -> None:
    """agreement.yaml is the first of a chain of links, each to the next link or to an end."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "area"
        folder.mkdir()
        (folder / "real.yaml").write_text("area_name: Inde\n", "utf-8")
        (Path(tmp) / "secret.yaml").write_text("area_name: Ude\n", "utf-8")
        links = [folder / "agreement.yaml", *(folder / f"link{i}" for i in range(len(chain)))]
        ends = {
            "inside": Path("real.yaml"),
            "outside": Path("../secret.yaml"),
            "missing": Path("gone.yaml"),
        }
        for index, target in enumerate(chain):
            link = links[index]
            if target == "next":
                link.symlink_to(links[index + 1].name)
            elif target == "itself":
                link.symlink_to(link.name)
            else:
                link.symlink_to(ends[target])
            if target != "next":
                break
        else:
            links[len(chain)].symlink_to(links[0].name)  # the last link leads back: a loop
        before = tree_state(Path(tmp))
        source, problems = load_yaml(links[0], folder=folder)
        assert tree_state(Path(tmp)) == before
        end = next((t for t in chain if t != "next"), "loop")
        codes = [p.code for p in problems]
        if end == "inside":
            assert problems == []
            assert source is not None
            assert source.data == {"area_name": "Inde"}
        else:
            assert source is None
            assert codes == {"outside": ["AG125"], "missing": ["AG120"]}.get(end, ["AG121"])
            assert all("Ude" not in p.format() for p in problems)


# -- nesting in Markdown ---------------------------------------------------------------------

markdown_lines = st.lists(
    st.builds(
        "".join,
        st.lists(
            st.sampled_from([" ", "  ", "\t", "- ", "* ", "+ ", "1. ", "2) ", "> ", ">", "x"])
        ),
    ),
    max_size=8,
)


@settings(max_examples=examples(400), **COMMON)
@given(lines=markdown_lines)
def test_the_quick_nesting_count_agrees_with_the_parser(lines: list[str]) -> None:
    """The count is never below the parser's, and says "too deep" exactly when it is: text
    that the quick test passes without the parser nests one level at most."""
    from agreementgen.text.markdown import parser
    from agreementgen.text.nesting import MAX_NESTING, nesting

    text = "\n".join(lines)
    depth = deepest = 0
    for token in parser().parse(text):
        if token.type.endswith(("list_open", "list_close", "blockquote_open", "blockquote_close")):
            depth += token.nesting
            deepest = max(deepest, depth)
    assert nesting(text) >= deepest
    assert (nesting(text) > MAX_NESTING) == (deepest > MAX_NESTING)
