"""The budget: its model, its rules (AG230-AG239), its document, spreadsheet and manifest."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document as open_docx
from lxml import etree

from agreementgen.build.pipeline import build_agreements
from agreementgen.cli import cli
from agreementgen.kinds.budget import KIND
from agreementgen.kinds.budget.view import XLSX, view
from agreementgen.kinds.budget.xlsx import AMOUNT, LINES, OVERVIEW
from agreementgen.render.word import render_docx
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.source.schema import schema_texts

from .helpers import ROOT, libreoffice, load, require_tool
from .rulecase import EXAMPLE, edit, line_of, lines_of, position_of, replace, run, unsigned
from .text import docx_sections

B = "budget.yaml"
A = "agreement.yaml"
YEARS = (2026, 2027, 2028, 2029)
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _budget(lines: str, funders: str = "") -> str:
    """A whole budget.yaml for the example agreement (2026-2029)."""
    return f"{funders}lines:\n{lines}"


def _one_line(amounts: dict[int, str]) -> str:
    rows = "".join(f"      {year}: {{{text}}}\n" for year, text in amounts.items())
    return (
        "  - id: alt\n"
        "    description: Alt\n"
        "    category: staff\n"
        "    area: cross_cutting\n"
        f"    amounts:\n{rows}"
    )


# -- the examples --------------------------------------------------------------------------


def test_the_examples_break_no_budget_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        cli, ["validate", "agreements/viborg", "agreements/example", "--final"]
    )
    budget = [line for line in result.stderr.splitlines() if " AG23" in line]
    assert budget == []


def test_viborg_budget_tables_leave_every_label_its_longest_word() -> None:
    from agreementgen.views.columns import CELL_PADDING, text_width
    from agreementgen.views.document import DataTable

    loaded = load(ROOT / "agreements" / "viborg")
    document = next(d for d in loaded.documents if d.kind == KIND)
    content = view(document, loaded).document
    tables = [b for s in content.sections for b in s.blocks if isinstance(b, DataTable)]
    assert len(tables) >= 5
    for table in tables:
        words = [w for row in table.rows for w in row[0].split()]
        longest = max(text_width(w, bold=True) for w in words)  # total rows are bold
        assert table.widths[0] >= longest + CELL_PADDING, table
    # Amount columns line up from table to table: the same widths for the years and total.
    amounts = {t.widths[1:7] for t in tables if len(t.header[0]) >= 7 and t.numeric[1]}
    assert len(amounts) == 1


def test_viborg_budget_is_marked_illustrative() -> None:
    text = (ROOT / "agreements" / "viborg" / B).read_text("utf-8")
    assert "illustrative: true" in text
    assert text.splitlines()[1].startswith("# ILLUSTRATIVE")


# -- the model ------------------------------------------------------------------------------


def test_every_budget_field_has_a_danish_title_and_a_description() -> None:
    schema = json.loads(schema_texts()[KIND.schema])
    fields = [(f"(root).{k}", v) for k, v in schema["properties"].items()]
    for name, definition in schema["$defs"].items():
        fields += [(f"{name}.{k}", v) for k, v in definition.get("properties", {}).items()]
    assert len(fields) > 15
    for name, field in fields:
        assert field.get("title"), f"{name} has no title"
        assert field.get("description"), f"{name} has no description"


def test_amounts_are_whole_kroner_without_separators(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (B, replace("2027: {lbf: 71000,", "2027: {lbf: 71.000,")),
            (B, replace("2028: {lbf: 72000,", "2028: {lbf: 1.072.000,")),
            (B, replace("2026: {lbf: 520000,", "2026: {lbf: -520000,")),
        ],
    )
    assert code == 1
    negative = position_of(tmp_path, B, "-520000", after="  - id: leder")
    dotted = position_of(tmp_path, B, "71.000", after="  - id: administration")
    dotted2 = position_of(tmp_path, B, "1.072.000", after="  - id: administration")
    assert stderr == unsigned(tmp_path) + (
        f"example/budget.yaml:{negative}: error AG109: lines[0].amounts.2026.lbf: -520000 is out "
        "of range: greater than or equal to 0\n"
        f"example/budget.yaml:{dotted}: error AG107: lines[1].amounts.2027.lbf: 71.000 is not an "
        "amount in whole kroner; write 71000 without separators\n"
        f"example/budget.yaml:{dotted2}: error AG107: lines[1].amounts.2028.lbf: 1.072.000 is not "
        "an amount in whole kroner; write 1072000 without separators\n"
        "Aborted with 3 errors, 1 warning.\n"
    )


def test_line_ids_are_unique(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(B, replace("- id: revision", "- id: leder"))])
    assert code == 1
    budget_lines = line_of(tmp_path, B, "lines:")
    assert stderr == unsigned(tmp_path) + (
        f"example/budget.yaml:{budget_lines}:1: error AG107: lines: duplicate line id 'leder' "
        "(lines 1 and 4)\n"
        "Aborted with 1 error, 1 warning.\n"
    )


def test_a_funder_is_not_lbf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(B, replace("id: sparekassefonden", "id: lbf"))])
    assert code == 1
    funder = line_of(tmp_path, B, "  - id: lbf", after="funders:")
    assert lines_of(stderr, "AG107") == (
        f"example/budget.yaml:{funder}:9: error AG107: funders[0].id: 'lbf' is Landsbyggefonden's "
        "id; give the funder another id"
    )
    # Its old id is still used: every use of it is an error too.
    assert stderr.count("error AG131: unknown party or funder 'sparekassefonden'") == 2


# -- the rules ------------------------------------------------------------------------------


def test_ag230_no_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(B, lambda _text: "")])
    assert code == 1
    assert lines_of(stderr, "AG230") == (
        "example/agreement.yaml: error AG230: there is no budget\n"
        "    hint: add budget.yaml beside agreement.yaml"
    )


def test_ag230_is_a_warning_in_a_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(B, lambda _text: "")], final=False)
    assert code == 0
    assert lines_of(stderr, "AG230").startswith("example/agreement.yaml: warning AG230:")


def test_ag231_a_year_the_period_touches_has_no_amounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(A, replace("end: 2029-12-31", "end: 2030-03-31"))])
    assert code == 1
    budget_lines = line_of(tmp_path, B, "lines:")
    period = line_of(tmp_path, A, "period:")
    assert lines_of(stderr, "AG231") == (
        f"example/budget.yaml:{budget_lines}:1: error AG231: the budget has no amounts for 2030; "
        "its years must cover 2026-2030\n"
        "    hint: budget years are the calendar years the agreement period touches, part years "
        "included\n"
        f"example/agreement.yaml:{period}:1: note: the period runs 1. januar 2026 – 31. marts 2030"
    )


def test_ag231_amounts_outside_the_period(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = "      2029: {lbf: 26000}\n"
    code, stderr = run(
        tmp_path, monkeypatch, [(B, replace(old, old + "      2030: {lbf: 26000}\n"))]
    )
    assert code == 1
    year = line_of(tmp_path, B, "      2030: {lbf: 26000}", after="  - id: revision")
    period = line_of(tmp_path, A, "period:")
    assert lines_of(stderr, "AG231") == (
        f"example/budget.yaml:{year}:7: error AG231: line 'revision' has amounts for 2030, outside "
        "the agreement period (2026-2029)\n"
        f"example/agreement.yaml:{period}:1: note: the period runs 1. januar 2026 – 31. december "
        "2029"
    )


def test_an_unknown_funding_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (
                B,
                replace(
                    "2027: {lbf: 60000, eksempelby-kommune", "2027: {lbf: 60000, eksempelby-komune"
                ),
            )
        ],
    )
    assert code == 1
    source = position_of(tmp_path, B, "eksempelby-komune", after="  - id: evaluering")
    party = line_of(tmp_path, A, "  - id: eksempelby-kommune")
    assert lines_of(stderr, "AG131") == (
        f"example/budget.yaml:{source}: error AG131: unknown party or funder 'eksempelby-komune'\n"
        "    hint: did you mean 'eksempelby-kommune'?\n"
        f"example/agreement.yaml:{party}:9: note: 'eksempelby-kommune' is defined here"
    )


def test_a_funding_source_without_a_close_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, stderr = run(
        tmp_path,
        monkeypatch,
        [(B, replace("2027: {lbf: 60000, eksempelby-kommune", "2027: {lbf: 60000, banken"))],
    )
    source = position_of(tmp_path, B, "banken", after="  - id: evaluering")
    parties = line_of(tmp_path, A, "parties:")
    assert lines_of(stderr, "AG131") == (
        f"example/budget.yaml:{source}: error AG131: unknown party or funder 'banken'\n"
        "    hint: known ids: eksempelby-boligselskab, boligforeningen-fjorden, "
        "eksempelby-kommune, sparekassefonden, 'lbf' (Landsbyggefonden)\n"
        f"example/agreement.yaml:{parties}:1: note: the party ids are defined here"
    )


def test_ag232_a_funder_with_a_party_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (B, replace("id: sparekassefonden", "id: eksempelby-kommune")),
            (B, replace("sparekassefonden: 60000}", "eksempelby-kommune: 60000}")),
            (B, replace("sparekassefonden: 60000}", "eksempelby-kommune: 60000}")),
        ],
    )
    assert code == 1
    funder = line_of(tmp_path, B, "  - id: eksempelby-kommune", after="funders:")
    party = line_of(tmp_path, A, "  - id: eksempelby-kommune", after="parties:")
    assert lines_of(stderr, "AG232") == (
        f"example/budget.yaml:{funder}:9: error AG232: funder id 'eksempelby-kommune' is a "
        "party's id too\n"
        "    hint: a party pays as a party: remove it from funders\n"
        f"example/agreement.yaml:{party}:9: note: the party"
    )


def test_ag233_and_ag234_local_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 1.120.000 of 5.000.000 kr. is 22,4 %; 2027 alone is 10,0 %.
    amounts = {
        2026: "lbf: 900000, eksempelby-kommune: 350000",
        2027: "lbf: 1125000, eksempelby-kommune: 125000",
        2028: "lbf: 930000, eksempelby-kommune: 320000",
        2029: "lbf: 925000, eksempelby-kommune: 325000",
    }
    code, stderr = run(tmp_path, monkeypatch, [(B, lambda _text: _budget(_one_line(amounts)))])
    assert code == 1
    assert lines_of(stderr, "AG233") == (
        "example/budget.yaml:1:1: error AG233: lokal medfinansiering 22,4 % (1.120.000 af "
        "5.000.000 kr.) is below LBF's minimum of 25 %\n"
        "    hint: everything LBF does not pay counts: the municipality, the housing "
        "organisations and other funders, in cash or in kind"
    )
    assert lines_of(stderr, "AG234") == (
        "example/budget.yaml:8:7: warning AG234: lokal medfinansiering 10,0 % (125.000 af "
        "1.250.000 kr.) in 2027 is below 25 %\n"
        "    hint: LBF's minimum applies to the whole period; check that the year's "
        "co-financing is not missing"
    )


def test_ag233_exactly_25_percent_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    amounts = dict.fromkeys(YEARS, "lbf: 750000, eksempelby-kommune: 250000")
    _, stderr = run(tmp_path, monkeypatch, [(B, lambda _text: _budget(_one_line(amounts)))])
    assert "AG233" not in stderr
    assert "AG234" not in stderr


def test_ag233_a_share_just_below_25_is_not_rounded_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    amounts = dict.fromkeys(YEARS, "lbf: 750010, eksempelby-kommune: 249990")
    _, stderr = run(tmp_path, monkeypatch, [(B, lambda _text: _budget(_one_line(amounts)))])
    assert "lokal medfinansiering 24,9 % (999.960 af 4.000.000 kr.)" in lines_of(stderr, "AG233")


def test_ag235_line_for_an_area_not_chosen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (
                B,
                replace(
                    "area: employment\n    activities: [fritidsjob]\n    fte",
                    "area: crime_prevention\n    activities: [fritidsjob]\n    fte",
                ),
            ),
            (
                B,
                replace(
                    "area: education_and_life_chances\n    activities: [brobygning]",
                    "area: cohesion_and_citizenship\n    activities: [brobygning]",
                ),
            ),
        ],
    )
    assert code == 1
    cohesion = line_of(tmp_path, B, "    area: cohesion_and_citizenship")
    focus_areas = line_of(tmp_path, A, "  focus_areas:")
    crime = line_of(tmp_path, B, "    area: crime_prevention")
    not_chosen = line_of(tmp_path, A, "      chosen:", after="    crime_prevention:")
    assert lines_of(stderr, "AG235") == (
        f"example/budget.yaml:{cohesion}:11: error AG235: line 'brobygning' is for "
        "Sammenhængskraft og medborgerskab, which is not a chosen focus area\n"
        "    hint: give it a chosen area, or cross_cutting for costs shared by the areas\n"
        f"example/agreement.yaml:{focus_areas}:3: note: Sammenhængskraft og medborgerskab is not "
        "described here\n"
        f"example/budget.yaml:{crime}:11: error AG235: line 'fritidsjobkonsulent' is for "
        "Kriminalitetsforebyggelse, which is not a chosen focus area\n"
        "    hint: give it a chosen area, or cross_cutting for costs shared by the areas\n"
        f"example/agreement.yaml:{not_chosen}:15: note: Kriminalitetsforebyggelse is not chosen"
    )


def test_an_unknown_activity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [(B, replace("activities: [lektiecafe]", "activities: [lektiecafee]"))],
    )
    assert code == 1
    paid = line_of(tmp_path, B, "    activities: [lektiecafee]")
    edu = "sub-agreements/education_and_life_chances.yaml"
    activity = line_of(tmp_path, edu, "  - id: lektiecafe")
    assert lines_of(stderr, "AG131") == (
        f"example/budget.yaml:{paid}:18: error AG131: unknown activity 'lektiecafee'\n"
        "    hint: did you mean 'lektiecafe'?\n"
        f"example/{edu}:{activity}:9: note: 'lektiecafe' is defined here"
    )
    # The budget has an error: its rules wait until it is mended.
    assert "AG237" not in stderr


def test_ag237_an_activity_without_a_budget_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [(B, replace("activities: [lektiecafe]", "activities: []"))],
    )
    assert code == 0
    edu = "sub-agreements/education_and_life_chances.yaml"
    activity = line_of(tmp_path, edu, "  - id: lektiecafe")
    budget_lines = line_of(tmp_path, B, "lines:")
    assert lines_of(stderr, "AG237") == (
        f"example/{edu}:{activity}:9: warning AG237: activity 'lektiecafe' (Lektiecafé) has no "
        "budget line\n"
        "    hint: list 'lektiecafe' under activities of the budget line that pays for it, e.g. "
        "the staff who run it\n"
        f"example/budget.yaml:{budget_lines}:1: note: the budget lines"
    )


def test_ag238_in_kind_without_valuation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = (
        "    fte: 0.5\n    valuation: 0,5 årsværk à 580.000 kr. (jobcentrets gennemsnitsløn 2026)\n"
    )
    code, stderr = run(tmp_path, monkeypatch, [(B, replace(old, ""))])
    assert code == 0
    in_kind = line_of(tmp_path, B, "    in_kind: true", after="  - id: jobkonsulent")
    assert lines_of(stderr, "AG238") == (
        f"example/budget.yaml:{in_kind}:14: warning AG238: line 'jobkonsulent' is co-financing in "
        "kind but gives neither fte nor valuation\n"
        "    hint: say how the amount was valued, e.g. fte: 0.5 and valuation: '0,5 årsværk à "
        "560.000 kr.'"
    )


def test_ag239_municipality_pays_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    amounts = dict.fromkeys(YEARS, "lbf: 700000, eksempelby-boligselskab: 300000")
    code, stderr = run(tmp_path, monkeypatch, [(B, lambda _text: _budget(_one_line(amounts)))])
    assert code == 0
    municipality = line_of(tmp_path, A, "  - id: eksempelby-kommune", after="parties:")
    assert lines_of(stderr, "AG239") == (
        "example/budget.yaml:1:1: warning AG239: Eksempelby Kommune co-finances nothing\n"
        "    hint: add its cash or in-kind share to the lines it pays for, under "
        "'eksempelby-kommune'\n"
        f"example/agreement.yaml:{municipality}:5: note: Eksempelby Kommune is the municipality"
    )


# -- the document, the spreadsheet and the manifest ----------------------------------------


def _budget_view(folder: Path) -> tuple[LoadedAgreement, LoadedDocument]:
    loaded = load(folder)
    document = next(d for d in loaded.documents if d.kind == KIND)
    return loaded, document


def _docx_tables(data: bytes) -> list[list[list[str]]]:
    document = open_docx(io.BytesIO(data))
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


def _row(table: list[list[str]], label: str) -> list[str]:
    return next(row for row in table if row[0] == label)


def test_docx_totals_agree_with_the_summary() -> None:
    loaded, document = _budget_view(EXAMPLE)
    result = view(document, loaded)
    summary = result.summary
    assert summary["total"] == 9_427_000
    assert summary["local"] == 2_699_000
    assert summary["lbf"] == 6_728_000
    assert summary["local_share_percent"] == "28,6"
    data = render_docx(result.document)
    facts, sources, areas, categories = _docx_tables(data)[:4]
    assert _row(facts, "Samlet budget") == ["Samlet budget", "9.427.000 kr."]
    assert sources[0] == ["Finansieringskilde", "2026", "2027", "2028", "2029", "I alt"]
    per_year = summary["per_year"]
    assert isinstance(per_year, dict)
    total_row = _row(sources, "I alt")
    assert total_row[1:] == [
        *(f"{per_year[str(y)]['total']:,}".replace(",", ".") for y in (2026, 2027, 2028, 2029)),
        "9.427.000",
    ]
    assert _row(sources, "Landsbyggefonden")[-1] == "6.728.000"
    assert _row(sources, "Heraf lokal medfinansiering")[-1] == "2.699.000"
    assert _row(sources, "Lokal andel")[-1] == "28,6\u00a0%"
    assert _row(areas, "I alt")[-2:] == ["9.427.000", "100,0\u00a0%"]
    assert _row(categories, "I alt")[-2] == "9.427.000"
    text = docx_sections(data)
    assert "Lokal medfinansiering 28,6 % (2.699.000 kr.)" in text["front"]
    assert "Opstillingen følger agreementgen" in text["front"]
    assert list(text)[1:] == [
        "1. Oversigt",
        "2. Fordeling på indsatsområder",
        "3. Fordeling på udgiftstyper",
        "4. Budgetlinjer",
        "5. Finansiering og aktiviteter",
        "6. Naturalydelser",
        "7. Budgetforudsætninger",
    ]
    assert "Sprogstart i familien" in text["5. Finansiering og aktiviteter"]
    assert "0,5 årsværk à 580.000 kr." in text["6. Naturalydelser"]


def test_viborg_budget_shows_part_years_and_is_illustrative() -> None:
    loaded, document = _budget_view(ROOT / "agreements" / "viborg")
    result = view(document, loaded)
    text = docx_sections(render_docx(result.document))
    assert "Illustrativt eksempel" in text["front"]
    assert "2025 (fra 1. august 2025) og 2029 (til 31. juli 2029) er delår" in text["1. Oversigt"]
    assert result.summary["years"] == [2025, 2026, 2027, 2028, 2029]
    assert result.summary["per_source"]["poul-due-jensen-fonden"] > 0  # type: ignore[index]


def test_xlsx_overview_is_formulas_over_the_lines() -> None:
    loaded, document = _budget_view(EXAMPLE)
    result = view(document, loaded)
    book = openpyxl.load_workbook(io.BytesIO(result.extras[XLSX]))
    assert book.sheetnames == [OVERVIEW, LINES]
    lines, overview = book[LINES], book[OVERVIEW]
    header = [c.value for c in lines[1]]
    assert header[:6] == [
        "Budgetlinje",
        "Indsatsområde",
        "Udgiftstype",
        "Naturalydelse",
        "Årsværk",
        "Finansieringskilde",
    ]
    years = [header.index(str(y)) for y in (2026, 2027, 2028, 2029)]
    amounts = sum(row[i] for row in lines.iter_rows(min_row=2, values_only=True) for i in years)
    assert amounts == result.summary["total"]
    assert lines.freeze_panes == "B2"
    formulas = [c.value for row in overview.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(f.startswith("=SUMIFS(Budgetlinjer!") for f in formulas)
    assert overview["B7"].number_format == AMOUNT
    assert book.properties.creator == "agreementgen"
    assert book.properties.created == book.properties.modified


def test_xlsx_is_the_same_bytes_every_time() -> None:
    loaded, document = _budget_view(EXAMPLE)
    first = view(document, loaded).extras[XLSX]
    second = view(document, loaded).extras[XLSX]
    assert first == second


def _build_budget_only(tmp_path: Path, source: Path) -> Path:
    """Build a copy of `source` with only the agreement and the budget, in a draft; the
    budget's lines name no activities, as there are no delaftaler to define them."""
    folder = tmp_path / "agreements" / source.name
    folder.mkdir(parents=True)
    shutil.copy(source / A, folder / A)
    budget = (source / B).read_text("utf-8")
    (folder / B).write_text(re.sub(r"(?m)^ +activities: \[[^\]]*\]\n", "", budget), "utf-8")
    if (source / "files").is_dir():
        shutil.copytree(source / "files", folder / "files")
    out = tmp_path / "output"
    build_agreements([folder], out=out, formats=("docx",))
    return out / source.name


