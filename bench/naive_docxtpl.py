"""Baseline: what a coordinator's own script would do without agreementgen, for many agreements.

`naive_docxtpl.py templates DIR` writes the Word templates (done once, before timing);
`naive_docxtpl.py render AGREEMENTS TEMPLATES OUT` is the measured process. For every agreement
folder in AGREEMENTS it reads each YAML file with PyYAML (libyaml's safe loader when PyYAML has
it, the fastest plain reader) and renders one Word document per file with docxtpl, as many
documents as `agreementgen build --format docx` makes: the agreement, one per sub-agreement, the
budget, the milestone plan, the contingency plan and the board mandate. It saves them into
OUT/<agreement>/, one process, one document after another.

The templates are the package's two Word files (the same styles, embedded fonts, headers and
footers, so the same bytes to unpack and pack again) with their body replaced by one set of
Jinja loops written here: a heading per mapping key, a paragraph per scalar or per paragraph of
a text, a bullet per list item, a table per list of flat mappings. Every value in the YAML
becomes text in the document, so the text volume is that of the YAML. No agreementgen code is
imported.

What it does not do, and agreementgen does: no validation or cross-checks, no Danish labels,
dates or numbers (keys and values are written as they are in the YAML), no Markdown, no text of
the template pack, no sums, no diagrams or pictures, no XLSX budget, no manifest, no
reproducible bytes, no skipping of unchanged agreements.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml  # type: ignore[import-untyped]
from docxtpl import DocxTemplate

PACKAGE_TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "agreementgen" / "templates"
# Each YAML file of an agreement folder, the template it is rendered with and its title.
KINDS = {
    "agreement.yaml": ("agreement", "Strategisk samarbejdsaftale"),
    "budget.yaml": ("budget", "Budget"),
    "milestones.yaml": ("milestones", "Milepælsplan"),
    "contingency-plan.yaml": ("contingency", "Beredskabsplan"),
    "board-mandate.yaml": ("mandate", "Kommissorium for bestyrelsen"),
}
SUB_AGREEMENT = ("sub_agreement", "Delaftale")
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _paragraph(style: str, text: str) -> str:
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
    )


def _cell(text: str) -> str:
    width = '<w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>'
    return f"<w:tc>{width}{_paragraph('TableText', text)}</w:tc>"


# One loop over the document's blocks: headings of three levels, paragraphs, bullets, tables
# with a row per item and a cell per column.
BODY = "".join(
    [
        _paragraph("Title", "{{ title }}"),
        _paragraph("Normal", "{%p for block in blocks %}"),
        _paragraph("Normal", "{%p if block.kind == 'h1' %}"),
        _paragraph("Heading1", "{{ block.text }}"),
        _paragraph("Normal", "{%p elif block.kind == 'h2' %}"),
        _paragraph("Heading2", "{{ block.text }}"),
        _paragraph("Normal", "{%p elif block.kind == 'h3' %}"),
        _paragraph("Heading3", "{{ block.text }}"),
        _paragraph("Normal", "{%p elif block.kind == 'li' %}"),
        _paragraph("ListBullet", "{{ block.text }}"),
        _paragraph("Normal", "{%p elif block.kind == 'table' %}"),
        '<w:tbl><w:tblPr><w:tblStyle w:val="AgreementTable"/><w:tblW w:w="5000" w:type="pct"/>'
        "</w:tblPr><w:tblGrid>" + '<w:gridCol w:w="3023"/>' * 3 + "</w:tblGrid>",
        f"<w:tr>{_cell('{%tr for row in block.rows %}')}{_cell('')}{_cell('')}</w:tr>",
        "<w:tr>"
        + _cell("{%tc for value in row %}")
        + _cell("{{ value }}")
        + _cell("{%tc endfor %}")
        + "</w:tr>",
        f"<w:tr>{_cell('{%tr endfor %}')}{_cell('')}{_cell('')}</w:tr></w:tbl>",
        _paragraph("Normal", "{%p else %}"),
        _paragraph("Normal", "{{ block.text }}"),
        _paragraph("Normal", "{%p endif %}"),
        _paragraph("Normal", "{%p endfor %}"),
    ]
)


def write_templates(folder: Path) -> None:
    """Write a template per document kind: the package's Word file with BODY as its body."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, _ in [*KINDS.values(), SUB_AGREEMENT]:
        source = PACKAGE_TEMPLATES / ("agreement.docx" if name == "agreement" else "document.docx")
        with (
            zipfile.ZipFile(source) as package,
            zipfile.ZipFile(folder / f"{name}.docx", "w", zipfile.ZIP_DEFLATED) as template,
        ):
            for info in package.infolist():
                data = package.read(info)
                if info.filename == "word/document.xml":
                    text = data.decode("utf-8")
                    start = text.index("<w:body>") + len("<w:body>")
                    data = (text[:start] + BODY + text[text.index("<w:sectPr") :]).encode()
                template.writestr(info, data)


