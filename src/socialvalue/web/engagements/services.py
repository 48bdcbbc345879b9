"""Early engagement: one function per action, shared by the pages and the API.

Every function takes the `actor` and checks it: the council's editors run its pipeline and
engagements, providers answer and propose, and anyone with a consultation's link may answer it.
Refusals are `ValidationError` by field (400 on a page next to the field, 400 in the API),
`Conflict` for a state that refuses the step (409), `PermissionDenied` for a missing role (403)
and `Http404` for what the actor may not see.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from socialvalue.core import borda
from socialvalue.web.accounts.models import Organisation
from socialvalue.web.commissioning import services as commissioning
from socialvalue.web.commissioning.models import Priority, Procurement, RequestedOutcome
from socialvalue.web.errors import Conflict
from socialvalue.web.links import absolute_reverse
from socialvalue.web.measures.models import Measure
from socialvalue.web.notifications import services as notifications
from socialvalue.web.notifications.models import Kind as NoticeKind
from socialvalue.web.tenancy import Actor, require_role

from .models import (
    SMALL_GROUP,
    Engagement,
    Event,
    EventRegistration,
    OutcomeOrigin,
    PipelineItem,
    Proposal,
    Question,
    Rank,
    Respondent,
    Response,
)

Errors = dict[str, list[str]]

#: Public answers one address may send to one consultation in `PUBLIC_WINDOW_SECONDS`: a shared
#: tablet at a drop-in session sends dozens; a script is stopped.
PUBLIC_ANSWERS_PER_WINDOW = 60
PUBLIC_WINDOW_SECONDS = 600
#: A public answer sent sooner than this after the page was drawn is a script's.
MIN_SECONDS_TO_ANSWER = 3
MAX_QUESTIONS = 30
MAX_CHOICES = 20


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _refuse(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _model_errors(obj: Any, exclude: Sequence[str] = ()) -> Errors:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return dict(error.message_dict)
    return {}


def _council(organisation: Any, actor: Actor) -> None:
    if organisation is None or not organisation.is_commissioner:
        raise Http404("Only a council runs a pipeline and engagements.")
    actor.require(organisation.id, "editor")


def _priority_problems(organisation_id: int, priorities: Sequence[Priority]) -> str | None:
    if any(p.organisation_id != organisation_id or not p.active for p in priorities):
        return "Choose priorities of your own charter."
    return None


# ------------------------------------------------------------------------------------ pipeline


PIPELINE_FIELDS = (
    "title",
    "description",
    "category",
    "estimated_value",
    "expected_publication",
    "expected_contract_start",
)


@transaction.atomic
def save_pipeline_item(
    *,
    actor: Actor,
    item: PipelineItem | None = None,
    organisation: Any = None,
    priorities: Sequence[Priority] | None = None,
    **fields: Any,
) -> PipelineItem:
    """List an upcoming procurement, or change one not yet a procurement."""
    unknown = set(fields) - set(PIPELINE_FIELDS)
    if unknown:
        raise TypeError(f"not fields of a pipeline item: {', '.join(sorted(unknown))}")
    if item is None:
        _council(organisation, actor)
        item = PipelineItem(organisation=organisation, created_by=actor.user)
    else:
        require_role(actor, item, "editor")
        if item.state in (PipelineItem.State.PROCURING, PipelineItem.State.WITHDRAWN):
            raise Conflict(f"A pipeline item {item.get_state_display().lower()} cannot change.")
    for name, value in fields.items():
        setattr(item, name, value)
    errors = _model_errors(item, exclude=["organisation", "created_by", "procurement"])
    start, publication = item.expected_contract_start, item.expected_publication
    if start and publication and start < publication:
        _add(
            errors,
            "expected_contract_start",
            "The contract cannot start before the tender is published.",
        )
    if priorities is not None and (message := _priority_problems(item.organisation_id, priorities)):
        _add(errors, "priorities", message)
    _refuse(errors)
    item.save()
    if priorities is not None:
        item.priorities.set(priorities)
    return item


@transaction.atomic
def publish_pipeline_item(*, item: PipelineItem, actor: Actor) -> PipelineItem:
    """Providers (signed in) and the public pipeline page see it from now on."""
    require_role(actor, item, "editor")
    if item.state != PipelineItem.State.DRAFT:
        raise Conflict(
            f"Only a draft is published; this one is {item.get_state_display().lower()}."
        )
    item.state = PipelineItem.State.PUBLISHED
    item.published_at = now()
    item.save(update_fields=["state", "published_at"])
    return item


@transaction.atomic
def withdraw_pipeline_item(*, item: PipelineItem, actor: Actor) -> PipelineItem:
    require_role(actor, item, "editor")
    if item.state == PipelineItem.State.PROCURING:
        raise Conflict("This item is already a procurement: cancel the procurement instead.")
    item.state = PipelineItem.State.WITHDRAWN
    item.save(update_fields=["state"])
    return item


@transaction.atomic
def procure(*, item: PipelineItem, actor: Actor) -> Procurement:
    """The item becomes a draft procurement with its title, description, category, value and
    start; the item stays, linked to it, with its history and its engagements."""
    require_role(actor, item, "editor")
    if item.state == PipelineItem.State.PROCURING:
        raise Conflict("This item is already a procurement.")
    if item.state == PipelineItem.State.WITHDRAWN:
        raise Conflict("A withdrawn item cannot become a procurement.")
    procurement = commissioning.save_procurement(
        actor=actor,
        organisation=item.organisation,
        title=item.title,
        description=item.description,
        category=item.category,
        estimated_value=item.estimated_value,
        contract_start=item.expected_contract_start,
    )
    item.procurement = procurement
    item.state = PipelineItem.State.PROCURING
    item.save(update_fields=["procurement", "state"])
    item.engagements.filter(procurement__isnull=True).update(procurement=procurement)
    return procurement


# --------------------------------------------------------------------------------- engagements


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    kind: str = Question.Kind.TEXT
    choices: Sequence[str] = ()
    required: bool = False


@dataclass(frozen=True)
class EventSpec:
    title: str
    starts_at: dt.datetime
    mode: str
    ends_at: dt.datetime | None = None
    place: str = ""
    link: str = ""
    capacity: int | None = None


def _question_errors(question: Question, key: str) -> Errors:
    errors = {
        f"{key}.{name}": messages
        for name, messages in _model_errors(question, exclude=["engagement", "choices"]).items()
    }
    choices = [c.strip() for c in question.choices if str(c).strip()]
    if question.kind == Question.Kind.CHOICE:
        if len(choices) < 2:
            _add(errors, f"{key}.choices", "Give at least two choices, one on each line.")
        elif len(choices) > MAX_CHOICES:
            _add(errors, f"{key}.choices", f"Give at most {MAX_CHOICES} choices.")
        elif len({c.casefold() for c in choices}) < len(choices):
            _add(errors, f"{key}.choices", "Give each choice once.")
        elif any(len(c) > 200 for c in choices):
            _add(errors, f"{key}.choices", "Keep each choice to 200 characters or fewer.")
    question.choices = choices if question.kind == Question.Kind.CHOICE else []
    return errors


def _event_errors(event: Event, key: str) -> Errors:
    errors = {
        f"{key}.{name}": messages
        for name, messages in _model_errors(event, exclude=["engagement"]).items()
    }
    if event.mode == Event.Mode.IN_PERSON and not event.place.strip():
        _add(errors, f"{key}.place", "Say where the event is held.")
    if event.mode == Event.Mode.ONLINE and not event.link.strip():
        _add(errors, f"{key}.link", "Give the link to join the event online.")
    if event.starts_at and event.pk is None and event.starts_at < now():
        _add(errors, f"{key}.starts_at", "The event must start in the future.")
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        _add(errors, f"{key}.ends_at", "The event must end after it starts.")
    return errors


def _engagement_errors(engagement: Engagement) -> Errors:
    errors = _model_errors(
        engagement,
        exclude=["organisation", "created_by", "pipeline_item", "procurement", "priorities"],
    )
    if (
        engagement.closes_on
        and engagement.state in ("draft", "open")
        and engagement.closes_on < today()
    ):
        _add(errors, "closes_on", "The closing date must be today or later.")
    for name, obj in (
        ("pipeline_item_id", engagement.pipeline_item),
        ("procurement_id", engagement.procurement),
    ):
        if obj is not None and obj.organisation_id != engagement.organisation_id:
            _add(errors, name, "Choose one of your own.")
    if engagement.procurement is not None and engagement.procurement.state != "draft":
        _add(
            errors,
            "procurement_id",
            "Engage the market on a draft procurement, before it is published.",
        )
    return errors


@transaction.atomic
def create_engagement(
    *,
    actor: Actor,
    organisation: Any,
    kind: str,
    title: str,
    purpose: str,
    closes_on: dt.date | None,
    pipeline_item: PipelineItem | None = None,
    procurement: Procurement | None = None,
    priorities: Sequence[Priority] | None = None,
    questions: Sequence[QuestionSpec] = (),
    events: Sequence[EventSpec] = (),
) -> Engagement:
    """A draft engagement. A consultation ranks the charter's priorities (all current ones
    unless chosen); a market engagement is about a pipeline item or a draft procurement."""
    _council(organisation, actor)
    engagement = Engagement(
        organisation=organisation,
        kind=kind,
        title=title,
        purpose=purpose,
        closes_on=closes_on,
        pipeline_item=pipeline_item,
        procurement=procurement,
        created_by=actor.user,
    )
    errors = _engagement_errors(engagement)
    if kind == Engagement.Kind.PRIORITIES:
        if priorities is None:
            priorities = list(Priority.objects.filter(organisation=organisation, active=True))
        if message := _priority_problems(organisation.id, priorities):
            _add(errors, "priority_ids", message)
        elif len(priorities) < 2:
            _add(
                errors,
                "priority_ids",
                "Rank at least two priorities: add them to your charter first.",
            )
    elif kind == Engagement.Kind.MARKET:
        priorities = []
    if len(questions) > MAX_QUESTIONS:
        _add(errors, "questions", f"Ask at most {MAX_QUESTIONS} questions.")
    question_rows = []
    for i, spec in enumerate(questions):
        row = Question(
            engagement=engagement,
            position=i,
            text=spec.text,
            kind=spec.kind,
            choices=list(spec.choices),
            required=spec.required,
        )
        errors.update(_question_errors(row, f"questions[{i}]"))
        question_rows.append(row)
    event_rows = []
    for i, spec in enumerate(events):
        row = Event(engagement=engagement, **spec.__dict__)
        errors.update(_event_errors(row, f"events[{i}]"))
        event_rows.append(row)
    _refuse(errors)
    engagement.save()
    engagement.priorities.set(priorities or [])
    for row in question_rows:
        row.engagement = engagement
    for event in event_rows:
        event.engagement = engagement
    Question.objects.bulk_create(question_rows)
    Event.objects.bulk_create(event_rows)
    return engagement


def _council_editor(engagement: Engagement, actor: Actor) -> None:
    require_role(actor, engagement, "editor")


def _not_after_opening(engagement: Engagement, what: str) -> None:
    if engagement.state != Engagement.State.DRAFT:
        raise Conflict(f"{what} cannot change once the engagement is open: people are answering.")


@transaction.atomic
def update_engagement(
    *,
    engagement: Engagement,
    actor: Actor,
    priorities: Sequence[Priority] | None = None,
    **fields: Any,
) -> Engagement:
    """Change a draft's title, purpose, closing date or priorities; an open engagement's closing
    date may still move (later or sooner, not into the past)."""
    _council_editor(engagement, actor)
    allowed = {"title", "purpose", "closes_on"} if engagement.state == "draft" else {"closes_on"}
    if engagement.state in ("closed", "summarised"):
        allowed = set()
    refused = set(fields) - allowed
    if refused or (priorities is not None and engagement.state != "draft"):
        raise Conflict(
            f"An engagement that is {engagement.get_state_display().lower()} keeps its "
            + ", ".join(sorted(refused or {"priorities"})).replace("_", " ")
            + "."
        )
    for name, value in fields.items():
        setattr(engagement, name, value)
    errors = _engagement_errors(engagement)
    if priorities is not None:
        if message := _priority_problems(engagement.organisation_id, priorities):
            _add(errors, "priority_ids", message)
        elif engagement.is_consultation and len(priorities) < 2:
            _add(errors, "priority_ids", "Rank at least two priorities.")
    _refuse(errors)
    engagement.save()
    if priorities is not None:
        engagement.priorities.set(priorities)
    return engagement


@transaction.atomic
def add_question(*, engagement: Engagement, actor: Actor, spec: QuestionSpec) -> Question:
    _council_editor(engagement, actor)
    _not_after_opening(engagement, "The questions")
    if engagement.questions.count() >= MAX_QUESTIONS:
        raise ValidationError({"text": [f"Ask at most {MAX_QUESTIONS} questions."]})
    row = Question(
        engagement=engagement,
        position=engagement.questions.count(),
        text=spec.text,
        kind=spec.kind,
        choices=list(spec.choices),
        required=spec.required,
    )
    errors = {k.split(".", 1)[1]: v for k, v in _question_errors(row, "q").items()}
    _refuse(errors)
    row.save()
    return row


@transaction.atomic
def remove_question(*, engagement: Engagement, actor: Actor, question_id: int) -> None:
    _council_editor(engagement, actor)
    _not_after_opening(engagement, "The questions")
    question = engagement.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404("No such question.")
    question.delete()


@transaction.atomic
def add_event(*, engagement: Engagement, actor: Actor, spec: EventSpec) -> Event:
    """An event may be added while the engagement is a draft or open."""
    _council_editor(engagement, actor)
    if engagement.state not in ("draft", "open"):
        raise Conflict("Events are added before the engagement closes.")
    if engagement.is_consultation:
        raise Conflict("Events belong to a market engagement.")
    row = Event(engagement=engagement, **spec.__dict__)
    errors = {k.split(".", 1)[1]: v for k, v in _event_errors(row, "e").items()}
    _refuse(errors)
    row.save()
    return row


def open_refusals(engagement: Engagement) -> list[str]:
    """Every reason the engagement cannot open yet (all of them, not the first)."""
    reasons = []
    if engagement.state != Engagement.State.DRAFT:
        reasons.append(f"It is already {engagement.get_state_display().lower()}.")
    if engagement.closes_on < today():
        reasons.append("Its closing date has passed: set a later one.")
    if engagement.is_consultation:
        if engagement.priorities.count() < 2:
            reasons.append("A consultation ranks at least two priorities.")
    elif not engagement.questions.exists() and not engagement.events.exists():
        reasons.append("Ask at least one question or hold at least one event.")
    return reasons


@transaction.atomic
def open_engagement(*, engagement: Engagement, actor: Actor) -> Engagement:
    """Publish it: providers see it and, for a consultation, the public link takes answers."""
    _council_editor(engagement, actor)
    if reasons := open_refusals(engagement):
        raise Conflict(" ".join(reasons))
    engagement.state = Engagement.State.OPEN
    engagement.opened_at = now()
    engagement.save(update_fields=["state", "opened_at"])
    return engagement


@transaction.atomic
def close_engagement(*, engagement: Engagement, actor: Actor) -> Engagement:
    _council_editor(engagement, actor)
    if engagement.state != Engagement.State.OPEN:
        raise Conflict("Only an open engagement closes.")
    engagement.state = Engagement.State.CLOSED
    engagement.closed_at = now()
    engagement.save(update_fields=["state", "closed_at"])
    return engagement


@transaction.atomic
def publish_summary(*, engagement: Engagement, actor: Actor, heard: str, did: str) -> Engagement:
    """ "What we heard and what we did": published once the engagement has closed, and told to
    every organisation that answered."""
    _council_editor(engagement, actor)
    if engagement.state == Engagement.State.OPEN and engagement.closes_on < today():
        close_engagement(engagement=engagement, actor=actor)
    if engagement.state not in (Engagement.State.CLOSED, Engagement.State.SUMMARISED):
        raise Conflict("Publish the summary once the engagement has closed.")
    errors: Errors = {}
    if not heard.strip():
        _add(errors, "heard", "Say what you heard.")
    if not did.strip():
        _add(errors, "did", "Say what you did with what you heard.")
    _refuse(errors)
    engagement.heard, engagement.did = heard.strip(), did.strip()
    engagement.state = Engagement.State.SUMMARISED
    engagement.summarised_at = now()
    engagement.save(update_fields=["heard", "did", "state", "summarised_at"])
    link = reverse("engagements:detail", args=[engagement.pk])
    organisations = {
        r.organisation
        for r in engagement.responses.select_related("organisation")
        if r.organisation
    }
    transaction.on_commit(
        lambda: [
            notifications.notify_members(
                NoticeKind.ENGAGEMENT_SUMMARY,
                org,
                title=f"{engagement.organisation.name} published what it heard in “{engagement.title}”.",
                link=link,
                key=f"engagement-summary:{engagement.pk}",
            )
            for org in organisations
        ]
    )
    return engagement


def public_url(engagement: Engagement) -> str | None:
    """The link anyone may answer a consultation by (while it is open)."""
    if not engagement.is_consultation or engagement.state != Engagement.State.OPEN:
        return None
    return absolute_reverse("engagements:answer", token=engagement.public_token)


# ------------------------------------------------------------------------------------ answers


@dataclass
class Answer:
    """One answer, as given by a page, the API or a test."""

    ranks: Mapping[int, int | None] = field(default_factory=dict)
    answers: Mapping[int, str] = field(default_factory=dict)
    comment: str = ""
    respondent: str = ""
    name: str = ""
    email: str = ""
    #: Names and emails are kept only with the person's say-so.
    contact_ok: bool = False
    easy_read: bool = False


def _answer_errors(
    engagement: Engagement, answer: Answer
) -> tuple[Errors, dict[str, str], dict[int, int]]:
    errors: Errors = {}
    questions = {q.pk: q for q in engagement.questions.all()}
    kept: dict[str, str] = {}
    for key in answer.answers:
        if key not in questions:
            _add(errors, f"answers.{key}", "This is not a question of the engagement.")
    for pk, question in questions.items():
        value = str(answer.answers.get(pk, "") or "").strip()
        name = f"answers.{pk}"
        if not value:
            if question.required:
                _add(errors, name, f"Answer “{question.text}”.")
            continue
        if question.kind == Question.Kind.CHOICE and value not in question.choices:
            _add(errors, name, f"Choose one of the answers to “{question.text}”.")
        elif len(value) > 5000:
            _add(errors, name, "Keep the answer to 5,000 characters or fewer.")
        kept[str(pk)] = value
    ranks: dict[int, int] = {}
    if engagement.is_consultation:
        allowed = set(engagement.priorities.values_list("pk", flat=True))
        for pk, rank in answer.ranks.items():
            if pk not in allowed:
                _add(errors, f"ranks.{pk}", "This is not one of the priorities being ranked.")
            elif rank is None or rank == "":
                continue
            elif (
                not isinstance(rank, int) or isinstance(rank, bool) or not 1 <= rank <= len(allowed)
            ):
                _add(
                    errors,
                    f"ranks.{pk}",
                    f"Give a rank from 1 to {len(allowed)}, or leave it unranked.",
                )
            else:
                ranks[pk] = rank
        bad_rank = any(key.startswith("ranks.") for key in errors)
        if not ranks and not bad_rank and not answer.comment.strip() and not kept:
            _add(errors, "ranks", "Rank at least one priority, or leave a comment.")
    elif answer.ranks:
        _add(errors, "ranks", "Only a consultation on priorities ranks them.")
    if len(answer.comment) > 5000:
        _add(errors, "comment", "Keep the comment to 5,000 characters or fewer.")
    if answer.respondent and answer.respondent not in Respondent.values:
        _add(errors, "respondent", "Choose who you are answering as, or leave it blank.")
    if answer.email and not answer.contact_ok:
        _add(errors, "contact_ok", "Tick the box to let us keep your email address, or remove it.")
    if answer.contact_ok and answer.email:
        try:
            Response(email=answer.email).clean_fields(
                exclude=[f.name for f in Response._meta.fields if f.name != "email"]
            )
        except ValidationError:
            _add(
                errors,
                "email",
                "Enter an email address in the correct format, like name@example.com.",
            )
    if len(answer.name) > 200:
        _add(errors, "name", "Keep your name to 200 characters or fewer.")
    return errors, kept, ranks


def _taking_part(
    actor: Actor, engagement: Engagement, organisation_id: int | None, what: str
) -> Organisation:
    """The organisation an actor answers or registers for: the one named, or its only one; an
    editor's, and never the council running the engagement."""
    if organisation_id is None:
        if len(actor.memberships) != 1:
            raise ValidationError(
                {"organisation_id": ["You belong to several organisations: say which one."]}
            )
        organisation_id = next(iter(actor.memberships))
    membership = actor.require(organisation_id, "editor")
    if membership.organisation_id == engagement.organisation_id:
        raise PermissionDenied(f"The council running the engagement does not {what}.")
    return membership.organisation


