"""The JSON Schema an editor checks a file with and `validate` give every file the same verdict.

Coordinators edit YAML in an editor that reads schema/*.json (the `# yaml-language-server:
$schema=` line); `validate` reads the same file with the loader and the kind's model. A file
the CLI accepts must show no red squiggles, and a file it refuses must show some (issue #11).
Each file here goes through both: `load_yaml` + `parse_model` for the CLI, and jsonschema's
Draft202012Validator over the YAML as an editor reads it for the schema. The files: every
YAML file shipped in the repository, the skeletons of `new`, the one-defect agreements of
tests/invalid/, and MISTAKES, a corpus of coordinators' mistakes made on the small documents
in tests/data/schema-mistakes/.

Where the verdicts differ, the case is named with the reason. BEYOND_SCHEMA (and
INVALID_BEYOND) hold what `validate` refuses and no JSON Schema can say: dates in order,
rows as wide as the columns, unique ids, Markdown nested too deep, the loader's checks of
the text. LENIENT_CLI holds spellings `validate` lets pass that nobody means (`date: 0`);
the schema stays strict there. A case that one day agrees fails here and moves to MISTAKES.

One difference lies in the editor, not in the schema. YAML reads `units: 1.000`, a Danish
thousands dot, as the float 1.0, and JSON Schema (draft 6 on) counts a number with a zero
fraction as an "integer": yaml-language-server converts its YAML to JSON numbers and asks
`Number.isInteger` (src/languageservice/parser/ast-converter.ts), which says 1.0 is one. The
CLI refuses it ("expected a whole number, got 1.000"), as nobody meant one home. No schema
can tell 1.000 from 1, so the verdicts here use a validator whose "integer" is YAML's int, a
number written without a point (YAML_VALIDATOR), and EDITOR_MISSES lists the mistakes an
editor lets pass for this reason: there `validate` is the only check.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError as SchemaError
from pydantic import TypeAdapter, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from agreementgen.kinds import KINDS, Kind, kind_of
from agreementgen.source.load import key_text, load_yaml, yaml_parser
from agreementgen.source.model import Text
from agreementgen.source.schema import DATE_PATTERN, SCHEMA_DIR
from agreementgen.source.validate import parse_model

from .helpers import ROOT

BASE = ROOT / "tests" / "data" / "schema-mistakes"
INVALID = ROOT / "tests" / "invalid"
SKELETONS = ROOT / "src" / "agreementgen" / "edit" / "skeleton"
# YAML files in the repository that are not documents of a kind.
NOT_DOCUMENTS = {"examples/ci/agreements.yml"}


def _yaml_integer(checker: Any, instance: Any) -> bool:
    """An integer as YAML writes it: digits without a point (1000; not 1.000, which is 1.0)."""
    return isinstance(instance, int) and not isinstance(instance, bool)


YAML_VALIDATOR = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _yaml_integer),
)


def _schemas() -> dict[str, dict[str, Any]]:
    return {
        kind.schema: json.loads((ROOT / SCHEMA_DIR / kind.schema).read_text("utf-8"))
        for kind in KINDS
    }


SCHEMAS = _schemas()


def editor_view(text: str) -> Any:
    """The file as an editor's JSON Schema check sees it: YAML 1.2 read into JSON values.

    Numbers stay what YAML makes them (1.000 is the float 1.0), dates stay text (YAML 1.2 has
    no dates), keys are text.
    """
    return _json(yaml_parser().load(text))


def _json(node: Any) -> Any:
    if isinstance(node, CommentedMap):
        return {key_text(key): _json(value) for key, value in node.items()}
    if isinstance(node, CommentedSeq):
        return [_json(value) for value in node]
    if node is None or isinstance(node, bool):
        return node
    if isinstance(node, str):
        return str(node)  # ruamel's kinds of text (a `|` block, a quoted scalar) as plain text
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    raise AssertionError(f"YAML gave {type(node).__name__}: {node!r}")


def cli_codes(path: Path, kind: Kind) -> list[str]:
    """The codes of what `validate` says about the file on its own (no cross-file rules)."""
    source, problems = load_yaml(path)
    if source is not None:
        _, problems = parse_model(kind.model, source)
    return [problem.code for problem in problems]


def schema_errors(path: Path, kind: Kind, validator: Any = YAML_VALIDATOR) -> list[str]:
    """What the kind's JSON Schema finds wrong in the file, one line per error."""
    errors: list[SchemaError] = list(
        validator(SCHEMAS[kind.schema]).iter_errors(editor_view(path.read_text("utf-8")))
    )
    return [f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]


