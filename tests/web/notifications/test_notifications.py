"""Notifications: each event once per person, emailed as they prefer, read and unread, and the
events of returns and evidence wired to them."""

import re
from decimal import Decimal

import pytest
from django.core import mail

from socialvalue.web.contracts.models import Return
from socialvalue.web.contracts.services import Decision, LineReport, submit_return, verify_lines
from socialvalue.web.evidence import services as evidence_services
from socialvalue.web.notifications import services
from socialvalue.web.notifications.models import Delivery, Kind, Notification, Preference
from socialvalue.web.tenancy import Actor
from tests.factories import bearer
from tests.web.contracts.factories import contract_between, parties
from tests.web.evidence.factories import evidence

pytestmark = pytest.mark.django_db


def _tell(world, key="event-1", kind=Kind.RETURN_DUE):
    return services.notify(
        kind,
        [world.admin, world.editor],
        organisation=world.alice_org,
        title="Due",
        link="/x/",
        key=key,
    )


def test_an_event_is_told_once_per_person_and_emailed_straight_away(demo_world):
    assert len(_tell(demo_world)) == 2
    assert len(_tell(demo_world)) == 0  # the same key again tells nobody
    assert Notification.objects.filter(key="event-1").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [demo_world.admin.email, demo_world.editor.email]
    )
    body = mail.outbox[0].body
    assert "http://" in body and "/x/" in body and "/notifications/unsubscribe/" in body


def test_daily_preference_waits_for_the_digest_and_off_sends_nothing(demo_world):
    services.set_preferences(user=demo_world.admin, choices={Kind.RETURN_DUE: Delivery.DAILY})
    services.set_preferences(user=demo_world.editor, choices={Kind.RETURN_DUE: Delivery.OFF})
    _tell(demo_world, "a")
    _tell(demo_world, "b")
    assert mail.outbox == []
    assert Notification.objects.filter(user=demo_world.editor).count() == 2  # still shown
    assert services.send_digests() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [demo_world.admin.email]
    assert "2 updates" in mail.outbox[0].subject
    assert services.send_digests() == 0  # nothing twice


def test_the_unsubscribe_link_turns_the_kind_off_without_signing_in(client, demo_world):
    _tell(demo_world)
    link = re.search(r"http://\S+/notifications/unsubscribe/(\S+)/", mail.outbox[0].body)
    token = link.group(1)
    assert client.get(f"/notifications/unsubscribe/{token}/").status_code == 200
    assert not Preference.objects.exists()  # a GET (a mail scanner) changes nothing
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 200
    user = demo_world.admin if mail.outbox[0].to == [demo_world.admin.email] else demo_world.editor
    assert services.preferences_of(user)[Kind.RETURN_DUE] == Delivery.OFF
    assert client.get("/notifications/unsubscribe/forged-token/").status_code == 404


def test_the_api_lists_read_and_unread_and_marks_them_read(client, demo_world):
    _tell(demo_world, "a")
    _tell(demo_world, "b")
    auth = bearer(demo_world.admin)
    items = client.get("/api/v1/notifications?unread=true", **auth).json()["items"]
    assert len(items) == 2 and not items[0]["read"]
    response = client.post(f"/api/v1/notifications/{items[0]['id']}/read", **auth)
    assert response.status_code == 200 and response.json()["read"]
    assert client.get("/api/v1/notifications?unread=true", **auth).json()["count"] == 1
    assert client.get("/api/v1/notifications?unread=false", **auth).json()["count"] == 1
    assert client.post("/api/v1/notifications/read", **auth).json() == {"marked": 1}
    # The editor's own are untouched, and theirs are not the admin's to mark.
    other = Notification.objects.filter(user=demo_world.editor).first()
    assert client.post(f"/api/v1/notifications/{other.id}/read", **auth).status_code == 404
    assert other.__class__.objects.get(pk=other.pk).read_at is None


def test_the_page_the_navigation_count_and_the_preferences_page(client, demo_world):
    _tell(demo_world)
    client.force_login(demo_world.admin)
    page = client.get("/notifications/").content.decode()
    assert "Due" in page and "Mark all as read" in page
    home = client.get("/").content.decode()
    assert re.search(r"Notifications <span class=\"sv-nav-count\"[^>]*>\(1\)", home)
    mine = Notification.objects.get(user=demo_world.admin)
    assert client.post(f"/notifications/{mine.id}/read/").status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    _tell(demo_world, "second")
    client.post("/notifications/read/")
    assert services.unread_count(demo_world.admin, [demo_world.alice_org.id]) == 0
    choices = {kind: Delivery.IMMEDIATELY for kind in Kind.values}
    choices[Kind.RETURN_DUE] = Delivery.DAILY
    response = client.post("/notifications/preferences/", choices)
    assert response.status_code == 302
    assert services.preferences_of(demo_world.admin)[Kind.RETURN_DUE] == Delivery.DAILY
    response = client.post("/notifications/preferences/", {**choices, Kind.RETURN_DUE: "weekly"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()


def test_award_events_are_only_the_award_kinds(demo_world):
    made = services.award_event(
        Kind.BID_OUTCOME, demo_world.alice_org, title="Your bid was not successful", key="bid-1"
    )
    assert {n.user for n in made} == {demo_world.admin, demo_world.editor}  # not the viewer
    with pytest.raises(ValueError):
        services.award_event(Kind.RETURN_DUE, demo_world.alice_org, title="x", key="y")


def test_returns_tell_the_council_then_the_provider_of_each_decision():
    p = parties()
    contract = contract_between(p)
    first = contract.returns.get(period_index=0)
    lines = list(first.lines.order_by("commitment__position"))
    submit_return(
        period_return=first,
        actor=Actor.for_user(p.provider_lead),
        narrative="Q1",
        lines=[LineReport(line.commitment_id, Decimal(2)) for line in lines],
    )
    told = Notification.objects.get(kind=Kind.RETURN_SUBMITTED)
    assert told.user == p.commissioner and told.organisation == p.council
    assert told.link == f"/returns/{first.pk}/"
    assert [m.to for m in mail.outbox] == [[p.commissioner.email]]
    verify_lines(
        period_return=Return.objects.get(pk=first.pk),
        actor=Actor.for_user(p.commissioner),
        decisions=[Decision(lines[0].pk, "queried", "Which?"), Decision(lines[1].pk, "accepted")],
    )
    kinds = set(Notification.objects.filter(user=p.provider_lead).values_list("kind", flat=True))
    assert kinds == {Kind.LINE_QUERIED, Kind.LINE_ACCEPTED}
    queried = Notification.objects.get(kind=Kind.LINE_QUERIED)
    assert "Hospital admissions avoided" in queried.title


def test_evidence_settled_tells_who_recorded_it(demo_world):
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    membership = demo_world.admin.memberships.get()
    evidence_services.reject(record, membership=membership, reason="No file")
    evidence_services.verify(record, membership=membership)
    kinds = list(Notification.objects.filter(user=demo_world.editor).values_list("kind", flat=True))
    assert sorted(kinds) == sorted([Kind.EVIDENCE_REJECTED, Kind.EVIDENCE_VERIFIED])
    assert not Notification.objects.filter(user=demo_world.admin).exists()


def test_a_refused_action_tells_nobody():
    p = parties()
    first = contract_between(p).returns.get(period_index=0)
    with pytest.raises(Exception):  # noqa: B017 - a missing quantity is refused
        submit_return(
            period_return=first,
            actor=Actor.for_user(p.provider_lead),
            narrative="Q1",
            lines=[],
        )
    assert not Notification.objects.exists()
