"""Clarification questions on a published procurement: a registered provider asks while bidding
is open, the council answers privately or publishes the answer without the asker's name, and
each side is told."""

from __future__ import annotations

import json

import pytest

from socialvalue.web.commissioning import services
from socialvalue.web.commissioning.models import Procurement, ProcurementQuestion
from socialvalue.web.errors import Conflict
from socialvalue.web.notifications.models import Notification
from socialvalue.web.tenancy import Actor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, bearer
from tests.web.commissioning import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo_world):
    """Alice's council with a published procurement; Charlie's provider, and Bidwell, a provider
    with a submitted bid on it."""
    tender = f.procurement(demo_world.alice_org, state="published")
    bidwell = OrganisationFactory(name="Bidwell")
    bidder = UserFactory(email="bea@bidwell.example")
    MembershipFactory(user=bidder, organisation=bidwell, role="editor")
    f.bid(tender, "Bidwell", 900_000, (4, 4, 4), bidder=bidwell)
    demo_world.tender, demo_world.bidwell, demo_world.bidder = tender, bidwell, bidder
    return demo_world


def _post(client, url, body, user):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(user))


def _ask(client, w, text="Is TUPE expected to apply?", user=None):
    return _post(
        client,
        f"/api/v1/procurements/{w.tender.id}/questions",
        {"question": text},
        user or w.outsider,
    )


def _answer(client, w, question_id, answer="Yes, for 12 staff.", publish=True, user=None):
    return _post(
        client,
        f"/api/v1/procurements/{w.tender.id}/questions/{question_id}/answer",
        {"answer": answer, "publish": publish},
        user or w.admin,
    )


def _questions(client, w, user):
    response = client.get(f"/api/v1/procurements/{w.tender.id}/questions", **bearer(user))
    assert response.status_code == 200
    return response.json()


def test_a_provider_asks_and_the_council_is_told(client, world):
    response = _ask(client, world)
    assert response.status_code == 201
    body = response.json()
    assert body["question"] == "Is TUPE expected to apply?"
    assert body["state"] == "open" and body["mine"] is True
    assert body["asked_by_organisation_id"] == world.other_org.id
    question = ProcurementQuestion.objects.get()
    assert question.asked_by == world.outsider
    told = Notification.objects.filter(kind="question_asked")
    assert {n.user for n in told} == {world.admin, world.editor}
    assert all(n.link.endswith("#questions") for n in told)


def test_the_council_sees_every_question_with_who_asked(client, world):
    _ask(client, world)
    (seen,) = _questions(client, world, world.viewer)
    assert seen["asked_by_organisation_name"] == "Charlie Support"
    assert seen["mine"] is False


def test_an_empty_question_is_400_naming_the_field(client, world):
    response = _ask(client, world, text="   ")
    assert response.status_code == 400
    assert "question" in json.dumps(response.json())
    assert not ProcurementQuestion.objects.exists()


def test_the_council_cannot_ask_itself(client, world):
    response = _ask(client, world, user=world.admin)
    assert response.status_code == 409
    with pytest.raises(Conflict):
        services.ask_question(
            procurement=world.tender, actor=Actor.for_user(world.admin), text="Hello?"
        )


def test_no_questions_once_bidding_has_closed(client, world):
    Procurement.objects.filter(pk=world.tender.pk).update(state="evaluating")
    response = _ask(client, world)
    assert response.status_code == 409
    assert response.json()["detail"] == "Questions can be asked only while bidding is open."


def test_a_published_answer_is_anonymised_and_told_to_bidders(client, world):
    question_id = _ask(client, world).json()["id"]
    response = _answer(client, world, question_id, publish=True)
    assert response.status_code == 200
    assert response.json()["visibility"] == "published"
    assert response.json()["state"] == "answered"
    # Bidwell did not ask, but sees the answer without the asker's name.
    (seen,) = _questions(client, world, world.bidder)
    assert seen["answer"] == "Yes, for 12 staff."
    assert seen["asked_by_organisation_id"] is None
    assert seen["asked_by_organisation_name"] == ""
    assert seen["mine"] is False
    told = Notification.objects.filter(kind="question_answered")
    assert {n.user for n in told} == {world.outsider, world.bidder}


