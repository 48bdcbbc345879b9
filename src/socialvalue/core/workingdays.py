"""Working days in England and Wales: weekdays that are not bank holidays.

The Procurement Act 2023 counts a standstill period in working days, which leave out Saturdays,
Sundays and the bank holidays of the part of the United Kingdom concerned. The bank holidays
here follow the rules in force since 1978 (New Year's Day, Good Friday, Easter Monday, the early
May, spring and summer bank holidays, Christmas Day and Boxing Day, each moved to the next
weekday when it falls at a weekend), with the one-off changes announced by royal proclamation
and published on gov.uk (`MOVED` and `ADDED`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

SATURDAY = 5

#: Bank holidays moved by proclamation: the year's usual date -> the date it was held instead.
MOVED: dict[dt.date, dt.date] = {
    # The early May bank holiday for the 50th anniversary of VE day.
    dt.date(1995, 5, 1): dt.date(1995, 5, 8),
    # The spring bank holiday for the Golden Jubilee.
    dt.date(2002, 5, 27): dt.date(2002, 6, 4),
    # The spring bank holiday for the Diamond Jubilee.
    dt.date(2012, 5, 28): dt.date(2012, 6, 4),
    # The early May bank holiday for the 75th anniversary of VE day.
    dt.date(2020, 5, 4): dt.date(2020, 5, 8),
    # The spring bank holiday for the Platinum Jubilee.
    dt.date(2022, 5, 30): dt.date(2022, 6, 2),
}

#: Extra bank holidays declared for one year only.
ADDED: frozenset[dt.date] = frozenset(
    {
        dt.date(1999, 12, 31),  # The millennium.
        dt.date(2002, 6, 3),  # The Golden Jubilee.
        dt.date(2011, 4, 29),  # The wedding of Prince William and Catherine Middleton.
        dt.date(2012, 6, 5),  # The Diamond Jubilee.
        dt.date(2022, 6, 3),  # The Platinum Jubilee.
        dt.date(2022, 9, 19),  # The state funeral of Queen Elizabeth II.
        dt.date(2023, 5, 8),  # The coronation of King Charles III.
    }
)


def easter_sunday(year: int) -> dt.date:
    """Easter Day in the Gregorian calendar (the anonymous Gregorian computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = following - dt.timedelta(days=1)
    return last - dt.timedelta(days=last.weekday())


def _substitutes(days: Iterable[dt.date]) -> list[dt.date]:
    """Each fixed-date holiday, moved to the next weekday not already a holiday when it falls at
    a weekend (Christmas on a Saturday is kept on Monday 27th and Boxing Day on Tuesday 28th)."""
    held: list[dt.date] = []
    for day in days:
        while day.weekday() >= SATURDAY or day in held:
            day += dt.timedelta(days=1)
        held.append(day)
    return held


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """The bank holidays in England and Wales in `year` (from 1978, when the rules took this form)."""
    easter = easter_sunday(year)
    by_rule = [
        easter - dt.timedelta(days=2),
        easter + dt.timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    ]
    days = {MOVED.get(day, day) for day in by_rule}
    days.update(_substitutes([dt.date(year, 1, 1)]))
    days.update(_substitutes([dt.date(year, 12, 25), dt.date(year, 12, 26)]))
    days.update(day for day in ADDED if day.year == year)
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < SATURDAY and day not in bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day of a period beginning with `start` (`start` counts when it is a
    working day itself). With `days` 0, the day before the first working day: no period at all.

    This is how the Procurement Act 2023 (section 51) counts a standstill: "the period of eight
    working days beginning with the day" the contract details notice is published.
    """
    if days < 0:
        raise ValueError("a number of working days cannot be negative")
    day = start - dt.timedelta(days=1)
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(first: dt.date, last: dt.date) -> int:
    """How many working days there are from `first` to `last`, both included."""
    count = 0
    day = first
    while day <= last:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count
