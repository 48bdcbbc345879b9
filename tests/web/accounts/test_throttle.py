"""Sign-in throttling per account and address, and per address; password resets limited likewise.

10 failures for one account from one address within 15 minutes lock that pair (the owner elsewhere
still signs in); 50 failures from one address, whatever the accounts, lock the address. The address
is REMOTE_ADDR as the server set it, never a forwarded header a client can write.
"""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from socialvalue.web.accounts.models import LoginFailure, PasswordResetRequest
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


def sign_in(client, email, password, ip=ATTACKER, **headers):
    return client.post(
        "/sign-in/", {"email": email, "password": password}, REMOTE_ADDR=ip, **headers
    )


def test_eleventh_failed_web_sign_in_is_429(client, demo_world):
    for _ in range(10):
        assert sign_in(client, "alice@example.org", "wrong").status_code == 200
    response = sign_in(client, "alice@example.org", "wrong")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts for this account" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    # From the address that guessed, even the right password waits until the window passes.
    assert sign_in(client, "alice@example.org", PASSWORD).status_code == 429


def test_owner_signs_in_from_another_address_while_an_attacker_is_locked_out(client, demo_world):
    for _ in range(11):
        sign_in(client, "alice@example.org", "wrong", ip=ATTACKER)
    assert sign_in(client, "alice@example.org", "wrong", ip=ATTACKER).status_code == 429
    assert sign_in(client, "alice@example.org", PASSWORD, ip=OWNER).status_code == 302


def test_eleventh_failed_api_token_request_is_429(client, demo_world):
    body = {"email": "Alice@Example.org", "password": "wrong"}
    for _ in range(10):
        response = client.post(
            "/api/v1/auth/token", body, content_type="application/json", REMOTE_ADDR=ATTACKER
        )
        assert response.status_code == 401
    response = client.post(
        "/api/v1/auth/token", body, content_type="application/json", REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    right = {"email": "alice@example.org", "password": PASSWORD}
    owner = client.post(
        "/api/v1/auth/token", right, content_type="application/json", REMOTE_ADDR=OWNER
    )
    assert owner.status_code == 200 and owner.json()["token"]


def test_failures_older_than_the_window_do_not_count(client, demo_world):
    old = timezone.now() - dt.timedelta(minutes=16)
    LoginFailure.objects.bulk_create(
        [LoginFailure(email="alice@example.org", ip_address=ATTACKER, at=old) for _ in range(60)]
    )
    assert sign_in(client, "alice@example.org", PASSWORD).status_code == 302


def test_failures_for_one_account_do_not_hold_up_another(client, demo_world):
    LoginFailure.objects.bulk_create(
        [LoginFailure(email="alice@example.org", ip_address=ATTACKER) for _ in range(10)]
    )
    assert sign_in(client, "alice@example.org", PASSWORD).status_code == 429
    assert sign_in(client, "eddie@example.org", PASSWORD).status_code == 302


def test_spraying_many_accounts_from_one_address_locks_the_address(client, demo_world, settings):
    settings.LOGIN_FAILURE_IP_LIMIT = 6
    for n in range(6):
        # A different forwarded address each time changes nothing: only REMOTE_ADDR counts.
        response = sign_in(
            client, f"person{n}@example.org", "Summer2024!", HTTP_X_FORWARDED_FOR=f"10.9.8.{n}"
        )
        assert response.status_code == 200
    response = sign_in(client, "alice@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.8.99")
    assert response.status_code == 429
    assert "from your network address" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert sign_in(client, "alice@example.org", PASSWORD, ip=OWNER).status_code == 302


def test_address_limit_counts_up_to_fifty_by_default(client, demo_world):
    LoginFailure.objects.bulk_create(
        [LoginFailure(email=f"p{n}@example.org", ip_address=ATTACKER) for n in range(49)]
    )
    assert sign_in(client, "alice@example.org", "wrong").status_code == 200
    assert sign_in(client, "alice@example.org", PASSWORD).status_code == 429


def reset(client, email, ip=ATTACKER):
    return client.post("/password-reset/", {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_requests_are_limited_per_address(client, demo_world):
    for n in range(5):
        # Unknown and known addresses get the same neutral answer and count the same.
        email = "alice@example.org" if n == 0 else f"nobody{n}@example.org"
        assert reset(client, email).status_code == 302
    sent = len(mail.outbox)
    response = reset(client, "eddie@example.org")
    assert response.status_code == 429
    assert "password reset requests from your network address" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert len(mail.outbox) == sent
    assert reset(client, "eddie@example.org", ip=OWNER).status_code == 302
    assert mail.outbox[-1].to == ["eddie@example.org"]


def test_password_reset_requests_are_limited_per_email_address(client, demo_world):
    for n in range(5):
        assert reset(client, "alice@example.org", ip=f"192.0.2.{n + 1}").status_code == 302
    assert len(mail.outbox) == 5
    response = reset(client, "alice@example.org", ip="192.0.2.77")
    assert response.status_code == 429
    assert "for this email address" in response.content.decode()
    assert len(mail.outbox) == 5


def test_password_reset_requests_older_than_the_window_do_not_count(client, demo_world):
    old = timezone.now() - dt.timedelta(minutes=61)
    PasswordResetRequest.objects.bulk_create(
        [
            PasswordResetRequest(email="alice@example.org", ip_address=ATTACKER, at=old)
            for _ in range(5)
        ]
    )
    assert reset(client, "alice@example.org").status_code == 302
    assert len(mail.outbox) == 1
