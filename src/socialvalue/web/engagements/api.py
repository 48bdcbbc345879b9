"""API routes for early engagement: a council's pipeline, its market engagements and
consultations on priorities (questions, events, answers, results) and providers' proposals.

Every object is fetched through tenancy: a draft engagement, a draft pipeline item, a proposal or
an answer that is not the caller's is a 404. Results and every answer are the council's alone: a
provider that sees an open engagement still gets 404 for its results, so the route confirms
nothing of what was said. Public (no-sign-in) answers to a consultation go through its link,
never through the API.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator

from socialvalue.web.accounts.models import Organisation
from socialvalue.web.api.schemas import Id, Pages, answers
from socialvalue.web.commissioning.models import Priority, Procurement, RequestedOutcome
from socialvalue.web.errors import Conflict
from socialvalue.web.measures.models import Measure
from socialvalue.web.tenancy import Actor, get_visible_or_404, organisation_to_act_for, visible

from . import services
from .models import Engagement, Event, OutcomeOrigin, PipelineItem, Proposal, Response

router = Router(tags=["engagements"])

KINDS = Literal["market_engagement", "priorities_consultation"]
STATES = Literal["draft", "open", "closed", "summarised"]
PIPELINE_STATES = Literal["draft", "published", "procuring", "withdrawn"]
PROPOSAL_STATES = Literal["sent", "accepted", "declined", "parked"]
Money = Field(None, ge=0, le=10**12)
ACTING_FOR = (
    "The organisation you answer for; needed when you belong to more than one organisation."
)


def _aware(value: dt.datetime) -> dt.datetime:
    """A time without an offset is read in the service's own time zone; years far from now are
    refused rather than overflowing the database."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not 1900 <= value.year <= 2200:
        raise ValueError("Give a date and time between the years 1900 and 2200.")
    return value


When = Annotated[dt.datetime, AfterValidator(_aware)]


def _acting_for(actor: Actor, organisation_id: int | None, council: bool) -> Organisation:
    """The organisation a new item is made in: the one named or, left out, the actor's only
    council (for the pipeline and engagements) or only provider (for a proposal), as the charter
    does; naming one the actor is not in is a 404."""
    if organisation_id is None:
        kinds = [
            m.organisation_id
            for m in actor.memberships.values()
            if m.organisation.is_commissioner == council
        ]
        if len(kinds) == 1:
            organisation_id = kinds[0]
    return organisation_to_act_for(actor, organisation_id)


def _priorities(organisation_id: int, ids: list[int] | None, place: str) -> list[Priority] | None:
    """The council's priorities named by id (the domain decides whether each may be used)."""
    if ids is None:
        return None
    found = {p.pk: p for p in Priority.objects.filter(organisation_id=organisation_id, pk__in=ids)}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise ValidationError({place: [f"No priority {i} in your charter." for i in unknown]})
    if len(set(ids)) != len(ids):
        raise ValidationError({place: ["Name each priority once."]})
    return [found[i] for i in ids]


def _own_procurement(organisation_id: int, procurement_id: int | None, place: str):
    if procurement_id is None:
        return None
    procurement = Procurement.objects.filter(pk=procurement_id, organisation_id=organisation_id)
    if not procurement.exists():
        raise ValidationError({place: [f"No procurement {procurement_id} of yours."]})
    return procurement.get()


# ------------------------------------------------------------------------------------ pipeline


class PipelineItemIn(Schema):
    organisation_id: Id | None = Field(
        None, description="The council; needed when you belong to more than one council."
    )
    title: str = Field(..., max_length=300)
    description: str = ""
    category: str = Field("", max_length=100)
    estimated_value: Decimal | None = Money
    expected_publication: dt.date | None = None
    expected_contract_start: dt.date | None = None
    priority_ids: list[Id] = Field(
        default_factory=list, description="Priorities of your charter the procurement serves."
    )


class PipelineItemPatch(Schema):
    title: str | None = Field(None, max_length=300)
    description: str | None = None
    category: str | None = Field(None, max_length=100)
    estimated_value: Decimal | None = Money
    expected_publication: dt.date | None = None
    expected_contract_start: dt.date | None = None
    priority_ids: list[Id] | None = None


class PipelineItemOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    title: str
    description: str
    category: str
    estimated_value: Decimal | None
    expected_publication: dt.date | None
    expected_contract_start: dt.date | None
    priority_ids: list[int]
    state: PIPELINE_STATES
    procurement_id: int | None = Field(
        ..., description="The draft procurement the item became (its state is then 'procuring')."
    )
    created_at: dt.datetime
    published_at: dt.datetime | None

    @staticmethod
    def resolve_organisation_name(obj: PipelineItem) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_priority_ids(obj: PipelineItem) -> list[int]:
        return [p.pk for p in obj.priorities.all()]