@transaction.atomic
def record_response(
    *,
    engagement: Engagement,
    actor: Actor | None,
    answer: Answer,
    organisation_id: int | None = None,
) -> Response:
    """A provider's answer (one per organisation: answering again replaces it while the
    engagement is open) or, with no actor, a member of the public's answer to a consultation.
    `organisation_id` says which organisation answers when the actor belongs to several."""
    if engagement.state != Engagement.State.OPEN or engagement.closes_on < today():
        raise Conflict("This engagement is not taking answers: it has closed or is not open yet.")
    organisation = None
    if actor is None:
        if not engagement.is_consultation:
            raise Http404("Only registered providers answer a market engagement.")
    else:
        organisation = _taking_part(actor, engagement, organisation_id, "answer it")
    errors, kept, ranks = _answer_errors(engagement, answer)
    _refuse(errors)
    keep_contact = answer.contact_ok and actor is None
    values = {
        "respondent": "provider" if organisation is not None else answer.respondent,
        "name": answer.name.strip() if keep_contact else "",
        "email": answer.email.strip() if keep_contact else "",
        "comment": answer.comment.strip(),
        "answers": kept,
        "easy_read": answer.easy_read,
        "updated_at": now(),
    }
    if organisation is not None:
        response, created = Response.objects.select_for_update().get_or_create(
            engagement=engagement,
            organisation=organisation,
            defaults={**values, "submitted_by": actor.user},
        )
        if not created:
            for name, value in values.items():
                setattr(response, name, value)
            response.submitted_by = actor.user
            response.save()
            response.ranks.all().delete()
    else:
        response = Response.objects.create(engagement=engagement, **values)
    Rank.objects.bulk_create(
        Rank(response=response, priority_id=pk, rank=r) for pk, r in ranks.items()
    )
    return response


