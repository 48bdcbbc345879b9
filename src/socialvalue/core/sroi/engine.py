"""The SROI point calculation, switching values and one-way sensitivity (sroi-method.md 2 and 3).

Choices made where the method text leaves room:

- ``by_stakeholder`` and ``by_value_type`` hold present values, keyed in the order the groups
  first appear in the map.
- ``switching_values`` lists, for every outcome in map order, the six fields in the order
  quantity, proxy_value, deadweight, displacement, attribution, drop_off; a value with no
  switching point is listed with ``"value": null`` rather than left out.
- The drop-off root is found by bisection on [0, 1] carried to floating-point resolution (well
  past 1e-9), vectorised over outcomes. With a duration of 1, or where PV does not cross I on
  [0, 1], it is null; if PV already equals I, any drop-off is a root and the current one is kept
  only when the outcome's PV does not depend on drop-off (it then is null, as for duration 1).
- One-way sensitivity moves quantity and proxy by +/-10 % of their value and the four
  percentages by +/-0.10 (clipped to [0, 1]), one field at a time, and sorts by the swing in PV
  (equal to the swing in the ratio times I, and still meaningful when I = 0).
- Every present value, in the point estimate and in Monte Carlo, comes from the one function
  ``outcome_present_values`` so a zero-width distribution gives the point estimate bit for bit.
- Proxies are restated to the map's price year once, in ``MapArrays`` (section 6); everything
  downstream uses the restated proxy. Switching values and the tornado's low and high for
  ``proxy_value`` are in the proxy's own price year, the units the person typed.
- The keys the second edition adds come after the first edition's neighbours:
  ``payback_within_horizon`` after ``payback_months``, ``warnings`` after ``switching_values``,
  and each outcome's ``restatement_factor`` and ``proxy_value_restated`` at its end.
- ``payback_within_horizon`` treats an undiscounted total equal to the investment within
  floating-point rounding (1e-12 relative) as reaching it ("at least the investment").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from socialvalue.core.discounting import year_discount_factors
from socialvalue.core.sroi.model import PERCENT_FIELDS, UNCERTAIN_FIELDS, ImpactMap

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class MapArrays:
    """The map's fixed shape as arrays: one entry per outcome, in map order.

    ``proxy_value`` is the proxy restated to the map's price year (P' of section 6), the value
    every calculation uses; ``proxy_stated`` is P as the file gives it and ``restatement`` the
    factor between them.
    """

    quantity: FloatArray
    proxy_value: FloatArray
    deadweight: FloatArray
    displacement: FloatArray
    attribution: FloatArray
    drop_off: FloatArray
    start: IntArray
    duration: IntArray
    horizon: int
    proxy_stated: FloatArray
    restatement: FloatArray

    @classmethod
    def of(cls, impact_map: ImpactMap) -> MapArrays:
        outcomes = impact_map.outcomes

        def column(name: str) -> FloatArray:
            return np.array([o.field_value(name) for o in outcomes], dtype=np.float64)

        stated = column("proxy_value")
        restatement = np.array(impact_map.restatement_factors(), dtype=np.float64)
        return cls(
            quantity=column("quantity"),
            proxy_value=stated * restatement,
            proxy_stated=stated,
            restatement=restatement,
            deadweight=column("deadweight"),
            displacement=column("displacement"),
            attribution=column("attribution"),
            drop_off=column("drop_off"),
            start=np.array([o.start for o in outcomes], dtype=np.int64),
            duration=np.array([o.duration for o in outcomes], dtype=np.int64),
            horizon=impact_map.horizon,
        )


def impacts(
    quantity: FloatArray,
    proxy_value: FloatArray,
    deadweight: FloatArray,
    displacement: FloatArray,
    attribution: FloatArray,
) -> FloatArray:
    """Q * P * (1 - DW) * (1 - DS) * (1 - AT), broadcast over draws and outcomes."""
    return np.asarray(
        quantity * proxy_value * (1.0 - deadweight) * (1.0 - displacement) * (1.0 - attribution),
        dtype=np.float64,
    )


def annuity_factors(
    drop_off: FloatArray, start: IntArray, duration: IntArray, factors: FloatArray
) -> FloatArray:
    """sum over an outcome's years of (1 - DO) ** k * DF(t(s + k)): PV per unit of impact.

    ``drop_off`` has shape (..., outcomes); ``factors`` (the year DFs) has shape (years,) or
    (draws, years). The loop runs over the years of the longest duration, never over draws.
    """
    keep = 1.0 - drop_off
    first = start - 1
    width = int(duration.max()) if duration.size else 0
    total: FloatArray = np.zeros(np.broadcast_shapes(drop_off.shape, factors.shape[:-1] + (1,)))
    carried: FloatArray = np.ones_like(keep)
    for k in range(width):
        active = duration > k
        if not active.any():
            break
        year_df = factors[..., np.minimum(first + k, factors.shape[-1] - 1)]
        total = total + np.where(active, carried * year_df, 0.0)
        carried = carried * keep
    return total


def outcome_present_values(
    quantity: FloatArray,
    proxy_value: FloatArray,
    deadweight: FloatArray,
    displacement: FloatArray,
    attribution: FloatArray,
    drop_off: FloatArray,
    start: IntArray,
    duration: IntArray,
    factors: FloatArray,
) -> FloatArray:
    """PV_i for every outcome (and every draw when the fields carry a leading draws axis)."""
    impact = impacts(quantity, proxy_value, deadweight, displacement, attribution)
    return np.asarray(impact * annuity_factors(drop_off, start, duration, factors))


def value_profile(
    impact: FloatArray, drop_off: FloatArray, start: IntArray, duration: IntArray, horizon: int
) -> FloatArray:
    """value_i(n) as an (outcomes, years) array: impact * (1 - DO) ** (n - s) inside the duration."""
    years = np.arange(1, horizon + 1)
    since = years[None, :] - start[:, None]
    inside = (since >= 0) & (since < duration[:, None])
    decay = np.power((1.0 - drop_off)[:, None], np.where(inside, since, 0))
    return np.where(inside, impact[:, None] * decay, 0.0)


@dataclass(frozen=True)
class SensitivityRow:
    """One bar of the tornado: an outcome's field moved down and up, all else held."""

    outcome: str
    parameter: str
    base: float
    low: float
    high: float
    present_value_low: float
    present_value_high: float
    sroi_ratio_low: float | None
    sroi_ratio_high: float | None

    @property
    def swing(self) -> float:
        return abs(self.present_value_high - self.present_value_low)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "parameter": self.parameter,
            "base": self.base,
            "low": self.low,
            "high": self.high,
            "present_value_low": self.present_value_low,
            "present_value_high": self.present_value_high,
            "sroi_ratio_low": self.sroi_ratio_low,
            "sroi_ratio_high": self.sroi_ratio_high,
            "swing": self.swing,
        }


