"""sroi-method.md sections 6 and 7 on maps derived by hand: proxies restated to the map's price
year with the GDP deflator, the warnings, Monte Carlo's uncertain_fields and payback within the
horizon. Deflators (2024 = 100): D[2010] = 69.1217, D[2012] = 71.9294, D[2019] = 81.1085,
D[2022] = 90.5005, D[2024] = 100."""

import copy
import json

import numpy as np
import pytest
from click.testing import CliRunner

from socialvalue.cli import main
from socialvalue.core.errors import InputError
from socialvalue.core.sroi import calculate, load_impact_map
from socialvalue.core.sroi.montecarlo import simulate

D = {2010: 69.1217, 2012: 71.9294, 2019: 81.1085, 2022: 90.5005, 2024: 100.0}

MAP = {
    "title": "Two proxies of different years",
    "price_year": 2024,
    "discount": {"rate": 0.035, "convention": "end"},
    "inputs": [{"stakeholder": "Council", "value": 30000}],
    "outcomes": [
        {
            "id": "jobs",
            "stakeholder": "DWP",
            "description": "Benefit payments saved",
            "quantity": 2,
            "proxy": {"value": 9234, "price_year": 2012},
            "duration": 1,
        },
        {
            "id": "wellbeing",
            "stakeholder": "Participants",
            "description": "Life satisfaction",
            "quantity": 10,
            "proxy": {"value": 1300, "price_year": 2019},
            "duration": 2,
            "deadweight": 0.2,
            "drop_off": 0.5,
        },
        {
            "id": "unstated",
            "stakeholder": "Participants",
            "description": "A proxy with no price year",
            "quantity": 1,
            "proxy": {"value": 500},
            "duration": 1,
        },
    ],
}
# jobs:      P' = 9234 * 100 / 71.9294 = 12 837.5879...; impact 25 675.1759...
# wellbeing: P' = 1300 * 100 / 81.1085 = 1 602.7913...; impact = 10 * P' * 0.8 = 12 822.3304...,
#            year 2 = half of it
# unstated:  no price year: taken to be in the map's year, factor 1.0; impact 500


def result(data, **kwargs):
    return calculate(load_impact_map(data), **kwargs).to_dict()


def test_proxies_are_restated_to_the_maps_price_year():
    out = result(MAP)
    jobs, wellbeing, unstated = out["outcomes"]
    assert jobs["restatement_factor"] == pytest.approx(D[2024] / D[2012], rel=1e-12)
    assert jobs["proxy_value_restated"] == pytest.approx(9234 * D[2024] / D[2012], rel=1e-12)
    assert jobs["proxy_value_restated"] == pytest.approx(12837.59, abs=0.005)
    assert jobs["impact"] == pytest.approx(2 * 9234 * 100 / 71.9294, rel=1e-12)
    assert wellbeing["restatement_factor"] == pytest.approx(100 / 81.1085, rel=1e-12)
    w_impact = 10 * 1300 * 100 / 81.1085 * 0.8
    assert wellbeing["impact"] == pytest.approx(w_impact, rel=1e-12)
    assert wellbeing["value_by_year"] == pytest.approx([w_impact, w_impact / 2], rel=1e-12)
    assert unstated["restatement_factor"] == 1.0
    assert unstated["proxy_value_restated"] == 500.0
    j_impact = 2 * 9234 * 100 / 71.9294
    pv = (j_impact + w_impact + 500) / 1.035 + (w_impact / 2) / 1.035**2
    assert out["present_value"] == pytest.approx(pv, rel=1e-12)
    assert out["sroi_ratio"] == pytest.approx(pv / 30000, rel=1e-12)
    assert out["payback_months"] == pytest.approx(30000 / ((j_impact + w_impact + 500) / 12))
    assert out["warnings"] == []


def test_a_proxy_already_in_the_maps_year_is_not_restated():
    data = copy.deepcopy(MAP)
    data["outcomes"][0]["proxy"]["price_year"] = 2024
    jobs = result(data)["outcomes"][0]
    assert jobs["restatement_factor"] == 1.0
    assert jobs["proxy_value_restated"] == 9234.0


def test_an_earlier_map_year_restates_downwards():
    data = copy.deepcopy(MAP)
    data["price_year"] = 2010
    jobs, wellbeing, unstated = result(data)["outcomes"]
    assert jobs["restatement_factor"] == pytest.approx(D[2010] / D[2012], rel=1e-12)
    assert wellbeing["proxy_value_restated"] == pytest.approx(1300 * D[2010] / D[2019], rel=1e-12)
    assert unstated["restatement_factor"] == 1.0