def public_answer_allowed(engagement: Engagement, ip: str | None) -> bool:
    key = f"engagements:public:{engagement.pk}:{ip or 'unknown'}"
    cache.add(key, 0, PUBLIC_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, PUBLIC_WINDOW_SECONDS)
        count = 1
    return count <= PUBLIC_ANSWERS_PER_WINDOW


def responses_for(engagement: Engagement, actor: Actor):
    """The council reads every answer; a provider reads its own."""
    if actor.membership_for(engagement.organisation_id) is not None:
        return engagement.responses.select_related("organisation").prefetch_related("ranks")
    return engagement.responses.filter(organisation_id__in=actor.organisation_ids).prefetch_related(
        "ranks"
    )


@transaction.atomic
def register_for_event(
    *, event: Event, actor: Actor, attendees: int = 1, organisation_id: int | None = None
) -> EventRegistration:
    """A provider's places at an event, within its capacity; registering again changes them."""
    engagement = event.engagement
    if engagement.state != Engagement.State.OPEN:
        raise Conflict("Registration opens with the engagement and ends when it closes.")
    if event.starts_at < now():
        raise Conflict("This event has already started.")
    organisation = _taking_part(actor, engagement, organisation_id, "register for its events")
    if not 1 <= attendees <= 20:
        raise ValidationError({"attendees": ["Register from 1 to 20 people."]})
    event = Event.objects.select_for_update().get(pk=event.pk)
    taken = sum(
        event.registrations.exclude(organisation=organisation).values_list("attendees", flat=True)
    )
    if event.capacity is not None and taken + attendees > event.capacity:
        left = max(0, event.capacity - taken)
        raise ValidationError(
            {"attendees": [f"Only {left} place{'s' if left != 1 else ''} left at this event."]}
        )
    registration, _ = EventRegistration.objects.update_or_create(
        event=event,
        organisation=organisation,
        defaults={"attendees": attendees, "registered_by": actor.user},
    )
    return registration


