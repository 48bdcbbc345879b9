"""The calendar rules of reporting: UK financial years and a contract's reporting periods.

UK public bodies report by financial year, 1 April to 31 March, named by the calendar year it
starts in: 2025 is April 2025 to March 2026, written 2025/26. A contract reports in
consecutive periods of one, three, six or twelve months from its start date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Final

#: The month a financial year starts in.
FIRST_MONTH: Final = 4


def financial_year(day: dt.date) -> int:
    """The UK financial year (1 April to 31 March) containing `day`, named by its first calendar year."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def financial_year_label(year: int) -> str:
    """2025 -> "2025/26": the financial year as UK public bodies write it."""
    return f"{year}/{(year + 1) % 100:02d}"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day where it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reporting_periods(start: dt.date, end: dt.date, months: int) -> list[tuple[dt.date, dt.date]]:
    """Consecutive periods from `start`, each `months` long, the last one cut at `end`.

    None when `end` is before `start`; the web refuses such a contract before it asks.
    """
    periods = []
    index = 0
    while True:
        first = add_months(start, months * index)
        if first > end:
            break
        last = min(add_months(start, months * (index + 1)) - dt.timedelta(days=1), end)
        periods.append((first, last))
        index += 1
    return periods
