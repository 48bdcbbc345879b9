"""API routes for the charter, procurements, bids, the evaluation and the award."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from socialvalue.web.accounts.models import Organisation
from socialvalue.web.api.schemas import Pages, answers
from socialvalue.web.measures.models import Measure
from socialvalue.web.tenancy import (
    get_visible_or_404,
    organisation_to_act_for,
    visible,
)

from . import services
from .models import (
    AwardDecision,
    Bid,
    Priority,
    Procurement,
    QualityCriterion,
    ReportingFrequency,
    RequestedOutcome,
)

router = Router(tags=["commissioning"])

Percent = Field(..., ge=0, le=100)
Money = Field(None, ge=0, le=10**12)


# --------------------------------------------------------------------------------------------
# Charter


class PriorityIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    evidence: str = ""
    evidence_url: str = Field("", max_length=200)
    measure_ids: list[int] = []


class PriorityOut(Schema):
    id: int
    rank: int
    title: str
    description: str
    evidence: str
    evidence_url: str
    measure_ids: list[int]

    @staticmethod
    def resolve_measure_ids(obj: Priority) -> list[int]:
        return [m.id for m in obj.measures.all()]


class CharterIn(Schema):
    organisation_id: int | None = None
    principles: str = ""
    minimum_social_value_weight: Decimal = Percent
    threshold: Decimal = Field(Decimal(0), ge=0, le=10**12)
    minimum_outcomes: int = Field(1, ge=0, le=100)
    #: The ranked priorities, highest first; they replace the current ones.
    priorities: list[PriorityIn] | None = None
    note: str = Field("", max_length=300)


class CharterOut(Schema):
    organisation_id: int
    version: int
    principles: str
    minimum_social_value_weight: Decimal
    threshold: Decimal
    minimum_outcomes: int
    priorities: list[PriorityOut]

    @staticmethod
    def resolve_priorities(obj) -> list[Priority]:
        return list(obj.priorities.filter(active=True).prefetch_related("measures"))


def _commissioner_for(request: HttpRequest, organisation_id: int | None, role: str) -> Organisation:
    actor = request.actor
    if organisation_id is None:
        commissioners = [
            m.organisation for m in actor.memberships.values() if m.organisation.is_commissioner
        ]
        if len(commissioners) == 1:
            organisation_id = commissioners[0].id
    organisation = organisation_to_act_for(actor, organisation_id, role)
    if not organisation.is_commissioner:
        raise Http404("Only a commissioning organisation has a charter.")
    return organisation


@router.get("/charter", response=answers(CharterOut, 403, 404), summary="The charter")
def get_charter(request: HttpRequest, organisation_id: int | None = None):
    organisation = _commissioner_for(request, organisation_id, "viewer")
    return services.charter_for(organisation)


@router.put(
    "/charter", response=answers(CharterOut, 403, 404), summary="Save the charter as a new version"
)
def put_charter(request: HttpRequest, payload: CharterIn):
    organisation = _commissioner_for(request, payload.organisation_id, "editor")
    priorities = None
    if payload.priorities is not None:
        priorities = [
            services.PrioritySpec(
                title=item.title,
                description=item.description,
                evidence=item.evidence,
                evidence_url=item.evidence_url,
                measures=_measures(request, item.measure_ids, f"priorities[{index}].measure_ids"),
            )
            for index, item in enumerate(payload.priorities)
        ]
    return services.replace_charter(
        organisation=organisation,
        actor=request.actor,
        principles=payload.principles,
        minimum_social_value_weight=payload.minimum_social_value_weight,
        threshold=payload.threshold,
        minimum_outcomes=payload.minimum_outcomes,
        note=payload.note,
        priorities=priorities,
    )


def _measures(request: HttpRequest, ids: list[int], place: str) -> list[Measure]:
    """The measures named by id, each one the actor can see; an unknown id is a 400."""
    found = {m.id: m for m in visible(Measure, request.actor).filter(id__in=ids)}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise ValidationError({place: [f"No measure {i}." for i in unknown]})
    return [found[i] for i in ids]


def _measure(request: HttpRequest, measure_id: int | None, place: str) -> Measure | None:
    return None if measure_id is None else _measures(request, [measure_id], place)[0]


def _priority(procurement: Procurement, priority_id: int | None, place: str) -> Priority | None:
    """One of the buyer's priorities by id (the domain decides whether it may be used)."""
    if priority_id is None:
        return None
    priority = Priority.objects.filter(
        pk=priority_id, organisation_id=procurement.organisation_id
    ).first()
    if priority is None:
        raise ValidationError({place: [f"No priority {priority_id} in the charter."]})
    return priority


