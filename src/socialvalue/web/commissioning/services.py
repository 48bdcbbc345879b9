"""What commissioners do: keep the charter, draft and publish procurements, score bids and award.

The scoring itself is `socialvalue.core.scoring`: `tender_data` writes a procurement and its bids
in the tender file format of `docs/tender-evaluation.md`, so the evaluation on screen, in the API
and from `socialvalue tender evaluate` on an exported file are one calculation.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from socialvalue.core import scoring
from socialvalue.core.errors import InputError, Problem
from socialvalue.web.tenancy import get_visible_or_404, require_role

from .models import (
    METHOD_STATEMENT,
    Bid,
    BidCommitment,
    Charter,
    CharterVersion,
    EvaluatorScore,
    ModeratedScore,
    Priority,
    Procurement,
    QualityCriterion,
    RequestedOutcome,
)


class CharterBreach(Exception):
    """Publishing was refused: the procurement breaks its organisation's charter."""

    def __init__(self, breaches: Sequence[str]):
        super().__init__(" ".join(breaches))
        self.breaches = list(breaches)


class WrongState(Exception):
    """The procurement is not in a state that allows this step."""


# --------------------------------------------------------------------------------------------
# The charter


def charter_for(organisation) -> Charter:
    charter, _ = Charter.objects.get_or_create(organisation=organisation)
    return charter


def charter_snapshot(charter: Charter) -> dict[str, Any]:
    return {
        "principles": charter.principles,
        "minimum_social_value_weight": float(charter.minimum_social_value_weight),
        "threshold": float(charter.threshold),
        "minimum_outcomes": charter.minimum_outcomes,
        "priorities": [
            {
                "rank": p.rank,
                "title": p.title,
                "description": p.description,
                "evidence": p.evidence,
                "evidence_url": p.evidence_url,
                "measures": sorted(m.code or m.title for m in p.measures.all()),
            }
            for p in charter.priorities.filter(active=True).prefetch_related("measures")
        ],
    }


@transaction.atomic
def record_charter_version(charter: Charter, user, note: str = "") -> CharterVersion:
    """Number the charter as it now stands and keep a copy, so earlier versions can be read."""
    charter = Charter.objects.select_for_update().get(pk=charter.pk)
    charter.version += 1
    charter.updated_at = timezone.now()
    charter.updated_by = user
    charter.save(update_fields=["version", "updated_at", "updated_by"])
    return CharterVersion.objects.create(
        charter=charter,
        number=charter.version,
        snapshot=charter_snapshot(charter),
        note=note,
        created_by=user,
    )


def rerank(charter: Charter, placed: Priority | None = None) -> None:
    """Number the active priorities 1, 2, 3 with no gaps, `placed` at the rank it was given."""
    others = list(
        charter.priorities.filter(active=True)
        .exclude(pk=placed.pk if placed else None)
        .order_by("rank", "id")
    )
    if placed is not None and placed.active:
        others.insert(max(0, min(placed.rank - 1, len(others))), placed)
    for rank, priority in enumerate(others, 1):
        if priority.rank != rank or priority is placed:
            Priority.objects.filter(pk=priority.pk).update(rank=rank)


def core_charter(charter: Charter | None) -> scoring.Charter | None:
    if charter is None:
        return None
    return scoring.Charter(
        minimum_social_value_weight=float(charter.minimum_social_value_weight),
        threshold=float(charter.threshold),
        minimum_outcomes=charter.minimum_outcomes,
    )


def organisation_charter(organisation_id: int) -> Charter | None:
    return Charter.objects.filter(organisation_id=organisation_id).first()


# --------------------------------------------------------------------------------------------
# Procurements and the tender file format


def own_procurement(actor, procurement_id: int, role: str = "viewer") -> Procurement:
    """A procurement the actor's organisation runs, where it holds `role`.

    Another council's published notice is visible to everyone, but it is a 404 for anything
    only its own council may do.
    """
    procurement = get_visible_or_404(Procurement, actor, pk=procurement_id)
    if procurement.organisation_id not in actor.organisation_ids:
        raise Http404("No procurement found.")
    require_role(actor, procurement, role)
    return procurement


