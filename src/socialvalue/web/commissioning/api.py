"""API routes for the charter, procurements, bids, the evaluation and the award."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from socialvalue.core.errors import InputError, Problem
from socialvalue.web.accounts.models import Organisation
from socialvalue.web.api.schemas import Pages, answers
from socialvalue.web.measures.models import Measure
from socialvalue.web.tenancy import (
    get_visible_or_404,
    organisation_to_act_for,
    require_role,
    visible,
)

from . import services
from .models import (
    Bid,
    Priority,
    Procurement,
    QualityCriterion,
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
    actor = request.actor
    with transaction.atomic():
        charter = services.charter_for(organisation)
        charter.principles = payload.principles
        charter.minimum_social_value_weight = payload.minimum_social_value_weight
        charter.threshold = payload.threshold
        charter.minimum_outcomes = payload.minimum_outcomes
        charter.save()
        if payload.priorities is not None:
            known = set(visible(Measure, actor).values_list("id", flat=True))
            unknown = [
                Problem(f"priorities[{i}].measure_ids", f"no measure {m}")
                for i, p in enumerate(payload.priorities)
                for m in p.measure_ids
                if m not in known
            ]
            if unknown:
                raise InputError(unknown)
            charter.priorities.filter(active=True).update(active=False)
            for rank, item in enumerate(payload.priorities, 1):
                priority = Priority.objects.create(
                    organisation=organisation,
                    charter=charter,
                    rank=rank,
                    title=item.title,
                    description=item.description,
                    evidence=item.evidence,
                    evidence_url=item.evidence_url,
                )
                priority.measures.set(item.measure_ids)
        services.record_charter_version(charter, request.user, payload.note)
    charter.refresh_from_db()
    return charter


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


def _set_parts(procurement: Procurement, criteria, outcomes, actor) -> None:
    problems: list[Problem] = []
    if criteria is not None:
        procurement.criteria.all().delete()
        taken: set[str] = set()
        for position, item in enumerate(criteria):
            code = item.id or services.unique_code(item.name, taken)
            if code in taken and item.id:
                problems.append(Problem(f"criteria[{position}].id", f"{code} is used twice"))
            taken.add(code)
            QualityCriterion.objects.create(
                procurement=procurement,
                code=code,
                name=item.name,
                weight=item.weight,
                position=position,
            )
    if outcomes is not None:
        procurement.outcomes.all().delete()
        priorities = set(
            Priority.objects.filter(organisation_id=procurement.organisation_id).values_list(
                "id", flat=True
            )
        )
        measures = visible(Measure, actor)
        taken = set()
        for position, item in enumerate(outcomes):
            if item.priority_id is not None and item.priority_id not in priorities:
                problems.append(
                    Problem(
                        f"outcomes[{position}].priority_id",
                        f"no priority {item.priority_id} in the charter",
                    )
                )
            if item.measure_id is not None and not measures.filter(pk=item.measure_id).exists():
                problems.append(
                    Problem(f"outcomes[{position}].measure_id", f"no measure {item.measure_id}")
                )
            if problems:
                continue
            RequestedOutcome.objects.create(
                procurement=procurement,
                code=services.unique_code(item.title, taken),
                title=item.title,
                priority_id=item.priority_id,
                measure_id=item.measure_id,
                position=position,
            )
    if problems:
        raise InputError(problems)


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
    if not organisation.is_commissioner:
        raise Http404("Only a commissioning organisation runs procurements.")
    fields = payload.dict(exclude={"organisation_id", "criteria", "outcomes"})
    with transaction.atomic():
        procurement = Procurement(organisation=organisation, created_by=request.user, **fields)
        procurement.full_clean()
        procurement.save()
        _set_parts(procurement, payload.criteria, payload.outcomes, actor)
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
    if not procurement.is_editable:
        return Status(409, {"detail": "Only a draft procurement can change."})
    with transaction.atomic():
        for name, value in payload.dict(
            exclude_unset=True, exclude={"criteria", "outcomes"}
        ).items():
            setattr(procurement, name, value)
        procurement.full_clean()
        procurement.save()
        _set_parts(procurement, payload.criteria, payload.outcomes, actor)
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
        services.publish(procurement, request.user)
    except services.CharterBreach as refusal:
        return Status(409, {"detail": " ".join(refusal.breaches), "breaches": refusal.breaches})
    except services.WrongState as error:
        return Status(409, {"detail": str(error)})
    return _out(procurement, request.actor)


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


class CommitmentIn(Schema):
    measure_id: int
    quantity: Decimal = Field(..., ge=0, le=10**12)
    priority_id: int | None = None


class CommitmentOut(Schema):
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
    commitments: list[CommitmentIn] = []
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
    commitments: list[CommitmentOut]
    moderated_scores: dict[str, Decimal] | None = None

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
    commissioner = procurement.organisation_id in actor.organisation_ids
    if not procurement.accepts_bids:
        return Status(409, {"detail": "This procurement is not taking bids."})
    if commissioner:
        require_role(actor, procurement, "editor")
        bidder = None
        if payload.bidder_id is not None:
            bidder = Organisation.objects.filter(
                pk=payload.bidder_id, kind=Organisation.Kind.PROVIDER
            ).first()
            if bidder is None:
                raise InputError(
                    Problem("bidder_id", f"no registered provider {payload.bidder_id}")
                )
        name = payload.bidder_name or (bidder.name if bidder else "")
        if not name:
            raise InputError(Problem("bidder_name", "name the bidder"))
    else:
        providers = [m for m in actor.memberships.values() if not m.organisation.is_commissioner]
        if len(providers) != 1:
            raise InputError(Problem("organisation", "bid from exactly one provider organisation"))
        actor.require(providers[0].organisation_id, "editor")
        bidder = providers[0].organisation
        name = bidder.name
        if payload.scores:
            raise InputError(Problem("scores", "only the commissioner scores bids"))
    if procurement.bids.filter(bidder_name=name).exists():
        return Status(409, {"detail": f"{name} already has a bid for this procurement."})
    measures = {
        m.id: m
        for m in visible(Measure, actor).filter(id__in=[c.measure_id for c in payload.commitments])
    }
    priorities = set(
        Priority.objects.filter(organisation_id=procurement.organisation_id).values_list(
            "id", flat=True
        )
    )
    problems = [
        Problem(f"commitments[{i}].measure_id", f"no measure {c.measure_id}")
        for i, c in enumerate(payload.commitments)
        if c.measure_id not in measures
    ] + [
        Problem(
            f"commitments[{i}].priority_id", f"no priority {c.priority_id} in the buyer's charter"
        )
        for i, c in enumerate(payload.commitments)
        if c.priority_id is not None and c.priority_id not in priorities
    ]
    if problems:
        raise InputError(problems)
    with transaction.atomic():
        bid = Bid.objects.create(
            procurement=procurement,
            bidder=bidder,
            bidder_name=name,
            price=payload.price,
            method_statement=payload.method_statement,
            entered_by_commissioner=commissioner,
            created_by=request.user,
        )
        for position, item in enumerate(payload.commitments):
            commitment = services.commitment_from_measure(
                measures[item.measure_id],
                item.quantity,
                priority=(
                    Priority.objects.get(pk=item.priority_id)
                    if item.priority_id
                    else services.default_priority(procurement, measures[item.measure_id])
                ),
                position=position,
            )
            commitment.bid = bid
            commitment.save()
        if payload.scores:
            services.moderate(bid, request.user, payload.scores)
        if payload.submit or commissioner:
            services.submit_bid(bid)
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
    start_date: dt.date
    end_date: dt.date
    reporting_frequency: str | None = None


class AwardOut(Schema):
    contract_id: int
    procurement_id: int
    bid_id: int
    provider_name: str


@router.post(
    "/procurements/{procurement_id}/award",
    response=answers(AwardOut, 403, 404, 409, status=201),
    summary="Award to a bid and create the contract",
)
def award(request: HttpRequest, procurement_id: int, payload: AwardIn):
    procurement = _own(request, procurement_id, "editor")
    bid = procurement.bids.filter(pk=payload.bid_id, submitted_at__isnull=False).first()
    if bid is None:
        raise InputError(
            Problem("bid_id", f"no submitted bid {payload.bid_id} for this procurement")
        )
    try:
        contract = services.award(
            procurement,
            bid,
            request.user,
            start_date=payload.start_date,
            end_date=payload.end_date,
            reporting_frequency=payload.reporting_frequency,
        )
    except services.WrongState as error:
        return Status(409, {"detail": str(error)})
    return Status(
        201,
        {
            "contract_id": contract.id,
            "procurement_id": procurement.id,
            "bid_id": bid.id,
            "provider_name": bid.bidder_name,
        },
    )
