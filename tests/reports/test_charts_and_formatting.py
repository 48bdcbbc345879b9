"""Charts carry titles, alt text and their data; money and ratios read the same everywhere."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from socialvalue.reports import charts
from socialvalue.reports.formatting import format_value, money, percent, ratio, short_money


@pytest.mark.parametrize(
    "chart",
    [
        charts.bar("Value by theme", ["Jobs", "Health"], [3.0, 1.0]),
        charts.grouped_bar("By theme", ["Jobs"], {"Committed": [2.0], "Delivered": [1.0]}),
        charts.stacked_bar("By year", [2024, 2025], {"Fiscal": [1.0, 2.0], "Wider": [3.0, 4.0]}),
        charts.line("Timeline", ["Q1", "Q2"], {"Committed": [1.0, 2.0], "Delivered": [0.5, None]}),
        charts.tornado("Sensitivity", [("Deadweight", 2.0, 4.0)], 3.0),
        charts.histogram("Spread", [1.0, 2.0, 2.5, 3.0], markers={"Median": 2.2}),
    ],
    ids=lambda c: c.title,
)
def test_every_chart_gives_svg_with_its_title_and_text_and_a_png(chart):
    svg = chart.svg()
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert chart.title in svg  # drawn as text, not as paths, so PDF readers find it
    assert chart.alt and chart.alt.startswith(("Bar", "Stacked", "Line", "Tornado", "Histogram"))
    image = Image.open(io.BytesIO(chart.png(dpi=72)))
    assert image.format == "PNG" and image.width > 400
    assert chart.table.rows  # the data behind the picture


def test_same_chart_same_svg():
    make = lambda: charts.bar("Value", ["A"], [1.0]).svg()  # noqa: E731
    assert make() == make()


def test_alt_text_names_the_largest_values_first():
    chart = charts.bar("Value by provider", ["Small", "Big"], [10.0, 1_000_000.0])
    assert chart.alt == "Bar chart: Value by provider. Big £1,000,000; Small £10."


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (1234567.49, "money", "£1,234,567"),
        (-250.0, "money", "-£250"),
        (-0.2, "money", "£0"),
        (2.5, "money_pence", "£2.50"),
        (0.254, "percent", "25.4%"),
        (3.456, "ratio", "3.46 : 1"),
        (None, "ratio", "n/a"),
        (1500.5, "number", "1,500.5"),
        (1500.0, "number", "1,500"),
        (2024, "year", "2024"),
        ("Text", "text", "Text"),
    ],
)
def test_values_are_formatted_in_one_way(value, kind, shown):
    assert format_value(value, kind) == shown


def test_short_money_for_axes():
    assert [short_money(v) for v in (950, 35_000, 1_250_000, 2e9)] == [
        "£950",
        "£35k",
        "£1.2m",
        "£2.0bn",
    ]
    assert money(None) == percent(None) == ratio(float("inf")) == "n/a"


def test_a_chart_of_zeros_says_so_without_negative_zero_ticks():
    svg = charts.grouped_bar(
        "Nothing yet", ["Jobs"], {"Committed": [0.0], "Delivered": [0.0]}
    ).svg()
    assert "All values are zero" in svg and "-£0" not in svg
