"""Worked SROI examples derived by hand from sroi-method.md section 2, one per convention and schedule."""

import copy

import pytest

from socialvalue.core.sroi import calculate, load_impact_map

BASE = {
    "title": "Community meals",
    "discount": {"rate": 0.035, "convention": "end"},
    "inputs": [{"stakeholder": "Council", "description": "Contract", "value": 100000}],
    "outcomes": [
        {
            "id": "o1",
            "stakeholder": "Older people",
            "description": "Less isolated",
            "value_type": "social",
            "quantity": 100,
            "proxy": {"value": 1000},
            "duration": 3,
            "deadweight": 0.2,
            "attribution": 0.25,
            "drop_off": 0.1,
        }
    ],
}
# impact = 100 * 1000 * (1 - 0.2) * (1 - 0) * (1 - 0.25) = 60 000
# values by year with 10 % drop-off: 60 000, 54 000, 48 600


def run(data):
    return calculate(load_impact_map(data)).to_dict()


def with_discount(rate, convention):
    data = copy.deepcopy(BASE)
    data["discount"] = {"rate": rate, "convention": convention}
    return data


def test_end_convention_discounts_the_first_year():
    out = run(BASE)
    # PV = 60 000/1.035 + 54 000/1.035^2 + 48 600/1.035^3 = 152 215.0078...
    pv = 60000 / 1.035 + 54000 / 1.035**2 + 48600 / 1.035**3
    assert out["present_value"] == pytest.approx(pv, rel=1e-12)
    assert out["investment"] == 100000.0
    assert out["net_present_value"] == pytest.approx(pv - 100000, rel=1e-12)
    assert out["sroi_ratio"] == pytest.approx(pv / 100000, rel=1e-12)
    assert out["net_sroi_ratio"] == pytest.approx((pv - 100000) / 100000, rel=1e-12)
    # payback = I / (sum of impacts / 12) = 100 000 / 5 000 = 20 months
    assert out["payback_months"] == pytest.approx(20.0)
    assert out["years"] == [1, 2, 3]
    assert out["value_by_year"] == pytest.approx([60000, 54000, 48600], rel=1e-12)
    assert out["present_value_by_year"] == pytest.approx(
        [60000 / 1.035, 54000 / 1.035**2, 48600 / 1.035**3], rel=1e-12
    )
    assert out["outcomes"][0]["impact"] == pytest.approx(60000.0)


def test_start_convention_leaves_the_first_year_undiscounted():
    out = run(with_discount(0.035, "start"))
    # PV = 60 000 + 54 000/1.035 + 48 600/1.035^2
    assert out["present_value"] == pytest.approx(
        60000 + 54000 / 1.035 + 48600 / 1.035**2, rel=1e-12
    )


def test_mid_convention_discounts_half_years():
    out = run(with_discount(0.035, "mid"))
    # PV = 60 000/1.035^0.5 + 54 000/1.035^1.5 + 48 600/1.035^2.5
    assert out["present_value"] == pytest.approx(
        60000 / 1.035**0.5 + 54000 / 1.035**1.5 + 48600 / 1.035**2.5, rel=1e-12
    )


def test_zero_rate_sums_the_values():
    # 60 000 + 54 000 + 48 600 = 162 600
    assert run(with_discount(0, "end"))["present_value"] == pytest.approx(162600.0, rel=1e-12)


def test_greenbook_within_thirty_years_equals_three_and_a_half_percent():
    assert run(with_discount("greenbook", "end"))["present_value"] == pytest.approx(
        run(BASE)["present_value"], rel=1e-12
    )


def test_greenbook_health_end_convention():
    out = run(with_discount("greenbook-health", "end"))
    assert out["present_value"] == pytest.approx(
        60000 / 1.015 + 54000 / 1.015**2 + 48600 / 1.015**3, rel=1e-12
    )
    assert out["discount"] == {"rate": "greenbook-health", "convention": "end"}


def test_greenbook_band_crossing_with_a_late_start():
    data = with_discount("greenbook", "end")
    data["outcomes"][0].update(start=30, duration=3, drop_off=0.0)
    out = run(data)
    # years 30, 31, 32 at 60 000 each: DF(30) = 1.035^-30, DF(31) = DF(30)/1.03, DF(32) = DF(30)/1.03^2
    df30 = 1.035**-30
    assert out["years"] == list(range(1, 33))
    assert out["present_value"] == pytest.approx(
        60000 * df30 * (1 + 1 / 1.03 + 1 / 1.03**2), rel=1e-12
    )
    assert out["value_by_year"][:29] == [0.0] * 29


