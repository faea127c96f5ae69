"""The milestone plan's timeline picture: one row per focus area, the whole period across.

Each milestone carries its number in the plan's tables above its marker, so that the tables
are the timeline's key. `chart` lays the milestones out (pure data, no drawing); `render`
draws the chart with matplotlib, saved as PNG for Word and as SVG (real text) for HTML when a
document asks for them. matplotlib is imported inside `render` only, so validating an
agreement never loads it. The output is deterministic: the documents' font from its files, a
fixed SVG id salt and no dates in the files' metadata.
"""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

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
from agreementgen.views.drawing import BAND, INK, MUTED, RULE, Drawing, font

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_CM = 16.0
MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
# Okabe-Ito colours (safe for colour-blind readers) with a distinct shape for each kind.
STYLES: dict[MilestoneKind, tuple[str, str]] = {
    MilestoneKind.PREPARATION: ("#999999", "o"),
    MilestoneKind.START_UP: ("#009E73", ">"),
    MilestoneKind.ACTIVITY: ("#56B4E9", "o"),
    MilestoneKind.EVALUATION: ("#E69F00", "D"),
    MilestoneKind.BOARD: ("#0072B2", "s"),
    MilestoneKind.REPORTING: ("#CC79A7", "v"),
    MilestoneKind.PHYSICAL_PLAN: ("#8C6D31", "p"),
    MilestoneKind.CLOSING: ("#D55E00", "*"),
}
# The figure, in inches but for the axes' share of its width: one unit of a row's height, the
# room above the axes (the years), the axes' left edge and width as fractions of the figure.
UNIT_IN = 0.26
TOP_IN = 0.3
AXES_LEFT, AXES_WIDTH = 0.2, 0.78
AXES_WIDTH_PT = AXES_WIDTH * WIDTH_CM / 2.54 * 72
UNIT_PT = UNIT_IN * 72
LANE_HEIGHT = 0.75  # of a row's height unit: a marker with its number above it
ROW_PAD = 0.19  # of a row's height unit, above and below its lanes
BAR_HEIGHT = 0.34  # of a row's height unit
NUMBER_PT = 6.5  # the size of a milestone's number
DIGIT_EM = 0.53  # the width of a digit of Source Sans Pro Bold, in ems
DIGIT_HEIGHT_EM = 0.66
NUMBER_GAP_PT = 1.2  # between a marker and its number
APART_PT = 2.5  # the least room between two milestones of a lane
AXIS_PAD_DAYS = 20  # the time axis runs this much beyond the period and the milestones
LEGEND_COLUMNS = 4
VAGUE_ALPHA = 0.3  # the opacity of a month's or a quarter's pale bar
TICK_PAD = 3.5  # points between a tick and its label, as matplotlib's ticks have


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
    return 7.5 if STYLES[kind][1] == "*" else 5.5


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
    """Draw the chart, to be saved as PNG for Word and as SVG for HTML."""
    import matplotlib

    settings = {
        "svg.hashsalt": "agreementgen-timeline",
        "svg.fonttype": "none",  # real text in the SVG, as in the organisation diagram
        "axes.edgecolor": RULE,
        "axes.linewidth": 0.6,
    }
    with matplotlib.rc_context(cast(Any, settings)):
        figure = _draw(data)
    return Drawing(
        figure,
        shows=data,
        settings=settings,
        options={
            "png": {"dpi": 200, "metadata": {"Software": None}},
            "svg": {"metadata": {"Date": None}},
        },
    )


def _num(day: datetime.date) -> float:
    """The x coordinate of a day: the axis counts days, and draws its own date labels."""
    return float(day.toordinal())


def _row_positions(lanes: Sequence[int]) -> list[tuple[float, float]]:
    """Each row's (top, bottom) in data units, top row first, y growing upwards."""
    heights = [max(1.0, n * LANE_HEIGHT + 2 * ROW_PAD) for n in lanes]
    total = sum(heights)
    positions = []
    top = total
    for height in heights:
        positions.append((top, top - height))
        top -= height
    return positions