def test_manifest_carries_the_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    built = _build_budget_only(tmp_path, EXAMPLE)
    manifest = json.loads((built / "manifest.json").read_text("utf-8"))
    entry = next(f for f in manifest["files"] if f["name"] == XLSX)
    assert entry["document"] == "Budget"
    assert entry["sources"] == ["budget.yaml", "agreement.yaml"]
    summary = entry["summary"]
    assert (summary["total"], summary["local"], summary["local_share_percent"]) == (
        9_427_000,
        2_699_000,
        "28,6",
    )
    assert sum(summary["per_source"].values()) == summary["total"]
    assert sum(v["total"] for v in summary["per_year"].values()) == summary["total"]
    assert sum(summary["per_area"].values()) == summary["total"]
    assert (built / "Budget.docx").is_file()


def _csv_sheets(xlsx: Path, out: Path) -> dict[str, list[list[str]]]:
    """Recalculate and export every sheet with LibreOffice (7.2+: sheet -1 is all sheets)."""
    soffice = libreoffice(out)
    options = "44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        [
            *soffice,
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{options}",
            "--outdir",
            str(out),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheets = {}
    for name in (OVERVIEW, LINES):
        path = out / f"{xlsx.stem}-{name}.csv"
        # Read as bytes: a cell's line break must stay inside its quoted field.
        sheets[name] = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    return sheets


