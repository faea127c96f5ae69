"""The beredskabsplan: its rules (AG250-AG252), each failing on an edited example, and its
view."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementgen.cli import cli
from agreementgen.kinds.contingency import KIND
from agreementgen.kinds.contingency.model import ContingencyPlan
from agreementgen.kinds.contingency.rules import _personal_data
from agreementgen.kinds.contingency.view import view
from agreementgen.render.html import render_html
from agreementgen.render.word import render_docx
from agreementgen.text.markdown import ListBlock
from agreementgen.views.document import DataTable, SimpleDocument

from .helpers import ROOT, load
from .rulecase import EXAMPLE, line_of, lines_of, position_of, replace, run
from .text import docx_sections, html_sections

C = "contingency-plan.yaml"
VIBORG = ROOT / "agreements" / "viborg"
MINIMAL = """\
purpose:
  - text: Et formål.
scope:
  - text: Et omfang.
approved_by_board: 2025-11-20
"""


def _put(text: str) -> Callable[[str], str]:
    return lambda _: text


def _delete(_: str) -> str:
    return ""


# -- the examples ---------------------------------------------------------------------------


def test_the_examples_break_no_rule_of_the_contingency_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        cli, ["validate", "agreements/viborg", "agreements/example", "--final"]
    )
    assert not [line for line in result.stderr.splitlines() if " AG25" in line]


def test_the_viborg_plan_is_illustrative() -> None:
    (_, plan), *_ = load(VIBORG).of_kind(KIND, ContingencyPlan)
    assert plan.illustrative
    assert len(plan.scenarios) == 3


# -- AG250: a plan with complete scenarios ----------------------------------------------------


def test_ag250_no_contingency_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(C, _delete)])
    assert code == 1
    assert lines_of(stderr, "AG250") == (
        "example/agreement.yaml: error AG250: there is no contingency plan (beredskabsplan)\n"
        "    hint: add contingency-plan.yaml beside agreement.yaml"
    )


def test_ag250_no_scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(C, _put(MINIMAL))])
    assert code == 1
    assert lines_of(stderr, "AG250") == (
        "example/contingency-plan.yaml:1:1: error AG250: the contingency plan has no scenarios\n"
        "    hint: add a scenario with its trigger, actions and responsible_function"
    )


def test_ag250_scenario_without_actions_and_responsible_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = MINIMAL + (
        "scenarios:\n  - id: uro\n    name: Uro\n    trigger:\n      - text: Når der er uro.\n"
    )
    code, stderr = run(tmp_path, monkeypatch, [(C, _put(plan))])
    assert code == 1
    assert lines_of(stderr, "AG250") == (
        "example/contingency-plan.yaml:7:5: error AG250: scenario 'uro' has no actions and "
        "responsible_function\n"
        "    hint: a scenario says when it applies (trigger), what is done (actions) and which "
        "function does it (responsible_function)"
    )


def test_ag250_is_a_warning_in_a_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(C, _delete)], final=False)
    assert code == 0
    assert "warning AG250" in stderr


# -- AG251: no personal data ----------------------------------------------------------------


def test_ag251_personal_phone_number(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [(C, replace("channel: Helhedsplanens vagttelefon", "channel: +45 12 34 56 78"))],
    )
    assert code == 0
    channel = line_of(tmp_path, C, "    channel: +45 12 34 56 78")
    assert lines_of(stderr, "AG251") == (
        f"example/contingency-plan.yaml:{channel}:14: warning AG251: '+45 12 34 56 78' looks "
        "like a personal phone number\n"
        "    hint: name the function instead; personal data belongs in an internal annex that "
        "is not uploaded"
    )


def test_ag251_person_and_e_mail_in_a_text_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (
                C,
                replace(
                    "responsible_function: Helhedsplanens leder\n",
                    "responsible_function: Anne Holm\n",
                ),
            ),
            (
                C,
                replace(
                    "samråd med SSP-koordinatoren", "samråd med SSP (ssp.koordinator@eksempelby.dk)"
                ),
            ),
        ],
    )
    e_mail = position_of(tmp_path, C, "ssp.koordinator@eksempelby.dk")
    person = line_of(tmp_path, C, "    responsible_function: Anne Holm")
    assert lines_of(stderr, "AG251") == (
        f"example/contingency-plan.yaml:{e_mail}: warning AG251: 'ssp.koordinator@eksempelby.dk' "
        "looks like a personal e-mail address\n"
        "    hint: name the function instead; personal data belongs in an internal annex that "
        "is not uploaded\n"
        f"example/contingency-plan.yaml:{person}:27: warning AG251: 'Anne Holm' looks like a "
        "person's name\n"
        "    hint: name the function instead; personal data belongs in an internal annex that "
        "is not uploaded"
    )


def test_ag251_points_into_a_block_of_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, stderr = run(
        tmp_path,
        monkeypatch,
        [(C, replace("Ved fare for liv og helbred", "Kontakt Søren Æbelø på 12345678. Ved fare"))],
    )
    hint = (
        "    hint: name the function instead; personal data belongs in an internal annex that "
        "is not uploaded"
    )
    name = position_of(tmp_path, C, "Søren Æbelø")
    number = position_of(tmp_path, C, "12345678")
    assert lines_of(stderr, "AG251") == (
        f"example/contingency-plan.yaml:{name}: warning AG251: 'Søren Æbelø' looks like a "
        f"person's name\n{hint}\n"
        f"example/contingency-plan.yaml:{number}: warning AG251: '12345678' looks like a "
        f"personal phone number\n{hint}"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Ring 112 eller 114",
        "post@eksempelby.dk",
        "Helhedsplanen 2026-2029",
        "Budgettet er 1.250.000 kr.",
        "Eksempelby Kommune og Boligselskabet Sct. Jørgen",
        "Per måned holdes et møde",
    ],
)
def test_ag251_functions_and_numbers_that_are_not_personal(text: str) -> None:
    assert list(_personal_data(text)) == []


# -- AG252: approved by the board ----------------------------------------------------------


def test_ag252_not_approved_by_the_board(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(C, replace("approved_by_board: 2025-11-20\n", ""))])
    assert code == 0
    review = line_of(tmp_path, C, "review:")
    assert lines_of(stderr, "AG252") == (
        f"example/contingency-plan.yaml:{review}:9: warning AG252: the board has not approved "
        "the contingency plan\n"
        "    hint: add approved_by_board: <date> once the board has approved it"
    )


# -- the view -----------------------------------------------------------------------------------


def test_the_view_has_the_sections_of_a_contingency_plan() -> None:
    loaded = load(EXAMPLE)
    document = next(d for d in loaded.documents if d.kind == KIND)
    result = view(document, loaded)
    content = result.document
    assert isinstance(content, SimpleDocument)
    assert result.stem == "Beredskabsplan"
    assert [s.heading for s in content.sections] == [
        "1. Formål",
        "2. Omfang",
        "3. Scenarier",
        "4. Kommunikation",
        "5. Kontakter",
        "6. Opfølgning",
        "7. Revision og godkendelse",
    ]
    steps = [b for b in content.sections[2].blocks if isinstance(b, ListBlock)]
    assert len(steps) == 3 and all(s.ordered for s in steps)
    table = content.sections[4].blocks[0]
    assert isinstance(table, DataTable)
    assert table.header == (("Funktion", "Kanal", "Træffes"),)
    assert table.rows[1] == ("Vagthavende, Eksempelby Politi", "114", "Døgnet rundt")
    assert "Opstillingen følger agreementgen" in content.notice


def test_an_unapproved_plan_says_so() -> None:
    loaded = load(EXAMPLE)
    document = next(d for d in loaded.documents if d.kind == KIND)
    plan = document.model
    assert isinstance(plan, ContingencyPlan)
    unapproved = type(document)(
        document.kind,
        document.path,
        document.source,
        plan.model_copy(update={"approved_by_board": None}),
    )
    content = view(unapproved, loaded).document
    assert isinstance(content, SimpleDocument)
    text = docx_sections(render_docx(content))["7. Revision og godkendelse"]
    assert text.endswith("Planen er endnu ikke godkendt af bestyrelsen.")


def test_the_docx_and_html_carry_the_same_text() -> None:
    loaded = load(VIBORG)
    document = next(d for d in loaded.documents if d.kind == KIND)
    content = view(document, loaded).document
    docx = docx_sections(render_docx(content))
    html = html_sections(render_html(content))
    assert docx == html
    assert "Illustrativt eksempel" in docx["front"]
    assert "Vagthavende, Midt- og Vestjyllands Politi 114" in docx["5. Kontakter"]
    assert "Planen er godkendt af bestyrelsen 24. juni 2025." in docx["7. Revision og godkendelse"]