def charter_breaches(procurement: Procurement) -> list[str]:
    """The charter's breaches by this procurement as it stands; empty when it complies."""
    charter = core_charter(organisation_charter(procurement.organisation_id))
    if charter is None:
        return []
    return scoring.check_charter(
        charter,
        social_value_weight=float(procurement.weight_social_value),
        outcomes=procurement.outcomes.count(),
        contract_value=(
            float(procurement.estimated_value) if procurement.estimated_value is not None else None
        ),
    )


def model_problems(procurement: Procurement) -> list[Problem]:
    """What stops the evaluation model being scored: the same rules as the tender file."""
    problems = []
    weights = (
        procurement.weight_price + procurement.weight_quality + procurement.weight_social_value
    )
    if abs(weights - 100) > Decimal("0.000001"):
        problems.append(
            Problem(
                "weights",
                f"price, quality and social value add up to {_plain(weights)}%, not 100%",
            )
        )
    criteria = list(procurement.criteria.all())
    quality = sum((c.weight for c in criteria), Decimal(0))
    if procurement.weight_quality and abs(quality - procurement.weight_quality) > Decimal(
        "0.000001"
    ):
        problems.append(
            Problem(
                "quality",
                f"the criteria's weights add up to {_plain(quality)}, not the quality weight "
                f"{_plain(procurement.weight_quality)}",
            )
        )
    split = procurement.social_value_qualitative + procurement.social_value_quantitative
    if abs(split - 100) > Decimal("0.000001"):
        problems.append(
            Problem(
                "social_value",
                f"the method statement and commitments shares add up to {_plain(split)}%, not 100%",
            )
        )
    return problems


def _plain(value: Decimal | float) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def tender_data(
    procurement: Procurement, bids: Iterable[Bid] | None = None, *, with_charter: bool = True
) -> dict[str, Any]:
    """The procurement (and its submitted bids, with moderated scores) in the tender file format."""
    criteria = list(procurement.criteria.all())
    data: dict[str, Any] = {"title": procurement.title}
    if procurement.estimated_value is not None:
        data["contract_value"] = _plain(procurement.estimated_value)
    data["max_score"] = _plain(procurement.max_score)
    data["weights"] = {
        "price": _plain(procurement.weight_price),
        "quality": _plain(procurement.weight_quality),
        "social_value": _plain(procurement.weight_social_value),
    }
    data["price"] = {"method": procurement.price_method}
    data["quality"] = [{"id": c.code, "name": c.name, "weight": _plain(c.weight)} for c in criteria]
    data["social_value"] = {
        "qualitative": _plain(procurement.social_value_qualitative),
        "quantitative": _plain(procurement.social_value_quantitative),
        "outcomes": [o.code for o in procurement.outcomes.all()],
    }
    charter = organisation_charter(procurement.organisation_id) if with_charter else None
    if charter is not None:
        data["charter"] = {
            "minimum_social_value_weight": _plain(charter.minimum_social_value_weight),
            "threshold": _plain(charter.threshold),
            "minimum_outcomes": charter.minimum_outcomes,
        }
    if bids is None:
        bids = submitted_bids(procurement)
    data["bids"] = [_bid_data(bid, criteria) for bid in bids]
    return data


def submitted_bids(procurement: Procurement):
    return (
        procurement.bids.filter(submitted_at__isnull=False)
        .prefetch_related("commitments", "moderated_scores")
        .order_by("created_at", "id")
    )


