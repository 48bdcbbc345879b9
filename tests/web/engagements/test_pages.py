"""Early engagement's pages: the hub and its lists, the pipeline (and a council's public pipeline
page), engagements with questions, events and answers, the public consultation page (no sign-in,
CSRF, rate limit, honeypot and a timing check), the results with small groups suppressed, the
CSV export, carrying the result into the charter, linking an answer to an outcome, and proposals.
Outsiders get 404 from everything not published to them."""

from __future__ import annotations

import datetime as dt
import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from socialvalue.web.commissioning.models import Priority, Procurement
from socialvalue.web.engagements import services
from socialvalue.web.engagements.forms import DRAWN_SALT
from socialvalue.web.engagements.models import Engagement, PipelineItem, Proposal, Response
from socialvalue.web.tenancy import Actor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.web.commissioning.factories import charter, procurement

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------ helpers


def _council(w) -> list[Priority]:
    """Alice's organisation as a council with three current priorities."""
    c = charter(w.alice_org)
    Priority.objects.get_or_create(organisation=w.alice_org, charter=c, rank=2,
                                   defaults={"title": "Healthy older people"})  # fmt: skip
    Priority.objects.get_or_create(organisation=w.alice_org, charter=c, rank=3,
                                   defaults={"title": "Greener care"})  # fmt: skip
    return list(Priority.objects.filter(organisation=w.alice_org).order_by("rank"))


def _actor(user) -> Actor:
    return Actor.for_user(user)


def _consultation(w, *, state="open", title="What matters to Riverside") -> Engagement:
    _council(w)
    engagement = services.create_engagement(
        actor=_actor(w.admin),
        organisation=w.alice_org,
        kind=Engagement.Kind.PRIORITIES,
        title=title,
        purpose="Tell us which priorities matter most.",
        closes_on=timezone.localdate() + dt.timedelta(days=14),
        questions=[services.QuestionSpec("How did you hear of us?", "choice", ["Leaflet", "Web"])],
    )
    if state != "draft":
        services.open_engagement(engagement=engagement, actor=_actor(w.admin))
    if state in ("closed", "summarised"):
        services.close_engagement(engagement=engagement, actor=_actor(w.admin))
    return engagement


def _market(w, *, state="open", title="Homecare market day") -> Engagement:
    _council(w)
    engagement = services.create_engagement(
        actor=_actor(w.admin),
        organisation=w.alice_org,
        kind=Engagement.Kind.MARKET,
        title=title,
        purpose="Shape the homecare tender with us.",
        closes_on=timezone.localdate() + dt.timedelta(days=14),
        questions=[services.QuestionSpec("What outcome should we ask for?", required=True)],
        events=[
            services.EventSpec(
                "Market day",
                timezone.now() + dt.timedelta(days=3),
                "in_person",
                place="Town hall",
                capacity=10,
            )
        ],
    )
    if state != "draft":
        services.open_engagement(engagement=engagement, actor=_actor(w.admin))
    return engagement


def _provider_editor(w):
    """An editor of Charlie's provider organisation (Charlie himself is its admin)."""
    return w.outsider


def _other_council():
    council = OrganisationFactory(name="Hilltop Council", slug="hilltop")
    charter(council)
    user = UserFactory(email="hilda@example.org")
    MembershipFactory(user=user, organisation=council, role="admin")
    return council, user


def _old_stamp(seconds: int = 60) -> str:
    """The signed stamp of a page drawn `seconds` ago."""
    with mock.patch("django.core.signing.time.time", return_value=time.time() - seconds):
        return signing.dumps(1, salt=DRAWN_SALT)


def _public_body(engagement, ranks: dict, **extra) -> dict:
    body = {f"rank_{pk}": str(rank) for pk, rank in ranks.items()}
    body.update({"drawn": _old_stamp(), "website": ""})
    body.update(extra)
    return body


def _signed_in(client, user):
    client.force_login(user)
    return client


