"""Early engagement's domain functions: the pipeline, engagements and their answers, the count,
carrying it into the charter, outcome origins and proposals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.commissioning.models import Priority, Procurement
from socialvalue.web.engagements import services
from socialvalue.web.engagements.models import (
    Engagement,
    PipelineItem,
    Proposal,
    Respondent,
    Response,
)
from socialvalue.web.errors import Conflict
from socialvalue.web.notifications.models import Notification
from tests.web.commissioning.factories import procurement as make_procurement
from tests.web.engagements.factories import consultation, later, market_engagement, place

pytestmark = pytest.mark.django_db


def _ranks(engagement, **by_title):
    priorities = {p.title: p.pk for p in engagement.priorities.all()}
    return {priorities[title]: rank for title, rank in by_title.items()}


def _public(engagement, ranks, **extra):
    return services.record_response(
        engagement=engagement, actor=None, answer=services.Answer(ranks=ranks, **extra)
    )


# ------------------------------------------------------------------------------------ pipeline


def test_a_pipeline_item_is_the_councils_until_published_then_everyones():
    p = place()
    item = services.save_pipeline_item(
        actor=p.actor(p.council_editor),
        organisation=p.council,
        title="Supported living, east",
        category="Supported living",
        estimated_value=Decimal("2400000"),
        expected_publication=later(60),
        expected_contract_start=later(240),
        priorities=p.priorities[:2],
    )
    assert item.state == "draft"
    outsider = p.actor(p.provider_editor)
    assert not PipelineItem.objects.visible_to(outsider).filter(pk=item.pk).exists()
    services.publish_pipeline_item(item=item, actor=p.actor(p.council_editor))
    assert PipelineItem.objects.visible_to(outsider).filter(pk=item.pk).exists()
    assert list(PipelineItem.objects.public().filter(organisation=p.council)) == [item]


def test_a_pipeline_items_dates_and_priorities_are_checked():
    p = place()
    other = place()
    with pytest.raises(ValidationError) as error:
        services.save_pipeline_item(
            actor=p.actor(p.council_editor),
            organisation=p.council,
            title="",
            expected_publication=later(90),
            expected_contract_start=later(30),
            priorities=[other.priorities[0]],
        )
    problems = error.value.message_dict
    assert {"title", "expected_contract_start", "priorities"} <= set(problems)


def test_a_provider_lists_no_pipeline():
    p = place()
    with pytest.raises(Http404):
        services.save_pipeline_item(
            actor=p.actor(p.provider_editor), organisation=p.provider, title="Not ours"
        )


def test_a_pipeline_item_becomes_a_draft_procurement_and_keeps_its_history():
    p = place()
    actor = p.actor(p.council_editor)
    item = services.save_pipeline_item(
        actor=actor,
        organisation=p.council,
        title="Day opportunities",
        description="Day services for adults with a learning disability.",
        category="Day services",
        estimated_value=Decimal("900000"),
        expected_contract_start=later(200),
    )
    services.publish_pipeline_item(item=item, actor=actor)
    engagement = services.create_engagement(
        actor=actor,
        organisation=p.council,
        kind=Engagement.Kind.MARKET,
        title="Day opportunities: what could you offer?",
        purpose="Before we draft.",
        closes_on=later(),
        pipeline_item=item,
        questions=[services.QuestionSpec("What would you offer?")],
    )
    procurement = services.procure(item=item, actor=actor)
    item.refresh_from_db()
    assert procurement.state == "draft"
    assert (procurement.title, procurement.category) == ("Day opportunities", "Day services")
    assert procurement.estimated_value == Decimal("900000")
    assert procurement.contract_start == item.expected_contract_start
    assert item.state == "procuring" and item.procurement == procurement
    engagement.refresh_from_db()
    assert engagement.procurement == procurement
    # The item's own history stays in the trail: created, published, procured.
    events = AuditEvent.objects.filter(
        object_type__iendswith="pipelineitem", object_id=str(item.pk)
    )
    assert events.count() >= 3
    assert services.origins_of(procurement)[None].startswith("Listed in the pipeline as")
    with pytest.raises(Conflict):
        services.procure(item=item, actor=actor)


# --------------------------------------------------------------------------------- engagements


def test_a_consultation_ranks_the_charters_current_priorities_and_opens_with_a_public_link():
    p = place()
    engagement = consultation(p, open=False)
    assert set(engagement.priorities.all()) == set(p.priorities)
    assert services.public_url(engagement) is None
    services.open_engagement(engagement=engagement, actor=p.actor(p.council_editor))
    assert services.public_url(engagement).endswith(f"/c/{engagement.public_token}/")


def test_opening_lists_every_reason_it_is_refused():
    p = place()
    engagement = services.create_engagement(
        actor=p.actor(p.council_editor),
        organisation=p.council,
        kind=Engagement.Kind.MARKET,
        title="Nothing asked yet",
        purpose="To be written.",
        closes_on=later(),
    )
    Engagement.objects.filter(pk=engagement.pk).update(
        closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    engagement.refresh_from_db()
    reasons = services.open_refusals(engagement)
    assert len(reasons) == 2
    with pytest.raises(Conflict) as error:
        services.open_engagement(engagement=engagement, actor=p.actor(p.council_editor))
    assert "closing date" in str(error.value) and "question" in str(error.value)


def test_an_engagements_fields_are_checked_by_name():
    p = place()
    with pytest.raises(ValidationError) as error:
        services.create_engagement(
            actor=p.actor(p.council_editor),
            organisation=p.council,
            kind=Engagement.Kind.MARKET,
            title="Checked",
            purpose="",
            closes_on=timezone.localdate() - dt.timedelta(days=3),
            questions=[services.QuestionSpec("Pick one", kind="choice", choices=["Only one"])],
            events=[
                services.EventSpec(
                    title="Online session",
                    starts_at=timezone.now() + dt.timedelta(days=2),
                    mode="online",
                )
            ],
        )
    assert {"purpose", "closes_on", "questions[0].choices", "events[0].link"} <= set(
        error.value.message_dict
    )


def test_a_viewer_or_a_provider_cannot_run_an_engagement():
    p = place()
    with pytest.raises(PermissionDenied):
        consultation_by = p.actor(p.council_viewer)
        services.create_engagement(
            actor=consultation_by,
            organisation=p.council,
            kind=Engagement.Kind.PRIORITIES,
            title="x",
            purpose="y",
            closes_on=later(),
        )
    with pytest.raises(Http404):
        services.create_engagement(
            actor=p.actor(p.provider_editor),
            organisation=p.provider,
            kind=Engagement.Kind.PRIORITIES,
            title="x",
            purpose="y",
            closes_on=later(),
        )


def test_drafts_are_the_councils_and_open_engagements_everyones():
    p = place()
    draft = consultation(p, open=False)
    opened = market_engagement(p)
    outsider = p.actor(p.provider_editor)
    seen = set(Engagement.objects.visible_to(outsider))
    assert opened in seen and draft not in seen


def test_questions_stay_fixed_once_people_answer():
    p = place()
    engagement = market_engagement(p)
    with pytest.raises(Conflict):
        services.add_question(
            engagement=engagement,
            actor=p.actor(p.council_editor),
            spec=services.QuestionSpec("Too late?"),
        )


# ------------------------------------------------------------------------------------ answers


def test_a_public_answer_keeps_no_name_or_email_without_consent():
    p = place()
    engagement = consultation(p)
    response = _public(
        engagement,
        _ranks(engagement, **{"Cleaner air": 1}),
        respondent=Respondent.CARER,
        name="Sam",
    )
    assert (response.name, response.email) == ("", "")
    with pytest.raises(ValidationError) as error:
        _public(engagement, {}, comment="Hi", email="sam@example.org")
    assert "contact_ok" in error.value.message_dict
    kept = _public(
        engagement, {}, comment="Hi", name="Sam", email="sam@example.org", contact_ok=True
    )
    assert (kept.name, kept.email) == ("Sam", "sam@example.org")


def test_a_public_answer_must_rank_something_or_say_something():
    p = place()
    engagement = consultation(p)
    with pytest.raises(ValidationError) as error:
        _public(engagement, {})
    assert "ranks" in error.value.message_dict
    priority = engagement.priorities.first()
    with pytest.raises(ValidationError) as error:
        _public(engagement, {priority.pk: 9})
    assert f"ranks.{priority.pk}" in error.value.message_dict


def test_nobody_answers_a_market_engagement_without_signing_in():
    p = place()
    engagement = market_engagement(p)
    with pytest.raises(Http404):
        _public(engagement, {}, comment="Let me in")


def test_a_provider_answers_once_and_may_change_its_answer_until_closing():
    p = place()
    engagement = market_engagement(p)
    question = engagement.questions.get(kind="text")
    choice = engagement.questions.get(kind="choice")
    actor = p.actor(p.provider_editor)
    first = services.record_response(
        engagement=engagement,
        actor=actor,
        answer=services.Answer(answers={question.pk: "Apprenticeships", choice.pk: "Yes"}),
    )
    again = services.record_response(
        engagement=engagement,
        actor=actor,
        answer=services.Answer(answers={question.pk: "Apprenticeships and volunteering"}),
    )
    assert first.pk == again.pk and Response.objects.filter(engagement=engagement).count() == 1
    assert again.respondent == "provider" and again.organisation == p.provider
    with pytest.raises(ValidationError) as error:
        services.record_response(
            engagement=engagement,
            actor=actor,
            answer=services.Answer(answers={choice.pk: "Maybe"}),
        )
    assert {f"answers.{question.pk}", f"answers.{choice.pk}"} <= set(error.value.message_dict)
    services.close_engagement(engagement=engagement, actor=p.actor(p.council_editor))
    with pytest.raises(Conflict):
        services.record_response(
            engagement=engagement,
            actor=actor,
            answer=services.Answer(answers={question.pk: "Late"}),
        )


def test_the_council_does_not_answer_its_own_engagement():
    p = place()
    engagement = market_engagement(p)
    with pytest.raises(PermissionDenied):
        services.record_response(
            engagement=engagement,
            actor=p.actor(p.council_editor),
            answer=services.Answer(comment="Ourselves"),
        )


def test_event_places_are_held_within_capacity():
    p = place()
    engagement = market_engagement(p)
    event = engagement.events.get()
    services.register_for_event(event=event, actor=p.actor(p.provider_editor), attendees=2)
    with pytest.raises(ValidationError) as error:
        services.register_for_event(event=event, actor=p.actor(p.second_editor), attendees=2)
    assert "Only 1 place left" in error.value.message_dict["attendees"][0]
    services.register_for_event(event=event, actor=p.actor(p.second_editor), attendees=1)
    assert services.places_taken(event) == 3
    # Changing one's own registration does not count one's own places twice.
    services.register_for_event(event=event, actor=p.actor(p.provider_editor), attendees=2)
    services.cancel_registration(event=event, actor=p.actor(p.second_editor))
    assert services.places_taken(event) == 2


# ------------------------------------------------------------------------------------ results


def test_results_count_by_borda_with_the_rule_and_suppress_small_groups():
    p = place()
    engagement = consultation(p)
    # The worked example: all three ranked; two ranked; only one ranked.
    _public(
        engagement,
        _ranks(engagement, **{"Good local jobs": 1, "Tackling loneliness": 2, "Cleaner air": 3}),
        respondent="carer",
    )
    _public(
        engagement,
        _ranks(engagement, **{"Tackling loneliness": 1, "Good local jobs": 2}),
        respondent="carer",
    )
    _public(engagement, _ranks(engagement, **{"Cleaner air": 1}), respondent="resident")
    for _ in range(5):
        _public(engagement, {}, comment="No ranking from me", respondent="resident")
    result = services.results(engagement, p.actor(p.council_viewer))
    points = {result.priorities[s.item].title: s.points for s in result.count.standings}
    assert points == {"Good local jobs": 3.5, "Tackling loneliness": 3.5, "Cleaner air": 2}
    assert result.responses == 8 and result.count.counted == 3
    assert "unranked" in result.rule
    groups = {g.label: g for g in result.groups}
    assert groups["A carer"].suppressed and groups["A carer"].standings == []
    assert not groups["A resident"].suppressed and groups["A resident"].responses == 6
    assert len(result.comments) == 5


def test_results_are_the_councils_alone():
    p = place()
    engagement = consultation(p)
    with pytest.raises(Http404):
        services.results(engagement, p.actor(p.provider_editor))


def test_the_result_is_carried_into_the_charter_as_each_prioritys_evidence():
    p = place()
    engagement = consultation(p)
    _public(engagement, _ranks(engagement, **{"Cleaner air": 1, "Good local jobs": 2}))
    _public(engagement, _ranks(engagement, **{"Cleaner air": 1}))
    actor = p.actor(p.council_editor)
    with pytest.raises(Conflict):
        services.carry_into_charter(engagement=engagement, actor=actor)
    services.close_engagement(engagement=engagement, actor=actor)
    services.carry_into_charter(engagement=engagement, actor=actor)
    air = Priority.objects.get(title="Cleaner air", organisation=p.council)
    assert f"Consultation “{engagement.title}”, 2 responses," in air.evidence
    assert "ranked 1 of 3" in air.evidence
    charter = air.charter
    assert (
        charter.versions.order_by("-number")
        .first()
        .note.startswith("Evidence from the consultation")
    )
    with pytest.raises(Conflict):
        services.carry_into_charter(engagement=engagement, actor=actor)


def test_a_summary_is_published_after_closing_and_told_to_those_who_answered(
    django_capture_on_commit_callbacks,
):
    p = place()
    engagement = market_engagement(p)
    question = engagement.questions.get(kind="text")
    services.record_response(
        engagement=engagement,
        actor=p.actor(p.provider_editor),
        answer=services.Answer(answers={question.pk: "Local jobs"}),
    )
    actor = p.actor(p.council_editor)
    with pytest.raises(Conflict):
        services.publish_summary(engagement=engagement, actor=actor, heard="a", did="b")
    services.close_engagement(engagement=engagement, actor=actor)
    with pytest.raises(ValidationError) as error:
        services.publish_summary(engagement=engagement, actor=actor, heard="", did="")
    assert {"heard", "did"} == set(error.value.message_dict)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_summary(
            engagement=engagement,
            actor=actor,
            heard="Providers want to offer apprenticeships.",
            did="We ask for apprenticeships for care leavers.",
        )
    engagement.refresh_from_db()
    assert engagement.state == "summarised" and engagement.summarised_at is not None
    told = Notification.objects.filter(kind="engagement_summary")
    assert [n.user for n in told] == [p.provider_editor]


def test_an_answer_is_linked_to_an_outcome_the_procurement_then_shows():
    p = place()
    draft = make_procurement(p.council, outcomes=1)
    engagement = market_engagement(p, procurement=draft)
    question = engagement.questions.get(kind="text")
    response = services.record_response(
        engagement=engagement,
        actor=p.actor(p.provider_editor),
        answer=services.Answer(answers={question.pk: "Apprenticeships for care leavers"}),
    )
    actor = p.actor(p.council_editor)
    existing = draft.outcomes.get()
    services.link_outcome(response=response, actor=actor, outcome=existing)
    origin = services.link_outcome(
        response=response, actor=actor, procurement=draft, title="Apprenticeships for care leavers"
    )
    notes = services.origins_of(draft)
    assert notes[existing.pk].startswith("This outcome came from market engagement")
    assert notes[origin.outcome_id] == notes[existing.pk]
    other = make_procurement(place().council)
    with pytest.raises(Http404):
        services.link_outcome(response=response, actor=actor, procurement=other, title="Not ours")


# ---------------------------------------------------------------------------------- proposals


def _proposal(p) -> Proposal:
    return services.send_proposal(
        actor=p.actor(p.provider_editor),
        organisation=p.provider,
        council=p.council,
        title="Befriending for people leaving hospital",
        priorities="Tackling loneliness after a hospital stay.",
        reason="Half of our clients live alone.",
        evidence="Our 2026 survey of 120 clients.",
    )


def test_a_proposal_reaches_the_council_and_no_one_else(django_capture_on_commit_callbacks):
    p = place()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = _proposal(p)
    assert Notification.objects.filter(user=p.council_editor, kind="proposal_received").exists()
    assert Proposal.objects.visible_to(p.actor(p.council_viewer)).filter(pk=proposal.pk).exists()
    assert not Proposal.objects.visible_to(p.actor(p.second_editor)).filter(pk=proposal.pk).exists()


def test_a_council_does_not_propose_and_a_provider_proposes_only_to_a_council():
    p = place()
    with pytest.raises(ValidationError) as error:
        services.send_proposal(
            actor=p.actor(p.provider_editor),
            organisation=p.provider,
            council=p.second,
            title="x",
            priorities="y",
            reason="z",
        )
    assert "council_id" in error.value.message_dict


def test_accepting_a_proposal_adds_a_priority_at_the_foot_of_the_charter(
    django_capture_on_commit_callbacks,
):
    p = place()
    proposal = _proposal(p)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_proposal(
            proposal=proposal, actor=p.actor(p.council_editor), decision="accepted"
        )
    proposal.refresh_from_db()
    assert proposal.state == "accepted" and proposal.priority.rank == 4
    assert "Proposed by Brook Care" in proposal.priority.evidence
    assert Notification.objects.filter(user=p.provider_editor, kind="proposal_decided").exists()
    with pytest.raises(Conflict):
        services.decide_proposal(
            proposal=proposal, actor=p.actor(p.council_editor), decision="parked"
        )


def test_accepting_into_a_procurement_asks_for_the_outcome_and_says_where_it_came_from():
    p = place()
    draft = make_procurement(p.council, outcomes=0)
    proposal = _proposal(p)
    services.decide_proposal(
        proposal=proposal, actor=p.actor(p.council_editor), decision="accepted", procurement=draft
    )
    proposal.refresh_from_db()
    assert proposal.outcome.procurement == draft
    assert services.origins_of(draft)[proposal.outcome_id] == (
        "This outcome came from a proposal by Brook Care."
    )


def test_declining_needs_a_reason_and_parking_may_be_revisited():
    p = place()
    proposal = _proposal(p)
    actor = p.actor(p.council_editor)
    with pytest.raises(ValidationError) as error:
        services.decide_proposal(proposal=proposal, actor=actor, decision="declined")
    assert "reason" in error.value.message_dict
    services.decide_proposal(proposal=proposal, actor=actor, decision="parked", reason="Next year")
    services.decide_proposal(proposal=proposal, actor=actor, decision="declined", reason="Covered")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decision_reason) == ("declined", "Covered")


def test_the_provider_cannot_decide_its_own_proposal():
    p = place()
    proposal = _proposal(p)
    with pytest.raises(Http404):
        services.decide_proposal(
            proposal=proposal, actor=p.actor(p.provider_editor), decision="accepted"
        )


def test_closed_engagements_are_not_answered_after_their_closing_date():
    p = place()
    engagement = consultation(p)
    Engagement.objects.filter(pk=engagement.pk).update(
        closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    engagement.refresh_from_db()
    with pytest.raises(Conflict):
        _public(engagement, {}, comment="Too late")
    assert Procurement.objects.count() == 0
