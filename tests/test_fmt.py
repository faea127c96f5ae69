"""`agreementgen fmt`: golden cases (black style), the safety checks, the CLI and its exit codes."""

from __future__ import annotations

import stat
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import BaseModel
from ruamel.yaml import YAML

from agreementgen.cli import cli
from agreementgen.review import fmt
from agreementgen.review.fmt import FormatError, format_text
from agreementgen.source.load import load_yaml, to_plain
from agreementgen.source.model import Agreement, Markdown
from agreementgen.text.markdown import parse_markdown
from agreementgen.text.prose import split_sentences

from .helpers import DATA, ROOT, tree_state

CASES = ROOT / "tests" / "fmt"
MARKER = "# output\n"


def read_case(name: str) -> tuple[str, str]:
    """Return a golden case's input and expected output (the input when there is no marker)."""
    text = (CASES / f"{name}.yaml").read_text("utf-8")
    source, marker, expected = text.partition(MARKER)
    return source, expected if marker else source


def loaded(text: str) -> Any:
    return to_plain(YAML(typ="rt", pure=True).load(text))


def assert_equivalent(before: Any, after: Any, where: str = "") -> None:
    """The data is the same; prose is compared as the renderers read it, numbers as written."""
    if isinstance(before, dict):
        assert isinstance(after, dict) and before.keys() == after.keys(), where
        for key in before:
            one, other = before[key], after[key]
            if key == "text" and isinstance(one, str) and isinstance(other, str):
                assert parse_markdown(one) == parse_markdown(other), f"{where}.{key}"
            else:
                assert_equivalent(one, other, f"{where}.{key}")
    elif isinstance(before, list):
        assert isinstance(after, list) and len(before) == len(after), where
        for index, (one, other) in enumerate(zip(before, after, strict=True)):
            assert_equivalent(one, other, f"{where}[{index}]")
    else:
        assert type(before) is type(after), where
        if isinstance(before, Decimal):
            assert before.as_tuple() == after.as_tuple(), where
        assert before == after, where


# -- golden cases -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.yaml")))
def test_golden_case(name: str) -> None:
    source, expected = read_case(name)
    result = format_text(source, Agreement)
    assert result == expected
    assert format_text(result, Agreement) == result, "formatting twice changes nothing"
    assert_equivalent(loaded(source), loaded(result))


def test_every_golden_case_changes_something_but_one() -> None:
    unchanged = [p.stem for p in CASES.glob("*.yaml") if MARKER not in p.read_text("utf-8")]
    assert unchanged == ["formatted"]


def comments(text: str) -> list[str]:
    return sorted(line.partition("#")[2] for line in text.splitlines() if " # " in f" {line}")


def test_comments_survive_every_case() -> None:
    for path in CASES.glob("*.yaml"):
        source, expected = read_case(path.stem)
        assert comments(source) == comments(expected), path.stem


@pytest.mark.parametrize(
    "folder", [ROOT / "agreements" / "viborg", DATA / "demo"], ids=["viborg", "demo"]
)
def test_the_shipped_agreements_are_formatted(folder: Path) -> None:
    text = (folder / "agreement.yaml").read_text("utf-8")
    assert format_text(text, Agreement) == text, f"run `agreementgen fmt {folder}`"


