"""Discount factors: constant rates, the Green Book schedules and their band crossings."""

import math

import numpy as np
import pytest

from socialvalue.core.discounting import (
    discount_factors,
    schedule_discount_factors,
    year_discount_factors,
    year_times,
)


def test_constant_rate_matches_the_formula():
    # DF(t) = (1 + r) ** -t; at 3.5 %: DF(1) = 1/1.035, DF(2) = 1/1.035**2
    df = discount_factors([0, 1, 2, 2.5], 0.035)
    assert df == pytest.approx([1.0, 1 / 1.035, 1.035**-2, 1.035**-2.5], rel=1e-12)


def test_conventions_shift_the_times():
    assert list(year_times([1, 2, 3], "end")) == [1, 2, 3]
    assert list(year_times([1, 2, 3], "start")) == [0, 1, 2]
    assert list(year_times([1, 2, 3], "mid")) == [0.5, 1.5, 2.5]
    with pytest.raises(ValueError):
        year_times([1], "middle")


def test_greenbook_is_three_and_a_half_percent_up_to_thirty_years():
    t = np.array([0, 1, 10, 29.5, 30])
    assert schedule_discount_factors(t, "greenbook") == pytest.approx(1.035**-t, rel=1e-12)


def test_greenbook_compounds_piecewise_across_the_thirty_year_band():
    df30 = 1.035**-30
    # DF(31) = DF(30) / 1.03 and DF(32) = DF(30) / 1.03**2 (the 3.0 % band)
    df = discount_factors([30, 31, 32], "greenbook")
    assert df == pytest.approx([df30, df30 / 1.03, df30 / 1.03**2], rel=1e-12)


def test_greenbook_fractional_time_takes_its_own_band_rate():
    df30 = 1.035**-30
    # t = 30.5 lies in (30, 75]: half a year at 3.0 % after DF(30)
    assert discount_factors(30.5, "greenbook") == pytest.approx(df30 * 1.03**-0.5, rel=1e-12)
    # t = 75.5: 30 years at 3.5 %, 45 at 3.0 %, half a year at 2.5 %
    expected = 1.035**-30 * 1.03**-45 * 1.025**-0.5
    assert discount_factors(75.5, "greenbook") == pytest.approx(expected, rel=1e-12)


def test_greenbook_far_bands():
    # t = 301: 30 @3.5, 45 @3.0, 50 @2.5, 75 @2.0, 100 @1.5, 1 @1.0
    expected = 1.035**-30 * 1.03**-45 * 1.025**-50 * 1.02**-75 * 1.015**-100 / 1.01
    assert discount_factors(301, "greenbook") == pytest.approx(expected, rel=1e-10)


def test_greenbook_health_bands():
    df30 = 1.015**-30
    df = discount_factors([30, 31, 76], "greenbook-health")
    assert df[0] == pytest.approx(df30, rel=1e-12)
    assert df[1] == pytest.approx(df30 / 1.01286, rel=1e-12)
    assert df[2] == pytest.approx(df30 * 1.01286**-45 / 1.01071, rel=1e-12)


def test_rates_vectorise_to_one_row_per_rate():
    rates = np.array([0.0, 0.035, 0.1])
    df = year_discount_factors(3, rates, "end")
    assert df.shape == (3, 3)
    assert df[0] == pytest.approx([1, 1, 1])
    assert df[2] == pytest.approx([1.1**-1, 1.1**-2, 1.1**-3], rel=1e-12)


def test_unknown_schedule_is_refused():
    with pytest.raises(ValueError):
        discount_factors(1, "greenbok")


def test_schedule_is_continuous_and_decreasing():
    t = np.linspace(0, 400, 4001)
    df = discount_factors(t, "greenbook")
    assert np.all(np.diff(df) < 0)
    assert math.isclose(df[0], 1.0)
