"""A JSON route sent a form or multipart body answers 415 in JSON, never 500."""

from __future__ import annotations

import pytest

from tests.factories import bearer

pytestmark = pytest.mark.django_db


def test_a_multipart_body_to_a_json_route_is_415_naming_the_content_type(client, demo_world):
    response = client.post(
        "/api/v1/procurements/999/enter-contract",
        data={"start_date": "2027-04-01"},
        **bearer(demo_world.admin),
    )
    assert response.status_code == 415
    assert response["Content-Type"].startswith("application/json")
    assert "Content-Type: application/json" in response.json()["detail"]


def test_an_empty_form_body_is_named_by_the_missing_field(client, demo_world):
    response = client.post(
        "/api/v1/procurements/999/enter-contract",
        data="",
        content_type="application/x-www-form-urlencoded",
        **bearer(demo_world.admin),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload"]
