"""Conversations on return lines, and a queried line answered in its thread and resubmitted alone."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.contracts.models import LineMessage, LineReview, LineSums, Return
from socialvalue.web.contracts.services import (
    Decision,
    LineReport,
    save_return,
    verify_lines,
    verify_return,
)
from socialvalue.web.notifications.models import Kind, Notification
from socialvalue.web.tenancy import SESSION_KEY, Actor
from tests.factories import bearer
from tests.web.contracts.factories import contract_between, parties

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world():
    p = parties()
    p.contract = contract_between(p)
    p.first = p.contract.returns.get(period_index=0)
    p.fiscal, p.economic = p.first.lines.order_by("commitment__position")
    save_return(
        p.first,
        by=p.provider_lead,
        narrative="Q1",
        lines=[LineReport(p.fiscal.commitment_id, "2"), LineReport(p.economic.commitment_id, "3")],
        submit=True,
    )
    verify_return(
        p.first,
        by=p.commissioner,
        decisions=[
            Decision(p.fiscal.pk, LineReview.QUERIED, "Which hospital?"),
            Decision(p.economic.pk, LineReview.ACCEPTED),
        ],
    )
    p.url = f"/api/v1/returns/{p.first.pk}/lines/{p.fiscal.pk}"
    return p


def _page(client, user, organisation):
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = organisation.pk
    session.save()
    return client


def _sums(world):
    return LineSums.objects.get(commitment=world.fiscal.commitment, year=world.first.year)


def test_both_sides_write_in_the_thread_with_a_file_each_audited_and_told(client, world):
    response = client.post(
        f"{world.url}/messages",
        {"body": "Can you name the hospital?", "file": SimpleUploadedFile("q.pdf", PDF)},
        **bearer(world.commissioner),
    )
    assert response.status_code == 201, response.content
    assert response.json()["organisation"] == "Riverbank Council"
    assert response.json()["file"]["original_name"] == "q.pdf"
    response = client.post(
        f"{world.url}/messages", {"body": "St Mary's"}, **bearer(world.provider_lead)
    )
    assert response.status_code == 201
    thread = client.get(f"{world.url}/messages", **bearer(world.provider_lead)).json()
    assert [m["body"] for m in thread] == ["Can you name the hospital?", "St Mary's"]
    assert AuditEvent.objects.filter(object_type__icontains="message").count() >= 2
    told = Notification.objects.filter(kind=Kind.LINE_MESSAGE)
    assert {(n.user, n.organisation) for n in told} == {
        (world.provider_lead, world.provider),
        (world.commissioner, world.council),
    }


def test_an_empty_message_or_a_bad_file_is_refused_naming_the_field(client, world):
    response = client.post(f"{world.url}/messages", {"body": "  "}, **bearer(world.commissioner))
    assert response.status_code == 400 and "body" in response.json()["detail"]
    response = client.post(
        f"{world.url}/messages",
        {"body": "x", "file": SimpleUploadedFile("x.exe", b"MZ\x90\x00binary")},
        **bearer(world.commissioner),
    )
    assert response.status_code == 400
    assert not LineMessage.objects.exists()


def test_a_queried_line_is_answered_and_resubmitted_alone_and_its_sums_follow(client, world):
    assert _sums(world).delivered_quantity == Decimal(2)
    response = client.post(
        f"{world.url}/resubmit",
        json.dumps({"quantity": 5, "answer": "St Mary's, 5 admissions avoided"}),
        content_type="application/json",
        **bearer(world.provider_lead),
    )
    assert response.status_code == 200, response.content
    assert response.json()["verification"] == "pending"
    first = Return.objects.get(pk=world.first.pk)
    assert first.status == Return.Status.SUBMITTED
    world.economic.refresh_from_db()
    assert world.economic.verification == LineReview.ACCEPTED  # untouched
    assert _sums(world).delivered_quantity == Decimal(5)
    message = LineMessage.objects.get()
    assert message.resubmitted_quantity == Decimal(5) and message.body.startswith("St Mary's")
    assert Notification.objects.get(kind=Kind.REPLY_RECEIVED).user == world.commissioner
    # Not queried any more: answering again is a conflict.
    again = client.post(
        f"{world.url}/resubmit",
        json.dumps({"quantity": 6, "answer": "More"}),
        content_type="application/json",
        **bearer(world.provider_lead),
    )
    assert again.status_code == 409
    verify_lines(
        period_return=first,
        actor=Actor.for_user(world.commissioner),
        decisions=[Decision(world.fiscal.pk, LineReview.ACCEPTED)],
    )
    assert Return.objects.get(pk=world.first.pk).status == Return.Status.REVIEWED
    assert _sums(world).verified_quantity == Decimal(5)


def test_only_the_provider_resubmits_and_an_answer_is_needed(client, world):
    as_council = client.post(
        f"{world.url}/resubmit",
        json.dumps({"quantity": 5, "answer": "x"}),
        content_type="application/json",
        **bearer(world.commissioner),
    )
    assert as_council.status_code == 403
    no_answer = client.post(
        f"{world.url}/resubmit",
        json.dumps({"quantity": 5, "answer": " "}),
        content_type="application/json",
        **bearer(world.provider_lead),
    )
    assert no_answer.status_code == 400 and "answer" in no_answer.json()["detail"]


def test_the_line_page_shows_the_thread_and_resubmits(client, world):
    page_url = f"/returns/{world.first.pk}/lines/{world.fiscal.pk}/"
    _page(client, world.provider_lead, world.provider)
    detail = client.get(f"/returns/{world.first.pk}/").content.decode()
    assert page_url in detail and "Answer this query" in detail
    page = client.get(page_url).content.decode()
    assert "Which hospital?" in page and "Send the answer and resubmit" in page
    bad = client.post(page_url + "resubmit/", {"quantity": "-1", "answer": ""})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    response = client.post(page_url + "resubmit/", {"quantity": "4", "answer": "St Mary's"})
    assert response.status_code == 302
    page = client.get(page_url).content.decode()
    assert "St Mary&#x27;s" in page and "Resubmitted with 4" in page
    assert "Send the answer and resubmit" not in page
    _page(client, world.commissioner, world.council)
    response = client.post(page_url, {"body": "Thank you"})
    assert response.status_code == 302
    assert LineMessage.objects.filter(organisation=world.council).count() == 1


def test_a_message_may_be_sent_as_json(client, world):
    response = client.post(
        f"{world.url}/messages",
        json.dumps({"body": "Any news?"}),
        content_type="application/json",
        **bearer(world.commissioner),
    )
    assert response.status_code == 201 and response.json()["body"] == "Any news?"
    bad = client.post(
        f"{world.url}/messages",
        json.dumps({"body": 3}),
        content_type="application/json",
        **bearer(world.commissioner),
    )
    assert bad.status_code == 400 and "body" in bad.json()["detail"]
