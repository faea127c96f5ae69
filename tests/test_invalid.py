"""Bad input: every broken agreement gives exact diagnostics on stderr, exit 1, no traceback.

Each folder under tests/invalid/ is one case: an `agreement.yaml` with exactly one defect (or,
for several-errors-in-line-order, several), any files it refers to, and `expected.txt`, the
exact stderr of `agreementgen validate <case>` run from the case's parent folder.

A case about a document beside the agreement (a budget, a delaftale) may start from a whole
agreement folder: `base.txt` names a folder under tests/data (`complete`, a signed copy of
agreements/example that validates with --final without a word), which is copied first and
then overlaid with the case's files. `args.txt` holds more arguments for `validate`, such as
`--final` for LBF's rules, which are only warnings in a draft.

Inputs that need exact bytes (encodings, control characters, line endings) or are large are
built at run time from MINIMAL instead, in GENERATED below.

Cases whose current output is wrong are marked xfail(strict=True) in XFAIL; their
expected.txt holds the output they should give, so fixing the code turns them into passes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from markupsafe import escape

from agreementgen.cli import cli

from .helpers import tree_state

CASES = Path(__file__).parent / "invalid"
DATA = Path(__file__).parent / "data"

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
    """A case built at run time: its folder's agreement.yaml bytes and the exact stderr.

    `setup` then adds what git cannot hold (links, named pipes, folders in place of files)
    to the case's folder; `skip` says why a case cannot run here, or is empty.
    """

    folder: str
    content: Callable[[], bytes] | None  # None: no agreement.yaml (and no folder, without setup)
    expected: str
    xfail: str = ""
    setup: Callable[[Path], None] | None = None
    skip: Callable[[], str] = lambda: ""


def _minimal(old: str = "", new: str = "") -> bytes:
    assert old in MINIMAL
    return MINIMAL.replace(old, new, 1).encode("utf-8")


def _budget_beside_complete(setup: Callable[[Path], None]) -> Callable[[Path], None]:
    """Set the case's budget.yaml up in a copy of tests/data/complete, a whole and signed
    agreement: the agreement's own rules run when only a document beside it fails, and they
    find nothing there, so the budget's problem is the only one."""
    return _beside_complete("budget.yaml", setup)


def _beside_complete(name: str, setup: Callable[[Path], None]) -> Callable[[Path], None]:
    """Set the case's file or folder `name` up in a copy of tests/data/complete."""

    def build(folder: Path) -> None:
        shutil.copytree(DATA / "complete", folder, dirs_exist_ok=True)
        if (folder / name).is_dir():
            shutil.rmtree(folder / name)
        else:
            (folder / name).unlink()
        setup(folder)

    return build


def _padded(size: int) -> bytes:
    data = _minimal()
    return data + b"# " + b"x" * (size - len(data) - 3) + b"\n"


def _raw(character: str) -> Callable[[], bytes]:
    return lambda: _minimal("En vision.", f"En{character} vision.")


def _figure(image: str) -> bytes:
    return _minimal(
        "      - text: En vision.\n",
        f"      - figure:\n          image: {image}\n          caption: Et kort\n",
    )


def _templates(folder: str) -> bytes:
    return _minimal("area_name: Testby Øst", f"templates: {folder}\narea_name: Testby Øst")


def _make_folder(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).mkdir(parents=True)


def _link(name: str, target: str) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).symlink_to(target)

    return setup


def _pipe(name: str) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(folder / name)

    return setup


def _unreadable(folder: Path) -> None:
    (folder / "budget.yaml").write_text("lines: []\n", "utf-8")
    (folder / "budget.yaml").chmod(0)


