"""The open data shipped in socialvalue/data: counts, codes, sources and licences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from socialvalue.core.formats.value_set import VALUE_TYPES, sdg_target_codes
from socialvalue.core.valuation import load_shipped

REFERENCE = Path("/work/shared/reference")
LICENSED_ONLY = re.compile(
    r"national toms|\btoms\b|hact|social value bank|simetrica|social value portal|social value engine",
    re.IGNORECASE,
)


def _starter_measures() -> list[dict]:
    data = load_shipped("starter-measures.yaml")
    return [m for t in data["themes"] for o in t["outcomes"] for m in o["measures"]]


def _svm_measures() -> list[dict]:
    data = load_shipped("uk-social-value-model.yaml")
    return [
        m
        for e in data["editions"]
        for t in e["themes"]
        for o in t["outcomes"]
        for m in o["measures"]
    ]


# ---------------------------------------------------------------- SDGs


def test_seventeen_goals_and_169_targets_with_unique_codes():
    data = load_shipped("sdgs.yaml")
    goals = data["goals"]
    assert [g["number"] for g in goals] == list(range(1, 18))
    codes = [t["code"] for g in goals for t in g["targets"]]
    assert len(codes) == 169
    assert len(set(codes)) == 169
    assert sdg_target_codes() == frozenset(codes)


def test_every_goal_and_target_is_described_and_typed():
    for goal in load_shipped("sdgs.yaml")["goals"]:
        assert goal["short_name"] and goal["description"].endswith(".")
        for target in goal["targets"]:
            assert target["code"].startswith(f"{goal['number']}.")
            assert target["description"]
            lettered = target["code"].split(".")[1].isalpha()
            assert target["type"] == ("means_of_implementation" if lettered else "outcome")


def test_sdg_header_states_source_and_licence():
    meta = load_shipped("sdgs.yaml")["metadata"]
    assert "A/RES/70/1" in meta["version"]
    assert meta["licence"] and meta["source"]


@pytest.mark.skipif(not REFERENCE.exists(), reason="reference facts not present")
def test_sdg_codes_match_the_reference():
    ref = yaml.safe_load((REFERENCE / "sdgs.yaml").read_text(encoding="utf-8"))
    ref_codes = {t["code"] for g in ref["goals"] for t in g["targets"]}
    assert sdg_target_codes() == ref_codes


# ---------------------------------------------------------------- starter measures


def test_at_least_forty_starter_measures_with_unique_codes():
    measures = _starter_measures()
    assert len(measures) >= 40
    codes = [m["code"] for m in measures]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"SV-[A-Z]+-\d{2}", c) for c in codes)


def test_every_starter_measure_is_complete():
    known = sdg_target_codes()
    for m in _starter_measures():
        for key in ("code", "title", "unit", "description", "evidence", "source", "licence"):
            assert isinstance(m[key], str) and m[key].strip(), (m["code"], key)
        assert m["value_type"] in VALUE_TYPES, m["code"]
        assert m["confidence"] in ("read", "unverified"), m["code"]
        assert m["sdg_targets"], m["code"]
        assert set(m["sdg_targets"]) <= known, m["code"]


def test_proxies_are_numbers_with_a_price_year_or_null():
    for m in _starter_measures():
        proxy = m["proxy_value"]
        if proxy is None:
            assert m["price_year"] is None, m["code"]
            continue
        assert isinstance(proxy, int | float) and not isinstance(proxy, bool), m["code"]
        assert proxy > 0
        assert isinstance(m["price_year"], int) and 1990 <= m["price_year"] <= 2024, m["code"]


def test_unverified_values_say_so_where_users_see_them():
    for m in _starter_measures():
        if m["proxy_value"] is not None and m["confidence"] == "unverified":
            assert "UNVERIFIED" in m["confidence_note"], m["code"]


def test_no_starter_value_comes_from_a_licensed_only_set():
    for m in _starter_measures():
        assert not LICENSED_ONLY.search(m["source"]), m["code"]
        if m["proxy_value"] is not None:
            assert "Open Government Licence" in m["licence"], m["code"]


def test_starter_metadata():
    meta = load_shipped("starter-measures.yaml")["metadata"]
    assert meta["name"] == "socialvalue starter measures"
    assert meta["licence"] == "CC BY 4.0"
    assert meta["version"] and meta["publisher"] and meta["source"]


# ---------------------------------------------------------------- UK Social Value Model


def test_social_value_model_metadata():
    meta = load_shipped("uk-social-value-model.yaml")["metadata"]
    assert meta["name"] == "UK Government Social Value Model"
    assert meta["publisher"] == "Cabinet Office"
    assert meta["licence"] == "Open Government Licence v3.0"
    assert meta["price_year"] is None
    assert meta["source"].startswith("https://")


def test_social_value_model_structure_and_status():
    data = load_shipped("uk-social-value-model.yaml")
    editions = {e["key"]: e for e in data["editions"]}
    assert set(editions) == {"ppn-06-20", "ppn-002"}
    assert len(editions["ppn-06-20"]["themes"]) == 5
    outcomes_0620 = [o for t in editions["ppn-06-20"]["themes"] for o in t["outcomes"]]
    assert [o["number"] for o in outcomes_0620] == list(range(1, 9))
    outcomes_002 = [o for t in editions["ppn-002"]["themes"] for o in t["outcomes"]]
    assert [o["number"] for o in outcomes_002] == list(range(1, 9))
    for item in [*outcomes_0620, *outcomes_002, *_svm_measures()]:
        assert item["status"] in ("read", "unverified")


def test_social_value_model_measures_are_counted_not_valued():
    measures = _svm_measures()
    codes = [m["code"] for m in measures]
    assert len(codes) == len(set(codes))
    for m in measures:
        assert m["proxy_value"] is None and m["price_year"] is None
        assert m["title"] and m["unit"]
        assert set(m["sdg_targets"]) <= sdg_target_codes()


# ---------------------------------------------------------------- deflators and README


def test_deflator_file_is_complete():
    data = load_shipped("gdp-deflators.yaml")
    meta = data["metadata"]
    assert meta["base_year"] == 2024 and data["index"][2024] == 100
    assert meta["licence"] == "Open Government Licence v3.0"
    assert meta["release_date"] and meta["confidence"] in ("read", "unverified")
    years = sorted(data["index"])
    assert years == list(range(1990, 2025))
    values = [data["index"][y] for y in years]
    assert all(v > 0 for v in values)


def test_readme_names_every_data_file():
    text = load_shipped("README.md")
    for name in (
        "sdgs.yaml",
        "uk-social-value-model.yaml",
        "starter-measures.yaml",
        "gdp-deflators.yaml",
    ):
        assert name in text