@transaction.atomic
def cancel_registration(*, event: Event, actor: Actor) -> None:
    registration = EventRegistration.objects.filter(
        event=event, organisation_id__in=actor.organisation_ids
    ).first()
    if registration is None:
        raise Http404("You are not registered for this event.")
    actor.require(registration.organisation_id, "editor")
    registration.delete()


def places_taken(event: Event) -> int:
    return sum(event.registrations.values_list("attendees", flat=True))


# ------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class Group:
    label: str
    responses: int
    suppressed: bool
    standings: list[borda.Standing]


@dataclass(frozen=True)
class ChoiceTally:
    question: Question
    counts: list[tuple[str, int]]
    answered: int
    suppressed: bool


@dataclass(frozen=True)
class Results:
    engagement: Engagement
    responses: int
    count: borda.Count | None
    priorities: dict[int, Priority]
    groups: list[Group]
    tallies: list[ChoiceTally]
    comments: list[Response]
    rule: str = borda.RULE
    small_group: int = SMALL_GROUP


def _rank_matrix(
    engagement: Engagement, priority_ids: list[int], response_ids: list[int]
) -> np.ndarray:
    """(responses × priorities) ranks, NaN where unranked, from one query."""
    matrix = np.full((len(response_ids), len(priority_ids)), np.nan)
    row = {pk: i for i, pk in enumerate(response_ids)}
    col = {pk: j for j, pk in enumerate(priority_ids)}
    for response_id, priority_id, rank in Rank.objects.filter(
        response__engagement=engagement
    ).values_list("response_id", "priority_id", "rank"):
        if response_id in row and priority_id in col:
            matrix[row[response_id], col[priority_id]] = rank
    return matrix


