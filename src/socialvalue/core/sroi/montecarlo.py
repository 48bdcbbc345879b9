"""Monte Carlo for an impact map (sroi-method.md section 4), vectorised over draws and outcomes.

Choices made where the method text leaves room:

- Draws are made in chunks whose size depends only on the map (about a million values per
  array), so the same seed and file give the same numbers on any machine, and peak memory stays
  in the tens of megabytes however many draws are asked for.
- Within a chunk the generator is used in a fixed order: inputs, discount rate, then each
  outcome field in the order quantity, proxy_value, deadweight, displacement, attribution,
  drop_off, grouped by distribution kind.
- ``normal`` is sampled by the inverse CDF of the truncated normal (on the mirrored side when
  the interval lies above the mean, for accuracy in the tail), falling back to
  scipy.stats.truncnorm where the interval holds almost no mass.
- Ratio statistics use the draws whose investment is above zero; if none are, they are null.
- A proxy's distribution is in the proxy's own price year; each draw is multiplied by the
  outcome's restatement factor (section 6).
- ``uncertain_fields`` counts the distributions the map carries. With none, the draws all equal
  the point estimate; the statistics are still given, and the result's ``no-uncertainty``
  warning says they are not a range.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from scipy import special, stats

from socialvalue.core.discounting import year_discount_factors
from socialvalue.core.sroi.engine import MapArrays, outcome_present_values
from socialvalue.core.sroi.model import DOMAINS, UNCERTAIN_FIELDS, Distribution, ImpactMap

FloatArray = npt.NDArray[np.float64]
PERCENTILES: Final[tuple[int, ...]] = (5, 10, 25, 50, 75, 90, 95)
#: Values per (draws, outcomes) array in one chunk: 8 MB of float64.
CHUNK_VALUES: Final[int] = 1_000_000


def _params(dists: list[Distribution], key: str) -> FloatArray:
    return np.array([getattr(d, key) for d in dists], dtype=np.float64)


def _uniform(
    rng: np.random.Generator, size: tuple[int, int], dists: list[Distribution]
) -> FloatArray:
    low, high = _params(dists, "low"), _params(dists, "high")
    return np.asarray(low + (high - low) * rng.random(size))


def _triangular(
    rng: np.random.Generator, size: tuple[int, int], dists: list[Distribution]
) -> FloatArray:
    low, mode, high = _params(dists, "low"), _params(dists, "mode"), _params(dists, "high")
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    split = np.where(width > 0, (mode - low) / safe, 0.5)
    u = rng.random(size)
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.asarray(np.where(u < split, left, right))


def _pert(rng: np.random.Generator, size: tuple[int, int], dists: list[Distribution]) -> FloatArray:
    low, mode, high = _params(dists, "low"), _params(dists, "mode"), _params(dists, "high")
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    alpha = np.where(width > 0, 1.0 + 4.0 * (mode - low) / safe, 1.0)
    beta = np.where(width > 0, 1.0 + 4.0 * (high - mode) / safe, 1.0)
    return np.asarray(low + width * rng.beta(alpha, beta, size))


def _normal(
    rng: np.random.Generator, size: tuple[int, int], dists: list[Distribution], domain: str
) -> FloatArray:
    d_low, d_high = DOMAINS[domain]
    mean, sd = _params(dists, "mean"), _params(dists, "sd")
    lo = np.array([max(d_low, d.low if d.low is not None else -np.inf) for d in dists])
    hi = np.array([min(d_high, d.high if d.high is not None else np.inf) for d in dists])
    u = rng.random(size)
    spread = sd > 0
    safe_sd = np.where(spread, sd, 1.0)
    a = (lo - mean) / safe_sd
    b = (hi - mean) / safe_sd
    # Sample on the side of the mean where the CDF keeps its precision.
    flip = a > 0
    a2, b2 = np.where(flip, -b, a), np.where(flip, -a, b)
    cdf_a, cdf_b = special.ndtr(a2), special.ndtr(b2)
    mass = cdf_b - cdf_a
    with np.errstate(invalid="ignore", divide="ignore"):
        z = special.ndtri(cdf_a + u * mass)
    z = np.where(flip, -z, z)
    thin = spread & (mass < 1e-12)
    if thin.any():
        cols = np.flatnonzero(thin)
        z[:, cols] = stats.truncnorm.ppf(u[:, cols], a[cols], b[cols])
    x = np.clip(mean + safe_sd * z, lo, hi)
    fixed = np.clip(mean, lo, hi)
    return np.asarray(np.where(spread, x, fixed))


def _choice(rng: np.random.Generator, draws: int, dist: Distribution) -> FloatArray:
    values = np.asarray(dist.values, dtype=np.float64)
    p = None
    if dist.weights is not None:
        w = np.asarray(dist.weights, dtype=np.float64)
        p = w / w.sum()
    return np.asarray(rng.choice(values, size=draws, p=p))


def sample(
    rng: np.random.Generator, draws: int, dists: list[Distribution], domain: str
) -> FloatArray:
    """Draws of shape (draws, len(dists)), one column per distribution, grouped by kind."""
    out = np.empty((draws, len(dists)))
    kinds: dict[str, list[int]] = {}
    for k, d in enumerate(dists):
        kinds.setdefault(d.dist, []).append(k)
    for kind in ("uniform", "triangular", "pert", "normal", "choice"):
        cols = kinds.get(kind)
        if not cols:
            continue
        group = [dists[k] for k in cols]
        size = (draws, len(cols))
        if kind == "uniform":
            out[:, cols] = _uniform(rng, size, group)
        elif kind == "triangular":
            out[:, cols] = _triangular(rng, size, group)
        elif kind == "pert":
            out[:, cols] = _pert(rng, size, group)
        elif kind == "normal":
            out[:, cols] = _normal(rng, size, group, domain)
        else:
            for k in cols:
                out[:, k] = _choice(rng, draws, dists[k])
    return out


def _summary(values: FloatArray) -> dict[str, float | None]:
    if values.size == 0:
        return {"mean": None, "sd": None, **{f"p{p}": None for p in PERCENTILES}}
    points = np.percentile(values, PERCENTILES)
    return {
        "mean": float(np.mean(values)),
        "sd": float(np.std(values)),
        **{f"p{p}": float(v) for p, v in zip(PERCENTILES, points, strict=True)},
    }


def chunk_size(impact_map: ImpactMap, draws: int) -> int:
    return max(1, min(draws, CHUNK_VALUES // max(1, len(impact_map.outcomes))))


def simulate(
    impact_map: ImpactMap,
    draws: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """(present value, investment) for every draw, as two arrays of length ``draws``."""
    rng = np.random.default_rng(seed)
    arrays = MapArrays.of(impact_map)
    discount = impact_map.discount
    point_factors = year_discount_factors(arrays.horizon, discount.rate, discount.convention)
    fixed = {name: getattr(arrays, name)[None, :] for name in UNCERTAIN_FIELDS}
    uncertain = {
        name: [
            (i, o.uncertainty[name])
            for i, o in enumerate(impact_map.outcomes)
            if name in o.uncertainty
        ]
        for name in UNCERTAIN_FIELDS
    }
    present_value = np.empty(draws)
    investment = np.empty(draws)
    step = chunk_size(impact_map, draws)
    done = 0
    while done < draws:
        n = min(step, draws - done)
        money = np.zeros(n)
        # Summed in file order, as the point estimate does, so a fixed input adds up identically.
        for item in impact_map.inputs:
            if item.uncertainty is not None:
                money = money + sample(rng, n, [item.uncertainty], "value")[:, 0]
            else:
                money = money + item.value
        factors = point_factors
        if discount.uncertainty is not None:
            rates = sample(rng, n, [discount.uncertainty], "rate")[:, 0]
            factors = year_discount_factors(arrays.horizon, rates, discount.convention)
        fields: dict[str, FloatArray] = {}
        for name in UNCERTAIN_FIELDS:
            pairs = uncertain[name]
            if not pairs:
                fields[name] = fixed[name]
                continue
            column = np.repeat(fixed[name], n, axis=0)
            cols = [i for i, _ in pairs]
            drawn = sample(rng, n, [d for _, d in pairs], name)
            if name == "proxy_value":
                # Drawn in the proxy's own price year, then restated as the point estimate is.
                drawn = drawn * arrays.restatement[cols]
            column[:, cols] = drawn
            fields[name] = column
        pv_i = outcome_present_values(
            fields["quantity"],
            fields["proxy_value"],
            fields["deadweight"],
            fields["displacement"],
            fields["attribution"],
            fields["drop_off"],
            arrays.start,
            arrays.duration,
            factors,
        )
        pv_i = np.broadcast_to(pv_i, (n, pv_i.shape[1]))
        present_value[done : done + n] = np.sum(np.ascontiguousarray(pv_i), axis=1)
        investment[done : done + n] = money
        done += n
        if progress is not None:
            progress(done, draws)
    return present_value, investment


def run_monte_carlo(
    impact_map: ImpactMap,
    draws: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """The contract's ``monte_carlo`` block: ratio and PV statistics over ``draws`` draws."""
    present_value, investment = simulate(impact_map, draws, seed, progress)
    positive = investment > 0
    ratio = present_value[positive] / investment[positive]
    return {
        "draws": int(draws),
        "seed": int(seed),
        "sroi_ratio": _summary(ratio),
        "present_value": _summary(present_value),
        "probability_ratio_below_one": float(np.mean(ratio < 1.0)) if ratio.size else None,
        "uncertain_fields": impact_map.uncertain_fields,
    }
