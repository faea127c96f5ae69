"""The milestone plan's timeline as a picture: what it shows (rows, bands, the time axis,
each milestone's marker and number, the legend), that all of it is readable, and that it is
drawn without matplotlib."""

from __future__ import annotations

import datetime
import itertools
import math
import re
import struct
from dataclasses import replace

import pytest

from agreementgen.kinds.milestones import KIND
from agreementgen.kinds.milestones import timeline as tl
from agreementgen.kinds.milestones.model import KIND_LABELS, Milestone, MilestoneKind, MilestonePlan
from agreementgen.kinds.milestones.view import view
from agreementgen.text.markdown import Heading
from agreementgen.views.document import DataTable, FigureView, SimpleDocument
from agreementgen.views.drawing import (
    BAND,
    SVG_FONTS,
    WHITE,
    Circle,
    Picture,
    Polygon,
    Rect,
    Text,
    text_width,
)

from .helpers import ROOT, load
from .rulecase import EXAMPLE
from .test_kind_milestones import _chart

VIBORG = ROOT / "agreements" / "viborg"
Box = tuple[float, float, float, float]  # left, top, right, bottom, in points, y downwards


def _texts(picture: Picture, size: float) -> list[Text]:
    return [s for s in picture.shapes if isinstance(s, Text) and s.size == size]


def _box(text: Text) -> Box:
    """Where a text's letters are; digits, as the numbers are, have no descent."""
    width = text_width(text.text, text.size, text.weight, text.italic)
    left = {"start": text.x, "middle": text.x - width / 2, "end": text.x - width}[text.anchor]
    descent = 0.0 if text.text.isdigit() else 0.25 * text.size
    top = text.y - (0.66 if text.text.isdigit() else 0.75) * text.size
    return (left, top, left + width, text.y + descent)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _bands(picture: Picture) -> list[Rect]:
    """The rows' bands: as wide as the time axis, the rows' colours."""
    return [
        s
        for s in picture.shapes
        if isinstance(s, Rect) and s.x == tl.AXES_LEFT_PT and s.fill in (BAND, WHITE)
    ]


def _markers(picture: Picture) -> list[Circle | Polygon]:
    """The milestones' markers, not the legend's (which is under the rows)."""
    bottom = _bands(picture)[-1].y + _bands(picture)[-1].height
    colours = {colour for colour, _ in tl.STYLES.values()}
    return [
        shape
        for shape in picture.shapes
        if isinstance(shape, Circle | Polygon)
        and shape.fill in colours
        and _marker_box(shape)[3] < bottom
    ]


def _middle(marker: Circle | Polygon) -> tuple[float, float]:
    if isinstance(marker, Circle):
        return marker.cx, marker.cy
    xs, ys = zip(*marker.points, strict=True)
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def _marker_box(marker: Circle | Polygon) -> Box:
    if isinstance(marker, Circle):
        return (
            marker.cx - marker.r,
            marker.cy - marker.r,
            marker.cx + marker.r,
            marker.cy + marker.r,
        )
    xs, ys = zip(*marker.points, strict=True)
    return (min(xs), min(ys), max(xs), max(ys))


def _x_of(chart: tl.Chart, day: float) -> float:
    first, last = chart.first.toordinal(), chart.last.toordinal()
    return tl.AXES_LEFT_PT + (day - first) / (last - first) * tl.AXES_WIDTH_PT


def _assert_readable(chart: tl.Chart) -> None:
    """Every milestone's number is shown once, clear of every other text and every marker;
    no text runs off the picture."""
    picture = tl.picture(chart)
    numbers = [t for t in _texts(picture, tl.NUMBER_PT) if t.text.isdigit()]
    assert sorted(int(t.text) for t in numbers) == list(range(1, len(chart.items) + 1))
    markers = _markers(picture)
    assert len(markers) == sum(item.shape != "bar" for item in chart.items)
    texts = [s for s in picture.shapes if isinstance(s, Text)]
    boxes = [_box(t) for t in texts]
    for i, box in enumerate(boxes):
        assert box[0] >= 0 and box[2] <= picture.width, texts[i]
        assert box[1] >= 0 and box[3] <= picture.height, texts[i]
        for j in range(i + 1, len(boxes)):
            assert not _overlap(box, boxes[j]), (texts[i], texts[j])
    for number in numbers:
        for marker in markers:
            assert not _overlap(_box(number), _marker_box(marker)), (number, marker)