def test_switching_value_of_a_proxy_is_in_its_own_price_year():
    out = result(MAP)
    pv_i = {o["id"]: o["present_value"] for o in out["outcomes"]}
    pv_rest = out["present_value"] - pv_i["jobs"]
    expected = 9234 * (30000 - pv_rest) / pv_i["jobs"]
    found = {(s["outcome"], s["parameter"]): s["value"] for s in out["switching_values"]}
    assert found[("jobs", "proxy_value")] == pytest.approx(expected, rel=1e-9)
    # Restated at that value, the map is exactly 1 : 1.
    data = copy.deepcopy(MAP)
    data["outcomes"][0]["proxy"]["value"] = expected
    assert result(data)["sroi_ratio"] == pytest.approx(1.0, rel=1e-9)
    # Quantity's switching value is unchanged by where the restatement sits.
    assert found[("jobs", "quantity")] == pytest.approx(2 * (30000 - pv_rest) / pv_i["jobs"])


def test_without_a_map_price_year_nothing_is_restated_and_mixed_years_warn():
    data = copy.deepcopy(MAP)
    del data["price_year"]
    out = result(data)
    assert [o["restatement_factor"] for o in out["outcomes"]] == [1.0, 1.0, 1.0]
    assert [o["proxy_value_restated"] for o in out["outcomes"]] == [9234.0, 1300.0, 500.0]
    assert out["outcomes"][0]["impact"] == 2 * 9234
    assert len(out["warnings"]) == 1
    code, _, sentence = out["warnings"][0].partition(":")
    assert code == "mixed-price-years"
    assert "2012 and 2019" in sentence


def test_one_stated_year_without_a_map_year_is_not_mixed():
    data = copy.deepcopy(MAP)
    del data["price_year"]
    data["outcomes"][1]["proxy"]["price_year"] = 2012
    assert result(data)["warnings"] == []


@pytest.mark.parametrize(
    ("where", "year", "place"),
    [
        ("map", 1975, "price_year"),
        ("map", 2030, "price_year"),
        ("proxy", 1975, "outcomes[1].proxy.price_year"),
    ],
)
def test_a_price_year_outside_the_series_is_an_input_error(where, year, place):
    data = copy.deepcopy(MAP)
    if where == "map":
        data["price_year"] = year
    else:
        data["outcomes"][1]["proxy"]["price_year"] = year
    with pytest.raises(InputError) as caught:
        load_impact_map(data)
    assert f"{place}: {year} is outside the deflator series 1990-2024" in str(caught.value)


def test_a_proxy_year_outside_the_series_is_refused_even_without_a_map_year():
    data = copy.deepcopy(MAP)
    del data["price_year"]
    data["outcomes"][0]["proxy"]["price_year"] = 2031
    with pytest.raises(InputError, match=r"outcomes\[0\]\.proxy\.price_year: 2031 is outside"):
        load_impact_map(data)


def test_monte_carlo_multiplies_each_drawn_proxy_by_the_factor():
    data = copy.deepcopy(MAP)
    # A zero-width range: every draw must equal the restated point estimate.
    data["outcomes"][0]["uncertainty"] = {
        "proxy_value": {"dist": "uniform", "low": 9234, "high": 9234}
    }
    impact_map = load_impact_map(data)
    pv, _ = simulate(impact_map, 50, 3)
    point = calculate(impact_map).present_value
    assert np.allclose(pv, point, rtol=1e-12, atol=0)
    # A real range: the draws' PV is linear in the drawn proxy, restated by D[2024] / D[2012].
    data["outcomes"][0]["uncertainty"] = {
        "proxy_value": {"dist": "uniform", "low": 8000, "high": 10000}
    }
    impact_map = load_impact_map(data)
    pv, _ = simulate(impact_map, 2000, 3)
    others = point - 2 * 9234 * (100 / 71.9294) / 1.035
    drawn = (pv - others) * 1.035 / 2 / (100 / 71.9294)
    assert drawn.min() >= 8000 - 1e-6
    assert drawn.max() <= 10000 + 1e-6
    assert drawn.max() > 9900  # the draws span the range in the proxy's own year


def test_uncertain_fields_counts_outcome_input_and_rate_distributions():
    data = copy.deepcopy(MAP)
    data["outcomes"][0]["uncertainty"] = {
        "quantity": {"dist": "uniform", "low": 1, "high": 3},
        "proxy_value": {"dist": "pert", "low": 8000, "mode": 9234, "high": 11000},
    }
    data["outcomes"][1]["uncertainty"] = {
        "deadweight": {"dist": "triangular", "low": 0.1, "mode": 0.2, "high": 0.3}
    }
    data["inputs"][0]["uncertainty"] = {"value": {"dist": "uniform", "low": 25000, "high": 35000}}
    data["discount"]["uncertainty"] = {"rate": {"dist": "uniform", "low": 0.03, "high": 0.04}}
    out = result(data, monte_carlo=200, seed=1)
    assert out["monte_carlo"]["uncertain_fields"] == 5
    assert out["warnings"] == []


def test_monte_carlo_without_distributions_warns_no_uncertainty():
    out = result(MAP, monte_carlo=200, seed=1)
    mc = out["monte_carlo"]
    assert mc["uncertain_fields"] == 0
    assert mc["sroi_ratio"]["p5"] == pytest.approx(out["sroi_ratio"], rel=1e-12)
    assert mc["sroi_ratio"]["p95"] == pytest.approx(out["sroi_ratio"], rel=1e-12)
    assert [w.split(":")[0] for w in out["warnings"]] == ["no-uncertainty"]
    # Without Monte Carlo there is nothing to warn about.
    assert result(MAP)["warnings"] == []