# --------------------------------------------------------------------------------------------
# Procurements


class CriterionIn(Schema):
    id: str | None = Field(None, max_length=40, description="Generated from the name if left out.")
    name: str = Field(..., min_length=1, max_length=200)
    weight: Decimal = Percent


class CriterionOut(Schema):
    id: str = Field(..., alias="code")
    name: str
    weight: Decimal


class OutcomeIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    priority_id: int | None = None
    measure_id: int | None = None


class OutcomeOut(Schema):
    id: str = Field(..., alias="code")
    title: str
    priority_id: int | None
    measure_id: int | None
    valuation: RequestedOutcome.Valuation = Field(
        ...,
        description="How offers of it are valued: 'measure' (the measure's own proxy), 'local' "
        "(the local proxy below) or 'qualitative' (only through the method statement).",
    )
    local_proxy_value: Decimal | None
    local_price_year: int | None
    local_source: str
    needs_valuation: bool = Field(
        ...,
        description="True when its measure has no proxy and no way to value offers was chosen: "
        "publishing is refused until one is.",
    )


class OutcomeValuationIn(Schema):
    valuation: RequestedOutcome.Valuation
    proxy_value: Decimal | None = Field(
        None, ge=0, le=10**9, description="For 'local': £ per unit."
    )
    price_year: int | None = Field(None, description="For 'local': the proxy's price year.")
    source: str = Field(
        "", max_length=2000, description="For 'local': where the figure comes from."
    )


class ProcurementIn(Schema):
    organisation_id: int | None = None
    reference: str = Field("", max_length=40)
    title: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    category: str = Field("", max_length=100)
    estimated_value: Decimal | None = Money
    closing_date: dt.date | None = None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    max_score: Decimal = Field(Decimal(5), gt=0, le=1000)
    weight_price: Decimal = Percent
    weight_quality: Decimal = Percent
    weight_social_value: Decimal = Percent
    price_method: Procurement.PriceMethod = Procurement.PriceMethod.LOWEST_OVER_BID
    social_value_qualitative: Decimal = Field(Decimal(50), ge=0, le=100)
    social_value_quantitative: Decimal = Field(Decimal(50), ge=0, le=100)
    light_touch: bool = False
    criteria: list[CriterionIn] = []
    outcomes: list[OutcomeIn] = []


class ProcurementPatch(Schema):
    reference: str | None = Field(None, max_length=40)
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = None
    category: str | None = Field(None, max_length=100)
    estimated_value: Decimal | None = Money
    closing_date: dt.date | None = None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    weight_price: Decimal | None = Field(None, ge=0, le=100)
    weight_quality: Decimal | None = Field(None, ge=0, le=100)
    weight_social_value: Decimal | None = Field(None, ge=0, le=100)
    light_touch: bool | None = None
    criteria: list[CriterionIn] | None = None
    outcomes: list[OutcomeIn] | None = None


class ProcurementOut(Schema):
    id: int
    organisation_id: int
    reference: str
    title: str
    description: str
    category: str
    estimated_value: Decimal | None
    closing_date: dt.date | None
    contract_start: dt.date | None
    contract_end: dt.date | None
    state: str
    max_score: Decimal
    weight_price: Decimal
    weight_quality: Decimal
    weight_social_value: Decimal
    price_method: str
    social_value_qualitative: Decimal
    social_value_quantitative: Decimal
    light_touch: bool
    criteria: list[CriterionOut]
    outcomes: list[OutcomeOut]
    charter_breaches: list[str] | None = None

    @staticmethod
    def resolve_criteria(obj: Procurement) -> list[QualityCriterion]:
        return list(obj.criteria.all())

    @staticmethod
    def resolve_outcomes(obj: Procurement) -> list[RequestedOutcome]:
        return list(obj.outcomes.all())