def test_greenbook_mid_convention_fractional_band_crossing():
    data = with_discount("greenbook", "mid")
    data["outcomes"][0].update(start=30, duration=2, drop_off=0.0)
    out = run(data)
    # year 30 -> t = 29.5 (3.5 %); year 31 -> t = 30.5: DF(30) * 1.03^-0.5
    expected = 60000 * (1.035**-29.5 + 1.035**-30 * 1.03**-0.5)
    assert out["present_value"] == pytest.approx(expected, rel=1e-12)


def test_later_start_shifts_the_profile():
    data = copy.deepcopy(BASE)
    data["outcomes"][0]["start"] = 2
    out = run(data)
    # values in years 2..4: 60 000, 54 000, 48 600; end convention discounts from 1.035^-2
    assert out["years"] == [1, 2, 3, 4]
    assert out["value_by_year"] == pytest.approx([0, 60000, 54000, 48600], rel=1e-12)
    assert out["present_value"] == pytest.approx(
        60000 / 1.035**2 + 54000 / 1.035**3 + 48600 / 1.035**4, rel=1e-12
    )


def test_negative_outcome_reduces_present_value():
    data = copy.deepcopy(BASE)
    data["outcomes"].append(
        {
            "id": "harm",
            "stakeholder": "Carers",
            "description": "Extra travel",
            "quantity": 10,
            "proxy": {"value": -500},
            "duration": 1,
            "displacement": 0.5,
        }
    )
    out = run(data)
    # harm impact = 10 * -500 * (1 - 0.5) = -2 500, in year 1 only: PV -2 500/1.035
    base_pv = 60000 / 1.035 + 54000 / 1.035**2 + 48600 / 1.035**3
    assert out["outcomes"][1]["impact"] == pytest.approx(-2500.0)
    assert out["outcomes"][1]["present_value"] == pytest.approx(-2500 / 1.035, rel=1e-12)
    assert out["present_value"] == pytest.approx(base_pv - 2500 / 1.035, rel=1e-12)
    # payback uses the sum of impacts: 100 000 / ((60 000 - 2 500) / 12)
    assert out["payback_months"] == pytest.approx(100000 / (57500 / 12), rel=1e-12)
    assert out["by_value_type"] == pytest.approx(
        {"social": base_pv, "unspecified": -2500 / 1.035}, rel=1e-12
    )
    assert list(out["by_stakeholder"]) == ["Older people", "Carers"]


def test_zero_investment_gives_null_ratios_and_switching_values():
    data = copy.deepcopy(BASE)
    data["inputs"] = [{"stakeholder": "Volunteers", "value": 0}]
    out = run(data)
    assert out["sroi_ratio"] is None
    assert out["net_sroi_ratio"] is None
    assert out["payback_months"] == 0.0
    assert all(s["value"] is None for s in out["switching_values"])


def test_payback_is_null_when_impacts_do_not_add_up_to_a_gain():
    data = copy.deepcopy(BASE)
    data["outcomes"][0]["proxy"]["value"] = -1000
    assert run(data)["payback_months"] is None


def test_result_has_exactly_the_contract_keys_in_order():
    out = calculate(load_impact_map(BASE), monte_carlo=100).to_dict()
    assert list(out) == [
        "title",
        "currency",
        "investment",
        "present_value",
        "net_present_value",
        "sroi_ratio",
        "net_sroi_ratio",
        "payback_months",
        "payback_within_horizon",
        "discount",
        "years",
        "value_by_year",
        "present_value_by_year",
        "outcomes",
        "by_stakeholder",
        "by_value_type",
        "switching_values",
        "warnings",
        "monte_carlo",
    ]
    assert list(out["outcomes"][0]) == [
        "id",
        "stakeholder",
        "impact",
        "present_value",
        "value_by_year",
        "restatement_factor",
        "proxy_value_restated",
    ]
    assert "monte_carlo" not in run(BASE)
    assert out["currency"] == "GBP"


def test_several_inputs_add_up_undiscounted():
    data = copy.deepcopy(BASE)
    data["inputs"].append({"stakeholder": "Volunteers", "description": "Time", "value": 25000.5})
    assert run(data)["investment"] == 125000.5


def test_monte_carlo_argument_wins_over_the_file():
    data = copy.deepcopy(BASE)
    data["sensitivity"] = {"monte_carlo": {"draws": 50, "seed": 7}}
    m = load_impact_map(data)
    assert calculate(m).to_dict()["monte_carlo"]["draws"] == 50
    assert calculate(m).to_dict()["monte_carlo"]["seed"] == 7
    out = calculate(m, monte_carlo=20, seed=3).to_dict()["monte_carlo"]
    assert (out["draws"], out["seed"]) == (20, 3)
    assert "monte_carlo" not in calculate(m, monte_carlo=0).to_dict()