def test_payback_within_horizon_true_when_undiscounted_value_reaches_the_investment():
    out = result(MAP)
    assert sum(out["value_by_year"]) > 30000
    assert out["payback_within_horizon"] is True


def test_payback_beyond_horizon_is_false_and_warned_while_months_keep_the_guides_formula():
    data = {
        "title": "Slow payback",
        "inputs": [{"value": 100000}],
        "outcomes": [
            {
                "stakeholder": "People",
                "description": "A modest change",
                "quantity": 100,
                "proxy": 300,
                "duration": 3,
                "drop_off": 0.5,
            }
        ],
    }
    # impact 30 000 a year; values 30 000, 15 000, 7 500: 52 500 < 100 000.
    # payback_months = 100 000 / (30 000 / 12) = 40, printed by the Guide's formula all the same.
    out = result(data)
    assert out["value_by_year"] == pytest.approx([30000, 15000, 7500])
    assert out["payback_months"] == pytest.approx(40.0)
    assert out["payback_within_horizon"] is False
    assert [w.split(":")[0] for w in out["warnings"]] == ["payback-beyond-horizon"]


def test_payback_exactly_at_the_investment_is_within_the_horizon():
    data = {
        "title": "Exact",
        "inputs": [{"value": 200}],
        "outcomes": [
            {"stakeholder": "A", "description": "B", "quantity": 1, "proxy": 100, "duration": 2}
        ],
    }
    assert result(data)["payback_within_horizon"] is True


def test_payback_within_horizon_is_null_without_investment_or_payback():
    data = copy.deepcopy(MAP)
    data["inputs"] = [{"value": 0}]
    assert result(data)["payback_within_horizon"] is None
    data = copy.deepcopy(MAP)
    for o in data["outcomes"]:
        o["proxy"]["value"] = -abs(o["proxy"]["value"])
    out = result(data)
    assert out["payback_months"] is None
    assert out["payback_within_horizon"] is None
    assert out["warnings"] == []


def test_warnings_come_in_the_contracts_order():
    data = copy.deepcopy(MAP)
    del data["price_year"]
    data["inputs"] = [{"value": 10_000_000}]
    out = result(data, monte_carlo=100, seed=2)
    assert [w.split(":")[0] for w in out["warnings"]] == [
        "mixed-price-years",
        "no-uncertainty",
        "payback-beyond-horizon",
    ]
    assert all(w.split(":", 1)[1].startswith(" ") and len(w) > 40 for w in out["warnings"])


def test_cli_json_carries_the_new_fields(tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps(MAP), encoding="utf-8")
    run = CliRunner().invoke(main, ["sroi", "calc", str(path), "--json", "--monte-carlo", "50"])
    assert run.exit_code == 0, run.output
    out = json.loads(run.output)
    assert out["outcomes"][0]["restatement_factor"] == pytest.approx(100 / 71.9294, rel=1e-12)
    assert out["payback_within_horizon"] is True
    assert out["monte_carlo"]["uncertain_fields"] == 0
    assert out["warnings"][0].startswith("no-uncertainty: ")


@pytest.mark.parametrize(
    ("name", "content", "key"),
    [
        (
            "map.yaml",
            "title: A\ninputs: [{value: 1}]\noutcomes:\n  - stakeholder: S\n    description: D\n"
            "    quantity: 1\n    proxy: 5\n    duration: 1\n    deadweight: 0.2\n    deadweight: 0\n",
            "deadweight",
        ),
        ("map.json", '{"title": "A", "title": "B", "inputs": [], "outcomes": []}', "title"),
    ],
)
def test_a_key_given_twice_is_refused_naming_file_and_key(tmp_path, name, content, key):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_impact_map(path)
    message = str(caught.value)
    assert name in message
    assert f'the key "{key}" is given twice' in message
    run = CliRunner().invoke(main, ["sroi", "calc", str(path), "--json"])
    assert run.exit_code == 2
    assert f'the key "{key}" is given twice' in run.output
    assert "Traceback" not in run.output


def test_the_employment_example_restates_its_proxies_consistently():
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "employment-support.yaml"
    out = result(example)
    by_id = {o["id"]: o for o in out["outcomes"]}
    assert out["warnings"] == []
    # 14 872 (NLW, 2024) less 9 234 in 2012 prices restated to 2024: 14 872 - 12 837.59
    assert by_id["higher-income"]["proxy_value_restated"] == pytest.approx(2034.41)
    assert by_id["higher-income"]["restatement_factor"] == 1.0
    assert by_id["dwp-benefit-savings"]["proxy_value_restated"] == pytest.approx(
        9234 * 100 / 71.9294, rel=1e-12
    )
    assert 14872 - by_id["dwp-benefit-savings"]["proxy_value_restated"] == pytest.approx(
        2034.41, abs=0.005
    )
