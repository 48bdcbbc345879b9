"""The one text policy at the edge: control characters removed, lone surrogates and over-long text
refused naming the field, searches cut, non-object JSON bodies refused (forms and the API alike)."""

import json

import pytest

from socialvalue.core.text import (
    LONG_TEXT_MAX,
    SEARCH_MAX,
    TextError,
    clean_text,
    clean_tree,
    for_export,
    search_term,
)
from socialvalue.web.planning.models import Objective
from tests.factories import bearer


def test_clean_text_removes_control_characters_but_keeps_tab_and_newlines():
    assert clean_text("a\u000cb\u0007c\td\ne\rf\x7f") == "abc\td\ne\rf"


def test_clean_text_refuses_a_lone_surrogate_naming_the_field():
    with pytest.raises(TextError) as caught:
        clean_text("x\ud800", "description")
    assert caught.value.field == "description"
    assert "surrogate" in str(caught.value)


def test_clean_tree_names_the_nested_place():
    with pytest.raises(TextError) as caught:
        clean_tree({"criteria": [{"name": "ok"}, {"name": "bad\udc00"}]})
    assert caught.value.field == "criteria[1].name"


def test_clean_tree_refuses_text_over_the_limit():
    with pytest.raises(TextError) as caught:
        clean_tree({"mission": "x" * (LONG_TEXT_MAX + 1)})
    assert caught.value.field == "mission"


def test_search_term_is_cut_and_for_export_never_raises():
    assert len(search_term("a" * 50_000)) == SEARCH_MAX
    assert for_export("t\u000cx\ud800") == "tx\ufffd"
    assert for_export(3) == 3


def _post(client, path, body, user):
    return client.post(path, body, content_type="application/json", **bearer(user))


@pytest.mark.django_db
def test_api_lone_surrogate_is_a_400_naming_the_field(client, demo_world):
    body = '{"title": "Fine", "description": "bad \\ud800 text"}'
    response = _post(client, "/api/v1/objectives", body, demo_world.admin)
    assert response.status_code == 400
    assert "description" in response.json()["detail"]
    assert not Objective.objects.exists()


@pytest.mark.django_db
def test_api_control_characters_are_removed_before_storing(client, demo_world):
    body = json.dumps({"title": "Team\u000c one\u0007", "description": "line\nnext"})
    response = _post(client, "/api/v1/objectives", body, demo_world.admin)
    assert response.status_code == 201, response.content
    objective = Objective.objects.get()
    assert objective.title == "Team one"
    assert objective.description == "line\nnext"


@pytest.mark.django_db
def test_api_text_over_the_limit_is_a_400_naming_the_field(client, demo_world):
    body = json.dumps({"title": "Fine", "description": "x" * (LONG_TEXT_MAX + 1)})
    response = _post(client, "/api/v1/objectives", body, demo_world.admin)
    assert response.status_code == 400
    assert "description" in response.json()["detail"]


@pytest.mark.django_db
def test_api_json_string_body_is_refused_not_made_an_objective(client, demo_world):
    response = _post(client, "/api/v1/objectives", '"AAA"', demo_world.admin)
    assert response.status_code == 400
    assert "JSON object" in response.json()["detail"]
    assert not Objective.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/v1/evidence", "/api/v1/activities", "/api/v1/objectives", "/api/v1/case-studies"],
)
def test_api_huge_search_is_not_a_server_error(client, demo_world, path):
    response = client.get(path, {"search": "%_" * 25_000}, **bearer(demo_world.admin))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/evidence/", "/plan/activities/", "/measures/", "/plan/"])
def test_web_huge_search_is_not_a_server_error(client, demo_world, path):
    client.force_login(demo_world.admin)
    response = client.get(path, {"search": "%_" * 25_000, "q": "%_" * 25_000})
    assert response.status_code == 200


@pytest.mark.django_db
def test_web_form_removes_control_characters_and_caps_long_text(client, demo_world):
    client.force_login(demo_world.admin)
    response = client.post(
        "/plan/objectives/new/",
        {"title": "Carers\u0007 breaks", "description": "ok", "position": 0},
    )
    assert response.status_code == 302, response.content[:2000]
    assert Objective.objects.get().title == "Carers breaks"
    response = client.post(
        "/plan/objectives/new/",
        {"title": "Long", "description": "x" * (LONG_TEXT_MAX + 1), "position": 0},
    )
    assert response.status_code == 200
    assert "at most 50000 characters" in response.content.decode().replace(",", "")
    assert Objective.objects.count() == 1


@pytest.mark.django_db
def test_openapi_documents_the_text_limit_on_request_text(client):
    document = client.get("/api/v1/openapi.json").json()
    properties = document["components"]["schemas"]["ObjectiveIn"]["properties"]
    description = properties["description"]
    limits = [description.get("maxLength")] + [
        option.get("maxLength") for option in description.get("anyOf", [])
    ]
    assert LONG_TEXT_MAX in limits
    assert properties["title"]["maxLength"] == 300


@pytest.mark.django_db
def test_imported_text_loses_control_characters_and_a_long_note_is_named(demo_world, tmp_path):
    from socialvalue.core.errors import InputError
    from socialvalue.web.evidence import importing
    from socialvalue.web.evidence.models import Evidence
    from tests.web.evidence.factories import activity, valued_measure

    activity(demo_world.alice_org)
    measure = valued_measure(demo_world.alice_org)
    path = tmp_path / "evidence.csv"
    head = "measure,activity,quantity,period_start,period_end,note\n"
    row = f"{measure.code},Community lunch club,3,2025-04-01,2025-04-30,"
    path.write_text(head + row + "bell\u0007 and\u000c feed\n", encoding="utf-8")
    importing.import_file(path, organisation=demo_world.alice_org, user=demo_world.editor)
    assert Evidence.objects.get().note == "bell and feed"
    path.write_text(head + row + "x" * (LONG_TEXT_MAX + 1) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2, note"):
        importing.import_file(path, organisation=demo_world.alice_org, user=demo_world.editor)
    assert Evidence.objects.count() == 1
