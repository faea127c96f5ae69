"""The organisation diagram: its layout, texts, escaping, sizes and reproducible bytes."""

from __future__ import annotations

import datetime
import io
import itertools
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from agreementgen.source.folder import LoadedAgreement
from agreementgen.source.model import (
    Agreement,
    Board,
    BoardMember,
    FocusArea,
    FocusAreaKey,
    FocusAreas,
    Party,
    PartyKind,
    Subgroup,
    SubgroupKind,
    TextBlock,
)
from agreementgen.views.orgchart import (
    PDF_NAME,
    WIDTH_CM,
    Layout,
    OrgChart,
    draw,
    draw_once,
    layout,
    page,
)
from tests.helpers import ROOT, load, require_tool

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def viborg() -> LoadedAgreement:
    return load(ROOT / "agreements" / "viborg")


@pytest.fixture(scope="module")
def example() -> LoadedAgreement:
    return load(ROOT / "agreements" / "example")


@pytest.fixture(scope="module")
def viborg_chart(viborg: LoadedAgreement) -> OrgChart:
    return draw(viborg.agreement, viborg.pack)


def crowded(agreement: Agreement) -> Agreement:
    """Return `agreement` with the most the diagram is made for: 6 parties, 8 members,
    6 groups under the board, all 4 focus areas, long names and text that looks like markup.
    """
    kinds = [PartyKind.HOUSING_ORGANISATION] * 3 + [
        PartyKind.MUNICIPALITY,
        PartyKind.POLICE,
        PartyKind.OTHER,
    ]
    names = [
        "Boligorganisationen Ærø <&> Østjylland",
        "Boligselskabet Sct. Jørgen",
        "Arbejdernes Andelsboligforening Nordvestjylland",
        "Viborg Kommune",
        "Midt- og Vestjyllands Politi",
        "Kriminalpræventivt Råd",
    ]
    parties = [
        Party(id=f"part-{i}", kind=kind, name=name)
        for i, (kind, name) in enumerate(zip(kinds, names, strict=True))
    ]
    roles = [
        "Direktør for Børn og Unge i Viborg Kommune",
        "Socialchef i Viborg Kommune",
        "Administrerende direktør for Boligorganisationen Ærø <&> Østjylland",
        "Direktør for Boligselskabet Sct. Jørgen",
        "Administrationschef for Arbejdernes Andelsboligforening Nordvestjylland",
        "Beskæftigelseschef i Viborg Kommune",
        "Politiinspektør, Midt- og Vestjyllands Politi",
        "Sekretariatschef, Kriminalpræventivt Råd",
    ]
    members = [
        BoardMember(role=role, party=parties[i % 6].id, chair=i in (0, 2))
        for i, role in enumerate(roles)
    ]
    groups = [
        ("Styregruppen for uddannelse og beskæftigelse", SubgroupKind.STEERING_GROUP),
        ("Følgegruppen Houlkærvænget", SubgroupKind.FOLLOW_UP_GROUP),
        ("Chefgruppen", SubgroupKind.MANAGEMENT_GROUP),
        ("Ad hoc-grupperne", SubgroupKind.AD_HOC_GROUP),
        ("Den Boligsociale helhedsplan/Fællessekretariatet", SubgroupKind.SECRETARIAT),
        ("Beboerrådet $5 & <mere>", SubgroupKind.OTHER),
    ]
    subgroups = [
        Subgroup(id=f"gruppe-{i}", name=name, kind=kind) for i, (name, kind) in enumerate(groups)
    ]
    board = Board(
        members=members,
        secretariat="Bestyrelsen betjenes af en kommunal konsulent i samarbejde med den "
        "boligsociale leder, som forbereder dagsordener, skriver referater, følger op på "
        "beslutningerne og sørger for, at bestyrelsen får de data, den skal bruge.",
        subgroups=subgroups,
    )
    area = FocusArea(chosen=True, problem_complex=[TextBlock(text="Tekst.")])
    areas = FocusAreas(**{key.value: area for key in FocusAreaKey})
    sections = agreement.sections.model_copy(update={"focus_areas": areas})
    return agreement.model_copy(update={"parties": parties, "board": board, "sections": sections})


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def _intersect(a: tuple[float, ...], b: tuple[float, ...], slack: float = 0.0) -> bool:
    return (
        a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
    )


