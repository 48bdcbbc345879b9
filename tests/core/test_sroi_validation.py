"""Impact map validation: every problem named by its place, unknown keys refused, files read safely."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialvalue.core.errors import InputError
from socialvalue.core.sroi import calculate, load_impact_map
from tests.properties import examples

GOOD = {
    "title": "Meals",
    "inputs": [{"stakeholder": "Council", "value": 1000}],
    "outcomes": [
        {
            "stakeholder": "Older people",
            "description": "Fed",
            "quantity": 10,
            "proxy": {"value": 50},
            "duration": 1,
        },
        {
            "stakeholder": "Older people",
            "description": "Visited",
            "quantity": 5,
            "proxy": {"value": 80},
            "duration": 2,
        },
        {
            "stakeholder": "NHS",
            "description": "Fewer falls",
            "quantity": 2,
            "proxy": {"value": 300},
            "duration": 1,
        },
    ],
}


def problems(data):
    with pytest.raises(InputError) as info:
        load_impact_map(data)
    return [str(p) for p in info.value.problems]


def test_percentage_out_of_range_is_named_by_place():
    data = copy.deepcopy(GOOD)
    data["outcomes"][2]["deadweight"] = 1.5
    assert problems(data) == ["outcomes[2].deadweight: 1.5 is not between 0 and 1"]


def test_every_problem_is_reported_not_just_the_first():
    data = copy.deepcopy(GOOD)
    data["outcomes"][0]["quantity"] = -1
    data["outcomes"][1]["duration"] = 0
    data["outcomes"][2]["dedweight"] = 0.2
    data["inputs"][0]["value"] = "lots"
    found = problems(data)
    assert "outcomes[0].quantity: -1 is not at least 0" in found
    assert any(p.startswith("outcomes[1].duration: 0 is not a whole number") for p in found)
    assert any(p.startswith("outcomes[2].dedweight: unknown key") for p in found)
    assert "inputs[0].value: 'lots' is not a number" in found


def test_unknown_top_level_and_proxy_keys_are_errors():
    data = copy.deepcopy(GOOD)
    data["sensitivty"] = {}
    data["outcomes"][0]["proxy"]["valu"] = 3
    found = problems(data)
    assert any(p.startswith("sensitivty: unknown key") for p in found)
    assert any(p.startswith("outcomes[0].proxy.valu: unknown key") for p in found)


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"title": None}, "title: is required"),
        ({"inputs": []}, "inputs: at least one input is required"),
        ({"discount": {"rate": 3.5}}, "discount.rate: 3.5 is not between 0 and 1"),
        ({"discount": {"rate": "greenbok"}}, "discount.rate: 'greenbok' is not a number or one of"),
        ({"discount": {"convention": "middle"}}, "discount.convention: 'middle' is not one of"),
        ({"sensitivity": {"monte_carlo": {"draws": 0}}}, "sensitivity.monte_carlo.draws: 0"),
    ],
)
def test_top_level_rules(change, expected):
    data = copy.deepcopy(GOOD)
    data.update(change)
    assert any(p.startswith(expected) for p in problems(data)), problems(data)


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("value_type", "happy", "outcomes[1].value_type: 'happy' is not one of"),
        ("duration", 2.5, "outcomes[1].duration: 2.5 is not a whole number"),
        ("start", 0, "outcomes[1].start: 0 is not a whole number of at least 1"),
        ("quantity", True, "outcomes[1].quantity: True is not a number"),
        ("quantity", float("nan"), "outcomes[1].quantity: nan is not a finite number"),
        ("id", "o1", "outcomes[1].id: 'o1' is already used by outcomes[0]"),
        (
            "uncertainty",
            {"deadweight": {"dist": "triangular", "low": 0.1, "mode": 0.5, "high": 1.2}},
            "outcomes[1].uncertainty.deadweight.high: 1.2 is not between 0 and 1",
        ),
        (
            "uncertainty",
            {"quantity": {"dist": "gamma"}},
            "outcomes[1].uncertainty.quantity.dist: 'gamma'",
        ),
        (
            "uncertainty",
            {"quantity": {"dist": "uniform", "low": 5}},
            "outcomes[1].uncertainty.quantity.high: is required",
        ),
        (
            "uncertainty",
            {"quantity": {"dist": "pert", "low": 1, "mode": 9, "high": 5}},
            "outcomes[1].uncertainty.quantity.mode: 9",
        ),
        (
            "uncertainty",
            {"proxy": {"dist": "uniform", "low": 1, "high": 2}},
            "outcomes[1].uncertainty.proxy: unknown key",
        ),
        (
            "uncertainty",
            {"attribution": {"dist": "choice", "values": [0.1, 0.2], "weights": [1]}},
            "outcomes[1].uncertainty.attribution.weights",
        ),
    ],
)
def test_outcome_rules(field, value, expected):
    data = copy.deepcopy(GOOD)
    data["outcomes"][1][field] = value
    assert any(p.startswith(expected) for p in problems(data)), problems(data)


def test_defaults_are_filled_in():
    m = load_impact_map(GOOD)
    assert [o.id for o in m.outcomes] == ["o1", "o2", "o3"]
    assert m.currency == "GBP"
    assert m.discount.rate == 0.035 and m.discount.convention == "end"
    assert m.outcomes[0].start == 1 and m.outcomes[0].deadweight == 0.0


def test_round_trip_through_to_dict_and_yaml(tmp_path):
    data = copy.deepcopy(GOOD)
    data["outcomes"][0]["uncertainty"] = {
        "quantity": {"dist": "normal", "mean": 10, "sd": 2, "low": 5},
        "attribution": {"dist": "choice", "values": [0.1, 0.2], "weights": [1, 3]},
    }
    data["inputs"][0]["uncertainty"] = {"value": {"dist": "uniform", "low": 900, "high": 1100}}
    data["discount"] = {
        "rate": 0.035,
        "uncertainty": {"rate": {"dist": "triangular", "low": 0.015, "mode": 0.035, "high": 0.05}},
    }
    data["sensitivity"] = {"monte_carlo": {"draws": 200, "seed": 4}}
    m = load_impact_map(data)
    assert load_impact_map(m.to_dict()) == m
    assert load_impact_map(json.loads(json.dumps(m.to_dict()))) == m
    path = tmp_path / "map.yaml"
    path.write_text(m.to_yaml())
    assert load_impact_map(path) == m
    assert calculate(load_impact_map(path)).to_dict() == calculate(m).to_dict()


def test_files_are_read_by_suffix(tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps(GOOD))
    assert load_impact_map(path).title == "Meals"
    with pytest.raises(InputError, match="not an impact map file"):
        load_impact_map(tmp_path / "map.txt")
    with pytest.raises(InputError, match="cannot read"):
        load_impact_map(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "title: [unclosed",
        "- a\n- b",
        "just text",
        "",
        "a: !!python/object:os.system x",
        "d: 2024-13-45",
        "\t\x00bad",
    ],
)
def test_malformed_yaml_is_input_error(tmp_path, text):
    path = tmp_path / "map.yaml"
    path.write_text(text)
    with pytest.raises(InputError):
        load_impact_map(path)


# -- fuzz: the reader must never end in anything but a map or InputError ---------------------

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8)
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "title",
        "inputs",
        "outcomes",
        "discount",
        "quantity",
        "proxy",
        "value",
        "duration",
        "start",
        "deadweight",
        "drop_off",
        "uncertainty",
        "dist",
        "low",
        "high",
        "mode",
        "sd",
        "mean",
        "values",
        "weights",
        "rate",
        "convention",
        "sensitivity",
        "monte_carlo",
        "draws",
        "seed",
        "id",
    ]
)


def mutate(draw_dict, key, value):
    data = copy.deepcopy(draw_dict)
    return data, key, value


@settings(max_examples=examples(150), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(field_names, values, max_size=6))
def test_fuzz_random_top_level_dicts(data):
    try:
        calculate(load_impact_map(data))
    except InputError:
        pass


@settings(max_examples=examples(150), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.integers(0, 2),
    st.dictionaries(field_names, values, max_size=4),
    st.dictionaries(field_names, values, max_size=3),
)
def test_fuzz_outcomes_with_random_fields(index, outcome_changes, top_changes):
    data = copy.deepcopy(GOOD)
    data["outcomes"][index].update(outcome_changes)
    data.update({k: v for k, v in top_changes.items() if k not in ("title",)})
    try:
        calculate(load_impact_map(data), monte_carlo=20)
    except InputError:
        pass


@settings(
    max_examples=examples(100),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    deadline=None,
)
@given(st.binary(max_size=300), st.sampled_from([".yaml", ".yml", ".json", ".xlsx"]))
def test_fuzz_random_bytes_as_files(tmp_path, payload, suffix):
    path = tmp_path / f"map{suffix}"
    path.write_bytes(payload)
    try:
        load_impact_map(path)
    except InputError:
        pass