def _number(text: str) -> float:
    return float(text.replace("%", "").replace(" ", "").replace(",", ""))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["example", "viborg"])
def test_xlsx_recalculated_by_libreoffice_agrees(tmp_path: Path, name: str) -> None:
    loaded, document = _budget_view(ROOT / "agreements" / name)
    result = view(document, loaded)
    xlsx = tmp_path / XLSX
    xlsx.write_bytes(result.extras[XLSX])
    sheets = _csv_sheets(xlsx, tmp_path)
    overview = sheets[OVERVIEW]
    years = [str(y) for y in result.summary["years"]]  # type: ignore[attr-defined]
    header = next(row for row in overview if row[0] == "Beløb i kr.")
    assert header[1 : len(years) + 2] == [*years, "I alt"]
    per_year = result.summary["per_year"]
    assert isinstance(per_year, dict)
    total = _row(overview, "I alt")  # the first: financing
    assert [_number(v) for v in total[1 : len(years) + 2]] == [
        *(per_year[y]["total"] for y in years),
        result.summary["total"],
    ]
    assert _number(_row(overview, "Landsbyggefonden")[len(years) + 1]) == result.summary["lbf"]
    local = _row(overview, "Heraf lokal medfinansiering")
    assert _number(local[len(years) + 1]) == result.summary["local"]
    share = _number(_row(overview, "Lokal andel")[len(years) + 1])
    assert f"{share:.1f}".replace(".", ",") == result.summary["local_share_percent"]
    # Every breakdown adds up to the same total.
    totals = [row for row in overview if row[0] == "I alt"]
    assert len(totals) == 3
    assert {_number(row[len(years) + 1]) for row in totals} == {result.summary["total"]}
    # And the lines' own row totals (SUM formulas) add up to it too.
    lines = sheets[LINES]
    column = lines[0].index("I alt")
    assert sum(_number(row[column]) for row in lines[1:]) == result.summary["total"]