def _forty() -> tl.Chart:
    """A plan of 40 milestones that crowd: in two areas, all in the autumn, several on one
    day, of every kind and of every way to give their time."""
    loaded = load(VIBORG)
    (_, plan), *_ = loaded.of_kind(KIND, MilestonePlan)
    areas = ["cross_cutting", "employment"]
    kinds = list(KIND_LABELS)
    milestones = []
    for i in range(40):
        year, month = 2025 + i // 8 % 5, (9, 9, 9, 10, 10, 10, 11, 11)[i % 8]
        ways: list[dict[str, object]] = [
            {"date": f"{year}-{month:02d}-15"},
            {"month": f"{year}-{month:02d}"},
            {"quarter": f"{year}-Q{(month - 1) // 3 + 1}"},
            {"period": {"start": f"{year}-{month:02d}-01", "end": f"{year}-{month:02d}-28"}},
        ]
        when = ways[i % 4]
        milestone = {"id": f"m{i}", "text": "T", "kind": kinds[i % 8], "area": areas[i % 2]}
        milestones.append(Milestone.model_validate({**milestone, **when}))
    crowded = plan.model_copy(update={"milestones": milestones})
    period = loaded.agreement.period
    return tl.chart(
        crowded, loaded.agreement.sections.focus_areas, loaded.pack, period.start, period.end
    )


# -- what it shows -----------------------------------------------------------------------------


def test_every_number_stands_above_its_milestone_at_its_date() -> None:
    chart = _chart(VIBORG)
    picture = tl.picture(chart)
    numbers = {t.text: t for t in _texts(picture, tl.NUMBER_PT)}
    for item in chart.items:
        start, end = item.start.toordinal(), (item.end + datetime.timedelta(days=1)).toordinal()
        day = start if item.shape == "point" else (start + end) / 2
        text = numbers[str(item.number)]
        assert text.x == pytest.approx(_x_of(chart, day)), item
        assert tl.AXES_LEFT_PT <= text.x <= tl.AXES_LEFT_PT + tl.AXES_WIDTH_PT
        assert text.weight == "bold" and text.anchor == "middle"


def test_each_kind_has_its_colour_and_shape() -> None:
    crowded = _forty()  # every kind; as points, each has a marker
    chart = replace(crowded, items=tuple(replace(i, shape="point") for i in crowded.items))
    markers = {_middle(m): m for m in _markers(tl.picture(chart))}
    corners = {"triangle-right": 3, "triangle-down": 3, "square": 4, "diamond": 4}
    corners |= {"pentagon": 5, "star": 10}
    seen = set()
    for item in chart.items:
        if item.shape == "bar":
            continue
        colour, shape = tl.STYLES[item.kind]
        found = [
            m
            for (x, _), m in markers.items()
            if m.fill == colour and abs(x - _x_of(chart, _day(item))) < 0.01
        ]
        assert found, item
        marker = found[0]
        assert marker.stroke == WHITE and marker.stroke_width == 0.5
        if shape == "circle":
            assert isinstance(marker, Circle)
        else:
            assert isinstance(marker, Polygon) and len(marker.points) == corners[shape]
        seen.add(shape)
    assert seen == {shape for _, shape in tl.STYLES.values()}


def _day(item: tl.Item) -> float:
    start, end = item.start.toordinal(), (item.end + datetime.timedelta(days=1)).toordinal()
    return start if item.shape == "point" else (start + end) / 2


def test_a_diamond_stands_on_a_corner_and_a_square_on_a_side() -> None:
    diamond = tl.marker(MilestoneKind.EVALUATION, 10.0, 10.0, 4.0)
    square = tl.marker(MilestoneKind.BOARD, 10.0, 10.0, 4.0)
    assert isinstance(diamond, Polygon) and isinstance(square, Polygon)
    assert (10.0, 10.0 + 4.0 * 0.7071) in diamond.points
    assert (12.0, 12.0) in square.points
    down = tl.marker(MilestoneKind.REPORTING, 10.0, 10.0, 4.0)
    assert isinstance(down, Polygon) and max(down.points, key=lambda p: p[1]) == (10.0, 12.0)


def test_one_band_per_row_its_height_from_its_lanes() -> None:
    chart = _chart(VIBORG)
    bands = _bands(tl.picture(chart))
    assert len(bands) == len(chart.rows)
    assert [b.fill for b in bands] == [BAND, WHITE, BAND, WHITE]
    assert [b.height / tl.UNIT_PT for b in bands] == pytest.approx(
        [max(1.0, n * tl.LANE_HEIGHT + 2 * tl.ROW_PAD) for n in chart.lanes]
    )
    for above, below in itertools.pairwise(bands):
        assert above.y + above.height == pytest.approx(below.y)


def test_the_rows_are_labelled_on_the_left() -> None:
    chart = _chart(VIBORG)
    labels = _texts(tl.picture(chart), tl.LABEL_PT)
    assert [t.text for t in labels] == [
        "Tværgående",
        "Uddannelse og",
        "livschancer",
        "Beskæftigelse",
        "Sammenhængskraft",
        "og medborgerskab",
    ]
    assert all(t.anchor == "end" and t.x < tl.AXES_LEFT_PT for t in labels)


