"""The milestone plan's timeline picture: one row per focus area, the whole period across.

`chart` lays the milestones out (pure data, no drawing); `render` draws the chart with
matplotlib as PNG bytes for Word and an SVG string for HTML. matplotlib is imported inside
`render` only, so validating an agreement never loads it. The output is deterministic: a
fixed font, a fixed SVG id salt and no dates in the files' metadata.
"""

from __future__ import annotations

import datetime
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agreementgen.kinds.milestones.model import (
    CROSS_CUTTING_LABEL,
    KIND_LABELS,
    MilestoneArea,
    MilestoneKind,
    MilestonePlan,
)
from agreementgen.model import FocusAreaKey, FocusAreas
from agreementgen.packs import Pack

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
INK, MUTED, RULE, BAND = "#1d1d1b", "#5a5a5a", "#9aa5ad", "#f1f4f7"
FONT = "DejaVu Sans"
# Two milestones share a lane of their row only if they are this many days apart, so that
# their markers do not overlap; otherwise the row grows by a lane.
MARKER_DAYS = 40
LANE_HEIGHT = 0.62  # of a row's height unit
LEGEND_COLUMNS = 4
VAGUE_ALPHA = 0.3  # the opacity of a month's or a quarter's pale bar


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


def render(data: Chart) -> tuple[bytes, str]:
    """Draw the chart; return it as PNG bytes and as an SVG document."""
    import matplotlib

    with matplotlib.rc_context(
        {
            "font.family": FONT,
            "font.size": 8,
            "svg.hashsalt": "agreementgen-timeline",
            "svg.fonttype": "path",
            "axes.edgecolor": RULE,
            "axes.linewidth": 0.6,
            "text.color": INK,
            "xtick.color": MUTED,
            "ytick.color": INK,
        }
    ):
        figure = _draw(data)
        png = io.BytesIO()
        figure.savefig(png, format="png", dpi=200, metadata={"Software": None})
        svg = io.StringIO()
        figure.savefig(svg, format="svg", metadata={"Date": None})  # text is drawn as paths
    return png.getvalue(), svg.getvalue()


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
    _time_axis(axes, first - pad, last + pad)
    axes.set_yticks(
        [(top + bottom) / 2 for top, bottom in rows],
        [textwrap.fill(label, 17) for label in data.rows],
    )
    axes.tick_params(axis="y", length=0, pad=6)
    for item in data.items:
        _draw_item(axes, item, rows)
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


def _time_axis(axes: Axes, first: datetime.date, last: datetime.date) -> None:
    """Year gridlines with the years on top; quarter months on the bottom axis."""
    months = []
    day = datetime.date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            months.append(day)
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    axes.set_xticks([_num(d) for d in months if d.month % 3 == 1])
    axes.set_xticklabels([MONTHS[d.month - 1] for d in months if d.month % 3 == 1])
    axes.set_xticks([_num(d) for d in months], minor=True)
    axes.tick_params(axis="x", which="major", length=3, width=0.6, labelsize=7)
    axes.tick_params(axis="x", which="minor", length=1.5, width=0.4)
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
                transform=axes.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=9,
                fontweight="bold",
                color=INK,
            )
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def _draw_item(axes: Axes, item: Item, rows: Sequence[tuple[float, float]]) -> None:
    colour, marker = STYLES[item.kind]
    top, _ = rows[item.row]
    y = top - 0.19 - LANE_HEIGHT * (item.lane + 0.5)
    start, end = _num(item.start), _num(item.end + datetime.timedelta(days=1))
    if item.shape == "bar":
        axes.barh(y, end - start, left=start, height=0.34, color=colour, zorder=3, linewidth=0)
        return
    if item.shape == "vague":
        axes.barh(
            y,
            end - start,
            left=start,
            height=0.34,
            color=colour,
            alpha=VAGUE_ALPHA,
            zorder=2,
            linewidth=0,
        )
        x = (start + end) / 2
    else:
        x = _num(item.start)
    size = 7.5 if marker == "*" else 5.5
    axes.plot(
        [x],
        [y],
        marker=marker,
        markersize=size,
        color=colour,
        markeredgecolor="white",
        markeredgewidth=0.5,
        linestyle="none",
        zorder=4,
    )


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