@pytest.mark.slow
def test_docx_and_xlsx_open_in_libreoffice(tmp_path: Path) -> None:
    soffice = libreoffice(tmp_path)
    loaded, document = _budget_view(EXAMPLE)
    result = view(document, loaded)
    (tmp_path / "document.docx").write_bytes(render_docx(result.document))
    (tmp_path / "sheet.xlsx").write_bytes(result.extras[XLSX])
    for name in ("document.docx", "sheet.xlsx"):
        subprocess.run(
            [
                *soffice,
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path / "pdf"),
                str(tmp_path / name),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    for name in ("document.pdf", "sheet.pdf"):
        assert (tmp_path / "pdf" / name).read_bytes().startswith(b"%PDF")


# -- budget text in the spreadsheet is text, never a formula ---------------------------------

# Text a budget may hold that a spreadsheet would take as a formula (or as an error value):
# (file, the YAML line it replaces, the YAML line that replaces it, the text a cell must show).
HOSTILE = (
    (
        B,
        "description: Boligsocial leder",
        """description: '=HYPERLINK("http://x","y")'""",
        '=HYPERLINK("http://x","y")',
    ),
    (B, "description: Administration, regnskab og lokaler", "description: '+1+2'", "+1+2"),
    (B, "description: Revision af det årlige regnskab", 'description: "\\t=1+1"', "\t=1+1"),
    (
        B,
        "description: Midtvejsevaluering i 2027 og slutevaluering i 2029",
        'description: "\\r=1+1"',
        "\r=1+1",
    ),
    (B, "description: Børne- og familiemedarbejder", "description: '#N/A'", "#N/A"),
    (B, "name: Sparekassen Eksempelbys Fond", "name: '-2+3'", "-2+3"),
    (
        B,
        "valuation: 0,5 årsværk à 580.000 kr. (jobcentrets gennemsnitsløn 2026)",
        "valuation: '=2*3'",
        "=2*3",
    ),
    (A, "name: Eksempelby Boligselskab", "name: '@SUM(1,2)'", "@SUM(1,2)"),
)
AREA_NAME = "Fjord & Park &P"  # in a page header '&P' is the page number


def _hostile_folder(parent: Path, area_name: str = AREA_NAME) -> Path:
    """A copy of the example with HOSTILE's text and `area_name`."""
    folder = parent / "example"
    shutil.copytree(EXAMPLE, folder)
    edits = [
        *((name, old, new) for name, old, new, _ in HOSTILE),
        (
            A,
            "area_name: Den boligsociale helhedsplan, Eksempelby",
            f"area_name: {json.dumps(area_name)}",
        ),
    ]
    for name, old, new in edits:
        edit(folder, name, replace(old, new))
    return folder


def _xlsx_of(folder: Path) -> tuple[bytes, dict[str, Any]]:
    loaded, document = _budget_view(folder)
    result = view(document, loaded)
    return result.extras[XLSX], result.summary


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, dict[str, Any]]:
    return _xlsx_of(_hostile_folder(tmp_path_factory.mktemp("hostile")))


