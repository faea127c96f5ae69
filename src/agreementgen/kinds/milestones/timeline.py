"""The milestone plan's timeline picture: one row per focus area, the whole period across.

Each milestone carries its number in the plan's tables above its marker, so that the tables
are the timeline's key. `chart` lays the milestones out (pure data, no drawing); `picture`
draws the chart as shapes in points (views.drawing), which Word takes as PNG and HTML as SVG.
Drawing it so costs no plotting library, and two pictures of the same chart are equal.
"""

from __future__ import annotations

import datetime
import math
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from agreementgen.kinds.milestones.model import (
    CROSS_CUTTING_LABEL,
    KIND_LABELS,
    Milestone,
    MilestoneArea,
    MilestoneKind,
    MilestonePlan,
)
from agreementgen.source.model import FocusAreaKey, FocusAreas
from agreementgen.source.packs import Pack
from agreementgen.views.drawing import (
    BAND,
    MUTED,
    RULE,
    WHITE,
    Circle,
    Line,
    Picture,
    Polygon,
    Rect,
    Shape,
    Text,
    text_width,
)
from agreementgen.views.picture_files import Drawing

WIDTH_CM = 16.0
TITLE = "Tidslinje: milepæle pr. indsatsområde"
MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
# Okabe-Ito colours (safe for colour-blind readers) with a distinct shape for each kind.
STYLES: dict[MilestoneKind, tuple[str, str]] = {
    MilestoneKind.PREPARATION: ("#999999", "circle"),
    MilestoneKind.START_UP: ("#009E73", "triangle-right"),
    MilestoneKind.ACTIVITY: ("#56B4E9", "circle"),
    MilestoneKind.EVALUATION: ("#E69F00", "diamond"),
    MilestoneKind.BOARD: ("#0072B2", "square"),
    MilestoneKind.REPORTING: ("#CC79A7", "triangle-down"),
    MilestoneKind.PHYSICAL_PLAN: ("#8C6D31", "pentagon"),
    MilestoneKind.CLOSING: ("#D55E00", "star"),
}
# The page's width, and the time axis's left edge and width in it; one unit of a row's
# height and the room above the rows (the years), all in points.
WIDTH_PT = WIDTH_CM / 2.54 * 72
AXES_LEFT_PT = 0.2 * WIDTH_PT
AXES_WIDTH_PT = 0.78 * WIDTH_PT
UNIT_PT = 0.26 * 72
TOP_PT = 0.3 * 72
LANE_HEIGHT = 0.75  # of a row's height unit: a marker with its number above it
ROW_PAD = 0.19  # of a row's height unit, above and below its lanes
BAR_HEIGHT = 0.34  # of a row's height unit
NUMBER_PT = 6.5  # the size of a milestone's number
DIGIT_EM = 0.53  # the width of a digit of Source Sans Pro Bold, in ems
DIGIT_HEIGHT_EM = 0.66
NUMBER_GAP_PT = 1.2  # between a marker and its number
APART_PT = 2.5  # the least room between two milestones of a lane
AXIS_PAD_DAYS = 20  # the time axis runs this much beyond the period and the milestones
OUTSIDE = "#E3E3E3"  # the background outside the agreement period
EDGE_PT = 0.5  # the white edge around a marker
VAGUE_ALPHA = 0.3  # the opacity of a month's or a quarter's pale bar
LABEL_PT = 8.0  # the rows' labels
LABEL_PAD_PT = 6.0  # between a row's label and the time axis
LABEL_WRAP = 17  # characters on a line of a row's label
LINE_EM = 1.2  # the distance between a label's lines, in ems
MONTH_PT = 7.0
YEAR_PT = 9.0
YEAR_GAP_PT = 3.5  # between a year's name and the rows under it
MONTH_TICK_PT, QUARTER_TICK_PT = 1.5, 3.0
TICK_PAD_PT = 3.5  # between a quarter's tick and its name
CAP_EM = 0.66  # the height of a capital or a digit above the baseline, in ems
LEGEND_PT = 7.5
LEGEND_COLUMNS = 4
# The legend's rows, the first at its top: the picture keeps 0.19 inches for each row and
# 0.3 inches for the months' names, as it has since it was first drawn, so that its height on
# a Word page stays; the rows sit at the bottom, 1.5 ems apart.
LEGEND_ROW_ROOM_PT = 0.19 * 72
LEGEND_ROOM_PT = 0.3 * 72
LEGEND_PITCH_PT = 1.5 * LEGEND_PT
LEGEND_BOTTOM_PT = 9.5  # from the picture's bottom to the middle of the last row
SWATCH_PT = (1.2 * LEGEND_PT, 0.7 * LEGEND_PT)  # a bar's sample in the legend: width, height
SWATCH_GAP_PT = 0.8 * LEGEND_PT  # between a sample and its label
COLUMN_GAP_PT = 1.2 * LEGEND_PT
PNG_DPI = 200


