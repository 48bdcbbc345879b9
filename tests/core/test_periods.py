"""Financial years and reporting periods: calendar rules, tested without Django."""

import datetime as dt

import pytest

from socialvalue.core.periods import (
    add_months,
    financial_year,
    financial_year_label,
    reporting_periods,
)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2025, 3, 31), 2024),
        (dt.date(2025, 4, 1), 2025),
        (dt.date(2025, 12, 31), 2025),
        (dt.date(2026, 1, 1), 2025),
    ],
)
def test_a_financial_year_runs_from_april_and_is_named_by_its_first_year(day, year):
    assert financial_year(day) == year


@pytest.mark.parametrize(
    ("year", "label"), [(2025, "2025/26"), (1999, "1999/00"), (2009, "2009/10")]
)
def test_the_label_is_the_first_year_and_the_last_two_digits_of_the_next(year, label):
    assert financial_year_label(year) == label


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),  # a leap February
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 11, 15), 3, dt.date(2025, 2, 15)),  # across the year end
        (dt.date(2024, 8, 31), 12, dt.date(2025, 8, 31)),
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_quarterly_periods_cover_the_contract_and_the_last_is_cut_at_the_end():
    periods = reporting_periods(dt.date(2024, 1, 31), dt.date(2024, 12, 15), 3)
    assert periods[0] == (dt.date(2024, 1, 31), dt.date(2024, 4, 29))
    assert periods[-1][1] == dt.date(2024, 12, 15)
    assert len(periods) == 4
    assert all(
        b[0] - a[1] == dt.timedelta(days=1) for a, b in zip(periods, periods[1:], strict=False)
    )


def test_a_one_day_contract_has_one_period_and_an_end_before_the_start_none():
    day = dt.date(2025, 4, 1)
    assert reporting_periods(day, day, 12) == [(day, day)]
    assert reporting_periods(day, day - dt.timedelta(days=1), 12) == []


def test_a_year_of_monthly_periods_from_april_is_one_financial_year():
    periods = reporting_periods(dt.date(2025, 4, 1), dt.date(2026, 3, 31), 1)
    assert len(periods) == 12
    assert {financial_year(last) for _, last in periods} == {2025}
