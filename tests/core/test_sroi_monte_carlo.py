"""Monte Carlo (sroi-method.md section 4) and hypothesis properties of the SROI model."""

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialvalue.core.sroi import calculate, load_impact_map
from socialvalue.core.sroi.model import Distribution
from socialvalue.core.sroi.montecarlo import sample, simulate
from tests.properties import examples

BASE = {
    "title": "MC",
    "inputs": [{"value": 100000}],
    "outcomes": [
        {
            "id": "o1",
            "stakeholder": "Older people",
            "description": "Less isolated",
            "quantity": 100,
            "proxy": {"value": 1000},
            "duration": 3,
            "deadweight": 0.2,
            "attribution": 0.25,
            "drop_off": 0.1,
        },
        {
            "id": "o2",
            "stakeholder": "NHS",
            "description": "Fewer admissions",
            "quantity": 10,
            "proxy": {"value": 2000},
            "duration": 2,
            "start": 2,
        },
    ],
}


def with_uncertainty(block, outcome=0):
    data = copy.deepcopy(BASE)
    data["outcomes"][outcome]["uncertainty"] = block
    return data


def test_same_seed_same_numbers_and_different_seed_different_numbers():
    data = with_uncertainty({"quantity": {"dist": "uniform", "low": 80, "high": 120}})
    m = load_impact_map(data)
    a = calculate(m, monte_carlo=500, seed=3).to_dict()["monte_carlo"]
    b = calculate(m, monte_carlo=500, seed=3).to_dict()["monte_carlo"]
    c = calculate(m, monte_carlo=500, seed=4).to_dict()["monte_carlo"]
    assert a == b
    assert a != c


def test_zero_width_distributions_reproduce_the_point_estimate_exactly():
    data = with_uncertainty(
        {
            "quantity": {"dist": "uniform", "low": 100, "high": 100},
            "proxy_value": {"dist": "pert", "low": 1000, "mode": 1000, "high": 1000},
            "deadweight": {"dist": "triangular", "low": 0.2, "mode": 0.2, "high": 0.2},
            "drop_off": {"dist": "normal", "mean": 0.1, "sd": 0},
            "attribution": {"dist": "choice", "values": [0.25]},
        }
    )
    data["inputs"][0]["uncertainty"] = {"value": {"dist": "uniform", "low": 100000, "high": 100000}}
    result = calculate(load_impact_map(data), monte_carlo=300, seed=1)
    pv, inv = simulate(result.impact_map, 300, 1)
    assert np.all(pv == result.present_value)
    assert np.all(inv == result.investment)
    mc = result.to_dict()["monte_carlo"]
    for key in ("p5", "p50", "p95"):
        assert mc["sroi_ratio"][key] == result.sroi_ratio
        assert mc["present_value"][key] == result.present_value
    assert mc["present_value"]["mean"] == pytest.approx(result.present_value, rel=1e-13)
    assert mc["present_value"]["sd"] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    "dist, mean",
    [
        (Distribution("uniform", low=2.0, high=6.0), 4.0),
        (Distribution("triangular", low=0.0, mode=0.3, high=0.9), 0.4),
        (Distribution("pert", low=600, mode=1000, high=1500), (600 + 4 * 1000 + 1500) / 6),
        (Distribution("choice", values=(0.2, 0.3), weights=(1, 3)), 0.275),
        (Distribution("choice", values=(1.0, 2.0, 6.0)), 3.0),
    ],
)
def test_sample_moments_match_the_known_means(dist, mean):
    rng = np.random.default_rng(0)
    x = sample(rng, 200_000, [dist], "proxy_value")[:, 0]
    assert x.mean() == pytest.approx(mean, rel=0.01)


def test_truncated_normal_has_the_truncated_mean_and_stays_in_its_domain():
    from scipy.stats import truncnorm

    rng = np.random.default_rng(0)
    dist = Distribution("normal", mean=0.1, sd=0.1)
    x = sample(rng, 200_000, [dist], "deadweight")[:, 0]
    assert x.min() >= 0 and x.max() <= 1
    expected = truncnorm.mean((0 - 0.1) / 0.1, (1 - 0.1) / 0.1, loc=0.1, scale=0.1)
    assert x.mean() == pytest.approx(expected, rel=0.01)
    bounded = sample(
        rng, 100_000, [Distribution("normal", mean=5, sd=2, low=4, high=9)], "quantity"
    )[:, 0]
    assert bounded.min() >= 4 and bounded.max() <= 9
    assert bounded.mean() == pytest.approx(truncnorm.mean(-0.5, 2, loc=5, scale=2), rel=0.01)


def test_far_tail_truncation_is_sampled_without_nans():
    rng = np.random.default_rng(0)
    x = sample(rng, 1000, [Distribution("normal", mean=0.0, sd=0.01)], "quantity")[:, 0]
    assert np.all(np.isfinite(x)) and x.min() >= 0
    far = sample(rng, 1000, [Distribution("normal", mean=-1.0, sd=0.01, low=0.5)], "proxy_value")[
        :, 0
    ]
    assert np.all(np.isfinite(far)) and far.min() >= 0.5


