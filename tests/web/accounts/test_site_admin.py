"""Site administration: staff manage organisations, people and registrations; nobody else sees it."""

from __future__ import annotations

from html import escape

import pytest
from django.core import mail

from socialvalue.web.accounts.models import Invitation, Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(email="operator@example.org", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/accounts/organisation/",
        "/admin/accounts/organisation/?q=alice&status__exact=active&kind__exact=provider",
        "/admin/accounts/membership/?q=alice",
        "/admin/accounts/user/?q=alice&is_staff__exact=0",
        "/admin/accounts/registration/",
        "/admin/accounts/invitation/",
        "/admin/measures/valueset/?q=Government",
        "/admin/accounts/organisation/add/",
    ],
)
def test_staff_reach_every_list_with_search_and_filters(client, staff, demo_world, path):
    response = client.get(path)
    assert response.status_code == 200, path


def test_staff_open_an_organisation_with_its_members(client, staff, demo_world):
    page = client.get(f"/admin/accounts/organisation/{demo_world.alice_org.pk}/change/")
    html = page.content.decode()
    assert (
        page.status_code == 200 and escape(str(demo_world.admin)) in html and "Alice Care" in html
    )


def test_staff_create_an_organisation_and_its_first_admin_is_invited(client, staff):
    response = client.post(
        "/admin/accounts/organisation/add/",
        {
            "first_admin_email": "head@northgate.example",
            "name": "Northgate Care",
            "slug": "northgate-care",
            "kind": "provider",
            "organisation_type": "charity",
            "areas_served": '["Northgate"]',
            "status": "active",
            "status_reason": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get(slug="northgate-care")
    invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.email == "head@northgate.example" and invitation.role == "admin"
    assert mail.outbox[-1].to == ["head@northgate.example"]
    assert "http://testserver/invitations/" in mail.outbox[-1].body


def test_a_duplicate_name_is_refused_in_the_admin(client, staff, demo_world):
    response = client.post(
        "/admin/accounts/organisation/add/",
        {
            "first_admin_email": "x@example.org",
            "name": "alice care",
            "slug": "alice-2",
            "kind": "provider",
            "organisation_type": "charity",
            "areas_served": "[]",
            "status": "active",
        },
    )
    assert response.status_code == 200 and "already exists" in response.content.decode()


def _change_data(organisation, **changes) -> dict:
    data = {
        "name": organisation.name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "organisation_type": organisation.organisation_type,
        "areas_served": "[]",
        "status": organisation.status,
        "status_reason": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "invitations-TOTAL_FORMS": "0",
        "invitations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_approving_in_the_admin_tells_the_registrant(client, staff):
    council = OrganisationFactory(
        name="Eastvale Council", kind="commissioner", status="awaiting_approval"
    )
    lead = UserFactory(email="lead@eastvale.example")
    MembershipFactory(user=lead, organisation=council, role="admin")
    response = client.post(
        f"/admin/accounts/organisation/{council.pk}/change/",
        _change_data(council, status="active", **{"memberships-INITIAL_FORMS": "0"}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    council.refresh_from_db()
    assert council.status == "active"
    assert mail.outbox[-1].to == ["lead@eastvale.example"] and "approved" in mail.outbox[-1].body


def test_refusing_in_the_admin_needs_a_reason(client, staff):
    council = OrganisationFactory(
        name="Eastvale Council", kind="commissioner", status="awaiting_approval"
    )
    MembershipFactory(
        user=UserFactory(email="lead@eastvale.example"), organisation=council, role="admin"
    )
    response = client.post(
        f"/admin/accounts/organisation/{council.pk}/change/",
        _change_data(council, status="refused"),
    )
    assert response.status_code == 200 and "Say why" in response.content.decode()
    client.post(
        f"/admin/accounts/organisation/{council.pk}/change/",
        _change_data(council, status="refused", status_reason="Not a public body."),
    )
    council.refresh_from_db()
    assert council.status == "refused" and "Not a public body." in mail.outbox[-1].body


def test_approve_action_on_the_list(client, staff):
    council = OrganisationFactory(
        name="Eastvale Council", kind="commissioner", status="awaiting_approval"
    )
    client.post(
        "/admin/accounts/organisation/",
        {"action": "approve", "_selected_action": [council.pk]},
    )
    council.refresh_from_db()
    assert council.status == "active"


def test_staff_add_a_membership(client, staff, demo_world):
    newcomer = UserFactory(email="newcomer@example.org")
    response = client.post(
        "/admin/accounts/membership/add/",
        {
            "user": newcomer.pk,
            "organisation": demo_world.alice_org.pk,
            "role": "editor",
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.get(user=newcomer).role == "editor"


def test_a_signed_in_person_who_is_not_staff_gets_no_admin_page(client, demo_world):
    client.force_login(demo_world.admin)
    for path in (
        "/admin/",
        "/admin/login/",
        "/admin/accounts/organisation/",
        "/admin/accounts/user/",
    ):
        assert client.get(path).status_code == 404, path


def test_visitors_are_sent_to_the_products_own_sign_in(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/sign-in/?next=%2Fadmin%2F")


def test_value_sets_cannot_be_deleted_from_under_their_records(client, staff):
    from socialvalue.web.measures.models import ValueSet

    value_set = ValueSet.objects.first()
    response = client.get(f"/admin/measures/valueset/{value_set.pk}/delete/")
    assert response.status_code == 403