def _pipeline_item(request: HttpRequest, item_id: int) -> PipelineItem:
    return get_visible_or_404(PipelineItem, request.actor, pk=item_id)


@router.get("/pipeline", response=answers(list[PipelineItemOut]), summary="Pipeline items")
@paginate(Pages)
def list_pipeline(request: HttpRequest, state: PIPELINE_STATES | None = None):
    """Your councils' pipeline items, drafts included, and every council's published ones."""
    items = visible(PipelineItem, request.actor).select_related("organisation")
    if state:
        items = items.filter(state=state)
    return items.prefetch_related("priorities")


@router.post(
    "/pipeline",
    response=answers(PipelineItemOut, 403, 404, status=201),
    summary="List an upcoming procurement",
)
def create_pipeline_item(request: HttpRequest, payload: PipelineItemIn):
    """A draft item, seen by the council alone until it is published. 400 names the field."""
    organisation = _acting_for(request.actor, payload.organisation_id, council=True)
    fields = payload.dict(exclude={"organisation_id", "priority_ids"})
    item = services.save_pipeline_item(
        actor=request.actor,
        organisation=organisation,
        priorities=_priorities(organisation.id, payload.priority_ids, "priority_ids"),
        **fields,
    )
    return Status(201, item)


@router.get(
    "/pipeline/{item_id}", response=answers(PipelineItemOut, 404), summary="A pipeline item"
)
def get_pipeline_item(request: HttpRequest, item_id: Id):
    return _pipeline_item(request, item_id)


@router.patch(
    "/pipeline/{item_id}",
    response=answers(PipelineItemOut, 403, 404, 409),
    summary="Change a pipeline item",
)
def update_pipeline_item(request: HttpRequest, item_id: Id, payload: PipelineItemPatch):
    """Only the fields sent change; an item that is now a procurement, or withdrawn, is 409."""
    item = _pipeline_item(request, item_id)
    fields = payload.dict(exclude_unset=True, exclude={"priority_ids"})
    return services.save_pipeline_item(
        actor=request.actor,
        item=item,
        priorities=_priorities(item.organisation_id, payload.priority_ids, "priority_ids"),
        **fields,
    )


@router.post(
    "/pipeline/{item_id}/publish",
    response=answers(PipelineItemOut, 403, 404, 409),
    summary="Publish a pipeline item",
)
def publish_pipeline_item(request: HttpRequest, item_id: Id):
    """Every signed-in organisation, and the council's public pipeline page, see it from now on."""
    item = _pipeline_item(request, item_id)
    return services.publish_pipeline_item(item=item, actor=request.actor)


@router.post(
    "/pipeline/{item_id}/withdraw",
    response=answers(PipelineItemOut, 403, 404, 409),
    summary="Withdraw a pipeline item",
)
def withdraw_pipeline_item(request: HttpRequest, item_id: Id):
    item = _pipeline_item(request, item_id)
    return services.withdraw_pipeline_item(item=item, actor=request.actor)


@router.post(
    "/pipeline/{item_id}/procurement",
    response=answers(PipelineItemOut, 403, 404, 409, status=201),
    summary="Make the item a draft procurement",
)
def procure(request: HttpRequest, item_id: Id):
    """A draft procurement with the item's title, description, category, value and start; the
    item answers with its `procurement_id` and keeps its history and engagements."""
    item = _pipeline_item(request, item_id)
    services.procure(item=item, actor=request.actor)
    return Status(201, item)


# --------------------------------------------------------------------------------- engagements


class EngagementQuestionIn(Schema):
    text: str = Field(..., max_length=500)
    kind: Literal["text", "choice"] = "text"
    choices: list[str] = Field(
        default_factory=list, description="For a 'choice' question: 2 to 20 choices."
    )
    required: bool = False


class EngagementQuestionOut(Schema):
    id: int
    text: str
    kind: Literal["text", "choice"]
    choices: list[str]
    required: bool


class EngagementEventIn(Schema):
    title: str = Field(..., max_length=200)
    starts_at: When
    ends_at: When | None = None
    mode: Literal["in_person", "online"]
    place: str = Field("", max_length=300, description="Where it is held, for 'in_person'.")
    link: str = Field("", max_length=200, description="The joining link, for 'online'.")
    capacity: int | None = Field(None, ge=1, le=1_000_000, description="Places; none: no limit.")


class EngagementEventOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    mode: Literal["in_person", "online"]
    place: str
    link: str
    capacity: int | None
    places_taken: int

    @staticmethod
    def resolve_places_taken(obj: Event) -> int:
        return sum(r.attendees for r in obj.registrations.all())


class EngagementIn(Schema):
    organisation_id: Id | None = Field(
        None, description="The council; needed when you belong to more than one council."
    )
    kind: KINDS
    title: str = Field(..., max_length=300)
    purpose: str = Field(
        ..., description="What the engagement is for and what will be done with it."
    )
    closes_on: dt.date
    pipeline_item_id: Id | None = None
    procurement_id: Id | None = Field(None, description="A draft procurement of yours.")
    priority_ids: list[Id] | None = Field(
        None,
        description="A consultation's priorities to rank; all current ones of your charter if left out.",
    )
    questions: list[EngagementQuestionIn] = Field(default_factory=list)
    events: list[EngagementEventIn] = Field(
        default_factory=list, description="A market engagement's events."
    )


class EngagementPatch(Schema):
    title: str | None = Field(None, max_length=300)
    purpose: str | None = None
    closes_on: dt.date | None = None
    priority_ids: list[Id] | None = None


class EngagementOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    kind: KINDS
    state: STATES
    title: str
    purpose: str
    closes_on: dt.date
    pipeline_item_id: int | None
    procurement_id: int | None
    priority_ids: list[int]
    questions: list[EngagementQuestionOut]
    events: list[EngagementEventOut]
    public_url: str | None = Field(
        ..., description="The link anyone may answer an open consultation by, without signing in."
    )
    heard: str = Field(..., description="What we heard (the published summary).")
    did: str = Field(..., description="What we did with it.")
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    summarised_at: dt.datetime | None
    carried_at: dt.datetime | None = Field(
        ..., description="When a consultation's result went into the charter as evidence."
    )
    created_at: dt.datetime

    @staticmethod
    def resolve_organisation_name(obj: Engagement) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_priority_ids(obj: Engagement) -> list[int]:
        return [p.pk for p in sorted(obj.priorities.all(), key=lambda p: (p.rank, p.pk))]

    @staticmethod
    def resolve_questions(obj: Engagement) -> list:
        return list(obj.questions.all())

    @staticmethod
    def resolve_events(obj: Engagement) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_public_url(obj: Engagement) -> str | None:
        return services.public_url(obj)


def _engagements(actor: Actor):
    return (
        visible(Engagement, actor)
        .select_related("organisation")
        .prefetch_related("priorities", "questions", "events__registrations")
    )


def _engagement(request: HttpRequest, engagement_id: int) -> Engagement:
    return get_visible_or_404(Engagement, request.actor, pk=engagement_id)


def _fresh(engagement: Engagement) -> Engagement:
    """The engagement read again with everything its answer shows."""
    return (
        Engagement.objects.select_related("organisation")
        .prefetch_related("priorities", "questions", "events__registrations")
        .get(pk=engagement.pk)
    )


def _question_spec(question: EngagementQuestionIn) -> services.QuestionSpec:
    return services.QuestionSpec(
        text=question.text,
        kind=question.kind,
        choices=tuple(question.choices),
        required=question.required,
    )


def _event_spec(event: EngagementEventIn) -> services.EventSpec:
    return services.EventSpec(
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        mode=event.mode,
        place=event.place,
        link=event.link,
        capacity=event.capacity,
    )


@router.get("/engagements", response=answers(list[EngagementOut]), summary="Engagements")
@paginate(Pages)
def list_engagements(request: HttpRequest, kind: KINDS | None = None, state: STATES | None = None):
    """Your councils' engagements, drafts included, and every council's from opening on."""
    engagements = _engagements(request.actor)
    if kind:
        engagements = engagements.filter(kind=kind)
    if state:
        engagements = engagements.filter(state=state)
    return engagements


