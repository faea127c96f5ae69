"""Generate N synthetic but realistic agreement folders for the benchmarks.

Usage: `.venv/bin/python bench/generate.py N OUT [--seed S]` writes OUT/<town>-<nnn>/ for
n = 1..N, each a complete document set patterned on agreements/example/: agreement.yaml with
2-5 parties, 2-20 departments, a board of 2-9 members with its groups, baselines for every
indicator and 1-4 chosen focus areas; a delaftale per chosen area; a budget whose lines name the
delaftaler's activities; a milestone plan with milestones in every year of the period; a
contingency plan; and a board mandate. Some agreements show a picture, some are signed, some use
the 2019 template pack. Agreement n is the same whatever N is, given the seed, and every one
validates with `agreementgen validate --final`. Every name in them is invented.
"""

from __future__ import annotations

import argparse
import datetime
import random
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

ROOT = Path(__file__).resolve().parents[1]
PICTURE = ROOT / "agreements" / "example" / "files" / "kort.png"

AREAS = (
    "education_and_life_chances",
    "employment",
    "crime_prevention",
    "cohesion_and_citizenship",
)
AREA_NAMES = {
    "education_and_life_chances": "Uddannelse og livschancer",
    "employment": "Beskæftigelse",
    "crime_prevention": "Kriminalitetsforebyggelse",
    "cohesion_and_citizenship": "Sammenhængskraft og medborgerskab",
}
INDICATORS = {
    "education_and_life_chances": (1, 2, 3),
    "employment": (4, 5),
    "crime_prevention": (6, 7),
    "cohesion_and_citizenship": (8, 9),
}
PACKS = {
    "lbf-2019-26@2023-11-24": (
        "Landsbyggefondens regulativ af 11. december 2019, revideret per 24. november 2023"
    ),
    "lbf-2019-26@2019-12-11": "Landsbyggefondens regulativ af 11. december 2019",
}
TOWN_START = ("Nør", "Sønder", "Vester", "Øster", "Lille", "Store", "Ny", "Hede", "Skov", "Fjord")
TOWN_END = ("by", "rup", "sted", "havn", "lund", "holm", "borg", "bjerg", "løse", "købing")
STREETS = (
    "Åparken",
    "Fjordhaven",
    "Bakkely",
    "Lindevang",
    "Solbakken",
    "Engparken",
    "Skovgården",
    "Højvang",
    "Kærholm",
    "Søndervang",
    "Birkely",
    "Egeparken",
    "Mosegården",
    "Vibeholm",
    "Rosenhøj",
    "Toftegården",
    "Stjernehusene",
    "Møllevangen",
    "Kildeparken",
    "Nørrebakken",
    "Lærkevej",
    "Tranehaven",
)
HOUSING = ("Boligselskab", "Boligforening", "Andelsboligforening", "Almene Boliger")
PEOPLE = (
    "Anne Holm",
    "Søren Æbelø",
    "Mette Ørsted",
    "Jens Kjær",
    "Hanne Lund",
    "Peter Bach",
    "Lise Dam",
    "Karim Hansen",
    "Fatima Nielsen",
    "Ole Brink",
)
SENTENCES = (
    "Andelen af beboere uden for arbejdsmarkedet er dobbelt så høj som i kommunen.",
    "Mange familier har flyttet til området inden for de seneste fem år.",
    "Beboerne fremhæver det gode naboskab og de grønne arealer.",
    "Der er en høj andel af børn og unge, og mange af dem går i den lokale skole.",
    "Afdelingsbestyrelserne er aktive og samarbejder med helhedsplanens medarbejdere.",
    "Kommunens kernedrift og helhedsplanen arbejder sammen, ikke side om side.",
    "Indsatserne tager afsæt i data og beboernes egne ønsker.",
    "Det, der virker, forankres i driften, før planen slutter.",
    "Foreningslivet er en vigtig samarbejdspartner i arbejdet med børn og unge.",
    "Trygheden er steget, men der er fortsat episoder med uro om aftenen.",
)


def _text(*paragraphs: str) -> LiteralScalarString:
    return LiteralScalarString("\n\n".join(paragraphs) + "\n")


def _prose(rng: random.Random, sentences: int) -> str:
    return "\n".join(rng.sample(SENTENCES, min(sentences, len(SENTENCES))))


