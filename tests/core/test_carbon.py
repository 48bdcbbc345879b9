"""Carbon values by emission year: the DESNZ 2022-prices series, each year its own figure."""

from __future__ import annotations

import datetime as dt

import pytest

from socialvalue.core.carbon import (
    carbon_value,
    emission_year,
    load_carbon_values,
    parse_series,
)
from socialvalue.core.errors import InputError


def test_each_emission_year_has_its_own_value_in_2022_prices():
    v2025 = carbon_value(2025)
    v2026 = carbon_value(2026)
    assert (v2025.value, v2026.value) == (273.06, 277.22)
    assert v2025.price_year == 2022 and v2025.band == "central"
    assert carbon_value(2025, "low").value == 136.53
    assert carbon_value(2025, "high").value == 409.6
    assert v2025.licence == "Open Government Licence v3.0" and v2025.confidence == "read"
    assert "DESNZ" in v2025.source and "Table 3" in v2025.source


def test_the_series_runs_2020_to_2050_and_rises_each_year():
    series = load_carbon_values()
    assert (series.first_year, series.last_year) == (2020, 2050)
    centrals = [series.values[y][1] for y in range(2020, 2051)]
    assert centrals == sorted(centrals) and len(set(centrals)) == len(centrals)
    assert all(low < central < high for low, central, high in series.values.values())


def test_a_year_or_band_outside_the_series_is_refused_by_name():
    with pytest.raises(InputError, match="2019 is outside the carbon values"):
        carbon_value(2019)
    with pytest.raises(InputError, match="'medium' is not one of low, central, high"):
        carbon_value(2025, "medium")


def test_an_emission_is_counted_in_the_year_of_its_periods_middle_day():
    assert emission_year(dt.date(2025, 12, 1), dt.date(2025, 12, 31)) == 2025
    assert emission_year(dt.date(2025, 4, 1), dt.date(2026, 3, 31)) == 2025
    assert emission_year(dt.date(2025, 11, 1), dt.date(2026, 4, 30)) == 2026
    with pytest.raises(InputError):
        emission_year(dt.date(2025, 2, 1), dt.date(2025, 1, 1))


def test_series_names():
    assert parse_series("carbon/central") == "central"
    assert parse_series("carbon/high") == "high"
    assert parse_series("carbon") == "central"
    assert parse_series("") is None and parse_series("other/x") is None
