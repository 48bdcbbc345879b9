"""Commissioning objects for tests: a council's charter, procurements and bids."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from socialvalue.web.accounts.models import Organisation
from socialvalue.web.commissioning import services
from socialvalue.web.commissioning.models import (
    METHOD_STATEMENT,
    Bid,
    ModeratedScore,
    Priority,
    Procurement,
    QualityCriterion,
    RequestedOutcome,
)
from socialvalue.web.measures.models import Measure
from tests.factories import OrganisationFactory


def make_commissioner(organisation: Organisation) -> Organisation:
    organisation.kind = Organisation.Kind.COMMISSIONER
    organisation.organisation_type = Organisation.Type.LOCAL_AUTHORITY
    organisation.save()
    return organisation


def charter(
    organisation: Organisation, *, minimum_weight=10, threshold=100_000, minimum_outcomes=1
):
    make_commissioner(organisation)
    charter = services.charter_for(organisation)
    charter.minimum_social_value_weight = Decimal(minimum_weight)
    charter.threshold = Decimal(threshold)
    charter.minimum_outcomes = minimum_outcomes
    charter.save()
    Priority.objects.get_or_create(
        organisation=organisation, charter=charter, rank=1, defaults={"title": "Good local jobs"}
    )
    return charter


def procurement(
    organisation: Organisation,
    *,
    state: str = Procurement.State.DRAFT,
    weights=(40, 45, 15),
    outcomes: int = 1,
    value=1_000_000,
) -> Procurement:
    make_commissioner(organisation)
    price, quality, social_value = weights
    procurement = Procurement.objects.create(
        organisation=organisation,
        title="Homecare in the north",
        estimated_value=Decimal(value),
        weight_price=price,
        weight_quality=quality,
        weight_social_value=social_value,
    )
    QualityCriterion.objects.create(
        procurement=procurement,
        code="q1",
        name="Person-centred care",
        weight=Decimal(quality) * 5 / 9,
        position=0,
    )
    QualityCriterion.objects.create(
        procurement=procurement,
        code="q2",
        name="Safeguarding",
        weight=Decimal(quality) * 4 / 9,
        position=1,
    )
    for n in range(outcomes):
        RequestedOutcome.objects.create(
            procurement=procurement, code=f"outcome-{n + 1}", title=f"Outcome {n + 1}", position=n
        )
    if state != Procurement.State.DRAFT:
        Procurement.objects.filter(pk=procurement.pk).update(state=state)
        procurement.refresh_from_db()
    return procurement


def valued_measure(code: str = "SV-EMP-02") -> Measure:
    return Measure.objects.get(code=code, value_set__origin="built_in")


def bid(
    procurement: Procurement,
    name: str,
    price,
    scores=(4, 3, 4),
    commitments=(("SV-EMP-02", 2),),
    *,
    bidder: Organisation | None = None,
) -> Bid:
    bid = Bid.objects.create(
        procurement=procurement,
        bidder=bidder,
        bidder_name=name,
        price=Decimal(price),
        entered_by_commissioner=bidder is None,
    )
    for position, (code, quantity) in enumerate(commitments):
        commitment = services.commitment_from_measure(
            valued_measure(code), Decimal(quantity), position=position
        )
        commitment.bid = bid
        commitment.save()
    keys = [c.code for c in procurement.criteria.all()] + [METHOD_STATEMENT]
    for key, score in zip(keys, scores, strict=True):
        ModeratedScore.objects.create(bid=bid, criterion=key, score=Decimal(score))
    Bid.objects.filter(pk=bid.pk).update(
        submitted_at=timezone.now() if procurement.accepts_bids else "2026-01-01T00:00:00Z"
    )
    bid.refresh_from_db()
    return bid


def three_bids(procurement: Procurement) -> list[Bid]:
    provider = OrganisationFactory(name="Brightcare Ltd", slug="brightcare-ltd")
    return [
        bid(
            procurement, "Brightcare Ltd", 950_000, (4, 4, 4), (("SV-EMP-02", 3),), bidder=provider
        ),
        bid(procurement, "Carewell", 900_000, (3, 3, 3), (("SV-EMP-02", 1),)),
        bid(procurement, "Homeside", 1_000_000, (5, 4, 5), (("SV-EMP-02", 4), ("SV-HSC-02", 10))),
    ]
