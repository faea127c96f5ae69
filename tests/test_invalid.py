"""Bad input: every broken agreement gives exact diagnostics on stderr, exit 1, no traceback.

Each folder under tests/invalid/ is one case: an `agreement.yaml` with exactly one defect (or,
for several-errors-in-line-order, several), any files it refers to, and `expected.txt`, the
exact stderr of `agreementgen validate <case>` run from the case's parent folder.

Inputs that need exact bytes (encodings, control characters, line endings) or are large are
built at run time from MINIMAL instead, in GENERATED below.

Cases whose current output is wrong are marked xfail(strict=True) in XFAIL; their
expected.txt holds the output they should give, so fixing the code turns them into passes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from agreementgen.cli import cli

CASES = Path(__file__).parent / "invalid"

# The smallest valid agreement; every case under tests/invalid/ is this with one defect.
MINIMAL = """\
template_pack: lbf-2019-26@2023-11-24
area_name: Testby Øst
period:
  start: 2025-01-01
  end: 2028-12-31
parties:
  - id: boligselskabet
    kind: housing_organisation
    name: Boligselskabet
  - id: testby-kommune
    kind: municipality
    name: Testby Kommune
sections:
  area:
    body:
      - text: Området ligger i Testby.
  vision:
    body:
      - text: En vision.
  organisation:
    body:
      - text: En organisering.
  interplay:
    body:
      - text: Et samspil.
  goals: {}
  focus_areas: {}
  evaluation:
    body:
      - text: En evaluering.
"""

MAX_FILE_BYTES = 2_000_000
BOM = b"\xef\xbb\xbf"

# Cases whose diagnostic is wrong today; expected.txt holds what it should say.
XFAIL: dict[str, str] = {}


@dataclass(frozen=True)
class Generated:
    """A case built at run time: its folder's agreement.yaml bytes and the exact stderr."""

    folder: str
    content: Callable[[], bytes] | None  # None: the folder is not created
    expected: str
    xfail: str = ""


def _minimal(old: str = "", new: str = "") -> bytes:
    assert old in MINIMAL
    return MINIMAL.replace(old, new, 1).encode("utf-8")


def _padded(size: int) -> bytes:
    data = _minimal()
    return data + b"# " + b"x" * (size - len(data) - 3) + b"\n"


def _deep_block(levels: int) -> bytes:
    nested = "".join(f"{'  ' * (i + 1)}k{i + 1}:\n" for i in range(levels)) + "  " * levels + "x\n"
    return _minimal("area_name: Testby Øst\n", "area_name:\n" + nested)


