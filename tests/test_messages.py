"""Messages in Danish: the catalogs agree with the code, every text has its Danish, and the
command line speaks the language asked for (`--lang`, else the locale).

The texts are marked in the code (`tr`, `ntr`, `N_`); `make messages` extracts them into
locale/agreementgen.pot, merges that into the Danish locale/da/LC_MESSAGES/agreementgen.po
and compiles the .mo the package reads.
"""

from __future__ import annotations

import io
import re
import shutil
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from agreementgen import language
from agreementgen.cli import cli
from agreementgen.errors import Diagnostic, Severity, count_summary, suggestion
from agreementgen.language import language_from_environment, speaking, tr

from .helpers import DATA, ROOT
from .rulecase import edit, replace

PACKAGE = ROOT / "src" / "agreementgen"
POT = PACKAGE / "locale" / "agreementgen.pot"
PO = PACKAGE / "locale" / "da" / "LC_MESSAGES" / "agreementgen.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"tr": None, "ntr": (1, 2), "N_": None}
RUN = "run `make messages` and translate the new texts in locale/da/LC_MESSAGES/agreementgen.po"

MessageId = str | tuple[str, ...]


def _read_po(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _ids(catalog: Catalog) -> set[MessageId]:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def _in_code() -> set[MessageId]:
    return {
        message if isinstance(message, str) else tuple(message)
        for _, _, message, _, _ in extract_from_dir(PACKAGE, keywords=KEYWORDS)
    }


# -- the catalogs --------------------------------------------------------------------------


def test_the_template_and_the_danish_catalog_hold_every_text_the_code_marks() -> None:
    code = _in_code()
    assert len(code) > 150, "the extraction found too few texts: is the keyword list right?"
    template, danish = _ids(_read_po(POT)), _ids(_read_po(PO))
    assert sorted(map(str, code - template)) == [], f"texts missing from the .pot: {RUN}"
    assert sorted(map(str, template - code)) == [], f"texts no longer in the code: {RUN}"
    assert sorted(map(str, template ^ danish)) == [], f"the .po differs from the .pot: {RUN}"


def test_every_text_has_its_danish() -> None:
    catalog = _read_po(PO)
    assert catalog.locale is not None and str(catalog.locale) == "da"
    assert catalog.num_plurals == 2 and catalog.plural_expr == "(n != 1)"
    assert not catalog.fuzzy, "the catalog's header is marked fuzzy: it would not be compiled"
    untranslated = [
        m.id
        for m in catalog
        if m.id
        and (
            m.fuzzy
            or (isinstance(m.string, str) and not m.string.strip())
            or (not isinstance(m.string, str) and not all(s.strip() for s in m.string))
        )
    ]
    assert untranslated == [], f"texts without Danish (or marked fuzzy): {RUN}"


def _fields(text: str) -> list[str]:
    """The named fields of a str.format text, each with its conversion and format."""
    return sorted(
        {
            f"{name}!{conversion or ''}:{spec or ''}"
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        }
    )


def test_each_danish_text_fills_in_the_fields_of_its_english() -> None:
    wrong = []
    for message in _read_po(PO):
        if not message.id:
            continue
        english = [message.id] if isinstance(message.id, str) else list(message.id)
        danish = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = _fields(english[-1])
        for text in english:
            assert "{}" not in text, f"a field without a name: {text!r}"
            assert _fields(text) in (expected, [f for f in expected if f != "count!:"])
        wrong += [(english[0], text) for text in danish if _fields(text) != expected]
    assert wrong == []


def test_the_committed_mo_is_the_po_compiled() -> None:
    fresh = io.BytesIO()
    write_mo(fresh, _read_po(PO))
    fresh.seek(0)
    with MO.open("rb") as handle:
        committed = read_mo(handle)
    compiled = read_mo(fresh)

    def contents(catalog: Catalog) -> dict[MessageId, MessageId]:
        return {
            (m.id if isinstance(m.id, str) else tuple(m.id)): (
                m.string if isinstance(m.string, str) else tuple(m.string)
            )
            for m in catalog
            if m.id
        }

    assert contents(committed) == contents(compiled), f"the .mo is stale: {RUN}"
    assert committed.plural_forms == "nplurals=2; plural=(n != 1);"


def test_the_catalog_is_what_danish_reads() -> None:
    """The compiled catalog is the one `tr` reads: a sample text in both languages."""
    text = "the output folder is a loop of links"
    assert tr(text) == text
    with speaking("da"):
        assert tr(text) == "outputmappen er en løkke af links"


def test_summary_counts_and_suggestions_in_both_languages() -> None:
    def diagnostics(errors: int, warnings: int) -> list[Diagnostic]:
        return [Diagnostic(f"e{i}", 0, 0, "AG100", "x") for i in range(errors)] + [
            Diagnostic(f"w{i}", 0, 0, "AG200", "x", Severity.WARNING) for i in range(warnings)
        ]

    assert count_summary(diagnostics(1, 0)) == "1 error"
    assert count_summary(diagnostics(3, 1)) == "3 errors, 1 warning"
    assert count_summary(diagnostics(0, 2)) == "0 errors, 2 warnings"
    assert suggestion("boligselskab", ["boligselskabet"]) == "did you mean 'boligselskabet'?"
    with speaking("da"):
        assert count_summary(diagnostics(1, 0)) == "1 fejl"
        assert count_summary(diagnostics(3, 1)) == "3 fejl, 1 advarsel"
        assert count_summary(diagnostics(0, 2)) == "0 fejl, 2 advarsler"
        assert suggestion("boligselskab", ["boligselskabet"]) == "mente du 'boligselskabet'?"


def test_every_kind_of_id_has_its_article() -> None:
    """rename names a kind with its article ('a party', 'en part'): each kind has one."""
    from agreementgen.edit.rename import WITH_ARTICLE
    from agreementgen.source.references import ID_KINDS

    assert sorted(WITH_ARTICLE) == sorted(kind.what for kind in ID_KINDS)


# -- which language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "da_DK.UTF-8"}, "da"),
        ({"LANG": "da"}, "da"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "en_US"}, "en"),
        ({}, "en"),
        ({"LANG": ""}, "en"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "da_DK.UTF-8"}, "en"),
        ({"LC_ALL": "da_DK.UTF-8", "LANG": "en_US.UTF-8"}, "da"),
        ({"LC_MESSAGES": "da_DK.UTF-8", "LANG": "C"}, "da"),
    ],
)
def test_the_language_comes_from_the_locale(environ: dict[str, str], expected: str) -> None:
    assert language_from_environment(environ) == expected


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'de'"):
        language.use_language("de")
    result = CliRunner().invoke(cli, ["--lang", "de", "validate"])
    assert result.exit_code == 2
    assert "'de' is not one of 'da', 'en'" in result.output


