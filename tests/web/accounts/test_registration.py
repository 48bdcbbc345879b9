"""Self-service registration: the form and the API, email verification, approval, policy and limits."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from socialvalue.web.accounts import registration
from socialvalue.web.accounts.models import Membership, Organisation, Registration, User
from socialvalue.web.accounts.policy import parse_policy
from socialvalue.web.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "a-long-and-unusual-passphrase"


def form(**changes) -> dict:
    data = {
        "full_name": "Nia Patel",
        "email": "nia@greenleaf.example",
        "password": STRONG,
        "organisation_name": "Greenleaf Support",
        "kind": "provider",
        "organisation_type": "charity",
        "areas_served": "Northtown\nSouthtown",
    }
    data.update(changes)
    return data


def emailed_link(message, path: str) -> str:
    match = re.search(rf"(http\S+{path}\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def confirm_path(message) -> str:
    return emailed_link(message, "/register/confirm/").removeprefix("http://testserver")


def test_provider_registers_confirms_signs_in_and_sees_first_steps(client):
    response = client.post("/register/", form())
    assert response.status_code == 302 and response["Location"] == "/register/check-your-email/"
    assert "nia@greenleaf.example" in client.get(response["Location"]).content.decode()
    assert not User.objects.filter(
        email="nia@greenleaf.example"
    ).exists()  # nothing until confirmed

    [message] = mail.outbox
    assert message.to == ["nia@greenleaf.example"]
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "Confirm my email address" in html
    link = emailed_link(message, "/register/confirm/")
    assert link.startswith("http://testserver/register/confirm/")  # SOCIALVALUE_URL in tests

    path = confirm_path(message)
    page = client.get(path)
    assert page.status_code == 200 and "Greenleaf Support" in page.content.decode()
    done = client.post(path)
    assert "Email address confirmed" in done.content.decode()
    organisation = Organisation.objects.get(name="Greenleaf Support")
    assert organisation.status == "active" and organisation.areas_served == [
        "Northtown",
        "Southtown",
    ]
    membership = Membership.objects.get(organisation=organisation)
    assert membership.user.email == "nia@greenleaf.example" and membership.role == "admin"
    assert "is ready" in mail.outbox[-1].subject

    assert client.post(path).status_code == 404  # the link works once
    assert (
        client.post("/sign-in/", {"email": "nia@greenleaf.example", "password": STRONG}).status_code
        == 302
    )
    home = client.get("/").content.decode()
    assert "First steps" in home and "Set your business-plan objectives" in home
    assert "Completed" in home  # the areas served were given: the details step is done


def test_registration_through_the_api(client):
    response = client.post(
        "/api/v1/registrations",
        json.dumps({**form(), "areas_served": ["Northtown"]}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "awaiting_email"
    token = confirm_path(mail.outbox[-1]).rstrip("/").rsplit("/", 1)[-1]
    confirmed = client.post(
        "/api/v1/registrations/confirm",
        json.dumps({"token": token}),
        content_type="application/json",
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active"
    assert confirmed.json()["organisation_slug"] == "greenleaf-support"
    issued = client.post(
        "/api/v1/auth/token",
        json.dumps({"email": "nia@greenleaf.example", "password": STRONG}),
        content_type="application/json",
    )
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {issued.json()['token']}").json()
    assert [m["organisation_name"] for m in me["memberships"]] == ["Greenleaf Support"]
    again = client.post(
        "/api/v1/registrations/confirm",
        json.dumps({"token": token}),
        content_type="application/json",
    )
    assert again.status_code == 404


def test_api_registration_errors_name_their_fields(client):
    UserFactory(email="taken@example.org")
    Organisation.objects.create(
        name="Greenleaf Support", slug="g", kind="provider", organisation_type="charity"
    )
    response = client.post(
        "/api/v1/registrations",
        json.dumps(form(email="taken@example.org", password="taken-example", areas_served=[])),
        content_type="application/json",
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert set(detail) == {"email", "organisation_name", "password"}
    bad_kind = client.post(
        "/api/v1/registrations",
        json.dumps(form(kind="council", areas_served=[])),
        content_type="application/json",
    )
    assert bad_kind.status_code == 422


def test_commissioner_waits_for_approval_then_gets_in(client, django_capture_on_commit_callbacks):
    staff = UserFactory(email="operator@example.org", is_staff=True)
    client.post(
        "/register/",
        form(
            organisation_name="Eastvale Council",
            kind="commissioner",
            organisation_type="local_authority",
            email="lead@eastvale.example",
        ),
    )
    client.post(confirm_path(mail.outbox[-1]))
    council = Organisation.objects.get(name="Eastvale Council")
    assert council.status == "awaiting_approval"
    to_staff = [m for m in mail.outbox if m.to == [staff.email]]
    assert to_staff and "/admin/accounts/organisation/" in to_staff[0].body

    assert (
        client.post("/sign-in/", {"email": "lead@eastvale.example", "password": STRONG}).status_code
        == 302
    )
    home = client.get("/")
    assert "waiting for a site administrator" in home.content.decode()
    charter = client.get("/charter/")
    assert (
        charter.status_code == 403
        and "do not belong to an organisation" in charter.content.decode()
    )

    token = client.post(
        "/api/v1/auth/token",
        json.dumps({"email": "lead@eastvale.example", "password": STRONG}),
        content_type="application/json",
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    me = client.get("/api/v1/me", **auth).json()
    assert me["memberships"] == [] and me["pending"][0]["status"] == "awaiting_approval"
    refused = client.get("/api/v1/charter", **auth)
    assert (
        refused.status_code == 403
        and "do not belong to an active organisation" in refused.json()["detail"]
    )

    registration.approve_organisation(organisation=council)
    assert "approved" in mail.outbox[-1].body and mail.outbox[-1].to == ["lead@eastvale.example"]
    assert client.get("/charter/").status_code == 200
    assert "Set your charter and rank your local priorities" in client.get("/").content.decode()
    assert [
        m["organisation_name"] for m in client.get("/api/v1/me", **auth).json()["memberships"]
    ] == ["Eastvale Council"]


def test_refusal_is_emailed_with_its_reason(client):
    client.post(
        "/register/",
        form(
            organisation_name="Eastvale Council",
            kind="commissioner",
            organisation_type="local_authority",
        ),
    )
    client.post(confirm_path(mail.outbox[-1]))
    council = Organisation.objects.get(name="Eastvale Council")
    with pytest.raises(ValidationError):
        registration.refuse_organisation(organisation=council, reason=" ")
    registration.refuse_organisation(organisation=council, reason="Not a public body.")
    assert "Not a public body." in mail.outbox[-1].body
    assert Registration.objects.get().status == "refused"
    client.post("/sign-in/", {"email": "nia@greenleaf.example", "password": STRONG})
    assert "was not approved: Not a public body." in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "alice@example.org"}, "email", "An account already uses this email address"),
        ({"organisation_name": "  alice   CARE "}, "organisation_name", "is already registered"),
        ({"password": "nia-patel"}, "password", "too similar"),
        ({"password": "short"}, "password", "too short"),
        ({"full_name": ""}, "full_name", "Enter your full name."),
        ({"kind": ""}, "kind", "Choose what kind of organisation it is."),
        (
            {"organisation_type": ""},
            "organisation_type",
            "Choose the organisation&#x27;s legal form.",
        ),
    ],
)
def test_form_errors_are_shown_next_to_their_field(client, demo_world, changes, field, message):
    response = client.post("/register/", form(**changes))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in html or f'id="id_{field}-error"' in html.replace(
        "_0-error", "-error"
    )
    assert message in html and "There is a problem" in html
    assert not mail.outbox and not Registration.objects.exists()


def test_an_unconfirmed_registration_holds_its_name_and_a_new_one_replaces_it(client):
    client.post("/register/", form())
    response = client.post("/register/", form(email="other@example.org"))
    assert "is already registered" in response.content.decode()
    client.post("/register/", form(organisation_name="Greenleaf Support Ltd"))
    assert list(Registration.objects.values_list("organisation_name", flat=True)) == [
        "Greenleaf Support Ltd"
    ]


def test_registration_is_rate_limited_per_address(client, settings):
    settings.REGISTRATION_RATE_LIMIT = 2
    for number in range(2):
        ok = client.post(
            "/register/", form(email=f"p{number}@example.org", organisation_name=f"Org {number}")
        )
        assert ok.status_code == 302
    limited = client.post("/register/", form(email="p3@example.org", organisation_name="Org 3"))
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    api = client.post(
        "/api/v1/registrations",
        json.dumps(form(email="p4@example.org", organisation_name="Org 4", areas_served=[])),
        content_type="application/json",
    )
    assert api.status_code == 429 and "Retry-After" in api
    other_address = client.post(
        "/register/",
        form(email="p5@example.org", organisation_name="Org 5"),
        REMOTE_ADDR="10.0.0.9",
    )
    assert other_address.status_code == 302


def test_closed_registration_hides_the_page_and_the_route(client, settings):
    settings.REGISTRATION_POLICY = parse_policy("closed")
    assert client.get("/register/").status_code == 404
    response = client.post(
        "/api/v1/registrations", json.dumps(form(areas_served=[])), content_type="application/json"
    )
    assert response.status_code == 404
    assert "Register your organisation" not in client.get("/sign-in/").content.decode()


def test_one_kind_closed_is_not_offered_and_is_refused(client, settings):
    settings.REGISTRATION_POLICY = parse_policy("provider=open,commissioner=closed")
    page = client.get("/register/").content.decode()
    assert 'value="provider"' in page and 'value="commissioner"' not in page
    response = client.post(
        "/api/v1/registrations",
        json.dumps(form(kind="commissioner", organisation_type="local_authority", areas_served=[])),
        content_type="application/json",
    )
    assert response.status_code == 400 and "closed" in response.json()["detail"]["kind"][0]


def test_open_policy_makes_a_council_active_at_once(client, settings):
    settings.REGISTRATION_POLICY = parse_policy("open")
    client.post(
        "/register/",
        form(
            organisation_name="Eastvale Council",
            kind="commissioner",
            organisation_type="local_authority",
        ),
    )
    client.post(confirm_path(mail.outbox[-1]))
    assert Organisation.objects.get(name="Eastvale Council").status == "active"


def test_approval_policy_holds_providers_too(client, settings):
    settings.REGISTRATION_POLICY = parse_policy("approval")
    client.post("/register/", form())
    client.post(confirm_path(mail.outbox[-1]))
    assert Organisation.objects.get(name="Greenleaf Support").status == "awaiting_approval"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {"provider": "open", "commissioner": "approval"}),
        ("closed", {"provider": "closed", "commissioner": "closed"}),
        ("commissioner=open", {"provider": "open", "commissioner": "open"}),
        (
            "Provider=Approval, commissioner=closed",
            {"provider": "approval", "commissioner": "closed"},
        ),
    ],
)
def test_policy_setting_is_read(text, expected):
    assert parse_policy(text) == expected


@pytest.mark.parametrize("text", ["maybe", "council=open", "provider=yes"])
def test_a_policy_setting_that_is_not_understood_names_itself(text):
    with pytest.raises(ValueError, match="SOCIALVALUE_REGISTRATION"):
        parse_policy(text)


def test_an_expired_link_explains_itself(client):
    client.post("/register/", form())
    path = confirm_path(mail.outbox[-1])
    Registration.objects.update(created_at=Registration.objects.get().created_at.replace(year=2020))
    response = client.get(path)
    assert response.status_code == 404 and "This link does not work" in response.content.decode()


def test_registration_and_its_outcome_are_audited(client):
    client.post("/register/", form())
    client.post(confirm_path(mail.outbox[-1]))
    events = AuditEvent.objects.filter(object_type="accounts.Registration")
    assert [e.action for e in events.order_by("id")] == ["create", "create"] or events.count() >= 2
    assert not any("password_hash" in e.changes or "token_hash" in e.changes for e in events)
    organisation = Organisation.objects.get(name="Greenleaf Support")
    assert AuditEvent.objects.filter(
        object_type="accounts.Organisation", organisation_id=organisation.pk
    ).exists()


def test_signed_in_person_without_an_organisation_registers_one(client):
    user = UserFactory(email="solo@example.org")
    client.force_login(user)
    page = client.get("/register/").content.decode()
    assert 'name="password"' not in page and "solo@example.org" in page
    response = client.post(
        "/register/",
        {
            k: v
            for k, v in form().items()
            if k in ("organisation_name", "kind", "organisation_type", "areas_served")
        },
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=user).organisation.name == "Greenleaf Support"
    assert "First steps" in client.get("/").content.decode()


def test_invitation_refuses_a_password_like_the_address(client, demo_world):
    from socialvalue.web.accounts.services import invite_member

    _, secret = invite_member(
        organisation=demo_world.alice_org,
        invited_by=demo_world.admin,
        email="fresh-person@example.org",
        role="viewer",
    )
    response = client.post(
        f"/invitations/{secret}/", {"full_name": "Fresh Person", "password": "fresh-person"}
    )
    assert 'id="id_password-error"' in response.content.decode()
    assert not User.objects.filter(email="fresh-person@example.org").exists()
    assert PASSWORD  # the shared test password stays valid for other tests