def _inside(inner: tuple[float, ...], outer: tuple[float, ...], slack: float = 0.5) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def _assert_clean(plan: Layout) -> None:
    """No two boxes overlap, every text is inside its box, no line crosses a box."""
    frames = [n for n in plan.nodes if n.kind == "areas"]
    boxes = [n for n in plan.nodes if n.kind != "areas"]
    for a, b in itertools.combinations(boxes, 2):
        assert not _intersect(a.extent, b.extent), (a.kind, a.extent, b.kind, b.extent)
    for frame in frames:
        for box in boxes:
            if box.kind == "area":
                assert _inside(box.extent, frame.extent, slack=0)
            else:
                assert not _intersect(box.extent, frame.extent)
    for node in plan.nodes:
        assert _inside(node.extent, (0, 0, plan.width, plan.height), slack=0), node
        for run in node.texts:
            assert _inside(run.extent, node.extent), (run.text, run.extent, node.extent)
            assert node.kind == "areas" or run.extent[2] <= node.extent[2] - 3, run.text
    for label in plan.labels:
        assert _inside(label.extent, (0, 0, plan.width, plan.height))
        for node in plan.nodes:
            assert not _intersect(label.extent, node.extent), (label.text, node.kind)
    for line in plan.connectors:
        for (x0, y0), (x1, y1) in itertools.pairwise(line.points):
            segment = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            for node in plan.nodes:
                # a line may end on a box's edge, never run through the box
                assert not _intersect(_grow(segment, 0.1), _shrink(node.extent, 0.5)), (
                    line,
                    node.kind,
                )


def _grow(extent: tuple[float, ...], by: float) -> tuple[float, ...]:
    return (extent[0] - by, extent[1] - by, extent[2] + by, extent[3] + by)


def _shrink(extent: tuple[float, ...], by: float) -> tuple[float, ...]:
    return _grow(extent, -by)


def test_viborg_layout_is_clean(viborg: LoadedAgreement) -> None:
    plan = layout(viborg.agreement, viborg.pack)
    _assert_clean(plan)
    kinds = [n.kind for n in plan.nodes]
    assert kinds.count("party") == 3
    assert kinds.count("subgroup") == 3
    assert kinds.count("area") == 3  # Kriminalitetsforebyggelse is not chosen
    assert kinds.count("secretariat") == 1
    assert len(plan.connectors) == 3 + 2 + 1 + 3 + 2  # parties, board, dashed, groups, buses


def test_crowded_layout_is_clean(viborg: LoadedAgreement) -> None:
    plan = layout(crowded(viborg.agreement), viborg.pack)
    _assert_clean(plan)
    kinds = [n.kind for n in plan.nodes]
    assert (kinds.count("party"), kinds.count("subgroup"), kinds.count("area")) == (6, 6, 4)


@pytest.mark.parametrize(
    ("parties", "members", "groups", "areas"),
    [(1, 1, 0, 1), (2, 3, 1, 2), (4, 5, 4, 3), (5, 8, 5, 4), (6, 1, 6, 1)],
)
def test_layout_adapts(
    viborg: LoadedAgreement, parties: int, members: int, groups: int, areas: int
) -> None:
    full = crowded(viborg.agreement)
    assert full.board is not None
    keys = list(FocusAreaKey)
    focus = full.sections.focus_areas.model_copy(update={key.value: None for key in keys[areas:]})
    board = full.board.model_copy(
        update={"members": full.board.members[:members], "subgroups": full.board.subgroups[:groups]}
    )
    agreement = full.model_copy(
        update={
            "parties": full.parties[:parties],
            "board": board,
            "sections": full.sections.model_copy(update={"focus_areas": focus}),
        }
    )
    plan = layout(agreement, viborg.pack)
    _assert_clean(plan)
    kinds = [n.kind for n in plan.nodes]
    assert (kinds.count("party"), kinds.count("subgroup"), kinds.count("area")) == (
        parties,
        groups,
        areas,
    )
    assert 120 < plan.height < 1.5 * plan.width


