"""The SROI API: maps in the engine's JSON, the result exactly as the engine gives it, 400s with places."""

import json

import pytest

from socialvalue.core.sroi import calculate, parse_impact_map
from socialvalue.web.analyses.models import Analysis
from tests.factories import MembershipFactory, bearer
from tests.web.analyses.factories import analysis_for, small_map

pytestmark = pytest.mark.django_db


def _send(client, method, url, user, body=None):
    kwargs = bearer(user)
    if body is not None:
        kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method)(url, **kwargs)


def test_create_get_list_and_result(client, demo_world):
    data = small_map() | {"sensitivity": {"monte_carlo": {"draws": 1500, "seed": 9}}}
    response = _send(
        client, "post", "/api/v1/sroi-analyses", demo_world.editor, {"impact_map": data}
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["name"] == "Befriending for older people"
    assert (created["draws"], created["seed"], created["kind"]) == (1500, 9, "forecast")
    assert created["impact_map"]["outcomes"][0]["id"] == "less-lonely"
    assert [s["name"] for s in created["stakeholders"]] == [
        "Council",
        "Volunteers",
        "Older people",
        "NHS",
    ]

    result = _send(
        client, "get", f"/api/v1/sroi-analyses/{created['id']}/result", demo_world.viewer
    ).json()
    assert result == calculate(parse_impact_map(data)).to_dict()
    assert result["monte_carlo"]["draws"] == 1500
    assert created["sroi_ratio"] == result["sroi_ratio"]

    listed = _send(client, "get", "/api/v1/sroi-analyses?kind=forecast", demo_world.viewer).json()
    assert [a["id"] for a in listed["items"]] == [created["id"]]
    assert (
        _send(client, "get", "/api/v1/sroi-analyses?kind=evaluative", demo_world.viewer).json()[
            "count"
        ]
        == 0
    )


def test_a_bad_map_is_a_400_with_every_problem(client, demo_world):
    data = small_map()
    data["outcomes"][0]["deadweight"] = 2
    del data["inputs"]
    response = _send(
        client, "post", "/api/v1/sroi-analyses", demo_world.editor, {"impact_map": data}
    )
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"place": "inputs", "message": "at least one input is required"},
        {"place": "outcomes[0].deadweight", "message": "2 is not between 0 and 1"},
    ]
    assert not Analysis.objects.exists()


def test_patch_replaces_the_map_and_recalculates(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    data = small_map()
    data["inputs"][0]["value"] = 20000
    response = _send(
        client,
        "patch",
        f"/api/v1/sroi-analyses/{analysis.pk}",
        demo_world.editor,
        {"impact_map": data, "name": "Befriending, revised", "draws": 0},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Befriending, revised" and body["draws"] == 0
    expected = calculate(parse_impact_map(data | {"title": "Befriending, revised"})).to_dict()
    assert body["sroi_ratio"] == expected["sroi_ratio"]
    result = _send(client, "get", f"/api/v1/sroi-analyses/{analysis.pk}/result", demo_world.viewer)
    assert result.json() == expected and "monte_carlo" not in result.json()

    data["outcomes"][1]["duration"] = 0
    response = _send(
        client,
        "patch",
        f"/api/v1/sroi-analyses/{analysis.pk}",
        demo_world.editor,
        {"impact_map": data},
    )
    assert response.status_code == 400
    assert response.json()["problems"][0]["place"] == "outcomes[1].duration"


def test_an_unfinished_analysis_says_what_is_missing(client, demo_world):
    from socialvalue.web.analyses import services

    analysis = services.create_analysis(
        organisation=demo_world.alice_org, created_by=None, name="Started"
    )
    response = _send(
        client, "get", f"/api/v1/sroi-analyses/{analysis.pk}/result", demo_world.viewer
    )
    assert response.status_code == 400
    assert [p["place"] for p in response.json()["problems"]] == ["inputs", "outcomes"]


def test_viewers_cannot_change_and_outsiders_get_404(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    url = f"/api/v1/sroi-analyses/{analysis.pk}"
    assert _send(client, "patch", url, demo_world.viewer, {"name": "Mine"}).status_code == 403
    assert _send(client, "delete", url, demo_world.viewer).status_code == 403
    for method, body in (("get", None), ("patch", {"name": "Mine"}), ("delete", None)):
        assert _send(client, method, url, demo_world.outsider, body).status_code == 404
    assert _send(client, "get", url + "/result", demo_world.outsider).status_code == 404
    assert _send(client, "get", "/api/v1/sroi-analyses", demo_world.outsider).json()["count"] == 0
    response = _send(
        client,
        "post",
        "/api/v1/sroi-analyses",
        demo_world.outsider,
        {"organisation_id": demo_world.alice_org.pk, "impact_map": small_map()},
    )
    assert response.status_code == 404
    assert _send(client, "delete", url, demo_world.editor).status_code == 204
    assert not Analysis.objects.exists()


def test_a_member_of_two_organisations_names_one(client, demo_world):
    MembershipFactory(user=demo_world.editor, organisation=demo_world.other_org, role="editor")
    body = {"impact_map": small_map()}
    response = _send(client, "post", "/api/v1/sroi-analyses", demo_world.editor, body)
    assert response.status_code == 400
    body["organisation_id"] = demo_world.other_org.pk
    response = _send(client, "post", "/api/v1/sroi-analyses", demo_world.editor, body)
    assert response.status_code == 201
    assert response.json()["organisation_id"] == demo_world.other_org.pk


def test_start_the_evaluation_of_a_forecast(client, demo_world):
    forecast = analysis_for(demo_world.alice_org)
    url = f"/api/v1/sroi-analyses/{forecast.pk}/evaluation"
    assert _send(client, "post", url, demo_world.viewer).status_code == 403
    response = _send(client, "post", url, demo_world.editor)
    assert response.status_code == 201
    evaluation = response.json()
    assert evaluation["kind"] == "evaluative" and evaluation["forecast_id"] == forecast.pk
    assert evaluation["impact_map"] == forecast.impact_map
    again = _send(
        client, "post", f"/api/v1/sroi-analyses/{evaluation['id']}/evaluation", demo_world.editor
    )
    assert again.status_code == 400
    assert again.json()["problems"] == [
        {"place": "kind", "message": "only a forecast can have an evaluative version"}
    ]