def _bid_data(bid: Bid, criteria: Sequence[QualityCriterion]) -> dict[str, Any]:
    moderated = {m.criterion: m.score for m in bid.moderated_scores.all()}
    item: dict[str, Any] = {
        "bidder": bid.bidder_name,
        "price": _plain(bid.price),
        "quality": {c.code: _plain(moderated[c.code]) for c in criteria if c.code in moderated},
    }
    if METHOD_STATEMENT in moderated:
        item["social_value_score"] = _plain(moderated[METHOD_STATEMENT])
    item["commitments"] = [
        {
            "measure": c.measure.code if c.measure_id and c.measure.code else c.description,
            "quantity": _plain(c.quantity),
            "proxy_value": _plain(c.proxy_value),
        }
        for c in bid.commitments.all()
    ]
    return item


def missing_scores(procurement: Procurement, bids: Sequence[Bid]) -> list[Problem]:
    """A problem for every submitted bid and criterion still without a moderated score."""
    criteria = [(c.code, c.name) for c in procurement.criteria.all()]
    criteria.append((METHOD_STATEMENT, "Social value method statement"))
    problems = []
    for bid in bids:
        scored = {m.criterion for m in bid.moderated_scores.all()}
        absent = [name for code, name in criteria if code not in scored]
        if absent:
            problems.append(
                Problem(bid.bidder_name, "no moderated score yet for " + ", ".join(absent))
            )
    return problems


@dataclass(frozen=True)
class Evaluation:
    """The core's evaluation of a procurement, with the bids it scored in the same order."""

    result: scoring.TenderEvaluation
    bids: list[Bid]
    tender: scoring.Tender

    def to_dict(self) -> dict[str, Any]:
        return self.result.to_dict()


def evaluate(procurement: Procurement) -> Evaluation:
    """Score the submitted bids with their moderated scores; InputError says what is missing."""
    bids = list(submitted_bids(procurement))
    problems = model_problems(procurement)
    if not bids:
        problems.append(Problem("bids", "no bid has been submitted yet"))
    problems += missing_scores(procurement, bids)
    if problems:
        raise InputError(problems)
    tender = scoring.load_tender(tender_data(procurement, bids))
    return Evaluation(result=scoring.evaluate(tender), bids=bids, tender=tender)


@transaction.atomic
def publish(procurement: Procurement, user) -> Procurement:
    if procurement.state != Procurement.State.DRAFT:
        raise WrongState(
            f"Only a draft can be published; this procurement is {procurement.get_state_display().lower()}."
        )
    problems = model_problems(procurement)
    if problems:
        raise InputError(problems)
    breaches = charter_breaches(procurement)
    if breaches:
        raise CharterBreach(breaches)
    procurement.state = Procurement.State.PUBLISHED
    procurement.published_at = timezone.now()
    procurement.updated_at = procurement.published_at
    procurement.save()
    return procurement


@transaction.atomic
def move_to(procurement: Procurement, state: str) -> Procurement:
    """Close bidding (evaluating), reopen it, or cancel; awarding has its own step."""
    allowed = {
        Procurement.State.PUBLISHED: {Procurement.State.EVALUATING, Procurement.State.CANCELLED},
        Procurement.State.EVALUATING: {Procurement.State.PUBLISHED, Procurement.State.CANCELLED},
        Procurement.State.DRAFT: {Procurement.State.CANCELLED},
    }
    if state not in allowed.get(procurement.state, set()):
        raise WrongState(
            f"A {procurement.get_state_display().lower()} procurement cannot become "
            f"{Procurement.State(state).label.lower()}."
        )
    procurement.state = state
    procurement.updated_at = timezone.now()
    procurement.save(update_fields=["state", "updated_at"])
    return procurement


