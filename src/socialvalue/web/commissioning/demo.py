"""Demo data for commissioning: Riverside's charter, two awarded procurements and one open for bids.

The two awarded procurements (homecare to Meridian, supported living to Brightwater) become
contracts through the award itself, so their commitments are the winning bids' commitments.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from socialvalue.web.accounts.models import Organisation, User
from socialvalue.web.measures.models import Measure
from socialvalue.web.tenancy import Actor

from . import services
from .models import (
    Bid,
    EvaluatorScore,
    ModeratedScore,
    Priority,
    Procurement,
    QualityCriterion,
    RequestedOutcome,
)

PRINCIPLES = (
    "Every pound Riverside spends on care should also build a fairer, healthier borough.\n"
    "We ask every provider for social value that answers our residents' needs, not generic "
    "offers; we value what is measured and verified, and we publish what our contracts deliver "
    "each year."
)

PRIORITIES = [
    (
        "Good local jobs in care",
        "More Riverside residents in secure, fairly paid care work, including people furthest "
        "from work.",
        "Riverside care workforce review 2024: one in nine care posts vacant; residents on "
        "out-of-work benefits concentrated in Riverside North.",
        ["SV-EMP-01", "SV-LOC-05", "SV-SKL-01"],
    ),
    (
        "Fewer avoidable hospital admissions",
        "Support that keeps older residents well at home.",
        "Joint strategic needs assessment 2025: emergency admissions of over-75s 14% above the "
        "regional rate.",
        ["SV-HSC-01", "SV-HSC-02"],
    ),
    (
        "Less loneliness among older and disabled residents",
        "Connection, volunteering and community activity.",
        "Residents' survey 2024: 31% of over-65s feel lonely often or always.",
        ["SV-LON-02", "SV-VOL-01"],
    ),
    (
        "Lower-carbon care",
        "Cut travel and energy emissions in care delivery.",
        "Riverside climate emergency declaration, 2019; net zero target 2035.",
        ["SV-ENV-01"],
    ),
]

#: Two procurements already awarded and one open for bids; weights are (price, quality, social value).
PROCUREMENTS = [
    {
        "reference": "RBC-2024-017",
        "title": "Homecare for older people in Riverside North",
        "category": "Homecare",
        "description": "Personal care and support at home for about 180 older people a week.",
        "estimated_value": Decimal(1_800_000),
        "closing_date": dt.date(2025, 1, 31),
        "contract_start": dt.date(2025, 4, 1),
        "contract_end": dt.date(2028, 3, 31),
        "weights": (40, 45, 15),
        "criteria": [("Person-centred care", 25), ("Workforce and continuity of care", 20)],
        "outcomes": [
            ("Residents supported from benefits into care work", 1, "SV-EMP-02"),
            ("Emergency admissions avoided", 2, "SV-HSC-02"),
        ],
        "bids": [
            (
                "meridian",
                Decimal(1_720_000),
                (4, 4, 4),
                [("SV-EMP-02", 6), ("SV-HSC-02", 40), ("SV-VOL-01", 1500)],
            ),
            ("brightwater", Decimal(1_790_000), (4, 3, 4), [("SV-EMP-02", 4), ("SV-HSC-02", 30)]),
            (
                "oakways",
                Decimal(1_850_000),
                (3, 4, 3),
                [("SV-EMP-02", 3), ("SV-HSC-02", 25), ("SV-ENV-01", 20)],
            ),
        ],
        "state": "awarded",
    },
    {
        "reference": "RBC-2024-031",
        "title": "Supported living for adults with learning disabilities",
        "category": "Supported living",
        "description": "Support in 14 shared and self-contained homes across the borough.",
        "estimated_value": Decimal(2_400_000),
        "closing_date": dt.date(2025, 4, 30),
        "contract_start": dt.date(2025, 7, 1),
        "contract_end": dt.date(2028, 6, 30),
        "weights": (40, 40, 20),
        "criteria": [("Person-centred support", 20), ("Safeguarding", 20)],
        "outcomes": [
            ("Less loneliness for tenants", 3, "SV-LON-02"),
            ("Volunteering in the community", 3, "SV-VOL-01"),
        ],
        "bids": [
            (
                "brightwater",
                Decimal(2_350_000),
                (5, 4, 5),
                [("SV-LON-02", 12), ("SV-VOL-01", 2400), ("SV-EMP-02", 3)],
            ),
            ("oakways", Decimal(2_280_000), (3, 4, 3), [("SV-LON-02", 6), ("SV-VOL-01", 1200)]),
            ("meridian", Decimal(2_420_000), (4, 3, 3), [("SV-LON-02", 8), ("SV-VOL-01", 800)]),
        ],
        "state": "awarded",
    },
    {
        "reference": "RBC-2026-004",
        "title": "Carers' breaks and community support",
        "category": "Carers' support",
        "description": "Short breaks, advice and peer support for unpaid carers.",
        "estimated_value": Decimal(650_000),
        "closing_date": dt.date(2027, 1, 29),
        "contract_start": dt.date(2027, 4, 1),
        "contract_end": dt.date(2030, 3, 31),
        "weights": (40, 40, 20),
        "criteria": [("Carer-led design", 25), ("Partnership working", 15)],
        "outcomes": [
            ("Wellbeing of unpaid carers", 3, "SV-CAR-03"),
            ("Lower-carbon delivery", 4, "SV-ENV-01"),
        ],
        "bids": [],
        "state": "published",
    },
]


def _measures() -> dict[str, Measure]:
    return {m.code: m for m in Measure.objects.filter(value_set__origin="built_in")}


def load_demo_commissioning() -> None:
    riverside = Organisation.objects.filter(slug="riverside").first()
    if riverside is None:
        return
    measures = _measures()
    commissioner = User.objects.filter(email="commissioner@riverside.example").first()
    champion = User.objects.filter(email="champion@riverside.example").first()
    charter = services.charter_for(riverside)
    if not charter.versions.exists():
        charter.principles = PRINCIPLES
        charter.minimum_social_value_weight = Decimal(10)
        charter.threshold = Decimal(100_000)
        charter.minimum_outcomes = 1
        charter.save()
        for rank, (title, description, evidence, codes) in enumerate(PRIORITIES, 1):
            priority = Priority.objects.create(
                organisation=riverside,
                charter=charter,
                rank=rank,
                title=title,
                description=description,
                evidence=evidence,
            )
            priority.measures.set([measures[c] for c in codes if c in measures])
        services.record_charter_version(charter, commissioner, "First charter")
    priorities = {p.rank: p for p in charter.priorities.all()}
    for spec in PROCUREMENTS:
        if not Procurement.objects.filter(
            organisation=riverside, reference=spec["reference"]
        ).exists():
            _procurement(riverside, spec, priorities, measures, commissioner, champion)


def _procurement(riverside, spec, priorities, measures, commissioner, champion) -> None:
    price, quality, social_value = spec["weights"]
    procurement = Procurement.objects.create(
        organisation=riverside,
        reference=spec["reference"],
        title=spec["title"],
        description=spec["description"],
        category=spec["category"],
        estimated_value=spec["estimated_value"],
        closing_date=spec["closing_date"],
        contract_start=spec["contract_start"],
        contract_end=spec["contract_end"],
        weight_price=price,
        weight_quality=quality,
        weight_social_value=social_value,
        created_by=commissioner,
    )
    for position, (name, weight) in enumerate(spec["criteria"]):
        QualityCriterion.objects.create(
            procurement=procurement,
            code=services.unique_code(name, set()),
            name=name,
            weight=weight,
            position=position,
        )
    for position, (title, rank, code) in enumerate(spec["outcomes"]):
        RequestedOutcome.objects.create(
            procurement=procurement,
            code=services.unique_code(title, set()),
            title=title,
            priority=priorities.get(rank),
            measure=measures.get(code),
            position=position,
        )
    actor = Actor.for_user(commissioner)
    services.publish(procurement=procurement, actor=actor)
    criteria = [c.code for c in procurement.criteria.all()]
    bids = []
    for slug, price_offered, scores, offered in spec["bids"]:
        bidder = Organisation.objects.get(slug=slug)
        bid = Bid.objects.create(
            procurement=procurement,
            bidder=bidder,
            bidder_name=bidder.name,
            price=price_offered,
            method_statement=(
                f"{bidder.name} will recruit locally through Riverside's job centres, record "
                "every outcome monthly against the measures below, and report quarterly with "
                "evidence the council can verify."
            ),
            created_by=None,
        )
        for position, (code, quantity) in enumerate(offered):
            commitment = services.commitment_from_measure(
                measures[code],
                Decimal(quantity),
                priority=services.default_priority(procurement, measures[code]),
                position=position,
            )
            commitment.bid = bid
            commitment.save()
        bid.submitted_at = timezone.now()
        bid.save(update_fields=["submitted_at"])
        keys = [*criteria, "social-value"]
        moderated = dict(zip(keys, scores, strict=True))
        for evaluator, shift in ((commissioner, 0), (champion, -1)):
            if evaluator is None:
                continue
            for key, score in moderated.items():
                EvaluatorScore.objects.create(
                    bid=bid,
                    evaluator=evaluator,
                    criterion=key,
                    score=Decimal(max(0, score + shift if key == keys[0] else score)),
                )
        for key, score in moderated.items():
            ModeratedScore.objects.create(
                bid=bid,
                criterion=key,
                score=Decimal(score),
                rationale="Agreed at the moderation meeting.",
                moderated_by=commissioner,
            )
        bids.append(bid)
    if spec["state"] == "awarded":
        services.move_to(procurement=procurement, actor=actor, state=Procurement.State.EVALUATING)
        evaluation = services.evaluate(procurement)
        winner = next(
            bid
            for bid, score in zip(evaluation.bids, evaluation.result.bids, strict=True)
            if score.rank == 1
        )
        # Decided two weeks after bids closed, so the standstill is long over: the contract is
        # entered as the council would have entered it then.
        decided = dt.datetime.combine(
            spec["closing_date"] + dt.timedelta(days=14), dt.time(10), tzinfo=dt.UTC
        )
        services.award(procurement=procurement, actor=actor, bid=winner, at=decided)
        services.enter_contract(
            procurement=procurement,
            actor=actor,
            start_date=spec["contract_start"],
            end_date=spec["contract_end"],
        )
