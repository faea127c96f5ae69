"""Baseline: a bare docxtpl render of the package's agreement.docx, nothing of agreementgen.

The context has Viborg's front matter and section headings with empty section bodies, so the
measured process is docxtpl's own floor for this template: interpreter start, imports, reading
the template, rendering and saving.
"""

from __future__ import annotations

import io
from pathlib import Path

from docxtpl import DocxTemplate

TEMPLATE = (
    Path(__file__).resolve().parents[1] / "src" / "agreementgen" / "templates" / "agreement.docx"
)
HEADINGS = [
    "1. Kort om boligområdet",
    "2. Vision for boligområdet",
    "3. Organisering",
    "4. Samspil med centrale tiltag og indsatser i boligområdet",
    "5. Overordnede mål og indikatorer for den boligsociale indsats",
    "6. Indsatsområder",
    "7. Lokal evaluering",
    "8. Revision af samarbejdsaftalen",
]
PARTIES = ["Boligselskabet Viborg", "Boligselskabet Sct. Jørgen", "Viborg Kommune"]


def main() -> None:
    """Render and save into memory."""
    template = DocxTemplate(str(TEMPLATE))
    context = {
        "title": "Strategisk samarbejdsaftale om boligsocial indsats",
        "area_name_label": "Områdets navn:",
        "area_name": "Den boligsociale helhedsplan, Viborg",
        "parties_label": "Aftalens parter:",
        "parties": PARTIES,
        "period": "Samarbejdsaftalen gælder fra 1. august 2025 til 31. juli 2029",
        "signatures_label": "Underskrifter:",
        "signatures": [{"party": p, "name": "", "title": "", "date": ""} for p in PARTIES],
        "date_label": "Dato",
        "name_label": "Navn",
        "documents_heading": "Aftaledokumenter",
        "documents": "",
        "sections": [{"heading": h, "body": ""} for h in HEADINGS],
        "page_before": "Side ",
        "page_between": " af ",
        "page_after": "",
    }
    template.render(context, autoescape=True)
    template.save(io.BytesIO())


if __name__ == "__main__":
    main()