def test_without_board_or_areas(example: LoadedAgreement) -> None:
    focus = FocusAreas()
    agreement = example.agreement.model_copy(
        update={
            "board": None,
            "sections": example.agreement.sections.model_copy(update={"focus_areas": focus}),
        }
    )
    plan = layout(agreement, example.pack)
    _assert_clean(plan)
    assert [n.kind for n in plan.nodes] == ["party"] * 3 + ["board"]
    assert "Bestyrelsens medlemmer er ikke beskrevet." in [r.text for r in plan.nodes[-1].texts]
    chart = draw(agreement, example.pack)
    ET.fromstring(chart.svg)


def test_svg_has_the_texts(viborg: LoadedAgreement, viborg_chart: OrgChart) -> None:
    texts = _texts(viborg_chart.svg)
    joined = " ".join(texts)
    for party in viborg.agreement.parties:
        assert party.name in texts
    assert "Bestyrelsen" in texts
    assert "Formand:" in texts
    assert "Boligselskabet Sct. Jørgen" in texts  # æøå intact
    assert "Direktør for Børn og Unge i Viborg Kommune" in joined
    assert "Administrationschef for Boligselskabet Sct. Jørgen" in joined
    assert "Sekretariatsbetjening" in texts
    assert "betjener" in texts
    for name in ("Chefgruppen", "Ad Hoc-grupperne", "Chefgruppe", "Ad hoc-gruppe", "Sekretariat"):
        assert name in texts
    assert "Den Boligsociale helhedsplan/Fællessekretariatet" in joined.replace("/ ", "/")
    for area in ("Uddannelse og livschancer", "Beskæftigelse", "Indsatsområder"):
        assert area in texts
    assert "Kriminalitetsforebyggelse" not in texts
    assert "Sammenhængskraft og medborgerskab" in joined
    for kind in ("Boligorganisation", "Kommune", "Aftalens parter"):
        assert kind in texts


def test_user_text_is_escaped(viborg: LoadedAgreement) -> None:
    chart = draw(crowded(viborg.agreement), viborg.pack)
    texts = _texts(chart.svg)  # parses: "<&>" in a name does not break the SVG
    joined = " ".join(texts)
    assert "Boligorganisationen Ærø <&> Østjylland" in joined
    assert "Beboerrådet $5 & <mere>" in joined  # '$' is not mathtext
    assert "&lt;&amp;&gt;" in chart.svg
    for kind in ("Politi", "Anden part", "Styregruppe", "Følgegruppe", "Anden gruppe"):
        assert kind in texts
    assert joined.count("Formand:") == 2
    assert "…" in joined  # the long secretariat text is shortened


def test_example_texts(example: LoadedAgreement) -> None:
    chart = draw(example.agreement, example.pack)
    texts = _texts(chart.svg)
    assert chart.caption == "Organisationsdiagram for Den boligsociale helhedsplan, Eksempelby"
    assert texts.count("Formand:") == 2
    assert {"Styregruppen", "Sekretariatet", "Styregruppe"} <= set(texts)
    assert {"Uddannelse og livschancer", "Beskæftigelse"} <= set(texts)


def test_caption_and_sizes(viborg_chart: OrgChart) -> None:
    assert viborg_chart.caption == "Organisationsdiagram for Den boligsociale helhedsplan, Viborg"
    assert viborg_chart.width_cm == WIDTH_CM == 16.0
    assert PDF_NAME == "Organisationsdiagram.pdf"
    image = Image.open(io.BytesIO(viborg_chart.png))
    assert image.format == "PNG"
    assert image.width == 1600
    assert 600 < image.height < 2000
    assert image.info.get("Software", "").startswith("agreementgen")
    assert b"tIME" not in viborg_chart.png
    assert len(viborg_chart.png) < 600_000
    assert viborg_chart.pdf.startswith(b"%PDF-")
    assert len(viborg_chart.pdf) < 200_000
    assert b"CreationDate" not in viborg_chart.pdf
    root = ET.fromstring(viborg_chart.svg)
    assert root.get("width") == "453.54pt"
    assert root.findtext(f"{SVG}title") == viborg_chart.caption
    assert "'Source Sans Pro', Carlito, Calibri, sans-serif" in viborg_chart.svg
    assert len(viborg_chart.svg) < 200_000