GENERATED = [
    Generated(
        "non-utf8-byte",
        lambda: _minimal().replace("Øst".encode(), "Øst".encode("latin-1")),
        "non-utf8-byte/agreement.yaml:2:19: error AG110: file is not UTF-8 (byte 0xd8)\n"
        "    hint: save the file as UTF-8; Danish letters æ ø å need it\n"
        "Aborted with 1 error.\n",
    ),
    Generated(
        "bom-with-error",
        lambda: BOM + _minimal("kind: municipality", "kind: municipalty"),
        "bom-with-error/agreement.yaml:11:11: error AG104: parties[1].kind: 'municipalty' is "
        "not one of: housing_organisation, municipality, police, other\n"
        "    hint: did you mean 'municipality'?\n"
        "Aborted with 1 error.\n",
    ),
    Generated(
        "crlf-with-error",
        lambda: _minimal("kind: municipality", "kind: municipalty").replace(b"\n", b"\r\n"),
        "crlf-with-error/agreement.yaml:11:11: error AG104: parties[1].kind: 'municipalty' is "
        "not one of: housing_organisation, municipality, police, other\n"
        "    hint: did you mean 'municipality'?\n"
        "Aborted with 1 error.\n",
    ),
    Generated(
        "control-character-bel",
        lambda: _minimal("En vision.", "En\x07 vision."),
        "control-character-bel/agreement.yaml:19:17: error AG111: control character '\\x07' "
        "is not allowed in YAML\n"
        "    hint: remove it; tabs are allowed only inside quoted text\n"
        "Aborted with 1 error.\n",
    ),
    Generated(
        "file-too-large",
        lambda: _padded(MAX_FILE_BYTES + 1),
        "file-too-large/agreement.yaml: error AG114: file is 2,000,001 bytes; "
        "the limit is 2,000,000\n"
        "    hint: an agreement is text: move images to files/ and refer to them\n"
        "Aborted with 1 error.\n",
    ),
    Generated(
        # The root mapping is level 1, so the 64th '[' opens level 65.
        "nesting-too-deep-flow",
        lambda: _minimal("area_name: Testby Øst", "area_name: " + "[" * 65 + "]" * 65),
        "nesting-too-deep-flow/agreement.yaml:2:75: error AG116: nesting deeper than 64 levels\n"
        "Aborted with 1 error.\n",
    ),
    Generated(
        "nesting-too-deep-block",
        lambda: _deep_block(70),
        "nesting-too-deep-block/agreement.yaml:66:129: error AG116: "
        "nesting deeper than 64 levels\n"
        "Aborted with 1 error.\n",
    ),
    Generated(
        "Viborg Plan",
        _minimal,
        "Viborg Plan: error AG118: agreement folder name 'Viborg Plan' is not a valid id\n"
        "    hint: the folder name is the agreement id: lower-case letters, digits, hyphens\n"
        "Aborted with 1 error.\n",
    ),
    Generated(
        "no-such-folder",
        None,
        "no-such-folder: error AG119: no such file or folder\nAborted with 1 error.\n",
    ),
]


def _case_params() -> list[object]:
    names = sorted(p.name for p in CASES.iterdir() if p.is_dir())
    unknown = set(XFAIL) - set(names)
    assert not unknown, f"XFAIL names no case folder: {unknown}"
    return [
        pytest.param(
            name,
            marks=[pytest.mark.xfail(strict=True, reason=XFAIL[name])] if name in XFAIL else [],
        )
        for name in names
    ]


def _generated_params() -> list[object]:
    return [
        pytest.param(
            case,
            id=case.folder,
            marks=[pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else [],
        )
        for case in GENERATED
    ]


def _validate(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["validate", *args])
    # Never a traceback or an internal error, whatever the input.
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def _assert_rejected(result: Result, expected: str) -> None:
    assert result.stdout == ""
    assert result.stderr == expected
    assert result.exit_code == 1


@pytest.mark.parametrize("name", _case_params())
def test_invalid_case(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(CASES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    expected = (tmp_path / name / "expected.txt").read_text("utf-8")
    _assert_rejected(_validate(name), expected)


@pytest.mark.parametrize("case", _generated_params())
def test_generated_case(case: Generated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if case.content is not None:
        folder = tmp_path / case.folder
        folder.mkdir()
        (folder / "agreement.yaml").write_bytes(case.content())
    monkeypatch.chdir(tmp_path)
    _assert_rejected(_validate(case.folder), case.expected)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(_minimal, id="minimal"),
        pytest.param(lambda: BOM + _minimal(), id="utf8-bom"),
        pytest.param(lambda: _minimal().replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(lambda: _padded(MAX_FILE_BYTES), id="exactly-size-limit"),
    ],
)
def test_valid_minimal_agreement(
    content: Callable[[], bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "testby"
    folder.mkdir()
    (folder / "agreement.yaml").write_bytes(content())
    monkeypatch.chdir(tmp_path)
    result = _validate("testby")
    # A minimal draft is valid; LBF's rules only warn about what a final build needs.
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.endswith("OK\n") and " error " not in result.stderr


def test_every_case_has_expected_output() -> None:
    for folder in CASES.iterdir():
        assert (folder / "expected.txt").is_file(), folder.name
