"""Benchmark of the SROI engine against its performance bars; exits 1 if a bar is missed.

Run: .venv/bin/python tests/bench/bench_sroi.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np
from scipy import special

from socialvalue.core.discounting import year_discount_factors
from socialvalue.core.sroi import calculate, load_impact_map
from socialvalue.core.sroi.engine import point_estimate, switching_values
from socialvalue.core.valuation import load_deflators

DRAWS = 10_000
RUNS = 5


def build_map(outcomes: int, years: int, uncertain: bool) -> dict:
    rng = np.random.default_rng(42)
    rows = []
    for i in range(outcomes):
        q = float(rng.integers(10, 200))
        p = float(rng.integers(100, 5000))
        dw = float(rng.uniform(0.05, 0.4))
        do = float(rng.uniform(0.0, 0.3))
        row = {
            "stakeholder": f"Group {i % 7}",
            "description": f"Outcome {i}",
            "quantity": q,
            # Proxies of fifteen price years, restated to the map's 2024 (section 6).
            "proxy": {"value": p, "price_year": 2010 + i % 15},
            "duration": int(rng.integers(1, years + 1)) if i else years,
            "start": 1,
            "deadweight": dw,
            "attribution": 0.2,
            "drop_off": do,
        }
        if uncertain:
            row["uncertainty"] = {
                "quantity": {"dist": "uniform", "low": 0.8 * q, "high": 1.2 * q},
                "proxy_value": {"dist": "pert", "low": 0.7 * p, "mode": p, "high": 1.5 * p},
                "deadweight": {
                    "dist": "triangular",
                    "low": 0.0,
                    "mode": dw,
                    "high": min(1.0, dw + 0.2),
                },
                "drop_off": {"dist": "normal", "mean": do, "sd": 0.05},
            }
        rows.append(row)
    return {
        "title": "Benchmark",
        "price_year": 2024,
        "inputs": [{"value": 1e6}],
        "outcomes": rows,
    }


def plain_numpy(data: dict, seed: int) -> np.ndarray:
    """The same model written as one broadcast expression over (draws, outcomes, years)."""
    rng = np.random.default_rng(seed)
    out = data["outcomes"]
    u = [o["uncertainty"] for o in out]
    n = DRAWS
    ql = np.array([x["quantity"]["low"] for x in u])
    qh = np.array([x["quantity"]["high"] for x in u])
    q = rng.uniform(ql, qh, (n, len(out)))
    pl, pm, ph = (np.array([x["proxy_value"][k] for x in u]) for k in ("low", "mode", "high"))
    p = pl + (ph - pl) * rng.beta(
        1 + 4 * (pm - pl) / (ph - pl), 1 + 4 * (ph - pm) / (ph - pl), (n, len(out))
    )
    index = load_deflators().index
    p = p * np.array([index[data["price_year"]] / index[o["proxy"]["price_year"]] for o in out])
    dl, dm, dh = (np.array([x["deadweight"][k] for x in u]) for k in ("low", "mode", "high"))
    dw = rng.triangular(dl, dm, dh, (n, len(out)))
    mean = np.array([x["drop_off"]["mean"] for x in u])
    sd = 0.05
    a, b = special.ndtr(-mean / sd), special.ndtr((1 - mean) / sd)
    do = mean + sd * special.ndtri(a + rng.random((n, len(out))) * (b - a))
    at = np.array([o["attribution"] for o in out])
    start = np.array([o["start"] for o in out])
    dur = np.array([o["duration"] for o in out])
    horizon = int((start + dur - 1).max())
    years = np.arange(1, horizon + 1)
    since = years[None, :] - start[:, None]
    inside = (since >= 0) & (since < dur[:, None])
    df = year_discount_factors(horizon, 0.035, "end")
    pv = (
        (
            (q * p * (1 - dw) * (1 - at))[:, :, None]
            * (1 - do)[:, :, None] ** np.where(inside, since, 0)
        )
        * (inside * df)
    ).sum(axis=(1, 2))
    return pv / 1e6


def best_of(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_memory_mib() -> float:
    code = (
        "import resource, sys\n"
        "sys.path.insert(0, 'tests/bench')\n"
        "from bench_sroi import build_map, DRAWS\n"
        "from socialvalue.core.sroi import calculate, load_impact_map\n"
        "m = load_impact_map(build_map(200, 10, True))\n"
        "calculate(m, monte_carlo=DRAWS, seed=1)\n"
        "m2 = load_impact_map(build_map(2000, 10, False))\n"
        "calculate(m2)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024  # ru_maxrss is KiB on Linux


def main() -> int:
    # Measured first: Linux keeps ru_maxrss across fork and exec, so a child started after the
    # plain-numpy run would inherit that run's peak.
    memory = peak_memory_mib()
    mc_map = load_impact_map(build_map(200, 10, True))
    mc_data = build_map(200, 10, True)
    mc_time = best_of(lambda: calculate(mc_map, monte_carlo=DRAWS, seed=1))
    plain_time = best_of(lambda: plain_numpy(mc_data, 1))
    big = load_impact_map(build_map(2000, 10, False))

    def point_and_switching() -> None:
        est = point_estimate(big)
        switching_values(big, est)

    point_time = best_of(point_and_switching)
    calc_time = best_of(lambda: calculate(big))
    # A sanity check that the two Monte Carlo routes describe the same model.
    ours = calculate(mc_map, monte_carlo=DRAWS, seed=1).to_dict()["monte_carlo"]["sroi_ratio"][
        "mean"
    ]
    theirs = float(plain_numpy(mc_data, 1).mean())

    bars = [
        ("Monte Carlo, 200 outcomes x 10 years, 10 000 draws", mc_time, "< 1 s", mc_time < 1.0),
        ("Plain numpy broadcast of the same model", plain_time, "reference", True),
        ("Monte Carlo / plain numpy", mc_time / plain_time, "<= 2x", mc_time <= 2 * plain_time),
        ("Point + switching values, 2 000 outcomes", point_time, "< 0.2 s", point_time < 0.2),
        ("calculate(), 2 000 outcomes (point + switching)", calc_time, "< 0.2 s", calc_time < 0.2),
        ("Peak memory (MiB, whole run in a subprocess)", memory, "< 1024", memory < 1024),
        (
            "Mean ratio: engine vs plain numpy (rel. diff.)",
            abs(ours - theirs) / theirs,
            "< 1 %",
            abs(ours - theirs) / theirs < 0.01,
        ),
    ]
    width = max(len(b[0]) for b in bars)
    print(f"{'measure':<{width}}  {'figure':>10}  {'bar':>9}  result")
    for name, figure, bar, ok in bars:
        print(f"{name:<{width}}  {figure:>10.4f}  {bar:>9}  {'ok' if ok else 'MISSED'}")
    print(json.dumps({"machine_cores": __import__("os").cpu_count()}))
    return 0 if all(ok for *_, ok in bars) else 1


if __name__ == "__main__":
    sys.exit(main())
