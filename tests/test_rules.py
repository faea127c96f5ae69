"""Every LBF rule of the agreement and the board mandate fails on an input made to break it."""

from __future__ import annotations

from pathlib import Path

import pytest

from agreementgen.checks.rules import all_rules
from agreementgen.source.model import TemplatePack
from agreementgen.source.packs import load_pack

from .rulecase import line_of, lines_of, position_of, replace, run

A = "agreement.yaml"
M = "board-mandate.yaml"


def test_the_example_passes_final(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [])
    assert code == 0, stderr
    assert " error " not in stderr


def test_rule_codes_are_unique_and_documented() -> None:
    codes = [rule.code for rule in all_rules()]
    assert len(codes) == len(set(codes))


def test_ag201_one_municipality(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(A, replace("kind: municipality", "kind: other"))])
    assert code == 1
    line = line_of(tmp_path, A, "parties:")
    assert lines_of(stderr, "AG201") == (
        f"example/agreement.yaml:{line}:1: error AG201: the parties hold 0 municipalities, not one"
    )


def test_ag201_is_a_warning_in_a_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(A, replace("kind: municipality", "kind: other"))], final=False
    )
    assert code == 0
    assert "warning AG201" in stderr


def test_ag202_police_without_a_seat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    police = "  - id: politi\n    kind: police\n    name: Eksempelby Politi\n"
    _code, stderr = run(
        tmp_path, monkeypatch, [(A, replace("department_groups:", police + "department_groups:"))]
    )
    line = line_of(tmp_path, A, "  - id: politi")
    assert lines_of(stderr, "AG202") == (
        f"example/agreement.yaml:{line}:5: warning AG202: Eksempelby Politi signs but has no seat "
        "on the board"
    )


def test_ag203_period_length(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _code, stderr = run(tmp_path, monkeypatch, [(A, replace("end: 2029-12-31", "end: 2030-06-30"))])
    line = line_of(tmp_path, A, "period:")
    assert lines_of(stderr, "AG203") == (
        f"example/agreement.yaml:{line}:1: warning AG203: the period is 54 months; LBF plans run 48"
    )


def test_ag204_problem_complex_without_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each sentence of the problem complex is replaced by one without figures.
    figures = (
        "36,2 % af de 18-64-årige er uden tilknytning til arbejdsmarked og uddannelse "
        "mod 14,9 % i kommunen.",
        "Blandt de 15-29-årige er 19,8 % hverken i uddannelse eller job.",
    )
    words = ("Mange står uden job.", "Mange unge er hverken i uddannelse eller job.")
    edits = [(A, replace(old, new)) for old, new in zip(figures, words, strict=True)]
    _code, stderr = run(tmp_path, monkeypatch, edits)
    line = line_of(tmp_path, A, "      problem_complex:", after="    employment:")
    assert lines_of(stderr, "AG204") == (
        f"example/agreement.yaml:{line}:7: warning AG204: the problem complex of Beskæftigelse has "
        "no figures or data\n"
        "    hint: LBF asks for a description that is 'konkret og dataunderbygget'"
    )


def test_ag205_unchosen_area_not_carried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _code, stderr = run(
        tmp_path,
        monkeypatch,
        [(A, replace("      cross_cutting_in: [education_and_life_chances, employment]\n", ""))],
    )
    line = line_of(tmp_path, A, "      chosen: false")
    assert lines_of(stderr, "AG205") == (
        f"example/agreement.yaml:{line}:15: warning AG205: Kriminalitetsforebyggelse is described "
        "but not chosen, and no chosen area carries it\n"
        "    hint: list the chosen areas that carry it in cross_cutting_in"
    )


NINTH_BASELINE = "      - indicator: 9\n        not_available: Data ikke tilgængelig\n"


def test_ag206_missing_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [(A, replace(NINTH_BASELINE, ""))],
    )
    assert code == 1
    line = line_of(tmp_path, A, "    baselines:")
    pack_line = line_of(tmp_path, A, "template_pack:")
    assert lines_of(stderr, "AG206") == (
        f"example/agreement.yaml:{line}:5: error AG206: indicator 9 (Andel stemmeberettigede, "
        "der har stemt ved seneste kommunalvalg/ folketingsvalg) has no baseline\n"
        "    hint: give its values, or not_available with the reason\n"
        f"example/agreement.yaml:{pack_line}:16: note: template pack lbf-2019-26@2023-11-24: "
        "required in a final build (--final)"
    )


