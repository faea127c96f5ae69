"""The package is laid out as its pipeline, and imports only run downhill.

Stages, from the ground up: the foundation (errors, files, text), source (load and model),
checks, views, render, then build and review side by side, and the CLI on top. `kinds/`
holds each kind's parts, and each part stands on its stage's floor: its declaration and
model on source's, its rules on checks', its view on views'.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT

PACKAGE = ROOT / "src" / "agreementgen"

FLOORS = {
    "foundation": 0,
    "source": 1,
    "checks": 2,
    "views": 3,
    "render": 4,
    "build": 5,
    "review": 5,
    "edit": 5,
    "preview": 6,
    "cli": 7,
}
# What lies directly in the package, by module; the rest is named by its folder.
TOP = {
    "agreementgen": "foundation",
    "agreementgen.errors": "foundation",
    "agreementgen.files": "foundation",
    "agreementgen.fonts": "foundation",
    "agreementgen.language": "foundation",
    "agreementgen.processes": "foundation",
    "agreementgen.report": "foundation",
    "agreementgen.cli": "cli",
    "agreementgen.__main__": "cli",
}
# The parts of a kind, by module name inside the kind's package.
KIND_PARTS = {
    "model": "source",
    "figures": "source",
    "rules": "checks",
    "view": "views",
    "timeline": "views",
    "xlsx": "views",
}


def stage(module: str) -> str:
    """Return the stage of a module of agreementgen."""
    if module in TOP:
        return TOP[module]
    parts = module.split(".")
    if parts[1] == "text":
        return "foundation"
    if parts[1] != "kinds":
        return parts[1]
    if len(parts) <= 3:  # the registry, base.py and each kind's declaration
        return "source"
    return KIND_PARTS[parts[3]]


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(path: Path, module: str) -> set[str]:
    """Every module of agreementgen that `path` imports, at any depth of the code."""
    found = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    modules = _modules()
    return {name for name in found if name in modules and name != module}


def _beside(one: str, other: str) -> bool:
    """Whether two stages stand on one floor without being one (build and review)."""
    return one != other and FLOORS[one] == FLOORS[other]


def test_the_check_sees_function_level_imports() -> None:
    """The static check reads imports inside functions too: the CLI imports each command's
    stage only when the command runs."""
    cli = _imports(PACKAGE / "cli.py", "agreementgen.cli")
    assert {"agreementgen.build.pipeline", "agreementgen.review.redline"} <= cli


def test_every_module_has_a_stage() -> None:
    for module in _modules():
        assert stage(module) in FLOORS, module


def test_imports_only_run_downhill() -> None:
    """No module imports one of a higher stage, nor build and review each other; function-level
    imports count too, so none can hide a way back up."""
    uphill = []
    for module, path in _modules().items():
        own = stage(module)
        for imported in _imports(path, module):
            other = stage(imported)
            if FLOORS[other] > FLOORS[own] or _beside(other, own):
                uphill.append(f"{module} ({own}) imports {imported} ({other})")
    assert uphill == []


def test_no_module_imports_itself_round_a_circle() -> None:
    graph = {module: _imports(path, module) for module, path in _modules().items()}
    # A package's __init__ is imported with each of its modules: not a circle of the code.
    graph = {m: {i for i in imports if not m.startswith(f"{i}.")} for m, imports in graph.items()}
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            pytest.fail("import circle: " + " -> ".join([*trail[trail.index(module) :], module]))
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, [*trail, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


@pytest.mark.parametrize("name", [s for s in FLOORS if s not in ("cli", "foundation")])
def test_importing_a_stage_loads_nothing_above_it(name: str) -> None:
    """Importing every module of a stage, for real, loads no module of a stage above it."""
    mine = [m for m in _modules() if stage(m) == name]
    code = (
        "import importlib, sys\n"
        f"for m in {mine!r}: importlib.import_module(m)\n"
        "print('\\n'.join(m for m in sys.modules if m.startswith('agreementgen')))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    floor = FLOORS[name]
    above = [
        m
        for m in loaded
        if FLOORS[stage(m)] > floor or (FLOORS[stage(m)] == floor and stage(m) != name)
    ]
    assert above == []