@dataclass(frozen=True)
class Item:
    """One milestone on the chart: a point (a day), a bar (a period) or a vague time (a
    month or quarter, drawn as a pale bar with the marker in its middle); `number` is its
    number in the plan's tables."""

    row: int
    lane: int
    start: datetime.date
    end: datetime.date
    kind: MilestoneKind
    shape: str  # "point", "bar" or "vague"
    number: int


@dataclass(frozen=True)
class Chart:
    """The rows (area labels, top to bottom), their lane counts, the items, the period and the
    days the time axis shows (`first` to `last`)."""

    rows: tuple[str, ...]
    lanes: tuple[int, ...]
    items: tuple[Item, ...]
    start: datetime.date
    end: datetime.date
    first: datetime.date
    last: datetime.date


def in_order(milestones: Sequence[Milestone]) -> list[Milestone]:
    """The milestones in time order, as the plan's tables list them and number them from 1;
    milestones of the same time keep the plan's order."""
    return sorted(milestones, key=lambda m: m.span)


def chart(
    plan: MilestonePlan,
    focus_areas: FocusAreas,
    pack: Pack,
    period_start: datetime.date,
    period_end: datetime.date,
) -> Chart:
    """Lay out the plan: a row for cross-cutting milestones, then one per chosen area and
    per other area that has milestones, in the template's order.

    Two milestones share a lane of their row only where neither's marker, number or bar
    reaches the other's; otherwise the row grows by a lane.
    """
    used = {m.area for m in plan.milestones}
    areas = [MilestoneArea.CROSS_CUTTING] + [
        MilestoneArea(key.value)
        for key in FocusAreaKey
        if MilestoneArea(key.value) in used
        or ((area := getattr(focus_areas, key.value)) is not None and area.chosen)
    ]
    labels = tuple(
        CROSS_CUTTING_LABEL if a.focus_area is None else pack.area(a.focus_area).name for a in areas
    )
    ordered = in_order(plan.milestones)
    pad = datetime.timedelta(days=AXIS_PAD_DAYS)
    first = min([period_start, *(m.span[0] for m in ordered)]) - pad
    last = max([period_end, *(m.span[1] for m in ordered)]) + pad
    days_per_pt = (_num(last) - _num(first)) / AXES_WIDTH_PT
    items: list[Item] = []
    lanes: list[int] = []
    for row, area in enumerate(areas):
        ends: list[float] = []  # per lane: the right edge of what it holds, in days
        for number, milestone in enumerate(ordered, start=1):
            if milestone.area is not area:
                continue
            start, end = milestone.span
            shape = "point" if milestone.date else "bar" if milestone.period else "vague"
            item = Item(row, 0, start, end, milestone.kind, shape, number)
            left, right = _reach(item, days_per_pt)
            apart = APART_PT * days_per_pt
            lane = next((i for i, edge in enumerate(ends) if edge + apart <= left), len(ends))
            if lane == len(ends):
                ends.append(right)
            else:
                ends[lane] = right
            items.append(replace(item, lane=lane))
        lanes.append(max(1, len(ends)))
    return Chart(labels, tuple(lanes), tuple(items), period_start, period_end, first, last)


