"""LBF's fixed text, checked in what a final build rendered (rule 34)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from agreementgen.build import incremental
from agreementgen.build.outputs import Output
from agreementgen.errors import (
    Diagnostic,
    display_path,
)
from agreementgen.kinds import AGREEMENT
from agreementgen.language import tr
from agreementgen.text.prose import docx_text, fold_space, markup_text

if TYPE_CHECKING:
    from agreementgen.source.folder import LoadedAgreement

logger = logging.getLogger(__name__)


def fixed_text_problems(item: LoadedAgreement, outputs: Sequence[Output]) -> list[Diagnostic]:
    """Check that LBF's fixed paragraphs stand unchanged in the rendered agreement (rule 34).

    They come from the template pack, so only a template that drops or edits them can break
    this; a final build must not upload an agreement whose fixed text differs.
    """
    from agreementgen.text.markdown import Paragraph, parse_markdown, plain_text

    pack = item.pack
    fixed = [pack.documents.text, *pack.fixed.values()]
    paragraphs = [
        plain_text(block.spans)
        for text in fixed
        for block in parse_markdown(text)
        if isinstance(block, Paragraph)
    ]
    problems = []
    for output in outputs:
        if output.document != AGREEMENT.title or not output.name.endswith((".docx", ".html")):
            continue
        text = _plain(output)
        missing = [p for p in paragraphs if " ".join(p.split()) not in text]
        shown = _culprit(item, output.template)
        problems += [
            Diagnostic(
                shown,
                0,
                0,
                "AG271",
                tr("{file} lacks LBF's fixed text, or has it changed: {text!r}").format(
                    file=output.name, text=paragraph[:60]
                ),
                hint=tr("the template must keep the fixed paragraphs of {pack}").format(
                    pack=pack.id.value
                ),
            )
            for paragraph in missing
        ]
    return problems


def _culprit(item: LoadedAgreement, template: str) -> str:
    """Where to look when a rendered file lacks the fixed text: the agreement's own main
    template when it has one, else its templates folder (one of its partials, such as
    _blocks.html.j2, is then to blame); the built-in template only when it has none."""
    folder = incremental.templates_folder(item)
    if folder is None:
        return template
    own = folder / PurePosixPath(template).name
    return display_path(own if own.is_file() else folder)


def _plain(output: Output) -> str:
    """The text of a rendered DOCX or HTML file, with white space folded."""
    if output.name.endswith(".docx"):
        return fold_space(docx_text(output.data))
    return fold_space(markup_text(output.data.decode("utf-8")))