@dataclass(frozen=True)
class SwitchingValue:
    outcome: str
    parameter: str
    value: float | None
    current: float

    @property
    def relative_change(self) -> float | None:
        """How far the field must move, as a share of its current value (for ranking)."""
        if self.value is None:
            return None
        if self.current == 0:
            return float("inf") if self.value != 0 else 0.0
        return abs(self.value - self.current) / abs(self.current)

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "parameter": self.parameter, "value": self.value}


@dataclass
class PointEstimate:
    """Everything section 2 defines, as arrays, for one map."""

    arrays: MapArrays
    factors: FloatArray
    impact: FloatArray
    present_values: FloatArray
    profile: FloatArray
    investment: float

    @property
    def present_value(self) -> float:
        return float(np.sum(self.present_values[None, :], axis=1)[0])


def point_estimate(impact_map: ImpactMap) -> PointEstimate:
    arrays = MapArrays.of(impact_map)
    discount = impact_map.discount
    factors = year_discount_factors(arrays.horizon, discount.rate, discount.convention)
    impact = impacts(
        arrays.quantity,
        arrays.proxy_value,
        arrays.deadweight,
        arrays.displacement,
        arrays.attribution,
    )
    present_values = outcome_present_values(
        arrays.quantity[None, :],
        arrays.proxy_value[None, :],
        arrays.deadweight[None, :],
        arrays.displacement[None, :],
        arrays.attribution[None, :],
        arrays.drop_off[None, :],
        arrays.start,
        arrays.duration,
        factors,
    )[0]
    profile = value_profile(impact, arrays.drop_off, arrays.start, arrays.duration, arrays.horizon)
    return PointEstimate(
        arrays=arrays,
        factors=factors,
        impact=impact,
        present_values=present_values,
        profile=profile,
        investment=impact_map.investment,
    )


def _drop_off_roots(
    estimate: PointEstimate, target: FloatArray, candidates: npt.NDArray[np.bool_]
) -> FloatArray:
    """The drop-off d in [0, 1] with impact * A(d) = target, by vectorised bisection; NaN if none."""
    a = estimate.arrays

    def pv(d: FloatArray) -> FloatArray:
        return estimate.impact * annuity_factors(d, a.start, a.duration, estimate.factors)

    n = estimate.impact.shape[0]
    lo = np.zeros(n)
    hi = np.ones(n)
    f_lo = pv(lo) - target
    f_hi = pv(hi) - target
    ok = candidates & (np.sign(f_lo) * np.sign(f_hi) <= 0) & (f_lo != f_hi)
    rising = f_hi > f_lo
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        f_mid = pv(mid) - target
        below = np.where(rising, f_mid < 0, f_mid > 0)
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    root = np.where(f_lo == 0, 0.0, np.where(f_hi == 0, 1.0, 0.5 * (lo + hi)))
    return np.where(ok, root, np.nan)


