"""The delaftale: its rules (AG220-AG229), each failing on an edited example, and its view."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementgen.cli import cli
from agreementgen.kinds.sub_agreement import KIND
from agreementgen.kinds.sub_agreement.model import SubAgreement
from agreementgen.kinds.sub_agreement.view import KEEPING_CURRENT, view
from agreementgen.render.html import render_html
from agreementgen.render.word import render_docx
from agreementgen.views.document import SimpleDocument, View

from .helpers import ROOT, load
from .rulecase import EXAMPLE, every_line_of, line_of, lines_of, replace, run
from .text import docx_sections, html_sections

EDU = "sub-agreements/education_and_life_chances.yaml"
EMP = "sub-agreements/employment.yaml"
A = "agreement.yaml"


def _text(name: str) -> str:
    return (EXAMPLE / name).read_text("utf-8")


def _put(text: str) -> Callable[[str], str]:
    """An edit that writes a new file (or replaces one) with `text`."""
    return lambda _: text


def _delete(_: str) -> str:
    return ""


# -- the examples ---------------------------------------------------------------------------


def test_the_examples_break_no_rule_of_the_delaftale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        cli, ["validate", "agreements/viborg", "agreements/example", "--final"]
    )
    assert not [line for line in result.stderr.splitlines() if " AG22" in line]


def test_the_example_sub_agreements_cover_the_chosen_areas() -> None:
    loaded = load(EXAMPLE)
    areas = sorted(sub.area.value for _, sub in loaded.of_kind(KIND, SubAgreement))
    assert areas == ["education_and_life_chances", "employment"]
    viborg = load(ROOT / "agreements" / "viborg")
    subs = [sub for _, sub in viborg.of_kind(KIND, SubAgreement)]
    assert len(subs) == 3
    assert all(sub.illustrative for sub in subs)


# -- AG220: one delaftale per chosen area -----------------------------------------------------


def test_ag220_chosen_area_without_delaftale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(EMP, _delete)])
    assert code == 1
    chosen = line_of(tmp_path, A, "      chosen:", after="    employment:")
    assert lines_of(stderr, "AG220") == (
        f"example/agreement.yaml:{chosen}:15: error AG220: "
        "Beskæftigelse is chosen but has no delaftale\n"
        "    hint: add sub-agreements/employment.yaml"
    )


def test_ag220_delaftale_for_an_area_not_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crime = _text(EMP).replace("area: employment", "area: crime_prevention")
    code, stderr = run(
        tmp_path, monkeypatch, [("sub-agreements/crime_prevention.yaml", _put(crime))]
    )
    assert code == 1
    area = line_of(tmp_path, "sub-agreements/crime_prevention.yaml", "area:")
    not_chosen = line_of(tmp_path, A, "      chosen:", after="    crime_prevention:")
    assert lines_of(stderr, "AG220") == (
        f"example/sub-agreements/crime_prevention.yaml:{area}:7: error AG220: a delaftale for "
        "Kriminalitetsforebyggelse, which is not a chosen focus area\n"
        "    hint: set chosen: true for crime_prevention in agreement.yaml, or delete the "
        "delaftale\n"
        f"example/agreement.yaml:{not_chosen}:15: note: "
        "Kriminalitetsforebyggelse is not chosen here"
    )


def test_ag220_delaftale_for_an_area_not_described(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohesion = _text(EMP).replace("area: employment", "area: cohesion_and_citizenship")
    name = "sub-agreements/cohesion_and_citizenship.yaml"
    code, stderr = run(tmp_path, monkeypatch, [(name, _put(cohesion))])
    assert code == 1, stderr
    area = line_of(tmp_path, name, "area:")
    focus_areas = line_of(tmp_path, A, "  focus_areas:", after="sections:")
    assert lines_of(stderr, "AG220") == (
        f"example/{name}:{area}:7: error AG220: a delaftale for Sammenhængskraft og "
        "medborgerskab, which is not a chosen focus area\n"
        "    hint: add cohesion_and_citizenship with chosen: true and its problem complex in "
        "agreement.yaml, or delete the delaftale\n"
        f"example/agreement.yaml:{focus_areas}:3: note: "
        "Sammenhængskraft og medborgerskab is not described here"
    )


def test_ag220_two_delaftaler_for_one_area(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The copy in the wrongly named file is the second one, whatever the file order.
    name = "sub-agreements/cohesion_and_citizenship.yaml"
    code, stderr = run(tmp_path, monkeypatch, [(name, _put(_text(EMP)))])
    assert code == 1
    area = line_of(tmp_path, name, "area:")
    first = line_of(tmp_path, EMP, "area:")
    assert lines_of(stderr, "AG220") == (
        f"example/{name}:{area}:7: error AG220: a second delaftale for Beskæftigelse\n"
        "    hint: there is one delaftale per chosen focus area\n"
        f"example/sub-agreements/employment.yaml:{first}:7: note: the first one"
    )


def test_ag220_is_a_warning_in_a_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(EMP, _delete)], final=False)
    assert " error AG220" not in stderr
    assert "warning AG220: Beskæftigelse is chosen but has no delaftale" in stderr
    # The budget and the milestone plan still name the deleted delaftale's activities:
    # dangling ids are errors in a draft too.
    assert code == 1
    assert set(re.findall(r"error AG131: unknown activity '([\w-]+)'", stderr)) == {
        "fritidsjob",
        "jobkonsulent",
    }


# -- AG221: the file is named after the area ----------------------------------------------------


def test_ag221_area_does_not_match_the_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [(EMP, replace("area: employment", "area: education_and_life_chances"))],
    )
    assert code == 1
    area = line_of(tmp_path, EMP, "area:")
    assert lines_of(stderr, "AG221") == (
        f"example/sub-agreements/employment.yaml:{area}:7: error AG221: area "
        "'education_and_life_chances' does not match the file name 'employment'\n"
        "    hint: rename the file to sub-agreements/education_and_life_chances.yaml, or set "
        "area: employment"
    )


def test_ag221_file_name_is_not_a_focus_area(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(EMP, _delete), ("sub-agreements/jobs.yaml", _put(_text(EMP)))]
    )
    assert code == 1, stderr
    area = line_of(tmp_path, "sub-agreements/jobs.yaml", "area:")
    assert lines_of(stderr, "AG221") == (
        f"example/sub-agreements/jobs.yaml:{area}:7: error AG221: the file name 'jobs' is not a "
        "focus area\n"
        "    hint: rename the file to sub-agreements/employment.yaml"
    )


# -- AG222, AG223: sub-goals and activities ---------------------------------------------------


def test_ag222_no_sub_goals_and_no_activities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _text(EMP)
    bare = text[: text.index("sub_goals:")] + "sub_goals: []\nactivities: []\n"
    code, stderr = run(tmp_path, monkeypatch, [(EMP, _put(bare))])
    assert code == 1
    sub_goals = line_of(tmp_path, EMP, "sub_goals:")
    activities = line_of(tmp_path, EMP, "activities:")
    assert lines_of(stderr, "AG222") == (
        f"example/{EMP}:{sub_goals}:1: error AG222: the delaftale for "
        "Beskæftigelse has no sub-goals (delmål)\n"
        "    hint: add sub_goals: with id, text and the indicators each points toward\n"
        f"example/{EMP}:{activities}:1: error AG222: the delaftale for "
        "Beskæftigelse has no activities\n"
        "    hint: add activities: with id, name, description, responsible and sub_goals"
    )


def test_ag223_activity_without_sub_goal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(EMP, replace("sub_goals: [unge-i-job]\n", "sub_goals: []\n"))]
    )
    assert code == 1
    activity = line_of(tmp_path, EMP, "  - id: fritidsjob")
    assert lines_of(stderr, "AG223") == (
        f"example/{EMP}:{activity}:5: error AG223: activity 'fritidsjob' "
        "serves no sub-goal\n"
        "    hint: list the ids of the sub-goals it serves in sub_goals"
    )


def test_an_activity_with_an_unknown_sub_goal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(EMP, replace("sub_goals: [unge-i-job]", "sub_goals: [unge-job]"))]
    )
    assert code == 1, stderr
    sub_goals = line_of(tmp_path, EMP, "    sub_goals: [unge-job]", after="  - id: fritidsjob")
    assert lines_of(stderr, "AG131") == (
        f"example/{EMP}:{sub_goals}:17: error AG131: unknown sub-goal 'unge-job'\n"
        "    hint: did you mean 'unge-i-job'?"
    )


# -- AG224: ids inside the delaftale ----------------------------------------------------------


def test_ag224_duplicate_activity_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(EMP, replace("- id: fritidsjob", "- id: jobkonsulent"))]
    )
    assert code == 1
    first, second = every_line_of(tmp_path, EMP, "  - id: jobkonsulent")
    assert lines_of(stderr, "AG224") == (
        f"example/{EMP}:{second}:9: error AG224: duplicate activity id "
        "'jobkonsulent'\n"
        f"    hint: first used on line {first}"
    )


def test_ag224_activity_id_used_in_two_delaftaler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(EDU, replace("- id: brobygning", "- id: fritidsjob"))]
    )
    assert code == 1
    used = line_of(tmp_path, EMP, "  - id: fritidsjob")
    here = line_of(tmp_path, EDU, "  - id: fritidsjob")
    assert lines_of(stderr, "AG224") == (
        f"example/{EMP}:{used}:9: error AG224: activity id 'fritidsjob' is "
        "also used in another delaftale\n"
        "    hint: the budget and the milestone plan refer to activities by id: give each its own\n"
        f"example/{EDU}:{here}:9: note: here"
    )


def test_a_partner_id_that_names_no_party(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (
                EMP,
                replace(
                    "partners: [jobcenter, helhedsplanen]", "partners: [jobcentret, helhedsplanen]"
                ),
            )
        ],
    )
    assert code == 1, stderr
    partners = line_of(tmp_path, EMP, "    partners: [jobcentret,")
    assert lines_of(stderr, "AG131") == (
        f"example/{EMP}:{partners}:16: error AG131: unknown sub-agreement party 'jobcentret'\n"
        "    hint: did you mean 'jobcenter'? A partner is the id of a party of this delaftale, "
        "or text with capitals or spaces, e.g. 'Lokale virksomheder'"
    )


def test_a_partner_written_as_text_is_no_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 'frivillige' and 'Jobcentret' are text; 'jobcenter-vest' is id-shaped and hyphenated.
    partners = "partners: [frivillige, Jobcentret, jobcenter-vest]"
    _, stderr = run(
        tmp_path, monkeypatch, [(EMP, replace("partners: [jobcenter, helhedsplanen]", partners))]
    )
    at = line_of(tmp_path, EMP, f"    {partners}")
    assert lines_of(stderr, "AG131") == (
        f"example/{EMP}:{at}:40: error AG131: unknown sub-agreement party 'jobcenter-vest'\n"
        "    hint: did you mean 'jobcenter'? A partner is the id of a party of this delaftale, "
        "or text with capitals or spaces, e.g. 'Lokale virksomheder'"
    )


# -- references to the agreement's parties ------------------------------------------------------


def test_the_responsible_is_not_an_agreement_party(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [(EMP, replace("responsible: eksempelby-kommune", "responsible: eksempelby-kommunen"))],
    )
    assert code == 1
    responsible = line_of(tmp_path, EMP, "    responsible: eksempelby-kommunen")
    party = line_of(tmp_path, A, "  - id: eksempelby-kommune")
    assert lines_of(stderr, "AG131") == (
        f"example/{EMP}:{responsible}:18: error AG131: unknown party 'eksempelby-kommunen'\n"
        "    hint: did you mean 'eksempelby-kommune'?\n"
        f"example/agreement.yaml:{party}:9: note: 'eksempelby-kommune' is defined here"
    )


def test_a_role_and_a_delaftale_party(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (
                EMP,
                replace("  - party: boligforeningen-fjorden", "  - party: boligforening-fjorden"),
            ),
            (EMP, replace("party: eksempelby-boligselskab", "party: politiet")),
        ],
    )
    assert code == 1, stderr
    party = line_of(tmp_path, EMP, "    party: politiet", after="parties:")
    role = line_of(tmp_path, EMP, "  - party: boligforening-fjorden", after="roles:")
    parties = line_of(tmp_path, A, "parties:")
    defined = line_of(tmp_path, A, "  - id: boligforeningen-fjorden")
    assert lines_of(stderr, "AG131") == (
        f"example/{EMP}:{party}:12: error AG131: unknown party 'politiet'\n"
        "    hint: known ids: eksempelby-boligselskab, boligforeningen-fjorden, "
        "eksempelby-kommune\n"
        f"example/agreement.yaml:{parties}:1: note: the party ids are defined here\n"
        f"example/{EMP}:{role}:12: error AG131: unknown party 'boligforening-fjorden'\n"
        "    hint: did you mean 'boligforeningen-fjorden'?\n"
        f"example/agreement.yaml:{defined}:9: note: 'boligforeningen-fjorden' is defined here"
    )


# -- AG226, AG227: sub-goals and the fixed indicators -------------------------------------------


def test_ag226_indicator_the_pack_does_not_have(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(EMP, replace("indicators: [5]", "indicators: [5, 12]"))]
    )
    assert code == 1
    indicators = line_of(tmp_path, EMP, "    indicators: [5, 12]", after="  - id: voksne-i-job")
    pack = line_of(tmp_path, A, "template_pack:")
    assert lines_of(stderr, "AG226") == (
        f"example/{EMP}:{indicators}:21: error AG226: sub-goal 'voksne-i-job' "
        "names indicator 12, which the template pack does not have\n"
        "    hint: the pack has indicators 1-9\n"
        f"example/agreement.yaml:{pack}:16: note: template pack lbf-2019-26@2023-11-24"
    )


def test_ag227_sub_goal_without_indicators(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = run(tmp_path, monkeypatch, [(EMP, replace("    indicators: [5]\n", ""))])
    assert code == 0
    sub_goal = line_of(tmp_path, EMP, "  - id: voksne-i-job")
    assert lines_of(stderr, "AG227") == (
        f"example/{EMP}:{sub_goal}:5: warning AG227: sub-goal 'voksne-i-job' "
        "points toward no indicator\n"
        "    hint: list the fixed indicators it serves, e.g. indicators: [4, 5, 6, 7]"
    )


def test_ag227_sub_goal_with_indicators_of_other_areas_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path, monkeypatch, [(EMP, replace("indicators: [5]", "indicators: [1, 8]"))]
    )
    assert code == 0, stderr
    indicators = line_of(tmp_path, EMP, "    indicators: [1, 8]", after="  - id: voksne-i-job")
    assert lines_of(stderr, "AG227") == (
        f"example/{EMP}:{indicators}:5: warning AG227: sub-goal 'voksne-i-job' "
        "points only toward indicators of other areas: 1 (Uddannelse og livschancer), "
        "8 (Sammenhængskraft og medborgerskab)\n"
        "    hint: the indicators of Beskæftigelse and Kriminalitetsforebyggelse are 4, 5, 6, 7"
    )


def test_ag227_an_indicator_of_a_carried_area_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Crime prevention is carried by employment in the example: indicator 6 is its own.
    code, stderr = run(
        tmp_path, monkeypatch, [(EMP, replace("indicators: [5]", "indicators: [6]"))]
    )
    assert code == 0, stderr
    assert lines_of(stderr, "AG227") == ""


# -- AG228: every responsible party has a role -----------------------------------------------


def test_ag228_responsible_party_without_a_role(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _text(EMP)
    start = text.index("  - party: eksempelby-kommune")
    end = text.index("  - party: eksempelby-boligselskab")
    code, stderr = run(tmp_path, monkeypatch, [(EMP, _put(text[:start] + text[end:]))])
    assert code == 0
    responsible = line_of(
        tmp_path, EMP, "    responsible: eksempelby-kommune", after="  - id: jobkonsulent"
    )
    assert lines_of(stderr, "AG228") == (
        f"example/{EMP}:{responsible}:18: warning AG228: Eksempelby Kommune is "
        "responsible for 'jobkonsulent' but has no entry in roles\n"
        "    hint: add its role under roles: with party: eksempelby-kommune"
    )


# -- AG229: inside the agreement period ------------------------------------------------------


def test_ag229_activity_outside_the_agreement_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (
                EMP,
                replace(
                    "      start: 2026-03-01\n", "      start: 2026-03-01\n      end: 2030-06-30\n"
                ),
            )
        ],
    )
    assert code == 0
    period = line_of(tmp_path, EMP, "    period:", after="  - id: fritidsjob")
    agreement_period = line_of(tmp_path, A, "period:")
    assert lines_of(stderr, "AG229") == (
        f"example/{EMP}:{period}:5: warning AG229: activity 'fritidsjob' runs "
        "from 2026-03-01 to 2030-06-30, outside the agreement period 2026-01-01 to 2029-12-31\n"
        f"example/agreement.yaml:{agreement_period}:1: note: the agreement period"
    )


def test_ag229_delaftale_outside_the_agreement_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (
                EMP,
                replace(
                    "updated: 2025-11-20\n", "updated: 2025-11-20\nperiod:\n  start: 2025-06-01\n"
                ),
            )
        ],
    )
    assert code == 0, stderr
    period = line_of(tmp_path, EMP, "period:")
    agreement_period = line_of(tmp_path, A, "period:")
    assert lines_of(stderr, "AG229") == (
        f"example/sub-agreements/employment.yaml:{period}:1: warning AG229: the delaftale runs "
        "from 2025-06-01 to 2029-12-31, outside the agreement period 2026-01-01 to 2029-12-31\n"
        f"example/agreement.yaml:{agreement_period}:1: note: the agreement period"
    )


# -- the model --------------------------------------------------------------------------------


def test_a_period_that_ends_before_it_starts_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = run(
        tmp_path,
        monkeypatch,
        [
            (
                EMP,
                replace(
                    "      start: 2026-03-01\n", "      start: 2026-03-01\n      end: 2026-01-01\n"
                ),
            )
        ],
    )
    assert code == 1
    period = line_of(tmp_path, EMP, "    period:", after="  - id: fritidsjob")
    assert (
        f"example/{EMP}:{period}:5: error AG107: activities[1].period: "
        "the period must not end before it starts\n"
    ) in stderr


# -- the view ---------------------------------------------------------------------------------


def _employment_view() -> View:
    loaded = load(EXAMPLE)
    document = next(
        d for d, sub in loaded.of_kind(KIND, SubAgreement) if sub.area.value == "employment"
    )
    return view(document, loaded)


def test_the_view_is_named_after_the_area() -> None:
    result = _employment_view()
    assert isinstance(result.document, SimpleDocument)
    assert result.stem == "Delaftale - Beskæftigelse"
    assert result.document.title == "Delaftale for indsatsområdet Beskæftigelse"
    assert result.sources == (EMP, "agreement.yaml")
    assert [s.heading for s in result.document.sections] == [
        "1. Formål for indsatsområdet",
        "2. Delmål for indsatsområdet",
        "3. Målgrupper",
        "4. Aktiviteter under indsatsområdet",
        "5. Ansvars- og rollefordeling",
        "6. Ajourføring",
    ]
    facts = [(f.label, f.value) for f in result.document.facts]
    assert facts[:3] == [
        ("Indsatsområde", "Beskæftigelse"),
        ("Periode", "1. januar 2026 – 31. december 2029"),
        ("Ajourført", "20. november 2025"),
    ]
    assert facts[3] == (
        "Aftalens parter",
        "Afdelingsleder, Jobcenter Eksempelby (Eksempelby Kommune)",
    )
    assert facts[-1] == ("", "Formand, Eksempelby IF")


def test_the_docx_and_html_carry_the_same_text() -> None:
    result = _employment_view()
    docx = docx_sections(render_docx(result.document))
    html = html_sections(render_html(result.document))
    goals = docx["2. Delmål for indsatsområdet"]
    assert "Indikator 4: Andel 15-29-årige, der hverken er i gang med en uddannelse" in goals
    assert "Indikator 5: Andel 18-64-årige, der er uden tilknytning til arbejdsmarked" in goals
    activities = docx["4. Aktiviteter under indsatsområdet"]
    assert (
        "Fritidsjob Aktivitet Fritidsjob Målgruppe Unge på 13-17 år "
        "Ansvarlig Eksempelby Boligselskab" in activities
    )
    assert "Periode 1. marts 2026 – 31. december 2029" in activities
    assert "Delmål 1. Flere unge på 15-29 år er i job eller uddannelse." in activities
    assert (
        "Samarbejdspartnere Den boligsociale helhedsplan Eksempelby IF SSP Eksempelby "
        "Lokale virksomheder" in activities
    )
    assert "CFBU-aktivitetstype Fritidsjob" in activities
    assert docx["6. Ajourføring"].startswith(KEEPING_CURRENT)
    assert (
        "Part Rolle og ansvar Eksempelby Kommune Ansvarlig for jobkonsulenten"
        in docx["5. Ansvars- og rollefordeling"]
    )
    for key, text in docx.items():
        if key != "front":
            assert html[key] == text, key


def test_an_illustrative_delaftale_says_so() -> None:
    loaded = load(ROOT / "agreements" / "viborg")
    document = next(d for d, _ in loaded.of_kind(KIND, SubAgreement))
    result = view(document, loaded)
    assert isinstance(result.document, SimpleDocument)
    assert result.document.notice.startswith("Illustrativt eksempel:")
    assert result.stem.startswith("Delaftale - ")
