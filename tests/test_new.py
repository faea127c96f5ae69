"""`agreementgen new`: a new agreement folder with every document LBF wants, ready to fill in.

A new folder is a valid draft that builds, is in fmt's canonical form, and fails `--final` at
each placeholder it holds; what a user typed is written as YAML data; bad input is a usage
error; nothing is ever written over; and `--from` starts the next plan period from an earlier
agreement, keeping what carries over and clearing what must be written anew.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from agreementgen import cli as cli_module
from agreementgen.cli import cli
from agreementgen.edit import new as making
from agreementgen.source.load import to_plain, yaml_parser
from agreementgen.source.model import FocusAreaKey, TemplatePack

from .helpers import ROOT, tree_state

EXAMPLE = ROOT / "agreements" / "example"
NEW = (
    "new",
    "agreements/nordby",
    "--area-name",
    "Helhedsplanen i Nordby",
    "--start",
    "2026-01-01",
    "--end",
    "2029-12-31",
    "--party",
    "nordby-boligselskab:housing_organisation:Nordby Boligselskab",
    "--party",
    "nordby-kommune:municipality:Nordby Kommune",
    "--focus-area",
    "employment",
)
FILES = [
    "agreement.yaml",
    "sub-agreements/employment.yaml",
    "budget.yaml",
    "milestones.yaml",
    "contingency-plan.yaml",
    "board-mandate.yaml",
]
USAGE = "Usage: agreementgen new [OPTIONS] FOLDER\nTry 'agreementgen new --help' for help.\n\n"
PLACEHOLDER = "[indsæt"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with the schemas, worked in, without agreements yet."""
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def example(project: Path) -> Path:
    """The project with a copy of agreements/example to start from."""
    shutil.copytree(EXAMPLE, project / "agreements" / "example")
    return project / "agreements" / "example"


def run(*args: str, stdin: str | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), input=stdin, prog_name="agreementgen")
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def with_options(**changes: str | tuple[str, ...] | None) -> list[str]:
    """NEW with options changed (a value, or a value per repeat), or left out (None);
    `folder` changes FOLDER."""
    args = list(NEW)
    for option, value in changes.items():
        if option == "folder":
            assert isinstance(value, str)
            args[1] = value
            continue
        flag = "--" + option.replace("_", "-")
        for index in reversed([i for i, arg in enumerate(args) if arg == flag]):
            del args[index : index + 2]
        values = (value,) if isinstance(value, str) else value or ()
        args += [part for one in values for part in (flag, one)]
    return args


def data(path: Path) -> Any:
    """A YAML file's data, read as agreementgen reads it (dates as text)."""
    return to_plain(yaml_parser().load(path.read_text("utf-8")))


def created(folder: str, names: list[str]) -> str:
    written = "".join(f"Wrote {folder}/{name}\n" for name in names)
    return written + (
        f"Created {folder}: replace each [indsæt ...] placeholder; "
        f"`agreementgen validate --final {folder}` lists those left.\n"
    )


def placeholder_error(where: str) -> str:
    return (
        f"{where}: error AG270: template placeholder '[indsæt' left in the text\n"
        "    hint: replace it with the real name or text, or delete it\n"
    )


def placeholder_errors(folder: str, name: str, places: str) -> str:
    return "".join(placeholder_error(f"{folder}/{name}:{place}") for place in places.split())


def baselines_missing(where: str, pack_at: str) -> str:
    """The nine AG206 errors, and under the first the note on the pack's rule at `pack_at`."""
    indicators = [
        "Andel 1-5-årige i dagtilbud",
        "Karaktergennemsnit i dansk og matematik for 9.-klasseselever",
        "Andel 18-29-årige, der har grundskole som højest fuldførte uddannelse, og som ikke er "
        "i gang med en uddannelse",
        "Andel 15-29-årige, der hverken er i gang med en uddannelse eller er i beskæftigelse "
        "(restgruppen)",
        "Andel 18-64-årige, der er uden tilknytning til arbejdsmarked og uddannelse",
        "Andel 15-29-årige, som er sigtet mindst én gang",
        "Andel beboere over 18 år, der føler sig grundlæggende trygge i boligområdet",
        "Andel beboere over 18 år, der laver frivilligt arbejde",
        "Andel stemmeberettigede, der har stemt ved seneste kommunalvalg/ folketingsvalg",
    ]
    note = (
        f"{pack_at}: note: template pack lbf-2019-26@2023-11-24: required in a final build "
        "(--final)\n"
    )
    return "".join(
        f"{where}: error AG206: indicator {number} ({text}) has no baseline\n"
        "    hint: give its values, or not_available with the reason\n"
        + (note if number == 1 else "")
        for number, text in enumerate(indicators, 1)
    )


# -- a new folder -----------------------------------------------------------------------------


