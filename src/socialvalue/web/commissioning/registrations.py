"""What the commissioning app adds, once every app is loaded: its models in the audit trail, navigation, the demo, first steps, where measures are used and how an award's contract is made."""

from __future__ import annotations

from socialvalue.web import demo, navigation, onboarding
from socialvalue.web.audit.registry import audit
from socialvalue.web.measures.usage import Use, add_use_finder, count
from socialvalue.web.tenancy import visible

from . import notices
from .demo import load_demo_commissioning
from .models import (
    AssessmentSummary,
    AwardDecision,
    Bid,
    BidCommitment,
    Charter,
    CharterVersion,
    EvaluatorScore,
    ModeratedScore,
    Priority,
    Procurement,
    ProcurementQuestion,
    QualityCriterion,
    RequestedOutcome,
)


def register() -> None:
    audit(Charter, exclude=("updated_at", "version"))
    audit(Priority)
    audit(Procurement, exclude=("updated_at",))
    audit(Bid, organisation=lambda bid: bid.procurement.organisation)
    audit(ModeratedScore, organisation=lambda score: score.bid.procurement.organisation)
    # The saved version's snapshot repeats the charter and priorities, whose own events
    # carry the changes: the version's event says who saved it and why.
    audit(CharterVersion, organisation=lambda v: v.charter.organisation, exclude=("snapshot",))
    audit(QualityCriterion, organisation=lambda c: c.procurement.organisation)
    audit(RequestedOutcome, organisation=lambda o: o.procurement.organisation)
    audit(BidCommitment, organisation=lambda c: c.bid.procurement.organisation)
    audit(EvaluatorScore, organisation=lambda score: score.bid.procurement.organisation)
    audit(AwardDecision, organisation=lambda decision: decision.procurement.organisation)
    # The summary's content is written once, from the moderated scores the trail already holds.
    audit(
        AssessmentSummary,
        organisation=lambda summary: summary.decision.procurement.organisation,
        exclude=("content",),
    )
    audit(ProcurementQuestion, organisation=lambda question: question.procurement.organisation)
    navigation.add("Charter", "commissioning:charter", order=30, shown=navigation.is_commissioner)
    navigation.add("Procurements", "commissioning:procurements", order=32)
    demo.add_loader(load_demo_commissioning)
    notices.listen()

    def charter(org) -> str:
        has_charter = Charter.objects.filter(organisation=org).exists()
        ranked = Priority.objects.filter(organisation=org, active=True).exists()
        return onboarding.done_if(has_charter and ranked, started=has_charter or ranked)

    onboarding.add(
        "charter",
        "Set your charter and rank your local priorities",
        hint="The minimum social value weighting, thresholds and the priorities bids answer.",
        url_name="commissioning:charter",
        order=30,
        kinds=(onboarding.COMMISSIONER,),
        status=charter,
    )
    onboarding.add(
        "procurement",
        "Draft a first procurement",
        hint="Its evaluation model, with the social value weighting and the outcomes asked for.",
        url_name="commissioning:procurements",
        order=40,
        kinds=(onboarding.COMMISSIONER,),
        status=lambda org: onboarding.done_if(
            Procurement.objects.filter(organisation=org).exists()
        ),
    )
    add_use_finder("commissioning", _uses_of_measure, order=30)


def _uses_of_measure(measure, actor) -> list[Use]:
    bids = BidCommitment.objects.filter(measure=measure, bid__in=visible(Bid, actor)).count()
    return [Use(count(bids, "bid commitment", "bid commitments"))] if bids else []
