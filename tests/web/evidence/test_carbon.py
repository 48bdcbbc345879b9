"""A carbon measure's evidence is valued with the carbon value of the emission's year, not one
fixed year's figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from socialvalue.core.valuation import value_quantity
from socialvalue.web.evidence import services
from tests.web.evidence.factories import activity
from tests.web.planning.factories import starter_measure

pytestmark = pytest.mark.django_db


def _record(org, start, end, quantity="10"):
    return services.record_evidence(
        organisation=org,
        recorded_by=None,
        measure=starter_measure("SV-ENV-01"),
        activity=activity(org),
        quantity=Decimal(quantity),
        period_start=start,
        period_end=end,
    )


def test_emissions_avoided_in_2025_take_the_2025_value_and_2026_the_2026_value(demo_world):
    org = demo_world.alice_org
    in_2025 = _record(org, dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    in_2026 = _record(org, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert (in_2025.proxy_value, in_2025.proxy_price_year) == (Decimal("273.06"), 2022)
    assert (in_2026.proxy_value, in_2026.proxy_price_year) == (Decimal("277.22"), 2022)
    year = services.report_price_year()
    expected = value_quantity(10, 273.06, 2022, year).amount
    assert float(in_2025.value) == pytest.approx(expected, abs=0.01)
    assert in_2026.value > in_2025.value


def test_moving_the_period_to_another_year_revalues_the_record(demo_world):
    record = _record(demo_world.alice_org, dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    services.update_evidence(
        record, period_start=dt.date(2024, 4, 1), period_end=dt.date(2024, 4, 30)
    )
    record.refresh_from_db()
    assert record.proxy_value == Decimal("268.97")


def test_a_year_outside_the_series_is_counted_not_valued_and_says_why(demo_world):
    record = _record(demo_world.alice_org, dt.date(2019, 4, 1), dt.date(2019, 4, 30))
    assert record.value is None
    assert "2019 is outside the carbon values (2020 to 2050)" in services.why_not_valued(record)


def test_a_fixed_proxy_ignores_the_period(demo_world):
    wellby = starter_measure("SV-WB-01")
    for start in (dt.date(2024, 4, 1), dt.date(2025, 4, 1)):
        rate = services.rate_for(wellby, start, start + dt.timedelta(days=29))
        assert (rate.proxy_value, rate.proxy_price_year) == (Decimal("13000"), 2019)