def results(engagement: Engagement, actor: Actor) -> Results:
    """Aggregated ranks (Borda count, the rule stated), counts by who answered (groups below
    `SMALL_GROUP` suppressed), tallies of choice questions, and the comments. The council's own."""
    require_role(actor, engagement, "viewer")
    responses = list(
        engagement.responses.order_by("created_at", "id").values("id", "respondent", "answers")
    )
    ids = [r["id"] for r in responses]
    priorities = {p.pk: p for p in engagement.priorities.order_by("rank", "id")}
    count = None
    groups: list[Group] = []
    if engagement.is_consultation and priorities:
        order = list(priorities)
        matrix = _rank_matrix(engagement, order, ids)
        count = borda.count_matrix(order, matrix)
        by_group: dict[str, list[int]] = {}
        for i, r in enumerate(responses):
            by_group.setdefault(r["respondent"] or "", []).append(i)
        labels = dict(Respondent.choices) | {"": "Did not say"}
        for key, label in labels.items():
            rows = by_group.get(key, [])
            if not rows:
                continue
            small = len(rows) < SMALL_GROUP
            standings = [] if small else borda.count_matrix(order, matrix[rows]).standings
            groups.append(Group(label, len(rows), small, standings))
    tallies = []
    for question in engagement.questions.filter(kind=Question.Kind.CHOICE):
        given = Counter(r["answers"].get(str(question.pk)) for r in responses)
        answered = sum(n for value, n in given.items() if value)
        small = 0 < answered < SMALL_GROUP and not _is_market(engagement)
        tallies.append(
            ChoiceTally(question, [(c, given.get(c, 0)) for c in question.choices], answered, small)
        )
    comments = list(
        engagement.responses.exclude(comment="")
        .select_related("organisation")
        .order_by("created_at", "id")
    )
    return Results(engagement, len(responses), count, priorities, groups, tallies, comments)