@router.post(
    "/engagements",
    response=answers(EngagementOut, 403, 404, status=201),
    summary="Draft a market engagement or a consultation",
)
def create_engagement(request: HttpRequest, payload: EngagementIn):
    """A draft: a market engagement (questions and events, about a pipeline item or a draft
    procurement) or a consultation on priorities (anyone ranks the charter's priorities). 400
    names the field, e.g. `closes_on`, `priority_ids`, `questions[0].choices`, `events[1].place`."""
    organisation = _acting_for(request.actor, payload.organisation_id, council=True)
    pipeline_item = None
    if payload.pipeline_item_id is not None:
        pipeline_item = PipelineItem.objects.filter(
            pk=payload.pipeline_item_id, organisation=organisation
        ).first()
        if pipeline_item is None:
            raise ValidationError(
                {"pipeline_item_id": [f"No pipeline item {payload.pipeline_item_id} of yours."]}
            )
    engagement = services.create_engagement(
        actor=request.actor,
        organisation=organisation,
        kind=payload.kind,
        title=payload.title,
        purpose=payload.purpose,
        closes_on=payload.closes_on,
        pipeline_item=pipeline_item,
        procurement=_own_procurement(organisation.id, payload.procurement_id, "procurement_id"),
        priorities=_priorities(organisation.id, payload.priority_ids, "priority_ids"),
        questions=[_question_spec(q) for q in payload.questions],
        events=[_event_spec(e) for e in payload.events],
    )
    return Status(201, _fresh(engagement))


@router.get(
    "/engagements/{engagement_id}", response=answers(EngagementOut, 404), summary="An engagement"
)
def get_engagement(request: HttpRequest, engagement_id: Id):
    return _fresh(_engagement(request, engagement_id))


@router.patch(
    "/engagements/{engagement_id}",
    response=answers(EngagementOut, 403, 404, 409),
    summary="Change an engagement",
)
def update_engagement(request: HttpRequest, engagement_id: Id, payload: EngagementPatch):
    """A draft's title, purpose, closing date and priorities; once open, only the closing date
    (409 for the rest)."""
    engagement = _engagement(request, engagement_id)
    fields = payload.dict(exclude_unset=True, exclude={"priority_ids"})
    services.update_engagement(
        engagement=engagement,
        actor=request.actor,
        priorities=_priorities(engagement.organisation_id, payload.priority_ids, "priority_ids"),
        **fields,
    )
    return _fresh(engagement)


class EngagementRefusalOut(Schema):
    detail: str
    reasons: list[str] = Field(
        default_factory=list, description="Every reason the step is refused, one a sentence."
    )


@router.post(
    "/engagements/{engagement_id}/open",
    response={**answers(EngagementOut, 403, 404), 409: EngagementRefusalOut},
    summary="Open an engagement",
)
def open_engagement(request: HttpRequest, engagement_id: Id):
    """Providers see it from now on and a consultation's `public_url` takes answers. 409 lists
    every reason it cannot open yet in `reasons`."""
    engagement = _engagement(request, engagement_id)
    try:
        services.open_engagement(engagement=engagement, actor=request.actor)
    except Conflict as refusal:
        reasons = services.open_refusals(engagement) or [refusal.message]
        return Status(409, {"detail": refusal.message, "reasons": reasons})
    return _fresh(engagement)


@router.post(
    "/engagements/{engagement_id}/close",
    response={**answers(EngagementOut, 403, 404), 409: EngagementRefusalOut},
    summary="Close an engagement",
)
def close_engagement(request: HttpRequest, engagement_id: Id):
    engagement = _engagement(request, engagement_id)
    try:
        services.close_engagement(engagement=engagement, actor=request.actor)
    except Conflict as refusal:
        return Status(409, {"detail": refusal.message, "reasons": [refusal.message]})
    return _fresh(engagement)


class EngagementSummaryIn(Schema):
    heard: str = Field(..., description="What we heard.")
    did: str = Field(..., description="What we did with what we heard.")


@router.post(
    "/engagements/{engagement_id}/summary",
    response=answers(EngagementOut, 403, 404, 409),
    summary="Publish what we heard and what we did",
)
def publish_summary(request: HttpRequest, engagement_id: Id, payload: EngagementSummaryIn):
    """Once the engagement has closed (an open one past its closing date is closed first);
    every organisation that answered is told."""
    engagement = _engagement(request, engagement_id)
    services.publish_summary(
        engagement=engagement, actor=request.actor, heard=payload.heard, did=payload.did
    )
    return _fresh(engagement)


@router.post(
    "/engagements/{engagement_id}/questions",
    response=answers(EngagementQuestionOut, 403, 404, 409, status=201),
    summary="Add a question",
)
def add_question(request: HttpRequest, engagement_id: Id, payload: EngagementQuestionIn):
    """While the engagement is a draft (409 once open)."""
    engagement = _engagement(request, engagement_id)
    question = services.add_question(
        engagement=engagement, actor=request.actor, spec=_question_spec(payload)
    )
    return Status(201, question)