# -- the command line in both languages -------------------------------------------------------


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with an empty folder and a stray file, but no agreement."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("notes\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


WHERE = ["validate", "missing", "empty", "notes.txt"]
WHERE_EN = """\
empty: error AG119: no agreement folders found
missing: error AG119: no such file or folder
notes.txt: error AG119: not an agreement folder
    hint: an agreement folder holds agreement.yaml
"""
WHERE_DA = """\
empty: error AG119: ingen aftalemapper fundet
missing: error AG119: filen eller mappen findes ikke
notes.txt: error AG119: ikke en aftalemappe
    hint: en aftalemappe indeholder agreement.yaml
"""


def _diagnostics(stderr: str) -> str:
    """The diagnostic lines, without the closing summary (the `_run` wording)."""
    lines = stderr.splitlines(keepends=True)
    return "".join(
        line
        for line in lines
        if ": error AG" in line or ": warning AG" in line or line.startswith("    ")
    )


@pytest.mark.parametrize(
    ("args", "env", "expected", "summary"),
    [
        (["--lang", "en", *WHERE], {}, WHERE_EN, "3 errors"),
        (["--lang", "da", *WHERE], {}, WHERE_DA, "3 fejl"),
        (WHERE, {"LANG": "da_DK.UTF-8"}, WHERE_DA, "3 fejl"),
        (WHERE, {"LANG": "en_US.UTF-8"}, WHERE_EN, "3 errors"),
        (["--lang", "en", *WHERE], {"LANG": "da_DK.UTF-8"}, WHERE_EN, "3 errors"),
    ],
)
def test_validate_speaks_the_language_asked_for(
    folders: Path, args: list[str], env: dict[str, str], expected: str, summary: str
) -> None:
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 1
    assert _diagnostics(result.stderr) == expected
    assert result.stderr.rstrip().endswith(f"{summary}.")