def _scalar(value: Any) -> str:
    return "" if value is None else str(value)


def _flat(value: Any) -> bool:
    """A value that fits in a table cell."""
    if isinstance(value, dict):
        return all(not isinstance(v, dict | list) for v in value.values())
    if isinstance(value, list):
        return all(not isinstance(v, dict | list) for v in value)
    return True


def _cell_text(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_scalar(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    return _scalar(value)


def blocks(data: Any, level: int = 1) -> Iterator[dict[str, Any]]:
    """The document's blocks for a YAML value: every key and value in it, as text."""
    heading = f"h{min(level, 3)}"
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict | list):
                yield {"kind": heading, "text": str(key)}
                yield from blocks(value, level + 1)
            else:
                yield {"kind": "p", "text": f"{key}: {_scalar(value)}"}
    elif isinstance(data, list):
        if data and all(isinstance(item, dict) and _flat(item) for item in data):
            columns = list(dict.fromkeys(key for item in data for key in item))
            rows = [[str(c) for c in columns]]
            rows += [[_cell_text(item.get(c)) for c in columns] for item in data]
            yield {"kind": "table", "rows": rows}
        else:
            for item in data:
                if isinstance(item, dict | list):
                    yield from blocks(item, level)
                else:
                    yield {"kind": "li", "text": _scalar(item)}
    else:
        for paragraph in _scalar(data).split("\n\n"):
            yield {"kind": "p", "text": paragraph.strip()}


def documents(folder: Path) -> Iterator[tuple[str, str, Path]]:
    """(template, title, YAML file) of each document of an agreement folder."""
    for file_name, (template, title) in KINDS.items():
        yield template, title, folder / file_name
    for path in sorted((folder / "sub-agreements").glob("*.yaml")):
        yield SUB_AGREEMENT[0], f"{SUB_AGREEMENT[1]} - {path.stem}", path


def render(agreements: Path, templates: Path, out: Path) -> int:
    """Render every agreement's documents; return how many were written."""
    count = 0
    for folder in sorted(p for p in agreements.iterdir() if p.is_dir()):
        target = out / folder.name
        target.mkdir(parents=True, exist_ok=True)
        for template_name, title, path in documents(folder):
            data = yaml.load(path.read_text("utf-8"), Loader=LOADER)
            template = DocxTemplate(str(templates / f"{template_name}.docx"))
            context = {
                "title": title,
                "header": title,
                "area_name": title,
                "blocks": list(blocks(data)),
                "page_before": "Side ",
                "page_between": " af ",
                "page_after": "",
            }
            template.render(context, autoescape=True)
            buffer = io.BytesIO()
            template.save(buffer)
            (target / f"{title}.docx").write_bytes(buffer.getvalue())
            count += 1
    return count


def main() -> None:
    """Write the templates, or render the agreements."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("templates").add_argument("folder", type=Path)
    rendering = commands.add_parser("render")
    for name in ("agreements", "templates", "out"):
        rendering.add_argument(name, type=Path)
    args = parser.parse_args()
    if args.command == "templates":
        write_templates(args.folder)
    else:
        render(args.agreements, args.templates, args.out)


if __name__ == "__main__":
    main()
