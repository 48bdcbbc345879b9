"""Switching values (sroi-method.md section 3) and the one-way sensitivity table."""

import copy
import dataclasses

import pytest

from socialvalue.core.sroi import calculate, load_impact_map, one_way_sensitivity

MAP = {
    "title": "Two outcomes",
    "inputs": [{"value": 150000}],
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
        {
            "id": "o3",
            "stakeholder": "Carers",
            "description": "Respite",
            "quantity": 20,
            "proxy": {"value": 300},
            "duration": 1,
            "displacement": 0.1,
        },
    ],
}


def put_back(data, outcome_id, parameter, value):
    changed = copy.deepcopy(data)
    for outcome in changed["outcomes"]:
        if outcome["id"] == outcome_id:
            if parameter == "proxy_value":
                outcome["proxy"]["value"] = value
            else:
                outcome[parameter] = value
    return calculate(load_impact_map(changed)).to_dict()["sroi_ratio"]


def test_every_switching_value_put_back_gives_a_ratio_of_one():
    rows = calculate(load_impact_map(MAP)).to_dict()["switching_values"]
    assert len(rows) == 18
    checked = 0
    for row in rows:
        if row["value"] is not None:
            assert put_back(MAP, row["outcome"], row["parameter"], row["value"]) == pytest.approx(
                1.0, abs=1e-9
            )
            checked += 1
    assert checked >= 8


def test_quantity_switching_value_by_hand():
    out = calculate(load_impact_map(MAP)).to_dict()
    pv1 = out["outcomes"][0]["present_value"]
    rest = out["present_value"] - pv1
    # x* = x (I - PV_rest) / PV_i
    expected = 100 * (150000 - rest) / pv1
    row = next(
        r for r in out["switching_values"] if (r["outcome"], r["parameter"]) == ("o1", "quantity")
    )
    assert row["value"] == pytest.approx(expected, rel=1e-12)
    dw = next(
        r for r in out["switching_values"] if (r["outcome"], r["parameter"]) == ("o1", "deadweight")
    )
    # (1 - x*) = (1 - x)(I - PV_rest)/PV_i
    assert dw["value"] == pytest.approx(1 - 0.8 * (150000 - rest) / pv1, rel=1e-12)


def test_drop_off_switching_is_null_for_a_one_year_outcome():
    rows = calculate(load_impact_map(MAP)).to_dict()["switching_values"]
    row = next(r for r in rows if (r["outcome"], r["parameter"]) == ("o3", "drop_off"))
    assert row["value"] is None


def test_drop_off_switching_found_to_1e9():
    data = copy.deepcopy(MAP)
    data["inputs"] = [{"value": 200000}]
    rows = calculate(load_impact_map(data)).to_dict()["switching_values"]
    row = next(r for r in rows if (r["outcome"], r["parameter"]) == ("o1", "drop_off"))
    assert row["value"] is not None and 0 < row["value"] < 1
    assert put_back(data, "o1", "drop_off", row["value"]) == pytest.approx(1.0, abs=1e-12)


def test_switching_value_outside_the_domain_is_null():
    # Ratio far above 1: quantity of the small outcome would have to go negative
    data = copy.deepcopy(MAP)
    data["inputs"] = [{"value": 1000}]
    rows = calculate(load_impact_map(data)).to_dict()["switching_values"]
    for r in rows:
        if r["parameter"] in ("quantity", "deadweight", "displacement", "attribution", "drop_off"):
            assert r["value"] is None
    # a proxy may go negative
    assert (
        next(r for r in rows if (r["outcome"], r["parameter"]) == ("o3", "proxy_value"))["value"]
        < 0
    )


def test_zero_present_value_outcome_has_null_switching_values():
    data = copy.deepcopy(MAP)
    data["outcomes"][2]["quantity"] = 0
    rows = calculate(load_impact_map(data)).to_dict()["switching_values"]
    assert all(r["value"] is None for r in rows if r["outcome"] == "o3")


def test_negative_outcome_switching_put_back():
    data = copy.deepcopy(MAP)
    data["outcomes"][1]["proxy"]["value"] = -2000
    data["inputs"] = [{"value": 100000}]
    rows = calculate(load_impact_map(data)).to_dict()["switching_values"]
    for row in rows:
        if row["outcome"] == "o2" and row["value"] is not None:
            assert put_back(data, "o2", row["parameter"], row["value"]) == pytest.approx(
                1, abs=1e-9
            )


def test_tornado_is_sorted_by_swing_and_moves_by_the_stated_steps():
    result = calculate(load_impact_map(MAP))
    rows = result.sensitivity
    assert len(rows) == 18
    swings = [r.swing for r in rows]
    assert swings == sorted(swings, reverse=True)
    q = next(r for r in rows if (r.outcome, r.parameter) == ("o1", "quantity"))
    assert (q.low, q.high) == pytest.approx((90, 110))
    dw = next(r for r in rows if (r.outcome, r.parameter) == ("o1", "deadweight"))
    assert (dw.low, dw.high) == pytest.approx((0.1, 0.3))
    ds = next(r for r in rows if (r.outcome, r.parameter) == ("o1", "displacement"))
    assert (ds.low, ds.high) == pytest.approx((0.0, 0.1))  # clipped at 0
    # quantity +10 % raises the outcome's PV by exactly 10 %
    pv1 = result.to_dict()["outcomes"][0]["present_value"]
    assert q.present_value_high - result.present_value == pytest.approx(0.1 * pv1, rel=1e-9)
    assert one_way_sensitivity(load_impact_map(MAP)) == rows
    assert "sensitivity" not in result.to_dict()


def test_relative_change_ranks_switching_values():
    result = calculate(load_impact_map(MAP))
    sv = next(s for s in result.switching if (s.outcome, s.parameter) == ("o1", "quantity"))
    assert sv.relative_change == pytest.approx(abs(sv.value - 100) / 100)
    assert dataclasses.asdict(sv)["current"] == 100