def _is_market(engagement: Engagement) -> bool:
    # Providers answer a market engagement under their own names: there is no one to protect
    # by hiding a small count of them.
    return engagement.kind == Engagement.Kind.MARKET


def evidence_line(engagement: Engagement, result: Results, priority: Priority) -> str:
    """The line a priority's evidence gains from the consultation."""
    standing = (
        next(s for s in result.count.standings if s.item == priority.pk) if result.count else None
    )
    closed = (engagement.closed_at or now()).date()
    where = (
        f": ranked {standing.position_label} of {len(result.priorities)} ({standing.points:g} Borda points)"
        if standing
        else ""
    )
    answers = f"{result.responses} response{'' if result.responses == 1 else 's'}"
    return f"Consultation “{engagement.title}”, {answers}, {closed:%-d %B %Y}{where}."


@transaction.atomic
def carry_into_charter(*, engagement: Engagement, actor: Actor) -> list[Priority]:
    """Each ranked priority's evidence gains the consultation's line ("consultation, N
    responses, date"); the charter takes a new version saying so."""
    _council_editor(engagement, actor)
    if not engagement.is_consultation:
        raise Conflict("Only a consultation on priorities is carried into the charter.")
    if engagement.state not in (Engagement.State.CLOSED, Engagement.State.SUMMARISED):
        raise Conflict("Close the consultation before carrying its result into the charter.")
    if engagement.carried_at is not None:
        raise Conflict("This consultation's result is already in the charter.")
    result = results(engagement, actor)
    if result.responses == 0:
        raise Conflict("Nobody answered this consultation: there is no result to carry.")
    changed = []
    for priority in result.priorities.values():
        line = evidence_line(engagement, result, priority)
        priority.evidence = f"{priority.evidence}\n{line}".strip() if priority.evidence else line
        priority.save(update_fields=["evidence"])
        changed.append(priority)
    engagement.carried_at = now()
    engagement.save(update_fields=["carried_at"])
    charter = commissioning.charter_for(engagement.organisation)
    commissioning.record_charter_version(
        charter, actor.user, f"Evidence from the consultation “{engagement.title}”"
    )
    return changed


