"""Rounding money and quantities, and sharing a total out: one rule for every stored figure.

Money is kept to the penny and quantities to four decimal places (the places the database
columns hold), rounding half up as people do by hand. A total shared out in proportion keeps
the rounding on its last share, so the shares always add back to the total exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

#: Money: pounds to the penny.
CENT: Final = Decimal("0.01")
#: Quantities (people, hours, tonnes): four decimal places.
QUANTUM: Final = Decimal("0.0001")
ZERO: Final = Decimal("0")


def as_decimal(value: object) -> Decimal:
    """A number (Decimal, int, float or its text; None counts as 0) as the Decimal it reads as.

    A float goes through its shortest text, so 0.1 becomes Decimal("0.1"), not the binary
    fraction 0.1000000000000000055...
    """
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value or 0))


def round_money(value: object) -> Decimal:
    """To the penny, half up: 2.005 -> 2.01."""
    return as_decimal(value).quantize(CENT, ROUND_HALF_UP)


def round_quantity(value: object) -> Decimal:
    """To four decimal places, half up."""
    return as_decimal(value).quantize(QUANTUM, ROUND_HALF_UP)


def apportion(total: Decimal, weights: Sequence[int | Decimal], quantum: Decimal) -> list[Decimal]:
    """Shares of `total` in proportion to `weights`, rounded to `quantum`, the rounding left on the last."""
    whole = sum(weights)
    if not weights:
        return []
    if not whole:
        return [ZERO] * (len(weights) - 1) + [total]
    shares = [(total * w / whole).quantize(quantum, ROUND_HALF_UP) for w in weights[:-1]]
    return [*shares, total - sum(shares, ZERO)]