def _own(request: HttpRequest, procurement_id: int, role: str = "viewer") -> Procurement:
    return services.own_procurement(request.actor, procurement_id, role)


def _out(procurement: Procurement, actor) -> dict[str, Any] | Procurement:
    if procurement.organisation_id in actor.organisation_ids:
        procurement.charter_breaches = services.charter_breaches(procurement)
    return procurement


def _parts(request: HttpRequest, procurement: Procurement, criteria, outcomes) -> dict[str, Any]:
    """The criteria and outcomes given, as the domain's specs (None: leave them as they are)."""
    parts: dict[str, Any] = {}
    if criteria is not None:
        parts["criteria"] = [
            services.CriterionSpec(name=c.name, weight=c.weight, code=c.id) for c in criteria
        ]
    if outcomes is not None:
        parts["outcomes"] = [
            services.OutcomeSpec(
                title=o.title,
                priority=_priority(procurement, o.priority_id, f"outcomes[{i}].priority_id"),
                measure=_measure(request, o.measure_id, f"outcomes[{i}].measure_id"),
            )
            for i, o in enumerate(outcomes)
        ]
    return parts


@router.get("/procurements", response=answers(list[ProcurementOut]), summary="Procurements")
@paginate(Pages)
def list_procurements(request: HttpRequest, state: Procurement.State | None = None):
    """Your organisations' procurements, and every published notice open to providers."""
    procurements = visible(Procurement, request.actor).prefetch_related("criteria", "outcomes")
    if state:
        procurements = procurements.filter(state=state)
    return procurements.order_by("-created_at", "id")


@router.post(
    "/procurements",
    response=answers(ProcurementOut, 403, 404, status=201),
    summary="Draft a procurement",
)
def create_procurement(request: HttpRequest, payload: ProcurementIn):
    actor = request.actor
    organisation = organisation_to_act_for(actor, payload.organisation_id, "editor")
    fields = payload.dict(exclude={"organisation_id", "criteria", "outcomes"})
    parts = _parts(
        request, Procurement(organisation=organisation), payload.criteria, payload.outcomes
    )
    procurement = services.save_procurement(
        actor=actor, organisation=organisation, **parts, **fields
    )
    return Status(201, _out(procurement, actor))


@router.get(
    "/procurements/{procurement_id}", response=answers(ProcurementOut, 404), summary="A procurement"
)
def get_procurement(request: HttpRequest, procurement_id: int):
    actor = request.actor
    return _out(get_visible_or_404(Procurement, actor, pk=procurement_id), actor)


@router.patch(
    "/procurements/{procurement_id}",
    response=answers(ProcurementOut, 403, 404, 409),
    summary="Change a draft",
)
def update_procurement(request: HttpRequest, procurement_id: int, payload: ProcurementPatch):
    actor = request.actor
    procurement = _own(request, procurement_id, "editor")
    services.require_draft(procurement)
    fields = payload.dict(exclude_unset=True, exclude={"criteria", "outcomes"})
    parts = _parts(request, procurement, payload.criteria, payload.outcomes)
    services.save_procurement(actor=actor, procurement=procurement, **parts, **fields)
    return _out(procurement, actor)


class RefusalOut(Schema):
    detail: str
    breaches: list[str] = []


@router.post(
    "/procurements/{procurement_id}/publish",
    response={**answers(ProcurementOut, 403, 404), 409: RefusalOut},
    summary="Publish, if the charter allows",
)
def publish_procurement(request: HttpRequest, procurement_id: int):
    """409 when the procurement breaks its organisation's charter: `detail` holds the sentences."""
    procurement = _own(request, procurement_id, "editor")
    try:
        services.publish(procurement=procurement, actor=request.actor)
    except services.CharterBreach as refusal:
        return Status(409, {"detail": refusal.message, "breaches": refusal.breaches})
    return _out(procurement, request.actor)


