"""The accounts API: tokens, /me, organisations, PATCH rights, and errors as JSON."""

import json

import pytest

from socialvalue.web.accounts.models import ApiToken, hash_secret
from tests.factories import PASSWORD, bearer

pytestmark = pytest.mark.django_db


def test_token_issued_for_right_password_is_stored_hashed(client, demo_world):
    response = client.post(
        "/api/v1/auth/token",
        {"email": "alice@example.org", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    secret = response.json()["token"]
    stored = ApiToken.objects.get(user=demo_world.admin)
    assert stored.token_hash == hash_secret(secret)
    assert secret not in {stored.token_hash, stored.hint}


def test_token_refused_for_wrong_password_with_detail(client, demo_world):
    response = client.post(
        "/api/v1/auth/token",
        {"email": "alice@example.org", "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert "not right" in response.json()["detail"]


def test_me_without_token_is_401_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_me_names_memberships_with_organisation_ids(client, demo_world):
    response = client.get("/api/v1/me", **bearer(demo_world.admin))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "alice@example.org"
    assert [
        (m["organisation_id"], m["organisation_name"], m["role"]) for m in body["memberships"]
    ] == [(demo_world.alice_org.id, "Alice Care", "admin")]


def test_outsider_gets_404_for_another_organisation(client, demo_world):
    response = client.get(
        f"/api/v1/organisations/{demo_world.alice_org.id}", **bearer(demo_world.outsider)
    )
    assert response.status_code == 404
    assert response.json()["detail"]


def test_organisation_list_shows_only_own(client, demo_world):
    response = client.get("/api/v1/organisations", **bearer(demo_world.outsider))
    assert [o["name"] for o in response.json()] == ["Charlie Support"]


def test_admin_patch_is_audited_with_old_and_new_name(client, demo_world):
    headers = bearer(demo_world.admin)
    url = f"/api/v1/organisations/{demo_world.alice_org.id}"
    response = client.patch(
        url, json.dumps({"name": "Alice Care Trust"}), content_type="application/json", **headers
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Alice Care Trust"
    events = client.get("/api/v1/audit-events", **headers).json()["items"]
    change = next(
        e for e in events if e["action"] == "update" and e["object_type"] == "accounts.Organisation"
    )
    assert change["changes"]["name"] == ["Alice Care", "Alice Care Trust"]
    assert change["actor_email"] == "alice@example.org"


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_non_admin_patch_is_403(client, demo_world, who):
    url = f"/api/v1/organisations/{demo_world.alice_org.id}"
    response = client.patch(
        url,
        json.dumps({"name": "X"}),
        content_type="application/json",
        **bearer(getattr(demo_world, who)),
    )
    assert response.status_code == 403
    assert "admin" in response.json()["detail"]
    demo_world.alice_org.refresh_from_db()
    assert demo_world.alice_org.name == "Alice Care"


def test_patch_with_bad_type_is_422_with_detail(client, demo_world):
    url = f"/api/v1/organisations/{demo_world.alice_org.id}"
    response = client.patch(
        url,
        json.dumps({"organisation_type": "castle"}),
        content_type="application/json",
        **bearer(demo_world.admin),
    )
    assert response.status_code == 422
    assert response.json()["detail"]


def test_revoked_token_stops_working(client, demo_world):
    headers = bearer(demo_world.admin)
    token = ApiToken.objects.get(user=demo_world.admin)
    assert client.delete(f"/api/v1/auth/tokens/{token.id}", **headers).status_code == 200
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_token_list_shows_hints_not_secrets(client, demo_world):
    headers = bearer(demo_world.admin)
    listed = client.get("/api/v1/auth/tokens", **headers).json()
    assert len(listed) == 1 and "token_hash" not in listed[0]


def test_audit_events_are_for_admins_only(client, demo_world):
    response = client.get(
        f"/api/v1/audit-events?organisation={demo_world.alice_org.id}", **bearer(demo_world.viewer)
    )
    assert response.status_code == 403
    response = client.get(
        f"/api/v1/audit-events?organisation={demo_world.alice_org.id}",
        **bearer(demo_world.outsider),
    )
    assert response.status_code == 404


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/me" in response.json()["paths"]