def _draw(data: Chart) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = _row_positions(data.lanes)
    total = rows[0][0] if rows else 1.0
    kinds = [k for k in MilestoneKind if any(i.kind is k for i in data.items)]
    legend_rows = (len(kinds) + len(_extras(data)) + LEGEND_COLUMNS - 1) // LEGEND_COLUMNS
    legend_in = 0.3 + legend_rows * 0.19  # the months' names and the legend
    height_in = TOP_IN + total * UNIT_IN + legend_in
    figure = Figure(figsize=(WIDTH_CM / 2.54, height_in))
    FigureCanvasAgg(figure)
    axes = figure.add_axes(
        (AXES_LEFT, legend_in / height_in, AXES_WIDTH, total * UNIT_IN / height_in)
    )
    left, right = _num(data.first), _num(data.last)
    axes.set_xlim(left, right)
    axes.set_ylim(0, total)
    _background(axes, data, rows, left, right)
    _time_axis(figure, axes, data.first, data.last)
    axes.set_yticks(
        [(top + bottom) / 2 for top, bottom in rows],
        [textwrap.fill(label, 17) for label in data.rows],
        fontproperties=font(8.0),
        color=INK,
    )
    axes.tick_params(axis="y", length=0, pad=6)
    _draw_items(figure, axes, data.items, rows)
    _legend(figure, kinds, data)
    return figure


def _extras(data: Chart) -> list[tuple[str, float]]:
    """The legend's entries besides the kinds: (label, opacity) of the bars in use."""
    shapes = {i.shape for i in data.items}
    extras = [("Periode", 1.0)] if "bar" in shapes else []
    if "vague" in shapes:
        extras.append(("Måned eller kvartal", VAGUE_ALPHA))
    return extras


def _background(
    axes: Axes, data: Chart, rows: Sequence[tuple[float, float]], left: float, right: float
) -> None:
    for index, (top, bottom) in enumerate(rows):
        if index % 2 == 0:
            axes.axhspan(bottom, top, color=BAND, zorder=0, linewidth=0)
    start, end = _num(data.start), _num(data.end + datetime.timedelta(days=1))
    # Outside the agreement period: a grey background, so preparation before the start stands out.
    for a, b in ((left, start), (end, right)):
        if b > a:
            axes.axvspan(a, b, color="#e3e3e3", zorder=0.5, linewidth=0)
    for x in (start, end):
        axes.axvline(x, color=MUTED, linewidth=0.8, linestyle=(0, (3, 2)), zorder=1)


