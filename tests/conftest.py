"""A guard on every test: nothing is read from beside the repository.

A checkout here has the team's `shared/` folder beside it; a fresh clone elsewhere, as CI
makes one, has not. A test that opened a file there would pass here and fail in CI, so every
open in the test process is watched (an audit hook, which also sees opens made by the code
under test) and a test that opens a file beside the repository fails. The temporary folder
is exempt: a clone may itself lie in it.

Every test speaks English unless it asks for Danish: the locale of the machine running the
tests (a Danish laptop, a CI runner) must not change the exact output tests pin.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from agreementgen.language import speaking
from agreementgen.views.document import Document

_ROOT = str(Path(__file__).resolve().parents[1])
_BESIDE = str(Path(_ROOT).parent) + os.sep
_TEMP = str(Path(tempfile.gettempdir()).resolve()) + os.sep
_opened_beside: list[str] = []


def _watch(event: str, args: tuple[object, ...]) -> None:
    if event != "open" or not isinstance(args[0], str | bytes | os.PathLike):
        return
    # Text only, no file system call: the hook runs on every open, imports included.
    path = os.path.abspath(os.fsdecode(args[0]))  # noqa: PTH100
    outside = not (path + os.sep).startswith(_ROOT + os.sep) and not path.startswith(_TEMP)
    if outside and path.startswith(_BESIDE):
        _opened_beside.append(path)


sys.addaudithook(_watch)


@pytest.fixture(autouse=True)
def _reads_nothing_beside_the_repository() -> Iterator[None]:
    _opened_beside.clear()
    yield
    assert _opened_beside == [], "a test read beside the repository; copy it into tests/data/"


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """English messages, whatever the locale: a test that wants Danish asks for it."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    with speaking("en"):
        yield


# The Viborg agreement, rendered once for every test module that reads it.
@pytest.fixture(scope="session")
def viborg_view() -> Document:
    from .helpers import ROOT, document

    return document(ROOT / "agreements" / "viborg")


@pytest.fixture(scope="session")
def viborg_docx(viborg_view: Document) -> bytes:
    from agreementgen.render.word import render_docx

    return render_docx(viborg_view)


@pytest.fixture(scope="session")
def viborg_html(viborg_view: Document) -> str:
    from agreementgen.render.html import render_html

    return render_html(viborg_view)