def _sheet_xml(data: bytes) -> dict[str, Any]:
    """The worksheets' XML by sheet name (the workbook writes them in order)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: etree.fromstring(archive.read(f"xl/worksheets/sheet{i}.xml"))
            for i, name in enumerate((OVERVIEW, LINES), 1)
        }


def _formulas(data: bytes) -> dict[tuple[str, str], str]:
    """Every <f> element of the workbook: (sheet, cell) -> formula."""
    return {
        (name, f.getparent().get("r")): f.text
        for name, root in _sheet_xml(data).items()
        for f in root.iter(f"{{{SHEET_NS}}}f")
    }


def _header(root: Any) -> str:
    header = root.find(f"{{{SHEET_NS}}}headerFooter/{{{SHEET_NS}}}oddHeader")
    assert header is not None
    return str(header.text)


def test_xlsx_budget_text_is_never_a_formula(hostile: tuple[bytes, dict[str, Any]]) -> None:
    example, _ = _xlsx_of(EXAMPLE)
    formulas = _formulas(hostile[0])
    # The example's formulas in the example's cells: only those the code makes, no other.
    assert formulas == _formulas(example)
    assert len(formulas) > 100


def test_xlsx_budget_text_is_kept_as_typed_with_quote_prefix(
    hostile: tuple[bytes, dict[str, Any]],
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(hostile[0]))
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    for *_, shown in HOSTILE:
        found = [c for c in cells if c.value == shown]
        assert found, repr(shown)
        for cell in found:
            assert cell.data_type == "s", (shown, cell.coordinate)
            # Excel's leading apostrophe: still text when someone edits the cell.
            assert cell.quotePrefix == (shown != "#N/A"), (shown, cell.coordinate)
    ordinary = next(c for c in cells if c.value == "Eksempelby Kommune")
    assert not ordinary.quotePrefix


def test_xlsx_page_header_shows_an_ampersand_as_typed(
    hostile: tuple[bytes, dict[str, Any]],
) -> None:
    for name, root in _sheet_xml(hostile[0]).items():
        # '&&' is an ampersand; the area's '&P' is text, not the page number.
        assert _header(root) == f"&LBudget: {name}&RFjord && Park &&P"


def test_xlsx_page_header_keeps_within_excels_limit(tmp_path: Path) -> None:
    data, _ = _xlsx_of(_hostile_folder(tmp_path, area_name="Fjord & Park " * 30))
    for name, root in _sheet_xml(data).items():
        header = _header(root)
        assert len(header) <= 255, name
        right = header.split("&R", 1)[1]
        assert right.startswith("Fjord && Park Fjord && Park")
        assert right.endswith("…")
        assert "&" not in right.replace("&&", "")  # no '&&' cut in two


@pytest.mark.slow
def test_libreoffice_shows_budget_text_as_text(
    hostile: tuple[bytes, dict[str, Any]], tmp_path: Path
) -> None:
    data, summary = hostile
    xlsx = tmp_path / XLSX
    xlsx.write_bytes(data)
    sheets = _csv_sheets(xlsx, tmp_path)
    lines, overview = sheets[LINES], sheets[OVERVIEW]
    descriptions = {row[0] for row in lines[1:]}
    assert {'=HYPERLINK("http://x","y")', "+1+2", "\t=1+1", "#N/A"} <= descriptions
    assert "=2*3" in {row[lines[0].index("Værdiansættelse")] for row in lines[1:]}
    assert _number(_row(overview, "-2+3")[-2]) == 120_000  # the funder's total
    assert _number(_row(overview, "@SUM(1,2)")[-2]) == 415_000  # a party's
    # LibreOffice recalculated every total on load (fullCalcOnLoad), the same as ours.
    assert _number(_row(overview, "I alt")[-2]) == summary["total"]
    column = lines[0].index("I alt")
    assert sum(_number(row[column]) for row in lines[1:]) == summary["total"]
    # The page header shows the area's name as typed, '&P' and all.
    subprocess.run(
        [*libreoffice(tmp_path), "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = subprocess.run(
        [require_tool("pdftotext"), str(tmp_path / "Budget.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Fjord & Park &P" in pdf.splitlines()
