"""`agreementgen diff` in the documents' own words: moves, labels and derived figures (#13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from agreementgen.cli import cli
from agreementgen.text.prose import markdown_sentences

from .diff import scenario

NBSP = "\u00a0"
STAFF_LEADER = (
    "      2026: {lbf: 640000, boligselskabet-viborg: 40000, boligselskabet-sct-joergen: 30000}"
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scenario.make_folder(tmp_path_factory.mktemp("semantic"))


def commit_edits(repo: Path, tag: str, edits: dict[str, tuple[tuple[str, str], ...]]) -> None:
    """Commit, tagged `tag`, the Viborg files with (old, new) edits to their text at v1."""
    folder = scenario.VIBORG.parent
    texts = {
        name: scenario.edit((folder / name).read_text("utf-8"), e) for name, e in edits.items()
    }
    scenario.commit(repo, tag, dict(texts))


def diff(repo: Path, monkeypatch: pytest.MonkeyPatch, name: str, *args: str) -> Result:
    monkeypatch.chdir(repo)
    return CliRunner().invoke(cli, ["diff", "v1", name, *args])


def lines(result: Result) -> list[str]:
    return result.stdout.splitlines()


def test_an_added_milestone_is_named_by_its_date_and_text(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = (
        "  - id: dialogmoede-karup\n    date: 2026-03-01\n    text: Dialogmøde i Karup\n"
        "    kind: activity\n    responsible: board\n    status: planned\n"
    )
    commit_edits(
        repo, "milestone", {"milestones.yaml": (("milestones:\n", "milestones:\n" + added),)}
    )
    result = diff(repo, monkeypatch, "milestone")
    assert lines(result) == [
        "Milepælsplan (viborg): ændret, ajourføres af bestyrelsen",
        "  Milepæl tilføjet: 1. marts 2026: Dialogmøde i Karup",
        "  Antal milepæle: 29 → 30",
    ]
    (document,) = json.loads(diff(repo, monkeypatch, "milestone", "--format", "json").stdout)[
        "documents"
    ]
    count = document["changes"][1]
    assert count == {
        "action": "changed",
        "where": ["Antal milepæle"],
        "location": "",
        "old": "29",
        "new": "30",
        "old_value": {"": "29"},
        "new_value": {"": "30"},
        "derived": True,
        "text": "Antal milepæle: 29 → 30",
    }


BUDGET_TEXT = f"""\
Budget (viborg): ændret, ajourføres af bestyrelsen
  Budgetlinje Boligsocial leder, Fællessekretariatet › Beløb › 2026 › Landsbyggefonden: \
640.000 → 650.000
  Samlet budget: 23.870.000 kr. → 23.880.000 kr.
  Landsbyggefondens andel: 68,0{NBSP}% (16.243.000 kr.) → 68,0{NBSP}% (16.253.000 kr.)
  Finansiering pr. år (kr.) › Landsbyggefonden: 2026: 4.060.000 → 4.070.000; I alt: \
16.243.000 → 16.253.000
  Finansiering pr. år (kr.) › I alt: 2026: 5.985.000 → 5.995.000; I alt: 23.870.000 → \
23.880.000
  Udgifter fordelt på indsatsområder (kr.) › Uddannelse og livschancer: Andel: 28,9{NBSP}% → \
28,8{NBSP}%
  Udgifter fordelt på indsatsområder (kr.) › Sammenhængskraft og medborgerskab: Andel: \
15,5{NBSP}% → 15,4{NBSP}%
  Udgifter fordelt på indsatsområder (kr.) › Tværgående: 2026: 1.895.000 → 1.905.000; I alt: \
7.535.000 → 7.545.000
  Udgifter fordelt på indsatsområder (kr.) › I alt: 2026: 5.985.000 → 5.995.000; I alt: \
23.870.000 → 23.880.000
  Udgifter fordelt på udgiftstyper (kr.) › Personale: 2026: 4.700.000 → 4.710.000; I alt: \
18.800.000 → 18.810.000
  Udgifter fordelt på udgiftstyper (kr.) › I alt: 2026: 5.985.000 → 5.995.000; I alt: \
23.870.000 → 23.880.000
  4. Budgetlinjer › Tværgående › Boligsocial leder, Fællessekretariatet: 2026: 710.000 → \
