"""Diagnostics and the exception tree: every user-facing problem is a Diagnostic."""

from __future__ import annotations

import difflib
import enum
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import click

from agreementgen.language import ntr, tr


class Severity(enum.Enum):
    """How bad a diagnostic is."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Note:
    """Where else a diagnostic concerns: the other side of a disagreement between files."""

    path: str
    line: int
    col: int
    message: str

    def format(self) -> str:
        """Return the note as the CLI prints it, under its diagnostic."""
        where = self.path if not self.line else f"{self.path}:{self.line}:{self.col or 1}"
        return f"{where}: note: {self.message}"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one input file, printed as `path:line:col: severity CODE: message`.

    Attributes:
        path: the file, relative to the working directory where possible.
        line: 1-based line, 0 when the problem concerns the whole file.
        col: 1-based column, 0 when unknown.
        code: a stable code such as AG102, documented in the README.
        message: what is wrong, in one line.
        severity: error or warning.
        hint: an optional second line saying how to fix it.
        notes: other places the problem concerns, printed under it.
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    hint: str = ""
    notes: tuple[Note, ...] = ()

    def format(self) -> str:
        """Return the diagnostic as the one or two lines the CLI prints.

        Control characters (from a file name, say) are shown as escapes: a diagnostic is one
        line, and may not steer the terminal.
        """
        where = self.path if not self.line else f"{self.path}:{self.line}:{self.col or 1}"
        text = printable(f"{where}: {self.severity.value} {self.code}: {self.message}")
        if self.hint:
            text += f"\n    hint: {printable(self.hint)}"
        for note in self.notes:
            text += f"\n{printable(note.format())}"
        return text


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Return `text` with control characters written as escapes ('\\x1b')."""
    return _CONTROL.sub(lambda found: repr(found.group())[1:-1], text)


def suggestion(word: str, known: Iterable[str], otherwise: str = "") -> str:
    """Return "did you mean 'x'?" for the closest of `known`, else `otherwise`."""
    close = difflib.get_close_matches(word, list(known), n=1)
    return tr("did you mean {word!r}?").format(word=close[0]) if close else otherwise


def display_path(path: Path) -> str:
    """Return `path` relative to the working directory when it lies below it.

    A path is shown as it is named, not where links lead: a link's target may not exist, may
    be the link itself, or lie outside the folder the path is named in.
    """
    try:
        cwd = Path.cwd()
        named = Path(os.path.normpath(path.absolute()))
        if named.is_relative_to(cwd):
            return str(named.relative_to(cwd))
        where = path.parent.resolve() / path.name if path.is_symlink() else path.resolve()
        return str(where.relative_to(cwd.resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort by file and position, dropping exact repeats."""
    return sorted(set(diagnostics), key=lambda d: (d.path, d.line, d.col, d.code, d.message))


def count_summary(diagnostics: Iterable[Diagnostic]) -> str:
    """Return e.g. '3 errors, 1 warning' (in the current language: '3 fejl, 1 advarsel')."""
    items = list(diagnostics)
    errors = sum(d.severity is Severity.ERROR for d in items)
    warnings = len(items) - errors
    parts = [ntr("{count} error", "{count} errors", errors).format(count=errors)]
    if warnings:
        parts.append(ntr("{count} warning", "{count} warnings", warnings).format(count=warnings))
    return ", ".join(parts)


class AgreementError(click.ClickException):
    """Base of every error agreementgen raises on purpose; the CLI turns it into exit 1."""

    exit_code = 1


class InputError(AgreementError):
    """The input had errors; the diagnostics have been collected in `diagnostics`."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sort_diagnostics(diagnostics)
        super().__init__(
            tr("aborted with {summary}").format(summary=count_summary(self.diagnostics))
        )

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Diagnostic]]]:
        # Sent back from a worker process as its diagnostics, not as its message.
        return (InputError, (self.diagnostics,))


class RenderError(AgreementError):
    """A template could not be rendered."""
