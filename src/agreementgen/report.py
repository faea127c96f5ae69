"""Diagnostics as people and machines read them: text with a summary, JSON, and SARIF.

Text is what the command line prints on stderr; JSON (`validate --format json`) is for
scripts; SARIF 2.1.0 (`--format sarif`) is the format code-scanning tools read (GitHub code
scanning shows each result on the line of the pull request's YAML it concerns).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from agreementgen.errors import Diagnostic, Note, Severity, count_summary, sort_diagnostics
from agreementgen.language import ntr, tr

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def text(diagnostics: Iterable[Diagnostic]) -> str:
    """Every diagnostic as the CLI prints it, in file and line order, then, when they
    concern more than one file, a summary line per file."""
    found = sort_diagnostics(diagnostics)
    lines = [d.format() for d in found]
    by_file = _by_file(found)
    if len(by_file) > 1:
        lines.append(tr("Summary by file:"))
        lines += [f"  {path}: {_file_counts(items)}" for path, items in by_file.items()]
    return "\n".join(lines)


def _file_counts(diagnostics: Sequence[Diagnostic]) -> str:
    """'2 errors, 1 warning', or '1 warning' for a file with warnings only."""
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return count_summary(diagnostics)
    return ntr("{count} warning", "{count} warnings", len(diagnostics)).format(
        count=len(diagnostics)
    )


def _by_file(diagnostics: Sequence[Diagnostic]) -> dict[str, list[Diagnostic]]:
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_file.setdefault(diagnostic.path, []).append(diagnostic)
    return by_file


def _tally(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    """{'errors': n, 'warnings': m}."""
    severities = Counter(d.severity for d in diagnostics)
    return {"errors": severities[Severity.ERROR], "warnings": severities[Severity.WARNING]}


def as_json(diagnostics: Iterable[Diagnostic]) -> str:
    """The diagnostics and their counts (in all and by file) as one JSON document."""
    found = sort_diagnostics(diagnostics)
    document = {
        "version": 1,
        "diagnostics": [_json(d) for d in found],
        "summary": {
            **_tally(found),
            "files": {path: _tally(items) for path, items in _by_file(found).items()},
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _json(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "path": diagnostic.path,
        "line": diagnostic.line,
        "column": diagnostic.col,
        "severity": diagnostic.severity.value,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "notes": [
            {"path": n.path, "line": n.line, "column": n.col, "message": n.message}
            for n in diagnostic.notes
        ],
    }


def as_sarif(diagnostics: Iterable[Diagnostic], *, version: str, rules: Mapping[str, str]) -> str:
    """The diagnostics as a SARIF 2.1.0 log of one run; `rules` maps each code that has a
    summary (LBF's rules) to it, for the tool's rule descriptions."""
    found = sort_diagnostics(diagnostics)
    codes = sorted({d.code for d in found})
    descriptors = [
        {"id": code, **({"shortDescription": {"text": rules[code]}} if code in rules else {})}
        for code in codes
    ]
    run = {
        "tool": {
            "driver": {
                "name": "agreementgen",
                "version": version,
                "rules": descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, codes.index(d.code)) for d in found],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2)


def _result(diagnostic: Diagnostic, rule_index: int) -> dict[str, Any]:
    message = diagnostic.message + (f"\n{diagnostic.hint}" if diagnostic.hint else "")
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": "error" if diagnostic.severity is Severity.ERROR else "warning",
        "message": {"text": message},
        "locations": [_location(diagnostic.path, diagnostic.line, diagnostic.col)],
    }
    if diagnostic.notes:
        result["relatedLocations"] = [_related(i, note) for i, note in enumerate(diagnostic.notes)]
    return result


def _related(index: int, note: Note) -> dict[str, Any]:
    return {
        "id": index,
        **_location(note.path, note.line, note.col),
        "message": {"text": note.message},
    }


def _location(path: str, line: int, col: int) -> dict[str, Any]:
    """A SARIF location: the file as a relative URI, and the line and column when known
    (a problem with a whole file has none)."""
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(PurePath(path).as_posix())}}
    if line:
        physical["region"] = {"startLine": line, "startColumn": col or 1}
    return {"physicalLocation": physical}
