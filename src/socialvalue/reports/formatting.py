"""How numbers read in every report: money, percentages, ratios and counts, formatted in one place."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

#: Excel number formats, one per kind, so a workbook shows what the screen shows.
EXCEL_FORMATS: dict[str, str] = {
    "money": '"£"#,##0;-"£"#,##0',
    "money_pence": '"£"#,##0.00;-"£"#,##0.00',
    "number": "#,##0.##",
    "integer": "#,##0",
    "percent": "0.0%",
    "ratio": '0.00" : 1"',
    "date": "yyyy-mm-dd",
    "year": "0",
}

#: Shown where a figure cannot be computed (a ratio with no investment, an empty portfolio).
NOT_AVAILABLE = "n/a"


def money(value: float | int | None, *, pence: bool = False) -> str:
    """`£1,234,567` (or `£1,234.50` with pence); negative as `-£250`."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NOT_AVAILABLE
    amount = round(float(value), 2 if pence else 0)
    if amount == 0:
        amount = 0.0  # never "-£0"
    text = f"£{abs(amount):,.2f}" if pence else f"£{abs(amount):,.0f}"
    return "-" + text if amount < 0 else text


def short_money(value: float | int | None) -> str:
    """`£1.2m`, `£350k`, `£950`: for chart axes and labels where space is tight."""
    if value is None:
        return NOT_AVAILABLE
    amount = float(value)
    sign = "-" if amount <= -0.5 else ""  # never "-£0"
    amount = abs(amount)
    if amount >= 1e9:
        return f"{sign}£{amount / 1e9:.1f}bn"
    if amount >= 1e6:
        return f"{sign}£{amount / 1e6:.1f}m"
    if amount >= 1e4:
        return f"{sign}£{amount / 1e3:.0f}k"
    return f"{sign}£{amount:,.0f}"


def percent(value: float | None) -> str:
    """A fraction as a percentage: 0.254 -> `25.4%`."""
    if value is None or not math.isfinite(value):
        return NOT_AVAILABLE
    return f"{value * 100:.1f}%"


def ratio(value: float | None) -> str:
    """An SROI-style ratio: 3.456 -> `3.46 : 1` (value per £1 invested)."""
    if value is None or not math.isfinite(value):
        return NOT_AVAILABLE
    return f"{value:,.2f} : 1"


def number(value: float | int | None) -> str:
    """A count or quantity: thousands separated, at most two decimals, no trailing zeros."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NOT_AVAILABLE
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_value(value: Any, kind: str = "text") -> str:
    """Any cell or figure as the screen, the PDF and Word show it."""
    if value is None:
        return "" if kind == "text" else NOT_AVAILABLE
    if kind == "money":
        return money(value)
    if kind == "money_pence":
        return money(value, pence=True)
    if kind == "percent":
        return percent(value)
    if kind == "ratio":
        return ratio(value)
    if kind in ("number", "integer"):
        return number(round(value) if kind == "integer" else value)
    if kind == "year":
        return str(value)
    if kind == "date" and isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def spreadsheet_value(value: Any, kind: str) -> Any:
    """A cell as Excel and CSV store it: numbers as numbers (money to the penny), text as text."""
    if value is None:
        return None
    if kind in ("money", "money_pence") and isinstance(value, int | float):
        return round(float(value), 2)
    if kind == "integer" and isinstance(value, int | float):
        return int(round(value))
    return value