@router.put(
    "/procurements/{procurement_id}/outcomes/{outcome_id}/valuation",
    response=answers(OutcomeOut, 403, 404, 409),
    summary="Say how offers of an outcome are valued",
)
def value_outcome(
    request: HttpRequest, procurement_id: int, outcome_id: str, payload: OutcomeValuationIn
):
    """For an outcome whose measure has no proxy: a local proxy for this procurement (value,
    price year and source) or the qualitative part only. 400 names the field that is wrong."""
    procurement = _own(request, procurement_id, "editor")
    outcome = get_object_or_404(procurement.outcomes, code=outcome_id)
    return services.value_outcome(
        procurement=procurement, actor=request.actor, outcome_id=outcome.pk, **payload.dict()
    )


@router.get(
    "/procurements/{procurement_id}/tender",
    response=answers(dict, 404),
    summary="The procurement and its bids as a tender file",
)
def tender_file(request: HttpRequest, procurement_id: int):
    """The tender file format of `socialvalue tender evaluate`, with the moderated scores."""
    return services.tender_data(_own(request, procurement_id))


# --------------------------------------------------------------------------------------------
# Bids


class BidCommitmentIn(Schema):
    measure_id: int
    quantity: Decimal = Field(..., ge=0, le=10**12)
    priority_id: int | None = None


class BidCommitmentOut(Schema):
    measure_id: int | None
    description: str
    unit: str
    quantity: Decimal
    proxy_value: Decimal
    proxy_source: str
    price_year: int | None
    value: Decimal


class BidIn(Schema):
    price: Decimal = Field(..., gt=0, le=10**12)
    method_statement: str = ""
    bidder_name: str | None = Field(
        None,
        max_length=200,
        description="For a bid the commissioner enters from a provider not registered here.",
    )
    bidder_id: int | None = Field(
        None, description="A registered provider, when the commissioner enters its bid."
    )
    commitments: list[BidCommitmentIn] = []
    #: Moderated scores by criterion id, and `social-value` for the method statement (commissioner only).
    scores: dict[str, Decimal] | None = None
    submit: bool = True


class BidOut(Schema):
    id: int
    procurement_id: int
    bidder_id: int | None
    bidder_name: str
    price: Decimal
    method_statement: str
    entered_by_commissioner: bool
    submitted: bool
    social_value_offered: Decimal
    commitments: list[BidCommitmentOut]
    moderated_scores: dict[str, Decimal] | None = None
    outcome: str | None = Field(
        None,
        description="After an award decision: 'awarded', 'unsuccessful' or 'withdrawn'.",
    )

    @staticmethod
    def resolve_outcome(obj: Bid) -> str | None:
        return services.bid_outcome(obj)

    @staticmethod
    def resolve_submitted(obj: Bid) -> bool:
        return obj.is_submitted

    @staticmethod
    def resolve_commitments(obj: Bid) -> list:
        return list(obj.commitments.all())

    @staticmethod
    def resolve_moderated_scores(obj: Bid) -> dict[str, Decimal] | None:
        return getattr(obj, "moderated_scores_out", None)

    @staticmethod
    def resolve_social_value_offered(obj: Bid) -> Decimal:
        return sum((c.value for c in obj.commitments.all()), Decimal(0))


@router.get(
    "/procurements/{procurement_id}/bids",
    response=answers(list[BidOut], 404),
    summary="Bids for a procurement",
)
@paginate(Pages)
def list_bids(request: HttpRequest, procurement_id: int):
    """The commissioner sees every submitted bid; a provider sees its own."""
    actor = request.actor
    procurement = get_visible_or_404(Procurement, actor, pk=procurement_id)
    bids = visible(Bid, actor).filter(procurement=procurement).prefetch_related("commitments")
    if procurement.organisation_id in actor.organisation_ids:
        return [_with_scores(b) for b in bids.prefetch_related("moderated_scores")]
    return bids


def _with_scores(bid: Bid) -> Bid:
    bid.moderated_scores_out = {m.criterion: m.score for m in bid.moderated_scores.all()}
    return bid


