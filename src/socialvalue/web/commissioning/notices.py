"""What bidders and the council are told about an award: each bid's outcome, a withdrawn
decision, the end of a standstill period and the contract entered into.

The receivers listen to `signals` (sent once the change is saved), so a notification or email
that fails never undoes an award. Each event is keyed by the decision, so it is told once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from socialvalue.web.notifications import services as notifications
from socialvalue.web.notifications.models import Kind

from . import signals
from .models import AwardDecision


def _summary_link(bid: Any) -> str:
    return reverse("commissioning:assessment_summary", kwargs={"bid_id": bid.pk})


def _bids_of_registered_bidders(decision: AwardDecision):
    return decision.procurement.bids.filter(bidder__isnull=False).select_related("bidder")


def tell_bidders_the_outcome(sender: Any, decision: AwardDecision, **kwargs: Any) -> None:
    """Every registered bidder: awarded or not successful, with a link to its assessment summary."""
    title = decision.procurement.title
    for bid in _bids_of_registered_bidders(decision):
        outcome = "awarded" if bid.pk == decision.bid_id else "not successful"
        ends = decision.standstill_ends
        standstill = f" The standstill period ends on {ends:%-d %B %Y}." if ends else ""
        notifications.award_event(
            Kind.BID_OUTCOME,
            bid.bidder,
            title=f"Your bid for {title}: {outcome}.{standstill} Read your assessment summary.",
            link=_summary_link(bid),
            key=f"bid-outcome:{bid.pk}:{decision.pk}",
        )


def tell_bidders_of_the_withdrawal(sender: Any, decision: AwardDecision, **kwargs: Any) -> None:
    title = decision.procurement.title
    for bid in _bids_of_registered_bidders(decision):
        notifications.award_event(
            Kind.BID_OUTCOME,
            bid.bidder,
            title=f"The award decision on {title} was withdrawn: the bids are being evaluated again.",
            link=reverse("commissioning:bid", kwargs={"bid_id": bid.pk}),
            key=f"award-withdrawn:{bid.pk}:{decision.pk}",
        )


def tell_of_the_contract(
    sender: Any, decision: AwardDecision, contract: Any, **kwargs: Any
) -> None:
    """The council and the winning bidder: the contract is entered into."""
    link = reverse("contracts:detail", kwargs={"contract_id": contract.pk})
    parties = [decision.procurement.organisation]
    if decision.bid.bidder is not None:
        parties.append(decision.bid.bidder)
    for organisation in parties:
        notifications.award_event(
            Kind.CONTRACT_ENTERED,
            organisation,
            title=f"Contract entered into: {contract.title}.",
            link=link,
            key=f"contract-entered:{decision.pk}:{organisation.pk}",
        )


def tell_councils_of_standstills_ended(today: dt.date) -> int:
    """Each council whose standstill period ended before `today`: the contract may be entered.

    Run by the daily job with the reminders; keyed by the decision, so told once.
    """
    told = 0
    ended = AwardDecision.objects.filter(
        state=AwardDecision.State.STANDSTILL, standstill_ends__lt=today
    ).select_related("procurement__organisation")
    for decision in ended:
        procurement = decision.procurement
        told += len(
            notifications.award_event(
                Kind.STANDSTILL_ENDED,
                procurement.organisation,
                title=f"The standstill period on {procurement.title} has ended: "
                "the contract can be entered into.",
                link=reverse(
                    "commissioning:procurement", kwargs={"procurement_id": procurement.pk}
                ),
                key=f"standstill-ended:{decision.pk}",
            )
        )
    return told


def listen() -> None:
    signals.award_decided.connect(tell_bidders_the_outcome, dispatch_uid="notice-award-decided")
    signals.award_withdrawn.connect(
        tell_bidders_of_the_withdrawal, dispatch_uid="notice-award-withdrawn"
    )
    signals.contract_entered.connect(tell_of_the_contract, dispatch_uid="notice-contract-entered")
