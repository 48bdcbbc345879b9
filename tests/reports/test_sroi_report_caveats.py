"""The SROI report says what its figures cannot show: no range when nothing is uncertain, no
payback in months when the horizon never reaches it; and its proxies are in the map's price year."""

from __future__ import annotations

import copy

import pytest

from socialvalue.core.sroi import calculate, load_impact_map
from socialvalue.reports.document import BulletList, Markdown, Paragraph, Section, Table
from socialvalue.reports.sroi import sroi_document

MAP = {
    "title": "Lunch club",
    "price_year": 2024,
    "inputs": [{"stakeholder": "Council", "value": 10000}],
    "outcomes": [
        {
            "id": "o1",
            "stakeholder": "Members",
            "description": "Less lonely",
            "quantity": 10,
            "proxy": {"value": 1300, "price_year": 2019, "source": "HM Treasury"},
            "duration": 2,
            "deadweight": 0.2,
            "uncertainty": {"quantity": {"dist": "uniform", "low": 5, "high": 15}},
        }
    ],
}


def _texts(sections: list[Section]) -> list[str]:
    out: list[str] = []
    for section in sections:
        out.append(section.title)
        for block in section.blocks:
            if isinstance(block, Paragraph | Markdown):
                out.append(block.text)
            elif isinstance(block, BulletList):
                out.extend(block.items)
            elif isinstance(block, Table):
                out.append(block.title)
        out.extend(_texts(section.sections))
    return out


def _document(data, draws=200):
    return sroi_document(load_impact_map(data), draws=draws, seed=1)


def test_no_uncertainty_given_instead_of_a_range_or_a_chance():
    data = copy.deepcopy(MAP)
    del data["outcomes"][0]["uncertainty"]
    doc = _document(data)
    labels = [k.label for k in doc.key_figures]
    assert not any("below 1 : 1" in label for label in labels)
    text = " ".join(_texts(doc.sections))
    assert "No uncertainty given" in text
    assert "SROI ratio percentiles" not in text
    assert "90% of" not in " ".join(k.note for k in doc.key_figures)


def test_a_map_with_a_distribution_keeps_its_range_and_chance():
    doc = _document(MAP)
    chance = [k for k in doc.key_figures if "below 1 : 1" in k.label]
    assert chance and "90% of 200 draws" in chance[0].note
    assert "SROI ratio percentiles" in " ".join(_texts(doc.sections))


def test_payback_beyond_the_horizon_is_said_instead_of_months():
    data = copy.deepcopy(MAP)
    data["inputs"][0]["value"] = 100000
    result = calculate(load_impact_map(data))
    assert result.payback_within_horizon is False
    doc = _document(data, draws=0)
    [payback] = [k for k in doc.key_figures if k.label.startswith("Payback")]
    assert payback.value is None
    assert "not reached within the 2-year horizon" in payback.note
    assert "not paid back within the analysis's 2 years" in " ".join(_texts(doc.sections))


def test_payback_within_the_horizon_keeps_months():
    doc = _document(MAP, draws=0)
    [payback] = [k for k in doc.key_figures if k.label.startswith("Payback")]
    assert payback.value == pytest.approx(calculate(load_impact_map(MAP)).payback_months)


def test_proxies_table_gives_the_value_restated_to_the_maps_year():
    doc = _document(MAP, draws=0)
    tables = [
        b
        for s in doc.sections
        for sub in [s, *s.sections]
        for b in sub.blocks
        if isinstance(b, Table)
    ]
    [proxies] = [t for t in tables if t.title == "Financial proxies and their sources"]
    headings = [c.heading for c in proxies.columns]
    assert "Value in 2024 prices" in headings
    row = proxies.rows[0]
    assert row[headings.index("Value")] == 1300
    assert row[headings.index("Value in 2024 prices")] == pytest.approx(
        1300 * 100 / 81.1085, rel=1e-12
    )
    text = " ".join(_texts(doc.sections))
    assert "restated to 2024 prices with the HM Treasury GDP deflator" in text