def _time_axis(figure: Figure, axes: Axes, first: datetime.date, last: datetime.date) -> None:
    """Year gridlines with the years on top; a tick for each month on the bottom axis and the
    quarters' first months named.

    The ticks are drawn as markers and the names as texts rather than as matplotlib's tick
    objects, which took two fifths of the time to draw the chart (a few years make 60 of them).
    """
    from matplotlib.markers import TICKDOWN
    from matplotlib.transforms import offset_copy

    months = []
    day = datetime.date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            months.append(day)
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    quarters = [d for d in months if d.month % 3 == 1]
    axes.set_xticks([])
    on_axis = axes.get_xaxis_transform()  # x in days, y in the axes' height
    for chosen, length, width in ((months, 1.5, 0.4), (quarters, 3.0, 0.6)):
        axes.plot(
            [_num(d) for d in chosen],
            [0.0] * len(chosen),
            transform=on_axis,
            marker=TICKDOWN,
            markersize=length,
            markeredgewidth=width,
            color=MUTED,
            linestyle="none",
            clip_on=False,
        )
    below = offset_copy(on_axis, fig=figure, y=-(3.0 + TICK_PAD), units="points")
    for d in quarters:
        axes.text(
            _num(d),
            0.0,
            MONTHS[d.month - 1],
            transform=below,
            ha="center",
            va="top",
            fontproperties=font(7.0),
            color=MUTED,
        )
    for year in range(first.year, last.year + 2):
        start = max(datetime.date(year, 1, 1), first)
        end = min(datetime.date(year, 12, 31), last)
        if datetime.date(year, 1, 1) > first:
            axes.axvline(_num(datetime.date(year, 1, 1)), color=RULE, linewidth=0.7, zorder=1)
        if end >= start and (end - start).days >= 45:
            axes.text(
                (_num(start) + _num(end)) / 2,
                1.01,
                str(year),
                transform=on_axis,
                ha="center",
                va="bottom",
                fontproperties=font(9.0, "bold"),
                color=INK,
            )
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def _draw_items(
    figure: Figure, axes: Axes, items: Sequence[Item], rows: Sequence[tuple[float, float]]
) -> None:
    """Draw the milestones, one call for each kind and shape (a call per milestone made an
    artist per milestone, and the chart twice as slow to draw), then each one's number."""
    from matplotlib.transforms import offset_copy

    for kind in MilestoneKind:
        colour, marker = STYLES[kind]
        mine = [i for i in items if i.kind is kind]
        for shape, alpha, zorder in (("bar", 1.0, 3.0), ("vague", VAGUE_ALPHA, 2.0)):
            spans = [(_y(i, rows), *_span(i)) for i in mine if i.shape == shape]
            if spans:
                ys, starts, ends = zip(*spans, strict=True)
                axes.barh(
                    ys,
                    [end - start for start, end in zip(starts, ends, strict=True)],
                    left=starts,
                    height=BAR_HEIGHT,
                    color=colour,
                    alpha=alpha,
                    zorder=zorder,
                    linewidth=0,
                )
        points = [(_x(i), _y(i, rows)) for i in mine if i.shape != "bar"]
        if points:
            xs, ys = zip(*points, strict=True)
            axes.plot(
                xs,
                ys,
                marker=marker,
                markersize=_marker_pt(kind),
                color=colour,
                markeredgecolor="white",
                markeredgewidth=0.5,
                linestyle="none",
                zorder=4,
            )
    number = font(NUMBER_PT, "bold")
    above = {}  # a transform per distance above the marker's middle, in points
    for item in items:
        high = _marker_pt(item.kind) if item.shape == "point" else BAR_HEIGHT * UNIT_PT
        lift = high / 2 + NUMBER_GAP_PT
        if lift not in above:
            above[lift] = offset_copy(axes.transData, fig=figure, y=lift, units="points")
        axes.text(
            _x(item),
            _y(item, rows),
            str(item.number),
            transform=above[lift],
            ha="center",
            va="baseline",
            fontproperties=number,
            color=INK,
            zorder=5,
        )


def _y(item: Item, rows: Sequence[tuple[float, float]]) -> float:
    """The height of the item's marker or bar: below the middle of its lane, by half of what
    its number above it takes."""
    top, _ = rows[item.row]
    below = (NUMBER_GAP_PT + DIGIT_HEIGHT_EM * NUMBER_PT) / 2 / UNIT_PT
    return top - ROW_PAD - LANE_HEIGHT * (item.lane + 0.5) - below


def _span(item: Item) -> tuple[float, float]:
    """Where the item begins and ends on the time axis, its last day included."""
    return _num(item.start), _num(item.end + datetime.timedelta(days=1))


def _legend(figure: Figure, kinds: Sequence[MilestoneKind], data: Chart) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Line2D | Patch] = [
        Line2D(
            [],
            [],
            marker=STYLES[k][1],
            color=STYLES[k][0],
            linestyle="none",
            markersize=_marker_pt(k) - 0.5,
            markeredgecolor="white",
            markeredgewidth=0.5,
            label=KIND_LABELS[k],
        )
        for k in kinds
    ]
    handles += [Patch(color=MUTED, alpha=alpha, label=label) for label, alpha in _extras(data)]
    if handles:
        figure.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.2, 0.0),
            ncol=LEGEND_COLUMNS,
            frameon=False,
            prop=font(7.5),
            handlelength=1.2,
            columnspacing=1.2,
            borderaxespad=0.2,
        )
