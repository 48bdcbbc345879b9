"""Signing in and out, switching organisation, settings, members and invitations on the web."""

import re
from html import escape

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail

from socialvalue.web.accounts.models import Membership, User
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2(demo_world):
    assert identify_hasher(demo_world.admin.password).algorithm == "argon2"


def test_sign_in_page_renders_with_security_headers(client):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_home_shows_sign_in_to_visitors_and_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 200 and "Sign in to socialvalue" in response.content.decode()
    response = client.get("/organisation/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_wrong_password_shows_error_next_to_field(client, demo_world):
    response = client.post("/sign-in/", {"email": "alice@example.org", "password": "nope"})
    html = response.content.decode()
    assert 'id="id_password-error"' in html and "There is a problem" in html


def test_sign_in_and_out(client, demo_world):
    response = client.post(
        "/sign-in/", {"email": "ALICE@example.org", "password": PASSWORD}, follow=True
    )
    assert "Alice Care" in response.content.decode()
    response = client.post("/sign-out/", follow=True)
    assert "You have signed out" in response.content.decode()
    assert client.get("/organisation/").status_code == 302


def test_csrf_is_enforced_on_forms(demo_world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post("/sign-in/", {"email": "alice@example.org", "password": PASSWORD}).status_code
        == 403
    )


def test_switching_to_a_second_organisation(client, demo_world):
    second = OrganisationFactory(name="Second Home")
    MembershipFactory(user=demo_world.admin, organisation=second, role="viewer")
    client.force_login(demo_world.admin)
    response = client.post("/organisation/switch/", {"organisation": second.id}, follow=True)
    assert "You are now working in Second Home" in response.content.decode()
    assert '<h1 class="govuk-heading-xl">Second Home</h1>' in response.content.decode()


def test_switching_to_a_foreign_organisation_is_404(client, demo_world):
    client.force_login(demo_world.admin)
    assert (
        client.post("/organisation/switch/", {"organisation": demo_world.other_org.id}).status_code
        == 404
    )


def test_admin_renames_organisation_and_audit_page_shows_it(client, demo_world):
    client.force_login(demo_world.admin)
    response = client.post(
        "/organisation/",
        {"name": "Alice Care CIO", "organisation_type": "charity", "areas_served": "North\nSouth"},
    )
    assert response.status_code == 302
    demo_world.alice_org.refresh_from_db()
    assert demo_world.alice_org.areas_served == ["North", "South"]
    page = client.get("/organisation/audit/").content.decode()
    assert "Alice Care CIO" in page and escape(demo_world.admin.full_name) in page


def test_blank_name_error_is_shown_next_to_the_field(client, demo_world):
    client.force_login(demo_world.admin)
    response = client.post("/organisation/", {"name": "", "organisation_type": "charity"})
    assert response.status_code == 200
    assert 'id="id_name-error"' in response.content.decode()


def test_viewer_cannot_change_settings_or_see_audit(client, demo_world):
    client.force_login(demo_world.viewer)
    assert (
        client.post("/organisation/", {"name": "X", "organisation_type": "charity"}).status_code
        == 403
    )
    assert client.get("/organisation/audit/").status_code == 403


def test_admin_invites_and_new_person_joins(client, demo_world):
    client.force_login(demo_world.admin)
    client.post(
        "/organisation/members/",
        {"email": "newbie@example.org", "role": "editor", "champion": "on"},
    )
    link = re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)
    client.logout()
    response = client.post(
        link, {"full_name": "New Person", "password": "a-long-unusual-password"}, follow=True
    )
    assert "Welcome to Alice Care" in response.content.decode()
    membership = Membership.objects.get(user__email="newbie@example.org")
    assert membership.role == "editor" and membership.champion
    assert client.get(link).status_code == 404  # used once


def test_admin_removes_member_but_not_the_last_admin(client, demo_world):
    client.force_login(demo_world.admin)
    viewer = Membership.objects.get(user=demo_world.viewer)
    client.post(f"/organisation/members/{viewer.id}/", {"remove": "1", "role": "viewer"})
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    own = Membership.objects.get(user=demo_world.admin)
    response = client.post(
        f"/organisation/members/{own.id}/", {"remove": "1", "role": "admin"}, follow=True
    )
    assert "at least one admin" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_password_reset_sends_a_working_link(client, demo_world):
    client.post("/password-reset/", {"email": "alice@example.org"})
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[-1].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "another-fine-password", "new_password2": "another-fine-password"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="alice@example.org").check_password("another-fine-password")


def test_password_reset_pages_word_their_errors_like_every_form(client, demo_world):
    page = client.post("/password-reset/", {"email": ""}).content.decode()
    assert "Enter email address" in page and "This field is required" not in page
    client.post("/password-reset/", {"email": "alice@example.org"})
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    empty = client.post(form_url, {"new_password1": "", "new_password2": ""}).content.decode()
    assert "Enter new password" in empty and "Enter new password again" in empty
    different = client.post(
        form_url, {"new_password1": "another-fine-password", "new_password2": "another-fine-pass"}
    ).content.decode()
    assert "Enter the same new password twice: the two passwords are different." in different
    assert "didn’t match" not in different


def test_api_tokens_page_creates_and_revokes(client, demo_world):
    client.force_login(demo_world.editor)
    html = client.post("/account/tokens/", {"name": "export script"}).content.decode()
    secret = re.search(r'id="new-token">([^<]+)<', html).group(1)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token = demo_world.editor.api_tokens.get()
    client.post(f"/account/tokens/{token.id}/revoke/")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