def _marker_pt(kind: MilestoneKind) -> float:
    """The size of a kind's marker, in points: the star is drawn larger to look as large."""
    return 7.5 if STYLES[kind][1] == "star" else 5.5


def _x(item: Item) -> float:
    """Where the item's marker, or the middle of its bar, is on the time axis."""
    return _num(item.start) if item.shape == "point" else sum(_span(item)) / 2


def _reach(item: Item, days_per_pt: float) -> tuple[float, float]:
    """The days from the left to the right edge of the item's marker, number and bar."""
    digits = len(str(item.number))
    half = max(_marker_pt(item.kind), digits * DIGIT_EM * NUMBER_PT) / 2 * days_per_pt
    left, right = _span(item) if item.shape != "point" else (_x(item), _x(item))
    return min(left, _x(item) - half), max(right, _x(item) + half)


def render(data: Chart) -> Drawing:
    """The chart's picture, to be saved as PNG for Word and as SVG for HTML."""
    return Drawing(picture(data), dpi=PNG_DPI)


def picture(data: Chart) -> Picture:
    """Draw the chart: rows and their bands, the time axis, the milestones, the legend."""
    frame = _Frame.of(data)
    legend = _legend_entries(data)
    rows = math.ceil(len(legend) / LEGEND_COLUMNS)
    height = frame.bottom + LEGEND_ROOM_PT + rows * LEGEND_ROW_ROOM_PT
    shapes = [
        *_background(data, frame),
        *_time_axis(frame),
        *_row_labels(data.rows, frame),
        *_items(data.items, frame),
        *_legend(legend, height),
    ]
    return Picture(WIDTH_PT, height, tuple(shapes), title=TITLE)


@dataclass(frozen=True)
class _Frame:
    """Where the chart goes on the picture: the days at the time axis's two ends and each
    row's top and bottom, in points downwards."""

    first: float
    last: float
    rows: tuple[tuple[float, float], ...]

    @staticmethod
    def of(data: Chart) -> _Frame:
        heights = [max(1.0, n * LANE_HEIGHT + 2 * ROW_PAD) * UNIT_PT for n in data.lanes]
        tops = [TOP_PT + sum(heights[:i]) for i in range(len(heights))]
        rows = tuple((top, top + height) for top, height in zip(tops, heights, strict=True))
        return _Frame(_num(data.first), _num(data.last), rows)

    @property
    def top(self) -> float:
        return self.rows[0][0]

    @property
    def bottom(self) -> float:
        return self.rows[-1][1]

    def x(self, day: float) -> float:
        """Where a day (as `_num` counts it) is across the picture."""
        share = (day - self.first) / (self.last - self.first)
        return AXES_LEFT_PT + share * AXES_WIDTH_PT

    def y(self, item: Item) -> float:
        """The middle of the item's marker or bar: below the middle of its lane, by half of
        what its number above it takes."""
        top, _ = self.rows[item.row]
        below = (NUMBER_GAP_PT + DIGIT_HEIGHT_EM * NUMBER_PT) / 2
        return top + (ROW_PAD + LANE_HEIGHT * (item.lane + 0.5)) * UNIT_PT + below


