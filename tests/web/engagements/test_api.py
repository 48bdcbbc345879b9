"""The early engagement API: the shapes of its items, a consultation from draft to a hand-checked
Borda result, errors that name their field, refusals of a state (409 with every reason), what a
provider and an outsider may read, the pipeline and proposals."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from socialvalue.web.commissioning.models import Priority, Procurement
from socialvalue.web.engagements import services
from socialvalue.web.engagements.models import Engagement, PipelineItem
from socialvalue.web.measures.models import Measure
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, bearer
from tests.web.commissioning.factories import procurement as make_procurement
from tests.web.engagements.factories import consultation, later, market_engagement, place

pytestmark = pytest.mark.django_db

ENGAGEMENT_KEYS = {
    "id", "organisation_id", "organisation_name", "kind", "state", "title", "purpose",
    "closes_on", "pipeline_item_id", "procurement_id", "priority_ids", "questions", "events",
    "public_url", "heard", "did", "opened_at", "closed_at", "summarised_at", "carried_at",
    "created_at",
}  # fmt: skip


def _send(client, method, url, user, body=None):
    call = getattr(client, method)
    if body is None:
        return call(url, **bearer(user))
    return call(url, json.dumps(body), content_type="application/json", **bearer(user))


def _post(client, url, user, body=None):
    return _send(client, "post", url, user, body if body is not None else {})


def _get(client, url, user):
    return _send(client, "get", url, user)


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def _consultation_body(**extra):
    return {
        "kind": "priorities_consultation",
        "title": "Our priorities for 2027",
        "purpose": "Tell us which priorities matter most to you.",
        "closes_on": later().isoformat(),
        **extra,
    }


def _market_body(**extra):
    starts = timezone.now() + dt.timedelta(days=7)
    return {
        "kind": "market_engagement",
        "title": "Homecare in the north: market engagement",
        "purpose": "Shape the social value we ask for.",
        "closes_on": later().isoformat(),
        "questions": [
            {"text": "What could you offer locally?", "required": True},
            {"text": "Would two years work?", "kind": "choice", "choices": ["Yes", "No"]},
        ],
        "events": [
            {
                "title": "Provider briefing",
                "starts_at": starts.isoformat(),
                "mode": "in_person",
                "place": "Town Hall, Room 2",
                "capacity": 3,
            }
        ],
        **extra,
    }


def _provider(name: str):
    organisation = OrganisationFactory(name=name)
    editor = UserFactory()
    MembershipFactory(user=editor, organisation=organisation, role="editor")
    return organisation, editor


def _answer(client, engagement_id, user, ranks=(), answers=(), comment="", **extra):
    body = {
        "ranks": [{"priority_id": pk, "rank": rank} for pk, rank in ranks],
        "answers": [{"question_id": pk, "answer": text} for pk, text in answers],
        "comment": comment,
        **extra,
    }
    return _post(client, f"/api/v1/engagements/{engagement_id}/responses", user, body)


# ------------------------------------------------------------------------------- engagements


def test_a_consultation_is_drafted_then_opened_with_its_public_link(client):
    p = place()
    draft = _ok(_post(client, "/api/v1/engagements", p.council_editor, _consultation_body()), 201)
    assert set(draft) == ENGAGEMENT_KEYS
    assert draft["kind"] == "priorities_consultation" and draft["state"] == "draft"
    assert draft["closes_on"] == later().isoformat()
    assert draft["organisation_id"] == p.council.id
    # Every current priority of the charter, in the charter's order, when none are chosen.
    assert draft["priority_ids"] == [pr.id for pr in p.priorities]
    assert draft["public_url"] is None  # a draft takes no answers

    opened = _ok(_post(client, f"/api/v1/engagements/{draft['id']}/open", p.council_editor))
    assert opened["state"] == "open" and opened["opened_at"]
    token = Engagement.objects.get(pk=draft["id"]).public_token
    assert opened["public_url"].startswith("http") and opened["public_url"].endswith(f"/c/{token}/")

    listed = _ok(_get(client, "/api/v1/engagements", p.provider_editor))
    assert [e["id"] for e in listed["items"]] == [draft["id"]]
    assert listed["items"][0]["public_url"] == opened["public_url"]


def test_a_market_engagement_carries_its_questions_and_events(client):
    p = place()
    data = _ok(_post(client, "/api/v1/engagements", p.council_editor, _market_body()), 201)
    assert data["kind"] == "market_engagement" and data["priority_ids"] == []
    question = data["questions"][1]
    assert set(question) == {"id", "text", "kind", "choices", "required"}
    assert (question["kind"], question["choices"], question["required"]) == (
        "choice", ["Yes", "No"], False,
    )  # fmt: skip
    event = data["events"][0]
    assert set(event) == {
        "id", "title", "starts_at", "ends_at", "mode", "place", "link", "capacity", "places_taken",
    }  # fmt: skip
    assert (event["mode"], event["capacity"], event["places_taken"]) == ("in_person", 3, 0)
    assert data["public_url"] is None

    added = _ok(
        _post(
            client,
            f"/api/v1/engagements/{data['id']}/questions",
            p.council_editor,
            {"text": "Anything else?"},
        ),
        201,
    )
    assert added["kind"] == "text"
    naive = (timezone.localtime() + dt.timedelta(days=9)).replace(tzinfo=None, microsecond=0)
    online = _ok(
        _post(
            client,
            f"/api/v1/engagements/{data['id']}/events",
            p.council_editor,
            {
                "title": "Online Q&A",
                "starts_at": naive.isoformat(),
                "mode": "online",
                "link": "https://meet.example/q",
            },
        ),
        201,
    )
    # A time without an offset is read in the service's own time zone.
    assert dt.datetime.fromisoformat(online["starts_at"]) == timezone.make_aware(naive)
    one = _ok(_get(client, f"/api/v1/engagements/{data['id']}", p.council_editor))
    assert [q["text"] for q in one["questions"]][-1] == "Anything else?"
    assert len(one["events"]) == 2


def test_consultation_round_trip_gives_the_hand_checked_borda_result(client):
    """Three priorities A, B, C and the ballots {A:1, B:2, C:3}, {B:1, A:2}, {C:1}.

    With 3 priorities a first place earns 2, a second 1, a third 0; the places a ballot leaves
    are shared by the priorities it did not rank. Ballot 2 leaves C the third place (0); ballot
    3 leaves A and B the second and third, (1 + 0) / 2 = 0.5 each. A = 2 + 1 + 0.5 = 3.5,
    B = 1 + 2 + 0.5 = 3.5, C = 0 + 0 + 2 = 2: A and B share first place ("=1"), C is third.
    """
    p = place()
    a, b, c = (pr.id for pr in p.priorities)
    engagement = _ok(
        _post(client, "/api/v1/engagements", p.council_editor, _consultation_body()), 201
    )
    url = f"/api/v1/engagements/{engagement['id']}"
    _ok(_post(client, f"{url}/open", p.council_editor))
    _, third_editor = _provider("Moss Homecare")

    first = _ok(_answer(client, engagement["id"], p.provider_editor, [(a, 1), (b, 2), (c, 3)]), 201)
    assert first["organisation_id"] == p.provider.id and first["respondent"] == "provider"
    assert first["ranks"] == [
        {"priority_id": a, "rank": 1}, {"priority_id": b, "rank": 2}, {"priority_id": c, "rank": 3},
    ]  # fmt: skip
    _ok(
        _answer(client, engagement["id"], p.second_editor, [(b, 1), (a, 2)], comment="Jobs first."),
        201,
    )
    _ok(_answer(client, engagement["id"], third_editor, [(c, 1)]), 201)

    results = _ok(_get(client, f"{url}/results", p.council_viewer))
    assert results["responses"] == 3
    ranking = results["ranking"]
    assert ranking["rule"] == services.borda.RULE
    assert (ranking["ballots"], ranking["counted"]) == (3, 3)
    by_id = {s["priority_id"]: s for s in ranking["standings"]}
    assert [s["priority_id"] for s in ranking["standings"]] == [a, b, c]
    assert (by_id[a]["points"], by_id[b]["points"], by_id[c]["points"]) == (3.5, 3.5, 2.0)
    assert (by_id[a]["position_label"], by_id[b]["position_label"]) == ("=1", "=1")
    assert by_id[a]["tied"] and by_id[b]["tied"] and not by_id[c]["tied"]
    assert by_id[c]["position"] == 3 and by_id[c]["position_label"] == "3"
    assert by_id[a]["mean_points"] == pytest.approx(3.5 / 3)
    assert [by_id[x]["first_places"] for x in (a, b, c)] == [1, 1, 1]
    assert [by_id[x]["ranked_by"] for x in (a, b, c)] == [2, 2, 2]
    assert by_id[b]["title"] == "Tackling loneliness"
    # Three providers are a group below five: counted in the whole, not broken down.
    assert results["groups"] == [
        {"label": "A care or support provider", "responses": 3, "suppressed": True, "standings": []}
    ]
    assert [(x["text"], x["organisation"]) for x in results["comments"]] == [
        ("Jobs first.", "Fern Support")
    ]

    # The council reads every answer; a provider its own; the results are the council's alone.
    everyone = _ok(_get(client, f"{url}/responses", p.council_viewer))
    assert everyone["count"] == 3
    own = _ok(_get(client, f"{url}/responses", p.provider_editor))
    assert [r["id"] for r in own["items"]] == [first["id"]]
    assert _get(client, f"{url}/results", p.provider_editor).status_code == 404

    # Answering again replaces the organisation's answer.
    again = _ok(_answer(client, engagement["id"], p.provider_editor, [(c, 1)]), 201)
    assert again["id"] == first["id"] and again["ranks"] == [{"priority_id": c, "rank": 1}]

    closed = _ok(_post(client, f"{url}/close", p.council_editor))
    assert closed["state"] == "closed" and closed["public_url"] is None
    carried = _ok(_post(client, f"{url}/carry", p.council_editor))
    assert [x["id"] for x in carried["priorities"]] == [a, b, c]
    assert "3 responses" in Priority.objects.get(pk=a).evidence
    assert _post(client, f"{url}/carry", p.council_editor).status_code == 409


def test_a_market_engagement_is_answered_registered_for_and_summarised(client):
    p = place()
    procurement = make_procurement(p.council)
    engagement = market_engagement(p, procurement=procurement)
    url = f"/api/v1/engagements/{engagement.id}"
    text, choice = engagement.questions.order_by("position")
    event = engagement.events.get()

    answer = _ok(
        _answer(client, engagement.id, p.provider_editor, answers=[(text.id, "Apprenticeships")]),
        201,
    )
    assert answer["answers"] == [{"question_id": text.id, "answer": "Apprenticeships"}]

    registered = _ok(
        _post(
            client, f"{url}/events/{event.id}/registrations", p.provider_editor, {"attendees": 2}
        ),
        201,
    )
    assert registered == {
        "event_id": event.id, "organisation_id": p.provider.id, "attendees": 2, "capacity": 3,
        "places_taken": 2,
    }  # fmt: skip
    full = _post(
        client, f"{url}/events/{event.id}/registrations", p.second_editor, {"attendees": 2}
    )
    assert full.status_code == 400
    assert full.json()["detail"] == {"attendees": ["Only 1 place left at this event."]}

    linked = _ok(
        _post(
            client,
            f"{url}/responses/{answer['id']}/outcome",
            p.council_editor,
            {"procurement_id": procurement.id, "title": "Local apprenticeships"},
        )
    )
    assert linked["procurement_id"] == procurement.id and linked["title"] == "Local apprenticeships"
    assert procurement.outcomes.filter(code=linked["outcome_id"]).exists()
    relinked = _ok(
        _post(
            client,
            f"{url}/responses/{answer['id']}/outcome",
            p.council_editor,
            {"procurement_id": procurement.id, "outcome_id": "outcome-1"},
        )
    )
    assert relinked["outcome_id"] == "outcome-1"
    unknown = _post(
        client,
        f"{url}/responses/{answer['id']}/outcome",
        p.council_editor,
        {"procurement_id": procurement.id, "outcome_id": "no-such-outcome"},
    )
    assert unknown.status_code == 400 and "outcome_id" in unknown.json()["detail"]

    early = _post(client, f"{url}/summary", p.council_editor, {"heard": "x", "did": "y"})
    assert early.status_code == 409
    _ok(_post(client, f"{url}/close", p.council_editor))
    blank = _post(client, f"{url}/summary", p.council_editor, {"heard": " ", "did": ""})
    assert blank.status_code == 400 and set(blank.json()["detail"]) == {"heard", "did"}
    summary = _ok(
        _post(
            client,
            f"{url}/summary",
            p.council_editor,
            {"heard": "Providers want longer contracts.", "did": "Three years, not two."},
        )
    )
    assert summary["state"] == "summarised" and summary["heard"].startswith("Providers")
    # Everyone that can see the engagement reads the summary.
    seen = _ok(_get(client, url, p.second_editor))
    assert seen["did"] == "Three years, not two."


# ----------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"closes_on": "2001-01-01"}, "closes_on"),
        ({"title": ""}, "title"),
        ({"priority_ids": [999999]}, "priority_ids"),
        ({"pipeline_item_id": 999999}, "pipeline_item_id"),
        ({"procurement_id": 999999}, "procurement_id"),
        ({"questions": [{"text": "Pick", "kind": "choice", "choices": ["One"]}]}, "questions[0].choices"),
    ],
)  # fmt: skip
def test_a_consultation_refused_names_the_field(client, change, field):
    p = place()
    response = _post(client, "/api/v1/engagements", p.council_editor, _consultation_body(**change))
    assert response.status_code == 400, response.content
    assert field in response.json()["detail"]


def test_an_event_without_its_place_or_link_names_the_field(client):
    p = place()
    body = _market_body()
    body["events"].append(
        {"title": "Online", "starts_at": body["events"][0]["starts_at"], "mode": "online"}
    )
    body["events"][0]["place"] = ""
    response = _post(client, "/api/v1/engagements", p.council_editor, body)
    assert response.status_code == 400
    assert {"events[0].place", "events[1].link"} <= set(response.json()["detail"])


def test_an_answer_refused_names_the_rank_or_question(client):
    p = place()
    engagement = consultation(p)
    a, b, _ = (pr.id for pr in p.priorities)
    wrong = _answer(client, engagement.id, p.provider_editor, [(a, 7)])
    assert wrong.status_code == 400
    assert wrong.json()["detail"][f"ranks.{a}"] == [
        "Give a rank from 1 to 3, or leave it unranked."
    ]
    twice = _answer(client, engagement.id, p.provider_editor, [(a, 1), (a, 2)])
    assert twice.status_code == 400 and list(twice.json()["detail"]) == ["ranks[1]"]
    empty = _answer(client, engagement.id, p.provider_editor)
    assert empty.status_code == 400 and list(empty.json()["detail"]) == ["ranks"]
    typed = _answer(client, engagement.id, p.provider_editor, [(b, "first")])
    assert typed.status_code == 422


def test_the_council_does_not_answer_its_own_engagement(client):
    p = place()
    engagement = consultation(p)
    a = p.priorities[0].id
    assert _answer(client, engagement.id, p.council_editor, [(a, 1)]).status_code == 403


def test_a_person_in_two_organisations_says_which_one_answers(client):
    p = place()
    engagement = consultation(p)
    MembershipFactory(user=p.provider_editor, organisation=p.second, role="editor")
    a = p.priorities[0].id
    unsure = _answer(client, engagement.id, p.provider_editor, [(a, 1)])
    assert unsure.status_code == 400 and "organisation_id" in unsure.json()["detail"]
    named = _answer(client, engagement.id, p.provider_editor, [(a, 1)], organisation_id=p.second.id)
    assert _ok(named, 201)["organisation_id"] == p.second.id


# -------------------------------------------------------------------------------- refusals


def test_opening_is_refused_with_every_reason(client):
    p = place()
    draft = _ok(
        _post(
            client, "/api/v1/engagements", p.council_editor, _market_body(questions=[], events=[])
        ),
        201,
    )
    Engagement.objects.filter(pk=draft["id"]).update(
        closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    refused = _post(client, f"/api/v1/engagements/{draft['id']}/open", p.council_editor)
    assert refused.status_code == 409
    assert refused.json()["reasons"] == [
        "Its closing date has passed: set a later one.",
        "Ask at least one question or hold at least one event.",
    ]
    assert refused.json()["detail"] == " ".join(refused.json()["reasons"])


def test_state_refusals_are_409(client):
    p = place()
    engagement = consultation(p)
    url = f"/api/v1/engagements/{engagement.id}"
    again = _post(client, f"{url}/open", p.council_editor)
    assert again.status_code == 409 and again.json()["reasons"] == ["It is already open."]
    renamed = _send(client, "patch", url, p.council_editor, {"title": "Changed"})
    assert renamed.status_code == 409
    moved = _send(client, "patch", url, p.council_editor, {"closes_on": later(30).isoformat()})
    assert _ok(moved)["closes_on"] == later(30).isoformat()
    assert _post(client, f"{url}/questions", p.council_editor, {"text": "Late?"}).status_code == 409
    assert _post(client, f"{url}/carry", p.council_editor).status_code == 409  # still open
    _ok(_post(client, f"{url}/close", p.council_editor))
    assert _post(client, f"{url}/close", p.council_editor).status_code == 409
    late = _answer(client, engagement.id, p.provider_editor, [(p.priorities[0].id, 1)])
    assert late.status_code == 409


def test_a_viewer_of_the_council_may_read_but_not_change(client):
    p = place()
    draft = _ok(_post(client, "/api/v1/engagements", p.council_editor, _consultation_body()), 201)
    url = f"/api/v1/engagements/{draft['id']}"
    assert _get(client, url, p.council_viewer).status_code == 200
    assert _post(client, f"{url}/open", p.council_viewer).status_code == 403
    assert _send(client, "patch", url, p.council_viewer, {"title": "x"}).status_code == 403


# ------------------------------------------------------------------------------ outsiders


def test_outsiders_get_404_for_a_draft_its_answers_and_results(client):
    p = place()
    draft = consultation(p, open=False)
    url = f"/api/v1/engagements/{draft.id}"
    for path in ("", "/responses", "/results"):
        assert _get(client, url + path, p.provider_editor).status_code == 404, path
    for path in ("/open", "/close", "/carry", "/questions", "/responses"):
        assert _post(client, url + path, p.provider_editor, {"text": "x"}).status_code == 404, path
    assert _send(client, "patch", url, p.provider_editor, {"title": "Mine"}).status_code == 404
    listed = _ok(_get(client, "/api/v1/engagements", p.provider_editor))
    assert listed["items"] == []


def test_a_provider_sees_an_open_engagement_but_not_others_answers_or_the_results(client):
    p = place()
    engagement = market_engagement(p)
    text = engagement.questions.get(kind="text")
    theirs = _ok(
        _answer(client, engagement.id, p.provider_editor, answers=[(text.id, "Jobs")]), 201
    )
    url = f"/api/v1/engagements/{engagement.id}"
    assert _get(client, url, p.second_editor).status_code == 200
    assert _ok(_get(client, f"{url}/responses", p.second_editor))["items"] == []
    assert _get(client, f"{url}/results", p.second_editor).status_code == 404
    outcome = _post(
        client, f"{url}/responses/{theirs['id']}/outcome", p.second_editor, {"procurement_id": 1}
    )
    assert outcome.status_code == 404


# -------------------------------------------------------------------------------- pipeline


def test_a_pipeline_item_is_listed_published_and_becomes_a_procurement(client):
    p = place()
    body = {
        "title": "Supported living, east",
        "category": "Supported living",
        "estimated_value": "2400000.00",
        "expected_publication": later(60).isoformat(),
        "expected_contract_start": later(240).isoformat(),
        "priority_ids": [p.priorities[0].id],
    }
    item = _ok(_post(client, "/api/v1/pipeline", p.council_editor, body), 201)
    assert item["state"] == "draft" and item["priority_ids"] == [p.priorities[0].id]
    assert item["procurement_id"] is None and item["organisation_name"] == p.council.name
    url = f"/api/v1/pipeline/{item['id']}"
    assert _get(client, url, p.provider_editor).status_code == 404
    assert _ok(_get(client, "/api/v1/pipeline", p.provider_editor))["items"] == []

    changed = _ok(_send(client, "patch", url, p.council_editor, {"category": "Housing"}))
    assert changed["category"] == "Housing" and changed["title"] == "Supported living, east"
    published = _ok(_post(client, f"{url}/publish", p.council_editor))
    assert published["state"] == "published" and published["published_at"]
    assert _ok(_get(client, url, p.provider_editor))["id"] == item["id"]
    assert _send(client, "patch", url, p.provider_editor, {"title": "x"}).status_code == 404

    procured = _ok(_post(client, f"{url}/procurement", p.council_editor), 201)
    assert procured["state"] == "procuring"
    procurement = Procurement.objects.get(pk=procured["procurement_id"])
    assert (procurement.title, procurement.state) == ("Supported living, east", "draft")
    assert _post(client, f"{url}/procurement", p.council_editor).status_code == 409
    assert _post(client, f"{url}/withdraw", p.council_editor).status_code == 409
    assert _send(client, "patch", url, p.council_editor, {"title": "x"}).status_code == 409


def test_a_pipeline_item_refused_names_the_field(client):
    p = place()
    body = {
        "title": "Day services",
        "expected_publication": later(60).isoformat(),
        "expected_contract_start": later(10).isoformat(),
        "priority_ids": [999999],
    }
    response = _post(client, "/api/v1/pipeline", p.council_editor, body)
    assert response.status_code == 400 and "priority_ids" in response.json()["detail"]
    body["priority_ids"] = []
    response = _post(client, "/api/v1/pipeline", p.council_editor, body)
    assert response.status_code == 400
    assert list(response.json()["detail"]) == ["expected_contract_start"]


def test_a_provider_has_no_pipeline_and_an_outsider_no_draft(client):
    p = place()
    response = _post(client, "/api/v1/pipeline", p.provider_editor, {"title": "Mine"})
    assert response.status_code == 404
    item = PipelineItem.objects.create(organisation=p.council, title="Draft")
    for path in ("", "/publish", "/withdraw", "/procurement"):
        call = _get if path == "" else _post
        assert (
            call(client, f"/api/v1/pipeline/{item.id}{path}", p.provider_editor).status_code == 404
        )


# ------------------------------------------------------------------------------- proposals


def test_a_provider_proposes_and_the_council_decides(client):
    p = place()
    measure = Measure.objects.filter(value_set__organisation__isnull=True).first()
    body = {
        "council_id": p.council.id,
        "title": "Befriending for people living alone",
        "priorities": "Less loneliness among older people.",
        "reason": "A third of our clients live alone.",
        "evidence": "Our 2025 survey.",
        "measure_ids": [measure.id],
    }
    sent = _ok(_post(client, "/api/v1/proposals", p.provider_editor, body), 201)
    assert (sent["state"], sent["council_name"], sent["organisation_name"]) == (
        "sent", p.council.name, "Brook Care",
    )  # fmt: skip
    assert sent["measure_ids"] == [measure.id]
    received = _ok(_get(client, "/api/v1/proposals?direction=received", p.council_viewer))
    assert [x["id"] for x in received["items"]] == [sent["id"]]
    assert (
        _ok(_get(client, "/api/v1/proposals?direction=received", p.provider_editor))["items"] == []
    )

    url = f"/api/v1/proposals/{sent['id']}"
    assert _get(client, url, p.second_editor).status_code == 404
    assert (
        _post(client, f"{url}/decision", p.provider_editor, {"decision": "accepted"}).status_code
        == 404
    )
    unsaid = _post(client, f"{url}/decision", p.council_editor, {"decision": "declined"})
    assert unsaid.status_code == 400 and list(unsaid.json()["detail"]) == ["reason"]
    parked = _ok(_post(client, f"{url}/decision", p.council_editor, {"decision": "parked"}))
    assert parked["state"] == "parked"
    accepted = _ok(_post(client, f"{url}/decision", p.council_editor, {"decision": "accepted"}))
    assert accepted["state"] == "accepted" and accepted["priority_id"]
    assert Priority.objects.get(pk=accepted["priority_id"]).organisation_id == p.council.id
    assert _ok(_get(client, url, p.provider_editor))["state"] == "accepted"
    again = _post(
        client, f"{url}/decision", p.council_editor, {"decision": "declined", "reason": "x"}
    )
    assert again.status_code == 409


def test_a_proposal_accepted_as_an_outcome_of_a_draft_procurement(client):
    p = place()
    procurement = make_procurement(p.council)
    proposal = services.send_proposal(
        actor=p.actor(p.provider_editor),
        organisation=p.provider,
        council=p.council,
        title="Local apprenticeships",
        priorities="Jobs for young people.",
        reason="Few apprenticeships locally.",
    )
    url = f"/api/v1/proposals/{proposal.id}/decision"
    elsewhere = make_procurement(OrganisationFactory(name="Other Council"))
    foreign = _post(
        client, url, p.council_editor, {"decision": "accepted", "procurement_id": elsewhere.id}
    )
    assert foreign.status_code == 400 and "procurement_id" in foreign.json()["detail"]
    accepted = _ok(
        _post(
            client,
            url,
            p.council_editor,
            {"decision": "accepted", "procurement_id": procurement.id},
        )
    )
    assert accepted["outcome_procurement_id"] == procurement.id
    assert procurement.outcomes.get(code=accepted["outcome_id"]).title == "Local apprenticeships"


def test_a_proposal_refused_names_the_field(client):
    p = place()
    body = {
        "council_id": p.second.id,
        "title": "",
        "priorities": "x",
        "reason": "y",
        "measure_ids": [999999],
    }
    response = _post(client, "/api/v1/proposals", p.provider_editor, body)
    assert response.status_code == 400 and list(response.json()["detail"]) == ["measure_ids"]
    body["measure_ids"] = []
    response = _post(client, "/api/v1/proposals", p.provider_editor, body)
    assert response.status_code == 400
    assert {"council_id", "title"} <= set(response.json()["detail"])


# --------------------------------------------------------------------------------- document


def test_the_openapi_document_describes_the_routes(client):
    document = _ok(client.get("/api/v1/openapi.json"))
    paths = document["paths"]
    for path in (
        "/api/v1/engagements",
        "/api/v1/engagements/{engagement_id}/results",
        "/api/v1/engagements/{engagement_id}/events/{event_id}/registrations",
        "/api/v1/pipeline/{item_id}/procurement",
        "/api/v1/proposals/{proposal_id}/decision",
    ):
        assert path in paths, path
    opened = paths["/api/v1/engagements/{engagement_id}/open"]["post"]["responses"]
    assert "reasons" in json.dumps(opened["409"]) or "EngagementRefusalOut" in json.dumps(
        opened["409"]
    )


def test_someone_in_a_council_and_a_provider_needs_not_say_which_creates(client):
    """As with the charter: the pipeline and engagements are their only council's, a proposal
    their only provider's."""
    p = place()
    MembershipFactory(user=p.provider_editor, organisation=p.council, role="editor")
    item = _ok(_post(client, "/api/v1/pipeline", p.provider_editor, {"title": "Day services"}), 201)
    assert item["organisation_id"] == p.council.id
    draft = _ok(_post(client, "/api/v1/engagements", p.provider_editor, _consultation_body()), 201)
    assert draft["organisation_id"] == p.council.id
    body = {"council_id": p.council.id, "title": "Befriending", "priorities": "x", "reason": "y"}
    sent = _ok(_post(client, "/api/v1/proposals", p.provider_editor, body), 201)
    assert sent["organisation_id"] == p.provider.id
    other = make_procurement(OrganisationFactory(name="Other Council"))
    MembershipFactory(user=p.provider_editor, organisation=other.organisation, role="editor")
    unsure = _post(client, "/api/v1/engagements", p.provider_editor, _consultation_body())
    assert unsure.status_code == 400 and "organisation_id" in unsure.json()["detail"]