# --------------------------------------------------------------------------------- the hub


def test_hub_pages_render_for_a_council_and_a_provider(client, demo_world):
    _consultation(demo_world)
    draft = _market(demo_world, state="draft", title="Secret draft")
    _signed_in(client, demo_world.admin)
    for url in ("/engagements/", "/pipeline/", "/proposals/"):
        page = client.get(url)
        text = page.content.decode()
        assert page.status_code == 200, url
        assert (
            'aria-label="Early engagement"' in text and "Pipeline" in text and "Proposals" in text
        )
    council_list = client.get("/engagements/").content.decode()
    assert "Start an engagement" in council_list and "Secret draft" in council_list
    provider = _signed_in(Client(), demo_world.outsider)
    text = provider.get("/engagements/").content.decode()
    assert "What matters to Riverside" in text and "Alice Care" in text
    assert draft.title not in text and "Start an engagement" not in text
    assert "Send a proposal" in provider.get("/proposals/").content.decode()


def test_council_creates_a_consultation_and_errors_name_their_fields(client, demo_world):
    priorities = _council(demo_world)
    _signed_in(client, demo_world.admin)
    assert client.get("/engagements/new/").status_code == 200
    bad = client.post("/engagements/new/", {"kind": "priorities_consultation"})
    text = bad.content.decode()
    assert bad.status_code == 400
    assert "Enter title" in text and "Enter purpose" in text and "Enter closing date" in text
    past = client.post(
        "/engagements/new/",
        {
            "kind": "priorities_consultation",
            "title": "T",
            "purpose": "P",
            "closes_on": "2020-01-01",
        },
    )
    assert past.status_code == 400 and "today or later" in past.content.decode()
    response = client.post(
        "/engagements/new/",
        {
            "kind": "priorities_consultation",
            "title": "What matters",
            "purpose": "Rank them",
            "closes_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
            "priorities": [priorities[0].pk, priorities[1].pk],
        },
    )
    engagement = Engagement.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/engagements/{engagement.id}/"
    assert set(engagement.priorities.all()) == set(priorities[:2])
    page = client.get(f"/engagements/{engagement.id}/").content.decode()
    assert "Open the consultation" in page and "Draft" in page
    opened = client.post(f"/engagements/{engagement.id}/state/", {"action": "open"})
    assert opened.status_code == 302
    page = client.get(f"/engagements/{engagement.id}/").content.decode()
    assert f"/c/{engagement.public_token}/" in page and "Close the consultation" in page


def test_questions_and_events_are_added_and_refusals_named(client, demo_world):
    engagement = _market(demo_world, state="draft")
    _signed_in(client, demo_world.admin)
    assert client.get(f"/engagements/{engagement.id}/questions/new/").status_code == 200
    bad = client.post(
        f"/engagements/{engagement.id}/questions/new/",
        {"text": "Which?", "kind": "choice", "choices": "Only one"},
    )
    assert bad.status_code == 400 and "at least two choices" in bad.content.decode()
    good = client.post(
        f"/engagements/{engagement.id}/questions/new/",
        {"text": "Which day suits?", "kind": "choice", "choices": "Monday\nTuesday"},
    )
    assert good.status_code == 302 and engagement.questions.count() == 2
    no_place = client.post(
        f"/engagements/{engagement.id}/events/new/",
        {"title": "Drop-in", "starts_at": "2031-05-01T10:00", "mode": "in_person"},
    )
    assert (
        no_place.status_code == 400 and "Say where the event is held" in no_place.content.decode()
    )
    online = client.post(
        f"/engagements/{engagement.id}/events/new/",
        {"title": "Webinar", "starts_at": "2031-05-01T10:00", "mode": "online",
         "link": "https://meet.example.org/x", "capacity": "30"},
    )  # fmt: skip
    assert online.status_code == 302 and engagement.events.count() == 2
    services.open_engagement(engagement=engagement, actor=_actor(demo_world.admin))
    late = client.post(
        f"/engagements/{engagement.id}/questions/new/", {"text": "Late?", "kind": "text"}
    )
    assert late.status_code == 409 and "people are answering" in late.content.decode()