def _background(data: Chart, frame: _Frame) -> Iterator[Shape]:
    """A band for each row, alternately tinted; grey outside the agreement period, its ends
    dashed; a line at each new year."""
    for index, (top, bottom) in enumerate(frame.rows):
        fill = BAND if index % 2 == 0 else WHITE
        yield Rect(AXES_LEFT_PT, top, AXES_WIDTH_PT, bottom - top, fill)
    start = frame.x(_num(data.start))
    end = frame.x(_num(data.end + datetime.timedelta(days=1)))
    right = AXES_LEFT_PT + AXES_WIDTH_PT
    # Outside the agreement period: a grey background, so preparation before the start stands out.
    for a, b in ((AXES_LEFT_PT, start), (end, right)):
        if b > a:
            yield Rect(a, frame.top, b - a, frame.bottom - frame.top, OUTSIDE)
    for year in range(data.first.year + 1, data.last.year + 1):
        x = frame.x(_num(datetime.date(year, 1, 1)))
        yield Line(((x, frame.top), (x, frame.bottom)), RULE, 0.7)
    for x in (start, end):
        yield Line(((x, frame.top), (x, frame.bottom)), MUTED, 0.8, dash=(2.4, 1.6))


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months the time axis shows."""
    months = []
    day = datetime.date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            months.append(day)
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def _time_axis(frame: _Frame) -> Iterator[Shape]:
    """The axis under the rows, a tick for each month and the quarters' first months named;
    the years above the rows."""
    first, last = (datetime.date.fromordinal(int(day)) for day in (frame.first, frame.last))
    bottom = frame.bottom
    yield Line(((AXES_LEFT_PT, bottom), (AXES_LEFT_PT + AXES_WIDTH_PT, bottom)), RULE, 0.6)
    for day in _months(first, last):
        x = frame.x(_num(day))
        if day.month % 3 == 1:
            yield Line(((x, bottom), (x, bottom + QUARTER_TICK_PT)), MUTED, 0.6)
            baseline = bottom + QUARTER_TICK_PT + TICK_PAD_PT + CAP_EM * MONTH_PT
            yield Text(x, baseline, MONTHS[day.month - 1], MONTH_PT, color=MUTED, anchor="middle")
        else:
            yield Line(((x, bottom), (x, bottom + MONTH_TICK_PT)), MUTED, 0.4)
    for year in range(first.year, last.year + 1):
        start = max(datetime.date(year, 1, 1), first)
        end = min(datetime.date(year, 12, 31), last)
        if (end - start).days >= 45:  # room for the year's name
            x = (frame.x(_num(start)) + frame.x(_num(end))) / 2
            yield Text(x, frame.top - YEAR_GAP_PT, str(year), YEAR_PT, "bold", anchor="middle")


def _row_labels(labels: Sequence[str], frame: _Frame) -> Iterator[Text]:
    """Each row's label left of the axis, wrapped and centred on the row's height."""
    line = LINE_EM * LABEL_PT
    x = AXES_LEFT_PT - LABEL_PAD_PT
    for label, (top, bottom) in zip(labels, frame.rows, strict=True):
        lines = textwrap.wrap(label, LABEL_WRAP)
        first = (top + bottom) / 2 - (len(lines) - 1) * line / 2 + CAP_EM * LABEL_PT / 2
        for index, text in enumerate(lines):
            yield Text(x, first + index * line, text, LABEL_PT, anchor="end")


def _items(items: Sequence[Item], frame: _Frame) -> Iterator[Shape]:
    """The pale bars, the bars, the markers and then the numbers above them, so that
    nothing covers a marker or a number."""
    height = BAR_HEIGHT * UNIT_PT
    for shape, opacity in (("vague", VAGUE_ALPHA), ("bar", 1.0)):
        for item in items:
            if item.shape == shape:
                left, right = (frame.x(day) for day in _span(item))
                top = frame.y(item) - height / 2
                yield Rect(left, top, right - left, height, STYLES[item.kind][0], opacity=opacity)
    for item in items:
        if item.shape != "bar":
            yield marker(item.kind, frame.x(_x(item)), frame.y(item), _marker_pt(item.kind))
    for item in items:
        high = _marker_pt(item.kind) if item.shape == "point" else height
        baseline = frame.y(item) - high / 2 - NUMBER_GAP_PT
        yield Text(
            frame.x(_x(item)), baseline, str(item.number), NUMBER_PT, "bold", anchor="middle"
        )


_STAR_INNER = 0.381966  # the inner corners' distance from the middle, of the outer corners'


def _corners(count: int, radius: float, inner: float | None = None) -> list[tuple[float, float]]:
    """A regular polygon's corners (a star's, with `inner`), the first straight up."""
    steps = count * 2 if inner is not None else count
    points = []
    for step in range(steps):
        angle = 2 * math.pi * step / steps
        r = radius * (inner if inner is not None and step % 2 else 1.0)
        points.append((r * math.sin(angle), -r * math.cos(angle)))
    return points


# Each marker's outline around its middle, for a marker one point across (y downwards).
_OUTLINES: dict[str, list[tuple[float, float]]] = {
    "square": [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)],
    "diamond": [(0.0, -0.7071), (0.7071, 0.0), (0.0, 0.7071), (-0.7071, 0.0)],
    "triangle-right": [(0.5, 0.0), (-0.5, -0.5), (-0.5, 0.5)],
    "triangle-down": [(0.0, 0.5), (-0.5, -0.5), (0.5, -0.5)],
    "pentagon": _corners(5, 0.5),
    "star": _corners(5, 0.5, _STAR_INNER),
}


def marker(kind: MilestoneKind, x: float, y: float, size: float) -> Circle | Polygon:
    """The kind's marker, `size` points across, its middle at (x, y), with a white edge."""
    colour, shape = STYLES[kind]
    if shape == "circle":
        return Circle(x, y, size / 2, colour, stroke=WHITE, stroke_width=EDGE_PT)
    points = tuple((x + dx * size, y + dy * size) for dx, dy in _OUTLINES[shape])
    return Polygon(points, colour, stroke=WHITE, stroke_width=EDGE_PT)