@transaction.atomic
def award(
    procurement: Procurement,
    bid: Bid,
    user,
    *,
    start_date: date,
    end_date: date,
    reporting_frequency: str | None = None,
):
    """Award the procurement to a submitted bid: a contract with the bid's commitments."""
    from socialvalue.web.contracts.services import create_contract

    if procurement.state not in (Procurement.State.PUBLISHED, Procurement.State.EVALUATING):
        raise WrongState(
            f"Only a published procurement can be awarded; this one is "
            f"{procurement.get_state_display().lower()}."
        )
    if bid.procurement_id != procurement.id or not bid.is_submitted:
        raise WrongState("That bid is not a submitted bid for this procurement.")
    if end_date <= start_date:
        raise InputError(Problem("end_date", "the contract must end after it starts"))
    options = {"reporting_frequency": reporting_frequency} if reporting_frequency else {}
    contract = create_contract(
        procurement=procurement, bid=bid, start_date=start_date, end_date=end_date, **options
    )
    procurement.state = Procurement.State.AWARDED
    procurement.awarded_bid = bid
    procurement.awarded_at = timezone.now()
    procurement.updated_at = procurement.awarded_at
    procurement.save(update_fields=["state", "awarded_bid", "awarded_at", "updated_at"])
    return contract


# --------------------------------------------------------------------------------------------
# Bids and scores


def commitment_from_measure(measure, quantity: Decimal, **fields: Any) -> BidCommitment:
    """A commitment valued with the measure's own proxy, source and price year."""
    return BidCommitment(
        measure=measure,
        description=fields.pop("description", "") or measure.title,
        unit=measure.unit,
        quantity=quantity,
        proxy_value=measure.proxy_value if measure.proxy_value is not None else Decimal(0),
        proxy_source=measure.source,
        price_year=measure.price_year,
        value_type=measure.value_type,
        **fields,
    )


def default_priority(procurement: Procurement, measure) -> Priority | None:
    """The charter priority a commitment to `measure` serves, when the bidder does not say.

    The outcome the procurement asked for with that measure names it first; otherwise the buyer's
    highest-ranked active priority that lists the measure.
    """
    asked = procurement.outcomes.filter(measure=measure, priority__isnull=False).first()
    if asked is not None:
        return asked.priority
    return (
        Priority.objects.filter(
            organisation_id=procurement.organisation_id, active=True, measures=measure
        )
        .order_by("rank")
        .first()
    )


@transaction.atomic
def submit_bid(bid: Bid) -> Bid:
    if not bid.procurement.accepts_bids:
        raise WrongState("This procurement is not taking bids.")
    bid.submitted_at = timezone.now()
    bid.save(update_fields=["submitted_at"])
    return bid


def criteria_of(procurement: Procurement) -> list[tuple[str, str]]:
    """(key, name) of everything an evaluator scores: each quality criterion, then the method statement."""
    keys = [(c.code, c.name) for c in procurement.criteria.all()]
    return keys + [(METHOD_STATEMENT, "Social value method statement")]


def check_scores(procurement: Procurement, scores: Mapping[str, Decimal]) -> None:
    """Every key a criterion of the procurement and every score on its scale, or InputError naming each."""
    known = dict(criteria_of(procurement))
    problems = []
    for key, value in scores.items():
        if key not in known:
            problems.append(Problem(key, "is not a criterion of this procurement"))
        elif not 0 <= value <= procurement.max_score:
            problems.append(
                Problem(
                    known[key],
                    f"{_plain(value)} is not between 0 and {_plain(procurement.max_score)}",
                )
            )
    if problems:
        raise InputError(problems)


@transaction.atomic
def record_scores(
    bid: Bid, evaluator, scores: Mapping[str, Decimal], comments: Mapping[str, str] | None = None
) -> None:
    """One evaluator's scores for a bid; a second entry by the same evaluator replaces theirs."""
    check_scores(bid.procurement, scores)
    for key, value in scores.items():
        EvaluatorScore.objects.update_or_create(
            bid=bid,
            evaluator=evaluator,
            criterion=key,
            defaults={
                "score": value,
                "comment": (comments or {}).get(key, ""),
                "scored_at": timezone.now(),
            },
        )


def suggested_moderation(bid: Bid) -> dict[str, Decimal]:
    """The evaluators' median for each criterion: where moderation starts, not where it must end."""
    by_key: dict[str, list[Decimal]] = {}
    for score in bid.evaluator_scores.all():
        by_key.setdefault(score.criterion, []).append(score.score)
    return {key: Decimal(str(statistics.median(values))) for key, values in by_key.items()}