@router.post(
    "/procurements/{procurement_id}/bids",
    response=answers(BidOut, 403, 404, 409, status=201),
    summary="Enter or submit a bid",
)
def create_bid(request: HttpRequest, procurement_id: int, payload: BidIn):
    """A provider bids for itself; the commissioner enters a bid with its moderated scores."""
    actor = request.actor
    procurement = get_visible_or_404(Procurement, actor, pk=procurement_id)
    bidder = None
    if payload.bidder_id is not None:
        bidder = Organisation.objects.filter(
            pk=payload.bidder_id, kind=Organisation.Kind.PROVIDER
        ).first()
        if bidder is None:
            raise ValidationError({"bidder_id": [f"No registered provider {payload.bidder_id}."]})
    commitments = [
        services.Offer(
            measure=_measure(request, c.measure_id, f"commitments[{i}].measure_id"),
            quantity=c.quantity,
            priority=_priority(procurement, c.priority_id, f"commitments[{i}].priority_id"),
        )
        for i, c in enumerate(payload.commitments)
    ]
    bid = services.create_bid(
        procurement=procurement,
        actor=actor,
        price=payload.price,
        method_statement=payload.method_statement,
        bidder=bidder,
        bidder_name=payload.bidder_name or "",
        commitments=commitments,
        scores=payload.scores,
        submit=payload.submit,
    )
    commissioner = services.is_commissioner_of(actor, procurement)
    return Status(201, _with_scores(bid) if commissioner else bid)


# --------------------------------------------------------------------------------------------
# Evaluation and award


@router.get(
    "/procurements/{procurement_id}/evaluation",
    response=answers(dict, 404),
    summary="The evaluation (the tender JSON result)",
)
def evaluation(request: HttpRequest, procurement_id: int):
    """Exactly `socialvalue tender evaluate --json` on this procurement's tender file."""
    return services.evaluate(_own(request, procurement_id)).to_dict()


class AwardIn(Schema):
    bid_id: int
    reason: str = Field(
        "",
        max_length=5000,
        description="Why this bid, when it is not the one ranked first (required then).",
    )
    standstill: AwardDecision.Standstill = Field(
        AwardDecision.Standstill.MANDATORY,
        description="'mandatory' (8 working days); a light-touch contract may have 'voluntary' "
        "(standstill_days working days) or 'none'.",
    )
    standstill_days: int | None = Field(None, ge=0, le=365)


class SummaryRef(Schema):
    bid_id: int
    bidder_name: str


class AwardDecisionOut(Schema):
    id: int
    procurement_id: int
    bid_id: int
    bidder_name: str
    recommended_bid_id: int | None
    reason: str
    decided_at: dt.datetime
    decided_by: str
    standstill: str
    standstill_days: int
    standstill_ends: dt.date | None
    contract_may_be_entered_from: dt.date | None
    state: str
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str
    contract_id: int | None
    assessment_summaries: list[SummaryRef]


def _decision_out(decision: AwardDecision) -> dict[str, Any]:
    user = decision.decided_by
    return {
        "id": decision.id,
        "procurement_id": decision.procurement_id,
        "bid_id": decision.bid_id,
        "bidder_name": decision.bid.bidder_name,
        "recommended_bid_id": decision.recommended_bid_id,
        "reason": decision.reason,
        "decided_at": decision.decided_at,
        "decided_by": (user.full_name or user.email) if user else "",
        "standstill": decision.standstill,
        "standstill_days": decision.standstill_days,
        "standstill_ends": decision.standstill_ends,
        "contract_may_be_entered_from": services.contract_opens(decision),
        "state": decision.state,
        "withdrawn_at": decision.withdrawn_at,
        "withdrawal_reason": decision.withdrawal_reason,
        "contract_id": decision.contract_id,
        "assessment_summaries": [
            {"bid_id": s.bid_id, "bidder_name": s.bid.bidder_name}
            for s in decision.summaries.select_related("bid")
        ],
    }


def _bid_of(procurement: Procurement, bid_id: int) -> Bid:
    bid = procurement.bids.filter(pk=bid_id, submitted_at__isnull=False).first()
    if bid is None:
        raise ValidationError({"bid_id": [f"No submitted bid {bid_id} for this procurement."]})
    return bid


