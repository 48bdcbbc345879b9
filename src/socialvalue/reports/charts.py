"""Accessible charts drawn with matplotlib's Figure API: SVG for screen and PDF, PNG for Word.

Every chart has a title, alt text (written from its data when not given), a colour-blind-safe
palette (Okabe and Ito) with hatching as a second cue where series sit side by side, and its data
as a `Table`, which screen readers, Excel and CSV get instead of the picture.

    from socialvalue.reports import charts
    chart = charts.bar("Value by theme", ["Jobs", "Health"], [120_000, 80_000], kind="money")
    chart.svg()   # str, text kept as text
    chart.png()   # bytes, 200 dpi
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from socialvalue.reports.document import Column, Kind, Table
from socialvalue.reports.formatting import format_value, number, percent, short_money

#: Okabe & Ito (2008), safe for the common colour-vision deficiencies; yellow last (low contrast).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
#: A second cue beside colour for series drawn side by side or stacked. Line patterns first:
#: dotted ones make SVGs four times larger and slow to lay out in a PDF.
HATCHES = ("", "//", "\\\\", "xx", "--", "||", "++", "..")
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"
FONT = "DejaVu Sans"
WIDTH_INCHES = 7.5

_RC = {
    "svg.fonttype": "none",  # keep text as text: selectable in the PDF, read by pdftotext
    "font.family": "sans-serif",
    "font.sans-serif": [FONT, "Liberation Sans", "Arial"],
    "font.size": 10,
    "axes.edgecolor": GRID_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "svg.hashsalt": "socialvalue",  # the same chart gives the same SVG
}


@dataclass
class Chart:
    """A chart block: its title, alt text, data table and a drawing function."""

    title: str
    alt: str
    table: Table
    draw: Callable[[Figure], None] = field(repr=False)
    height: float = 3.6
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def figure(self) -> Figure:
        with matplotlib.rc_context(_RC):
            fig = Figure(figsize=(WIDTH_INCHES, self.height), layout="constrained")
            self.draw(fig)
        return fig

    def _save(self, fmt: str, **options: Any) -> bytes:
        buffer = io.BytesIO()
        with matplotlib.rc_context(_RC):
            fig = self.figure()
            fig.savefig(buffer, format=fmt, metadata=_metadata(fmt, self), **options)
        return buffer.getvalue()

    def svg(self) -> str:
        if "svg" not in self._cache:
            self._cache["svg"] = self._save("svg").decode("utf-8")
        return self._cache["svg"]

    def png(self, dpi: int = 200) -> bytes:
        key = f"png{dpi}"
        if key not in self._cache:
            self._cache[key] = self._save("png", dpi=dpi)
        return self._cache[key]


def _metadata(fmt: str, chart: Chart) -> dict[str, Any]:
    if fmt == "svg":
        return {"Title": chart.title, "Description": chart.alt, "Date": None, "Creator": None}
    if fmt == "png":
        return {"Title": chart.title, "Description": chart.alt, "Software": None}
    return {}


def _axis_formatter(kind: str) -> FuncFormatter:
    if kind in ("money", "money_pence"):
        return FuncFormatter(lambda v, _pos: short_money(v))
    if kind == "percent":
        return FuncFormatter(lambda v, _pos: percent(v))
    if kind == "ratio":
        return FuncFormatter(lambda v, _pos: f"{v:g} : 1")
    return FuncFormatter(lambda v, _pos: number(v))


def _label(value: float, kind: str) -> str:
    return short_money(value) if kind in ("money", "money_pence") else format_value(value, kind)


def _style(ax: Any, *, value_axis: str = "x") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=value_axis, color=GRID_COLOUR, linewidth=0.6, alpha=0.7)
    ax.set_axisbelow(True)


def _if_all_zero(ax: Any, values: Any, *, value_axis: str = "x") -> None:
    """All zeros (nothing delivered yet): one tick at 0 and a note, not a band of "£0" around zero."""
    if any(v for v in np.ravel(np.asarray(values, dtype=float)) if np.isfinite(v)):
        return
    (ax.set_xlim if value_axis == "x" else ax.set_ylim)(0, 1)
    (ax.set_xticks if value_axis == "x" else ax.set_yticks)([0])
    ax.text(
        0.5,
        0.5,
        "All values are zero",
        transform=ax.transAxes,
        ha="center",
        va="center",
        color=TEXT_COLOUR,
        fontsize=10,
    )


def _title(fig: Figure, title: str) -> None:
    wrapped = wrap_to_width(title, TITLE_SIZE, FIGURE_WIDTH_PT - 12, bold=True)
    fig.suptitle(
        wrapped, fontsize=TITLE_SIZE, fontweight="bold", color=TEXT_COLOUR, x=0.01, ha="left"
    )


def _title_lines(title: str) -> int:
    return wrap_to_width(title, TITLE_SIZE, FIGURE_WIDTH_PT - 12, bold=True).count("\n") + 1


# ---------------------------------------------------------------------------- measuring labels
#
# Labels must never run into each other at the size a chart is drawn (7.5 inches wide; a page
# only ever scales the whole picture). Widths are estimated per character from DejaVu Sans,
# the font the charts name first, each class rounded up, so an estimate is never narrower than
# the drawn text; the fallback fonts (Liberation Sans, Arial) are narrower still. The tests
# measure the drawn SVG with the same estimate.

FIGURE_WIDTH_PT = WIDTH_INCHES * 72
TICK_SIZE = 10.0
LEGEND_SIZE = 9.0
TITLE_SIZE = 12.0
#: Space kept between two labels, in points.
GAP = 4.0
#: How far DejaVu Sans's tallest and deepest unaccented glyphs reach above and below the
#: baseline, in ems (accents reach 0.93, still inside the line); lines are set 1.2 ems apart.
ASCENT, DESCENT, LINE_SPACING = 0.81, 0.24, 1.2
#: Bold DejaVu Sans is at most this much wider, character for character, than its rounded class.
BOLD_FACTOR = 1.18

_NARROW = frozenset(" 'ijlIJ,.:;/\\|·")
_SEMI = frozenset('ftr-()[]!"')
_WIDE = frozenset("MWmw%@—…#+<=>^~×&")
_MEDIUM = frozenset("£€${}?*_`–")


def _char_em(char: str) -> float:
    if char in _NARROW:
        return 0.34
    if char in _SEMI:
        return 0.47
    if char in _WIDE:
        return 1.0
    if "A" <= char <= "Z":
        return 0.79
    if char.isascii() and char.isprintable() or char in _MEDIUM:
        return 0.64
    return 1.0  # anything else (accents, symbols): as wide as a whole em, to be safe


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in points of the widest line of `text` at `size` points (never too narrow)."""
    factor = BOLD_FACTOR if bold else 1.0
    return max((sum(_char_em(c) for c in line) for line in str(text).split("\n")), default=0.0) * (
        size * factor
    )


