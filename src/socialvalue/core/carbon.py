"""Carbon values by the year of the emission (DESNZ, 2022 prices), from `data/carbon-values.yaml`.

An emission avoided in a year is valued with that year's figure: the series rises each year, so
applying one year's value to another year's emissions over- or understates it. Pure functions,
no framework: evidence valuation calls `carbon_value` with the year of the record's period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from socialvalue.core.errors import InputError, Problem
from socialvalue.core.valuation import load_shipped

CARBON_FILE = "carbon-values.yaml"
BANDS: tuple[str, ...] = ("low", "central", "high")


@dataclass(frozen=True)
class CarbonSeries:
    """Pounds per tonne of CO2e for each emission year and band, all in one price year."""

    values: dict[int, tuple[float, float, float]]
    price_year: int
    source: str
    licence: str
    confidence: str
    confidence_note: str

    @property
    def first_year(self) -> int:
        return min(self.values)

    @property
    def last_year(self) -> int:
        return max(self.values)


@dataclass(frozen=True)
class CarbonValue:
    """One year's value per tonne, with where it came from."""

    emission_year: int
    band: str
    value: float
    price_year: int
    source: str
    licence: str
    confidence: str


@lru_cache(maxsize=1)
def load_carbon_values() -> CarbonSeries:
    data: dict[str, Any] = load_shipped(CARBON_FILE)
    meta = data["metadata"]
    values = {
        int(year): (float(low), float(central), float(high))
        for year, (low, central, high) in data["values"].items()
    }
    return CarbonSeries(
        values=values,
        price_year=int(meta["price_year"]),
        source=" ".join(str(meta["source"]).split()),
        licence=str(meta["licence"]),
        confidence=str(meta["confidence"]),
        confidence_note=" ".join(str(meta.get("confidence_note", "")).split()),
    )


def carbon_value(emission_year: int, band: str = "central") -> CarbonValue:
    """The value of one tonne of CO2e emitted (or avoided) in `emission_year`, in the series'
    price year. Raises InputError naming the year or band when the series has no such value."""
    series = load_carbon_values()
    if band not in BANDS:
        raise InputError(Problem("band", f"{band!r} is not one of {', '.join(BANDS)}"))
    if emission_year not in series.values:
        raise InputError(
            Problem(
                "emission_year",
                f"{emission_year} is outside the carbon values ({series.first_year} to "
                f"{series.last_year})",
            )
        )
    return CarbonValue(
        emission_year=emission_year,
        band=band,
        value=series.values[emission_year][BANDS.index(band)],
        price_year=series.price_year,
        source=series.source,
        licence=series.licence,
        confidence=series.confidence,
    )


def emission_year(start: dt.date, end: dt.date) -> int:
    """The calendar year an emission over a period is counted in: the year of the period's
    middle day, so a month or a quarter falls in its own year and a year from April to March
    in the calendar year that holds most of it."""
    if end < start:
        raise InputError(Problem("period_end", "is before the period's start"))
    return (start + (end - start) / 2).year


def parse_series(text: str) -> str | None:
    """The band of a measure's proxy series `carbon/<band>`, or None when it follows no series."""
    kind, _, band = (text or "").partition("/")
    if kind != "carbon":
        return None
    return band or "central"