@router.post(
    "/procurements/{procurement_id}/award",
    response=answers(AwardDecisionOut, 403, 404, 409, status=201),
    summary="Decide the award: assessment summaries and the standstill",
)
def award(request: HttpRequest, procurement_id: int, payload: AwardIn):
    """409 with the reason while bidding is open or a score is not moderated. A bid other than
    the one ranked first needs a `reason` (400 naming `reason` without one). The contract is
    entered after the standstill with `POST .../enter-contract`."""
    procurement = _own(request, procurement_id, "editor")
    services.recommendation(procurement)  # 409 before any question about the bid
    decision = services.award(
        procurement=procurement,
        actor=request.actor,
        bid=_bid_of(procurement, payload.bid_id),
        reason=payload.reason,
        standstill=payload.standstill,
        standstill_days=payload.standstill_days,
    )
    return Status(201, _decision_out(decision))


@router.get(
    "/procurements/{procurement_id}/award",
    response=answers(AwardDecisionOut, 404),
    summary="The latest award decision",
)
def get_award(request: HttpRequest, procurement_id: int):
    decision = services.latest_decision(_own(request, procurement_id))
    if decision is None:
        raise Http404("No award decision has been made.")
    return _decision_out(decision)


class WithdrawIn(Schema):
    reason: str = Field("", max_length=5000)


@router.post(
    "/procurements/{procurement_id}/award/withdraw",
    response=answers(AwardDecisionOut, 403, 404, 409),
    summary="Withdraw the award decision before the contract is entered",
)
def withdraw_award(request: HttpRequest, procurement_id: int, payload: WithdrawIn):
    procurement = _own(request, procurement_id, "editor")
    decision = services.withdraw_award(
        procurement=procurement, actor=request.actor, reason=payload.reason
    )
    return _decision_out(decision)


class EnterContractIn(Schema):
    start_date: dt.date | None = Field(None, description="The procurement's, if left out.")
    end_date: dt.date | None = Field(None, description="The procurement's, if left out.")
    reporting_frequency: ReportingFrequency | None = None


class EnteredContractOut(Schema):
    contract_id: int
    procurement_id: int
    bid_id: int
    provider_name: str


@router.post(
    "/procurements/{procurement_id}/enter-contract",
    response=answers(EnteredContractOut, 403, 404, 409, status=201),
    summary="Enter the contract once the standstill is over",
)
def enter_contract(request: HttpRequest, procurement_id: int, payload: EnterContractIn):
    """409 before the standstill ends; then the contract with the winning bid's commitments."""
    procurement = _own(request, procurement_id, "editor")
    contract = services.enter_contract(
        procurement=procurement,
        actor=request.actor,
        start_date=payload.start_date,
        end_date=payload.end_date,
        reporting_frequency=payload.reporting_frequency,
    )
    return Status(
        201,
        {
            "contract_id": contract.id,
            "procurement_id": procurement.id,
            "bid_id": contract.bid_id,
            "provider_name": contract.provider_name or str(contract.provider),
        },
    )


def _state_route(action: str, summary: str, doc: str):
    function = {
        "close": services.close_bidding,
        "reopen": services.reopen_bidding,
        "cancel": services.cancel_procurement,
        "restore": services.restore_procurement,
    }[action]

    def change(request: HttpRequest, procurement_id: int):
        procurement = _own(request, procurement_id, "editor")
        return _out(function(procurement=procurement, actor=request.actor), request.actor)

    change.__name__ = f"{action}_procurement"
    change.__doc__ = doc
    router.post(
        f"/procurements/{{procurement_id}}/{action}",
        response=answers(ProcurementOut, 403, 404, 409),
        summary=summary,
    )(change)


_state_route("close", "Close bidding", "Stop taking bids and evaluate; `reopen` undoes it.")
_state_route(
    "reopen",
    "Reopen bidding",
    "Undo closing; 409 once an award decision has been made on the bids.",
)
_state_route("cancel", "Cancel the procurement", "`restore` undoes it; 409 once awarded.")
_state_route("restore", "Restore a cancelled procurement", "Back to the state it was cancelled in.")


# --------------------------------------------------------------------------------------------
# Assessment summaries