RULE_EN = """\
{plan}:15:5: warning AG250: scenario 'uro-unge' has no trigger and responsible_function
    hint: a scenario says when it applies (trigger), what is done (actions) and which \
function does it (responsible_function)
{plan}:21:29: warning AG251: '12 34 56 78' looks like a personal phone number
    hint: name the function instead; personal data belongs in an internal annex that is not \
uploaded
"""
RULE_DA = """\
{plan}:15:5: warning AG250: scenariet 'uro-unge' mangler trigger og responsible_function
    hint: et scenarie siger, hvornår det gælder (trigger), hvad der gøres (actions), og \
hvilken funktion der gør det (responsible_function)
{plan}:21:29: warning AG251: '12 34 56 78' ligner et personligt telefonnummer
    hint: nævn funktionen i stedet; personoplysninger hører til i et internt bilag, som ikke \
uploades
"""


@pytest.mark.parametrize(("lang", "expected"), [("en", RULE_EN), ("da", RULE_DA)])
def test_a_rule_speaks_the_language_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, expected: str
) -> None:
    """A scenario without its trigger and responsible function, and a phone number."""
    folder = tmp_path / "nordby"
    shutil.copytree(DATA / "complete", folder)
    plan = folder / "contingency-plan.yaml"
    text = plan.read_text("utf-8")
    text = text.replace("    responsible_function: Helhedsplanens leder\n", "", 1)
    text = text[: text.index("    trigger:\n")] + text[text.index("    decides:") :]
    text = text.replace(
        "      - SSP eller skolen kontakter",
        "      - Vagten ringes op på 12 34 56 78.\n      - SSP eller skolen kontakter",
        1,
    )
    plan.write_text(text, "utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--lang", lang, "validate", "nordby"])
    assert result.exit_code == 0, result.stderr
    plan_shown = str(Path("nordby", "contingency-plan.yaml"))
    assert _diagnostics(result.stderr) == expected.format(plan=plan_shown)


FMT_EN = """\
nordby/notes.yaml: error AG117: not a document agreementgen knows
    hint: document files are: {files}
1 file would fail to reformat.
"""
FMT_DA = """\
nordby/notes.yaml: error AG117: ikke et dokument, agreementgen kender
    hint: dokumentfilerne er: {files}
1 fil ville ikke kunne formateres.
"""