def switching_values(
    impact_map: ImpactMap, estimate: PointEstimate | None = None
) -> list[SwitchingValue]:
    """Section 3: for each outcome and field, the value at which PV = I, or None."""
    est = estimate or point_estimate(impact_map)
    a = est.arrays
    investment = est.investment
    pv_i = est.present_values
    pv_rest = est.present_value - pv_i
    usable = (pv_i != 0) & (investment != 0)
    # Near-zero outcome values overflow to inf; those switching values are reported as null.
    with np.errstate(all="ignore"):
        scale = np.where(usable, (investment - pv_rest) / np.where(pv_i == 0, 1.0, pv_i), np.nan)
        found: dict[str, FloatArray] = {
            "quantity": np.where(a.quantity * scale >= 0, a.quantity * scale, np.nan),
            # In the proxy's own price year, the units the person typed (section 6).
            "proxy_value": a.proxy_stated * scale,
        }
        for name in ("deadweight", "displacement", "attribution"):
            x = 1.0 - (1.0 - getattr(a, name)) * scale
            found[name] = np.where((x >= 0) & (x <= 1), x, np.nan)
        found["drop_off"] = _drop_off_roots(est, investment - pv_rest, usable & (a.duration > 1))
    rows = []
    for i, outcome in enumerate(impact_map.outcomes):
        for name in UNCERTAIN_FIELDS:
            value = float(found[name][i])
            rows.append(
                SwitchingValue(
                    outcome.id,
                    name,
                    None if not np.isfinite(value) else value,
                    outcome.field_value(name),
                )
            )
    return rows


def one_way_sensitivity(
    impact_map: ImpactMap, estimate: PointEstimate | None = None
) -> list[SensitivityRow]:
    """The tornado table: each outcome's fields moved one at a time, sorted by swing in PV."""
    est = estimate or point_estimate(impact_map)
    a = est.arrays
    investment = est.investment
    total = est.present_value
    pv_i = est.present_values
    rows: list[SensitivityRow] = []

    def moved(name: str, value: FloatArray) -> FloatArray:
        fields = {n: getattr(a, n) for n in UNCERTAIN_FIELDS}
        # A proxy is moved (and reported) in its own price year, then restated to calculate.
        fields[name] = value * a.restatement if name == "proxy_value" else value
        return outcome_present_values(
            fields["quantity"][None, :],
            fields["proxy_value"][None, :],
            fields["deadweight"][None, :],
            fields["displacement"][None, :],
            fields["attribution"][None, :],
            fields["drop_off"][None, :],
            a.start,
            a.duration,
            est.factors,
        )[0]

    def ratio(pv: float) -> float | None:
        return pv / investment if investment != 0 else None

    for name in UNCERTAIN_FIELDS:
        base = a.proxy_stated if name == "proxy_value" else getattr(a, name)
        if name in PERCENT_FIELDS:
            low, high = np.clip(base - 0.10, 0.0, 1.0), np.clip(base + 0.10, 0.0, 1.0)
        else:
            low, high = base * 0.9, base * 1.1
            if name == "quantity":
                low, high = np.maximum(low, 0.0), np.maximum(high, 0.0)
        pv_low = total - pv_i + moved(name, low)
        pv_high = total - pv_i + moved(name, high)
        for i, outcome in enumerate(impact_map.outcomes):
            rows.append(
                SensitivityRow(
                    outcome.id,
                    name,
                    float(base[i]),
                    float(low[i]),
                    float(high[i]),
                    float(pv_low[i]),
                    float(pv_high[i]),
                    ratio(float(pv_low[i])),
                    ratio(float(pv_high[i])),
                )
            )
    rows.sort(key=lambda r: r.swing, reverse=True)
    return rows


ProgressCallback = Callable[[int, int], None]

#: The stable codes that begin each warning (sroi-method.md section 7).
WARNING_MIXED_PRICE_YEARS = "mixed-price-years"
WARNING_NO_UNCERTAINTY = "no-uncertainty"
WARNING_PAYBACK_BEYOND_HORIZON = "payback-beyond-horizon"