def test_the_months_are_named_in_danish_by_quarter_and_the_years_above() -> None:
    chart = _chart(VIBORG)
    picture = tl.picture(chart)
    months = [t.text for t in _texts(picture, tl.MONTH_PT)]
    assert months[:5] == ["jul", "okt", "jan", "apr", "jul"]
    assert set(months) == {"jan", "apr", "jul", "okt"}
    years = [t.text for t in _texts(picture, tl.YEAR_PT)]
    assert years == ["2025", "2026", "2027", "2028", "2029"]


def test_outside_the_period_is_grey() -> None:
    chart = _chart(VIBORG)
    grey = [s for s in tl.picture(chart).shapes if isinstance(s, Rect) and s.fill == tl.OUTSIDE]
    start = _x_of(chart, chart.start.toordinal())
    end = _x_of(chart, (chart.end + datetime.timedelta(days=1)).toordinal())
    assert [x for g in grey for x in (g.x, g.x + g.width)] == pytest.approx(
        [tl.AXES_LEFT_PT, start, end, tl.AXES_LEFT_PT + tl.AXES_WIDTH_PT]
    )


def test_the_legend_has_the_kinds_in_use_and_the_bars() -> None:
    def legend(chart: tl.Chart) -> list[str]:
        return [t.text for t in _texts(tl.picture(chart), tl.LEGEND_PT)]

    chart = _chart(VIBORG)
    kinds = list(KIND_LABELS.values())
    assert legend(chart) == [*kinds, "Periode", "Måned eller kvartal"]
    closing = MilestoneKind.CLOSING
    fewer = tuple(replace(i, shape="point") for i in chart.items if i.kind is not closing)
    assert legend(replace(chart, items=fewer)) == [k for k in kinds if k != "Afslutning"]


def test_the_same_chart_is_the_same_picture() -> None:
    assert tl.picture(_chart(EXAMPLE)) == tl.picture(_chart(EXAMPLE))
    assert tl.render(_chart(EXAMPLE)) == tl.render(_chart(EXAMPLE))


def test_the_png_is_as_wide_as_the_page_at_200_dpi() -> None:
    png = tl.render(_chart(VIBORG)).png
    width, height = struct.unpack(">II", png[16:24])
    assert abs(width - tl.WIDTH_CM / 2.54 * 200) <= 1
    assert abs(height - tl.picture(_chart(VIBORG)).height / 72 * 200) <= 1


# -- the numbers: the tables are the timeline's key ----------------------------------------------


def test_the_timelines_numbers_are_the_tables_numbers() -> None:
    loaded = load(VIBORG)
    document = next(d for d in loaded.documents if d.kind == KIND)
    content = view(document, loaded).document
    assert isinstance(content, SimpleDocument)
    figure = content.sections[1].blocks[0]
    assert isinstance(figure, FigureView) and figure.drawing is not None
    assert "Nr." in figure.caption
    rows: dict[str, tuple[str, str, str]] = {}  # by the table's number: (year, kind, area)
    year = ""
    for block in content.sections[2].blocks:
        if isinstance(block, DataTable):
            assert block.header[0][0] == "Nr."
            rows.update((row[0], (year, row[3].split("\n")[0], row[4])) for row in block.rows)
        elif isinstance(block, Heading):
            year = "".join(span.text for span in block.spans)
    assert list(rows) == [str(n) for n in range(1, 30)]  # 29 milestones, in the tables' order
    chart = _chart(VIBORG)
    shown = {
        str(item.number): (str(item.start.year), KIND_LABELS[item.kind], chart.rows[item.row])
        for item in chart.items
    }
    assert shown == rows
    assert figure.drawing == tl.render(chart)  # the document shows this chart
    _assert_readable(chart)


def test_forty_milestones_keep_their_numbers_readable() -> None:
    chart = _forty()
    assert len(chart.items) == 40 and max(chart.lanes) >= 3  # they do crowd
    _assert_readable(chart)


def test_the_check_of_the_numbers_finds_an_overlap() -> None:
    """Put all of a crowded row into one lane: the check sees the numbers run into each other."""
    chart = _forty()
    squeezed = replace(chart, items=tuple(replace(i, lane=0) for i in chart.items))
    with pytest.raises(AssertionError):
        _assert_readable(squeezed)


def test_the_legend_fits_on_the_picture_with_the_longest_labels() -> None:
    picture = tl.picture(_forty())
    rows = math.ceil((len(KIND_LABELS) + 2) / tl.LEGEND_COLUMNS)
    legend = _texts(picture, tl.LEGEND_PT)
    assert len({t.y for t in legend}) == rows
    assert max(_box(t)[2] for t in legend) <= picture.width


def test_the_svg_is_set_in_the_documents_font_as_real_text() -> None:
    svg = tl.render(_chart(VIBORG)).svg
    assert set(re.findall(r"font-family: ([^;\"]+)", svg)) == {SVG_FONTS}
    assert ">Sammenhængskraft</text>" in svg and ">Måned eller kvartal</text>" in svg
