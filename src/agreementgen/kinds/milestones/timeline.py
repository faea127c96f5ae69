"""The milestone plan's timeline picture: one row per focus area, the whole period across.

`chart` lays the milestones out (pure data, no drawing); `render` draws the chart with
matplotlib, saved as PNG for Word and as SVG for HTML when a document asks for them.
matplotlib is imported inside `render` only, so validating an agreement never loads it. The
output is deterministic: a fixed font, a fixed SVG id salt and no dates in the files' metadata.
"""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from agreementgen.kinds.milestones.model import (
    CROSS_CUTTING_LABEL,
    KIND_LABELS,
    MilestoneArea,
    MilestoneKind,
    MilestonePlan,
)
from agreementgen.source.model import FocusAreaKey, FocusAreas
from agreementgen.source.packs import Pack
from agreementgen.views.drawing import BAND, INK, MUTED, RULE, Drawing

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
FONT = "DejaVu Sans"
# Two milestones share a lane of their row only if they are this many days apart, so that
# their markers do not overlap; otherwise the row grows by a lane.
MARKER_DAYS = 40
LANE_HEIGHT = 0.62  # of a row's height unit
LEGEND_COLUMNS = 4
VAGUE_ALPHA = 0.3  # the opacity of a month's or a quarter's pale bar
TICK_PAD = 3.5  # points between a tick and its label, as matplotlib's ticks have


@dataclass(frozen=True)
class Item:
    """One milestone on the chart: a point (a day), a bar (a period) or a vague time (a
    month or quarter, drawn as a pale bar with the marker in its middle)."""

    row: int
    lane: int
    start: datetime.date
    end: datetime.date
    kind: MilestoneKind
    shape: str  # "point", "bar" or "vague"


@dataclass(frozen=True)
class Chart:
    """The rows (area labels, top to bottom), their lane counts, the items and the period."""

    rows: tuple[str, ...]
    lanes: tuple[int, ...]
    items: tuple[Item, ...]
    start: datetime.date
    end: datetime.date


def chart(
    plan: MilestonePlan,
    focus_areas: FocusAreas,
    pack: Pack,
    period_start: datetime.date,
    period_end: datetime.date,
) -> Chart:
    """Lay out the plan: a row for cross-cutting milestones, then one per chosen area and
    per other area that has milestones, in the template's order."""
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
    items: list[Item] = []
    lanes: list[int] = []
    for row, area in enumerate(areas):
        ends: list[datetime.date] = []  # per lane: the last day taken
        for milestone in sorted(
            (m for m in plan.milestones if m.area is area), key=lambda m: m.span
        ):
            start, end = milestone.span
            shape = "point" if milestone.date else "bar" if milestone.period else "vague"
            pad = datetime.timedelta(days=MARKER_DAYS // 2)
            lane = next((i for i, last in enumerate(ends) if last < start - pad), len(ends))
            taken = max(end, start + pad)
            if lane == len(ends):
                ends.append(taken)
            else:
                ends[lane] = taken
            items.append(Item(row, lane, start, end, milestone.kind, shape))
        lanes.append(max(1, len(ends)))
    return Chart(labels, tuple(lanes), tuple(items), period_start, period_end)


def render(data: Chart) -> Drawing:
    """Draw the chart, to be saved as PNG for Word and as SVG for HTML."""
    import matplotlib

    settings = {
        "font.family": FONT,
        "font.size": 8,
        "svg.hashsalt": "agreementgen-timeline",
        "svg.fonttype": "path",  # text is drawn as paths
        "axes.edgecolor": RULE,
        "axes.linewidth": 0.6,
        "text.color": INK,
        "xtick.color": MUTED,
        "ytick.color": INK,
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
    heights = [max(1.0, n * LANE_HEIGHT + 0.38) for n in lanes]
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
    height_in = 0.55 + total * 0.26 + 0.2 + legend_rows * 0.19
    figure = Figure(figsize=(WIDTH_CM / 2.54, height_in))
    FigureCanvasAgg(figure)
    legend_in = 0.25 + legend_rows * 0.19
    axes = figure.add_axes((0.2, legend_in / height_in, 0.78, 1 - (legend_in + 0.3) / height_in))
    first = min([data.start, *(i.start for i in data.items)])
    last = max([data.end, *(i.end for i in data.items)])
    pad = datetime.timedelta(days=20)
    left, right = _num(first - pad), _num(last + pad)
    axes.set_xlim(left, right)
    axes.set_ylim(0, total)
    _background(axes, data, rows, left, right)
    _time_axis(figure, axes, first - pad, last + pad)
    axes.set_yticks(
        [(top + bottom) / 2 for top, bottom in rows],
        [textwrap.fill(label, 17) for label in data.rows],
    )
    axes.tick_params(axis="y", length=0, pad=6)
    _draw_items(axes, data.items, rows)
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
            fontsize=7,
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
                fontsize=9,
                fontweight="bold",
                color=INK,
            )
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def _draw_items(axes: Axes, items: Sequence[Item], rows: Sequence[tuple[float, float]]) -> None:
    """Draw the milestones, one call for each kind and shape: a call per milestone made an
    artist per milestone, and the chart twice as slow to draw."""
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
                    height=0.34,
                    color=colour,
                    alpha=alpha,
                    zorder=zorder,
                    linewidth=0,
                )
        points = [
            (sum(_span(i)) / 2 if i.shape == "vague" else _num(i.start), _y(i, rows))
            for i in mine
            if i.shape != "bar"
        ]
        if points:
            xs, ys = zip(*points, strict=True)
            axes.plot(
                xs,
                ys,
                marker=marker,
                markersize=7.5 if marker == "*" else 5.5,
                color=colour,
                markeredgecolor="white",
                markeredgewidth=0.5,
                linestyle="none",
                zorder=4,
            )


def _y(item: Item, rows: Sequence[tuple[float, float]]) -> float:
    """The middle of the item's lane."""
    top, _ = rows[item.row]
    return top - 0.19 - LANE_HEIGHT * (item.lane + 0.5)


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
            markersize=7 if STYLES[k][1] == "*" else 5,
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
            fontsize=7.5,
            handlelength=1.2,
            columnspacing=1.2,
            borderaxespad=0.2,
        )
