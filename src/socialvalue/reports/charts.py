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
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

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
    fig.suptitle(title, fontsize=12, fontweight="bold", color=TEXT_COLOUR, x=0.01, ha="left")


def _wrap(label: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


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
        ax.set_yticks(y, [_wrap(c) for c in categories])
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(_axis_formatter(kind))
        ax.bar_label(bars, [_label(v, kind) for v in values], padding=3, fontsize=9)
        ax.set_xlabel(value_label)
        ax.margins(x=0.15)
        _if_all_zero(ax, values)
        _style(ax)
        _title(fig, title)

    text = alt or f"Bar chart: {title}. {_ranked_description(categories, values, kind)}."
    return Chart(title, text, table, draw, height=_bar_height(len(categories)))


def _bar_height(count: int) -> float:
    return min(9.0, max(1.9, 1.1 + 0.34 * count))


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
        ax.set_yticks(y, [_wrap(c) for c in categories])
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(_axis_formatter(kind))
        ax.set_xlabel(value_label)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
        _if_all_zero(ax, [data[n] for n in names])
        _style(ax)
        _title(fig, title)

    if alt is None:
        parts = [f"{n} {format_value(sum(data[n]), kind)} in total" for n in names]
        alt = f"Bar chart: {title}, {len(categories)} categories. " + "; ".join(parts) + "."
    height = min(10.0, max(2.2, 1.2 + 0.2 * len(categories) * max(len(names), 1)))
    return Chart(title, alt, table, draw, height=height)


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
        ax.set_xticks(x, [_wrap(p, 12) for p in periods])
        ax.yaxis.set_major_formatter(_axis_formatter(kind))
        ax.set_ylabel(value_label)
        ax.set_xlabel(period_label)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
        _if_all_zero(ax, [data[n] for n in names], value_axis="y")
        _style(ax, value_axis="y")
        _title(fig, title)

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
    return Chart(title, alt, table, draw)


def line(
    title: str,
    periods: Sequence[str | int],
    series: Mapping[str, Sequence[float | None]],
    *,
    kind: Kind = "money",
    value_label: str = "Value",
    period_label: str = "Period",
    alt: str | None = None,
) -> Chart:
    """Lines over time (a contract's committed, delivered and verified value, cumulatively)."""
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
        step = max(1, len(periods) // 12)
        ax.set_xticks(x[::step], periods[::step])
        ax.yaxis.set_major_formatter(_axis_formatter(kind))
        ax.set_ylabel(value_label)
        ax.set_xlabel(period_label)
        ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))
        ax.legend(loc="upper left", frameon=False, fontsize=9)
        _style(ax, value_axis="y")
        _title(fig, title)

    if alt is None:
        parts = []
        for n in names:
            known = [v for v in data[n] if v is not None]
            if known:
                parts.append(f"{n} reaches {format_value(known[-1], kind)}")
        span = f" from {periods[0]} to {periods[-1]}" if periods else ""
        alt = f"Line chart: {title}{span}. " + "; ".join(parts) + "."
    return Chart(title, alt, table, draw)


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
        ax.set_yticks(y, [_wrap(r[0], 36) for r in rows])
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(_axis_formatter(kind))
        ax.set_xlabel(f"{value_label} (base case {format_value(base, kind)})")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
        _style(ax)
        _title(fig, title)

    if alt is None:
        top = "; ".join(
            f"{label} from {format_value(low, kind)} to {format_value(high, kind)}"
            for label, low, high in rows[:3]
        )
        alt = (
            f"Tornado chart: {title}. Base case {format_value(base, kind)}. Most sensitive: {top}."
        )
    return Chart(title, alt, table, draw, height=_bar_height(len(rows)))


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
        ax.xaxis.set_major_formatter(_axis_formatter(kind))
        ax.set_xlabel(value_label)
        ax.set_ylabel("Number of draws")
        if marks:
            ax.legend(loc="upper right", frameon=False, fontsize=9)
        _style(ax, value_axis="y")
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
    return Chart(title, alt, table, draw)