class AssessmentSummaryOut(Schema):
    bid_id: int
    bidder_name: str
    decision_id: int
    decision_state: str
    created_at: dt.datetime
    content: dict


@router.get(
    "/bids/{bid_id}/assessment-summary",
    response=answers(AssessmentSummaryOut, 404),
    summary="A bid's assessment summary",
)
def assessment_summary(request: HttpRequest, bid_id: int):
    """Its own scores on each criterion and the winning bid's, with the reasons: for the council
    and that bidder only (404 for anyone else, another bidder included)."""
    bid = get_visible_or_404(Bid, request.actor, pk=bid_id)
    summary = services.assessment_summary(bid=bid, actor=request.actor)
    return {
        "bid_id": bid.id,
        "bidder_name": bid.bidder_name,
        "decision_id": summary.decision_id,
        "decision_state": summary.decision.state,
        "created_at": summary.created_at,
        "content": summary.content,
    }


# --------------------------------------------------------------------------------------------
# Clarification questions


class ProcurementQuestionIn(Schema):
    question: str = Field(..., description="The question, up to 5,000 characters.")


class QuestionAnswerIn(Schema):
    answer: str = Field(..., description="The answer, up to 10,000 characters.")
    publish: bool = Field(
        False,
        description="True: shown, without the asker's name, to every provider who can see the "
        "procurement; false: only to the provider who asked (commercially sensitive).",
    )


class ProcurementQuestionOut(Schema):
    id: int
    procurement_id: int
    question: str
    asked_at: dt.datetime
    state: str
    visibility: str
    answer: str
    answered_at: dt.datetime | None
    mine: bool = Field(description="Asked by one of the caller's organisations.")
    asked_by_organisation_id: int | None = Field(
        description="Shown to the council and to the asker only; null on a published answer."
    )
    asked_by_organisation_name: str = ""


def _question_out(question, actor) -> dict[str, Any]:
    ids = actor.organisation_ids
    mine = question.asked_by_organisation_id in ids
    named = mine or question.procurement.organisation_id in ids
    return {
        "id": question.id,
        "procurement_id": question.procurement_id,
        "question": question.question,
        "asked_at": question.asked_at,
        "state": question.state,
        "visibility": question.visibility,
        "answer": question.answer,
        "answered_at": question.answered_at,
        "mine": mine,
        "asked_by_organisation_id": question.asked_by_organisation_id if named else None,
        "asked_by_organisation_name": question.asked_by_organisation.name if named else "",
    }


@router.get(
    "/procurements/{procurement_id}/questions",
    response=answers(list[ProcurementQuestionOut], 404),
    summary="Clarification questions on a procurement",
)
def list_questions(request: HttpRequest, procurement_id: int):
    """The council sees every question with who asked; a provider sees the published answers,
    without the asker's name, and its own questions."""
    actor = request.actor
    procurement = get_visible_or_404(Procurement, actor, pk=procurement_id)
    return [_question_out(q, actor) for q in services.questions_for(procurement, actor)]


@router.post(
    "/procurements/{procurement_id}/questions",
    response=answers(ProcurementQuestionOut, 403, 404, 409, status=201),
    summary="Ask a clarification question",
)
def ask_question(request: HttpRequest, procurement_id: int, payload: ProcurementQuestionIn):
    """A registered provider asks while bidding is open (409 otherwise, and for the council)."""
    actor = request.actor
    procurement = get_visible_or_404(Procurement, actor, pk=procurement_id)
    question = services.ask_question(procurement=procurement, actor=actor, text=payload.question)
    return Status(201, _question_out(question, actor))


@router.post(
    "/procurements/{procurement_id}/questions/{question_id}/answer",
    response=answers(ProcurementQuestionOut, 403, 404, 409),
    summary="Answer a question, privately or published",
)
def answer_question(
    request: HttpRequest, procurement_id: int, question_id: int, payload: QuestionAnswerIn
):
    actor = request.actor
    procurement = _own(request, procurement_id)
    question = services.question_to_answer(
        procurement=procurement, actor=actor, question_id=question_id
    )
    services.answer_question(
        question=question, actor=actor, answer=payload.answer, publish=payload.publish
    )
    return _question_out(question, actor)