def assert_same_verdict(path: Path, kind: Kind) -> None:
    codes, errors = cli_codes(path, kind), schema_errors(path, kind)
    assert bool(codes) == bool(errors), (
        f"{path}: validate says {codes or 'valid'}, the schema says {errors or 'valid'}"
    )


def test_every_schema_is_a_valid_draft_2020_12_schema() -> None:
    for name, schema in SCHEMAS.items():
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", name


# -- every YAML file in the repository ----------------------------------------------------------


def _shipped() -> list[tuple[str, Kind]]:
    found: list[tuple[str, Kind]] = []
    for top in ("agreements", "examples", "tests/data"):
        for path in sorted((ROOT / top).rglob("*.y*ml")):
            if path.suffix not in (".yaml", ".yml"):
                continue
            name = path.relative_to(ROOT).as_posix()
            inside = [p for p in path.parents if p.is_relative_to(ROOT)]  # not beyond the repo
            folder = next((p for p in inside if (p / "agreement.yaml").is_file()), None)
            kind = kind_of(path, folder) if folder is not None else None
            if kind is None:
                assert name in NOT_DOCUMENTS, f"{name} is a YAML file of no kind"
                continue
            found.append((name, kind))
    by_file = {kind.schema.removesuffix(".schema.json") + ".yaml": kind for kind in KINDS}
    skeletons = sorted(SKELETONS.glob("*.yaml"))
    return found + [(p.relative_to(ROOT).as_posix(), by_file[p.name]) for p in skeletons]


SHIPPED = _shipped()


def test_the_shipped_files_are_found() -> None:
    names = [name for name, _ in SHIPPED]
    assert "agreements/example/agreement.yaml" in names
    assert "src/agreementgen/edit/skeleton/sub-agreement.yaml" in names
    assert {kind.key for _, kind in SHIPPED} == {kind.key for kind in KINDS}
    assert len(SHIPPED) >= 35


@pytest.mark.parametrize(("name", "kind"), SHIPPED, ids=[name for name, _ in SHIPPED])
def test_shipped_file_is_valid_for_both(name: str, kind: Kind) -> None:
    # The example you are told to copy holds `number: 4` and `built: 1974`: text the CLI
    # reads from a number, which the schema must not underline.
    path = ROOT / name
    assert cli_codes(path, kind) == []
    assert schema_errors(path, kind) == []
    assert schema_errors(path, kind, Draft202012Validator) == []


# -- a corpus of mistakes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Mistake:
    """One change to a file of tests/data/schema-mistakes/: `old` (found once) becomes `new`.

    `codes` are the diagnostics `validate` gives, in order; none for a change both accept.
    `why` says why the two verdicts differ, where they do (BEYOND_SCHEMA, LENIENT_CLI).
    """

    name: str
    file: str
    old: str
    new: str
    codes: tuple[str, ...] = ()
    why: str = ""


A, B, M, C, K, S = (
    "agreement.yaml",
    "budget.yaml",
    "milestones.yaml",
    "contingency-plan.yaml",
    "board-mandate.yaml",
    "sub-agreements/employment.yaml",
)