@transaction.atomic
def moderate(
    bid: Bid, moderator, scores: Mapping[str, Decimal], rationale: Mapping[str, str] | None = None
) -> None:
    check_scores(bid.procurement, scores)
    for key, value in scores.items():
        ModeratedScore.objects.update_or_create(
            bid=bid,
            criterion=key,
            defaults={
                "score": value,
                "rationale": (rationale or {}).get(key, ""),
                "moderated_by": moderator,
                "moderated_at": timezone.now(),
            },
        )


# --------------------------------------------------------------------------------------------
# Importing a tender file


def unique_code(text: str, taken: set[str]) -> str:
    base = slugify(text)[:50] or "item"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    taken.add(code)
    return code


@transaction.atomic
def import_tender(organisation, data: Any, user) -> Procurement:
    """A draft procurement (and its bids, scores and commitments) from a tender file; all or nothing.

    The file's `charter` section is not imported: a procurement is always checked against its own
    organisation's charter. Bids become commissioner-entered, submitted bids whose file scores are
    the moderated scores. A commitment whose `measure` matches the code of a measure the
    organisation can use is linked to it; the file's proxy value is kept either way.
    """
    from socialvalue.web.measures.models import Measure

    tender = scoring.load_tender(data)
    procurement = Procurement.objects.create(
        organisation=organisation,
        title=tender.title,
        estimated_value=(
            Decimal(str(tender.contract_value)) if tender.contract_value is not None else None
        ),
        max_score=Decimal(str(tender.max_score)),
        weight_price=Decimal(str(tender.weights.price)),
        weight_quality=Decimal(str(tender.weights.quality)),
        weight_social_value=Decimal(str(tender.weights.social_value)),
        price_method=tender.price_method,
        social_value_qualitative=Decimal(str(tender.social_value.qualitative)),
        social_value_quantitative=Decimal(str(tender.social_value.quantitative)),
        created_by=user,
    )
    for position, criterion in enumerate(tender.quality):
        QualityCriterion.objects.create(
            procurement=procurement,
            code=criterion.id,
            name=criterion.name,
            weight=Decimal(str(criterion.weight)),
            position=position,
        )
    for position, outcome in enumerate(tender.social_value.outcomes):
        RequestedOutcome.objects.create(
            procurement=procurement, code=outcome[:60], title=outcome, position=position
        )
    codes = {c.measure for b in tender.bids for c in b.commitments}
    measures = {
        m.code: m
        for m in Measure.objects.filter(code__in=codes).filter(value_set__organisation__isnull=True)
    }
    measures.update(
        {
            m.code: m
            for m in Measure.objects.filter(code__in=codes, value_set__organisation=organisation)
        }
    )
    now = timezone.now()
    for bid_data in tender.bids:
        bid = Bid.objects.create(
            procurement=procurement,
            bidder_name=bid_data.bidder,
            price=Decimal(str(bid_data.price)),
            entered_by_commissioner=True,
            created_by=user,
            submitted_at=now,
        )
        for key, value in bid_data.quality.items():
            ModeratedScore.objects.create(
                bid=bid, criterion=key, score=Decimal(str(value)), moderated_by=user
            )
        ModeratedScore.objects.create(
            bid=bid,
            criterion=METHOD_STATEMENT,
            score=Decimal(str(bid_data.social_value_score)),
            moderated_by=user,
        )
        for position, commitment in enumerate(bid_data.commitments):
            measure = measures.get(commitment.measure)
            BidCommitment.objects.create(
                bid=bid,
                measure=measure,
                description=measure.title if measure else commitment.measure,
                unit=measure.unit if measure else "",
                quantity=Decimal(str(commitment.quantity)),
                proxy_value=Decimal(str(commitment.proxy_value)),
                proxy_source=(measure.source if measure else "From the imported tender file"),
                price_year=measure.price_year if measure else None,
                value_type=measure.value_type if measure else "",
                position=position,
            )
    return procurement