def test_new_writes_every_document_with_its_schema_line(project: Path) -> None:
    result = run(*NEW)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == created("agreements/nordby", FILES)
    folder = project / "agreements" / "nordby"
    found = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert found == sorted(FILES)
    for name in FILES:
        first = (folder / name).read_text("utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, first
        schema = (folder / name).parent / match[1]
        assert schema.resolve() == (project / "schema" / schema.name).resolve()
        assert schema.is_file(), schema
    assert first == "# yaml-language-server: $schema=../../schema/board-mandate.schema.json"


def test_the_schema_line_follows_where_the_folder_is(project: Path) -> None:
    result = run(*with_options(folder="work/drafts/nordby"))
    assert result.exit_code == 0, result.output
    folder = project / "work" / "drafts" / "nordby"
    first = (folder / "agreement.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schema/agreement.schema.json"
    first = (folder / "sub-agreements" / "employment.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../../schema/sub-agreement.schema.json"


def test_outside_a_project_the_schema_line_is_the_examples(project: Path) -> None:
    shutil.rmtree(project / "schema")
    assert run(*NEW).exit_code == 0
    folder = project / "agreements" / "nordby"
    for name, depth in (
        ("agreement.yaml", "../.."),
        ("sub-agreements/employment.yaml", "../../.."),
    ):
        kind = "agreement" if name == "agreement.yaml" else "sub-agreement"
        first = (folder / name).read_text("utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema={depth}/schema/{kind}.schema.json"
    # As agreements/example has it.
    assert (
        (EXAMPLE / "agreement.yaml")
        .read_text("utf-8")
        .startswith("# yaml-language-server: $schema=../../schema/agreement.schema.json\n")
    )


def test_new_folder_holds_what_was_given(project: Path) -> None:
    args = with_options(focus_area=("cohesion_and_citizenship", "employment"))
    assert run(*args).exit_code == 0
    folder = project / "agreements" / "nordby"
    agreement = data(folder / "agreement.yaml")
    assert agreement["template_pack"] == "lbf-2019-26@2023-11-24"  # the newest
    assert agreement["area_name"] == "Helhedsplanen i Nordby"
    assert agreement["period"] == {"start": "2026-01-01", "end": "2029-12-31"}
    assert [(p["id"], p["kind"], p["name"]) for p in agreement["parties"]] == [
        ("nordby-boligselskab", "housing_organisation", "Nordby Boligselskab"),
        ("nordby-kommune", "municipality", "Nordby Kommune"),
    ]
    assert [m["party"] for m in agreement["board"]["members"]] == [
        "nordby-boligselskab",
        "nordby-kommune",
    ]
    assert [b["indicator"] for b in agreement["sections"]["goals"]["baselines"]] == list(
        range(1, 10)
    )
    areas = agreement["sections"]["focus_areas"]
    assert list(areas) == ["employment", "cohesion_and_citizenship"]  # template order
    assert all(area["chosen"] for area in areas.values())
    activities = {
        "employment": "beskaeftigelse-1",
        "cohesion_and_citizenship": "sammenhaengskraft-1",
    }
    for key, activity in activities.items():
        sub = data(folder / "sub-agreements" / f"{key}.yaml")
        assert sub["area"] == key
        assert [a["id"] for a in sub["activities"]] == [activity]
    budget = data(folder / "budget.yaml")
    assert [line["area"] for line in budget["lines"]] == [
        "cross_cutting",
        "employment",
        "cohesion_and_citizenship",
    ]
    assert budget["lines"][2]["activities"] == ["sammenhaengskraft-1"]
    for line in budget["lines"]:
        assert line["amounts"] == {
            year: {"lbf": 0, "nordby-boligselskab": 0, "nordby-kommune": 0}
            for year in ("2026", "2027", "2028", "2029")
        }
    assert data(folder / "milestones.yaml")["milestones"] == []
    assert data(folder / "board-mandate.yaml")["regulation_reference"] == (
        "regulativet af 11. december 2019, revideret per 24. november 2023"
    )


def test_the_comments_explain_each_block_in_danish(project: Path) -> None:
    assert run(*NEW).exit_code == 0
    text = (project / "agreements" / "nordby" / "agreement.yaml").read_text("utf-8")
    for line in (
        "  # Bestyrelsen: LBF kræver entydig ledelse med én ansvarlig bestyrelse, hvor kommunens"
        " og hver",
        "    # 6. Indsatsområder: problemkomplekset for hvert valgt område, konkret og underbygget"
        " med",
        "      - indicator: 1  # Andel 1-5-årige i dagtilbud",
    ):
        assert line + "\n" in text
    # The comments of a repeated block are written once, with its first entry.
    assert text.count("# Underskriveren:") == 1


def test_new_folder_is_a_draft_that_validates_and_builds(project: Path, tmp_path: Path) -> None:
    assert run(*NEW).exit_code == 0
    result = run("validate", "agreements/nordby")
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("OK\n")
    assert " error " not in result.stderr
    result = run("build", "agreements/nordby", "--out", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "nordby" / "Delaftale - Beskæftigelse.docx").is_file()


def test_new_folder_is_in_canonical_form(project: Path) -> None:
    assert run(*NEW).exit_code == 0
    result = run("fmt", "--check", "agreements/nordby")
    assert result.exit_code == 0, result.output
    assert result.stderr == "6 files would be left unchanged.\n"


def test_final_refuses_the_new_folder_at_each_placeholder(project: Path) -> None:
    assert run(*NEW).exit_code == 0
    result = run("validate", "--final", "agreements/nordby")
    assert result.exit_code == 1
    folder = "agreements/nordby"
    expected = (
        f"{folder}/agreement.yaml:17:1: warning AG212: not signed yet by Nordby Boligselskab, "
        "Nordby Kommune\n"
        + placeholder_errors(
            folder,
            "agreement.yaml",
            "28:13 29:14 34:13 35:14 42:11 55:13 57:13 59:16 61:7 68:13 70:11 83:11 89:11 95:11"
            " 105:11",
        )
        + baselines_missing(f"{folder}/agreement.yaml:112:5", f"{folder}/agreement.yaml:10:16")
        + f"{folder}/agreement.yaml:129:7: warning AG204: the problem complex of Beskæftigelse "
        "has no figures or data\n"
        "    hint: LBF asks for a description that is 'konkret og dataunderbygget'\n"
        + placeholder_errors(folder, "agreement.yaml", "131:13 138:11")
        + placeholder_errors(
            folder, "board-mandate.yaml", "11:7 15:7 19:7 23:7 27:7 31:7 35:7 39:7"
        )
        + placeholder_errors(folder, "budget.yaml", "10:14")
        + f"{folder}/budget.yaml:11:1: error AG231: the budget has no amounts for 2026, 2027, "
        "2028, 2029; its years must cover 2026-2029\n"
        "    hint: budget years are the calendar years the agreement period touches, part "
        "years included\n"
        f"{folder}/agreement.yaml:14:1: note: the period runs 1. januar 2026 – 31. december "
        "2029\n"
        f"{folder}/budget.yaml:11:1: warning AG239: Nordby Kommune co-finances nothing\n"
        "    hint: add its cash or in-kind share to the lines it pays for, under "
        "'nordby-kommune'\n"
        f"{folder}/agreement.yaml:30:5: note: Nordby Kommune is the municipality\n"
        + placeholder_errors(folder, "budget.yaml", "20:18 29:18 41:7")
        + placeholder_errors(
            folder,
            "contingency-plan.yaml",
            "12:7 16:7 22:11 25:11 26:14 28:9 29:27 33:7 39:15 40:14 42:17 46:7",
        )
        + f"{folder}/contingency-plan.yaml:49:9: warning AG252: the board has not approved "
        "the contingency plan\n"
        "    hint: add approved_by_board: <date> once the board has approved it\n"
        + placeholder_errors(folder, "contingency-plan.yaml", "49:9")
        + placeholder_errors(folder, "milestones.yaml", "11:7")
        + f"{folder}/milestones.yaml:23:1: error AG240: the milestone plan has no milestones\n"
        "    hint: LBF wants a milestone plan for the whole period\n"
        + placeholder_errors(
            folder,
            "sub-agreements/employment.yaml",
            "13:7 20:11 21:12 27:11 31:5 40:11 42:7 43:19 52:7 55:7 59:7",
        )
        + "Summary by file:\n"
        f"  {folder}/agreement.yaml: 26 errors, 2 warnings\n"
        f"  {folder}/board-mandate.yaml: 8 errors\n"
        f"  {folder}/budget.yaml: 5 errors, 1 warning\n"
        f"  {folder}/contingency-plan.yaml: 13 errors, 1 warning\n"
        f"  {folder}/milestones.yaml: 2 errors\n"
        f"  {folder}/sub-agreements/employment.yaml: 11 errors\n"
        "Aborted with 65 errors, 4 warnings.\n"
    )
    assert result.stderr == expected


def test_every_placeholder_of_every_file_is_a_located_error(project: Path) -> None:
    """Derived from the files rather than written out: each '[indsæt' in a file's data is an
    AG270 error at its line and column (a quoted text at its opening quote)."""
    assert run(*NEW).exit_code == 0
    folder = project / "agreements" / "nordby"
    expected = set()
    for name in FILES:
        for number, line in enumerate((folder / name).read_text("utf-8").splitlines(), 1):
            if line.lstrip().startswith("#") or PLACEHOLDER not in line:
                continue
            column = line.index(PLACEHOLDER)
            column = column if line[column - 1] == '"' else column + 1
            expected.add(f"agreements/nordby/{name}:{number}:{column}")
    assert {name for name in FILES if any(e.split(":")[0].endswith(name) for e in expected)} == (
        set(FILES)
    )
    result = run("validate", "--final", "agreements/nordby")
    found = {
        line.split(": error AG270")[0] for line in result.stderr.splitlines() if "AG270" in line
    }
    assert found == expected


# -- what a user typed ------------------------------------------------------------------------

HOSTILE = [
    'Foo: "bar" # x',
    "- Boligselskabet",
    "* Boligselskabet",
    "& Boligselskabet",
    "! Boligselskabet",
    "% Boligselskabet",
    "@ Boligselskabet",
    "Boligselskabet\nNord",
    "Boligselskabet Nord\n",
    " Boligselskabet ",
    "'Boligselskabet'",
    '"Boligselskabet"',
    "[indsæt ikke] {x: 1}",
    "null",
    "yes",
    "2026-01-01",
    "12.50",
    "~",
    "? x",
    "|",
    ">- x",
    "#1",
    "x: y: z",
    "Æbelø Bolig\u00adselskab 🏠",
    "a\\nb",
    "{{ 7 * 7 }}",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_name_round_trips_exactly(project: Path, name: str) -> None:
    args = with_options(
        area_name=name,
        party=(
            f"nordby-boligselskab:housing_organisation:{name}",
            f"nordby-kommune:municipality:{name}",
        ),
    )
    result = run(*args)
    assert result.exit_code == 0, result.output
    folder = project / "agreements" / "nordby"
    agreement = data(folder / "agreement.yaml")
    assert agreement["area_name"] == name
    assert [p["name"] for p in agreement["parties"]] == [name, name]
    assert run("validate", "agreements/nordby").exit_code == 0
    assert run("fmt", "--check", "agreements/nordby").exit_code == 0


BAD = [
    pytest.param(
        with_options(folder="agreements/Nordby"),
        "Invalid value for 'FOLDER': 'Nordby' is not a valid agreement id; the folder's name "
        "is the id: use lower-case letters, digits and hyphens, e.g. agreements/nordby",
        id="folder",
    ),
    pytest.param(
        with_options(start="2026-02-30"),
        "Invalid value for '--start': '2026-02-30' is not a date; write YYYY-MM-DD, "
        "e.g. 2026-01-01",
        id="start",
    ),
    pytest.param(
        with_options(start="1.1.2026"),
        "Invalid value for '--start': '1.1.2026' is not a date; write YYYY-MM-DD, e.g. 2026-01-01",
        id="start-danish",
    ),
    pytest.param(
        with_options(start="1999-12-31"),
        "Invalid value for '--start': '1999-12-31' is not between 2000 and 2099",
        id="start-range",
    ),
    pytest.param(
        with_options(end="2025-12-31"),
        "Invalid value for '--end': the period must end after it starts (2026-01-01)",
        id="end-before-start",
    ),
    pytest.param(
        with_options(party=("nordby", "nordby-kommune:municipality:Nordby Kommune")),
        "Invalid value for '--party': 'nordby' is not ID:KIND:NAME, e.g. "
        "boligselskabet-nord:housing_organisation:'Boligselskabet Nord'",
        id="party-form",
    ),
    pytest.param(
        with_options(party=("Nordby:housing_organisation:X", "k:municipality:K")),
        "Invalid value for '--party': 'Nordby' is not a valid id: use lower-case letters, "
        "digits and hyphens, e.g. boligselskabet-nord",
        id="party-id",
    ),
    pytest.param(
        with_options(party=("lbf:housing_organisation:X", "k:municipality:K")),
        "Invalid value for '--party': 'lbf' is Landsbyggefonden's id in the budget; give the "
        "party another id",
        id="party-lbf",
    ),
    pytest.param(
        with_options(party=("x:company:X", "k:municipality:K")),
        "Invalid value for '--party': 'company' is not a kind of party: housing_organisation, "
        "municipality, police or other",
        id="party-kind",
    ),
    pytest.param(
        with_options(party=("x:housing_organisation:  ", "k:municipality:K")),
        "Invalid value for '--party': the name of 'x': it is empty or only spaces",
        id="party-blank",
    ),
    pytest.param(
        with_options(party=("x:housing_organisation:A\x1b[31mB", "k:municipality:K")),
        "Invalid value for '--party': the name of 'x': '\\x1b' is a control character or "
        "line separator",
        id="party-control",
    ),
    pytest.param(
        with_options(party=("x:housing_organisation:A\u200bB", "k:municipality:K")),
        "Invalid value for '--party': the name of 'x': '\\u200b' is an invisible or invalid "
        "character",
        id="party-invisible",
    ),
    pytest.param(
        with_options(party=("x:housing_organisation:X", "x:municipality:K")),
        "Invalid value for '--party': the party id 'x' is given twice",
        id="party-twice",
    ),
    pytest.param(
        with_options(party="x:housing_organisation:X"),
        "Invalid value for '--party': give exactly one party of kind municipality, not 0",
        id="no-municipality",
    ),
    pytest.param(
        with_options(party=("x:housing_organisation:X", "k:municipality:K", "l:municipality:L")),
        "Invalid value for '--party': give exactly one party of kind municipality, not 2",
        id="two-municipalities",
    ),
    pytest.param(
        with_options(party=("k:municipality:K", "p:police:P")),
        "Invalid value for '--party': give at least one party of kind housing_organisation",
        id="no-housing-organisation",
    ),
    pytest.param(
        with_options(focus_area="safety"),
        "Invalid value for '--focus-area': 'safety' is not a focus area: "
        "education_and_life_chances, employment, crime_prevention or cohesion_and_citizenship",
        id="focus-area",
    ),
    pytest.param(
        [*NEW, "--template-pack", "lbf-2030"],
        "Invalid value for '--template-pack': 'lbf-2030' is not a template pack: "
        "lbf-2019-26@2019-12-11 or lbf-2019-26@2023-11-24",
        id="pack",
    ),
    pytest.param(
        with_options(area_name=" \n "),
        "Invalid value for '--area-name': it is empty or only spaces",
        id="area-name",
    ),
    pytest.param(with_options(area_name=None), "Missing option '--area-name'.", id="no-area"),
    pytest.param(with_options(start=None), "Missing option '--start'.", id="no-start"),
    pytest.param(with_options(end=None), "Missing option '--end'.", id="no-end"),
    pytest.param(with_options(party=None), "Missing option '--party'.", id="no-party"),
    pytest.param(with_options(focus_area=None), "Missing option '--focus-area'.", id="no-area"),
    pytest.param(
        [*NEW, "--from", "agreements/example"],
        "Invalid value for '--party': not with --from: the parties and focus areas come from "
        "that agreement",
        id="from-and-party",
    ),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_is_a_usage_error(project: Path, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == f"{USAGE}Error: {message}\n"
    assert not (project / "agreements").exists()


def test_the_help_names_every_focus_area_and_template_pack() -> None:
    result = CliRunner().invoke(cli, ["new", "-h"], terminal_width=1000)
    assert result.exit_code == 0
    for value in [*FocusAreaKey, *TemplatePack]:
        assert value.value in result.output
    assert making.newest_pack() is TemplatePack.LBF_2023


# -- the prompts --------------------------------------------------------------------------------


def test_what_is_not_given_is_asked_at_a_terminal(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_module, "_interactive", lambda: True)
    answers = [
        "",  # an area name is needed
        'Nordby Øst: "Ringen"',
        "2026-13-01",
        "2026-01-01",
        "2025-12-31",
        "",  # the default: four years
        "bad",
        "bs:housing_organisation:- Boligselskabet Nord",
        "",  # no municipality yet
        "bs:municipality:X",
        "kommune:municipality:Nordby Kommune",
        "",
        "safety",
        "crime_prevention, employment",
        "lbf-2030",
        "",  # the default: the newest pack
    ]
    result = run("new", "agreements/nordby", stdin="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Area name: \n"
        'Area name: Nordby Øst: "Ringen"\n'
        "First day of the period (YYYY-MM-DD): 2026-13-01\n"
        "Error: '2026-13-01' is not a date; write YYYY-MM-DD, e.g. 2026-01-01\n"
        "First day of the period (YYYY-MM-DD): 2026-01-01\n"
        "Last day of the period (YYYY-MM-DD) [2029-12-31]: 2025-12-31\n"
        "Error: the period must end after it starts (2026-01-01)\n"
        "Last day of the period (YYYY-MM-DD) [2029-12-31]: \n"
        "The parties, one per line as ID:KIND:NAME, KIND being housing_organisation, "
        "municipality, police or other; an empty line ends the list.\n"
        "Party 1: bad\n"
        "Error: 'bad' is not ID:KIND:NAME, e.g. "
        "boligselskabet-nord:housing_organisation:'Boligselskabet Nord'\n"
        "Party 1: bs:housing_organisation:- Boligselskabet Nord\n"
        "Party 2: \n"
        "Error: give exactly one party of kind municipality, not 0\n"
        "Party 2: bs:municipality:X\n"
        "Error: the party id 'bs' is given twice\n"
        "Party 2: kommune:municipality:Nordby Kommune\n"
        "Party 3: \n"
        "Chosen focus areas, separated by commas (education_and_life_chances, employment, "
        "crime_prevention, cohesion_and_citizenship): safety\n"
        "Error: 'safety' is not a focus area: education_and_life_chances, employment, "
        "crime_prevention or cohesion_and_citizenship\n"
        "Chosen focus areas, separated by commas (education_and_life_chances, employment, "
        "crime_prevention, cohesion_and_citizenship): crime_prevention, employment\n"
        "Template pack (lbf-2019-26@2019-12-11 or lbf-2019-26@2023-11-24) "
        "[lbf-2019-26@2023-11-24]: lbf-2030\n"
        "Error: 'lbf-2030' is not a template pack: lbf-2019-26@2019-12-11 or "
        "lbf-2019-26@2023-11-24\n"
        "Template pack (lbf-2019-26@2019-12-11 or lbf-2019-26@2023-11-24) "
        "[lbf-2019-26@2023-11-24]: \n"
        + created(
            "agreements/nordby",
            [
                "agreement.yaml",
                "sub-agreements/employment.yaml",
                "sub-agreements/crime_prevention.yaml",
                *FILES[2:],
            ],
        )
    )
    agreement = data(project / "agreements" / "nordby" / "agreement.yaml")
    assert agreement["area_name"] == 'Nordby Øst: "Ringen"'
    assert agreement["period"] == {"start": "2026-01-01", "end": "2029-12-31"}
    assert [(p["id"], p["name"]) for p in agreement["parties"]] == [
        ("bs", "- Boligselskabet Nord"),
        ("kommune", "Nordby Kommune"),
    ]
    assert list(agreement["sections"]["focus_areas"]) == ["employment", "crime_prevention"]
    assert agreement["template_pack"] == "lbf-2019-26@2023-11-24"


def test_from_asks_for_the_period_and_pack_at_a_terminal(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_module, "_interactive", lambda: True)
    answers = ["2030-01-01", "", "lbf-2019-26@2019-12-11"]
    result = run(*FROM[:4], stdin="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        "First day of the period (YYYY-MM-DD): 2030-01-01\n"
        "Last day of the period (YYYY-MM-DD) [2033-12-31]: \n"
        "Template pack (lbf-2019-26@2019-12-11 or lbf-2019-26@2023-11-24) "
        "[lbf-2019-26@2023-11-24]: lbf-2019-26@2019-12-11\n"
        "Wrote agreements/eksempelby-2030/agreement.yaml\n"
    )
    agreement = data(example.parent / "eksempelby-2030" / "agreement.yaml")
    assert agreement["period"] == {"start": "2030-01-01", "end": "2033-12-31"}
    assert agreement["template_pack"] == "lbf-2019-26@2019-12-11"


def test_without_a_terminal_nothing_is_asked(project: Path) -> None:
    result = run("new", "agreements/nordby", stdin="Nordby\n")
    assert result.exit_code == 2
    assert result.stderr == f"{USAGE}Error: Missing option '--area-name'.\n"


# -- never lose data ----------------------------------------------------------------------------


def _folder_with_notes(project: Path) -> None:
    (project / "agreements" / "nordby").mkdir(parents=True)
    (project / "agreements" / "nordby" / "notes.txt").write_text("mine\n", "utf-8")


def _file(project: Path) -> None:
    (project / "agreements").mkdir()
    (project / "agreements" / "nordby").write_text("mine\n", "utf-8")


def _link(project: Path) -> None:
    (project / "elsewhere").mkdir()
    (project / "agreements").mkdir()
    (project / "agreements" / "nordby").symlink_to(project / "elsewhere")


@pytest.mark.parametrize(
    ("setup", "problem"),
    [
        (_folder_with_notes, "the target folder exists and is not empty"),
        (_file, "the target exists and is a file"),
        (_link, "the target is a link"),
    ],
)
def test_a_target_that_holds_anything_is_refused_and_left_as_it_was(
    project: Path, setup: Any, problem: str
) -> None:
    setup(project)
    before = tree_state(project)
    result = run(*NEW)
    assert result.exit_code == 1
    assert result.stderr == (
        f"agreements/nordby: error AG126: {problem}; `new` writes only into a new or empty "
        "folder\n"
        "    hint: give a new folder, or move what is there away first\n"
        "Aborted with 1 error.\n"
    )
    assert tree_state(project) == before


def test_an_empty_folder_is_filled(project: Path) -> None:
    (project / "agreements" / "nordby").mkdir(parents=True)
    result = run(*NEW)
    assert result.exit_code == 0, result.output
    assert (project / "agreements" / "nordby" / "agreement.yaml").is_file()
    assert sorted(p.name for p in (project / "agreements").iterdir()) == ["nordby"]


def test_a_folder_filled_meanwhile_is_not_replaced(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = making._verify

    def meanwhile(folder: Path) -> None:
        real(folder)
        (project / "agreements" / "nordby").mkdir()
        (project / "agreements" / "nordby" / "notes.txt").write_text("mine\n", "utf-8")

    monkeypatch.setattr(making, "_verify", meanwhile)
    result = run(*NEW)
    assert result.exit_code == 1
    assert "error AG126: the target folder exists and is not empty" in result.stderr
    assert tree_state(project / "agreements") == {
        "nordby": "folder",
        "nordby/notes.txt": b"mine\n",
    }


def test_an_interrupted_new_leaves_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = making._write_file
    written: list[Path] = []

    def interrupted(path: Path, content: bytes) -> None:
        if len(written) == 3:
            raise KeyboardInterrupt
        real(path, content)
        written.append(path)

    monkeypatch.setattr(making, "_write_file", interrupted)
    result = run(*NEW)
    assert result.exit_code == 130
    assert result.stderr == "Interrupted.\n"
    assert len(written) == 3
    assert not any(path.exists() for path in written)
    assert list((project / "agreements").iterdir()) == []


def test_a_failed_write_is_a_diagnostic_and_leaves_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(path: Path, content: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(making, "_write_file", full)
    result = run(*NEW)
    assert result.exit_code == 1
    assert result.stderr == (
        "agreements/nordby: error AG124: the agreement folder cannot be made: "
        "No space left on device\n"
        "Aborted with 1 error.\n"
    )
    assert list((project / "agreements").iterdir()) == []


# -- the next plan period -------------------------------------------------------------------------

FROM = (
    "new",
    "agreements/eksempelby-2030",
    "--from",
    "agreements/example",
    "--start",
    "2030-01-01",
    "--end",
    "2033-12-31",
)
FROM_FILES = [
    "agreement.yaml",
    "sub-agreements/education_and_life_chances.yaml",
    "sub-agreements/employment.yaml",
    *FILES[2:],
    "files/kort.png",
]


def _without(mapping: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if key not in keys}


def test_from_writes_the_next_period(example: Path) -> None:
    result = run(*FROM)
    assert result.exit_code == 0, result.output
    assert result.stderr == created("agreements/eksempelby-2030", FROM_FILES)


def test_from_keeps_what_carries_over(example: Path) -> None:
    assert run(*FROM).exit_code == 0
    new = example.parent / "eksempelby-2030"
    old_agreement, agreement = data(example / "agreement.yaml"), data(new / "agreement.yaml")
    assert agreement["area_name"] == old_agreement["area_name"]
    for key in ("department_groups", "departments", "board"):
        assert agreement[key] == old_agreement[key]
    assert [_without(p, "signatory") for p in agreement["parties"]] == [
        _without(p, "signatory") for p in old_agreement["parties"]
    ]
    sections, old_sections = agreement["sections"], old_agreement["sections"]
    assert _without(sections, "goals") == _without(old_sections, "goals")
    assert sections["focus_areas"] == old_sections["focus_areas"]

    def kept(baselines: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [(b["indicator"], b.get("unit"), b.get("source")) for b in baselines]

    assert kept(sections["goals"]["baselines"]) == kept(old_sections["goals"]["baselines"])
    for name in FROM_FILES[1:3]:
        old, sub = data(example / name), data(new / name)
        assert _without(sub, "activities") == _without(old, "updated", "activities")
        assert sub["activities"] == [_without(a, "period") for a in old["activities"]]
    old_budget, budget = data(example / "budget.yaml"), data(new / "budget.yaml")
    assert budget["funders"] == old_budget["funders"]
    assert budget["assumptions"] == old_budget["assumptions"]
    assert [_without(line, "amounts") for line in budget["lines"]] == [
        _without(line, "amounts") for line in old_budget["lines"]
    ]
    assert data(new / "contingency-plan.yaml") == _without(
        data(example / "contingency-plan.yaml"), "approved_by_board"
    )
    assert data(new / "board-mandate.yaml") == _without(
        data(example / "board-mandate.yaml"), "approved"
    )
    assert (new / "files" / "kort.png").read_bytes() == (
        example / "files" / "kort.png"
    ).read_bytes()


def test_from_clears_what_must_be_rewritten(example: Path) -> None:
    assert run(*FROM).exit_code == 0
    new = example.parent / "eksempelby-2030"
    agreement = data(new / "agreement.yaml")
    assert agreement["period"] == {"start": "2030-01-01", "end": "2033-12-31"}
    assert [p["signatory"] for p in agreement["parties"]] == [
        {"name": "[indsæt underskriverens navn]", "title": "[indsæt underskriverens titel]"}
    ] * 3
    for baseline in agreement["sections"]["goals"]["baselines"]:
        assert set(baseline) <= {"indicator", "unit", "source"}
    for name in FROM_FILES[1:3]:
        sub = data(new / name)
        assert "updated" not in sub and "period" not in sub
        assert all("period" not in activity for activity in sub["activities"])
    budget = data(new / "budget.yaml")
    assert budget["price_level"] == "[indsæt pris- og lønniveau]"
    old_lines = data(example / "budget.yaml")["lines"]
    for line, old in zip(budget["lines"], old_lines, strict=True):
        payers = list(dict.fromkeys(p for by_payer in old["amounts"].values() for p in by_payer))
        assert line["amounts"] == {
            year: dict.fromkeys(payers, 0) for year in ("2030", "2031", "2032", "2033")
        }
    milestones = data(new / "milestones.yaml")
    intro = "[indsæt hvordan milepælsplanen bruges, og hvornår bestyrelsen ajourfører den.]\n"
    assert milestones == {"intro": [{"text": intro}], "milestones": []}
    assert "approved_by_board" not in data(new / "contingency-plan.yaml")
    assert "approved" not in data(new / "board-mandate.yaml")


def test_from_keeps_the_comments(example: Path) -> None:
    assert run(*FROM).exit_code == 0
    new = example.parent / "eksempelby-2030"
    for name in FROM_FILES:
        if name in ("milestones.yaml", "files/kort.png"):
            continue
        old = [line for line in (example / name).read_text("utf-8").splitlines() if "#" in line]
        kept = [line for line in (new / name).read_text("utf-8").splitlines() if "#" in line]
        assert kept == old, name


def test_from_is_a_draft_that_builds_and_fails_final(example: Path, tmp_path: Path) -> None:
    assert run(*FROM).exit_code == 0
    folder = "agreements/eksempelby-2030"
    result = run("validate", folder)
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("OK\n")
    result = run("fmt", "--check", folder)
    assert result.exit_code == 0, result.output
    assert result.stderr == "7 files would be left unchanged.\n"
    result = run("build", folder, "--out", str(tmp_path / "out"), "--format", "html", "--quiet")
    assert result.exit_code == 0, result.output
    result = run("validate", "--final", folder)
    assert result.exit_code == 1
    # Made from the example, it is marked as one (AG272): its content is fictitious.
    assert result.stderr == (
        f"{folder}/agreement.yaml:9:1: warning AG212: not signed yet by Eksempelby "
        "Boligselskab, Boligforeningen Fjorden, Eksempelby Kommune\n"
        + placeholder_errors(folder, "agreement.yaml", "14:13 15:14 20:13 21:14 26:13 27:14")
        + baselines_missing(f"{folder}/agreement.yaml:172:5", f"{folder}/agreement.yaml:4:16")
        + f"{folder}/agreement.yaml:231:1: error AG272: the agreement is marked as an "
        "example: its content is fictitious\n"
        "    hint: delete `example: true` when the content is real\n"
        + placeholder_errors(folder, "budget.yaml", "5:14")
        + f"{folder}/budget.yaml:10:1: error AG231: the budget has no amounts for 2030, 2031, "
        "2032, 2033; its years must cover 2030-2033\n"
        "    hint: budget years are the calendar years the agreement period touches, part "
        "years included\n"
        f"{folder}/agreement.yaml:6:1: note: the period runs 1. januar 2030 – 31. december "
        "2033\n"
        f"{folder}/budget.yaml:10:1: warning AG239: Eksempelby Kommune co-finances nothing\n"
        "    hint: add its cash or in-kind share to the lines it pays for, under "
        "'eksempelby-kommune'\n"
        f"{folder}/agreement.yaml:22:5: note: Eksempelby Kommune is the municipality\n"
        f"{folder}/contingency-plan.yaml:88:9: warning AG252: the board has not approved the "
        "contingency plan\n"
        "    hint: add approved_by_board: <date> once the board has approved it\n"
        + placeholder_errors(folder, "milestones.yaml", "11:7")
        + f"{folder}/milestones.yaml:23:1: error AG240: the milestone plan has no milestones\n"
        "    hint: LBF wants a milestone plan for the whole period\n"
        "Summary by file:\n"
        f"  {folder}/agreement.yaml: 16 errors, 1 warning\n"
        f"  {folder}/budget.yaml: 2 errors, 1 warning\n"
        f"  {folder}/contingency-plan.yaml: 1 warning\n"
        f"  {folder}/milestones.yaml: 2 errors\n"
        "Aborted with 20 errors, 3 warnings.\n"
    )


def test_from_takes_a_new_name_and_pack(example: Path) -> None:
    pack = "lbf-2019-26@2019-12-11"
    result = run(*FROM, "--area-name", "Helhedsplanen 2030", "--template-pack", pack)
    assert result.exit_code == 0, result.output
    agreement = data(example.parent / "eksempelby-2030" / "agreement.yaml")
    assert agreement["area_name"] == "Helhedsplanen 2030"
    assert agreement["template_pack"] == "lbf-2019-26@2019-12-11"


def test_from_without_the_period_is_a_usage_error(example: Path) -> None:
    result = run(*FROM[:4], "--end", "2033-12-31")
    assert result.exit_code == 2
    assert result.stderr == f"{USAGE}Error: Missing option '--start'.\n"


def test_from_an_agreement_with_errors_reports_them(example: Path) -> None:
    text = (example / "agreement.yaml").read_text("utf-8")
    (example / "agreement.yaml").write_text(text.replace("units: 612", "units: -612"), "utf-8")
    before = tree_state(example.parent)
    result = run(*FROM)
    assert result.exit_code == 1
    assert result.stderr == (
        "agreements/example/agreement.yaml:39:12: error AG109: departments[0].units: "
        "-612 is out of range: greater than or equal to 0\n"
        "Aborted with 1 error.\n"
    )
    assert tree_state(example.parent) == before


def test_from_a_folder_that_is_no_agreement(example: Path) -> None:
    result = run("new", "agreements/next", "--from", "agreements", *FROM[4:])
    assert result.exit_code == 1
    assert result.stderr == (
        "agreements: error AG119: --from: not an agreement folder\n"
        "    hint: an agreement folder holds agreement.yaml\n"
        "Aborted with 1 error.\n"
    )
    assert not (example.parent / "next").exists()


def test_from_refuses_an_existing_target_before_reading_the_source(project: Path) -> None:
    (project / "agreements" / "eksempelby-2030").mkdir(parents=True)
    (project / "agreements" / "eksempelby-2030" / "x.txt").write_text("x", "utf-8")
    result = run(*FROM)
    assert result.exit_code == 1
    assert "error AG126" in result.stderr
    assert [p.name for p in (project / "agreements").iterdir()] == ["eksempelby-2030"]