MISTAKES = [
    # Danish habits with numbers.
    Mistake("units-thousands-dot", A, "units: 612", "units: 1.012", ("AG103",)),
    Mistake("units-round-thousand", A, "units: 612", "units: 1.000", ("AG103",)),
    Mistake("units-decimal-comma", A, "units: 612", "units: 612,5", ("AG103",)),
    Mistake("units-as-text", A, "units: 612", 'units: "612"', ("AG103",)),
    Mistake("units-negative", A, "units: 612", "units: -612", ("AG109",)),
    Mistake("units-true", A, "units: 612", "units: true", ("AG103",)),
    Mistake("amount-thousands-dot", B, "lbf: 520000,", "lbf: 520.000,", ("AG107",)),
    Mistake("amount-two-thousands-dots", B, "lbf: 530000,", "lbf: 1.530.000,", ("AG107",)),
    Mistake("amount-decimal-comma", B, "lbf: 40000}", "lbf: 40000,50}", ("AG103",)),
    Mistake("amount-with-kr", B, "lbf: 40000}", "lbf: 40000 kr.}", ("AG103",)),
    Mistake("amount-negative", B, "lbf: 40000}", "lbf: -40000}", ("AG109",)),
    Mistake("fte-decimal-comma", B, "fte: 1.0", "fte: 0,5", ("AG103",)),
    Mistake("fte-out-of-range", B, "fte: 1.0", "fte: 1000", ("AG109",)),
    Mistake("criteria-value-percent-sign", A, "market: 41.2}", "market: 41.2 %}", ("AG103",)),
    Mistake("indicator-zero", A, "indicator: 1", "indicator: 0", ("AG109",)),
    Mistake("indicators-as-words", S, "indicators: [4]", "indicators: [fire]", ("AG103",)),
    Mistake("indicators-with-point", S, "indicators: [4]", "indicators: [4.0]", ("AG103",)),
    Mistake("baseline-year-two-digits", A, "year: 2024", "year: 24", ("AG109",)),
    Mistake("figure-too-wide", A, "width_cm: 10", "width_cm: 25", ("AG109",)),
    Mistake("figure-zero-wide", A, "width_cm: 10", "width_cm: 0", ("AG109",)),
    Mistake("figure-width-as-words", A, "width_cm: 10", "width_cm: ti", ("AG103",)),
    Mistake("amounts-year-two-digits", B, "2026: {lbf: 40000}", "26: {lbf: 40000}", ("AG109",)),
    Mistake("amounts-year-span", B, "2026: {lbf: 40000}", "2026-27: {lbf: 40000}", ("AG103",)),
    # Dates, months and quarters.
    Mistake("date-danish-short", A, "start: 2026-01-01", "start: 01.10.21", ("AG105",)),
    Mistake("date-danish-long", A, "date: 2025-12-15", "date: 15.12.2025", ("AG105",)),
    Mistake("date-february-30", A, "start: 2026-01-01", "start: 2026-02-30", ("AG105",)),
    Mistake("date-unpadded", A, "end: 2029-12-31", "end: 2029-12-1", ("AG105",)),
    Mistake("date-in-words", C, "board: 2025-11-20", "board: 20. november 2025", ("AG105",)),
    Mistake("date-year-only", K, "approved: 2025-11-20", "approved: 2025", ("AG105",)),
    Mistake("date-of-activity", S, "start: 2026-03-01", "start: 1. marts", ("AG105",)),
    Mistake("month-the-wrong-way", A, "completion: 2027-10", "completion: 10-2027", ("AG106",)),
    Mistake("month-thirteen", A, "completion: 2027-10", "completion: 2027-13", ("AG106",)),
    Mistake("month-with-day", M, "month: 2026-02", "month: 2026-02-01", ("AG106",)),
    Mistake("quarter-in-words", M, "quarter: 2027-Q3", "quarter: 3. kvartal 2027", ("AG107",)),
    Mistake("quarter-five", M, "quarter: 2027-Q3", "quarter: 2027-Q5", ("AG107",)),
    # True and false.
    Mistake("chair-ja", A, "chair: true", "chair: ja", ("AG103",)),
    Mistake("chosen-yes", A, "chosen: true", "chosen: yes", ("AG103",)),
    Mistake("chair-quoted", A, "chair: true", 'chair: "true"', ("AG103",)),
    Mistake("in-kind-nej", B, "in_kind: false", "in_kind: nej", ("AG103",)),
    Mistake("illustrative-one", K, "approved: 2025", "illustrative: 1\napproved: 2025", ("AG103",)),
    # Keys: unknown, misspelt, missing.
    Mistake("unknown-key-danish", A, "    built: 1974", "    bygget: 1974", ("AG101",)),
    Mistake("unknown-key-scenario", C, "    decides:", "    beslutter:", ("AG101",)),
    Mistake("misspelt-top-key", B, "lines:", "linjer:", ("AG102", "AG101")),
    Mistake("missing-secretariat", A, "  secretariat: Helhedsplanens leder.\n", "", ("AG102",)),
    Mistake("missing-description", S, "    description: |\n", "    what: |\n", ("AG102", "AG101")),
    Mistake("missing-when", M, "    month: 2026-02\n", "", ("AG107",)),
    Mistake(
        "two-whens",
        M,
        "    date: 2026-01-05",
        "    date: 2026-01-05\n    month: 2026-01",
        ("AG107",),
    ),
    Mistake("row-without-unit", A, "              unit: number\n", "", ("AG102",)),
    # Ids.
    Mistake("id-upper-case", A, "  - id: parken", "  - id: Parken", ("AG106",)),
    Mistake("id-with-space", A, "  - id: testby-kommune", "  - id: testby kommune", ("AG106",)),
    Mistake(
        "id-with-danish-letter", S, "  - id: jobkonsulent", "  - id: jobkonsulent-ø", ("AG106",)
    ),
    Mistake("id-negative-number", A, "  - id: parken", "  - id: -4", ("AG106",)),
    Mistake("id-decimal-number", S, "  - id: jobcenter", "  - id: 1.5", ("AG106",)),
    Mistake("funder-named-lbf", B, "  - id: sparekassefonden", "  - id: lbf", ("AG107",)),
    # Blank text.
    Mistake("name-blank", A, "name: Testby Kommune", 'name: "  "', ("AG108",)),
    Mistake("name-empty", A, "name: Testby Kommune", 'name: ""', ("AG108",)),
    Mistake("name-nothing", A, "name: Testby Kommune", "name:", ("AG103",)),
    Mistake("task-blank", K, "  - godkende årsplanen", '  - " "', ("AG108",)),
    Mistake(
        "text-block-blank", K, "      Bestyrelsen mødes fire gange om året.\n", "\n", ("AG108",)
    ),
    # Choices.
    Mistake("party-kind-danish", A, "kind: municipality", "kind: kommune", ("AG104",)),
    Mistake("template-pack-year", A, "lbf-2019-26@2023-11-24", "lbf-2023", ("AG104",)),
    Mistake("insert-danish", A, "insert: departments", "insert: afdelinger", ("AG104",)),
    Mistake(
        "table-unit-danish", A, "          unit: percent", "          unit: procent", ("AG104",)
    ),
    Mistake("category-danish", B, "category: staff", "category: personale", ("AG104",)),
    Mistake("status-danish", M, "status: in_progress", "status: i gang", ("AG104",)),
    Mistake("area-danish", S, "area: employment", "area: beskæftigelse", ("AG104",)),
    # Shapes: lists, mappings, blocks.
    Mistake("tasks-as-text", A, "  tasks:\n    - sikre", "  tasks: sikre", ("AG103",)),
    Mistake(
        "signatory-as-list",
        A,
        "    signatory:\n      name: Anne Holm\n",
        "    signatory: [Anne Holm]\n    x:\n      name: Anne Holm\n",
        ("AG103", "AG101"),
    ),
    Mistake(
        "actions-as-text",
        C,
        "    actions:\n      - Helhedsplanens",
        "    actions: Helhedsplanens",
        ("AG103",),
    ),
    Mistake(
        "body-as-text",
        K,
        "meetings:\n  - text: |\n      Bestyrelsen",
        "meetings: |\n  Bestyrelsen",
        ("AG103",),
    ),
    Mistake("block-as-text", A, "      - insert: board", "      - Bestyrelsen", ("AG104",)),
    Mistake(
        "block-with-two-keys",
        A,
        "      - insert: board",
        "      - insert: board\n        text: Se nedenfor.",
        ("AG104",),
    ),
    Mistake(
        "row-as-text",
        A,
        "            - [Under 18 år, 31.5, 30.9]",
        "            - Under 18 år, 31.5, 30.9",
        ("AG103",),
    ),
    Mistake(
        "members-empty", A, "board:\n  members:", "board:\n  members: []\n  x:", ("AG108", "AG101")
    ),
    Mistake(
        "body-empty",
        A,
        "  vision:\n    body:\n",
        "  vision:\n    body: []\n    x:\n",
        ("AG108", "AG101"),
    ),
    Mistake("purpose-empty", C, "purpose:\n", "purpose: []\nx:\n", ("AG108", "AG101")),
    Mistake(
        "amounts-empty", B, "    amounts:\n      2026: {lbf: 40000}", "    amounts: {}", ("AG108",)
    ),
    # Changes both accept: the test can tell a mistake from what is only unusual.
    Mistake("number-as-text", A, "number: 4", "number: 4a"),
    Mistake("number-with-decimals", A, "number: 4", "number: 4.10"),
    Mistake("built-as-span", A, "built: 1974", "built: 1972-1974"),
    Mistake("name-a-number", A, "area_name: Helhedsplanen i Testby Øst", "area_name: 2030"),
    Mistake("id-a-number", A, "  - id: parken", "  - id: 12"),
    Mistake("channel-a-number", C, "channel: 114", "channel: 112"),
    Mistake("partner-a-number", S, "[jobcenter, Lokale virksomheder]", "[jobcenter, 4]"),
    Mistake("value-quoted", A, "market: 41.2}", 'market: "41.2"}'),
    Mistake("value-thousands-dot", A, "value: 88.40}", "value: 1.384}"),
    Mistake("cell-text", A, "[Under 18 år, 31.5, 30.9]", "[Under 18 år, 31.5, ukendt]"),
    Mistake("cell-nothing", A, "[Under 18 år, 31.5, 30.9]", "[Under 18 år, 31.5, null]"),
    Mistake("signatory-date-empty", A, "date: 2025-12-15", "date:"),
    Mistake("leap-day", A, "date: 2025-12-15", "date: 2024-02-29"),
    Mistake("when-empty-beside-another", M, "    month: 2026-02", "    month: 2026-02\n    date:"),
    Mistake("fte-quoted", B, "fte: 1.0", 'fte: "0.5"'),
    Mistake("illustrative-true", K, "approved: 2025", "illustrative: true\napproved: 2025"),
]
# Mistakes whose number is a float with a zero fraction where a whole number is wanted: an
# editor lets them pass (see the module's docstring), so `validate` is the only check.
EDITOR_MISSES = {"units-round-thousand", "amount-thousands-dot", "indicators-with-point"}