def test_monte_carlo_block_statistics_and_percentiles():
    data = with_uncertainty({"quantity": {"dist": "uniform", "low": 0, "high": 200}})
    result = calculate(load_impact_map(data), monte_carlo=4000, seed=11)
    mc = result.to_dict()["monte_carlo"]
    pv, inv = simulate(result.impact_map, 4000, 11)
    ratio = pv / inv
    assert mc["sroi_ratio"]["mean"] == pytest.approx(ratio.mean(), rel=1e-12)
    assert mc["sroi_ratio"]["sd"] == pytest.approx(ratio.std(ddof=0), rel=1e-12)
    assert mc["sroi_ratio"]["p25"] == pytest.approx(np.percentile(ratio, 25), rel=1e-12)
    assert mc["probability_ratio_below_one"] == pytest.approx(np.mean(ratio < 1))
    assert list(mc) == [
        "draws",
        "seed",
        "sroi_ratio",
        "present_value",
        "probability_ratio_below_one",
        "uncertain_fields",
    ]
    assert list(mc["sroi_ratio"]) == ["mean", "sd", "p5", "p10", "p25", "p50", "p75", "p90", "p95"]
    # PV is linear in o1's quantity: its MC mean sits at the point PV with Q = 100 (the mode)
    assert mc["present_value"]["mean"] == pytest.approx(result.present_value, rel=0.03)


def test_uncertain_discount_rate_and_inputs():
    data = copy.deepcopy(BASE)
    data["discount"] = {
        "rate": 0.035,
        "uncertainty": {"rate": {"dist": "uniform", "low": 0.0, "high": 0.07}},
    }
    data["inputs"][0]["uncertainty"] = {
        "value": {"dist": "triangular", "low": 90000, "mode": 100000, "high": 130000}
    }
    mc = calculate(load_impact_map(data), monte_carlo=3000, seed=5).to_dict()["monte_carlo"]
    assert mc["sroi_ratio"]["sd"] > 0
    assert mc["present_value"]["p5"] < mc["present_value"]["p95"]


def test_chunking_gives_the_same_draws_count_and_progress_reaches_the_total():
    data = with_uncertainty({"quantity": {"dist": "uniform", "low": 80, "high": 120}})
    seen = []
    calculate(
        load_impact_map(data),
        monte_carlo=700_001 // 100,
        seed=2,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[-1] == (7000, 7000)


# --- properties ------------------------------------------------------------------------------

fractions = st.floats(0, 1, allow_nan=False)


@st.composite
def maps(draw):
    n = draw(st.integers(1, 4))
    outcomes = []
    for i in range(n):
        outcomes.append(
            {
                "stakeholder": draw(st.sampled_from(["A", "B"])),
                "description": f"o{i}",
                "quantity": draw(st.floats(0, 1e4)),
                "proxy": {"value": draw(st.floats(-1e4, 1e5))},
                "duration": draw(st.integers(1, 6)),
                "start": draw(st.integers(1, 4)),
                "deadweight": draw(fractions),
                "displacement": draw(fractions),
                "attribution": draw(fractions),
                "drop_off": draw(fractions),
            }
        )
    return {
        "title": "P",
        "discount": {
            "rate": draw(
                st.one_of(st.floats(0, 0.2), st.sampled_from(["greenbook", "greenbook-health"]))
            ),
            "convention": draw(st.sampled_from(["end", "start", "mid"])),
        },
        "inputs": [{"value": draw(st.floats(1, 1e6))}],
        "outcomes": outcomes,
    }


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    maps(),
    st.integers(0, 3),
    st.sampled_from(["deadweight", "displacement", "attribution", "drop_off"]),
    fractions,
)
def test_ratio_never_rises_when_a_deduction_rises_on_a_positive_outcome(data, index, field, bump):
    index = index % len(data["outcomes"])
    outcome = data["outcomes"][index]
    outcome["proxy"]["value"] = abs(outcome["proxy"]["value"])
    before = calculate(load_impact_map(data)).sroi_ratio
    outcome[field] = min(1.0, outcome[field] + bump)
    after = calculate(load_impact_map(data)).sroi_ratio
    assert after <= before + 1e-12 * abs(before) + 1e-300


@settings(max_examples=examples(80), deadline=None)
@given(maps(), st.floats(0, 10))
def test_present_value_is_linear_in_quantity(data, k):
    base = calculate(load_impact_map(data))
    scaled = copy.deepcopy(data)
    for o in scaled["outcomes"]:
        o["quantity"] *= k
    pv = calculate(load_impact_map(scaled)).present_value
    scale = sum(abs(x) for x in base.estimate.present_values) * k
    assert pv == pytest.approx(k * base.present_value, rel=1e-9, abs=1e-9 * scale + 1e-9)


@settings(max_examples=examples(40), deadline=None)
@given(maps(), st.integers(0, 2**31))
def test_zero_width_distributions_reproduce_any_point_estimate(data, seed):
    for o in data["outcomes"]:
        o["uncertainty"] = {
            "quantity": {
                "dist": "triangular",
                "low": o["quantity"],
                "mode": o["quantity"],
                "high": o["quantity"],
            },
            "drop_off": {"dist": "uniform", "low": o["drop_off"], "high": o["drop_off"]},
            "proxy_value": {
                "dist": "pert",
                "low": o["proxy"]["value"],
                "mode": o["proxy"]["value"],
                "high": o["proxy"]["value"],
            },
        }
    result = calculate(load_impact_map(data), monte_carlo=50, seed=seed)
    pv, _ = simulate(result.impact_map, 50, seed)
    assert np.all(pv == result.present_value)


@settings(max_examples=examples(30), deadline=None)
@given(maps(), st.integers(0, 2**31))
def test_same_seed_same_numbers_for_any_map(data, seed):
    data["outcomes"][0]["uncertainty"] = {"deadweight": {"dist": "uniform", "low": 0, "high": 1}}
    m = load_impact_map(data)
    assert (
        calculate(m, monte_carlo=64, seed=seed).to_dict()
        == calculate(m, monte_carlo=64, seed=seed).to_dict()
    )