720.000; I alt: 2.840.000 → 2.850.000
  4. Budgetlinjer › Tværgående › I alt: 2026: 1.895.000 → 1.905.000; I alt: 7.535.000 → \
7.545.000
"""


def test_a_changed_amount_shows_the_totals_and_shares_it_changes(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = STAFF_LEADER.replace("lbf: 640000", "lbf: 650000")
    commit_edits(repo, "amount", {"budget.yaml": ((STAFF_LEADER, new),)})
    result = diff(repo, monkeypatch, "amount")
    assert result.stdout == BUDGET_TEXT
    (document,) = json.loads(diff(repo, monkeypatch, "amount", "--format", "json").stdout)[
        "documents"
    ]
    by_text = {c["text"]: c for c in document["changes"]}
    financing = by_text[BUDGET_TEXT.splitlines()[4].strip()]
    assert (financing["where"], financing["old_value"], financing["new_value"]) == (
        ["Finansiering pr. år (kr.)", "Landsbyggefonden"],
        {"2026": "4.060.000", "I alt": "16.243.000"},
        {"2026": "4.070.000", "I alt": "16.253.000"},
    )
    assert [c["derived"] for c in document["changes"]] == [False] + [True] * 12


def test_moved_departments_and_budget_lines_are_moves(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreement = (scenario.VIBORG).read_text("utf-8")
    budget = (scenario.VIBORG.parent / "budget.yaml").read_text("utf-8")
    department = scenario.swap_blocks(
        agreement, "  - id: stoholm\n", "  - id: kaersangerparken\n", "  - id: solgaarden\n"
    )
    line = scenario.swap_blocks(
        budget, "  - id: leder\n", "  - id: sekretariatsmedarbejder\n", "  - id: bestyrelsesbetj"
    )
    commit_edits(
        repo,
        "moved",
        {"agreement.yaml": ((agreement, department),), "budget.yaml": ((budget, line),)},
    )
    result = diff(repo, monkeypatch, "moved", "--exit-code")
    assert result.exit_code == 1
    assert lines(result) == [
        "Strategisk samarbejdsaftale (viborg): ændret, kræver godkendelse i Landsbyggefonden",
        "  Afdeling flyttet: Afd. 26 Kærsangerparken, fra efter Afd. 822 Stoholm til efter "
        "Afd. 3 Klostervænget",
        "",
        "Budget (viborg): ændret, ajourføres af bestyrelsen",
        "  Budgetlinje flyttet: Administrativ medarbejder og kommunikation, Fællessekretariatet, "
        "fra efter Boligsocial leder, Fællessekretariatet til først",
    ]
    (moved, _) = json.loads(diff(repo, monkeypatch, "moved", "--format", "json").stdout)[
        "documents"
    ]
    assert moved["changes"][0]["action"] == "moved"
    assert moved["changes"][0]["location"] == "departments[id=kaersangerparken]"


def test_a_swapped_bullet_is_moved(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = "    - sikre rammer og retningen for den boligsociale helhedsplan\n"
    second = "    - sikre helhedsplanen udførsel jf. Landsbyggefondens regulativer\n"
    commit_edits(repo, "bullet", {"agreement.yaml": ((first + second, second + first),)})
    result = diff(repo, monkeypatch, "bullet", "--exit-code")
    assert result.exit_code == 1
    assert lines(result)[1:] == [
        "  Bestyrelse › Opgaver: flyttet »sikre helhedsplanen udførsel jf. Landsbyggefondens "
        "regulativer«, fra nr. 2 til nr. 1"
    ]


def test_a_sentence_runs_on_over_sct_joergen(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = "Boligselskabet Viborg og Boligselskabet Sct. Jørgen har indgået"
    new = "Boligselskabet Viborg og Boligselskabet Sct.\n      Jørgen har underskrevet"
    commit_edits(repo, "sentence", {"board-mandate.yaml": ((old, new),)})
    result = diff(repo, monkeypatch, "sentence")
    assert lines(result) == [
        "Kommissorium for bestyrelsen (viborg): ændret, ajourføres af bestyrelsen",
        "  Baggrund: »Viborg Kommune, Boligselskabet Viborg og Boligselskabet Sct. Jørgen har "
        "indgået en strategisk samarbejdsaftale om den boligsociale helhedsplan i Viborg for "
        "perioden 1. august 2025 til 31. juli 2029.« → »Viborg Kommune, Boligselskabet Viborg og "
        "Boligselskabet Sct. Jørgen har underskrevet en strategisk samarbejdsaftale om den "
        "boligsociale helhedsplan i Viborg for perioden 1. august 2025 til 31. juli 2029.«",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Boligselskabet Sct.\nJørgen er med.",
        "Der er bl.a. Viborg.",
        "Der er f.eks. Karup.",
        "Der bor ca. 2.470 beboere.",
        "Det er afd. nr. 12 Houlkærvænget.",
        "Aftalen gælder fra 1.\nAugust 2025.",
    ],
)
def test_abbreviations_and_dates_end_no_sentence(text: str) -> None:
    assert markdown_sentences(text) == [" ".join(text.split())]


def test_a_period_change_shows_as_each_document_shows_it(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit_edits(
        repo, "period", {"agreement.yaml": (("  end: 2029-07-31\n", "  end: 2029-12-31\n"),)}
    )
    result = diff(repo, monkeypatch, "period")
    period = "  Periode: 1. august 2025 – 31. juli 2029 → 1. august 2025 – 31. december 2029"
    assert lines(result) == [
        "Strategisk samarbejdsaftale (viborg): ændret, kræver godkendelse i Landsbyggefonden",
        "  Samarbejdsaftalen gælder fra - til › Til: 31. juli 2029 → 31. december 2029",
        "  Forside › Periode: Samarbejdsaftalen gælder fra 1. august 2025 til 31. juli 2029 → "
        "Samarbejdsaftalen gælder fra 1. august 2025 til 31. december 2029",
        "",
        "Kommissorium for bestyrelsen (viborg): ændret, ajourføres af bestyrelsen",
        period,
        "",
        "Budget (viborg): ændret, ajourføres af bestyrelsen",
        period,
        "",
        "Beredskabsplan (viborg): ændret, ajourføres af bestyrelsen",
        period,
        "",
        "Milepælsplan (viborg): ændret, ajourføres af bestyrelsen",
        period,
        "",
        "Delaftale Sammenhængskraft og medborgerskab (viborg): ændret, ajourføres af bestyrelsen",
        period,
        "",
        "Delaftale Uddannelse og livschancer (viborg): ændret, ajourføres af bestyrelsen",
        period,
        "",
        "Delaftale Beskæftigelse (viborg): ændret, ajourføres af bestyrelsen",
        period,
    ]


# diff reads the budget's figures from the document it builds; this holds them to the Word
# document's own tables, cell by cell: the captioned tables by their caption, the budget
# lines' tables by their section and area.
BUDGET_TABLES = (
    "Finansiering pr. år (kr.)",
    "Udgifter fordelt på indsatsområder (kr.)",
    "Udgifter fordelt på udgiftstyper (kr.)",
)


def test_the_budgets_derived_figures_are_the_cells_its_tables_show() -> None:
    from agreementgen.checks.read import read_agreement
    from agreementgen.kinds.budget.view import view
    from agreementgen.review.derived import document_figures
    from agreementgen.text.markdown import Heading, plain_text
    from agreementgen.views.document import DataTable

    from .helpers import ROOT

    loaded, _ = read_agreement(ROOT / "agreements" / "viborg")
    assert loaded is not None
    budget = next(d for d in loaded.documents if d.name == "budget.yaml")
    figures = document_figures(budget.name, loaded)
    sections = view(budget, loaded).document.sections
    tables = {
        block.caption: block
        for section in sections
        for block in section.blocks
        if isinstance(block, DataTable)
    }
    compared = 0
    for caption in BUDGET_TABLES:
        table = tables[caption]
        columns = table.header[-1][1:]
        for row in table.rows:
            assert figures[(caption, row[0])] == dict(zip(columns, row[1:], strict=True))
            compared += 1
    assert compared == 20
    (lines,) = (s for s in sections if s.heading == "4. Budgetlinjer")
    area = ""
    for block in lines.blocks:
        if isinstance(block, Heading):
            area = plain_text(block.spans)
        elif isinstance(block, DataTable):
            for row in block.rows:
                label = row[0].split("\n")[0]
                cells = dict(zip(block.header[-1][1:], row[1:], strict=True))
                assert figures[("4. Budgetlinjer", area, label)] == cells
                compared += 1
    assert compared == 20 + 22 + 4  # Viborg's 22 budget lines and a total row per area