_ORDER = "compares two values (one date with another), which JSON Schema cannot"
_ROWS = "counts one list against another (cells against columns), which JSON Schema cannot"
_UNIQUE = "compares a field across the items of a list; uniqueItems compares whole items"
_NESTING = "needs a Markdown parser to count how deep lists and quotes nest"
_NAN = "YAML's .nan is a number to JSON Schema, which cannot write NaN to exclude it"
_QUOTED_RANGE = "a number in quotes is text to JSON Schema; a pattern checks its form, not range"
_CHARACTERS = (
    "the loader refuses invisible and control characters in any text; an editor shows them "
    "(VS Code highlights invisible characters)"
)
_DIGITS = "the loader refuses numbers of more than 15 digits, which a number's range cannot say"
_SPLIT = (
    "YAML reads 41,2 inside { } as 41 and a key 2 without a value; where any id is a key, "
    "that is a valid mapping, and only the text shows the comma"
)

# A list seven levels deep in a `description: |` of the delaftale.
_SEVEN_DEEP = "".join(f"      {'  ' * level}- {level}\n" for level in range(7))
# Mistakes only `validate` finds: what the CLI refuses and no JSON Schema can.
BEYOND_SCHEMA = [
    Mistake("period-backwards", A, "end: 2029-12-31", "end: 2025-12-31", ("AG107",), _ORDER),
    Mistake("milestone-backwards", M, "end: 2025-12-31", "end: 2025-01-31", ("AG107",), _ORDER),
    Mistake(
        "activity-backwards",
        S,
        "start: 2026-03-01",
        "start: 2026-03-01\n      end: 2026-01-01",
        ("AG107",),
        _ORDER,
    ),
    Mistake(
        "row-too-short", A, "[Under 18 år, 31.5, 30.9]", "[Under 18 år, 31.5]", ("AG107",), _ROWS
    ),
    Mistake("line-id-twice", B, "  - id: lektiecafe", "  - id: leder", ("AG107",), _UNIQUE),
    Mistake(
        "activity-nested-too-deep",
        S,
        "      En jobkonsulent",
        _SEVEN_DEEP + "\n      En jobkonsulent",
        ("AG107",),
        _NESTING,
    ),
    Mistake(
        "criteria-value-decimal-comma", A, "market: 41.2}", "market: 41,2}", ("AG103",), _SPLIT
    ),
    Mistake("value-nan", A, "value: 88.40}", "value: .nan}", ("AG107",), _NAN),
    Mistake(
        "width-quoted-too-wide", A, "width_cm: 10", 'width_cm: "25"', ("AG109",), _QUOTED_RANGE
    ),
    Mistake(
        "name-zero-width-space",
        A,
        "name: Testby Kommune",
        'name: "Testby\\u200bKommune"',
        ("AG111",),
        _CHARACTERS,
    ),
    Mistake(
        "units-sixteen-digits", A, "units: 612", "units: 1234567890123456", ("AG109",), _DIGITS
    ),
]