@transaction.atomic
def link_outcome(
    *,
    response: Response,
    actor: Actor,
    outcome: RequestedOutcome | None = None,
    procurement: Procurement | None = None,
    title: str = "",
) -> OutcomeOrigin:
    """Say that an outcome the council asks for came from this answer: an outcome already asked
    for, or a new one added to a draft procurement of the council with `title`."""
    engagement = response.engagement
    _council_editor(engagement, actor)
    if outcome is None:
        if procurement is None:
            raise ValidationError({"procurement_id": ["Choose the draft procurement to ask in."]})
        if procurement.organisation_id != engagement.organisation_id:
            raise Http404("No procurement found.")
        outcome = commissioning.add_outcome(procurement=procurement, actor=actor, title=title)
    else:
        if outcome.procurement.organisation_id != engagement.organisation_id:
            raise Http404("No outcome found.")
        # A published notice's outcomes are what bidders answer: their story is fixed with them.
        commissioning.require_draft(outcome.procurement)
    origin, _ = OutcomeOrigin.objects.update_or_create(
        outcome=outcome,
        defaults={"response": response, "linked_by": actor.user, "linked_at": now()},
    )
    return origin


def origins_of(procurement: Procurement) -> dict[int | None, str]:
    """By outcome id: where it came from, in words a bidder reads on the notice; under None,
    the pipeline item the procurement came from."""
    notes: dict[int | None, str] = {}
    item = PipelineItem.objects.filter(procurement=procurement).first()
    if item is not None:
        listed = item.published_at or item.created_at
        notes[None] = f"Listed in the pipeline as “{item.title}” on {listed:%-d %B %Y}."
    origins = OutcomeOrigin.objects.filter(outcome__procurement=procurement).select_related(
        "response__engagement", "response__organisation"
    )
    for origin in origins:
        engagement = origin.response.engagement
        kind = "market engagement" if engagement.kind == Engagement.Kind.MARKET else "consultation"
        notes[origin.outcome_id] = f"This outcome came from {kind}: “{engagement.title}”."
    for proposal in Proposal.objects.filter(
        outcome__procurement=procurement, state="accepted"
    ).select_related("organisation"):
        notes.setdefault(
            proposal.outcome_id,
            f"This outcome came from a proposal by {proposal.organisation.name}.",
        )
    return notes