def _flow(data: dict[Any, Any]) -> CommentedMap:
    mapping = CommentedMap(data)
    mapping.fa.set_flow_style()
    return mapping


def _slug(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", " ": "-", ".": ""})
    return text.lower().translate(table)


class _Agreement:
    """One generated agreement: its choices, shared by every document of it."""

    def __init__(self, index: int, seed: int) -> None:
        rng = self.rng = random.Random(seed * 1_000_003 + index)
        self.index = index
        self.town = rng.choice(TOWN_START) + rng.choice(TOWN_END)
        self.ident = f"{_slug(self.town)}-{index:03d}"
        self.pack = "lbf-2019-26@2019-12-11" if rng.random() < 0.2 else "lbf-2019-26@2023-11-24"
        year = rng.choice((2025, 2026, 2027))
        month = rng.choice((1, 8))
        self.start = datetime.date(year, month, 1)
        self.end = datetime.date(year + 4, month, 1) - datetime.timedelta(days=1)
        self.years = list(range(self.start.year, self.end.year + 1))
        self.chosen = sorted(rng.sample(AREAS, rng.randint(1, 4)), key=AREAS.index)
        self.picture = rng.random() < 0.3
        self.signed = rng.random() < 0.3
        self._parties()
        self._departments()
        self.activities: dict[str, list[str]] = {}

    def _parties(self) -> None:
        rng = self.rng
        count = rng.randint(2, 5)
        housing = rng.randint(1, min(3, count - 1))
        self.municipality = f"{_slug(self.town)}-kommune"
        self.housing = []
        parties = []
        names = rng.sample(HOUSING, housing)
        for name in names:
            ident = _slug(f"{self.town} {name}")
            self.housing.append(ident)
            parties.append((ident, "housing_organisation", f"{self.town} {name}"))
        parties.append((self.municipality, "municipality", f"{self.town} Kommune"))
        extra = count - housing - 1
        self.police = extra > 0 and rng.random() < 0.7
        if self.police:
            parties.append((f"{_slug(self.town)}-politi", "police", f"Politiet i {self.town}"))
            extra -= 1
        parties += [(f"fond-{n + 1}", "other", f"{self.town} Fonden {n + 1}") for n in range(extra)]
        self.parties = parties

    def _departments(self) -> None:
        rng = self.rng
        count = rng.randint(2, 20)
        names = rng.sample(STREETS, count)
        self.departments = []
        for i, name in enumerate(names):
            owner = self.housing[i % len(self.housing)]
            plan = None
            if rng.random() < 0.2:
                done = self.start + datetime.timedelta(days=rng.randint(200, 1200))
                plan = f"{done.year}-{done.month:02d}"
            self.departments.append(
                {
                    "id": _slug(name),
                    "number": i + 1,
                    "name": name,
                    "owner": owner,
                    "units": rng.randint(24, 900),
                    "plan": plan,
                }
            )

    # -- agreement.yaml ---------------------------------------------------------------------

    def agreement(self) -> dict[str, Any]:
        rng = self.rng
        parties = []
        for ident, kind, name in self.parties:
            signatory: dict[str, Any] = {
                "name": rng.choice(PEOPLE),
                "title": "Kommunaldirektør" if kind == "municipality" else "Direktør",
            }
            if self.signed:
                signatory["date"] = self.start - datetime.timedelta(days=rng.randint(10, 90))
            parties.append({"id": ident, "kind": kind, "name": name, "signatory": signatory})
        departments = []
        for d in self.departments:
            entry: dict[str, Any] = {
                "id": d["id"],
                "number": d["number"],
                "name": d["name"],
                "owner": d["owner"],
                "built": str(rng.randint(1955, 1985)),
                "units": d["units"],
                "building_type": rng.choice(("lejligheder i alment etagebyggeri.", "rækkehuse.")),
            }
            if d["plan"]:
                entry["physical_plan"] = {
                    "description": "Helhedsplan med nye altaner og tilgængelige boliger.",
                    "expected_completion": d["plan"],
                }
            departments.append(entry)
        criteria = len(self.departments) >= 3 and rng.random() < 0.6
        area_body: list[dict[str, Any]] = [
            {
                "text": _text(
                    f"Helhedsplanen omfatter {len(self.departments)} afdelinger med i alt "
                    f"**{sum(d['units'] for d in self.departments)} lejemål**.",
                    "Boligafdelingerne er kendetegnet ved følgende:",
                )
            },
            {"insert": "departments"},
            {"text": _text("### Afdelingerne og kriterierne", _prose(rng, 2))},
        ]
        sections: dict[str, Any] = {"area": {"body": area_body}}
        if criteria:
            area_body.append({"insert": "criteria"})
            sections["area"]["criteria"] = {
                "caption": "Afdelingerne holdt op imod parallelsamfundskriterierne",
                "criteria": [
                    {"id": "residents", "label": "Beboere"},
                    {"id": "outside", "label": "Uden for arb. markedet", "threshold": ">40%"},
                ],
                "rows": [
                    {
                        "department": d["id"],
                        "values": _flow(
                            {
                                "residents": d["units"] * 2,
                                "outside": round(rng.uniform(20, 50), 1),
                            }
                        ),
                    }
                    for d in self.departments[:6]
                ],
                "source": "LBF, beboerdata",
            }
        if self.picture:
            area_body.append(
                {
                    "figure": {
                        "image": "files/kort.png",
                        "caption": f"Afdelingernes placering i {self.town}",
                        "source": f"{self.town} Kommune",
                        "width_cm": 10,
                    }
                }
            )
        sections["vision"] = {"body": [{"text": _text(_prose(rng, 3), _prose(rng, 2))}]}
        sections["organisation"] = {
            "body": [
                {"insert": "board"},
                {"text": _text("Organiseringen ses af diagrammet:")},
                {"insert": "org_chart"},
                {"insert": "board_tasks"},
                {"insert": "subgroups"},
            ]
        }
        sections["interplay"] = {
            "body": [
                {
                    "text": _text(
                        "Helhedsplanen samarbejder med disse aktører:",
                        "| Aktør | Samarbejde |\n|:--|:--|\n"
                        f"| SSP {self.town} | Fælles indsats for unge i risiko |\n"
                        f"| Jobcenter {self.town} | Jobkonsulent med kontortid |",
                    )
                }
            ]
        }
        sections["goals"] = {"baselines": self._baselines()}
        sections["focus_areas"] = self._focus_areas()
        sections["evaluation"] = {"body": [{"text": _text(_prose(rng, 2))}]}
        agreement: dict[str, Any] = {
            "template_pack": self.pack,
            "area_name": f"Den boligsociale helhedsplan, {self.town}",
            "period": {"start": self.start, "end": self.end},
            "parties": parties,
            "departments": departments,
            "board": self._board(),
            "sections": sections,
        }
        return agreement

    def _baselines(self) -> list[dict[str, Any]]:
        rng = self.rng
        baselines = []
        for number in range(1, 10):
            if rng.random() < 0.1:
                baselines.append({"indicator": number, "not_available": "Data ikke tilgængelig"})
                continue
            baselines.append(
                {
                    "indicator": number,
                    "area": [_flow({"value": round(rng.uniform(5, 90), 2)})],
                    "comparison": [_flow({"value": round(rng.uniform(5, 90), 2)})],
                    "year": self.start.year - 1,
                    "source": "LBF Boligsociale Data",
                }
            )
        return baselines

    def _focus_areas(self) -> dict[str, Any]:
        rng = self.rng
        areas: dict[str, Any] = {}
        for key in AREAS:
            if key in self.chosen:
                areas[key] = {
                    "chosen": True,
                    "problem_complex": [
                        {
                            "text": _text(
                                f"### {AREA_NAMES[key]}",
                                f"{rng.uniform(10, 40):.1f} % af beboerne mod "
                                f"{rng.uniform(5, 20):.1f} % i kommunen. " + _prose(rng, 2),
                            )
                        }
                    ],
                }
            elif rng.random() < 0.5:
                areas[key] = {
                    "chosen": False,
                    "problem_complex": [{"text": _text(_prose(rng, 1))}],
                    "cross_cutting_in": list(self.chosen),
                }
        return areas

    def _board(self) -> dict[str, Any]:
        rng = self.rng
        names = {ident: name for ident, _, name in self.parties}
        members = [
            {
                "role": f"Direktør for Børn og Unge i {names[self.municipality]}",
                "party": self.municipality,
                "chair": True,
            }
        ]
        members += [
            {"role": f"Direktør for {names[h]}", "party": h, "chair": i == 0}
            for i, h in enumerate(self.housing)
        ]
        for ident, kind, name in self.parties:
            if kind == "police":
                members.append({"role": f"Lokalpolitichef, {name}", "party": ident})
            elif kind == "other":
                members.append({"role": f"Direktør for {name}", "party": ident})
        for n in range(rng.randint(0, 4)):
            title = ("Beskæftigelseschef", "Skoleleder", "Kulturchef", "Socialdirektør")[n]
            members.append(
                {"role": f"{title} i {names[self.municipality]}", "party": self.municipality}
            )
        tasks = [
            "sikre rammer og retning for helhedsplanen",
            "være ansvarlig for den samlede økonomi og medfinansieringen",
            "følge op på de faste mål to gange om året",
            "ajourføre delaftalerne",
            "godkende beredskabsplanen",
        ]
        return {
            "members": members,
            "secretariat": "Bestyrelsen betjenes af helhedsplanens leder.",
            "tasks": tasks[: rng.randint(3, 5)],
            "subgroups": [
                {
                    "id": "styregruppe",
                    "name": "Styregruppen",
                    "kind": "steering_group",
                    "description": [{"text": _text(_prose(rng, 2))}],
                    "tasks": ["koordinere indsatserne", "forberede bestyrelsens møder"],
                },
                {
                    "id": "sekretariat",
                    "name": "Sekretariatet",
                    "kind": "secretariat",
                    "description": [
                        {"text": _text("Sekretariatet er helhedsplanens medarbejdere.")}
                    ],
                    "tasks": ["varetage den daglige drift af aktiviteterne"],
                },
            ],
        }

    # -- the delaftaler -----------------------------------------------------------------------

    def sub_agreement(self, key: str) -> dict[str, Any]:
        rng = self.rng
        short = key.split("_")[0][:4]
        units = [
            {
                "id": "helhedsplanen",
                "name": "Den boligsociale helhedsplan",
                "title": "Leder",
                "party": self.housing[0],
            },
            {
                "id": "kommunen",
                "name": f"{self.town} Kommune, fagcenter",
                "title": "Leder",
                "party": self.municipality,
            },
            {"id": "forening", "name": f"{self.town} IF", "title": "Formand"},
        ]
        indicators = INDICATORS[key]
        goals = [
            {
                "id": f"{short}-maal-{n + 1}",
                "text": f"Flere beboere opnår det, som indikator {indicator} måler.",
                "indicators": [indicator],
            }
            for n, indicator in enumerate(indicators[: rng.randint(1, len(indicators))])
        ]
        responsible = [self.municipality, self.housing[0]]
        activities = []
        for n in range(rng.randint(1, 4)):
            ident = f"{short}-aktivitet-{n + 1}"
            activities.append(
                {
                    "id": ident,
                    "name": f"{AREA_NAMES[key]}: aktivitet {n + 1}",
                    "description": _text(_prose(rng, 2), _prose(rng, 1)),
                    "target_group": "Beboere i afdelingerne",
                    "responsible": responsible[n % 2],
                    "partners": ["helhedsplanen", "kommunen", "forening"][: rng.randint(1, 3)],
                    "sub_goals": [goals[n % len(goals)]["id"]],
                }
            )
        self.activities[key] = [a["id"] for a in activities]
        return {
            "area": key,
            "updated": self.start - datetime.timedelta(days=30),
            "purpose": [{"text": _text(_prose(rng, 2))}],
            "parties": units,
            "sub_goals": goals,
            "target_groups": ["Børn og unge", "Voksne uden for arbejdsmarkedet"],
            "activities": activities,
            "roles": [
                {"party": party, "role": _text(f"Ansvarlig for sine aktiviteter. {_prose(rng, 1)}")}
                for party in dict.fromkeys([*responsible, *self.housing])
            ],
            "keeping_current": [{"text": _text("Bestyrelsen gennemgår delaftalen hvert år.")}],
        }

    # -- the budget -----------------------------------------------------------------------------

    def budget(self) -> dict[str, Any]:
        rng = self.rng

        def amounts(base: int, local: str, share: float) -> CommentedMap:
            years = CommentedMap()
            for n, year in enumerate(self.years):
                total = base + n * base // 50
                local_part = int(total * share)
                years[year] = _flow({"lbf": total - local_part, local: local_part})
            return years

        lines: list[dict[str, Any]] = [
            {
                "id": "leder",
                "description": "Boligsocial leder",
                "category": "staff",
                "area": "cross_cutting",
                "fte": 1.0,
                "amounts": amounts(560_000, self.housing[0], 0.3),
            },
            {
                "id": "administration",
                "description": "Administration, regnskab og lokaler",
                "category": "administration",
                "area": "cross_cutting",
                "amounts": amounts(100_000, self.housing[-1], 0.4),
            },
            {
                "id": "revision",
                "description": "Revision af det årlige regnskab",
                "category": "audit",
                "area": "cross_cutting",
                "amounts": amounts(25_000, self.municipality, 0.3),
            },
        ]
        for key in self.chosen:
            for n, activity in enumerate(self.activities[key]):
                staff = n == 0
                lines.append(
                    {
                        "id": f"linje-{activity}",
                        "description": f"{'Medarbejder' if staff else 'Aktiviteter'}: {activity}",
                        "category": "staff" if staff else "activities",
                        "area": key,
                        "activities": [activity],
                        **({"fte": 1.0} if staff else {}),
                        "amounts": amounts(
                            rng.randrange(60_000, 450_000, 1_000), self.municipality, 0.35
                        ),
                    }
                )
        return {
            "price_level": f"{self.start.year}-niveau, fremskrevet med 2 % om året",
            "lines": lines,
            "assumptions": [{"text": _text("Lønudgifterne følger overenskomstens niveau.")}],
        }

    # -- the milestone plan ---------------------------------------------------------------------

    def milestones(self) -> dict[str, Any]:
        rng = self.rng
        items: list[dict[str, Any]] = [
            {
                "id": "ansaettelser",
                "period": {
                    "start": self.start - datetime.timedelta(days=90),
                    "end": self.start - datetime.timedelta(days=1),
                },
                "text": "Helhedsplanens leder og medarbejdere ansættes",
                "kind": "preparation",
                "responsible": self.housing[0],
            },
            {
                "id": "opstart",
                "date": self.start,
                "text": "Helhedsplanen starter, og sekretariatet åbner kontor",
                "kind": "start_up",
                "responsible": "sekretariat",
            },
        ]
        for key in self.chosen:
            day = self.start + datetime.timedelta(days=rng.randint(30, 300))
            items.append(
                {
                    "id": f"start-{key.replace('_', '-')}",
                    "date": day,
                    "text": f"Aktiviteterne under {AREA_NAMES[key]} starter",
                    "kind": "activity",
                    "area": key,
                    "activities": self.activities[key][:2],
                    "responsible": self.municipality,
                }
            )
        for year in self.years:
            day = datetime.date(year, 11, 20)
            if self.start <= day <= self.end:
                items.append(
                    {
                        "id": f"aarsplan-{year + 1}",
                        "date": day,
                        "text": f"Bestyrelsen vedtager årsplanen for {year + 1}",
                        "kind": "board",
                        "responsible": "board",
                    }
                )
            report = datetime.date(year, 6, 30)
            if self.start < report <= self.end:
                items.append(
                    {
                        "id": f"indberetning-{year}",
                        "date": report,
                        "text": f"Regnskab og indberetning for {year - 1} sendes til LBF",
                        "kind": "reporting",
                        "responsible": self.housing[0],
                    }
                )
        for department in self.departments:
            plan = department["plan"]
            if plan and self.start <= datetime.date.fromisoformat(f"{plan}-01") <= self.end:
                items.append(
                    {
                        "id": f"plan-{department['id']}",
                        "month": plan,
                        "text": f"{department['name']}s byggefysiske helhedsplan er færdig",
                        "kind": "physical_plan",
                        "department": department["id"],
                        "responsible": department["owner"],
                    }
                )
        middle = self.start + (self.end - self.start) / 2
        items += [
            {
                "id": "midtvejsevaluering",
                "month": f"{middle.year}-{middle.month:02d}",
                "text": "Midtvejsevaluering med beboere og samarbejdspartnere",
                "kind": "evaluation",
                "responsible": "styregruppe",
            },
            {
                "id": "afslutning",
                "date": self.end,
                "text": "Helhedsplanen afsluttes",
                "kind": "closing",
                "responsible": "board",
            },
        ]
        return {
            "intro": [{"text": _text(_prose(rng, 2))}],
            "updated": self.start - datetime.timedelta(days=30),
            "milestones": items,
        }

    # -- the contingency plan and the mandate ---------------------------------------------------

    def contingency(self) -> dict[str, Any]:
        rng = self.rng
        scenarios = [
            {
                "id": f"haendelse-{n + 1}",
                "name": name,
                "trigger": [{"text": _text(f"Planen aktiveres ved {name.lower()}.")}],
                "decides": "Helhedsplanens leder",
                "actions": [
                    "Helhedsplanens leder kontakter politiets vagthavende.",
                    "Beboerne orienteres som beskrevet i afsnittet om kommunikation.",
                ],
                "responsible_function": "Helhedsplanens leder",
                "partners": [f"Politiet i {self.town}", f"SSP {self.town}"],
            }
            for n, name in enumerate(
                rng.sample(
                    ("Uro mellem grupper af unge", "Brand i en afdeling", "Alvorlig hændelse"),
                    rng.randint(1, 3),
                )
            )
        ]
        return {
            "purpose": [{"text": _text(_prose(rng, 1))}],
            "scope": [{"text": _text("Planen gælder alle afdelinger i helhedsplanen.")}],
            "scenarios": scenarios,
            "communication": [{"text": _text("Beboerne informeres med opslag i opgangene.")}],
            "contacts": [
                {"function": "Alarmcentralen", "channel": "112", "hours": "Døgnet rundt"},
                {"function": "Helhedsplanens leder", "channel": "Vagttelefonen"},
            ],
            "follow_up": [{"text": _text("Efter hver aktivering holdes en debriefing.")}],
            "review": "Styregruppen gennemgår planen hvert år.",
            "approved_by_board": self.start - datetime.timedelta(days=30),
        }

    def mandate(self) -> dict[str, Any]:
        rng = self.rng
        return {
            "background": [{"text": _text(f"Parterne har indgået en aftale for {self.town}.")}],
            "purpose": [{"text": _text(_prose(rng, 2))}],
            "secretariat": [{"text": _text("Sekretariatet udsender dagsorden en uge før.")}],
            "meetings": [{"text": _text(f"Bestyrelsen mødes {rng.randint(3, 6)} gange om året.")}],
            "decisions": [{"text": _text("Beslutninger træffes ved enighed.")}],
            "follow_up": [{"text": _text("Bestyrelsen følger op hvert halve år.")}],
            "sub_agreements": [{"text": _text("Bestyrelsen gennemgår delaftalerne hvert år.")}],
            "amendment": [{"text": _text("Kommissoriet kan ændres af bestyrelsen.")}],
            "regulation_reference": PACKS[self.pack],
            "approved": self.start - datetime.timedelta(days=30),
        }


def _dump(data: dict[str, Any], path: Path, yaml: YAML, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(f"# Generated by bench/generate.py (seed {seed}); every name is invented.\n")
        yaml.dump(data, handle)


def generate(count: int, out: Path, *, seed: int = 2025) -> list[Path]:
    """Write agreements 1..`count` into `out`; return their folders."""
    yaml = YAML(typ="rt")
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    folders = []
    for index in range(1, count + 1):
        plan = _Agreement(index, seed)
        folder = out / plan.ident
        if folder.exists():
            shutil.rmtree(folder)
        _dump(plan.agreement(), folder / "agreement.yaml", yaml, seed)
        for key in plan.chosen:
            _dump(plan.sub_agreement(key), folder / "sub-agreements" / f"{key}.yaml", yaml, seed)
        _dump(plan.budget(), folder / "budget.yaml", yaml, seed)
        _dump(plan.milestones(), folder / "milestones.yaml", yaml, seed)
        _dump(plan.contingency(), folder / "contingency-plan.yaml", yaml, seed)
        _dump(plan.mandate(), folder / "board-mandate.yaml", yaml, seed)
        if plan.picture:
            (folder / "files").mkdir()
            shutil.copyfile(PICTURE, folder / "files" / "kort.png")
        folders.append(folder)
    return folders


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and generate."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="how many agreements")
    parser.add_argument("out", type=Path, help="folder to write them into")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    folders = generate(args.count, args.out, seed=args.seed)
    print(f"Wrote {len(folders)} agreements into {args.out}")


if __name__ == "__main__":
    main()