@router.post(
    "/engagements/{engagement_id}/events",
    response=answers(EngagementEventOut, 403, 404, 409, status=201),
    summary="Add an event",
)
def add_event(request: HttpRequest, engagement_id: Id, payload: EngagementEventIn):
    """A market engagement's event, while it is a draft or open. A time without an offset is
    read in the service's time zone."""
    engagement = _engagement(request, engagement_id)
    event = services.add_event(
        engagement=engagement, actor=request.actor, spec=_event_spec(payload)
    )
    return Status(201, Event.objects.prefetch_related("registrations").get(pk=event.pk))


class EventRegistrationIn(Schema):
    organisation_id: Id | None = Field(None, description=ACTING_FOR)
    attendees: int = Field(1, description="People coming, 1 to 20; registering again changes it.")


class EventRegistrationOut(Schema):
    event_id: int
    organisation_id: int
    attendees: int
    capacity: int | None
    places_taken: int


@router.post(
    "/engagements/{engagement_id}/events/{event_id}/registrations",
    response=answers(EventRegistrationOut, 403, 404, 409, status=201),
    summary="Register for an event",
)
def register_for_event(
    request: HttpRequest, engagement_id: Id, event_id: Id, payload: EventRegistrationIn
):
    """A provider's places at an event of an open engagement, within its capacity (400 on
    `attendees` when too few places are left)."""
    engagement = _engagement(request, engagement_id)
    event = engagement.events.filter(pk=event_id).first()
    if event is None:
        raise Http404("No event found.")
    registration = services.register_for_event(
        event=event,
        actor=request.actor,
        attendees=payload.attendees,
        organisation_id=payload.organisation_id,
    )
    return Status(
        201,
        {
            "event_id": event.pk,
            "organisation_id": registration.organisation_id,
            "attendees": registration.attendees,
            "capacity": event.capacity,
            "places_taken": services.places_taken(event),
        },
    )


class ConsultationCarriedPriorityOut(Schema):
    id: int
    rank: int
    title: str
    evidence: str


class ConsultationCarriedOut(Schema):
    engagement_id: int
    carried_at: dt.datetime
    priorities: list[ConsultationCarriedPriorityOut]


@router.post(
    "/engagements/{engagement_id}/carry",
    response=answers(ConsultationCarriedOut, 403, 404, 409),
    summary="Carry a consultation's result into the charter",
)
def carry_into_charter(request: HttpRequest, engagement_id: Id):
    """Each ranked priority's evidence gains the consultation's line (responses, date, place and
    Borda points); the charter takes a new version. A closed consultation, once."""
    engagement = _engagement(request, engagement_id)
    priorities = services.carry_into_charter(engagement=engagement, actor=request.actor)
    return {
        "engagement_id": engagement.pk,
        "carried_at": engagement.carried_at,
        "priorities": priorities,
    }


# ---------------------------------------------------------------------------------- answers


class ConsultationRankIn(Schema):
    priority_id: Id
    rank: int | None = Field(
        ..., description="1 = most important; null (or left out of the list): unranked."
    )


class EngagementAnswerIn(Schema):
    question_id: Id
    answer: str = Field(..., description="Free text, or one of a 'choice' question's choices.")


class EngagementResponseIn(Schema):
    organisation_id: Id | None = Field(None, description=ACTING_FOR)
    ranks: list[ConsultationRankIn] = Field(
        default_factory=list, description="A consultation's priorities, ranked; partial is fine."
    )
    answers: list[EngagementAnswerIn] = Field(default_factory=list)
    comment: str = ""


class ConsultationRankOut(Schema):
    priority_id: int
    rank: int


class EngagementAnswerOut(Schema):
    question_id: int
    answer: str


class EngagementResponseOut(Schema):
    id: int
    engagement_id: int
    organisation_id: int | None = Field(..., description="The provider; none for the public.")
    organisation_name: str | None
    respondent: str = Field(..., description="Who is answering, as they said ('provider' for one).")
    name: str = Field(
        ..., description="A member of the public's, only when they chose to leave it."
    )
    email: str
    comment: str
    ranks: list[ConsultationRankOut]
    answers: list[EngagementAnswerOut]
    easy_read: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_organisation_name(obj: Response) -> str | None:
        return obj.organisation.name if obj.organisation_id else None

    @staticmethod
    def resolve_ranks(obj: Response) -> list[dict[str, int]]:
        ranks = sorted(obj.ranks.all(), key=lambda r: (r.rank, r.priority_id))
        return [{"priority_id": r.priority_id, "rank": r.rank} for r in ranks]

    @staticmethod
    def resolve_answers(obj: Response) -> list[dict[str, Any]]:
        return [
            {"question_id": int(k), "answer": v}
            for k, v in sorted(obj.answers.items(), key=lambda kv: int(kv[0]))
        ]


