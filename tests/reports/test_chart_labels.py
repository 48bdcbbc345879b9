"""No chart's labels run into each other, none is cut off, and no legend covers the plot.

Every chart kind is drawn as the product draws it (7.5 inches wide, the height each chart works
out) with realistic and worst-case data; the SVG is read back, each text's box is worked out
from its position, anchor, size and rotation with the same width estimate the charts lay out
with, and the boxes are compared.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from socialvalue.core.scoring import load_tender
from socialvalue.reports import charts
from socialvalue.reports.charts import text_width
from socialvalue.web.commissioning.views import evaluation_chart
from socialvalue.web.dashboard.services import quarter_chart, quarters_to
from tests.reports.chart_geometry import (
    Box,
    Drawing,
    collisions,
    cut_off,
    legend_on_plot,
    overlap,
    problems,
    read,
)

# ----------------------------------------------------------------------------- the charts drawn

THEMES = [
    "Jobs and fair work",
    "Tackling economic inequality",
    "Fighting climate change",
    "Equal opportunity",
    "Wellbeing",
    "Help local communities to manage and recover from the impact of COVID-19",
]
GOALS = [
    "8. Decent work and economic growth",
    "9. Industry, innovation and infrastructure",
    "12. Responsible consumption and production",
    "16. Peace, justice and strong institutions",
    "3. Good health and well-being",
    "13. Climate action",
    "Other goals",
]
LONG_NAMES = [
    f"Northern Community Regeneration Partnership (Number {i}) Limited" for i in range(1, 13)
]


def rising(count: int, scale: float = 10_000) -> list[float]:
    return [scale * (i + 1) for i in range(count)]


def dashboard(count: int, names: list[str], *, additive: bool = True) -> charts.Chart:
    labels = [q.label for q in quarters_to(dt.date(2026, 11, 20), count)]
    series = {n: rising(count, 1_000 * (i + 1)) for i, n in enumerate(names)}
    return quarter_chart(
        "Value by theme and quarter (£ in 2025 prices)", labels, series, additive=additive
    )


def tender_evaluation(bidders: list[str], social_value: float) -> charts.Chart:
    rest = (100 - social_value) / 2
    tender = load_tender(
        {
            "title": "Home care",
            "max_score": 5,
            "weights": {"price": rest, "quality": rest, "social_value": social_value},
            "quality": [{"id": "q1", "name": "Support", "weight": rest}],
            "bids": [
                {
                    "bidder": name,
                    "price": 100 + 10 * i,
                    "quality": {"q1": 5 - i % 5},
                    "social_value_score": i % 6,
                }
                for i, name in enumerate(bidders)
            ],
        }
    )
    chart = evaluation_chart(SimpleNamespace(tender=tender))
    assert chart is not None
    return chart


def financial_years(count: int) -> list[str]:
    labels = [f"{y}/{(y + 1) % 100:02d}" for y in range(2026 - count + 1, 2027)]
    return labels[:-2] + [f"{labels[-2]} (in progress)", f"{labels[-1]} (to come)"]


def months(count: int) -> list[str]:
    return [f"{dt.date(2022 + (m // 12), m % 12 + 1, 1):%b %Y}" for m in range(count)]


CHARTS = {
    # The dashboard: eight quarters as the product shows them, and twelve at worst.
    "dashboard themes, 8 quarters": lambda: dashboard(8, THEMES[:4]),
    "dashboard themes, 12 quarters, long names": lambda: dashboard(12, THEMES),
    "dashboard goals, 8 quarters": lambda: dashboard(8, GOALS, additive=False),
    "dashboard goals, 12 quarters": lambda: dashboard(12, GOALS, additive=False),
    "dashboard, 2 quarters": lambda: dashboard(2, THEMES[:1]),
    # The tender evaluation: totals by social value weight, the current weight marked.
    "evaluation, 3 bids": lambda: tender_evaluation(["A", "B", "C"], 20),
    "evaluation, weight at the right": lambda: tender_evaluation(["Acme", "Brightwork"], 95),
    "evaluation, weight at the left": lambda: tender_evaluation(["Acme", "Brightwork"], 0),
    "evaluation, 10 long names": lambda: tender_evaluation(LONG_NAMES[:10], 35),
    # The council's annual evaluation.
    "annual by year, 3 years": lambda: charts.stacked_bar(
        "Social value delivered by financial year",
        financial_years(3),
        {"Fiscal": rising(3), "Wider": rising(3, 30_000)},
        period_label="Financial year",
        value_label="Delivered",
    ),
    "annual by year, 10 years": lambda: charts.stacked_bar(
        "Social value delivered by financial year",
        financial_years(10),
        {"Fiscal": rising(10, 150_000), "Wider": rising(10, 370_000)},
        period_label="Financial year",
        value_label="Delivered",
    ),
    "annual by year, 20 years": lambda: charts.stacked_bar(
        "Social value delivered by financial year",
        financial_years(20),
        {"Fiscal": rising(20, 150_000), "Wider": rising(20, 370_000)},
        period_label="Financial year",
        value_label="Delivered",
    ),
    "annual summary": lambda: charts.grouped_bar(
        "Social value committed, delivered and verified, 2025/26",
        ["Fiscal", "Wider", "Total"],
        {"Committed": [1.2e6, 3.4e6, 4.6e6], "Delivered": [8e5, 2e6, 2.8e6], "Verified": [3e5] * 3},
        category_label="Value",
    ),
    "annual by theme, long names": lambda: charts.grouped_bar(
        "Value by theme (the 12 largest)",
        (THEMES + LONG_NAMES)[:12],
        {"Committed": rising(12, 9e4), "Delivered": rising(12, 5e4), "Verified": rising(12, 2e4)},
        category_label="Theme",
    ),
    "annual by goal": lambda: charts.bar(
        "Value delivered by Sustainable Development Goal",
        GOALS[:6],
        rising(6, 123_456),
        category_label="Goal",
        value_label="Delivered",
    ),
    "annual by provider, 12 long names": lambda: charts.bar(
        "Value delivered by provider (the 12 largest of 2,041)",
        LONG_NAMES,
        [1_234_567 / (i + 1) for i in range(12)],
        category_label="Provider",
        value_label="Delivered",
    ),
    "annual by provider, 40 rows": lambda: charts.bar(
        "Value delivered by provider",
        [f"{n} and Associates" for n in LONG_NAMES * 4][:40],
        [9e6 / (i + 1) for i in range(40)],
    ),
    # The portfolio and the surveys.
    "portfolio by theme": lambda: charts.grouped_bar(
        "Social value by theme, 2025/26",
        THEMES,
        {"Committed": rising(6, 1e5), "Delivered": rising(6, 6e4), "Verified": rising(6, 3e4)},
        value_label="Value (£)",
        category_label="Theme",
    ),
    "survey distance travelled, 10 points": lambda: charts.grouped_bar(
        "Distance travelled: confidence in managing money",
        [str(p) for p in range(1, 11)],
        {"Baseline": [3, 5, 8, 12, 9, 4, 2, 1, 0, 0], "Follow-up": [0, 1, 2, 4, 8, 12, 9, 5, 3, 1]},
        kind="integer",
        value_label="Participants",
        category_label="Answer",
    ),
    # Tender reports.
    "tender score breakdown, 8 long names": lambda: charts.stacked_bar(
        "Total score by part",
        LONG_NAMES[:8],
        {"Price": rising(8, 4), "Quality": rising(8, 3), "Social value": rising(8, 1)},
        kind="number",
        period_label="Bidder",
        value_label="Score out of 100",
    ),
    "tender value by measure": lambda: charts.bar(
        "Value offered by measure",
        [f"NT{i}: Local people employed on the contract for at least a year" for i in range(12)],
        rising(12, 4_321),
        category_label="Measure",
        value_label="Value offered",
    ),
    # The contract's cumulative timeline: quarterly and monthly returns.
    "contract timeline, 12 quarters": lambda: charts.line(
        "Social value over the contract, cumulative",
        [m for m in months(36)][2::3],
        {"Target": rising(12, 5e4), "Delivered": rising(12, 4e4), "Verified": rising(12, 2e4)},
        period_label="Reporting period ending",
        value_label="Cumulative value (£ in 2025 prices)",
    ),
    "contract timeline, 60 months": lambda: charts.line(
        "Social value over the contract, cumulative",
        months(60),
        {"Target": rising(60, 5e4), "Delivered": rising(60, 4e4) + [None] * 0},
        period_label="Reporting period ending",
        value_label="Cumulative value (£ in 2025 prices)",
    ),
    # SROI reports.
    "sroi tornado": lambda: charts.tornado(
        "What the SROI ratio depends on most",
        [
            (f"Outcome {i}: people in work for six months or more: {field}", 2.0 - i / 10, 4.0)
            for i, field in enumerate(["deadweight", "attribution", "drop-off", "quantity"] * 3)
        ],
        3.12,
        low_label="Assumption lower",
        high_label="Assumption higher",
    ),
    "sroi by stakeholder": lambda: charts.bar(
        "Present value by stakeholder: Community allotments evaluation 2025",
        ["Participants", "Families of participants", "The local authority", "NHS"],
        [123_456.0, 45_678.0, 9_876.0, 1_234.0],
        category_label="Stakeholder",
        value_label="Present value",
    ),
    "sroi value by year, 10 years": lambda: charts.stacked_bar(
        "Value by year, before and after discounting",
        [f"Year {n}" for n in range(1, 11)],
        {"Present value": rising(10, 9e4), "Lost to discounting": rising(10, 4e3)},
        period_label="Year",
    ),
    "sroi value by year, 30 years": lambda: charts.stacked_bar(
        "Value by year, before and after discounting",
        [f"Year {n}" for n in range(1, 31)],
        {"Present value": rising(30, 9e4), "Lost to discounting": rising(30, 4e3)},
        period_label="Year",
    ),
    "sroi monte carlo": lambda: charts.histogram(
        "Spread of the SROI ratio over the Monte Carlo draws",
        np.random.default_rng(7).lognormal(1.0, 0.4, 5_000),
        markers={"5th percentile": 1.41, "Median": 2.72, "95th percentile": 5.2},
    ),
    "a long title and all zeros": lambda: charts.grouped_bar(
        "Social value committed, delivered and verified by every theme the council's "
        "charter ranks among its local priorities, 2025/26 (in progress)",
        THEMES,
        {"Committed": [0.0] * 6, "Delivered": [0.0] * 6},
    ),
}


@pytest.fixture(scope="module", params=list(CHARTS), ids=list(CHARTS))
def drawn(request) -> tuple[charts.Chart, Drawing]:
    chart = CHARTS[request.param]()
    return chart, read(chart.svg())


def test_no_two_labels_touch(drawn):
    _chart, drawing = drawn
    assert collisions(drawing) == []


def test_no_label_is_cut_off_at_the_edge(drawn):
    _chart, drawing = drawn
    assert cut_off(drawing) == []


def test_the_legend_stays_off_the_plot(drawn):
    chart, drawing = drawn
    assert not legend_on_plot(drawing), chart.title


def test_the_checks_catch_crowded_labels_and_a_legend_on_the_plot():
    """What the charts did before: years written level under every bar, the legend inside."""

    def crowded(fig):
        ax = fig.add_subplot()
        ax.bar(range(10), range(10), label="Delivered value by financial year")
        ax.set_xticks(range(10), financial_years(10))
        ax.legend(loc="upper left").set_gid("legend")
        ax.patch.set_gid("plot-area")

    chart = charts.Chart("Crowded", "A crowded chart", None, crowded)
    found = problems(chart.svg())
    assert "'2025/26 (in progress)' runs into '2026/27 (to come)'" in found
    assert "the legend covers the plot" in found
    assert overlap(Box("a", ((0, 0), (2, 0), (2, 2), (0, 2))), Box("b", ((1, 1), (3, 1), (3, 3))))


# ----------------------------------------------------------------- what the reader sees, in words


def shown(drawing: Drawing) -> list[str]:
    return [b.text for b in drawing.texts]


def test_dashboard_quarters_name_each_year_once_beneath_them():
    drawing = read(dashboard(8, THEMES[:4]).svg())
    texts = shown(drawing)
    # 2025 Q1 to 2026 Q4: "Jan–Mar" under two bars, each year once beneath its four quarters.
    assert texts.count("2025") == texts.count("2026") == 1
    assert texts.count("Jan–Mar") == 2 and "Jan–Mar 2025" not in texts


def test_annual_years_are_all_named_at_ten_years():
    texts = shown(read(CHARTS["annual by year, 10 years"]().svg()))
    for label in financial_years(10):
        assert label in texts


def test_evaluation_chart_marks_the_current_weight():
    chart = tender_evaluation(["A", "B", "C"], 25)
    drawing = read(chart.svg())
    (label,) = [b for b in drawing.texts if b.text == "Current weight: 25%"]
    x0, y0, x1, _y1 = drawing.plot_area
    # Labelled above the plot, where no bid's line can run, halfway between 20% and 30%.
    assert max(y for _x, y in label.corners) <= y0
    ticks = {b.text: b for b in drawing.texts if b.text in ("20%", "30%")}
    centre = lambda box: sum(x for x, _y in box.corners) / 4  # noqa: E731
    halfway = (centre(ticks["20%"]) + centre(ticks["30%"])) / 2
    assert min(x for x, _y in label.corners) == pytest.approx(halfway + 3, abs=1.0)
    assert "A vertical line marks Current weight: 25%." in chart.alt


def test_a_long_category_name_is_shortened_on_the_chart_but_whole_in_its_table():
    chart = CHARTS["tender score breakdown, 8 long names"]()
    assert [row[0] for row in chart.table.rows] == LONG_NAMES[:8]
    assert any("…" in text for text in shown(read(chart.svg())))


# ------------------------------------------------------------------ the estimate is conservative


@pytest.mark.parametrize("bold", [False, True], ids=["regular", "bold"])
def test_width_estimate_is_never_narrower_than_the_font(bold):
    measure = TextToPath()
    font = FontProperties(family="DejaVu Sans", size=10, weight="bold" if bold else "normal")
    samples = [
        "".join(chr(c) for c in range(33, 127)),
        "WWWWMMMMmmmmwwww%%%%@@@@",
        "Apr–Jun 2025",
        "£1,234,567",
        "2025/26 (in progress)",
        "Goal 8: Decent work and economic growth",
        "iiiilllljjjj....",
        *LONG_NAMES[:2],
        *THEMES,
    ]
    for sample in samples + list(samples[0]):
        actual, _height, _descent = measure.get_text_width_height_descent(sample, font, False)
        assert text_width(sample, 10, bold=bold) >= actual, sample
