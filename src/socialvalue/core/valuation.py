"""Price-year uplift with GDP deflators, and valuing a quantity with a trail a reader can follow."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from socialvalue.core.errors import InputError, Problem

DATA_PACKAGE = "socialvalue"
DATA_DIR = "data"
DEFLATORS_FILE = "gdp-deflators.yaml"


@lru_cache(maxsize=32)
def _shipped_text(name: str) -> str:
    try:
        return resources.files(DATA_PACKAGE).joinpath(DATA_DIR, name).read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise InputError(Problem(name, "is not a data file shipped with socialvalue")) from exc


def load_shipped(name: str) -> Any:
    """Read a file shipped in `socialvalue/data`: YAML files come back parsed, others as text.

    Each call returns a fresh object, so a caller may change what it gets without touching
    what the next caller sees.
    """
    if "/" in name or "\\" in name or name.startswith("."):
        raise InputError(Problem(name, "is not a data file shipped with socialvalue"))
    text = _shipped_text(name)
    if name.endswith((".yaml", ".yml")):
        return yaml.safe_load(text)
    return text


@dataclass(frozen=True)
class DeflatorTable:
    """A GDP deflator series: year -> index, with where it came from."""

    index: Mapping[int, float]
    base_year: int | None = None
    name: str = ""
    source: str = ""
    licence: str = ""
    release: str = ""
    confidence: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def first_year(self) -> int:
        return min(self.index)

    @property
    def last_year(self) -> int:
        return max(self.index)

    def describe_range(self) -> str:
        if not self.index:
            return "the deflator table is empty"
        return f"the GDP deflator table covers {self.first_year} to {self.last_year}"


@lru_cache(maxsize=1)
def load_deflators() -> DeflatorTable:
    """The shipped HM Treasury GDP deflator series (read once, then cached)."""
    data = load_shipped(DEFLATORS_FILE)
    meta = data.get("metadata", {})
    index = {int(year): float(value) for year, value in data["index"].items()}
    return DeflatorTable(
        index=MappingProxyType(dict(sorted(index.items()))),
        base_year=meta.get("base_year"),
        name=meta.get("name", ""),
        source=meta.get("source", ""),
        licence=meta.get("licence", ""),
        release=meta.get("release", ""),
        confidence=meta.get("confidence", ""),
        metadata=MappingProxyType(dict(meta)),
    )


def _as_table(deflators: DeflatorTable | Mapping[int, float] | None) -> DeflatorTable:
    if deflators is None:
        return load_deflators()
    if isinstance(deflators, DeflatorTable):
        return deflators
    return DeflatorTable(index=MappingProxyType(dict(deflators)))


def _check_year(year: object, place: str) -> int:
    # bool is an int subclass, and True as a price year is always a slip.
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError(Problem(place, f"{year!r} is not a year"))
    return year


def _check_number(value: object, place: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(Problem(place, f"{value!r} is not a number"))
    number = float(value)
    if not math.isfinite(number):
        raise InputError(Problem(place, f"{value!r} is not a finite number"))
    return number


def _index_for(table: DeflatorTable, year: int, place: str) -> float:
    try:
        value = float(table.index[year])
    except KeyError:
        raise InputError(
            Problem(place, f"{year} is outside the deflator table: {table.describe_range()}")
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise InputError(
            Problem(place, f"the deflator for {year} is {value}, not a positive index")
        )
    return value


def uplift_factor(
    from_year: int,
    to_year: int,
    *,
    deflators: DeflatorTable | Mapping[int, float] | None = None,
) -> float:
    """The factor index[to_year] / index[from_year] that moves a value between price years."""
    from_year = _check_year(from_year, "from_year")
    to_year = _check_year(to_year, "to_year")
    if from_year == to_year:
        return 1.0
    table = _as_table(deflators)
    return _index_for(table, to_year, "to_year") / _index_for(table, from_year, "from_year")


def uplift(
    value: float,
    from_year: int,
    to_year: int,
    *,
    deflators: DeflatorTable | Mapping[int, float] | None = None,
) -> float:
    """Restate `value` from `from_year` prices in `to_year` prices: value * index[to] / index[from]."""
    amount = _check_number(value, "value")
    return amount * uplift_factor(from_year, to_year, deflators=deflators)


def _format_number(number: float) -> str:
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,.4f}".rstrip("0").rstrip(".")


def _format_money(amount: float, *, pence: bool) -> str:
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.2f}" if pence else f"{abs(amount):,.0f}"
    return f"{sign}£{text}"


@dataclass(frozen=True)
class Valuation:
    """A valued quantity and how it was reached, so every pound can be traced."""

    quantity: float
    proxy_value: float
    proxy_price_year: int
    uplift_factor: float
    price_year: int
    amount: float

    def explain(self) -> str:
        """One line a screen can show, e.g. "12 × £1,234.50 (2023 prices) × 1.034 uplift = £15,318 in 2024 prices"."""
        parts = [
            f"{_format_number(self.quantity)} × {_format_money(self.proxy_value, pence=True)}"
            f" ({self.proxy_price_year} prices)"
        ]
        if self.proxy_price_year != self.price_year:
            parts.append(f"{self.uplift_factor:.3f} uplift")
        return (
            " × ".join(parts)
            + f" = {_format_money(self.amount, pence=False)} in {self.price_year} prices"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "quantity": self.quantity,
            "proxy_value": self.proxy_value,
            "proxy_price_year": self.proxy_price_year,
            "uplift_factor": self.uplift_factor,
            "price_year": self.price_year,
            "amount": self.amount,
            "explanation": self.explain(),
        }


def value_quantity(
    quantity: float,
    proxy_value: float,
    proxy_price_year: int,
    report_price_year: int,
    deflators: DeflatorTable | Mapping[int, float] | None = None,
) -> Valuation:
    """Value `quantity` units at `proxy_value` each, restated in `report_price_year` prices.

    Negative quantities and proxies are allowed: a harm is valued, not hidden.
    """
    problems: list[Problem] = []
    checked: dict[str, Any] = {}
    for place, raw, check in (
        ("quantity", quantity, _check_number),
        ("proxy_value", proxy_value, _check_number),
        ("proxy_price_year", proxy_price_year, _check_year),
        ("report_price_year", report_price_year, _check_year),
    ):
        try:
            checked[place] = check(raw, place)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    try:
        factor = uplift_factor(
            checked["proxy_price_year"], checked["report_price_year"], deflators=deflators
        )
    except InputError as exc:
        renamed = {"from_year": "proxy_price_year", "to_year": "report_price_year"}
        raise InputError(
            [Problem(renamed.get(p.place, p.place), p.message) for p in exc.problems]
        ) from None
    amount = checked["quantity"] * checked["proxy_value"] * factor
    return Valuation(
        quantity=checked["quantity"],
        proxy_value=checked["proxy_value"],
        proxy_price_year=checked["proxy_price_year"],
        uplift_factor=factor,
        price_year=checked["report_price_year"],
        amount=amount,
    )


# ---------------------------------------------------------------- one price basis for sums of pounds

PENNY = Decimal("0.01")


def check_price_year(
    year: object,
    place: str = "price_year",
    *,
    deflators: DeflatorTable | Mapping[int, float] | None = None,
) -> int:
    """`year` as a price year the shipped deflator series covers; InputError naming `place` otherwise."""
    table = _as_table(deflators)
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    year = _check_year(year, place)
    if year not in table.index:
        raise InputError(
            Problem(
                place,
                f"{year} is outside the deflator series {table.first_year}-{table.last_year}",
            )
        )
    _index_for(table, year, place)
    return year


def deflator(year: int, *, deflators: DeflatorTable | Mapping[int, float] | None = None) -> Decimal:
    """D[year] as an exact decimal (the shipped figure as written, not its binary approximation)."""
    table = _as_table(deflators)
    return Decimal(repr(_index_for(table, year, "price_year")))


def in_price_year(
    real: Decimal | float | int,
    to_year: int,
    *,
    deflators: DeflatorTable | Mapping[int, float] | None = None,
) -> Decimal:
    """A sum of `value / D[proxy price year]` terms, in `to_year` prices: `real × D[to_year]`, rounded once.

    Sums in several price years are added as `value / D[p]` (in SQL where they are many), and
    turned into pounds of one year here, to the penny (half up), once at the end: so the same
    sum in two price years Y1, Y2 differs by exactly D[Y1] / D[Y2] before that one rounding.
    """
    if isinstance(real, float):
        real = Decimal(repr(real))
    exact = Decimal(real or 0) * deflator(to_year, deflators=deflators)
    return exact.quantize(PENNY, rounding=ROUND_HALF_UP)


def restate_money(
    amount: Decimal | float | int,
    from_year: int,
    to_year: int,
    *,
    deflators: DeflatorTable | Mapping[int, float] | None = None,
) -> Decimal:
    """Pounds of `from_year` prices in `to_year` prices: `amount / D[from] × D[to]`, to the penny.

    The one restatement of a value that the evidence pages (the provider's side) and the
    portfolio and reports (the council's side) share, so one line shows the same pounds on both.
    """
    if isinstance(amount, float):
        amount = Decimal(repr(amount))
    if from_year == to_year:
        return Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)
    real = Decimal(amount) / deflator(from_year, deflators=deflators)
    return in_price_year(real, to_year, deflators=deflators)


def money_at_proxy_prices(
    quantity: Decimal | float | int, proxy_value: Decimal | float | int
) -> Decimal:
    """`quantity × proxy_value` in the proxy's own prices, to the penny (half up): what a line stores."""
    q = Decimal(repr(quantity)) if isinstance(quantity, float) else Decimal(quantity)
    p = Decimal(repr(proxy_value)) if isinstance(proxy_value, float) else Decimal(proxy_value)
    return (q * p).quantize(PENNY, rounding=ROUND_HALF_UP)
