"""The milepælsplan: its rules (AG240-AG249), each failing on an edited example, the model's
own errors, the timeline picture and the view."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementgen.cli import cli
from agreementgen.kinds.milestones import KIND
from agreementgen.kinds.milestones import timeline as timeline_picture
from agreementgen.kinds.milestones.model import Milestone, MilestonePlan
from agreementgen.kinds.milestones.view import view, when_text
from agreementgen.render.html import render_html
from agreementgen.render.word import render_docx
from agreementgen.views.document import DataTable, FigureView, SimpleDocument

from .helpers import ROOT, load
from .rulecase import EXAMPLE, every_line_of, line_of, lines_of, replace, run, unsigned
from .text import docx_sections, html_sections

M = "milestones.yaml"
A = "agreement.yaml"
EDU = "sub-agreements/education_and_life_chances.yaml"
EMP = "sub-agreements/employment.yaml"
VIBORG = ROOT / "agreements" / "viborg"


def _put(text: str) -> Callable[[str], str]:
    """An edit that writes a new file (or replaces one) with `text`."""
    return lambda _: text


def _delete(_: str) -> str:
    return ""


def _replace_all(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new)

    return change


def _plan(milestones: str) -> str:
    return "milestones:\n" + milestones


# -- the examples ---------------------------------------------------------------------------


def test_the_examples_break_no_rule_of_the_milestone_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        cli, ["validate", "agreements/viborg", "agreements/example", "--final"]
    )
    assert not [line for line in result.stderr.splitlines() if " AG24" in line]


def test_viborg_physical_plans_are_milestones_in_their_months() -> None:
    loaded = load(VIBORG)
    (_, plan), *_ = loaded.of_kind(KIND, MilestonePlan)
    assert plan.illustrative
    months = {m.department: m.month for m in plan.milestones if m.kind == "physical_plan"}
    assert months == {
        "klostervaenget": "2026-04",
        "ringparken": "2026-09",
        "ellekonebakken": "2027-08",
    }
    expected = {
        d.id: d.physical_plan.expected_completion
        for d in loaded.agreement.departments
        if d.physical_plan and d.physical_plan.expected_completion
    }
    assert months == expected


# -- AG240: a plan with a milestone each year -------------------------------------------------


def test_ag240_no_milestone_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(M, _delete)])
    assert code == 1
    assert lines_of(stderr, "AG240") == (
        "example/agreement.yaml: error AG240: there is no milestone plan (milepælsplan)\n"
        "    hint: add milestones.yaml beside agreement.yaml"
    )


def test_ag240_a_year_without_milestones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = _plan(
        "  - id: opstart\n"
        "    date: 2026-01-05\n"
        "    text: Start\n"
        "    kind: start_up\n"
        "  - id: evaluering\n"
        "    quarter: 2029-Q3\n"
        "    text: Slutevaluering\n"
        "    kind: evaluation\n"
    )
    code, stderr = run(tmp_path, monkeypatch, [(M, _put(plan))])
    assert code == 1
    period = line_of(tmp_path, A, "period:")
    assert lines_of(stderr, "AG240") == (
        "example/milestones.yaml:1:1: error AG240: the milestone plan has no milestone in 2027 "
        "and 2028\n"
        "    hint: the plan covers the whole period: at least one milestone each calendar year\n"
        f"example/agreement.yaml:{period}:1: note: the agreement runs from 2026-01-01 to "
        "2029-12-31"
    )


def test_ag240_a_period_covers_the_years_it_spans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = _plan(
        "  - id: hele-perioden\n"
        "    period: {start: 2026-01-01, end: 2029-12-31}\n"
        "    text: Helhedsplanen\n"
        "    kind: evaluation\n"
    )
    _, stderr = run(tmp_path, monkeypatch, [(M, _put(plan))])
    assert "AG240" not in stderr


def test_ag240_an_empty_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(M, _put("milestones: []\n"))])
    assert code == 1
    assert lines_of(stderr, "AG240") == (
        "example/milestones.yaml:1:1: error AG240: the milestone plan has no milestones\n"
        "    hint: LBF wants a milestone plan for the whole period"
    )
    assert "AG242" not in stderr and "AG243" not in stderr


def test_ag240_is_a_warning_in_a_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(M, _delete)], final=False)
    assert code == 0
    assert "warning AG240" in stderr


# -- AG241: within the period ------------------------------------------------------------------


def test_ag241_milestone_before_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, stderr = run(tmp_path, monkeypatch, [(M, replace("date: 2026-01-05", "date: 2025-12-15"))])
    date = line_of(tmp_path, M, "    date: 2025-12-15", after="  - id: opstart")
    period = line_of(tmp_path, A, "period:")
    assert lines_of(stderr, "AG241") == (
        f"example/milestones.yaml:{date}:11: warning AG241: milestone 'opstart' (2025-12-15) lies "
        "before the agreement period\n"
        "    hint: preparation before the start is allowed with kind: preparation\n"
        f"example/agreement.yaml:{period}:1: note: the agreement runs from 2026-01-01 to "
        "2029-12-31"
    )


def test_ag241_milestone_after_the_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(M, replace("quarter: 2029-Q3", "quarter: 2030-Q1"))]
    )
    assert code == 0
    quarter = line_of(tmp_path, M, "    quarter: 2030-Q1", after="  - id: slutevaluering")
    period = line_of(tmp_path, A, "period:")
    assert lines_of(stderr, "AG241") == (
        f"example/milestones.yaml:{quarter}:14: warning AG241: milestone 'slutevaluering' "
        "(2030-Q1) lies after the agreement period\n"
        f"example/agreement.yaml:{period}:1: note: the agreement runs from 2026-01-01 to "
        "2029-12-31"
    )


def test_ag241_preparation_before_the_start_is_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, stderr = run(tmp_path, monkeypatch, [])
    assert "AG241" not in stderr  # the example's preparation runs October-December 2025


def test_ag241_a_quarter_that_reaches_into_the_period_is_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A month or quarter is a time not yet fixed: it lies outside only if all of it does.
    plan = (EXAMPLE / M).read_text("utf-8").replace("date: 2026-01-05", "month: 2026-01")
    _, stderr = run(tmp_path, monkeypatch, [(M, _put(plan))])
    assert "AG241" not in stderr


# -- AG242, AG243: chosen areas and evaluation ---------------------------------------------------


def test_ag242_chosen_area_without_milestones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(M, _replace_all("area: employment", "area: cross_cutting"))]
    )
    assert code == 0
    milestones = line_of(tmp_path, M, "milestones:")
    chosen = line_of(tmp_path, A, "      chosen:", after="    employment:")
    assert lines_of(stderr, "AG242") == (
        f"example/milestones.yaml:{milestones}:1: warning AG242: no milestone belongs to "
        "Beskæftigelse, a chosen focus area\n"
        "    hint: add a milestone with area: employment\n"
        f"example/agreement.yaml:{chosen}:15: note: Beskæftigelse is chosen"
    )


def test_ag243_no_evaluation_milestone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(M, _replace_all("kind: evaluation", "kind: activity"))]
    )
    assert code == 0
    milestones = line_of(tmp_path, M, "milestones:")
    evaluation = line_of(tmp_path, A, "  evaluation:", after="sections:")
    assert lines_of(stderr, "AG243") == (
        f"example/milestones.yaml:{milestones}:1: warning AG243: no milestone is an evaluation\n"
        "    hint: add the evaluations of section 7 as milestones with kind: evaluation\n"
        f"example/agreement.yaml:{evaluation}:3: note: section 7 describes the local evaluation"
    )


# -- AG131: references, checked with every reference of the folder -------------------------


def test_unknown_responsible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [(M, replace("responsible: eksempelby-kommune", "responsible: eksempelby-komune"))],
    )
    assert code == 1
    responsible = line_of(
        tmp_path, M, "    responsible: eksempelby-komune", after="  - id: jobkonsulent-start"
    )
    party = line_of(tmp_path, A, "  - id: eksempelby-kommune")
    assert lines_of(stderr, "AG131") == (
        f"example/milestones.yaml:{responsible}:18: error AG131: unknown party or subgroup "
        "'eksempelby-komune'\n"
        "    hint: did you mean 'eksempelby-kommune'?\n"
        f"example/agreement.yaml:{party}:9: note: 'eksempelby-kommune' is defined here"
    )


def test_unknown_department(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(M, replace("department: aaparken", "department: aparken"))]
    )
    assert code == 1
    department = line_of(
        tmp_path, M, "    department: aparken", after="  - id: aaparken-helhedsplan"
    )
    defined = line_of(tmp_path, A, "  - id: aaparken")
    assert lines_of(stderr, "AG131") == (
        f"example/milestones.yaml:{department}:17: error AG131: unknown department 'aparken'\n"
        "    hint: did you mean 'aaparken'?\n"
        f"example/agreement.yaml:{defined}:9: note: 'aaparken' is defined here"
    )


def test_unknown_activity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [(M, replace("activities: [jobkonsulent]", "activities: [jobkonsulen]"))],
    )
    assert code == 1
    activities = line_of(tmp_path, M, "    activities: [jobkonsulen]")
    similar = line_of(tmp_path, EMP, "  - id: jobkonsulent")
    assert lines_of(stderr, "AG131") == (
        f"example/milestones.yaml:{activities}:18: error AG131: unknown activity 'jobkonsulen'\n"
        "    hint: did you mean 'jobkonsulent'?\n"
        f"example/{EMP}:{similar}:9: note: 'jobkonsulent' is defined here"
    )


def test_an_activity_without_a_close_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, stderr = run(
        tmp_path, monkeypatch, [(M, replace("activities: [jobkonsulent]", "activities: [zzz]"))]
    )
    activities = line_of(tmp_path, M, "    activities: [zzz]")
    # The note names the first delaftale's activities.
    listed = line_of(tmp_path, EDU, "activities:")
    assert lines_of(stderr, "AG131") == (
        f"example/milestones.yaml:{activities}:18: error AG131: unknown activity 'zzz'\n"
        "    hint: known ids: sprogstart, lektiecafe, brobygning, jobkonsulent, fritidsjob\n"
        f"example/{EDU}:{listed}:1: note: the activity ids are defined here"
    )


# -- AG245, AG246: physical plans ------------------------------------------------------------


def test_ag245_physical_plan_in_another_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(M, replace("month: 2027-10", "month: 2027-12"))])
    assert code == 0
    month = line_of(tmp_path, M, "    month: 2027-12", after="  - id: aaparken-helhedsplan")
    expected = line_of(tmp_path, A, "      expected_completion: 2027-10", after="  - id: aaparken")
    assert lines_of(stderr, "AG245") == (
        f"example/milestones.yaml:{month}:12: warning AG245: milestone 'aaparken-helhedsplan' puts "
        "the completion of Åparken's physical plan in 2027-12, agreement.yaml in 2027-10\n"
        "    hint: the two must agree: correct one of them\n"
        f"example/agreement.yaml:{expected}:28: note: Åparken's physical plan is expected "
        "finished in 2027-10"
    )


def test_ag245_a_quarter_containing_the_month_agrees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, stderr = run(tmp_path, monkeypatch, [(M, replace("month: 2027-10", "quarter: 2027-Q4"))])
    assert "AG245" not in stderr


def test_ag245_physical_plan_without_department(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, stderr = run(tmp_path, monkeypatch, [(M, replace("    department: aaparken\n", ""))])
    kind = line_of(tmp_path, M, "    kind: physical_plan", after="  - id: aaparken-helhedsplan")
    assert lines_of(stderr, "AG245") == (
        f"example/milestones.yaml:{kind}:11: warning AG245: physical-plan milestone "
        "'aaparken-helhedsplan' names no department\n"
        "    hint: add department: <id>, the department whose physical plan it is"
    )


def test_ag245_department_without_a_physical_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, stderr = run(
        tmp_path, monkeypatch, [(M, replace("department: aaparken", "department: fjordhaven"))]
    )
    department = line_of(
        tmp_path, M, "    department: fjordhaven", after="  - id: aaparken-helhedsplan"
    )
    fjordhaven = line_of(tmp_path, A, "  - id: fjordhaven", after="departments:")
    assert lines_of(stderr, "AG245") == (
        f"example/milestones.yaml:{department}:17: warning AG245: milestone "
        "'aaparken-helhedsplan' is a physical plan, but Fjordhaven has no expected completion in "
        "agreement.yaml\n"
        "    hint: give the department physical_plan.expected_completion (YYYY-MM)\n"
        f"example/agreement.yaml:{fjordhaven}:5: note: Fjordhaven's physical plan"
    )


def test_ag246_physical_plan_without_milestone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(M, replace("kind: physical_plan", "kind: activity"))]
    )
    assert code == 0
    milestones = line_of(tmp_path, M, "milestones:")
    expected = line_of(tmp_path, A, "      expected_completion: 2027-10", after="  - id: aaparken")
    assert lines_of(stderr, "AG246") == (
        f"example/milestones.yaml:{milestones}:1: warning AG246: Åparken's physical plan, "
        "expected finished in 2027-10, has no milestone\n"
        "    hint: add a milestone with kind: physical_plan and department: aaparken\n"
        f"example/agreement.yaml:{expected}:28: note: Åparken's physical plan is expected "
        "finished in 2027-10"
    )


# -- AG247-AG249 ------------------------------------------------------------------------------


def test_ag247_duplicate_milestone_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(M, replace("id: opstartsseminar", "id: opstart"))])
    assert code == 1
    first, second = every_line_of(tmp_path, M, "  - id: opstart")
    assert lines_of(stderr, "AG247") == (
        f"example/milestones.yaml:{second}:9: error AG247: duplicate milestone id 'opstart'\n"
        f"    hint: first used on line {first}"
    )


def test_ag248_milestone_of_an_area_not_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (
                M,
                replace(
                    "    kind: evaluation\n", "    kind: evaluation\n    area: crime_prevention\n"
                ),
            )
        ],
    )
    assert code == 0
    area = line_of(tmp_path, M, "    area: crime_prevention", after="  - id: midtvejsevaluering")
    not_chosen = line_of(tmp_path, A, "      chosen:", after="    crime_prevention:")
    assert lines_of(stderr, "AG248") == (
        f"example/milestones.yaml:{area}:11: warning AG248: milestone 'midtvejsevaluering' "
        "belongs to Kriminalitetsforebyggelse, which is not a chosen focus area\n"
        "    hint: mark the milestone area: cross_cutting, or choose the area\n"
        f"example/agreement.yaml:{not_chosen}:15: note: Kriminalitetsforebyggelse is not chosen"
    )


def test_ag249_activity_of_another_area(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [(M, replace("activities: [fritidsjob]", "activities: [brobygning]"))],
    )
    assert code == 0
    activities = line_of(
        tmp_path, M, "    activities: [brobygning]", after="  - id: fritidsjob-start"
    )
    brobygning = line_of(tmp_path, EDU, "  - id: brobygning")
    assert lines_of(stderr, "AG249") == (
        f"example/milestones.yaml:{activities}:18: warning AG249: milestone 'fritidsjob-start' "
        "belongs to Beskæftigelse, its activity 'brobygning' to Uddannelse og livschancer\n"
        "    hint: give the milestone the activity's area, or area: cross_cutting\n"
        f"example/{EDU}:{brobygning}:9: note: 'brobygning' is an activity of this delaftale"
    )


# -- the model's own errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "at", "column", "expected"),
    [
        (
            "    date: 2026-01-05\n",
            "    date: 2026-01-05\n    month: 2026-01\n",
            ("  - id: opstart", ""),
            5,
            "error AG107: milestones[1]: a milestone has one of date, month, quarter or period, "
            "not date and month",
        ),
        (
            "    date: 2026-01-05\n",
            "",
            ("  - id: opstart", ""),
            5,
            "error AG107: milestones[1]: a milestone needs one of date, month, quarter or period",
        ),
        (
            "quarter: 2028-Q1",
            "quarter: 2028-Q5",
            ("    quarter: 2028-Q5", "  - id: fritidsjob-fjordhaven"),
            14,
            "error AG107: milestones[12].quarter: '2028-Q5' is not a quarter; write quarters as "
            "YYYY-Qn, e.g. 2026-Q3",
        ),
        (
            "      end: 2025-12-31",
            "      end: 2025-09-30",
            ("    period:", "  - id: ansaettelser"),
            5,
            "error AG107: milestones[0].period: the period ends before it starts",
        ),
        (
            "kind: start_up",
            "kind: startup",
            ("    kind: startup", "  - id: opstart"),
            11,
            "error AG104: milestones[1].kind: 'startup' is not one of: preparation, start_up, "
            "activity, evaluation, board, reporting, physical_plan, closing\n"
            "    hint: did you mean 'start_up'?",
        ),
    ],
)
def test_the_model_refuses_a_malformed_milestone(
    old: str,
    new: str,
    at: tuple[str, str],
    column: int,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(M, replace(old, new))])
    assert code == 1
    needle, after = at
    line = line_of(tmp_path, M, needle, after=after)
    assert stderr == (
        f"{unsigned(tmp_path)}example/milestones.yaml:{line}:{column}: {expected}\n"
        "Aborted with 1 error, 1 warning.\n"
    )


# -- the timeline ------------------------------------------------------------------------------


def _chart(folder: Path) -> timeline_picture.Chart:
    loaded = load(folder)
    (_, plan), *_ = loaded.of_kind(KIND, MilestonePlan)
    period = loaded.agreement.period
    return timeline_picture.chart(
        plan, loaded.agreement.sections.focus_areas, loaded.pack, period.start, period.end
    )


def test_the_timeline_has_one_row_per_area() -> None:
    assert _chart(EXAMPLE).rows == ("Tværgående", "Uddannelse og livschancer", "Beskæftigelse")
    assert _chart(VIBORG).rows == (
        "Tværgående",
        "Uddannelse og livschancer",
        "Beskæftigelse",
        "Sammenhængskraft og medborgerskab",
    )


def test_a_milestone_of_an_area_not_chosen_gets_its_own_row(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    import shutil

    shutil.copytree(EXAMPLE, folder)
    path = folder / M
    text = path.read_text("utf-8")
    path.write_text(
        text.replace(
            "    kind: evaluation\n", "    kind: evaluation\n    area: crime_prevention\n", 1
        ),
        "utf-8",
    )
    assert _chart(folder).rows == (
        "Tværgående",
        "Uddannelse og livschancer",
        "Beskæftigelse",
        "Kriminalitetsforebyggelse",
    )


def test_overlapping_milestones_take_separate_lanes() -> None:
    chart = _chart(EXAMPLE)
    lanes = {(i.start, i.lane) for i in chart.items if i.row == 0}
    # The preparation ends on 31 December 2025 and the start is on 5 January 2026: two lanes.
    assert (datetime.date(2025, 10, 1), 0) in lanes
    assert (datetime.date(2026, 1, 5), 1) in lanes
    # The board meets on 24 November 2027, inside the evaluation of September to November
    # and beside the physical plans of October: a third lane.
    assert (datetime.date(2027, 11, 24), 2) in lanes
    assert chart.lanes[0] == 3


def test_the_timeline_is_the_same_bytes_every_time() -> None:
    drawing = timeline_picture.render(_chart(EXAMPLE))
    png, svg = drawing.png, drawing.svg
    again = timeline_picture.render(_chart(EXAMPLE))
    assert (again.svg, again.png) == (svg, png)  # asked in the other order: the same bytes
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert svg.lstrip().startswith("<?xml")


# -- the view -----------------------------------------------------------------------------------


def _milestone(**when: object) -> Milestone:
    return Milestone.model_validate({"id": "m", "text": "T", "kind": "activity", **when})


@pytest.mark.parametrize(
    ("when", "with_year", "without_year"),
    [
        ({"date": "2026-04-15"}, "15. april 2026", "15. april"),
        ({"month": "2026-04"}, "april 2026", "april"),
        ({"quarter": "2026-Q3"}, "3. kvartal 2026", "3. kvartal"),
        (
            {"period": {"start": "2026-09-01", "end": "2026-11-30"}},
            "1. september – 30. november 2026",
            "1. september – 30. november",
        ),
        (
            {"period": {"start": "2026-09-01", "end": "2027-02-28"}},
            "1. september 2026 – 28. februar 2027",
            "1. september 2026 – 28. februar 2027",
        ),
    ],
)
def test_when_text(when: dict[str, object], with_year: str, without_year: str) -> None:
    milestone = _milestone(**when)
    assert when_text(milestone) == with_year
    assert when_text(milestone, year=False) == without_year


def test_spans() -> None:
    assert _milestone(quarter="2026-Q1").span == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    assert _milestone(month="2028-02").span == (
        datetime.date(2028, 2, 1),
        datetime.date(2028, 2, 29),
    )


def test_the_milestone_text_takes_the_room_and_every_year_lines_up() -> None:
    loaded = load(ROOT / "agreements" / "viborg")
    document = next(d for d in loaded.documents if d.kind == KIND)
    content = view(document, loaded).document
    assert isinstance(content, SimpleDocument)
    tables = [b for b in content.sections[2].blocks if isinstance(b, DataTable)]
    widths = {table.widths for table in tables}
    assert len(widths) == 1  # the tables of all years share their columns
    (shared,) = widths
    assert shared[2] == max(shared)  # "Milepæl"
    assert shared[0] == min(shared)  # "Nr.": a narrow column


def test_the_view_has_timeline_and_a_table_per_year() -> None:
    loaded = load(EXAMPLE)
    document = next(d for d in loaded.documents if d.kind == KIND)
    result = view(document, loaded)
    content = result.document
    assert isinstance(content, SimpleDocument)
    assert result.stem == "Milepælsplan"
    assert [s.heading for s in content.sections] == [
        "1. Om milepælsplanen",
        "2. Tidslinje",
        "3. Milepæle år for år",
    ]
    figure = content.sections[1].blocks[0]
    assert isinstance(figure, FigureView) and figure.png and figure.svg
    tables = [b for b in content.sections[2].blocks if isinstance(b, DataTable)]
    assert len(tables) == 5  # 2025 (preparation) to 2029
    assert tables[0].header == (
        ("Nr.", "Dato", "Milepæl", "Type og status", "Indsatsområde", "Ansvarlig"),
    )
    assert tables[1].rows[1] == (
        "3",
        "2.\u00a0februar",  # a date stays on one line
        "Jobkonsulenten fra Jobcenter Eksempelby har fast kontortid i Åparken\n"
        "Aktiviteter: Jobkonsulent i Åparken",
        "Aktivitet\nPlanlagt",
        "Beskæftigelse",
        "Eksempelby Kommune",
    )
    assert "Opstillingen følger agreementgen" in content.notice
    assert "Illustrativt" not in content.notice


def test_the_docx_and_html_carry_the_same_text() -> None:
    loaded = load(VIBORG)
    document = next(d for d in loaded.documents if d.kind == KIND)
    content = view(document, loaded).document
    docx = docx_sections(render_docx(content))
    html = html_sections(render_html(content))
    assert list(docx) == list(html)
    for key in docx:
        assert docx[key].replace("\u200b", "") == html[key].replace("\u200b", ""), key
    assert "Illustrativt eksempel" in docx["front"]
    assert "1-års eftersyn af opstart og fremdrift (afsnit 7)" in docx["3. Milepæle år for år"]


def test_a_view_built_twice_is_equal_so_redline_skips_an_unchanged_plan() -> None:
    from dataclasses import replace as changed

    loaded = load(EXAMPLE)
    document = next(d for d in loaded.documents if d.kind == KIND)
    first, again = view(document, loaded).document, view(document, loaded).document
    assert first == again  # two drawings of the same timeline are equal
    timeline = first.sections[1].blocks[0]
    assert isinstance(timeline, FigureView) and timeline.drawing is not None
    chart = _chart(EXAMPLE)
    moved = changed(chart.items[-1], start=chart.items[-1].start - datetime.timedelta(days=1))
    other = timeline_picture.render(changed(chart, items=(*chart.items[:-1], moved)))
    assert other != timeline.drawing