@dataclass
class SroiResult:
    """The outcome of ``calculate``: the contract's numbers plus the tornado table on demand."""

    impact_map: ImpactMap
    estimate: PointEstimate
    switching: list[SwitchingValue]
    monte_carlo: dict[str, Any] | None = None
    _extra: dict[str, Any] = field(default_factory=dict)

    @property
    def investment(self) -> float:
        return float(self.estimate.investment)

    @property
    def present_value(self) -> float:
        return self.estimate.present_value

    @property
    def net_present_value(self) -> float:
        return self.present_value - self.investment

    @property
    def sroi_ratio(self) -> float | None:
        return self.present_value / self.investment if self.investment != 0 else None

    @property
    def net_sroi_ratio(self) -> float | None:
        return self.net_present_value / self.investment if self.investment != 0 else None

    @property
    def payback_months(self) -> float | None:
        yearly = float(np.sum(self.estimate.impact))
        return self.investment / (yearly / 12.0) if yearly > 0 else None

    @property
    def payback_within_horizon(self) -> bool | None:
        """Whether the undiscounted value over all years reaches the investment (section 7).

        None when there is no investment or no payback period. A sum equal to the investment
        within floating-point rounding (1e-12 relative) counts as reaching it.
        """
        if self.investment == 0 or self.payback_months is None:
            return None
        total = float(np.sum(self.estimate.profile))
        return bool(total >= self.investment * (1.0 - 1e-12))

    @property
    def warnings(self) -> list[str]:
        """Section 7's warnings, each a stable code, a colon and a sentence, in the contract's order."""
        m = self.impact_map
        out: list[str] = []
        years = m.proxy_price_years()
        if m.price_year is None and len(years) > 1:
            listed = ", ".join(str(y) for y in years[:-1]) + f" and {years[-1]}"
            out.append(
                f"{WARNING_MIXED_PRICE_YEARS}: the proxies are in {listed} prices and the map "
                "gives no price_year, so nothing is restated and values of different price "
                "years are added as they stand; give the map a price_year to restate them with "
                "the GDP deflator."
            )
        if self.monte_carlo is not None and m.uncertain_fields == 0:
            out.append(
                f"{WARNING_NO_UNCERTAINTY}: Monte Carlo was asked for but no field carries a "
                "distribution, so every draw is the point estimate: there is no range and no "
                "probability to report."
            )
        if self.payback_within_horizon is False:
            out.append(
                f"{WARNING_PAYBACK_BEYOND_HORIZON}: the undiscounted value over all "
                f"{self.estimate.arrays.horizon} year{'s' if self.estimate.arrays.horizon != 1 else ''} "
                "is less than the investment, so the investment is not paid back within the "
                "horizon, whatever the payback period in months says."
            )
        return out

    @property
    def years(self) -> list[int]:
        return list(range(1, self.estimate.arrays.horizon + 1))

    @property
    def value_by_year(self) -> list[float]:
        return [float(v) for v in self.estimate.profile.sum(axis=0)]

    @property
    def present_value_by_year(self) -> list[float]:
        return [float(v) for v in self.estimate.profile.sum(axis=0) * self.estimate.factors]

    @cached_property
    def sensitivity(self) -> list[SensitivityRow]:
        """The one-way sensitivity (tornado) table, largest swing first."""
        return one_way_sensitivity(self.impact_map, self.estimate)

    def _grouped(self, key: Callable[[Any], str]) -> dict[str, float]:
        groups: dict[str, float] = {}
        for outcome, pv in zip(self.impact_map.outcomes, self.estimate.present_values, strict=True):
            name = key(outcome)
            groups[name] = groups.get(name, 0.0) + float(pv)
        return groups

    def to_dict(self) -> dict[str, Any]:
        m = self.impact_map
        est = self.estimate
        out: dict[str, Any] = {
            "title": m.title,
            "currency": m.currency,
            "investment": self.investment,
            "present_value": self.present_value,
            "net_present_value": self.net_present_value,
            "sroi_ratio": self.sroi_ratio,
            "net_sroi_ratio": self.net_sroi_ratio,
            "payback_months": self.payback_months,
            "payback_within_horizon": self.payback_within_horizon,
            "discount": {
                "rate": m.discount.rate
                if isinstance(m.discount.rate, str)
                else float(m.discount.rate),
                "convention": m.discount.convention,
            },
            "years": self.years,
            "value_by_year": self.value_by_year,
            "present_value_by_year": self.present_value_by_year,
            "outcomes": [
                {
                    "id": o.id,
                    "stakeholder": o.stakeholder,
                    "impact": float(est.impact[i]),
                    "present_value": float(est.present_values[i]),
                    "value_by_year": [float(v) for v in est.profile[i]],
                    "restatement_factor": float(est.arrays.restatement[i]),
                    "proxy_value_restated": float(est.arrays.proxy_value[i]),
                }
                for i, o in enumerate(m.outcomes)
            ],
            "by_stakeholder": self._grouped(lambda o: o.stakeholder),
            "by_value_type": self._grouped(lambda o: o.value_type or "unspecified"),
            "switching_values": [s.to_dict() for s in self.switching],
            "warnings": self.warnings,
        }
        if self.monte_carlo is not None:
            out["monte_carlo"] = self.monte_carlo
        return out
