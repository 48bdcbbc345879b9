"""A new organisation's first steps: derived from its data, shown until done or hidden, for both kinds."""

from __future__ import annotations

import json

import pytest

from socialvalue.web import onboarding
from socialvalue.web.accounts.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, bearer

pytestmark = pytest.mark.django_db


def statuses(organisation) -> dict[str, str]:
    return {s["key"]: s["status"] for s in onboarding.steps_for(organisation)}


@pytest.fixture
def provider():
    organisation = OrganisationFactory(name="Greenleaf Support", areas_served=[])
    lead = UserFactory(email="lead@greenleaf.example")
    MembershipFactory(user=lead, organisation=organisation, role="admin")
    return organisation, lead


def test_a_new_provider_starts_with_six_steps_none_done(provider):
    organisation, _ = provider
    assert statuses(organisation) == {
        "details": "not_started",
        "colleagues": "not_started",
        "objectives": "not_started",
        "activity": "not_started",
        "statement": "not_started",
        "evidence": "not_started",
    }


def test_each_step_follows_the_data(client, provider):
    from tests.web.planning.factories import ObjectiveFactory, planned_activity

    organisation, lead = provider
    organisation.areas_served = ["Northtown"]
    organisation.save()
    MembershipFactory(organisation=organisation, role="editor")
    ObjectiveFactory(organisation=organisation)
    planned_activity(organisation)
    found = statuses(organisation)
    assert (
        found["details"] == "done" and found["objectives"] == "done" and found["activity"] == "done"
    )
    assert found["colleagues"] == "in_progress"  # a colleague, but no champion yet
    organisation.memberships.filter(user=lead).update(champion=True)
    assert statuses(organisation)["colleagues"] == "done"

    client.force_login(lead)
    response = client.post(
        "/api/v1/statements",
        json.dumps({"title": "Our statement"}),
        content_type="application/json",
        **bearer(lead),
    )
    if response.status_code in (200, 201):
        assert statuses(organisation)["statement"] == "in_progress"


def test_the_home_page_lists_the_steps_with_links_and_hides_them_on_request(client, provider):
    organisation, lead = provider
    client.force_login(lead)
    html = client.get("/").content.decode()
    assert "First steps" in html and 'href="/plan/"' in html and "You have completed 0 of 6" in html
    response = client.post("/organisation/first-steps/", {"show": "0"})
    assert response.status_code == 302
    assert "You have completed" not in client.get("/").content.decode()
    settings_page = client.get("/organisation/").content.decode()
    assert "Show the first steps again" in settings_page
    client.post("/organisation/first-steps/", {"show": "1"})
    assert "First steps" in client.get("/").content.decode()


def test_a_viewer_cannot_hide_the_steps(client, provider):
    organisation, _ = provider
    viewer = UserFactory()
    MembershipFactory(user=viewer, organisation=organisation, role="viewer")
    client.force_login(viewer)
    assert "Hide the first steps" not in client.get("/").content.decode()
    assert client.post("/organisation/first-steps/", {"show": "0"}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.onboarding_dismissed_at is None


def test_a_council_has_its_own_steps(client):
    council = OrganisationFactory(
        name="Hillside District Council",
        kind=Organisation.Kind.COMMISSIONER,
        organisation_type="local_authority",
    )
    lead = UserFactory()
    MembershipFactory(user=lead, organisation=council, role="admin")
    assert list(statuses(council)) == ["details", "colleagues", "charter", "procurement"]
    client.force_login(lead)
    html = client.get("/").content.decode()
    assert "Set your charter and rank your local priorities" in html and 'href="/charter/"' in html


def test_the_list_goes_once_everything_is_done(provider, monkeypatch):
    organisation, _ = provider
    monkeypatch.setattr(onboarding, "steps_for", lambda org: [{"status": onboarding.DONE}])
    assert onboarding.checklist(organisation) is None
