"""More than 10 failed sign-ins for one account within 15 minutes answers 429, on the web and in the API."""

import datetime as dt

import pytest
from django.utils import timezone

from socialvalue.web.accounts.models import LoginFailure
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_eleventh_failed_web_sign_in_is_429(client, demo_world):
    for _ in range(10):
        assert (
            client.post(
                "/sign-in/", {"email": "alice@example.org", "password": "wrong"}
            ).status_code
            == 200
        )
    response = client.post("/sign-in/", {"email": "alice@example.org", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Even the right password waits until the window passes.
    assert (
        client.post("/sign-in/", {"email": "alice@example.org", "password": PASSWORD}).status_code
        == 429
    )


def test_eleventh_failed_api_token_request_is_429(client, demo_world):
    body = {"email": "Alice@Example.org", "password": "wrong"}
    for _ in range(10):
        assert (
            client.post("/api/v1/auth/token", body, content_type="application/json").status_code
            == 401
        )
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_failures_older_than_the_window_do_not_count(client, demo_world):
    old = timezone.now() - dt.timedelta(minutes=16)
    LoginFailure.objects.bulk_create(
        [LoginFailure(email="alice@example.org", at=old) for _ in range(20)]
    )
    response = client.post("/sign-in/", {"email": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_throttle_is_per_account(client, demo_world):
    LoginFailure.objects.bulk_create([LoginFailure(email="alice@example.org") for _ in range(10)])
    assert (
        client.post("/sign-in/", {"email": "eddie@example.org", "password": PASSWORD}).status_code
        == 302
    )