# Spellings `validate` lets pass and the schema does not: pydantic reads more than the
# documents ask for, and nobody means these. The schema stays strict; the CLI could be too.
_MIDNIGHT = "pydantic reads a date-time at midnight as its day"
_EPOCH = "pydantic reads a whole number as seconds since 1970: `date: 0` is 1970-01-01"
_YEAR_TEXT = "pydantic reads a key '2026.0' as the year 2026"
_DECIMAL_TEXT = "Python's Decimal reads the text '4_1' as 41 (and spaces around a number)"
_POINT_ID = "the loader keeps `12.` as the number 12, whose text is the id '12'"
LENIENT_CLI = [
    Mistake("date-midnight", A, "date: 2025-12-15", "date: 2025-12-15T00:00:00", (), _MIDNIGHT),
    Mistake("date-zero", A, "date: 2025-12-15", "date: 0", (), _EPOCH),
    Mistake("year-key-with-point", B, "2026: {lbf: 40000}", "2026.0: {lbf: 40000}", (), _YEAR_TEXT),
    Mistake("value-underscore", A, "market: 41.2}", 'market: "4_1"}', (), _DECIMAL_TEXT),
    Mistake("id-with-point", A, "  - id: parken", "  - id: 12.", (), _POINT_ID),
]


def _made(mistake: Mistake, tmp_path: Path) -> tuple[Path, Kind]:
    text = (BASE / mistake.file).read_text("utf-8")
    assert text.count(mistake.old) == 1, f"{mistake.name}: {mistake.old!r} is not in the file once"
    path = tmp_path / mistake.file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace(mistake.old, mistake.new), "utf-8")
    kind = kind_of(path, tmp_path)
    assert kind is not None
    return path, kind