def test_same_input_same_bytes(viborg: LoadedAgreement, viborg_chart: OrgChart) -> None:
    again = draw(viborg.agreement, viborg.pack)
    # Each format is saved when first asked for: asked in another order, the bytes are the same.
    assert (again.pdf, again.svg, again.png) == (
        viborg_chart.pdf,
        viborg_chart.svg,
        viborg_chart.png,
    )
    assert again.caption == viborg_chart.caption


def test_same_bytes_in_a_fresh_process(viborg_chart: OrgChart, tmp_path: Path) -> None:
    """Nothing depends on the process: ids, dates or the font cache."""
    script = (
        "import hashlib, sys\n"
        "from tests.helpers import ROOT, load\n"
        "from agreementgen.views.orgchart import draw\n"
        "loaded = load(ROOT / 'agreements' / 'viborg')\n"
        "chart = draw(loaded.agreement, loaded.pack)\n"
        "for data in (chart.png, chart.svg.encode(), chart.pdf):\n"
        "    print(hashlib.sha256(data).hexdigest())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    import hashlib

    expected = [
        hashlib.sha256(data).hexdigest()
        for data in (viborg_chart.png, viborg_chart.svg.encode(), viborg_chart.pdf)
    ]
    assert result.stdout.split() == expected


def test_area_names_come_from_the_pack(viborg: LoadedAgreement) -> None:
    plan = layout(viborg.agreement, viborg.pack)
    shown = [" ".join(r.text for r in n.texts) for n in plan.nodes if n.kind == "area"]
    chosen = [k for k in FocusAreaKey if k is not FocusAreaKey.CRIME_PREVENTION]
    assert shown == [viborg.pack.area(key).name for key in chosen]


# -- the upload: an A4 page ------------------------------------------------------------------


def _pdf_tool(tool: str, pdf: bytes, tmp_path: Path) -> str:
    """The output of a poppler tool (pdftotext, pdffonts) for `pdf`."""
    path = tmp_path / PDF_NAME
    path.write_bytes(pdf)
    command = [require_tool(tool), *(["-enc", "UTF-8"] if tool == "pdftotext" else [])]
    if tool == "pdftotext":
        command += [str(path), "-"]
    else:
        command.append(str(path))
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _media_boxes(pdf: bytes) -> list[tuple[float, ...]]:
    found = re.findall(rb"/MediaBox\s*\[\s*([-\d.\s]+?)\s*\]", pdf)
    return [tuple(float(n) for n in box.split()) for box in found]


def test_the_upload_is_one_a4_page(viborg_chart: OrgChart) -> None:
    [box] = _media_boxes(viborg_chart.pdf)
    assert box[:2] == (0, 0)
    assert box[2] == pytest.approx(595.28, abs=0.5)  # 21 cm
    assert box[3] == pytest.approx(841.89, abs=0.5)  # 29.7 cm


def test_the_upload_has_title_area_date_and_legend(viborg_chart: OrgChart, tmp_path: Path) -> None:
    text = _pdf_tool("pdftotext", viborg_chart.pdf, tmp_path)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # Viborg is not signed: the date is the start of its period, as on its other documents.
    assert lines[:3] == [
        "Organisationsdiagram",
        "Den boligsociale helhedsplan, Viborg",
        "Dato: 1. august 2025",
    ]
    flowing = " ".join(text.split())
    assert "Boligselskabet Sct. Jørgen" in flowing and "Sekretariatsbetjening" in flowing
    for entry in (
        "Signaturforklaring",
        "En af aftalens parter; partens type står under navnet",
        "Fuld linje: parterne står sammen bag bestyrelsen, og grupperne hører under den",
        "Bestyrelsen og dens medlemmer; formanden er fremhævet",
        "Sekretariatsbetjeningen: hvem der betjener bestyrelsen",
        "Stiplet linje: sekretariatet betjener bestyrelsen",
        "En gruppe under bestyrelsen; gruppens type står over navnet",
        "Et valgt indsatsområde; der er én delaftale for hvert",
    ):
        assert entry in flowing, entry


def test_the_legend_explains_only_what_the_diagram_shows(
    example: LoadedAgreement, tmp_path: Path
) -> None:
    focus = FocusAreas()
    agreement = example.agreement.model_copy(
        update={
            "board": None,
            "sections": example.agreement.sections.model_copy(update={"focus_areas": focus}),
        }
    )
    flowing = " ".join(_pdf_tool("pdftotext", draw(agreement, example.pack).pdf, tmp_path).split())
    assert "En af aftalens parter" in flowing and "Bestyrelsen og dens medlemmer" in flowing
    assert "Fuld linje: parterne står sammen bag bestyrelsen" in flowing
    for absent in (
        "grupperne hører under",
        "formanden",  # no members, so no chair
        "Stiplet linje",
        "Sekretariatsbetjeningen",
        "indsatsområde;",
    ):
        assert absent not in flowing, absent


def test_the_date_is_the_last_signature(viborg: LoadedAgreement, tmp_path: Path) -> None:
    from agreementgen.build.outputs import document_date

    days = [datetime.date(2025, 6, 3), None, datetime.date(2025, 5, 20)]
    parties = [
        p.model_copy(update={"signatory": p.signatory.model_copy(update={"date": day})})
        for p, day in zip(viborg.agreement.parties, days, strict=True)
    ]
    agreement = viborg.agreement.model_copy(update={"parties": parties})
    assert agreement.own_date == document_date(agreement).date() == datetime.date(2025, 6, 3)
    text = _pdf_tool("pdftotext", draw_once(agreement, viborg.pack).pdf, tmp_path)
    assert "Dato: 3. juni 2025" in text
    # Unsigned, the date is the period's start: the cache tells the two apart.
    later = viborg.agreement.model_copy(
        update={
            "period": viborg.agreement.period.model_copy(
                update={"start": datetime.date(2025, 9, 1)}
            )
        }
    )
    assert draw_once(later, viborg.pack).pdf != draw_once(viborg.agreement, viborg.pack).pdf
    assert "Dato: 1. september 2025" in _pdf_tool(
        "pdftotext", draw_once(later, viborg.pack).pdf, tmp_path
    )


def test_a_tall_diagram_is_drawn_smaller_to_fit_its_page(viborg: LoadedAgreement) -> None:
    usual = layout(viborg.agreement, viborg.pack)
    tall = replace(usual, height=1200.0)
    margin = 2 / 2.54 * 72
    for plan in (usual, layout(crowded(viborg.agreement), viborg.pack), tall):
        sheet = page(viborg.agreement, plan)
        right = sheet.left + plan.width * sheet.scale
        bottom = sheet.top + plan.height * sheet.scale
        assert sheet.left == pytest.approx(sheet.width - right)  # centred
        if plan is tall:
            assert sheet.scale < 0.6 and sheet.left > margin
        else:  # as wide as the page's text
            assert sheet.left == pytest.approx(margin) and sheet.scale == pytest.approx(17 / 16)
        legend = [r for r in sheet.sheet.labels if r.y > sheet.top]
        assert legend and min(r.extent[1] for r in legend) > bottom  # the legend is below
        assert max(r.extent[3] for r in legend) <= sheet.height - margin


def test_the_drawings_are_set_in_the_documents_font(viborg_chart: OrgChart, tmp_path: Path) -> None:
    fonts = _pdf_tool("pdffonts", viborg_chart.pdf, tmp_path).splitlines()[2:]
    names = {line.split()[0].partition("+")[2] for line in fonts}
    assert names == {"SourceSansPro-Regular", "SourceSansPro-Bold", "SourceSansPro-It"}
    families = set(re.findall(r"font-family: ([^;\"]+)", viborg_chart.svg))
    assert families == {"'Source Sans Pro', Carlito, Calibri, sans-serif"}
