"""The conversation on an evidence record: the people of the organisation that recorded it and,
for a record delivered under a contract, the contract's council; everyone else gets 404."""

from __future__ import annotations

import json

import pytest

from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.evidence import services
from socialvalue.web.evidence.models import Evidence, EvidenceMessage
from socialvalue.web.notifications.models import Notification
from socialvalue.web.tenancy import Actor
from tests.factories import MembershipFactory, UserFactory, bearer
from tests.web.contracts.factories import contract_between, parties
from tests.web.evidence.factories import evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    p = parties()
    p.verifier = UserFactory(email="verifier@bright.example")
    MembershipFactory(user=p.verifier, organisation=p.provider, role="editor")
    p.contract = contract_between(p)
    p.record = evidence(p.provider, recorded_by=p.provider_lead)
    Evidence.objects.filter(pk=p.record.pk).update(contract=p.contract)
    p.record.refresh_from_db()
    return p


def _url(record) -> str:
    return f"/api/v1/evidence/{record.id}/messages"


def _post(client, record, body, user):
    return client.post(
        _url(record), json.dumps({"body": body}), content_type="application/json", **bearer(user)
    )


def test_the_provider_writes_and_the_council_is_told(client, world):
    response = _post(client, world.record, "The attendance sheets are attached.", world.verifier)
    assert response.status_code == 201
    body = response.json()
    assert body["organisation_id"] == world.provider.id
    assert body["author"]
    told = {n.user for n in Notification.objects.filter(kind="evidence_message")}
    # The council's editor, and the recorder in the provider; never the writer.
    assert told == {world.commissioner, world.provider_lead}


def test_the_council_reads_and_answers_and_the_provider_is_told(client, world):
    _post(client, world.record, "Please send the sheets.", world.provider_lead)
    listed = client.get(_url(world.record), **bearer(world.commissioner))
    assert listed.status_code == 200
    assert [m["body"] for m in listed.json()] == ["Please send the sheets."]
    response = _post(client, world.record, "Thank you, received.", world.commissioner)
    assert response.status_code == 201
    assert response.json()["organisation_id"] == world.council.id
    answer = EvidenceMessage.objects.get(body="Thank you, received.")
    told = Notification.objects.filter(key=f"evidence-message:{answer.pk}")
    assert {n.user for n in told} == {world.provider_lead, world.verifier}
    thread = client.get(_url(world.record), **bearer(world.provider_lead)).json()
    assert [m["organisation_name"] for m in thread] == ["Bright Care", "Riverbank Council"]


def test_without_a_contract_the_thread_is_the_organisation_s_own(client, world):
    Evidence.objects.filter(pk=world.record.pk).update(contract=None)
    assert client.get(_url(world.record), **bearer(world.commissioner)).status_code == 404
    assert _post(client, world.record, "Hello", world.commissioner).status_code == 404
    assert _post(client, world.record, "Checked it", world.verifier).status_code == 201
    told = {n.user for n in Notification.objects.filter(kind="evidence_message")}
    assert told == {world.provider_lead}


def test_another_organisation_gets_404(client, world):
    _post(client, world.record, "Private note", world.provider_lead)
    assert client.get(_url(world.record), **bearer(world.outsider)).status_code == 404
    assert _post(client, world.record, "Mine now", world.outsider).status_code == 404
    with pytest.raises(Exception, match="No evidence record"):
        services.evidence_in_conversation(Actor.for_user(world.outsider), world.record.pk)


def test_an_empty_message_is_400_naming_the_field(client, world):
    response = _post(client, world.record, "  ", world.provider_lead)
    assert response.status_code == 400
    assert "body" in json.dumps(response.json())
    assert not EvidenceMessage.objects.exists()


def test_a_viewer_cannot_write(client, world):
    viewer = UserFactory(email="viewer@bright.example")
    MembershipFactory(user=viewer, organisation=world.provider, role="viewer")
    assert client.get(_url(world.record), **bearer(viewer)).status_code == 200
    assert _post(client, world.record, "Hello", viewer).status_code == 403


def test_each_message_is_in_the_audit_trail(client, world):
    _post(client, world.record, "Audited", world.commissioner)
    events = AuditEvent.objects.filter(object_type=EvidenceMessage._meta.label)
    assert {e.organisation_id for e in events} == {world.provider.id, world.council.id}


def test_the_pages_show_and_send_messages(client, world):
    client.force_login(world.provider_lead)
    detail = client.get(f"/evidence/{world.record.id}/")
    assert "Conversation" in detail.content.decode()
    empty = client.post(f"/evidence/{world.record.id}/messages/", {"body": ""})
    assert empty.status_code == 400
    assert "Write your message." in empty.content.decode()
    sent = client.post(f"/evidence/{world.record.id}/messages/", {"body": "See the register."})
    assert sent.status_code == 302
    client.force_login(world.commissioner)
    page = client.get(f"/evidence/{world.record.id}/messages/")
    assert page.status_code == 200
    assert "See the register." in page.content.decode()
    client.force_login(world.outsider)
    assert client.get(f"/evidence/{world.record.id}/messages/").status_code == 404
