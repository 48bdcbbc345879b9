"""Building and changing analyses: every change validated by the engine, results always its own."""

import pytest

from socialvalue.core.errors import InputError
from socialvalue.core.sroi import calculate, parse_impact_map
from socialvalue.web.analyses import services
from socialvalue.web.analyses.demo import load_demo_analyses
from socialvalue.web.analyses.models import Analysis
from tests.web.analyses.factories import analysis_for, small_map

pytestmark = pytest.mark.django_db


def test_result_is_exactly_the_engines_with_the_stored_seed(demo_world):
    analysis = analysis_for(demo_world.alice_org, draws=3000, seed=5)
    expected = calculate(parse_impact_map(small_map()), monte_carlo=3000, seed=5).to_dict()
    expected["title"] = analysis.name
    assert analysis.result == expected
    assert services.result_of(analysis).to_dict() == expected


def test_a_maps_own_monte_carlo_settings_are_kept(demo_world):
    data = small_map() | {"sensitivity": {"monte_carlo": {"draws": 500, "seed": 42}}}
    analysis = services.create_analysis(
        organisation=demo_world.alice_org, created_by=None, name="From file", impact_map=data
    )
    assert (analysis.draws, analysis.seed) == (500, 42)
    assert "sensitivity" not in analysis.impact_map
    assert services.engine_map(analysis)["sensitivity"] == {
        "monte_carlo": {"draws": 500, "seed": 42}
    }


def test_a_blank_analysis_says_what_it_still_needs(demo_world):
    analysis = services.create_analysis(
        organisation=demo_world.alice_org, created_by=None, name="New", rate="greenbook"
    )
    assert analysis.result is None
    assert services.missing_parts(analysis) == [
        "Add at least one input.",
        "Add at least one outcome.",
    ]
    assert analysis.impact_map["discount"] == {"rate": "greenbook", "convention": "end"}
    with pytest.raises(InputError) as caught:
        services.result_of(analysis)
    assert [p.place for p in caught.value.problems] == ["inputs", "outcomes"]


def test_a_bad_value_is_refused_with_its_place_and_nothing_is_saved(demo_world):
    analysis = analysis_for(demo_world.alice_org)
    before = analysis.impact_map
    rows = [dict(row, index=k) for k, row in enumerate(analysis.outcomes)]
    rows[1]["deadweight"] = 1.5
    with pytest.raises(InputError) as caught:
        services.save_outcomes(analysis, rows)
    assert [str(p) for p in caught.value.problems] == [
        "outcomes[1].deadweight: 1.5 is not between 0 and 1"
    ]
    analysis.refresh_from_db()
    assert analysis.impact_map == before


def test_editing_a_value_moves_its_triangular_mode_and_recalculates(demo_world):
    analysis = analysis_for(demo_world.alice_org)
    ratio = analysis.sroi_ratio
    rows = [
        {k: v for k, v in services_row(o).items()} | {"index": k}
        for k, o in enumerate(analysis.outcomes)
    ]
    rows[0]["quantity"] = 22
    services.save_outcomes(analysis, rows)
    analysis.refresh_from_db()
    assert analysis.outcomes[0]["uncertainty"]["quantity"] == {
        "dist": "triangular",
        "low": 10,
        "mode": 22,
        "high": 25,
    }
    assert analysis.sroi_ratio > ratio


def test_a_value_outside_its_range_is_reported_at_the_range(demo_world):
    analysis = analysis_for(demo_world.alice_org)
    rows = [services_row(o) | {"index": k} for k, o in enumerate(analysis.outcomes)]
    rows[0]["quantity"] = 40
    with pytest.raises(InputError) as caught:
        services.save_outcomes(analysis, rows)
    assert caught.value.problems[0].place == "outcomes[0].uncertainty.quantity.mode"


def services_row(outcome: dict) -> dict:
    return {
        "description": outcome["description"],
        "stakeholder": outcome["stakeholder"],
        "quantity": outcome["quantity"],
        "proxy_value": outcome["proxy"]["value"],
        "duration": outcome["duration"],
        **{k: outcome[k] for k in ("deadweight", "displacement", "attribution", "drop_off")},
    }


def test_renaming_a_stakeholder_renames_every_row_that_names_them(demo_world):
    analysis = analysis_for(demo_world.alice_org)
    rows = [
        {"name": s["name"], "involvement": "", "original": s["name"]} for s in analysis.stakeholders
    ]
    rows[2]["name"] = "Older residents"
    services.save_stakeholders(analysis, rows)
    analysis.refresh_from_db()
    assert analysis.outcomes[0]["stakeholder"] == "Older residents"
    assert analysis.result["by_stakeholder"]["Older residents"] > 0