# ---------------------------------------------------------------------------------- proposals


@transaction.atomic
def send_proposal(
    *,
    actor: Actor,
    organisation: Any,
    council: Any,
    title: str,
    priorities: str,
    reason: str,
    evidence: str = "",
    evidence_url: str = "",
    measures: Sequence[Any] = (),
) -> Proposal:
    """A provider offers a council priorities or outcomes, with measures, its reason and local
    evidence; the council's editors are told."""
    actor.require(organisation.id, "editor")
    if organisation.is_commissioner:
        raise PermissionDenied("Providers send proposals to councils.")
    proposal = Proposal(
        organisation=organisation,
        council=council,
        title=title,
        priorities=priorities,
        reason=reason,
        evidence=evidence,
        evidence_url=evidence_url,
        created_by=actor.user,
    )
    errors = _model_errors(proposal, exclude=["organisation", "council", "created_by", "measures"])
    if council is None or not council.is_commissioner or council.status != "active":
        _add(errors, "council_id", "Choose a council to send the proposal to.")
    shared = Measure.objects.filter(value_set__organisation__isnull=True)
    if len(measures) != shared.filter(pk__in=[m.pk for m in measures]).count():
        # The council must be able to read them: built-in or site-wide sets, not one's own import.
        _add(errors, "measure_ids", "Choose measures from the built-in or site-wide sets.")
    _refuse(errors)
    proposal.save()
    proposal.measures.set(measures)
    link = reverse("engagements:proposal", args=[proposal.pk])
    transaction.on_commit(
        lambda: notifications.notify_members(
            NoticeKind.PROPOSAL_RECEIVED,
            council,
            title=f"{organisation.name} proposes: {title}",
            link=link,
            key=f"proposal:{proposal.pk}",
        )
    )
    return proposal


DECISIONS = ("accepted", "declined", "parked")


@transaction.atomic
def decide_proposal(
    *,
    proposal: Proposal,
    actor: Actor,
    decision: str,
    reason: str = "",
    procurement: Procurement | None = None,
) -> Proposal:
    """The council accepts (as a new priority at the foot of its charter, or as an outcome asked
    for by one of its draft procurements), declines with a reason, or parks the proposal. The
    provider is told."""
    actor.require(proposal.council_id, "editor")
    if proposal.state in ("accepted", "declined"):
        raise Conflict(f"This proposal is already {proposal.get_state_display().lower()}.")
    errors: Errors = {}
    if decision not in DECISIONS:
        _add(errors, "decision", "Choose to accept, decline or park the proposal.")
    if decision == "declined" and not reason.strip():
        _add(errors, "reason", "Say why the proposal is declined: the provider is told.")
    if procurement is not None and procurement.organisation_id != proposal.council_id:
        raise Http404("No procurement found.")
    _refuse(errors)
    if decision == "accepted":
        if procurement is not None:
            proposal.outcome = commissioning.add_outcome(
                procurement=procurement, actor=actor, title=proposal.title[:300]
            )
        else:
            charter = commissioning.charter_for(proposal.council)
            last = charter.priorities.filter(active=True).count()
            evidence = f"Proposed by {proposal.organisation.name}: {proposal.reason}"
            if proposal.evidence:
                evidence += f"\n{proposal.evidence}"
            proposal.priority = commissioning.save_priority(
                organisation=proposal.council,
                actor=actor,
                rank=last + 1,
                title=proposal.title[:200],
                description=proposal.priorities,
                evidence=evidence,
                evidence_url=proposal.evidence_url,
                measures=list(proposal.measures.all()),
            )
    proposal.state = decision
    proposal.decision_reason = reason.strip()
    proposal.decided_by = actor.user
    proposal.decided_at = now()
    proposal.save()
    link = reverse("engagements:proposal", args=[proposal.pk])
    words = dict(Proposal.State.choices)[decision].lower()
    transaction.on_commit(
        lambda: notifications.notify_members(
            NoticeKind.PROPOSAL_DECIDED,
            proposal.organisation,
            title=f"{proposal.council.name} {words} your proposal “{proposal.title}”.",
            link=link,
            key=f"proposal-decided:{proposal.pk}:{decision}",
        )
    )
    return proposal


def councils() -> Any:
    """The councils a provider may propose to."""
    return Organisation.objects.filter(
        kind=Organisation.Kind.COMMISSIONER, status=Organisation.Status.ACTIVE
    ).order_by("name")
