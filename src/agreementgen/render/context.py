"""What the templates are given: the context each renderer passes, declared as types.

`check-templates` follows every name a template uses through these declarations.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any, TypedDict

from markupsafe import Markup

from agreementgen.source.templates import (
    AGREEMENT_DOCX,
    AGREEMENT_HTML,
    CHECKLIST_HTML,
    DOCUMENT_DOCX,
    DOCUMENT_HTML,
)
from agreementgen.views.document import Document, Fact, FigureView, Signature, SimpleDocument

# -- what the templates are given -------------------------------------------------------------
# render_html passes `document` and three helpers; render_docx passes the dictionaries below
# (tests/test_templates.py checks that these stay what the renderers pass).


class WordSection(TypedDict):
    """A section as a Word template sees it: its heading, and its content as Word XML."""

    heading: str
    body: Markup


class AgreementWord(TypedDict):
    """What templates/agreement.docx is rendered with."""

    title: str
    area_name_label: str
    area_name: str
    parties_label: str
    parties: tuple[str, ...]
    period_label: str
    period: str
    signatures_label: str
    signatures: tuple[Signature, ...]
    date_label: str
    name_label: str
    documents_heading: str
    documents: Markup
    sections: list[WordSection]
    page_before: str
    page_between: str
    page_after: str


class SimpleWord(TypedDict):
    """What templates/document.docx is rendered with."""

    title: str
    subtitle: str
    header: str
    facts: tuple[Fact, ...]
    notice: str
    sections: list[WordSection]
    page_before: str
    page_between: str
    page_after: str


_HELPERS: dict[str, Any] = {
    "css": Markup,
    "picture": Callable[[FigureView], str],
    "kind_of": Callable[[object], str],
}
CONTEXTS: dict[str, dict[str, Any]] = {
    AGREEMENT_HTML: {"document": Document, **_HELPERS},
    DOCUMENT_HTML: {"document": SimpleDocument, **_HELPERS},
    CHECKLIST_HTML: {"body": Markup, "css": Markup},
    AGREEMENT_DOCX: typing.get_type_hints(AgreementWord),
    DOCUMENT_DOCX: typing.get_type_hints(SimpleWord),
}
# Any other template is a part the pages include or import with their context.
PARTIAL_CONTEXT: dict[str, Any] = {"document": Document | SimpleDocument, **_HELPERS}
# What every template has besides its context: Jinja's own globals.
JINJA_GLOBALS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace"})
