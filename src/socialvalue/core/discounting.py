"""Discount factors: a constant rate or the HM Treasury Green Book declining schedules.

Choices made where the method text leaves room:

- The schedules compound piecewise: DF(t) = prod over bands of (1 + r_band) ** -(time spent in
  the band before t), so DF(31) = DF(30) / 1.03 and DF(30.5) = DF(30) * 1.03 ** -0.5.
- A time before 0 (never produced by the SROI conventions) is discounted backwards at the first
  band's rate, so DF stays smooth and positive.
- Every function takes numpy arrays: ``t`` of any shape, and for a constant rate an array of
  rates (one per Monte Carlo draw), giving a result of shape ``rate.shape + t.shape``.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

ArrayLike = npt.ArrayLike
FloatArray = npt.NDArray[np.float64]

#: Upper edges of the Green Book bands in years: [0, 30], (30, 75], (75, 125], (125, 200],
#: (200, 300], beyond.
BAND_EDGES: Final[tuple[float, ...]] = (0.0, 30.0, 75.0, 125.0, 200.0, 300.0, float("inf"))

SCHEDULES: Final[dict[str, tuple[float, ...]]] = {
    "greenbook": (0.035, 0.030, 0.025, 0.020, 0.015, 0.010),
    # The health schedule is the standard one without the wealth effect (STPR 1.5 %).
    "greenbook-health": (0.015, 0.01286, 0.01071, 0.00857, 0.00643, 0.00429),
}

CONVENTIONS: Final[tuple[str, ...]] = ("end", "start", "mid")


def year_times(years: ArrayLike, convention: str = "end") -> FloatArray:
    """The discounting time t(n) of SROI years n = 1, 2, ...: end t = n, start n - 1, mid n - 0.5."""
    n = np.asarray(years, dtype=np.float64)
    if convention == "end":
        return n
    if convention == "start":
        return n - 1.0
    if convention == "mid":
        return n - 0.5
    raise ValueError(f"unknown discount convention {convention!r}; use one of {CONVENTIONS}")


def schedule_discount_factors(t: ArrayLike, schedule: str) -> FloatArray:
    """DF(t) for a named declining schedule ("greenbook" or "greenbook-health")."""
    try:
        rates = np.asarray(SCHEDULES[schedule], dtype=np.float64)
    except KeyError:
        raise ValueError(
            f"unknown discount schedule {schedule!r}; use one of {tuple(SCHEDULES)}"
        ) from None
    tt = np.asarray(t, dtype=np.float64)
    lower = np.asarray(BAND_EDGES[:-1])
    widths = np.diff(np.asarray(BAND_EDGES))
    # Years spent in each band before t; the log of DF is then a weighted sum of the band rates.
    spent = np.clip(tt[..., None] - lower, 0.0, widths)
    log_growth = spent @ np.log1p(rates)
    log_growth = log_growth + np.minimum(tt, 0.0) * np.log1p(rates[0])
    return np.asarray(np.exp(-log_growth), dtype=np.float64)


def discount_factors(t: ArrayLike, rate: float | str | ArrayLike) -> FloatArray:
    """DF(t) for a constant rate (scalar or array of rates) or a named schedule.

    With an array of rates the result has shape ``rate.shape + t.shape`` so a Monte Carlo run can
    discount every draw in one expression.
    """
    if isinstance(rate, str):
        return schedule_discount_factors(t, rate)
    tt = np.asarray(t, dtype=np.float64)
    r = np.asarray(rate, dtype=np.float64)
    if np.any(r <= -1.0):
        raise ValueError("a discount rate must be greater than -1")
    if r.ndim == 0:
        return np.asarray(np.power(1.0 + r, -tt), dtype=np.float64)
    return np.asarray(np.power((1.0 + r)[(...,) + (None,) * tt.ndim], -tt), dtype=np.float64)


def year_discount_factors(
    horizon: int, rate: float | str | ArrayLike, convention: str = "end"
) -> FloatArray:
    """DF for SROI years 1..horizon under a convention (rate arrays give one row per rate)."""
    return discount_factors(year_times(np.arange(1, horizon + 1), convention), rate)