def test_a_private_answer_is_for_the_asker_alone(client, world):
    question_id = _ask(client, world).json()["id"]
    assert _answer(client, world, question_id, publish=False).status_code == 200
    assert _questions(client, world, world.bidder) == []
    (own,) = _questions(client, world, world.outsider)
    assert own["answer"] == "Yes, for 12 staff." and own["visibility"] == "private"
    told = Notification.objects.filter(kind="question_answered")
    assert {n.user for n in told} == {world.outsider}


def test_an_unanswered_question_of_another_provider_is_not_shown(client, world):
    _ask(client, world)
    assert _questions(client, world, world.bidder) == []


def test_only_council_editors_answer(client, world):
    question_id = _ask(client, world).json()["id"]
    assert _answer(client, world, question_id, user=world.viewer).status_code == 403
    assert _answer(client, world, question_id, user=world.outsider).status_code == 404
    assert _answer(client, world, question_id, user=world.bidder).status_code == 404


def test_an_empty_answer_is_400_naming_the_field(client, world):
    question_id = _ask(client, world).json()["id"]
    response = _answer(client, world, question_id, answer="")
    assert response.status_code == 400
    assert "answer" in json.dumps(response.json())
    assert ProcurementQuestion.objects.get().state == "open"


def test_a_draft_procurement_has_no_questions_for_outsiders(client, world):
    draft = f.procurement(world.alice_org)
    url = f"/api/v1/procurements/{draft.id}/questions"
    assert client.get(url, **bearer(world.outsider)).status_code == 404
    response = _post(client, url, {"question": "Any news?"}, world.outsider)
    assert response.status_code == 404


def test_the_page_asks_and_answers(client, world):
    client.force_login(world.outsider)
    url = f"/procurements/{world.tender.id}/"
    page = client.get(url)
    assert "Questions and answers" in page.content.decode()
    empty = client.post(f"{url}questions/", {"question": ""})
    assert empty.status_code == 400
    assert "Enter your question." in empty.content.decode()
    asked = client.post(f"{url}questions/", {"question": "Who holds the current contract?"})
    assert asked.status_code == 302
    question = ProcurementQuestion.objects.get()

    client.force_login(world.admin)
    council_page = client.get(url).content.decode()
    assert "Who holds the current contract?" in council_page
    assert "from Charlie Support" in council_page
    prefix = f"q{question.pk}"
    missing = client.post(f"{url}questions/{question.pk}/answer/", {f"{prefix}-answer": ""})
    assert missing.status_code == 400
    assert "Enter the answer." in missing.content.decode()
    answered = client.post(
        f"{url}questions/{question.pk}/answer/",
        {f"{prefix}-answer": "We do.", f"{prefix}-visibility": "published"},
    )
    assert answered.status_code == 302
    question.refresh_from_db()
    assert question.is_answered and question.visibility == "published"

    client.force_login(world.bidder)
    provider_page = client.get(url).content.decode()
    assert "We do." in provider_page
    assert "Charlie Support" not in provider_page


def test_an_outsider_cannot_read_a_private_answer_to_another_provider(client, world):
    question_id = _ask(client, world, user=world.bidder).json()["id"]
    _answer(client, world, question_id, publish=False)
    assert _questions(client, world, world.outsider) == []
    client.force_login(world.outsider)
    page = client.get(f"/procurements/{world.tender.id}/").content.decode()
    assert "Yes, for 12 staff." not in page


def test_the_to_do_lists_questions_to_answer_and_answers(client, world):
    from socialvalue.web.todo.services import items_for

    def kinds(user):
        return [(i.kind, i.title) for i in items_for(Actor.for_user(user))]

    question_id = _ask(client, world).json()["id"]
    _ask(client, world, text="And the hours?")
    assert ("questions_to_answer", "2 questions to answer on Homecare in the north") in kinds(
        world.editor
    )
    _answer(client, world, question_id, publish=False)
    assert ("questions_to_answer", "1 question to answer on Homecare in the north") in kinds(
        world.editor
    )
    assert ("question_answered", "Your question on Homecare in the north was answered") in kinds(
        world.outsider
    )
    assert not [k for k, _ in kinds(world.bidder) if k == "question_answered"]