def test_provider_answers_and_registers_with_places_left(client, demo_world):
    engagement = _market(demo_world)
    event = engagement.events.get()
    question = engagement.questions.get()
    provider = _signed_in(client, demo_world.outsider)
    page = provider.get(f"/engagements/{engagement.id}/").content.decode()
    assert "10 of 10" in page and "Answer" in page
    form = provider.get(f"/engagements/{engagement.id}/respond/")
    assert form.status_code == 200 and "What outcome should we ask for?" in form.content.decode()
    missing = provider.post(f"/engagements/{engagement.id}/respond/", {"comment": "Hi"})
    assert missing.status_code == 400 and "Enter what outcome should we ask for" in (
        missing.content.decode()
    )
    sent = provider.post(
        f"/engagements/{engagement.id}/respond/",
        {f"q_{question.pk}": "Local jobs for carers", "comment": "Thanks"},
    )
    assert sent.status_code == 302
    assert Response.objects.get().answers == {str(question.pk): "Local jobs for carers"}
    registered = provider.post(
        f"/engagements/{engagement.id}/events/{event.id}/register/", {"attendees": "3"}
    )
    assert registered.status_code == 302
    page = provider.get(f"/engagements/{engagement.id}/").content.decode()
    assert "7 of 10" in page and "Local jobs for carers" in page
    too_many = provider.post(
        f"/engagements/{engagement.id}/events/{event.id}/register/", {"attendees": "11"}
    )
    assert too_many.status_code == 302
    follow = provider.get(f"/engagements/{engagement.id}/").content.decode()
    assert (
        "Only 10 places left" in follow
        or "Register from 1 to 20" in follow
        or ("must be 20 or less" in follow)
    )


# ------------------------------------------------------------------------- the public page


def test_public_page_shows_only_the_open_consultation(demo_world):
    engagement = _consultation(demo_world)
    _market(demo_world, title="Market secret")
    _consultation(demo_world, state="draft", title="Unpublished consultation")
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/c/{engagement.public_token}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "What matters to Riverside" in text and "Alice Care" in text
    assert "Market secret" not in text and "Unpublished consultation" not in text
    assert "Charlie" not in text and "csrfmiddlewaretoken" in text
    for priority in engagement.priorities.all():
        assert (
            f'<label class="govuk-label" for="id_rank_{priority.pk}">{priority.title}</label>'
            in (text)
        )
    assert "Not ranked" in text and "Leave this empty" in text and 'tabindex="-1"' in text
    assert "I prefer not to say" in text and "A carer" in text
    easy = client.get(f"/c/{engagement.public_token}/easy-read/").content.decode()
    assert "What matters most?" in easy and "govuk-body-l" in easy
    assert client.get("/c/not-a-token/").status_code == 404


def test_a_draft_token_shows_nothing_and_a_closed_one_takes_no_answers(client, demo_world):
    draft = _consultation(demo_world, state="draft", title="Not yet")
    assert client.get(f"/c/{draft.public_token}/").status_code == 404
    assert client.get(f"/c/{draft.public_token}/easy-read/").status_code == 404
    market = _market(demo_world)
    assert client.get(f"/c/{market.public_token}/").status_code == 404
    closed = _consultation(demo_world, state="closed", title="Closed one")
    page = client.get(f"/c/{closed.public_token}/").content.decode()
    assert "not taking answers" in page and "rank_" not in page
    first = closed.priorities.first()
    sent = client.post(f"/c/{closed.public_token}/", _public_body(closed, {first.pk: 1}))
    assert "not taking answers" in sent.content.decode() and not Response.objects.exists()


