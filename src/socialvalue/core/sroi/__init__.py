"""SROI: load an impact map, calculate its present value, ratio, switching values and Monte Carlo.

    from socialvalue.core.sroi import load_impact_map, calculate
    result = calculate(load_impact_map("map.yaml"), monte_carlo=10_000, seed=1)
    result.to_dict()      # the JSON of sroi-method.md section 5
    result.sensitivity    # the one-way (tornado) table, largest swing first

``calculate`` runs Monte Carlo when the map's ``sensitivity.monte_carlo`` asks for it or when
``monte_carlo`` is a number of draws (the argument winning; ``0`` turns it off). The seed is the
``seed`` argument when given, else the file's seed, else 0.
"""

from __future__ import annotations

from collections.abc import Callable

from socialvalue.core.errors import InputError, Problem
from socialvalue.core.sroi.engine import (
    SensitivityRow,
    SroiResult,
    SwitchingValue,
    one_way_sensitivity,
    point_estimate,
    switching_values,
)
from socialvalue.core.sroi.loading import load_impact_map
from socialvalue.core.sroi.model import (
    MAX_DRAWS,
    Discount,
    Distribution,
    ImpactMap,
    Input,
    MonteCarloSettings,
    Outcome,
    Proxy,
    parse_impact_map,
)
from socialvalue.core.sroi.montecarlo import run_monte_carlo

__all__ = [
    "Discount",
    "Distribution",
    "ImpactMap",
    "Input",
    "MonteCarloSettings",
    "Outcome",
    "Proxy",
    "SensitivityRow",
    "SroiResult",
    "SwitchingValue",
    "calculate",
    "load_impact_map",
    "one_way_sensitivity",
    "parse_impact_map",
    "switching_values",
]


def calculate(
    impact_map: ImpactMap,
    monte_carlo: int | None = None,
    seed: int | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SroiResult:
    """The point estimate, switching values and (when asked) Monte Carlo for one map."""
    if not isinstance(impact_map, ImpactMap):
        impact_map = load_impact_map(impact_map)
    draws: int | None = None
    if monte_carlo is not None:
        if (
            isinstance(monte_carlo, bool)
            or not isinstance(monte_carlo, int)
            or not 0 <= monte_carlo <= MAX_DRAWS
        ):
            raise InputError(Problem("monte_carlo", f"{monte_carlo!r} is not a number of draws"))
        draws = monte_carlo or None
    elif impact_map.monte_carlo is not None:
        draws = impact_map.monte_carlo.draws
    if seed is None:
        file_seed = impact_map.monte_carlo.seed if impact_map.monte_carlo else None
        seed = file_seed if file_seed is not None else 0
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(Problem("seed", f"{seed!r} is not a whole number of at least 0"))
    estimate = point_estimate(impact_map)
    result = SroiResult(impact_map, estimate, switching_values(impact_map, estimate))
    if draws:
        result.monte_carlo = run_monte_carlo(impact_map, draws, seed, progress)
    return result
