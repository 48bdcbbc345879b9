"""Price-year uplift and valuing quantities, checked by hand and by property."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialvalue.core.errors import InputError
from socialvalue.core.valuation import (
    DeflatorTable,
    Valuation,
    load_deflators,
    load_shipped,
    uplift,
    uplift_factor,
    value_quantity,
)

TABLE = load_deflators()
YEARS = st.integers(min_value=TABLE.first_year, max_value=TABLE.last_year)
AMOUNTS = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


def test_table_covers_1990_to_2024_with_2024_as_base():
    assert (TABLE.first_year, TABLE.last_year) == (1990, 2024)
    assert TABLE.base_year == 2024
    assert TABLE.index[2024] == 100.0
    assert TABLE.licence == "Open Government Licence v3.0"


def test_deflators_are_read_once():
    assert load_deflators() is load_deflators()


def test_uplift_worked_examples():
    # By hand: £13,000 WELLBY in 2019 prices -> 2024 prices = 13000 * 100 / 81.1085
    assert uplift(13000, 2019, 2024) == pytest.approx(16027.91, abs=0.01)
    # £9,234 in 2012 prices -> 2024: 9234 * 100 / 71.9294
    assert uplift(9234, 2012, 2024) == pytest.approx(12837.6, abs=0.1)
    # Backwards: £100 in 2024 prices is £96.2507 in 2023 prices
    assert uplift(100, 2024, 2023) == pytest.approx(96.2507)
    assert uplift_factor(2023, 2024) == pytest.approx(100 / 96.2507)


def test_same_year_returns_value_even_outside_the_table():
    assert uplift(123.45, 2024, 2024) == 123.45
    assert uplift(5, 2030, 2030) == 5


@pytest.mark.parametrize(("from_year", "to_year", "bad"), [(1985, 2024, 1985), (2019, 2026, 2026)])
def test_year_outside_table_names_year_and_range(from_year, to_year, bad):
    with pytest.raises(InputError) as info:
        uplift(100, from_year, to_year)
    text = str(info.value)
    assert str(bad) in text and "1990" in text and "2024" in text


@pytest.mark.parametrize("year", ["2020", 2020.0, True, None])
def test_year_must_be_an_int(year):
    with pytest.raises(InputError):
        uplift(1, year, 2024)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [math.nan, math.inf, "12", None])
def test_value_must_be_a_finite_number(value):
    with pytest.raises(InputError):
        uplift(value, 2020, 2024)  # type: ignore[arg-type]


def test_custom_deflators_as_a_mapping():
    assert uplift(10, 2000, 2001, deflators={2000: 50.0, 2001: 100.0}) == 20
    with pytest.raises(InputError, match="2002"):
        uplift(10, 2000, 2002, deflators={2000: 50.0, 2001: 100.0})
    table = DeflatorTable(index={2000: 80.0, 2001: 100.0})
    assert uplift(8, 2000, 2001, deflators=table) == pytest.approx(10)


@given(AMOUNTS, YEARS)
def test_identity(value, year):
    assert uplift(value, year, year) == value


@given(AMOUNTS, YEARS, YEARS)
def test_round_trip(value, a, b):
    assert uplift(uplift(value, a, b), b, a) == pytest.approx(value, rel=1e-12, abs=1e-6)


@given(YEARS, YEARS, YEARS)
def test_factors_chain(a, b, c):
    assert uplift_factor(a, b) * uplift_factor(b, c) == pytest.approx(uplift_factor(a, c))


@given(st.floats(min_value=0, max_value=1e9), YEARS, YEARS)
def test_uplift_is_linear_and_keeps_sign(value, a, b):
    assert uplift(2 * value, a, b) == pytest.approx(2 * uplift(value, a, b))
    assert uplift(value, a, b) >= 0
    assert uplift(-value, a, b) == pytest.approx(-uplift(value, a, b))


def test_value_quantity_trail():
    v = value_quantity(12, 1234.50, 2023, 2024, deflators={2023: 100.0, 2024: 103.4})
    assert isinstance(v, Valuation)
    assert v.amount == pytest.approx(12 * 1234.50 * 1.034)
    assert v.uplift_factor == pytest.approx(1.034)
    shown = v.as_dict()
    assert shown["quantity"] == 12
    assert shown["proxy_value"] == 1234.50
    assert shown["proxy_price_year"] == 2023
    assert shown["price_year"] == 2024
    assert shown["explanation"] == (
        "12 × £1,234.50 (2023 prices) × 1.034 uplift = £15,318 in 2024 prices"
    )


def test_value_quantity_same_year_has_no_uplift_step():
    v = value_quantity(2.5, 100, 2024, 2024)
    assert v.amount == 250 and v.uplift_factor == 1.0
    assert v.explain() == "2.5 × £100.00 (2024 prices) = £250 in 2024 prices"


def test_value_quantity_allows_negative_outcomes():
    v = value_quantity(-3, 1000, 2024, 2024)
    assert v.amount == -3000
    assert v.explain().endswith("= -£3,000 in 2024 prices")


def test_value_quantity_reports_every_bad_argument():
    with pytest.raises(InputError) as info:
        value_quantity("x", None, 2020, "2024")  # type: ignore[arg-type]
    places = {p.place for p in info.value.problems}
    assert places == {"quantity", "proxy_value", "report_price_year"}


def test_value_quantity_names_the_out_of_range_year():
    with pytest.raises(InputError) as info:
        value_quantity(1, 100, 2019, 2026)
    assert info.value.problems[0].place == "report_price_year"
    assert "2026" in info.value.problems[0].message


def test_load_shipped_parses_yaml_and_returns_fresh_copies():
    first = load_shipped("gdp-deflators.yaml")
    first["index"].clear()
    assert load_shipped("gdp-deflators.yaml")["index"][2024] == 100.0
    assert "sdgs.yaml" in load_shipped("README.md")


@pytest.mark.parametrize("name", ["missing.yaml", "../errors.py", "/etc/passwd"])
def test_load_shipped_rejects_unknown_files(name):
    with pytest.raises(InputError):
        load_shipped(name)