def test_public_answer_is_saved_with_csrf_and_no_contact_without_consent(demo_world):
    engagement = _consultation(demo_world)
    first, second, third = engagement.priorities.order_by("rank")
    client = Client(enforce_csrf_checks=True)
    body = _public_body(
        engagement,
        {first.pk: 2, second.pk: 1},
        comment="More for carers",
        respondent="carer",
        name="Jo",
        email="",
    )
    assert client.post(f"/c/{engagement.public_token}/", body).status_code == 403
    client.get(f"/c/{engagement.public_token}/")
    body["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    response = client.post(f"/c/{engagement.public_token}/", body)
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    saved = Response.objects.get()
    assert (saved.respondent, saved.comment, saved.name, saved.email) == (
        "carer", "More for carers", "", "",
    )  # fmt: skip
    assert {r.priority_id: r.rank for r in saved.ranks.all()} == {first.pk: 2, second.pk: 1}
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and "Thank you" in thanks.content.decode()


def test_public_answer_errors_name_their_fields(client, demo_world):
    engagement = _consultation(demo_world)
    nothing = client.post(f"/c/{engagement.public_token}/", _public_body(engagement, {}))
    assert nothing.status_code == 400
    assert "Rank at least one priority, or leave a comment" in nothing.content.decode()
    email = client.post(
        f"/c/{engagement.public_token}/",
        _public_body(engagement, {}, comment="Hi", email="not-an-email", contact_ok="on"),
    )
    assert email.status_code == 400 and "Enter your email address" in email.content.decode()
    unticked = client.post(
        f"/c/{engagement.public_token}/",
        _public_body(engagement, {}, comment="Hi", email="jo@example.org"),
    )
    assert unticked.status_code == 400 and "Tick the box" in unticked.content.decode()
    assert not Response.objects.exists()


def test_honeypot_and_too_fast_answers_are_refused(client, demo_world):
    engagement = _consultation(demo_world)
    first = engagement.priorities.first()
    filled = client.post(
        f"/c/{engagement.public_token}/",
        _public_body(engagement, {first.pk: 1}, website="http://spam.example"),
    )
    assert filled.status_code == 400 and "could not take this answer" in filled.content.decode()
    fast = client.post(
        f"/c/{engagement.public_token}/",
        _public_body(engagement, {first.pk: 1}, drawn=signing.dumps(1, salt=DRAWN_SALT)),
    )
    assert fast.status_code == 400 and "could not take this answer" in fast.content.decode()
    forged = client.post(
        f"/c/{engagement.public_token}/", _public_body(engagement, {first.pk: 1}, drawn="1:x:y")
    )
    assert forged.status_code == 400
    assert not Response.objects.exists()


def test_the_public_page_stops_a_flood_from_one_address(client, demo_world, monkeypatch):
    monkeypatch.setattr(services, "PUBLIC_ANSWERS_PER_WINDOW", 3)
    engagement = _consultation(demo_world)
    first = engagement.priorities.first()
    for _ in range(3):
        ok = client.post(f"/c/{engagement.public_token}/", _public_body(engagement, {first.pk: 1}))
        assert ok.status_code == 302
    refused = client.post(f"/c/{engagement.public_token}/", _public_body(engagement, {first.pk: 1}))
    assert refused.status_code == 429 and "Too many answers" in refused.content.decode()
    assert Response.objects.count() == 3


# ---------------------------------------------------------------------------------- results


def _answer_publicly(engagement, ranks, respondent="", comment=""):
    return services.record_response(
        engagement=engagement,
        actor=None,
        answer=services.Answer(ranks=ranks, respondent=respondent, comment=comment),
    )


def test_results_show_borda_rule_suppression_and_carry_into_the_charter(client, demo_world):
    engagement = _consultation(demo_world)
    first, second, third = engagement.priorities.order_by("rank")
    for _ in range(5):
        _answer_publicly(engagement, {second.pk: 1, first.pk: 2}, respondent="resident")
    _answer_publicly(engagement, {third.pk: 1}, respondent="carer", comment="=cmd|' /C calc'!A0")
    _signed_in(client, demo_world.admin)
    page = client.get(f"/engagements/{engagement.id}/results/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Aggregated ranks" in text and "Borda count" in text and "a first place earns" in text
    assert text.index(second.title) < text.index(first.title)
    assert "A carer</strong>: fewer than 5 answers: not shown" in text
    assert "A resident (5 answers)" in text
    assert "Leaflet" in text  # the choice question's tally
    comments = text[text.index('<h2 class="govuk-heading-m">Comments</h2>') :]
    assert "cmd" in comments and "A carer" not in comments  # no way round the suppression
    assert "Carry into the charter as evidence" not in text  # still open
    csv = client.get(f"/engagements/{engagement.id}/results.csv")
    body = csv.content.decode()
    assert csv.status_code == 200 and "Borda count" in body
    assert "'=cmd" in body and "\n=cmd" not in body and ",=cmd" not in body
    services.close_engagement(engagement=engagement, actor=_actor(demo_world.admin))
    text = client.get(f"/engagements/{engagement.id}/results/").content.decode()
    assert "Carry into the charter as evidence" in text
    confirm = client.get(f"/engagements/{engagement.id}/carry/")
    assert confirm.status_code == 200 and "Carry the result into the charter?" in (
        confirm.content.decode()
    )
    carried = client.post(f"/engagements/{engagement.id}/carry/", {"confirm": "yes"})
    assert carried.status_code == 302 and carried["Location"] == "/charter/"
    charter_page = client.get("/charter/").content.decode()
    assert "What matters to Riverside" in charter_page and "6 responses" in charter_page
    again = client.post(f"/engagements/{engagement.id}/carry/", {"confirm": "yes"}, follow=True)
    assert "already in the charter" in again.content.decode()


def test_summary_is_published_and_errors_named(client, demo_world):
    engagement = _market(demo_world)
    _signed_in(client, demo_world.admin)
    early = client.post(f"/engagements/{engagement.id}/summary/", {"heard": "x", "did": "y"})
    assert early.status_code == 409 and "once the engagement has closed" in early.content.decode()
    services.close_engagement(engagement=engagement, actor=_actor(demo_world.admin))
    empty = client.post(f"/engagements/{engagement.id}/summary/", {"heard": "", "did": ""})
    assert empty.status_code == 400
    assert "Enter what we heard" in empty.content.decode()
    done = client.post(
        f"/engagements/{engagement.id}/summary/",
        {"heard": "Providers want longer contracts", "did": "We made it five years"},
    )
    assert done.status_code == 302
    provider = _signed_in(Client(), demo_world.outsider)
    text = provider.get(f"/engagements/{engagement.id}/").content.decode()
    assert "We made it five years" in text and "Summary published" in text


def test_an_answer_is_linked_to_a_new_or_existing_outcome(client, demo_world):
    engagement = _market(demo_world)
    draft = procurement(demo_world.alice_org)
    question = engagement.questions.get()
    answer = services.record_response(
        engagement=engagement,
        actor=_actor(demo_world.outsider),
        answer=services.Answer(answers={question.pk: "Carers paid the living wage"}),
    )
    _signed_in(client, demo_world.admin)
    detail = client.get(f"/engagements/{engagement.id}/").content.decode()
    assert "Link to an outcome" in detail and "Carers paid the living wage" in detail
    url = f"/engagements/{engagement.id}/responses/{answer.id}/outcome/"
    assert client.get(url).status_code == 200
    none = client.post(url, {})
    assert none.status_code == 400 and "Select an outcome" in none.content.decode()
    untitled = client.post(url, {"procurement": draft.id})
    assert (
        untitled.status_code == 400 and "Enter the new outcome title" in untitled.content.decode()
    )
    made = client.post(url, {"procurement": draft.id, "title": "Living wage for carers"})
    assert made.status_code == 302
    outcome = draft.outcomes.get(title="Living wage for carers")
    assert outcome.origin.response == answer
    existing = draft.outcomes.get(title="Outcome 1")
    assert client.post(url, {"outcome": existing.id}).status_code == 302
    page = client.get(f"/procurements/{draft.id}/").content.decode()
    assert "This outcome came from market engagement" in page


# ---------------------------------------------------------------------------------- pipeline


def test_pipeline_item_is_listed_published_and_procured(client, demo_world):
    priorities = _council(demo_world)
    _signed_in(client, demo_world.admin)
    assert client.get("/pipeline/new/").status_code == 200
    bad = client.post(
        "/pipeline/new/",
        {"title": "", "estimated_value": "lots", "expected_publication": "2031-06-01",
         "expected_contract_start": "2031-01-01"},
    )  # fmt: skip
    text = bad.content.decode()
    assert bad.status_code == 400
    assert "Enter title" in text and "must be a number" in text
    made = client.post(
        "/pipeline/new/",
        {"title": "Supported living", "category": "Supported living",
         "estimated_value": "2500000", "expected_publication": "2031-06-01",
         "expected_contract_start": "2031-01-01", "priorities": [priorities[0].pk]},
    )  # fmt: skip
    assert made.status_code == 400 and "cannot start before the tender is published" in (
        made.content.decode()
    )
    made = client.post(
        "/pipeline/new/",
        {"title": "Supported living", "category": "Supported living",
         "estimated_value": "2500000", "expected_publication": "2031-06-01",
         "expected_contract_start": "2032-01-01", "priorities": [priorities[0].pk]},
    )  # fmt: skip
    item = PipelineItem.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/pipeline/{item.id}/"
    assert list(item.priorities.all()) == [priorities[0]]
    assert client.get(f"/pipeline/{item.id}/edit/").status_code == 200
    public = Client()
    assert "Supported living" not in public.get("/councils/alice-care/pipeline/").content.decode()
    assert client.post(f"/pipeline/{item.id}/publish/").status_code == 302
    text = public.get("/councils/alice-care/pipeline/").content.decode()
    assert "Supported living" in text and "£2,500,000" in text and "Good local jobs" in text
    provider = _signed_in(Client(), demo_world.outsider)
    assert "Supported living" in provider.get("/pipeline/").content.decode()
    assert provider.get(f"/pipeline/{item.id}/").status_code == 200
    assert provider.post(f"/pipeline/{item.id}/withdraw/").status_code == 404
    procured = client.post(f"/pipeline/{item.id}/procure/")
    made_procurement = Procurement.objects.get(title="Supported living")
    assert procured["Location"] == f"/procurements/{made_procurement.id}/"
    item.refresh_from_db()
    assert item.state == "procuring"
    assert client.post(f"/pipeline/{item.id}/nonsense/").status_code == 404


def test_public_pipeline_404s_for_unknown_or_provider(client, demo_world):
    _council(demo_world)
    assert client.get("/councils/nobody/pipeline/").status_code == 404
    assert client.get("/councils/charlie-support/pipeline/").status_code == 404
    page = client.get("/councils/alice-care/pipeline/")
    assert page.status_code == 200 and "No upcoming procurements" in page.content.decode()


# ---------------------------------------------------------------------------------- proposals


def test_provider_proposes_and_sees_the_council_decision(client, demo_world):
    _council(demo_world)
    draft = procurement(demo_world.alice_org)
    provider = _signed_in(client, demo_world.outsider)
    assert provider.get("/proposals/new/").status_code == 200
    bad = provider.post("/proposals/new/", {"title": "Befriending"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "Select council" in text and "Enter why" in text
    sent = provider.post(
        "/proposals/new/",
        {"council": demo_world.alice_org.id, "title": "Befriending for older people",
         "priorities": "Fewer lonely older people", "reason": "We see it daily",
         "evidence": "Our survey of 200 people"},
    )  # fmt: skip
    proposal = Proposal.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/proposals/{proposal.id}/"
    council = _signed_in(Client(), demo_world.admin)
    assert "Befriending for older people" in council.get("/proposals/").content.decode()
    page = council.get(f"/proposals/{proposal.id}/").content.decode()
    assert "Record the decision" in page
    no_reason = council.post(f"/proposals/{proposal.id}/decide/", {"decision": "declined"})
    assert no_reason.status_code == 400 and "Say why the proposal is declined" in (
        no_reason.content.decode()
    )
    no_procurement = council.post(f"/proposals/{proposal.id}/decide/", {"decision": "procurement"})
    assert no_procurement.status_code == 400
    accepted = council.post(
        f"/proposals/{proposal.id}/decide/", {"decision": "procurement", "procurement": draft.id}
    )
    assert accepted.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "accepted" and proposal.outcome.procurement == draft
    seen = provider.get(f"/proposals/{proposal.id}/").content.decode()
    assert (
        "Accepted" in seen and "Homecare in the north" in seen and "Record the decision" not in seen
    )
    assert (
        provider.post(f"/proposals/{proposal.id}/decide/", {"decision": "parked"}).status_code
        == 404
    )


def test_a_council_cannot_send_a_proposal(client, demo_world):
    _council(demo_world)
    assert _signed_in(client, demo_world.admin).get("/proposals/new/").status_code == 403


# ---------------------------------------------------------------------------------- outsiders


def test_outsiders_get_404(client, demo_world):
    draft = _market(demo_world, state="draft", title="Draft market")
    opened = _consultation(demo_world)
    market = _market(demo_world, title="Open market")
    answer = services.record_response(
        engagement=market,
        actor=_actor(demo_world.outsider),
        answer=services.Answer(answers={market.questions.get().pk: "Mine"}),
    )
    item = services.save_pipeline_item(
        actor=_actor(demo_world.admin), organisation=demo_world.alice_org, title="Draft pipeline"
    )
    provider_org = OrganisationFactory(name="Dee Care", slug="dee-care")
    dee = UserFactory(email="dee@example.org")
    MembershipFactory(user=dee, organisation=provider_org, role="admin")
    proposal = services.send_proposal(
        actor=_actor(dee), organisation=provider_org, council=demo_world.alice_org,
        title="Dee's idea", priorities="P", reason="R",
    )  # fmt: skip
    _, hilda = _other_council()
    for user in (demo_world.outsider, hilda):
        c = _signed_in(Client(), user)
        urls = [
            f"/engagements/{draft.id}/",
            f"/engagements/{draft.id}/edit/",
            f"/engagements/{draft.id}/questions/new/",
            f"/engagements/{draft.id}/respond/",
            f"/engagements/{opened.id}/results/",
            f"/engagements/{opened.id}/results.csv",
            f"/engagements/{opened.id}/summary/",
            f"/engagements/{opened.id}/carry/",
            f"/engagements/{opened.id}/edit/",
            f"/engagements/{market.id}/responses/{answer.id}/outcome/",
            f"/proposals/{proposal.id}/",
            f"/pipeline/{item.id}/",
            f"/pipeline/{item.id}/edit/",
        ]
        for url in urls:
            assert c.get(url).status_code == 404, (user.email, url)
        assert c.post(f"/engagements/{draft.id}/state/", {"action": "open"}).status_code == 404
        assert c.post(f"/pipeline/{item.id}/publish/").status_code == 404
        assert (
            c.post(f"/proposals/{proposal.id}/decide/", {"decision": "parked"}).status_code == 404
        )
    # Charlie's own answer is his; Dee (another provider) sees only her own (none).
    dee_client = _signed_in(Client(), dee)
    page = dee_client.get(f"/engagements/{market.id}/").content.decode()
    assert "Mine" not in page and "Charlie" not in page
    # Another council sees neither Alice's open engagement's answers nor its link.
    page = _signed_in(Client(), hilda).get(f"/engagements/{opened.id}/").content.decode()
    assert opened.public_token not in page and "Results" not in page