def _root() -> str:
    # Root reads a file whatever its mode says.
    return "running as root, which can read any file" if os.geteuid() == 0 else ""


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` × `height` pixels, with almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _jpeg_header(width: int, height: int) -> bytes:
    """A JPEG whose frame header (SOF0) claims `width` × `height` pixels."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\0"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def _file(name: str, data: bytes) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)

    return setup


def _outside_file(name: str, text: str) -> Callable[[Path], None]:
    """Link `name` in the case's folder to a file beside the folder, outside it."""

    def setup(folder: Path) -> None:
        secret = folder.parent / f"{folder.name}-secret.yaml"
        secret.write_text(text, "utf-8")
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).symlink_to(secret)

    return setup


def _outside_folder(name: str) -> Callable[[Path], None]:
    """Link folder `name` to a copy of the complete agreement's, beside the case's folder."""

    def setup(folder: Path) -> None:
        elsewhere = folder.parent / f"{folder.name}-elsewhere"
        shutil.copytree(DATA / "complete" / name, elsewhere)
        (folder / name).symlink_to(elsewhere)

    return setup


def _links(*links: tuple[str, str]) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        for name, target in links:
            _link(name, target)(folder)

    return setup


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
        # The folder's files are read and checked all the same: every problem in one report.
        "Viborg Plan",
        lambda: _minimal("area_name: Testby Øst", "area_name: [Testby]"),
        "Viborg Plan: error AG118: agreement folder name 'Viborg Plan' is not a valid id\n"
        "    hint: the folder name is the agreement id: lower-case letters, digits, hyphens\n"
        "Viborg Plan/agreement.yaml:2:1: error AG103: area_name: expected text, got a list\n"
        "Summary by file:\n"
        "  Viborg Plan: 1 error\n"
        "  Viborg Plan/agreement.yaml: 1 error\n"
        "Aborted with 2 errors.\n",
    ),
    Generated(
        "no-such-folder",
        None,
        "no-such-folder: error AG119: no such file or folder\nAborted with 1 error.\n",
    ),
    Generated(
        "utf16-file",
        lambda: MINIMAL.encode("utf-16"),
        "utf16-file/agreement.yaml:1:1: error AG110: file is not UTF-8 (byte 0xff)\n"
        "    hint: save the file as UTF-8; Danish letters æ ø å need it\n"
        "Aborted with 1 error.\n",
    ),
    *(
        Generated(
            f"control-character-{name}",
            _raw(character),
            f"control-character-{name}/agreement.yaml:19:17: error AG111: control character "
            f"{character!r} is not allowed in YAML\n"
            "    hint: remove it; tabs are allowed only inside quoted text\n"
            "Aborted with 1 error.\n",
        )
        for name, character in (
            ("nul", "\x00"),
            ("escape", "\x1b"),
            ("delete", "\x7f"),
            ("c1-csi", "\x9b"),
        )
    ),
    Generated(
        "agreement-yaml-is-a-folder",
        None,
        "agreement-yaml-is-a-folder/agreement.yaml: error AG121: file cannot be read: it is a "
        "folder, not a file\n"
        "Aborted with 1 error.\n",
        setup=_make_folder("agreement.yaml"),
    ),
    Generated(
        "agreement-yaml-broken-link",
        None,
        "agreement-yaml-broken-link/agreement.yaml: error AG120: file not found\n"
        "    hint: it is a link to 'aftale.yaml', which does not exist\n"
        "Aborted with 1 error.\n",
        setup=_link("agreement.yaml", "aftale.yaml"),
    ),
    Generated(
        "budget-is-a-folder",
        None,
        "budget-is-a-folder/budget.yaml: error AG121: file cannot be read: it is a folder, not "
        "a file\n"
        "Aborted with 1 error.\n",
        setup=_budget_beside_complete(_make_folder("budget.yaml")),
    ),
    Generated(
        "budget-link-loop",
        None,
        "budget-link-loop/budget.yaml: error AG121: file cannot be read: it is a link that "
        "leads back to itself (a loop of links)\n"
        "Aborted with 1 error.\n",
        setup=_budget_beside_complete(_link("budget.yaml", "budget.yaml")),
    ),
    Generated(
        # Opening a named pipe waits for a writer: it must be refused without being opened.
        "budget-named-pipe",
        None,
        "budget-named-pipe/budget.yaml: error AG121: file cannot be read: it is a named pipe, "
        "not a file\n"
        "Aborted with 1 error.\n",
        setup=_budget_beside_complete(_pipe("budget.yaml")),
    ),
    Generated(
        "budget-unreadable",
        None,
        "budget-unreadable/budget.yaml: error AG121: file cannot be read: Permission denied\n"
        "Aborted with 1 error.\n",
        setup=_budget_beside_complete(_unreadable),
        skip=_root,
    ),
    Generated(
        "budget-not-utf8",
        None,
        "budget-not-utf8/budget.yaml:1:14: error AG110: file is not UTF-8 (byte 0xc5)\n"
        "    hint: save the file as UTF-8; Danish letters æ ø å need it\n"
        "Aborted with 1 error.\n",
        setup=_budget_beside_complete(
            lambda folder: (folder / "budget.yaml").write_bytes(
                "price_level: Årets niveau\n".encode("latin-1")
            )
        ),
    ),
    Generated(
        "figure-image-named-pipe",
        lambda: _figure("files/kort.png"),
        "figure-image-named-pipe/agreement.yaml:20:18: error AG137: image file "
        "'files/kort.png' is not a regular file\n"
        "Aborted with 1 error.\n",
        setup=_pipe("files/kort.png"),
    ),
    Generated(
        "templates-link-out-of-project",
        lambda: _templates("skabeloner"),
        "templates-link-out-of-project/agreement.yaml:2:12: error AG181: templates folder "
        "'skabeloner' is outside the project\n"
        "    hint: templates may only be read from inside the project (the folder agreementgen "
        "runs in), e.g. a folder `templates` beside agreement.yaml\n"
        "Aborted with 1 error.\n",
        setup=_link("skabeloner", "/etc"),
    ),
    Generated(
        "template-file-link-out-of-folder",
        lambda: _templates("skabeloner"),
        "template-file-link-out-of-folder/agreement.yaml:2:12: error AG181: template "
        "'agreement.html.j2' is a link to a file outside the templates folder\n"
        "    hint: copy the file into the templates folder\n"
        "Aborted with 1 error.\n",
        setup=_link("skabeloner/agreement.html.j2", "/etc/passwd"),
    ),
    Generated(
        "invisible-character-raw-bom-in-text",
        _raw("\ufeff"),
        "invisible-character-raw-bom-in-text/agreement.yaml:19:15: error AG111: "
        "sections.vision.body[0].text: the invisible character U+FEFF (ZERO WIDTH NO-BREAK "
        "SPACE) is not allowed in text\n"
        "    hint: remove it; invisible characters come along unseen with text pasted from "
        "elsewhere\n"
        "Aborted with 1 error.\n",
    ),
    Generated(
        "invisible-character-raw-right-to-left-isolate",
        _raw("\u2067"),
        "invisible-character-raw-right-to-left-isolate/agreement.yaml:19:15: error AG111: "
        "sections.vision.body[0].text: the invisible character U+2067 (RIGHT-TO-LEFT "
        "ISOLATE) is not allowed in text\n"
        "    hint: remove it; invisible characters come along unseen with text pasted from "
        "elsewhere\n"
        "Aborted with 1 error.\n",
    ),
    Generated(
        "document-link-out-of-folder",
        None,
        "document-link-out-of-folder/contingency-plan.yaml: error AG125: the file leads "
        "outside the agreement folder through a link\n"
        "    hint: copy the file into the agreement folder: agreementgen reads nothing "
        "outside it\n"
        "Aborted with 1 error.\n",
        setup=_beside_complete(
            "contingency-plan.yaml",
            _outside_file("contingency-plan.yaml", "purpose: hemmelig tekst\n"),
        ),
    ),
    Generated(
        "agreement-link-out-of-folder",
        None,
        "agreement-link-out-of-folder/agreement.yaml: error AG125: the file leads outside "
        "the agreement folder through a link\n"
        "    hint: copy the file into the agreement folder: agreementgen reads nothing "
        "outside it\n"
        "Aborted with 1 error.\n",
        setup=_outside_file("agreement.yaml", MINIMAL),
    ),
    Generated(
        "sub-agreements-folder-link-out-of-folder",
        None,
        "sub-agreements-folder-link-out-of-folder/sub-agreements/education_and_life_chances"
        ".yaml: error AG125: the file leads outside the agreement folder through a link\n"
        "    hint: copy the file into the agreement folder: agreementgen reads nothing "
        "outside it\n"
        "sub-agreements-folder-link-out-of-folder/sub-agreements/employment.yaml: error "
        "AG125: the file leads outside the agreement folder through a link\n"
        "    hint: copy the file into the agreement folder: agreementgen reads nothing "
        "outside it\n"
        "Summary by file:\n"
        "  sub-agreements-folder-link-out-of-folder/sub-agreements/education_and_life_chances"
        ".yaml: 1 error\n"
        "  sub-agreements-folder-link-out-of-folder/sub-agreements/employment.yaml: 1 error\n"
        "Aborted with 2 errors.\n",
        setup=_beside_complete("sub-agreements", _outside_folder("sub-agreements")),
    ),
    Generated(
        "figure-image-link-loop",
        lambda: _figure("files/kort.png"),
        "figure-image-link-loop/agreement.yaml:20:18: error AG137: image file "
        "'files/kort.png' is a link that leads back to itself (a loop of links)\n"
        "Aborted with 1 error.\n",
        setup=_link("files/kort.png", "kort.png"),
    ),
    Generated(
        "figure-image-link-loop-of-two",
        lambda: _figure("files/kort.png"),
        "figure-image-link-loop-of-two/agreement.yaml:20:18: error AG137: image file "
        "'files/kort.png' is a link that leads back to itself (a loop of links)\n"
        "Aborted with 1 error.\n",
        setup=_links(("files/kort.png", "b.png"), ("files/b.png", "kort.png")),
    ),
    Generated(
        "figure-png-claims-ten-gigapixels",
        lambda: _figure("files/kort.png"),
        "figure-png-claims-ten-gigapixels/agreement.yaml:20:18: error AG138: 'files/kort.png' "
        "is 100,000 × 100,000 pixels; the most is 50 megapixels\n"
        "    hint: export it smaller: across an A4 page at 300 dpi a picture is 2,500 pixels\n"
        "Aborted with 1 error.\n",
        setup=_file("files/kort.png", _png_header(100_000, 100_000)),
    ),
    Generated(
        "figure-jpeg-claims-four-gigapixels",
        lambda: _figure("files/kort.jpg"),
        "figure-jpeg-claims-four-gigapixels/agreement.yaml:20:18: error AG138: "
        "'files/kort.jpg' is 65,000 × 65,000 pixels; the most is 50 megapixels\n"
        "    hint: export it smaller: across an A4 page at 300 dpi a picture is 2,500 pixels\n"
        "Aborted with 1 error.\n",
        setup=_file("files/kort.jpg", _jpeg_header(65_000, 65_000)),
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


CASE_FILES = ("expected.txt", "base.txt", "args.txt", "notes.txt")


def _copy_case(name: str, target: Path) -> list[str]:
    """Copy case `name` to `target` (over its base, if it has one); return extra arguments."""
    case = CASES / name
    if (case / "base.txt").is_file():
        shutil.copytree(DATA / (case / "base.txt").read_text("utf-8").strip(), target)
    shutil.copytree(case, target, dirs_exist_ok=True)
    for extra in ("base.txt", "args.txt"):
        (target / extra).unlink(missing_ok=True)
    args = case / "args.txt"
    return args.read_text("utf-8").split() if args.is_file() else []


@pytest.mark.parametrize("name", _case_params())
def test_invalid_case(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = _copy_case(name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    expected = (CASES / name / "expected.txt").read_text("utf-8")
    before = tree_state(tmp_path)
    _assert_rejected(_validate(name, *args), expected)
    assert tree_state(tmp_path) == before


@pytest.mark.parametrize("case", _generated_params())
def test_generated_case(case: Generated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if reason := case.skip():
        pytest.skip(reason)
    folder = tmp_path / case.folder
    if case.content is not None or case.setup is not None:
        folder.mkdir()
    if case.content is not None:
        (folder / "agreement.yaml").write_bytes(case.content())
    if case.setup is not None:
        case.setup(folder)
    monkeypatch.chdir(tmp_path)
    before = tree_state(tmp_path)
    with _deadline(10):  # a named pipe that is opened would wait forever
        _assert_rejected(_validate(case.folder), case.expected)
    assert tree_state(tmp_path) == before


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"validate took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


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


def test_a_50_mb_file_is_refused_quickly_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "huge"
    folder.mkdir()
    size = 50 * 1024 * 1024
    for name in ("agreement.yaml", "budget.yaml"):
        with (folder / name).open("wb") as handle:
            handle.truncate(size)  # a sparse file: nothing is written
    opened: list[str] = []
    real_open = Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    monkeypatch.chdir(tmp_path)
    start = time.monotonic()
    result = _validate("huge")
    assert time.monotonic() - start < 5
    assert "agreement.yaml" not in opened and "budget.yaml" not in opened
    hint = "    hint: an agreement is text: move images to files/ and refer to them\n"
    _assert_rejected(
        result,
        f"huge/agreement.yaml: error AG114: file is {size:,} bytes; the limit is 2,000,000\n"
        + hint
        + f"huge/budget.yaml: error AG114: file is {size:,} bytes; the limit is 2,000,000\n"
        + hint
        + "Summary by file:\n  huge/agreement.yaml: 1 error\n  huge/budget.yaml: 1 error\n"
        + "Aborted with 2 errors.\n",
    )


# Text that means something to Jinja, to Word's XML or to a browser: agreement text is data,
# so each builds without complaint and shows literally in the Word file and on the page. (In
# Markdown, `__x__` is bold: the area name, which is plain text, carries the dunder one.)
HOSTILE = (
    "{{ 7*7 }}",
    "{% include '/etc/passwd' %}",
    "{{ lipsum.globals }}",
    "{{p documents }}",
    "{%p if x %}",
    "{# comment #}",
    "</w:t></w:r><w:r><w:t>injected",
    "<![CDATA[ x ]]>",
    'A & B < C > D "E" <b>F</b>',
    "<script>alert(1)</script>",
    "]]> --> <!--",
)


def test_jinja_and_xml_in_content_build_and_show_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docx import Document as open_docx

    area = "{{ ''.__class__.__mro__ }} </w:t></w:r><w:r><w:t>injected"
    quoted = [text.replace("'", "''") for text in HOSTILE]
    body = "".join(f"      - text: '{text}'\n" for text in quoted)
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "agreement.yaml").write_bytes(
        _minimal("area_name: Testby Øst", "area_name: '" + area.replace("'", "''") + "'").replace(
            b"      - text: En vision.\n", f"      - text: En vision.\n{body}".encode()
        )
    )
    monkeypatch.chdir(tmp_path)
    args = ["build", "hostile", "--out", "out", "--format", "docx", "--format", "html"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    built = tmp_path / "out" / "hostile"
    word = open_docx(str(built / "Strategisk samarbejdsaftale.docx"))
    paragraphs = [p.text for p in word.paragraphs]
    header = " ".join(p.text for p in word.sections[0].header.paragraphs)
    page = (built / "Strategisk samarbejdsaftale.html").read_text("utf-8")
    for text in HOSTILE:
        assert text in paragraphs, text
        assert str(escape(text)) in page, text
    assert area in paragraphs and area in header  # front page and running header
    assert str(escape(area)) in page
    assert "49" not in " ".join(paragraphs)
    assert "<script>" not in page


def test_a_control_character_in_a_file_name_is_shown_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "testby"
    folder.mkdir()
    (folder / "agreement.yaml").write_bytes(_minimal())
    (folder / "bud\x1b[2Jget.yaml").write_text("lines: []\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = _validate("testby")
    assert result.exit_code == 0
    assert "\x1b" not in result.stderr
    assert "testby/bud\\x1b[2Jget.yaml: warning AG117: not a document agreementgen knows\n" in (
        result.stderr
    )