@pytest.mark.parametrize(("lang", "expected"), [("en", FMT_EN), ("da", FMT_DA)])
def test_fmt_speaks_the_language_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, expected: str
) -> None:
    """A YAML file in an agreement folder that is no document (AG117), and fmt's summary."""
    from agreementgen.kinds import KINDS

    shutil.copytree(DATA / "complete", tmp_path / "nordby")
    (tmp_path / "nordby" / "notes.yaml").write_text("a: 1\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--lang", lang, "fmt", "--check", "nordby/notes.yaml"])
    assert result.exit_code == 123
    files = ", ".join(kind.pattern for kind in KINDS)
    assert result.stderr == expected.format(files=files)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "nordby/agreement.yaml:11:1: error AG128: 'eksempelby-bolig' is not a party id\n"
            "    hint: did you mean 'eksempelby-boligselskab'?\n",
        ),
        (
            "da",
            "nordby/agreement.yaml:11:1: error AG128: 'eksempelby-bolig' er ikke id for en part\n"
            "    hint: mente du 'eksempelby-boligselskab'?\n",
        ),
    ],
)
def test_rename_speaks_the_language_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, expected: str
) -> None:
    """An id that is no party's (AG128): the kind is named with its article, in Danish too."""
    shutil.copytree(DATA / "complete", tmp_path / "nordby")
    before = (tmp_path / "nordby" / "agreement.yaml").read_bytes()
    monkeypatch.chdir(tmp_path)
    args = ["--lang", lang, "rename", "party", "eksempelby-bolig", "nyby", "nordby"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert _diagnostics(result.stderr) == expected
    assert (tmp_path / "nordby" / "agreement.yaml").read_bytes() == before


# -- every code speaks Danish ---------------------------------------------------------------

_LINE = re.compile(r"^(?P<where>\S.*?): (?P<severity>error|warning) (?P<code>AG\d+): (?P<text>.*)$")


def _said(stderr: str) -> list[tuple[str, str]]:
    """(code, message) of each diagnostic line of `stderr`, in order."""
    found = (_LINE.match(line) for line in stderr.splitlines())
    return [(m["code"], m["text"]) for m in found if m]


def _both(args: list[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    english = CliRunner().invoke(cli, ["--lang", "en", *args])
    danish = CliRunner().invoke(cli, ["--lang", "da", *args])
    assert "internal error" not in english.stderr + danish.stderr
    return _said(english.stderr), _said(danish.stderr)


def _untranslated(english: list[tuple[str, str]], danish: list[tuple[str, str]]) -> list[str]:
    assert [code for code, _ in english] == [code for code, _ in danish]
    pairs = zip(english, danish, strict=True)
    return [f"{code}: {text}" for (code, text), (_, da) in pairs if da == text]


def _rename_in_one_file(root: Path) -> None:
    edit(
        root / "complete",
        "agreement.yaml",
        replace("  - id: eksempelby-kommune\n", "  - id: kommunen\n"),
    )


def test_every_diagnostic_of_the_invalid_cases_and_the_rules_has_its_danish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each case under tests/invalid/ (every input code has one) and a new agreement checked
    --final (most of LBF's rules speak) give every diagnostic in Danish, not in English."""
    from .test_invalid import CASES, _copy_case

    monkeypatch.chdir(tmp_path)
    left: list[str] = []
    codes: set[str] = set()
    for case in sorted(p.name for p in CASES.iterdir() if (p / "expected.txt").is_file()):
        args = _copy_case(case, tmp_path / case)
        english, danish = _both(["validate", case, *args])
        codes |= {code for code, _ in english}
        left += [f"{case}: {line}" for line in _untranslated(english, danish)]
    shutil.copytree(DATA / "complete", tmp_path / "complete")
    _rename_in_one_file(tmp_path)
    assert CliRunner().invoke(cli, ["new", "agreements/nordby", *NEW_AGREEMENT]).exit_code == 0
    for args in (["validate", "complete"], ["validate", "--final", "agreements/nordby"]):
        english, danish = _both(args)
        codes |= {code for code, _ in english}
        left += [f"{args[-1]}: {line}" for line in _untranslated(english, danish)]
    assert left == [], "\n".join(left)
    assert len(codes) >= 36, sorted(codes)


NEW_AGREEMENT = [
    "--area-name", "Helhedsplanen i Nordby", "--start", "2026-01-01", "--end", "2029-12-31",
    "--party", "nordby-boligselskab:housing_organisation:Nordby Boligselskab",
    "--party", "nordby-kommune:municipality:Nordby Kommune",
    "--focus-area", "employment",
]  # fmt: skip
