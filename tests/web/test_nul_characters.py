"""A NUL character cannot be stored in PostgreSQL text: it is refused with a 400 before any view runs."""

import json

import pytest

from tests.factories import bearer

pytestmark = pytest.mark.django_db


def test_api_query_with_nul_is_a_400_with_a_detail(client, demo_world):
    response = client.get("/api/v1/case-studies?search=a%00b", **bearer(demo_world.admin))
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_api_json_body_with_nul_is_a_400(client, demo_world):
    body = json.dumps({"name": "Alice\u0000 Care"})
    response = client.patch(
        f"/api/v1/organisations/{demo_world.alice_org.id}",
        body,
        content_type="application/json",
        **bearer(demo_world.admin),
    )
    assert response.status_code == 400
    demo_world.alice_org.refresh_from_db()
    assert demo_world.alice_org.name == "Alice Care"


def test_web_search_with_nul_is_a_400(client, demo_world):
    client.force_login(demo_world.admin)
    assert client.get("/measures/?q=%00").status_code == 400
    assert client.get("/measures/?q=wellby").status_code == 200