def test_a_stakeholder_in_use_cannot_be_removed_and_names_cannot_repeat(demo_world):
    analysis = analysis_for(demo_world.alice_org)
    rows = [
        {"name": s["name"], "involvement": "", "original": s["name"]}
        for s in analysis.stakeholders
        if s["name"] != "NHS"
    ]
    rows.append({"name": "council", "involvement": "", "original": ""})
    with pytest.raises(InputError) as caught:
        services.save_stakeholders(analysis, rows)
    messages = [p.message for p in caught.value.problems]
    assert "'council' is already in row 1" in messages
    assert (
        "NHS cannot be removed: the outcome 'Fewer GP visits' names them; change its stakeholder first"
        in messages
    )


def test_the_evaluative_version_copies_the_forecast_and_links_to_it(demo_world):
    forecast = analysis_for(demo_world.alice_org)
    evaluation = services.start_evaluation(forecast, created_by=demo_world.editor)
    assert evaluation.kind == Analysis.Kind.EVALUATIVE and evaluation.forecast == forecast
    assert evaluation.impact_map == forecast.impact_map
    assert evaluation.seed == forecast.seed
    assert services.version_pair(forecast) == (forecast, evaluation)
    with pytest.raises(InputError):
        services.start_evaluation(evaluation, created_by=None)


def test_comparison_shows_the_differences(demo_world):
    forecast = analysis_for(demo_world.alice_org)
    evaluation = services.start_evaluation(forecast, created_by=None)
    data = evaluation.impact_map
    data["outcomes"][1]["quantity"] = 80
    services.save_map(evaluation, data)
    comparison = services.compare(forecast, evaluation)
    nhs = next(row for row in comparison.by_stakeholder if row.label == "NHS")
    assert nhs.changed and nhs.difference == pytest.approx(nhs.forecast)
    older = next(row for row in comparison.by_stakeholder if row.label == "Older people")
    assert not older.changed
    ratio = comparison.headline[0]
    assert ratio.evaluation - ratio.forecast == pytest.approx(nhs.difference / 12000)


def test_too_many_draws_for_the_web_are_refused(demo_world):
    with pytest.raises(InputError) as caught:
        analysis_for(demo_world.alice_org, draws=services.WEB_MAX_DRAWS + 1)
    assert caught.value.problems[0].place == "sensitivity.monte_carlo.draws"


def test_demo_loader_is_idempotent(demo_world):
    from socialvalue.web.demo import load_demo

    load_demo(password="demo-password-for-tests")
    load_demo_analyses()
    brightwater = Analysis.objects.filter(organisation__slug="brightwater")
    assert brightwater.count() == 2
    forecast = brightwater.get(kind="forecast")
    evaluation = brightwater.get(kind="evaluative")
    assert evaluation.forecast == forecast
    # In 2024 prices: the two WELLBY proxies of 2019 are restated by D[2024] / D[2019]
    # (100 / 81.1085). Added as they stood, the ratio was 2.2563968 in mixed prices.
    assert forecast.result["sroi_ratio"] == pytest.approx(2.6518699896, rel=1e-9)
    assert forecast.result["warnings"] == []
    assert evaluation.result["sroi_ratio"] < forecast.result["sroi_ratio"]
    assert Analysis.objects.filter(organisation__slug="oakways").count() == 1


def test_ranges_keep_their_shape_and_a_normal_survives_an_edit_elsewhere():
    normal = {"dist": "normal", "mean": 0.2, "sd": 0.05}
    assert services.with_range(normal, old_value=0.2, value=0.25, low=None, high=None) == normal
    assert services.with_range(normal, old_value=0.2, value=0.2, low=0.1, high=0.3) == {
        "dist": "triangular",
        "low": 0.1,
        "mode": 0.2,
        "high": 0.3,
    }
    pert = {"dist": "pert", "low": 600, "mode": 1000, "high": 1500}
    assert services.with_range(pert, old_value=1000, value=1100, low=600, high=1500) == {
        "dist": "pert",
        "low": 600,
        "mode": 1100,
        "high": 1500,
    }
    uniform = {"dist": "uniform", "low": 1, "high": 2}
    assert services.with_range(uniform, old_value=1.5, value=1.2, low=1, high=3) == {
        "dist": "uniform",
        "low": 1,
        "high": 3,
    }
    assert services.with_range(uniform, old_value=1.5, value=1.5, low=None, high=None) is None