def _once(ids: list[int], place: str, message: str) -> None:
    seen: set[int] = set()
    for index, pk in enumerate(ids):
        if pk in seen:
            raise ValidationError({f"{place}[{index}]": [message]})
        seen.add(pk)


@router.get(
    "/engagements/{engagement_id}/responses",
    response=answers(list[EngagementResponseOut], 404),
    summary="Answers to an engagement",
)
@paginate(Pages)
def list_responses(request: HttpRequest, engagement_id: Id):
    """The council reads every answer; a provider reads its own."""
    engagement = _engagement(request, engagement_id)
    return services.responses_for(engagement, request.actor).select_related("organisation")


@router.post(
    "/engagements/{engagement_id}/responses",
    response=answers(EngagementResponseOut, 403, 404, 409, status=201),
    summary="Answer an engagement as a provider",
)
def create_response(request: HttpRequest, engagement_id: Id, payload: EngagementResponseIn):
    """One answer per organisation: answering again replaces it while the engagement is open.
    400 names `ranks.<priority_id>`, `answers.<question_id>` or `comment`; 409 when it is not
    open."""
    engagement = _engagement(request, engagement_id)
    _once([r.priority_id for r in payload.ranks], "ranks", "Rank each priority once.")
    _once([a.question_id for a in payload.answers], "answers", "Answer each question once.")
    response = services.record_response(
        engagement=engagement,
        actor=request.actor,
        organisation_id=payload.organisation_id,
        answer=services.Answer(
            ranks={r.priority_id: r.rank for r in payload.ranks},
            answers={a.question_id: a.answer for a in payload.answers},
            comment=payload.comment,
        ),
    )
    return Status(
        201,
        Response.objects.select_related("organisation")
        .prefetch_related("ranks")
        .get(pk=response.pk),
    )


class OutcomeLinkIn(Schema):
    procurement_id: Id = Field(..., description="A procurement of the council.")
    outcome_id: str | None = Field(
        None,
        max_length=60,
        description="An outcome the procurement already asks for (its id in the procurements API).",
    )
    title: str = Field(
        "", max_length=300, description="Without `outcome_id`: a new outcome the draft asks for."
    )


class OutcomeOriginOut(Schema):
    response_id: int
    procurement_id: int
    outcome_id: str
    title: str
    linked_at: dt.datetime


@router.post(
    "/engagements/{engagement_id}/responses/{response_id}/outcome",
    response=answers(OutcomeOriginOut, 403, 404, 409),
    summary="Say an outcome came from this answer",
)
def link_outcome(request: HttpRequest, engagement_id: Id, response_id: Id, payload: OutcomeLinkIn):
    """An outcome the procurement already asks for (`outcome_id`), or a new one added to a draft
    procurement (`title`); the procurement shows where it came from."""
    engagement = _engagement(request, engagement_id)
    response = services.responses_for(engagement, request.actor).filter(pk=response_id).first()
    if response is None:
        raise Http404("No response found.")
    request.actor.require(engagement.organisation_id, "editor")
    procurement = _own_procurement(
        engagement.organisation_id, payload.procurement_id, "procurement_id"
    )
    outcome = None
    if payload.outcome_id is not None:
        outcome = RequestedOutcome.objects.filter(
            procurement=procurement, code=payload.outcome_id
        ).first()
        if outcome is None:
            raise ValidationError(
                {
                    "outcome_id": [
                        f"Procurement {procurement.pk} asks for no outcome {payload.outcome_id}."
                    ]
                }
            )
    origin: OutcomeOrigin = services.link_outcome(
        response=response,
        actor=request.actor,
        outcome=outcome,
        procurement=procurement,
        title=payload.title,
    )
    return {
        "response_id": response.pk,
        "procurement_id": origin.outcome.procurement_id,
        "outcome_id": origin.outcome.code,
        "title": origin.outcome.title,
        "linked_at": origin.linked_at,
    }


# ------------------------------------------------------------------------------------ results


class BordaStandingOut(Schema):
    priority_id: int
    title: str
    position: int = Field(..., description="1 for the most points; equal totals share one.")
    position_label: str = Field(..., description="'=1' when tied.")
    tied: bool
    points: float
    mean_points: float
    first_places: int
    ranked_by: int


