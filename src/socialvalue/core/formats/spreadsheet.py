"""Spreadsheet safety: text written to a workbook must never be run as a formula by Excel."""

from __future__ import annotations

from typing import Any

from socialvalue.core.text import for_export

#: A cell starting with one of these may be read as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """Text as every CSV and Excel writer writes it: without the control characters a workbook
    cannot hold (`socialvalue.core.text.for_export`), and with ``'`` before text that would start a
    formula; numbers, None and other values pass as they are."""
    value = for_export(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unsafe_text(value: Any) -> Any:
    """Undo ``safe_text`` when reading back a workbook this package wrote."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
