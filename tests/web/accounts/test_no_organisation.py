"""A signed-in person who belongs to no organisation is told so everywhere: no 500, no misleading text."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from socialvalue.web.accounts.models import User
from tests.factories import UserFactory, bearer

pytestmark = pytest.mark.django_db

WORKSPACE_PAGES = [
    "/plan/",
    "/statements/",
    "/evidence/",
    "/charter/",
    "/procurements/",
    "/contracts/",
    "/reports/",
    "/organisation/",
    "/organisation/members/",
    "/measures/",
]


@pytest.fixture
def loner():
    return UserFactory(email="loner@example.org")


def test_the_home_page_says_so_and_offers_what_to_do(client, loner):
    client.force_login(loner)
    html = client.get("/").content.decode()
    assert "You do not belong to an organisation yet" in html
    assert 'href="/register/"' in html and "ask its admin to invite you" in html


@pytest.mark.parametrize("path", WORKSPACE_PAGES)
def test_every_workspace_page_says_so_too(client, loner, path):
    client.force_login(loner)
    response = client.get(path)
    assert response.status_code == 403, path
    assert "You do not belong to an organisation yet" in response.content.decode()


def test_pages_that_need_no_organisation_still_work(client, loner):
    client.force_login(loner)
    for path in ("/account/tokens/", "/register/", "/password-reset/"):
        assert client.get(path).status_code == 200, path


def test_the_api_answers_me_and_refuses_tenant_routes_with_a_reason(client, loner):
    auth = bearer(loner)
    me = client.get("/api/v1/me", **auth)
    assert me.status_code == 200 and me.json()["memberships"] == [] and me.json()["pending"] == []
    for path in (
        "/api/v1/objectives",
        "/api/v1/evidence",
        "/api/v1/charter",
        "/api/v1/organisations",
        "/api/v1/measures",
    ):
        response = client.get(path, **auth)
        assert response.status_code == 403, path
        assert "do not belong to an active organisation" in response.json()["detail"]
    assert client.get("/api/v1/auth/tokens", **auth).status_code == 200


def test_a_superuser_from_createsuperuser_is_treated_the_same(client):
    call_command("createsuperuser", email="root@example.org", interactive=False, verbosity=0)
    root = User.objects.get(email="root@example.org")
    response = client.get("/api/v1/objectives", **bearer(root))
    assert response.status_code == 403 and "several organisations" not in response.json()["detail"]
    client.force_login(root)
    assert client.get("/admin/").status_code == 200
    assert "You do not belong to an organisation yet" in client.get("/").content.decode()