class BordaRankingOut(Schema):
    rule: str = Field(..., description="How ranks become points, in words.")
    ballots: int = Field(..., description="Every answer, including those that ranked nothing.")
    counted: int = Field(..., description="Answers that ranked at least one priority.")
    standings: list[BordaStandingOut]


class RespondentGroupOut(Schema):
    label: str
    responses: int
    suppressed: bool = Field(..., description="Fewer answers than `small_group`: no standings.")
    standings: list[BordaStandingOut]


class ChoiceCountOut(Schema):
    choice: str
    count: int


class ChoiceTallyOut(Schema):
    question_id: int
    text: str
    answered: int
    suppressed: bool = Field(..., description="Too few answers to show: no counts.")
    counts: list[ChoiceCountOut]


class EngagementCommentOut(Schema):
    text: str
    respondent: str | None = Field(
        ...,
        description="Said for a provider only: a member of the public's kind (resident, carer...) "
        "would single them out of a group too small to show.",
    )
    organisation: str | None = Field(..., description="The provider's name; none for the public.")
    created_at: dt.datetime


class EngagementResultsOut(Schema):
    engagement_id: int
    responses: int
    small_group: int = Field(..., description="Groups with fewer answers are not broken down.")
    ranking: BordaRankingOut | None = Field(..., description="A consultation's Borda count.")
    groups: list[RespondentGroupOut] = Field(..., description="The ranking by who answered.")
    tallies: list[ChoiceTallyOut] = Field(
        ..., description="Counts of each choice question's answers."
    )
    comments: list[EngagementCommentOut]


def _standings(standings, priorities: dict[int, Priority]) -> list[dict[str, Any]]:
    return [
        {
            "priority_id": s.item,
            "title": priorities[s.item].title,
            "position": s.position,
            "position_label": s.position_label,
            "tied": s.tied,
            "points": s.points,
            "mean_points": s.mean_points,
            "first_places": s.first_places,
            "ranked_by": s.ranked_by,
        }
        for s in standings
    ]


@router.get(
    "/engagements/{engagement_id}/results",
    response=answers(EngagementResultsOut, 404),
    summary="An engagement's results",
)
def get_results(request: HttpRequest, engagement_id: Id):
    """The council's alone (anyone else: 404, so nothing of what was said is confirmed): the
    Borda count with its rule, the same by who answered (groups below `small_group` suppressed),
    the tallies of choice questions and the comments."""
    engagement = _engagement(request, engagement_id)
    if engagement.organisation_id not in request.actor.organisation_ids:
        raise Http404("No engagement found.")
    result = services.results(engagement, request.actor)
    respondents = dict(services.Respondent.choices)
    count = result.count
    return {
        "engagement_id": engagement.pk,
        "responses": result.responses,
        "small_group": result.small_group,
        "ranking": None
        if count is None
        else {
            "rule": result.rule,
            "ballots": count.ballots,
            "counted": count.counted,
            "standings": _standings(count.standings, result.priorities),
        },
        "groups": [
            {
                "label": g.label,
                "responses": g.responses,
                "suppressed": g.suppressed,
                "standings": [] if g.suppressed else _standings(g.standings, result.priorities),
            }
            for g in result.groups
        ],
        "tallies": [
            {
                "question_id": t.question.pk,
                "text": t.question.text,
                "answered": t.answered,
                "suppressed": t.suppressed,
                "counts": [] if t.suppressed else [{"choice": c, "count": n} for c, n in t.counts],
            }
            for t in result.tallies
        ],
        "comments": [
            {
                "text": r.comment,
                "respondent": respondents.get(r.respondent) if r.organisation_id else None,
                "organisation": r.organisation.name if r.organisation_id else None,
                "created_at": r.created_at,
            }
            for r in result.comments
        ],
    }


# ---------------------------------------------------------------------------------- proposals


class ProposalIn(Schema):
    organisation_id: Id | None = Field(
        None, description="The provider; needed when you belong to more than one provider."
    )
    council_id: Id
    title: str = Field(..., max_length=300)
    priorities: str = Field(..., description="The priorities or outcomes suggested.")
    reason: str = Field(..., description="Why.")
    evidence: str = Field("", description="Local evidence.")
    evidence_url: str = Field("", max_length=200)
    measure_ids: list[Id] = Field(default_factory=list)


class ProposalOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    council_id: int
    council_name: str
    title: str
    priorities: str
    reason: str
    evidence: str
    evidence_url: str
    measure_ids: list[int]
    state: PROPOSAL_STATES
    decision_reason: str
    decided_at: dt.datetime | None
    priority_id: int | None = Field(..., description="Accepted as this new charter priority.")
    outcome_procurement_id: int | None = Field(
        ..., description="Accepted as an outcome this procurement asks for..."
    )
    outcome_id: str | None = Field(..., description="...with this id.")
    created_at: dt.datetime

    @staticmethod
    def resolve_organisation_name(obj: Proposal) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_council_name(obj: Proposal) -> str:
        return obj.council.name

    @staticmethod
    def resolve_measure_ids(obj: Proposal) -> list[int]:
        return [m.pk for m in obj.measures.all()]

    @staticmethod
    def resolve_outcome_procurement_id(obj: Proposal) -> int | None:
        return obj.outcome.procurement_id if obj.outcome_id else None

    @staticmethod
    def resolve_outcome_id(obj: Proposal) -> str | None:
        return obj.outcome.code if obj.outcome_id else None


class ProposalDecisionIn(Schema):
    decision: Literal["accepted", "declined", "parked"]
    reason: str = Field("", description="Needed to decline: the provider is told.")
    procurement_id: Id | None = Field(
        None,
        description="Accept as an outcome this draft procurement asks for; without it, as a new "
        "priority at the foot of the charter.",
    )


def _proposals(actor: Actor):
    return (
        visible(Proposal, actor)
        .select_related("organisation", "council", "outcome")
        .prefetch_related("measures")
    )


def _proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    try:
        return _proposals(request.actor).get(pk=proposal_id)
    except Proposal.DoesNotExist:
        raise Http404("No proposal found.") from None


@router.get("/proposals", response=answers(list[ProposalOut]), summary="Proposals")
@paginate(Pages)
def list_proposals(
    request: HttpRequest,
    direction: Literal["sent", "received"] | None = None,
    state: PROPOSAL_STATES | None = None,
):
    """Proposals your organisations sent and those sent to your councils."""
    proposals = _proposals(request.actor)
    ids = request.actor.organisation_ids
    if direction == "sent":
        proposals = proposals.filter(organisation_id__in=ids)
    elif direction == "received":
        proposals = proposals.filter(council_id__in=ids)
    if state:
        proposals = proposals.filter(state=state)
    return proposals


@router.post(
    "/proposals",
    response=answers(ProposalOut, 403, 404, status=201),
    summary="Propose priorities or outcomes to a council",
)
def send_proposal(request: HttpRequest, payload: ProposalIn):
    """A provider offers a council priorities or outcomes, with measures, its reason and local
    evidence; the council's editors are told."""
    organisation = _acting_for(request.actor, payload.organisation_id, council=False)
    council = Organisation.objects.filter(pk=payload.council_id).first()
    found = {m.pk: m for m in visible(Measure, request.actor).filter(pk__in=payload.measure_ids)}
    unknown = [i for i in payload.measure_ids if i not in found]
    if unknown:
        raise ValidationError({"measure_ids": [f"No measure {i}." for i in unknown]})
    proposal = services.send_proposal(
        actor=request.actor,
        organisation=organisation,
        council=council,
        title=payload.title,
        priorities=payload.priorities,
        reason=payload.reason,
        evidence=payload.evidence,
        evidence_url=payload.evidence_url,
        measures=[found[i] for i in dict.fromkeys(payload.measure_ids)],
    )
    return Status(201, _proposal(request, proposal.pk))


@router.get("/proposals/{proposal_id}", response=answers(ProposalOut, 404), summary="A proposal")
def get_proposal(request: HttpRequest, proposal_id: Id):
    return _proposal(request, proposal_id)


@router.post(
    "/proposals/{proposal_id}/decision",
    response=answers(ProposalOut, 403, 404, 409),
    summary="Accept, decline or park a proposal",
)
def decide_proposal(request: HttpRequest, proposal_id: Id, payload: ProposalDecisionIn):
    """The council's: accepted as a new charter priority (or as an outcome of a draft
    procurement), declined with a reason, or parked; the provider is told. 409 once accepted or
    declined."""
    proposal = _proposal(request, proposal_id)
    request.actor.require(proposal.council_id, "editor")
    services.decide_proposal(
        proposal=proposal,
        actor=request.actor,
        decision=payload.decision,
        reason=payload.reason,
        procurement=_own_procurement(proposal.council_id, payload.procurement_id, "procurement_id"),
    )
    return _proposal(request, proposal_id)