@dataclass(frozen=True)
class _Entry:
    """One entry of the legend: a kind's marker, or a sample of a bar of this opacity."""

    label: str
    kind: MilestoneKind | None = None
    opacity: float = 1.0


def _legend_entries(data: Chart) -> list[_Entry]:
    """The kinds in use, then the bars in use."""
    kinds = [
        _Entry(KIND_LABELS[k], k) for k in MilestoneKind if any(i.kind is k for i in data.items)
    ]
    shapes = {i.shape for i in data.items}
    bars = [_Entry("Periode")] if "bar" in shapes else []
    if "vague" in shapes:
        bars.append(_Entry("Måned eller kvartal", opacity=VAGUE_ALPHA))
    return kinds + bars


def _legend(entries: Sequence[_Entry], height: float) -> Iterator[Shape]:
    """The legend under the chart, its entries down the columns in turn, each column as wide
    as its widest label."""
    rows = math.ceil(len(entries) / LEGEND_COLUMNS)
    left = AXES_LEFT_PT + 0.6 * LEGEND_PT
    taken = 0
    for column in range(LEGEND_COLUMNS):
        # As many entries in each column, the first columns taking one more of what is left.
        count = len(entries) // LEGEND_COLUMNS + (column < len(entries) % LEGEND_COLUMNS)
        mine = entries[taken : taken + count]
        taken += count
        for row, entry in enumerate(mine):
            middle = height - LEGEND_BOTTOM_PT - (rows - 1 - row) * LEGEND_PITCH_PT
            centre = left + SWATCH_PT[0] / 2
            if entry.kind is not None:
                yield marker(entry.kind, centre, middle, _marker_pt(entry.kind) - 0.5)
            else:
                width, high = SWATCH_PT
                yield Rect(left, middle - high / 2, width, high, MUTED, opacity=entry.opacity)
            x = left + SWATCH_PT[0] + SWATCH_GAP_PT
            yield Text(x, middle + CAP_EM * LEGEND_PT / 2, entry.label, LEGEND_PT)
        widest = max((text_width(e.label, LEGEND_PT) for e in mine), default=0.0)
        left += SWATCH_PT[0] + SWATCH_GAP_PT + widest + COLUMN_GAP_PT


def _num(day: datetime.date) -> float:
    """A day as a number of days, to measure the time axis by."""
    return float(day.toordinal())


def _span(item: Item) -> tuple[float, float]:
    """Where the item begins and ends on the time axis, its last day included."""
    return _num(item.start), _num(item.end + datetime.timedelta(days=1))
