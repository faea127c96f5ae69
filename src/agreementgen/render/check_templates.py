"""`check-templates`: every template an agreement uses, read without rendering anything."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes

from agreementgen.checks.agreement import Context, check_templates_folder
from agreementgen.errors import Diagnostic, Severity, display_path
from agreementgen.language import N_, tr
from agreementgen.render.context import CONTEXTS
from agreementgen.render.problems import STYLE_HINT, not_word, unclosed_tags, word_place
from agreementgen.render.template_walk import walk
from agreementgen.render.templating import environment_of
from agreementgen.render.word import CONTENT_STYLES
from agreementgen.source.folder import find_agreements
from agreementgen.source.load import load_yaml
from agreementgen.source.model import Agreement
from agreementgen.source.names import AGREEMENT_FILE
from agreementgen.source.packs import load_pack
from agreementgen.source.templates import (
    CHECKLIST_HTML,
    REPLACEABLE,
    STYLESHEET,
    Templates,
    UnreadableTemplate,
    own_templates,
    template_files,
)
from agreementgen.source.validate import parse_model

# -- check-templates --------------------------------------------------------------------------


@dataclass
class TemplateReport:
    """What check-templates found: the problems and the template files it read."""

    problems: list[Diagnostic] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


def check_templates(paths: Sequence[Path]) -> TemplateReport:
    """Check the templates of the agreements `paths` name (default: all under agreements/).

    Each agreement's templates are its own `templates:` folder before the built-in ones;
    every set is checked once. Nothing is rendered.
    """

    folders, problems = find_agreements(paths)
    report = TemplateReport(problems)
    seen: set[Templates] = set()
    for folder in folders:
        source, found = load_yaml(folder / AGREEMENT_FILE, name=AGREEMENT_FILE, folder=folder)
        report.problems += found
        agreement, found = parse_model(Agreement, source) if source else (None, [])
        report.problems += found
        if source is None or agreement is None:
            continue
        context = Context({AGREEMENT_FILE: source}, load_pack(agreement.template_pack), folder)
        found = list(check_templates_folder(agreement, context))
        report.problems += found
        templates = own_templates(folder, agreement.templates)
        if any(d.severity is Severity.ERROR for d in found) or templates in seen:
            continue
        seen.add(templates)
        problems, checked = check_template_set(templates)
        report.problems += problems
        report.checked += [c for c in checked if c not in report.checked]
    return report


def check_template_set(templates: Templates) -> tuple[list[Diagnostic], list[str]]:
    """Check the templates of one search path; return the problems and the files read."""
    environment = environment_of(templates)
    names = _template_names(templates)
    trees: dict[str, nodes.Template] = {}
    files: dict[str, Path] = {}
    word: dict[str, tuple[Path, str, Any]] = {}
    problems: list[Diagnostic] = []
    for name in names:
        try:
            path = templates.path(name)
        except jinja2.TemplateNotFound as exc:  # a link out of its folder
            where = display_path(templates.own / name) if templates.own else name
            problems.append(Diagnostic(where, 0, 0, "AG181", exc.message or name))
            continue
        files[name] = path
        if name.endswith(".docx"):
            parts, found = _word_parts(path, name, templates)
            problems += found
            for part_name, (source, part) in parts.items():
                tree, found = _parse(environment, source, path, part_name, part)
                problems += found
                if tree is not None:
                    trees[part_name] = tree
                    word[part_name] = (path, source, part)
            continue
        if name == STYLESHEET:
            continue
        try:
            source, _, _ = environment.loader.get_source(environment, name)  # type: ignore[union-attr]
        except UnreadableTemplate as exc:
            problems.append(Diagnostic(display_path(path), 0, 0, "AG182", exc.message or ""))
            continue
        tree, found = _parse(environment, source, path, name, None)
        problems += found
        if tree is not None:
            trees[name] = tree
    contexts = {**CONTEXTS}
    for part_name in word:
        contexts[part_name] = CONTEXTS[part_name.split("#", 1)[0]]
    for finding in walk(trees, contexts):
        if finding.template in word:
            path, source, part = word[finding.template]
            message = word_place(source, finding.line, part) + finding.message
            problems.append(
                Diagnostic(display_path(path), 0, 0, finding.code, message, hint=finding.hint)
            )
        else:
            where = display_path(files[finding.template])
            problems.append(
                Diagnostic(where, finding.line, 0, finding.code, finding.message, hint=finding.hint)
            )
    return problems, [display_path(path) for path in files.values()]


def _template_names(templates: Templates) -> list[str]:
    """The templates of a search path: the replaceable ones, and every other in the own folder."""
    names = set(REPLACEABLE)
    if templates.own is not None and templates.own.is_dir():
        for relative in template_files(templates.own):
            if (relative.endswith(".j2") or relative in REPLACEABLE) and (
                templates.own / relative
            ).is_file():
                names.add(relative)
    names.discard(CHECKLIST_HTML)
    return sorted(names)


def _parse(
    environment: jinja2.Environment, source: str, path: Path, name: str, part: Any
) -> tuple[nodes.Template | None, list[Diagnostic]]:
    try:
        tree = environment.parse(source, name, str(path))
        environment.compile(tree, name, str(path))  # unknown filters and tests
    except jinja2.TemplateSyntaxError as exc:
        message = tr("template syntax error: {reason}").format(reason=exc.message)
        if part is None:
            return None, [Diagnostic(display_path(path), exc.lineno, 0, "AG183", message)]
        where = word_place(source, exc.lineno, part)
        return None, [Diagnostic(display_path(path), 0, 0, "AG183", where + message)]
    return tree, []


# The styles content is written in, by their kind (python-docx's WD_STYLE_TYPE).
_NO_STYLE = {
    "PARAGRAPH": N_("the Word template has no paragraph style {style!r}"),
    "CHARACTER": N_("the Word template has no character style {style!r}"),
    "TABLE": N_("the Word template has no table style {style!r}"),
    "LIST": N_("the Word template has no list style {style!r}"),
}


def _word_parts(
    path: Path, name: str, templates: Templates
) -> tuple[dict[str, tuple[str, Any]], list[Diagnostic]]:
    """Return the Jinja source of each part of a Word template, as docxtpl renders it.

    Also checks that the template has every style content is written in (AG190).
    """
    import re as _re

    from docxtpl import DocxTemplate

    where = display_path(path)
    tpl = DocxTemplate(str(path))
    try:
        docx = tpl.get_docx()
    except Exception as exc:  # any failure to open untrusted bytes means the same
        return {}, [not_word(path, exc)]
    problems = unclosed_tags(docx, path)
    if problems:
        return {}, problems
    if templates.is_own(path):
        styles = {(s.name, s.type) for s in docx.styles}
        for style, kind in CONTENT_STYLES:
            if (style, kind) not in styles:
                problems.append(
                    Diagnostic(
                        where,
                        0,
                        0,
                        "AG190",
                        tr(_NO_STYLE[kind.name]).format(style=style),
                        hint=tr(STYLE_HINT),
                    )
                )
    parts: dict[str, tuple[str, Any]] = {}

    def add(label: str, xml: str, part: Any) -> None:
        patched = tpl.patch_xml(xml)
        parts[f"{name}#{label}"] = (_re.sub(r"<w:p([ >])", r"\n<w:p\1", patched), part)

    add("body", tpl.get_xml(), docx.part)
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for key, part in tpl.get_headers_footers(uri):
            add(key, tpl.get_part_xml(part), part)
    # docxtpl renders these document properties as templates too.
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(docx.core_properties, prop) or ""
        if "{" in value:
            parts[f"{name}#{prop}"] = (value, prop)
    return parts, problems