def test_ag206_is_a_warning_on_the_2019_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Agreements approved under the 2019 regulativ left every baseline cell empty (Slagelse
    2021): on its pack a missing baseline is a warning even in a final build."""
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (A, replace("lbf-2019-26@2023-11-24", "lbf-2019-26@2019-12-11")),
            (A, replace(NINTH_BASELINE, "")),
        ],
    )
    line = line_of(tmp_path, A, "    baselines:")
    pack_line = line_of(tmp_path, A, "template_pack:")
    assert lines_of(stderr, "AG206") == (
        f"example/agreement.yaml:{line}:5: warning AG206: indicator 9 (Andel stemmeberettigede, "
        "der har stemt ved seneste kommunalvalg/ folketingsvalg) has no baseline\n"
        "    hint: give its values, or not_available with the reason\n"
        f"example/agreement.yaml:{pack_line}:16: note: template pack lbf-2019-26@2019-12-11: "
        "not required: a warning, even with --final"
    )
    assert " error " not in stderr
    assert code == 0


def test_ag207_baseline_without_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (
                A,
                replace(
                    "        year: 2024\n        source: LBF Boligsociale Data tabel 6\n",
                    "        source: LBF Boligsociale Data tabel 6\n",
                ),
            )
        ],
    )
    line = line_of(tmp_path, A, "      - indicator: 1")
    assert lines_of(stderr, "AG207") == (
        f"example/agreement.yaml:{line}:9: error AG207: the baseline of indicator 1 has no year\n"
        "    hint: lbf-2019-26@2023-11-24 has a 'Baselineår' column"
    )


def test_ag209_board_lacks_a_party(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    member = (
        "    - role: Direktør for Boligforeningen Fjorden\n      party: boligforeningen-fjorden\n"
    )
    code, stderr = run(tmp_path, monkeypatch, [(A, replace(member, ""))])
    assert code == 1
    line = line_of(tmp_path, A, "  members:")
    line2 = line_of(tmp_path, A, "  - id: boligforeningen-fjorden")
    assert lines_of(stderr, "AG209") == (
        f"example/agreement.yaml:{line}:3: error AG209: the board has no member from "
        "Boligforeningen Fjorden\n"
        "    hint: LBF: the top management of the municipality and of each housing organisation "
        "sits on the board\n"
        f"example/agreement.yaml:{line2}:5: note: "
        "Boligforeningen Fjorden is a party"
    )


def test_ag210_member_not_management(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _code, stderr = run(
        tmp_path,
        monkeypatch,
        [(A, replace("Beskæftigelseschef i Eksempelby Kommune", "Konsulent i Eksempelby Kommune"))],
    )
    line = line_of(tmp_path, A, "    - role: Konsulent")
    assert lines_of(stderr, "AG210") == (
        f"example/agreement.yaml:{line}:13: warning AG210: 'Konsulent i Eksempelby Kommune' "
        "does not read as top management (direktør, chef)"
    )


def test_ag211_no_subgroups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def drop_subgroups(text: str) -> str:
        start = text.index("  subgroups:\n")
        end = text.index("sections:\n")
        return text[:start] + text[end:]

    _code, stderr = run(
        tmp_path,
        monkeypatch,
        [(A, drop_subgroups), (A, replace("      - insert: subgroups\n", ""))],
    )
    line = line_of(tmp_path, A, "board:")
    assert lines_of(stderr, "AG211") == (
        f"example/agreement.yaml:{line}:1: warning AG211: no group is set up under the board"
    )


def test_ag212_and_ag213_unsigned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    signatory = "    signatory:\n      name: Mette Ørsted\n      title: Kommunaldirektør\n"
    code, stderr = run(tmp_path, monkeypatch, [(A, replace(signatory, ""))])
    assert code == 0
    line = line_of(tmp_path, A, "  - id: eksempelby-kommune")
    line2 = line_of(tmp_path, A, "parties:")
    assert lines_of(stderr, "AG213") == (
        f"example/agreement.yaml:{line}:5: warning AG213: Eksempelby Kommune: the signatory's name "
        "and title are missing\n"
        "    hint: fill in signatory.name and signatory.title, or write them at signing"
    )
    assert lines_of(stderr, "AG212") == (
        f"example/agreement.yaml:{line2}:1: warning AG212: not signed yet by Eksempelby "
        "Boligselskab, Boligforeningen Fjorden, Eksempelby Kommune"
    )


def test_ag260_mandate_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(M, lambda _: "")])
    assert code == 1
    assert lines_of(stderr, "AG260") == (
        "example/agreement.yaml: error AG260: there is no board mandate (kommissorium for "
        "bestyrelsen)\n"
        "    hint: add board-mandate.yaml beside agreement.yaml"
    )


def test_ag262_stale_regulation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (
                M,
                replace(
                    "regulativ af 11. december 2019, revideret per 24. november 2023",
                    "regulativ af 19. marts 2015",
                ),
            )
        ],
    )
    assert code == 0
    line = line_of(tmp_path, M, "regulation_reference:")
    line2 = line_of(tmp_path, A, "template_pack:")
    assert lines_of(stderr, "AG262") == (
        f"example/board-mandate.yaml:{line}:23: warning AG262: the mandate cites the regulation of "
        "19. marts 2015, the agreement's template is based on regulativet af 11. december 2019, "
        "revideret per 24. november 2023\n"
        f"example/agreement.yaml:{line2}:16: note: template pack lbf-2019-26@2023-11-24"
    )


def test_ag270_placeholders_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (A, replace("name: Boligforeningen Fjorden\n", "name: Boligorganisation B\n")),
            (M, replace("Parterne har nedsat", "Kommune XX og parterne har nedsat")),
        ],
    )
    assert code == 1
    line = line_of(tmp_path, A, "    name: Boligorganisation B")
    placeholder = position_of(tmp_path, M, "Kommune XX og parterne")
    assert lines_of(stderr, "AG270") == (
        f"example/agreement.yaml:{line}:11: error AG270: template placeholder "
        "'Boligorganisation B' left in the text\n"
        "    hint: replace it with the real name or text, or delete it\n"
        f"example/board-mandate.yaml:{placeholder}: error AG270: template placeholder "
        "'Kommune XX' left in the text\n"
        "    hint: replace it with the real name or text, or delete it"
    )


def _without_board(text: str) -> str:
    start = text.index("board:\n")
    text = text[:start] + text[text.index("sections:\n") :]
    for insert in ("board", "board_tasks", "subgroups"):
        text = text.replace(f"      - insert: {insert}\n", "")
    return text


def test_ag208_no_board(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(A, _without_board)])
    assert code == 1
    assert lines_of(stderr, "AG208") == (
        "example/agreement.yaml: error AG208: there is no board: section 3 and the "
        "organisation diagram need one\n"
        "    hint: add board: with members, secretariat and tasks"
    )


def test_ag261_mandate_without_tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = (
        "  tasks:\n"
        "    - sikre rammer og retning for helhedsplanen\n"
        "    - være ansvarlig for den samlede økonomi og medfinansieringen\n"
        "    - følge op på de faste mål to gange om året\n"
        "    - ajourføre delaftalerne\n"
    )
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [(A, replace(tasks, "")), (A, replace("      - insert: board_tasks\n", ""))],
    )
    assert code == 1
    line = line_of(tmp_path, A, "board:")
    assert lines_of(stderr, "AG261") == (
        "example/board-mandate.yaml: error AG261: the mandate lists no tasks\n"
        f"example/agreement.yaml:{line}:1: note: the board's tasks come from board.tasks here"
    )


def test_a_document_that_fails_leaves_the_rules_that_do_not_read_it_to_speak(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (A, replace("  end: 2029-12-31", "  end: 2029-06-30")),
            ("budget.yaml", replace("- id: revision", "- id: leder")),
        ],
    )
    assert code == 1
    period = line_of(tmp_path, A, "period:")
    budget_lines = line_of(tmp_path, "budget.yaml", "lines:")
    slutevaluering = line_of(tmp_path, "milestones.yaml", "    quarter: 2029-Q3")
    afslutning = line_of(tmp_path, "milestones.yaml", "    date: 2029-12-31")
    assert stderr == (
        f"example/agreement.yaml:{period}:1: warning AG203: the period is 42 months; LBF "
        "plans run 48\n"
        f"example/agreement.yaml:{line_of(tmp_path, A, 'parties:')}:1: warning AG212: not "
        "signed yet by Eksempelby Boligselskab, Boligforeningen Fjorden, Eksempelby Kommune\n"
        f"example/budget.yaml:{budget_lines}:1: error AG107: lines: duplicate line id 'leder' "
        "(lines 1 and 4)\n"
        # The milestone plan's rules speak (it does not read the budget); the budget's wait:
        # they would call the budget missing (AG230).
        f"example/milestones.yaml:{slutevaluering}:14: warning AG241: milestone 'slutevaluering' "
        "(2029-Q3) lies after the agreement period\n"
        f"example/agreement.yaml:{period}:1: note: the agreement runs from 2026-01-01 to "
        "2029-06-30\n"
        f"example/milestones.yaml:{afslutning}:11: warning AG241: milestone 'afslutning' "
        "(2029-12-31) lies after the agreement period\n"
        f"example/agreement.yaml:{period}:1: note: the agreement runs from 2026-01-01 to "
        "2029-06-30\n"
        "Aborted with 1 error, 4 warnings.\n"
    )


def test_pack_rule_levels_name_real_rules() -> None:
    """A pack that weighs a rule otherwise names it by a code that exists (a typo would
    silently leave the rule at its own level)."""
    codes = {rule.code for rule in all_rules()}
    for pack_id in TemplatePack:
        assert set(load_pack(pack_id).rule_levels) <= codes, pack_id