def text_height(text: str, size: float) -> float:
    """The height in points of `text`'s lines, from the first line's ascent to the last's descent."""
    lines = str(text).count("\n") + 1
    return size * ((lines - 1) * LINE_SPACING + ASCENT + DESCENT)


def _truncate(line: str, size: float, width: float, *, bold: bool = False) -> str:
    """The line, cut with an ellipsis where it would be wider than `width` points."""
    if text_width(line, size, bold=bold) <= width:
        return line
    while line and text_width(line.rstrip() + "…", size, bold=bold) > width:
        line = line[:-1]
    return line.rstrip(" ,;:–-") + "…"


def wrap_to_width(
    text: str, size: float, width: float, *, max_lines: int | None = None, bold: bool = False
) -> str:
    """`text` broken between words into lines no wider than `width` points; past `max_lines`
    (or a word too long for a line) it is cut short with an ellipsis: the data table beside
    every chart has the whole name."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}" if current else word
            if current and text_width(trial, size, bold=bold) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _truncate(lines[-1] + "…", size, width, bold=bold)
    return "\n".join(_truncate(line, size, width, bold=bold) for line in lines)


_SIN45 = math.sin(math.radians(45))
#: The longest a label drawn at 45 degrees may be before it is cut short.
_ROTATED_MAX_PT = 150.0
#: The widest a category label beside a horizontal bar may be.
ROW_LABEL_PT = 190.0


@dataclass(frozen=True)
class _Labels:
    """One way to draw a category axis's labels: which, how, and any group names beneath."""

    shown: tuple[int, ...]
    texts: tuple[str, ...]
    rotated: bool = False
    groups: tuple[tuple[float, str], ...] = ()


#: "Apr–Jun" over "2025", "Mar 2025", "Q1 2025" or "2025 Q1": a part of a year and the year.
_PART_OF_YEAR = r"Q[1-4]|[A-Z][a-z]{2}(?:–[A-Z][a-z]{2})?"