def test_the_corpus_is_large_and_covers_every_kind() -> None:
    refused = [m for m in MISTAKES if m.codes]
    assert len(refused) >= 30
    assert len(MISTAKES) - len(refused) >= 10
    assert {m.file for m in refused} == {A, B, M, C, K, S}
    names = [m.name for m in [*MISTAKES, *BEYOND_SCHEMA, *LENIENT_CLI]]
    assert len(names) == len(set(names))
    assert {m.name for m in refused} >= EDITOR_MISSES
    assert not any(m.why for m in MISTAKES)
    assert all(m.why for m in [*BEYOND_SCHEMA, *LENIENT_CLI])


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_mistake_gets_the_same_verdict(mistake: Mistake, tmp_path: Path) -> None:
    path, kind = _made(mistake, tmp_path)
    assert tuple(cli_codes(path, kind)) == mistake.codes
    errors = schema_errors(path, kind)
    assert bool(errors) == bool(mistake.codes), errors or "the schema accepts it"
    # What an editor shows: the same, but for a whole number written with a point.
    editor = schema_errors(path, kind, Draft202012Validator)
    assert bool(editor) == (bool(mistake.codes) and mistake.name not in EDITOR_MISSES), editor


@pytest.mark.parametrize("mistake", BEYOND_SCHEMA, ids=[m.name for m in BEYOND_SCHEMA])
def test_what_no_schema_can_say_is_left_to_validate(mistake: Mistake, tmp_path: Path) -> None:
    assert mistake.why
    path, kind = _made(mistake, tmp_path)
    assert tuple(cli_codes(path, kind)) == mistake.codes
    assert schema_errors(path, kind) == [], "the schema can say it now: move it to MISTAKES"


@pytest.mark.parametrize("mistake", LENIENT_CLI, ids=[m.name for m in LENIENT_CLI])
def test_what_only_validate_lets_pass_is_named(mistake: Mistake, tmp_path: Path) -> None:
    assert mistake.why
    path, kind = _made(mistake, tmp_path)
    assert cli_codes(path, kind) == [], "validate refuses it now: move it to MISTAKES"
    assert schema_errors(path, kind) != []


# -- the one-defect agreements of tests/invalid/ ------------------------------------------------


