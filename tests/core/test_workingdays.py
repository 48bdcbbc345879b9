"""Bank holidays in England and Wales and working days, against the dates published on gov.uk."""

import datetime as dt

import pytest

from socialvalue.core.workingdays import (
    add_working_days,
    bank_holidays,
    easter_sunday,
    is_working_day,
    working_days_between,
)

D = dt.date

#: https://www.gov.uk/bank-holidays (England and Wales), as published.
PUBLISHED = {
    2020: [D(2020, 1, 1), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 8), D(2020, 5, 25),
           D(2020, 8, 31), D(2020, 12, 25), D(2020, 12, 28)],
    2021: [D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3), D(2021, 5, 31),
           D(2021, 8, 30), D(2021, 12, 27), D(2021, 12, 28)],
    2022: [D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2), D(2022, 6, 2),
           D(2022, 6, 3), D(2022, 8, 29), D(2022, 9, 19), D(2022, 12, 26), D(2022, 12, 27)],
    2023: [D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8),
           D(2023, 5, 29), D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26)],
    2024: [D(2024, 1, 1), D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 6), D(2024, 5, 27),
           D(2024, 8, 26), D(2024, 12, 25), D(2024, 12, 26)],
    2025: [D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5), D(2025, 5, 26),
           D(2025, 8, 25), D(2025, 12, 25), D(2025, 12, 26)],
    2026: [D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25),
           D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28)],
    2027: [D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31),
           D(2027, 8, 30), D(2027, 12, 27), D(2027, 12, 28)],
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_bank_holidays_are_the_published_ones(year):
    assert sorted(bank_holidays(year)) == PUBLISHED[year]


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2000, D(2000, 4, 23)), (2019, D(2019, 4, 21)), (2024, D(2024, 3, 31)),
     (2038, D(2038, 4, 25)), (2285, D(2285, 3, 22))],
)  # fmt: skip
def test_easter_by_the_computus(year, easter):
    assert easter_sunday(year) == easter


def test_one_off_changes_replace_the_usual_day():
    # The 2020 early May holiday moved to VE day: 4 May was a working Monday.
    assert is_working_day(D(2020, 5, 4)) and not is_working_day(D(2020, 5, 8))
    # The 2022 spring holiday moved to 2 June: 30 May was a working Monday.
    assert is_working_day(D(2022, 5, 30))
    assert not is_working_day(D(2022, 9, 19)) and not is_working_day(D(2023, 5, 8))


def test_eight_working_days_skip_weekends_and_christmas():
    # Thursday 17 December 2026 counts as the first day; Christmas Day is a Friday and Boxing
    # Day's substitute is Monday 28th, so the eighth working day is Wednesday 30th.
    assert add_working_days(D(2026, 12, 17), 8) == D(2026, 12, 30)
    # Over Easter 2027 (Good Friday 26 March, Easter Monday 29 March).
    assert add_working_days(D(2027, 3, 22), 8) == D(2027, 4, 2)
    # A notice published on a Saturday: the period starts on the Monday.
    assert add_working_days(D(2026, 6, 6), 8) == D(2026, 6, 17)
    assert working_days_between(D(2026, 12, 17), D(2026, 12, 30)) == 8


def test_no_days_and_negative_days():
    assert add_working_days(D(2026, 6, 10), 0) == D(2026, 6, 9)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 6, 10), -1)
