"""The views of every document of an agreement: the agreement's own and each kind's."""

from __future__ import annotations

import importlib
from collections.abc import Collection

from agreementgen.kinds import AGREEMENT
from agreementgen.source.folder import LoadedAgreement
from agreementgen.views.document import Extras, View, build_document, figure_files
from agreementgen.views.orgchart import NAME as ORG_CHART_NAME
from agreementgen.views.orgchart import draw_once


def document_views(item: LoadedAgreement, names: Collection[str] | None = None) -> dict[str, View]:
    """Return the view of each document of an agreement by its file inside the folder.

    `names` limits it to those files. The agreement's view carries the organisation diagram
    as extra files: LBF wants it on its own, whether section 3 shows it or not.
    """
    views: dict[str, View] = {}
    if names is None or item.source.name in names:
        document = build_document(item)
        sources = (item.source.name, *figure_files(document, item.folder))
        extras = Extras(
            {
                f"{ORG_CHART_NAME}.pdf": lambda: draw_once(item.agreement, item.pack).pdf,
                f"{ORG_CHART_NAME}.png": lambda: draw_once(item.agreement, item.pack).png,
            }
        )
        views[item.source.name] = View(AGREEMENT.title, document, sources, extras)
    for loaded_document in item.documents:
        if names is None or loaded_document.name in names:
            module = importlib.import_module(loaded_document.kind.view)
            view: View = module.view(loaded_document, item)
            views[loaded_document.name] = view
    return views


__all__ = ["document_views"]