# One-defect agreements of tests/invalid/ that show BEYOND_SCHEMA's limits.
INVALID_BEYOND = {
    "baseline-value-nan": _NAN,
    "control-character-escaped-bel": _CHARACTERS,
    "control-character-escaped-nul": _CHARACTERS,
    "danish-decimal-comma-criteria-values": _SPLIT,
    "danish-decimal-comma-table-row": _ROWS,
    "invisible-character-bom-in-name": _CHARACTERS,
    "invisible-character-right-to-left-override": _CHARACTERS,
    "lone-surrogate-escaped": _CHARACTERS,
    "non-character-escaped": _CHARACTERS,
    "markdown-list-nested-too-deep": _NESTING,
    "markdown-quote-nested-too-deep": _NESTING,
    "number-decimal-too-precise": _DIGITS,
    "number-thirty-five-digits": _DIGITS,
    "period-start-after-end": _ORDER,
    "period-start-equals-end": _ORDER,
    "table-row-too-long": _ROWS,
    "table-row-too-short": _ROWS,
    "table-row-with-unit-too-short": _ROWS,
    "table-subcolumns-too-few": _ROWS,
}


def _invalid_cases() -> list[tuple[str, str, Kind]]:
    """(case, file, kind) of every YAML document of tests/invalid/ that the loader can parse.

    A file that is not YAML gets its syntax error from the editor before any schema is asked;
    the loader's refusals of YAML's own devices (aliases, tags, nesting 64 deep) are about the
    file, not about a field.
    """
    found = []
    for case in sorted(p for p in INVALID.iterdir() if p.is_dir()):
        for path in sorted(case.rglob("*.yaml")):
            kind = kind_of(path, case)
            if kind is None:
                continue
            try:
                editor_view(path.read_bytes().decode("utf-8"))
            except Exception:  # not YAML, or what the loader refuses: aliases, tags, depth
                continue
            found.append((case.name, path.relative_to(case).as_posix(), kind))
    return found


INVALID_CASES = _invalid_cases()


def test_the_invalid_corpus_is_read() -> None:
    assert len(INVALID_CASES) >= 100
    assert set(INVALID_BEYOND) <= {case for case, _, _ in INVALID_CASES}


@pytest.mark.parametrize(
    ("case", "file", "kind"), INVALID_CASES, ids=[f"{c}/{f}" for c, f, _ in INVALID_CASES]
)
def test_invalid_case_gets_the_same_verdict(case: str, file: str, kind: Kind) -> None:
    path = INVALID / case / file
    if case in INVALID_BEYOND:
        assert cli_codes(path, kind) != []
        assert schema_errors(path, kind) == [], "the schema can say it now"
    else:
        assert_same_verdict(path, kind)


# -- the patterns, character by character and day by day ---------------------------------------


def test_the_date_pattern_accepts_exactly_the_days_the_model_reads() -> None:
    import re

    pattern = re.compile(DATE_PATTERN)
    adapter: TypeAdapter[datetime.date] = TypeAdapter(datetime.date)
    years = [0, 1, 4, 100, 400, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9999]
    for year in years:
        for month in range(14):
            for day in range(33):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                try:
                    adapter.validate_python(text)
                    valid = True
                except ValidationError:
                    valid = False
                assert bool(pattern.match(text)) == valid, text


def test_not_blank_means_the_same_to_the_schema_as_to_the_model() -> None:
    # Every character alone: text of only that character is blank to the model exactly when
    # the schema's pattern (spelt out, so an editor's regular expressions agree) says so.
    import re

    schema = SCHEMAS["agreement.schema.json"]["$defs"]["Party"]["properties"]["name"]
    pattern = re.compile(schema["pattern"])
    adapter: TypeAdapter[str] = TypeAdapter(Text)
    # Unicode's White_Space is all in the first plane; a few characters stand for the rest.
    for code in [*range(0xD800), *range(0xE000, 0x10000), 0x10000, 0x1F600, 0xE0020, 0x10FFFF]:
        char = chr(code)
        try:
            adapter.validate_python(char)
            valid = True
        except ValidationError:
            valid = False
        assert bool(pattern.search(char)) == valid, f"U+{code:04X}"


def test_the_editor_view_keeps_what_yaml_reads() -> None:
    # 1.000 stays the float 1.0 (the CLI reads it as Decimal('1.000')); a date stays text.
    view = editor_view("a: 1.000\nb: 1000\nc: 2026-01-01\n2026: x\n")
    assert view == {"a": 1.0, "b": 1000, "c": "2026-01-01", "2026": "x"}
    assert type(view["a"]) is float
    assert type(view["b"]) is int