# -- sentences -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Første. Anden! Tredje? Fjerde.", ["Første.", "Anden!", "Tredje?", "Fjerde."]),
        ("Sådan. Økonomien er sund. Året gik.", ["Sådan.", "Økonomien er sund.", "Året gik."]),
        ("I alt. 7 af dem.", ["I alt.", "7 af dem."]),
        ('Han sagde "ja." "Nej," sagde hun.', ['Han sagde "ja."', '"Nej," sagde hun.']),
        ("Slut (kilde 2023). Næste.", ["Slut (kilde 2023).", "Næste."]),
        ("mellem to  Mellemrum. Bevares.", ["mellem to  Mellemrum.", "Bevares."]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


@pytest.mark.parametrize(
    "text",
    [
        "Boligselskabet Sct. Jørgen.",
        "Følger regulativet, jf. Landsbyggefondens vejledning.",
        "Der er ca. 2470 lejemål.",
        "Pris pr. Måned.",
        "Se nr. 5.",
        "Se fx. Bilag 2.",
        "Gælder bl.a. Viborg.",
        "Gælder f.eks. Viborg.",
        "Det er dvs. Ikke nyt.",
        "Aftaler mv. Fastlægges.",
        "Mødet er kl. 10.",
        "Også afd. 12.",
        "Data fra dec. 2023.",
        "Formand J. Hansen.",
        "Afsnit 5. Indsatsområder.",
        "Kilde (Tabel 9a. 2023).",
        "I 2023. 2. halvår.",
        "To mellemrum.  Ingen deling.",
        "Ikke efter. små bogstaver.",
    ],
)
def test_no_split_when_unsure(text: str) -> None:
    assert split_sentences(text) == [text]


# -- any model ---------------------------------------------------------------------------------


class Note(BaseModel):
    title: str
    body: Markdown
    tags: list[str] = []


class Notes(BaseModel):
    intro: Markdown | None = None
    notes: list[Note]
    by_name: dict[str, Note] = {}


def test_order_and_prose_come_from_whatever_model_is_given() -> None:
    source = (
        "by_name:\n"
        "  b: {body: Kort., title: B}\n"
        "notes:\n"
        "  - tags: [x]\n"
        "    body: En. To.\n"
        "    title: Første\n"
        "intro: Hej. Med dig.\n"
    )
    assert format_text(source, Notes) == (
        "intro: |\n"
        "  Hej.\n"
        "  Med dig.\n"
        "notes:\n"
        "  - title: Første\n"
        "    body: |\n"
        "      En.\n"
        "      To.\n"
        "    tags: [x]\n"
        "by_name:\n"
        "  b: {title: B, body: Kort.}\n"
    )


def test_every_registered_kind_formats_its_shipped_files() -> None:
    from agreementgen.kinds import KINDS

    for kind in KINDS:
        for path in sorted((ROOT / "agreements").glob(f"*/{kind.pattern}")):
            source, _ = load_yaml(path)
            if source is None:
                continue  # a file that does not load is validate's to report
            format_text(source.text, kind.model)  # raises unless equivalent and stable


# -- safety -------------------------------------------------------------------------------------


def test_crlf_line_endings_are_kept() -> None:
    source, expected = read_case("danish")
    result = format_text(source.replace("\n", "\r\n"), Agreement)
    assert result == expected.replace("\n", "\r\n")


def test_line_breaks_other_than_newline_are_refused() -> None:
    with pytest.raises(FormatError, match=r"line break other than \\n \(U\+2028\)"):
        format_text("area_name: Viborg\u2028Nord\n", Agreement)


def test_text_that_is_not_yaml_cannot_be_formatted() -> None:
    with pytest.raises(FormatError, match="cannot be read"):
        format_text("a: [1, 2\n", Agreement)


def test_a_result_with_other_data_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = fmt._Formatter.document

    def lossy(self: Any, root: Any, annotation: Any) -> str:
        return str(real(self, root, annotation)).replace("2.00", "2.0")

    monkeypatch.setattr(fmt._Formatter, "document", lossy)
    source, _ = read_case("numbers")
    with pytest.raises(FormatError, match=r"change the data at sections\.goals\.baselines"):
        format_text(source, Agreement)


def test_an_unstable_result_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = fmt._Formatter.document

    def growing(self: Any, root: Any, annotation: Any) -> str:
        return str(real(self, root, annotation)) + "# again\n"

    monkeypatch.setattr(fmt._Formatter, "document", growing)
    with pytest.raises(FormatError, match="not stable"):
        format_text("area_name: x\ntemplate_pack: y\n", Agreement)


def test_a_markdown_change_in_meaning_is_caught() -> None:
    # A split that would start a numbered list is never made.
    source = "sections:\n  vision:\n    body:\n      - text: Det var 2023. 1. halvår gik.\n"
    result = format_text(source, Agreement)
    assert "2023. 1. halvår" in result


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with agreements/demo (not formatted) and agreements/done (formatted)."""
    for name, case in (("demo", "comments"), ("done", "formatted")):
        folder = tmp_path / "agreements" / name
        folder.mkdir(parents=True)
        source, _ = read_case(case)
        (folder / "agreement.yaml").write_text(source, "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["fmt", *args])


def test_check_reports_and_exits_1_without_writing(project: Path) -> None:
    before = (project / "agreements/demo/agreement.yaml").read_text("utf-8")
    result = run("--check")
    assert result.exit_code == 1
    assert result.stderr == (
        "would reformat agreements/demo/agreement.yaml\n"
        "1 file would be reformatted, 1 file would be left unchanged.\n"
    )
    assert result.stdout == ""
    assert (project / "agreements/demo/agreement.yaml").read_text("utf-8") == before


def test_check_on_formatted_files_exits_0(project: Path) -> None:
    result = run("--check", "agreements/done")
    assert result.exit_code == 0
    assert result.stderr == "1 file would be left unchanged.\n"


def test_diff_prints_a_unified_diff_and_writes_nothing(project: Path) -> None:
    before = (project / "agreements/demo/agreement.yaml").read_text("utf-8")
    result = run("--diff", "agreements/demo")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "--- agreements/demo/agreement.yaml\t(original)\n"
        "+++ agreements/demo/agreement.yaml\t(formatted)\n@@ "
    )
    assert "-area_name: Demo  # the name on the front page\n" in result.stdout
    assert "+area_name: Demo  # the name on the front page\n" in result.stdout
    assert (project / "agreements/demo/agreement.yaml").read_text("utf-8") == before
    assert run("--check", "--diff", "agreements/demo").exit_code == 1


def test_diff_marks_a_missing_newline_at_the_end(project: Path) -> None:
    Path("agreements/done/agreement.yaml").write_text("area_name: x\ntemplate_pack: y", "utf-8")
    result = run("--diff", "agreements/done")
    assert result.stdout.endswith(
        "@@ -1,2 +1,2 @@\n+template_pack: y\n area_name: x\n-template_pack: y\n"
        "\\ No newline at end of file\n"
    )


def test_write_formats_in_place_keeping_the_file_mode(project: Path) -> None:
    path = project / "agreements/demo/agreement.yaml"
    path.chmod(0o664)
    result = run()
    assert result.exit_code == 0
    assert result.stderr == (
        "reformatted agreements/demo/agreement.yaml\n1 file reformatted, 1 file left unchanged.\n"
    )
    assert path.read_text("utf-8") == read_case("comments")[1]
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    assert sorted(p.name for p in path.parent.iterdir()) == ["agreement.yaml"]
    again = run("--check")
    assert again.exit_code == 0
    assert again.stderr == "2 files would be left unchanged.\n"


def test_a_linked_file_is_formatted_through_the_link(project: Path) -> None:
    """The link stays a link (another document may share the file), the file it leads to
    is formatted, and nothing else in the folder changes."""
    folder = project / "agreements/demo"
    (folder / "shared").mkdir()
    (folder / "agreement.yaml").rename(folder / "shared/agreement.yaml")
    (folder / "agreement.yaml").symlink_to("shared/agreement.yaml")
    result = run("agreements/demo")
    assert result.exit_code == 0, result.output
    assert result.stderr == "reformatted agreements/demo/agreement.yaml\n1 file reformatted.\n"
    assert (folder / "agreement.yaml").is_symlink()
    assert (folder / "agreement.yaml").readlink() == Path("shared/agreement.yaml")
    assert (folder / "shared/agreement.yaml").read_text("utf-8") == read_case("comments")[1]
    assert sorted(p.name for p in (folder / "shared").iterdir()) == ["agreement.yaml"]


def test_a_file_linked_from_outside_the_folder_is_neither_read_nor_written(
    project: Path,
) -> None:
    outside = project / "elsewhere.yaml"
    outside.write_text(read_case("comments")[0], "utf-8")
    (project / "agreements/demo/agreement.yaml").unlink()
    (project / "agreements/demo/agreement.yaml").symlink_to(outside)
    before = tree_state(project)
    result = run("agreements/demo")
    assert result.exit_code == 123
    assert result.stderr == (
        "agreements/demo/agreement.yaml: error AG125: the file leads outside the agreement "
        "folder through a link\n"
        "    hint: copy the file into the agreement folder: agreementgen reads nothing outside "
        "it\n"
        "1 file failed to reformat.\n"
    )
    assert tree_state(project) == before


def test_a_file_that_does_not_load_exits_123_and_the_others_are_formatted(project: Path) -> None:
    broken = project / "agreements/broken/agreement.yaml"
    broken.parent.mkdir()
    broken.write_text("area_name: [Demo\n", "utf-8")
    result = run()
    assert result.exit_code == 123
    assert result.stderr.startswith("agreements/broken/agreement.yaml:2:1: error AG100: ")
    assert "reformatted agreements/demo/agreement.yaml\n" in result.stderr
    assert result.stderr.endswith(
        "1 file reformatted, 1 file left unchanged, 1 file failed to reformat.\n"
    )
    assert broken.read_text("utf-8") == "area_name: [Demo\n"


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        pytest.param(
            "    kind: municipality\n",
            "    ? - text: x\n    kind: municipality\n",
            "agreements/done/agreement.yaml:10:7: error AG103: parties[0]: a key must be text, "
            "not a list\n"
            "    hint: a key is a plain word, e.g. area_name\n",
            id="list-key-holding-a-mapping",
        ),
        pytest.param(
            "  start: 2025-08-01\n  end: 2029-07-31\n",
            "  <<: {start: 2025-08-01, end: 2029-07-31}\n",
            "agreements/done/agreement.yaml:5:3: error AG113: YAML merge keys (<<) are not "
            "allowed\n"
            "    hint: write the keys out in full; agreements are read by people, not "
            "deduplicated\n",
            id="merge-key",
        ),
    ],
)
@pytest.mark.parametrize(
    ("args", "summary"),
    [(["--check"], "1 file would fail to reformat.\n"), ([], "1 file failed to reformat.\n")],
    ids=["check", "write"],
)
def test_a_key_yaml_data_cannot_have_is_a_diagnostic_and_the_file_is_left(
    project: Path, old: str, new: str, said: str, args: list[str], summary: str
) -> None:
    path = project / "agreements/done/agreement.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    before = tree_state(project)
    result = run(*args, "agreements/done")
    assert result.exit_code == 123
    assert result.stderr == said + summary
    assert "internal error" not in result.output
    assert tree_state(project) == before


def test_a_file_that_cannot_be_formatted_equivalently_is_named_and_left(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fmt._Formatter.document

    def lossy(self: Any, root: Any, annotation: Any) -> str:
        return str(real(self, root, annotation)).replace("Demo Politi", "Demo Polti")

    monkeypatch.setattr(fmt._Formatter, "document", lossy)
    path = project / "agreements/demo/agreement.yaml"
    before = path.read_text("utf-8")
    result = run()
    assert result.exit_code == 123
    assert result.stderr == (
        "agreements/demo/agreement.yaml: error: cannot format: the result would change the "
        "data at parties[1].name\n"
        "1 file left unchanged, 1 file failed to reformat.\n"
    )
    assert path.read_text("utf-8") == before


def test_a_failed_write_leaves_the_file_untouched(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self: Path, target: Any) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", fail)
    path = project / "agreements/demo/agreement.yaml"
    before = path.read_text("utf-8")
    result = run("agreements/demo")
    assert result.exit_code == 123
    assert result.stderr == (
        "agreements/demo/agreement.yaml: error: cannot write: No space left on device\n"
        "1 file failed to reformat.\n"
    )
    assert path.read_text("utf-8") == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["agreement.yaml"]


def test_a_named_yaml_file_that_is_no_known_document_exits_123(project: Path) -> None:
    other = project / "agreements/demo/notes.yaml"
    other.write_text("a: 1\n", "utf-8")
    result = run("--check", "agreements/demo/notes.yaml")
    assert result.exit_code == 123
    assert result.stderr.startswith(
        "agreements/demo/notes.yaml: error AG117: not a document agreementgen knows\n"
    )


def test_a_missing_path_exits_123(project: Path) -> None:
    result = run("--check", "agreements/nowhere")
    assert result.exit_code == 123
    assert "agreements/nowhere: error AG119: no such file or folder" in result.stderr


def test_documents_beside_the_agreement_are_formatted(project: Path) -> None:
    from agreementgen.kinds import KINDS

    kind = next(k for k in KINDS if k.pattern != "agreement.yaml" and "*" not in k.pattern)
    first, second, *_ = kind.model.model_fields
    document = project / "agreements/done" / kind.pattern
    document.write_text(f"{second}: b\n{first}: a\n", "utf-8")
    result = run("--check", "agreements/done")
    assert result.exit_code == 1
    assert result.stderr == (
        f"would reformat agreements/done/{kind.pattern}\n"
        "1 file would be reformatted, 1 file would be left unchanged.\n"
    )


# -- pre-commit and CI -------------------------------------------------------------------------


def test_the_pre_commit_hooks_run_existing_commands() -> None:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert {hook["id"] for hook in hooks} == {"agreementgen-validate", "agreementgen-fmt"}
    for hook in hooks:
        program, command, *options = hook["entry"].split()
        assert program == "agreementgen"
        assert command in cli.commands
        known = {o for p in cli.commands[command].params for o in getattr(p, "opts", [])}
        assert set(options) <= known, hook["id"]
        assert hook["language"] == "python"


def test_the_example_workflow_is_valid_yaml() -> None:
    for path in (ROOT / "examples" / "ci").glob("*.yml"):
        workflow = YAML(typ="safe").load(path.read_text("utf-8"))
        assert workflow["jobs"], path
        steps = [s.get("run", "") for job in workflow["jobs"].values() for s in job["steps"]]
        assert any("agreementgen fmt --check" in step for step in steps)


def test_fmt_needs_no_renderer() -> None:
    # Like validate, fmt runs in pre-commit on every commit: it must not load the renderers.
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from agreementgen.review import fmt\n"
        "print(sorted(m for m in ('weasyprint', 'docxtpl', 'docx') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"