def _split_periods(labels: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """Periods as (part, year) when every label names a part of a year and some years repeat:
    the year is then written once beneath its parts rather than under every bar."""
    parts, years = [], []
    for label in labels:
        if "\n" in label:
            part, _, year = label.partition("\n")
        elif match := re.fullmatch(rf"({_PART_OF_YEAR}) (\d{{4}})", label):
            part, year = match.groups()
        elif match := re.fullmatch(rf"(\d{{4}}) ({_PART_OF_YEAR})", label):
            year, part = match.groups()
        else:
            return None
        parts.append(part.strip())
        years.append(year.strip())
    if len(set(years)) == len(years) or any("\n" in y for y in years):
        return None
    return parts, years


def _group_centres(positions: Sequence[float], names: Sequence[str]) -> list[tuple[float, str]]:
    groups: list[tuple[float, str]] = []
    start = 0
    for i in range(1, len(names) + 1):
        if i == len(names) or names[i] != names[start]:
            groups.append(((positions[start] + positions[i - 1]) / 2, names[start]))
            start = i
    return groups


def _across(pairs: Sequence[tuple[float, str]], unit: float, size: float = TICK_SIZE) -> bool:
    """Labels written level, centred on their positions, clear of their neighbours."""
    for (a, first), (b, second) in zip(pairs, pairs[1:], strict=False):
        needed = (text_width(first, size) + text_width(second, size)) / 2 + GAP
        if abs(b - a) * unit < needed:
            return False
    return True


def _stacked(pairs: Sequence[tuple[float, str]], unit: float, size: float = TICK_SIZE) -> bool:
    """Labels one above the other (beside horizontal bars), clear of their neighbours."""
    for (a, first), (b, second) in zip(pairs, pairs[1:], strict=False):
        needed = (text_height(first, size) + text_height(second, size)) / 2 + GAP
        if abs(b - a) * unit < needed:
            return False
    return True


def _slanted(pairs: Sequence[tuple[float, str]], unit: float, size: float = TICK_SIZE) -> bool:
    """Labels at 45 degrees: parallel strips whose distance apart is the spacing times sin 45."""
    for (a, first), (b, second) in zip(pairs, pairs[1:], strict=False):
        needed = max(text_height(first, size), text_height(second, size)) + GAP
        if abs(b - a) * unit * _SIN45 < needed:
            return False
    return True


def _every(k: int, texts: Sequence[str]) -> tuple[tuple[int, ...], tuple[str, ...]]:
    shown = tuple(range(0, len(texts), k))
    return shown, tuple(texts[i] for i in shown)


def _steps(count: int, group: int = 0) -> list[int]:
    """Every k-th label, for k from 2 up; within years of months or quarters, steps that divide
    the year come first, so the same months are named every year."""
    steps = list(range(2, count + 1))
    if group > 1:
        steps = [k for k in steps if group % k == 0] + [k for k in steps if group % k]
    return steps or [1]


def _label_options(
    labels: Sequence[str],
    style: Literal["bars", "line", "rows"],
    unit: float,
    group: int = 0,
) -> Iterator[_Labels]:
    """The ways to draw the labels, best-reading first; the last always fits."""
    n = len(labels)
    everything = tuple(range(n))
    if style == "rows":  # beside horizontal bars: up to three lines, then fewer, then thinned
        for lines in (3, 2):
            texts = [wrap_to_width(t, TICK_SIZE, ROW_LABEL_PT, max_lines=lines) for t in labels]
            yield _Labels(everything, tuple(texts))
        one_line = _shorten_all(labels, ROW_LABEL_PT)
        yield _Labels(everything, tuple(one_line))
        for k in _steps(n):
            yield _Labels(*_every(k, one_line))
        return
    yield _Labels(everything, tuple(labels))
    if style == "bars":
        room = max(unit - GAP, 1.0)
        wrapped = [wrap_to_width(t, TICK_SIZE, room) for t in labels]
        if all(w.count("\n") <= 1 and "…" not in w for w in wrapped):
            yield _Labels(everything, tuple(wrapped))
        # Every bar named, slanted; past that, every k-th named level reads better than slanted.
        yield _Labels(everything, tuple(_shorten_all(labels, _ROTATED_MAX_PT)), rotated=True)
    for k in _steps(n, group):
        yield _Labels(*_every(k, labels))
    slanted = _shorten_all(labels, _ROTATED_MAX_PT)
    for k in [1, *_steps(n, group)]:
        yield _Labels(*_every(k, slanted), rotated=True)


def _shorten_all(labels: Sequence[str], width: float) -> list[str]:
    """Labels on one line cut to `width` points; where cutting the ends would make two alike
    ("Northern Community Reg…" twice), the middle is cut instead, keeping both ends."""
    lines = [" ".join(t.split()) for t in labels]
    ends = [_truncate(t, TICK_SIZE, width) for t in lines]
    if len(set(ends)) == len(set(lines)):
        return ends
    shortened = []
    for line in lines:
        if text_width(line, TICK_SIZE) <= width:
            shortened.append(line)
            continue
        head, tail = line[: len(line) // 2], line[len(line) // 2 :]
        while text_width(f"{head}…{tail}", TICK_SIZE) > width and (head or tail):
            if text_width(head, TICK_SIZE) >= text_width(tail, TICK_SIZE):
                head = head[:-1]
            else:
                tail = tail[1:]
        shortened.append(f"{head.rstrip()}…{tail.lstrip()}")
    return shortened


def _fits(
    option: _Labels, positions: Sequence[float], unit: float, style: str, room: float
) -> bool:
    pairs = [(positions[i], t) for i, t in zip(option.shown, option.texts, strict=True)]
    if style == "rows":
        return _stacked(pairs, unit)
    if option.rotated:
        if not _slanted(pairs, unit):
            return False
    elif not _across(pairs, unit) or any(text_width(t, TICK_SIZE) > room for _p, t in pairs):
        return False
    return _across(option.groups, unit)


def _choose_labels(
    labels: Sequence[str],
    positions: Sequence[float],
    unit: float,
    room: float,
    style: Literal["bars", "line", "rows"],
) -> _Labels:
    split = _split_periods(labels) if style != "rows" else None
    if split is not None:
        parts, years = split
        groups = tuple(_group_centres(positions, years))
        longest = max(years.count(y) for y in set(years))
        for option in _label_options(parts, style, unit, longest):
            grouped = _Labels(option.shown, option.texts, option.rotated, groups)
            if _fits(grouped, positions, unit, style, room):
                return grouped
    last = None
    for option in _label_options(labels, style, unit):
        if _fits(option, positions, unit, style, room):
            return option
        last = option
    assert last is not None
    return last


def _extent_below(option: _Labels) -> float:
    """How far the labels reach below the axis, in points, beyond the tick and its padding."""
    if option.rotated:
        return max(
            (text_width(t, TICK_SIZE) + text_height(t, TICK_SIZE)) * _SIN45 for t in option.texts
        )
    return max(text_height(t, TICK_SIZE) for t in option.texts)


def _apply_labels(ax: Any, option: _Labels, positions: Sequence[float], axis: str) -> None:
    shown = [positions[i] for i in option.shown]
    if axis == "y":
        ax.set_yticks(shown, list(option.texts))
        return
    if option.rotated:
        ax.set_xticks(shown, list(option.texts), rotation=45, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticks(shown, list(option.texts))
    if option.groups:
        # The year once beneath its quarters or months, as a second row of labels.
        ax.xaxis.remove_overlapping_locs = False
        ax.set_xticks([c for c, _ in option.groups], [g for _, g in option.groups], minor=True)
        tick = ax.xaxis.get_major_ticks()[0] if ax.xaxis.get_major_ticks() else None
        pad = (tick.get_tick_padding() + tick.get_pad()) if tick else 7.0
        ax.tick_params(axis="x", which="minor", length=0, pad=pad + _extent_below(option) + GAP / 2)
    else:
        ax.set_xticks([], minor=True)


def _axis_room(fig: Figure, ax: Any, axis: str) -> tuple[float, float]:
    """The axis's length in points and points per data unit, as laid out."""
    box = ax.get_position()
    if axis == "x":
        length = box.width * fig.get_figwidth() * 72
        low, high = ax.get_xlim()
    else:
        length = box.height * fig.get_figheight() * 72
        low, high = ax.get_ylim()
    return length, length / max(abs(high - low), 1e-9)


def _place_categories(
    fig: Figure,
    ax: Any,
    labels: Sequence[str],
    *,
    style: Literal["bars", "line", "rows"],
    axis: Literal["x", "y"] = "x",
) -> None:
    """Category labels that never collide: laid out once, measured, and drawn the best way
    that fits (see `_label_options`); laid out again to check, since slanted labels take
    room from the plot."""
    positions = [float(i) for i in range(len(labels))]
    if not labels:
        return
    option = _choose_labels(labels, positions, 1e9, 1e9, style)  # as if there were room
    _apply_labels(ax, option, positions, axis)
    for _attempt in range(3):
        fig.draw_without_rendering()
        length, unit = _axis_room(fig, ax, axis)
        if _fits(option, positions, unit, style, length):
            break
        option = _choose_labels(labels, positions, unit, length, style)
        _apply_labels(ax, option, positions, axis)
    if axis == "x":
        # The plot keeps its height: the figure grows by what the labels take beyond one line.
        grown = _extent_below(option) - text_height("Ag", TICK_SIZE)
        if option.groups:
            grown += text_height("Ag", TICK_SIZE) + GAP / 2
        if grown > 0:
            fig.set_figheight(fig.get_figheight() + grown / 72)
        if option.rotated and not option.groups:  # years beneath are placed by the estimate
            _clear_axis_title(fig, ax, option)


def _clear_axis_title(fig: Figure, ax: Any, option: _Labels) -> None:
    """Matplotlib sets the axis title under the labels as the font draws them; slanted labels
    are measured wider than that, to be safe, so the title moves down by the difference."""
    fig.draw_without_rendering()
    points = 72 / fig.dpi
    bottom = ax.get_window_extent().y0
    drawn = max(
        (bottom - t.get_window_extent().y0) * points for t in ax.get_xticklabels() if t.get_text()
    )
    tick = ax.xaxis.get_major_ticks()[0]
    estimated = tick.get_tick_padding() + tick.get_pad() + _extent_below(option)
    ax.xaxis.labelpad += max(0.0, estimated - drawn)


class _RoomyLocator(MaxNLocator):
    """Value-axis ticks: as many as the axis holds without their labels touching, measured at
    draw time, when the plot's final size is known."""

    def __init__(self, formatter: FuncFormatter, *, horizontal: bool) -> None:
        super().__init__(nbins="auto", steps=[1, 2, 2.5, 5, 10])
        self._format = formatter
        self._horizontal = horizontal

    def __call__(self) -> Any:
        low, high = self.axis.get_view_interval()
        axes = self.axis.axes
        points = 72 / axes.figure.dpi
        length = (axes.bbox.width if self._horizontal else axes.bbox.height) * points
        unit = length / max(abs(high - low), 1e-12)
        check = _across if self._horizontal else _stacked
        for bins in range(10, 0, -1):
            self.set_params(nbins=bins)
            locs = self.tick_values(low, high)
            inside = [v for v in locs if min(low, high) - 1e-9 <= v <= max(low, high) + 1e-9]
            pairs = [(float(v), self._format(v, None)) for v in inside]
            if check(pairs, unit):
                return locs
        return self.tick_values(low, high)


def _value_axis(ax: Any, kind: str, axis: Literal["x", "y"]) -> None:
    formatter = _axis_formatter(kind)
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(formatter)
    target.set_major_locator(_RoomyLocator(formatter, horizontal=axis == "x"))


def _legend_layout(names: Sequence[str]) -> tuple[list[str], int] | None:
    """Where the legend goes: None to the right of the plot, when the names are short; else
    the names (wrapped) and the number of columns for a legend beneath the chart."""
    marker = 2.8 * LEGEND_SIZE  # the handle (2 ems) and the space after it (0.8 em)
    if not names or max(text_width(n, LEGEND_SIZE) for n in names) + marker <= 0.24 * (
        FIGURE_WIDTH_PT
    ):
        return None
    usable = FIGURE_WIDTH_PT - 24
    wrapped = [wrap_to_width(n, LEGEND_SIZE, usable / 2 - marker - 2 * LEGEND_SIZE) for n in names]
    column = max(text_width(n, LEGEND_SIZE) for n in wrapped) + marker + 2 * LEGEND_SIZE
    return wrapped, max(1, min(len(wrapped), int(usable // column)))


def _legend_below(names: Sequence[str]) -> float:
    """The inches a legend beneath the chart adds to its height."""
    layout = _legend_layout(names)
    if layout is None:
        return 0.0
    wrapped, columns = layout
    rows = [wrapped[i : i + columns] for i in range(0, len(wrapped), columns)]
    lines = sum(max(n.count("\n") + 1 for n in row) for row in rows)
    return (lines * LEGEND_SIZE * 1.6 + 8) / 72


def _legend(fig: Figure, ax: Any) -> None:
    """The legend outside the plot: to its right when the names are short, else beneath the
    chart in as many columns as fit, so it never covers a line or a bar."""
    handles, names = ax.get_legend_handles_labels()
    if not handles:
        return
    layout = _legend_layout(names)
    if layout is None:
        legend = ax.legend(
            handles,
            names,
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
            fontsize=LEGEND_SIZE,
        )
    else:
        wrapped, columns = layout
        legend = fig.legend(
            handles,
            wrapped,
            loc="outside lower center",
            ncols=columns,
            frameon=False,
            fontsize=LEGEND_SIZE,
        )
    legend.set_gid("legend")


def _plot_area(ax: Any) -> None:
    ax.patch.set_gid("plot-area")  # named in the SVG, so a test can find it


def _rows_height(labels: Sequence[str], row_inches: float, overhead: float) -> float:
    """A horizontal bar chart tall enough for its wrapped category labels, within a page."""
    needed = [
        (text_height(wrap_to_width(t, TICK_SIZE, ROW_LABEL_PT, max_lines=3), TICK_SIZE) + 2 * GAP)
        / 72
        for t in labels
    ]
    return min(10.0, max(1.9, overhead + sum(max(row_inches, n) for n in needed)))


def _ranked_description(categories: Sequence[str], values: Sequence[float], kind: str) -> str:
    pairs = sorted(zip(categories, values, strict=True), key=lambda p: p[1], reverse=True)
    shown = "; ".join(f"{c} {format_value(v, kind)}" for c, v in pairs[:5])
    more = f"; and {len(pairs) - 5} more" if len(pairs) > 5 else ""
    return f"{shown}{more}"


def bar(
    title: str,
    categories: Sequence[str],
    values: Sequence[float],
    *,
    kind: Kind = "money",
    value_label: str = "Value",
    category_label: str = "Category",
    alt: str | None = None,
) -> Chart:
    """Horizontal bars, one per category, in the order given (largest first reads best)."""
    categories = [str(c) for c in categories]
    values = [float(v or 0) for v in values]
    table = Table(
        title,
        [Column(category_label), Column(value_label, kind)],
        [[c, v] for c, v in zip(categories, values, strict=True)],
    )

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        y = np.arange(len(categories))
        bars = ax.barh(y, values, 0.6, color=PALETTE[0])
        ax.invert_yaxis()
        _value_axis(ax, kind, "x")
        ax.bar_label(bars, [_label(v, kind) for v in values], padding=3, fontsize=9)
        ax.set_xlabel(value_label)
        ax.margins(x=0.15)
        _if_all_zero(ax, values)
        _style(ax)
        _plot_area(ax)
        _title(fig, title)
        _place_categories(fig, ax, categories, style="rows", axis="y")

    text = alt or f"Bar chart: {title}. {_ranked_description(categories, values, kind)}."
    return Chart(title, text, table, draw, height=_bar_height(categories, title))


def _bar_height(labels: Sequence[str], title: str) -> float:
    return _rows_height(labels, 0.34, 0.9 + 0.2 * _title_lines(title))


def grouped_bar(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    kind: Kind = "money",
    value_label: str = "Value",
    category_label: str = "Category",
    alt: str | None = None,
) -> Chart:
    """Horizontal bars side by side per category: committed, delivered, verified by theme."""
    categories = [str(c) for c in categories]
    names = list(series)
    data = {n: [float(v or 0) for v in series[n]] for n in names}
    table = Table(
        title,
        [Column(category_label)] + [Column(n, kind) for n in names],
        [[c] + [data[n][i] for n in names] for i, c in enumerate(categories)],
    )

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        y = np.arange(len(categories))
        height = 0.8 / max(len(names), 1)
        for i, name in enumerate(names):
            ax.barh(
                y - 0.4 + height * (i + 0.5),
                data[name],
                height,
                label=name,
                color=PALETTE[i % len(PALETTE)],
                hatch=HATCHES[i % len(HATCHES)],
                edgecolor="white",
                linewidth=0.4,
            )
        ax.invert_yaxis()
        _value_axis(ax, kind, "x")
        ax.set_xlabel(value_label)
        _legend(fig, ax)
        _if_all_zero(ax, [data[n] for n in names])
        _style(ax)
        _plot_area(ax)
        _title(fig, title)
        _place_categories(fig, ax, categories, style="rows", axis="y")

    if alt is None:
        parts = [f"{n} {format_value(sum(data[n]), kind)} in total" for n in names]
        alt = f"Bar chart: {title}, {len(categories)} categories. " + "; ".join(parts) + "."
    height = _rows_height(
        categories, 0.2 * max(len(names), 1), 1.0 + 0.2 * _title_lines(title) + _legend_below(names)
    )
    return Chart(title, alt, table, draw, height=max(2.2, height))


def stacked_bar(
    title: str,
    periods: Sequence[str | int],
    series: Mapping[str, Sequence[float]],
    *,
    kind: Kind = "money",
    value_label: str = "Value",
    period_label: str = "Year",
    alt: str | None = None,
    additive: bool = True,
) -> Chart:
    """Vertical bars per period (year, quarter), stacked by series (theme, value type).

    Series that overlap (one measure serves several Sustainable Development Goals) are not
    ``additive``: their bars stand side by side and neither the table nor the text adds them up.
    """
    periods = [str(p) for p in periods]
    names = list(series)
    data = {n: np.array([float(v or 0) for v in series[n]]) for n in names}
    total_column = [Column("Total", kind)] if additive else []
    table = Table(
        title,
        [Column(period_label)] + [Column(n, kind) for n in names] + total_column,
        [
            [p]
            + [float(data[n][i]) for n in names]
            + ([float(sum(data[n][i] for n in names))] if additive else [])
            for i, p in enumerate(periods)
        ],
    )

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        x = np.arange(len(periods))
        bottom = np.zeros(len(periods))
        width = 0.6 if additive else 0.8 / max(len(names), 1)
        for i, name in enumerate(names):
            ax.bar(
                x if additive else x - 0.4 + width * (i + 0.5),
                data[name],
                width,
                bottom=bottom if additive else None,
                label=name,
                color=PALETTE[i % len(PALETTE)],
                hatch=HATCHES[i % len(HATCHES)],
                edgecolor="white",
                linewidth=0.4,
            )
            if additive:
                bottom = bottom + data[name]
        _value_axis(ax, kind, "y")
        ax.set_ylabel(value_label)
        ax.set_xlabel(period_label)
        _legend(fig, ax)
        _if_all_zero(ax, [data[n] for n in names], value_axis="y")
        _style(ax, value_axis="y")
        _plot_area(ax)
        _title(fig, title)
        _place_categories(fig, ax, periods, style="bars")

    if alt is None and additive:
        totals = [float(sum(data[n][i] for n in names)) for i in range(len(periods))]
        steps = "; ".join(
            f"{p} {format_value(t, kind)}" for p, t in zip(periods, totals, strict=True)
        )
        alt = f"Stacked bar chart: {title}, by {', '.join(names)}. Totals: {steps}."
    elif alt is None:
        parts = "; ".join(f"{n} {format_value(float(sum(data[n])), kind)}" for n in names)
        alt = (
            f"Bar chart: {title}, by {', '.join(names)}, side by side and not added up, "
            f"because they overlap. Over the whole span: {parts}."
        )
    return Chart(title, alt, table, draw, height=3.6 + _legend_below(names))


@dataclass(frozen=True)
class Mark:
    """A vertical line across a line chart, labelled above the plot: "Current weight 15%".

    `at` is a place on the period axis counted in periods from the first (0); 1.5 is halfway
    between the second and the third.
    """

    label: str
    at: float


def line(
    title: str,
    periods: Sequence[str | int],
    series: Mapping[str, Sequence[float | None]],
    *,
    kind: Kind = "money",
    value_label: str = "Value",
    period_label: str = "Period",
    alt: str | None = None,
    mark: Mark | None = None,
) -> Chart:
    """Lines over time (a contract's committed, delivered and verified value, cumulatively),
    or over any ordered steps (a tender's totals by social value weight), with an optional
    `mark` for where things stand now."""
    periods = [str(p) for p in periods]
    names = list(series)
    data = {n: [None if v is None else float(v) for v in series[n]] for n in names}
    table = Table(
        title,
        [Column(period_label)] + [Column(n, kind) for n in names],
        [[p] + [data[n][i] for n in names] for i, p in enumerate(periods)],
    )
    markers = ("o", "s", "^", "D", "v", "P", "X", "*")
    styles = ("-", "--", ":", "-.")

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        x = np.arange(len(periods))
        for i, name in enumerate(names):
            y = np.array([np.nan if v is None else v for v in data[name]])
            ax.plot(
                x,
                y,
                label=name,
                color=PALETTE[i % len(PALETTE)],
                marker=markers[i % len(markers)],
                linestyle=styles[i % len(styles)],
                linewidth=2,
            )
        _value_axis(ax, kind, "y")
        ax.set_ylabel(value_label)
        ax.set_xlabel(period_label)
        ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))
        _legend(fig, ax)
        if mark is not None:
            _draw_mark(ax, mark)
        _style(ax, value_axis="y")
        _plot_area(ax)
        _title(fig, title)
        _place_categories(fig, ax, periods, style="line")

    if alt is None:
        parts = []
        for n in names:
            known = [v for v in data[n] if v is not None]
            if known:
                parts.append(f"{n} reaches {format_value(known[-1], kind)}")
        span = f" from {periods[0]} to {periods[-1]}" if periods else ""
        alt = f"Line chart: {title}{span}. " + "; ".join(parts) + "."
        if mark is not None:
            alt += f" A vertical line marks {mark.label}."
    return Chart(title, alt, table, draw, height=3.6 + _legend_below(names))


def _draw_mark(ax: Any, mark: Mark) -> None:
    """The line across the plot, and its label just above the plot, where no line can run."""
    ax.axvline(mark.at, color=TEXT_COLOUR, linestyle=(0, (5, 3)), linewidth=1.2, zorder=1.5)
    low, high = ax.get_xlim()
    rightwards = (mark.at - low) / max(high - low, 1e-9) <= 0.6
    ax.annotate(
        mark.label,
        xy=(mark.at, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3 if rightwards else -3, 4),
        textcoords="offset points",
        ha="left" if rightwards else "right",
        va="bottom",
        fontsize=LEGEND_SIZE,
        fontweight="bold",
        color=TEXT_COLOUR,
    )


def tornado(
    title: str,
    rows: Sequence[tuple[str, float, float]],
    base: float,
    *,
    kind: Kind = "ratio",
    value_label: str = "SROI ratio",
    low_label: str = "Low case",
    high_label: str = "High case",
    alt: str | None = None,
) -> Chart:
    """One-way sensitivity: a bar per assumption from its low-case to its high-case result."""
    rows = [(str(label), float(low), float(high)) for label, low, high in rows]
    table = Table(
        title,
        [
            Column("Assumption"),
            Column(low_label, kind),
            Column(high_label, kind),
            Column("Swing", kind),
        ],
        [[label, low, high, abs(high - low)] for label, low, high in rows],
    )

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        y = np.arange(len(rows))
        for i, (_label_text, low, high) in enumerate(rows):
            ax.barh(
                i,
                low - base,
                left=base,
                color=PALETTE[3],
                hatch="//",
                edgecolor="white",
                label=low_label if i == 0 else None,
            )
            ax.barh(
                i, high - base, left=base, color=PALETTE[0], label=high_label if i == 0 else None
            )
        ax.axvline(base, color=TEXT_COLOUR, linewidth=1)
        ax.set_yticks(y)
        ax.invert_yaxis()
        _value_axis(ax, kind, "x")
        ax.set_xlabel(f"{value_label} (base case {format_value(base, kind)})")
        _legend(fig, ax)
        _style(ax)
        _plot_area(ax)
        _title(fig, title)
        _place_categories(fig, ax, [r[0] for r in rows], style="rows", axis="y")

    if alt is None:
        top = "; ".join(
            f"{label} from {format_value(low, kind)} to {format_value(high, kind)}"
            for label, low, high in rows[:3]
        )
        alt = (
            f"Tornado chart: {title}. Base case {format_value(base, kind)}. Most sensitive: {top}."
        )
    labels = [r[0] for r in rows]
    height = _bar_height(labels, title) + _legend_below([low_label, high_label])
    return Chart(title, alt, table, draw, height=height)


def histogram(
    title: str,
    values: Sequence[float] | np.ndarray,
    *,
    kind: Kind = "ratio",
    value_label: str = "SROI ratio",
    bins: int = 40,
    markers: Mapping[str, float] | None = None,
    alt: str | None = None,
) -> Chart:
    """The spread of Monte Carlo draws, with reference lines (5th, 50th, 95th percentile)."""
    draws = np.asarray(values, dtype=float)
    draws = draws[np.isfinite(draws)]
    counts, edges = np.histogram(draws, bins=bins) if draws.size else (np.zeros(0), np.zeros(1))
    table = Table(
        title,
        [Column(f"{value_label} from", kind), Column("to", kind), Column("Draws", "integer")],
        [[float(edges[i]), float(edges[i + 1]), int(counts[i])] for i in range(len(counts))],
    )
    marks = dict(markers or {})

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        if draws.size:
            ax.hist(draws, bins=edges, color=PALETTE[5], edgecolor="white", linewidth=0.4)
        styles = ("--", "-", ":")
        for i, (name, value) in enumerate(marks.items()):
            ax.axvline(
                value,
                color=(TEXT_COLOUR, PALETTE[3], PALETTE[0])[i % 3],
                linestyle=styles[i % len(styles)],
                linewidth=1.5,
                label=f"{name}: {format_value(value, kind)}",
            )
        _value_axis(ax, kind, "x")
        ax.set_xlabel(value_label)
        ax.set_ylabel("Number of draws")
        _legend(fig, ax)
        _style(ax, value_axis="y")
        _plot_area(ax)
        _title(fig, title)

    if alt is None:
        if draws.size:
            alt = (
                f"Histogram: {title}, {draws.size:,} draws from {format_value(float(draws.min()), kind)} "
                f"to {format_value(float(draws.max()), kind)}"
            )
            if marks:
                alt += "; " + "; ".join(f"{n} {format_value(v, kind)}" for n, v in marks.items())
            alt += "."
        else:
            alt = f"Histogram: {title}, no draws."
    names = [f"{n}: {format_value(v, kind)}" for n, v in marks.items()]
    return Chart(title, alt, table, draw, height=3.6 + _legend_below(names))
