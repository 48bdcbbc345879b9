"""The ranges numbers and dates must lie in before any arithmetic is done with them.

A date of 9999-12-31 cannot have a month added to it: it fails deep inside a calculation. These
checks come first, and say which field was out of range and what range is allowed. Forms check every
date field with `date_problem` (socialvalue.web.forms); domain functions that do date arithmetic
check their dates with `date_problems`, so the API is held to the same range.
"""

from __future__ import annotations

import datetime as dt

#: The earliest and latest dates any field takes: far wider than any plan, contract or period.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)


def date_problem(value: dt.date | None) -> str | None:
    """Why this date is out of range, or None (None and dates in range pass)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if value < EARLIEST_DATE or value > LATEST_DATE:
        return (
            f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}: "
            f"{value.isoformat()} is out of range."
        )
    return None


def date_problems(**dates: dt.date | None) -> dict[str, str]:
    """{field: problem} for each of the named dates out of range."""
    return {name: problem for name, value in dates.items() if (problem := date_problem(value))}
