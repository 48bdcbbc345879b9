"""Assessment summaries: what each bidder is told of an award decision (Procurement Act 2023).

`content` writes, when the decision is made, one bidder's summary as plain data (kept as it was,
whatever changes later): its moderated score on each criterion beside the winning bid's, with
the reasons the evaluators agreed, and the weighted scores of both. `document` turns it into a
report document, so the page, Word, PDF and CSV say the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from socialvalue.core import scoring
from socialvalue.reports.document import (
    Column,
    Document,
    KeyFigure,
    Paragraph,
    Section,
    Table,
)

from .models import METHOD_STATEMENT, AwardDecision, Bid, Procurement


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _scores(bid: Bid) -> dict[str, dict[str, Any]]:
    return {
        m.criterion: {"score": _number(m.score), "reason": m.rationale}
        for m in bid.moderated_scores.all()
    }


def content(
    procurement: Procurement,
    decision: AwardDecision,
    ranked: Sequence[tuple[Bid, scoring.BidScore]],
    bid: Bid,
) -> dict[str, Any]:
    """One bidder's assessment summary as JSON-ready data."""
    by_pk = {b.pk: (b, s) for b, s in ranked}
    own_bid, own = by_pk[bid.pk]
    winner_bid, winner = by_pk[decision.bid_id]
    own_scores, winner_scores = _scores(own_bid), _scores(winner_bid)
    method_weight = (
        procurement.weight_social_value * procurement.social_value_qualitative / Decimal(100)
    )
    criteria = [(c.code, c.name, c.weight) for c in procurement.criteria.all()]
    criteria.append((METHOD_STATEMENT, "Social value method statement", method_weight))
    empty = {"score": None, "reason": ""}
    successful = decision.bid_id == bid.pk
    recommended_pk = decision.recommended_bid_id
    return {
        "procurement": {
            "id": procurement.pk,
            "title": procurement.title,
            "reference": procurement.reference,
            "council": procurement.organisation.name,
        },
        "bid_id": bid.pk,
        "bidder": bid.bidder_name,
        "successful": successful,
        "winner": winner_bid.bidder_name,
        "decided_on": timezone.localdate(decision.decided_at).isoformat(),
        "standstill": decision.get_standstill_display(),
        "standstill_days": decision.standstill_days,
        "standstill_ends": (
            decision.standstill_ends.isoformat() if decision.standstill_ends else None
        ),
        "reason": decision.reason if recommended_pk != decision.bid_id else "",
        "max_score": _number(procurement.max_score),
        "criteria": [
            {
                "key": key,
                "name": name,
                "weight": _number(weight),
                "own": own_scores.get(key, empty),
                "winner": winner_scores.get(key, empty),
            }
            for key, name, weight in criteria
        ],
        "totals": [
            {
                "label": label,
                "weight": weight,
                "own": getattr(own, attr),
                "winner": getattr(winner, attr),
            }
            for label, weight, attr in (
                ("Price", _number(procurement.weight_price), "price_score"),
                ("Quality", _number(procurement.weight_quality), "quality_score"),
                (
                    "Social value: method statement",
                    _number(method_weight),
                    "social_value_qualitative_score",
                ),
                (
                    "Social value: valued commitments",
                    _number(procurement.weight_social_value - method_weight),
                    "social_value_quantitative_score",
                ),
                ("Total", 100.0, "total"),
            )
        ],  # fmt: skip
        "own_rank": own.rank,
        "winner_rank": winner.rank,
        "bids": len(ranked),
        "own_price": own.price,
        "winner_price": winner.price,
    }


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def document(data: dict[str, Any], *, state: str = "") -> Document:
    """The summary as a report document (page, Word, PDF, CSV)."""
    procurement = data["procurement"]
    ends = _date(data.get("standstill_ends"))
    if data["successful"]:
        outcome = (
            f"Your bid was chosen: the council intends to award the contract to {data['bidder']}."
        )
    else:
        outcome = (
            f"Your bid was not successful: the council intends to award the contract to "
            f"{data['winner']}."
        )
    standstill = (
        f"Standstill: {data['standstill']}. It ends at midnight on {ends:%-d %B %Y}; the "
        "contract will not be entered before then."
        if ends
        else "There is no standstill for this light-touch contract."
    )
    overview = [Paragraph(outcome), Paragraph(standstill)]
    if state == AwardDecision.State.WITHDRAWN:
        overview.insert(0, Paragraph("The council has since withdrawn this award decision."))
    if data.get("reason"):
        overview.append(
            Paragraph(
                "The winning bid was not ranked first in the evaluation; the council's reason: "
                + data["reason"]
            )
        )
    out_of = data["max_score"]
    criteria = Table(
        title="Scores on each criterion",
        caption=f"Moderated scores out of {out_of:g}, with the evaluators' agreed reasons.",
        columns=[
            Column("Criterion"),
            Column("Weight (points of 100)", "number"),
            Column("Your score", "number"),
            Column("Reason for your score"),
            Column("Winning bid's score", "number"),
            Column("Reason for the winning bid's score"),
        ],
        rows=[
            [
                c["name"],
                c["weight"],
                c["own"]["score"],
                c["own"]["reason"],
                c["winner"]["score"],
                c["winner"]["reason"],
            ]
            for c in data["criteria"]
        ],
    )
    totals = Table(
        title="Weighted scores",
        caption="Each part out of its weight; the total is out of 100.",
        columns=[
            Column("Part"),
            Column("Weight", "number"),
            Column("Your bid", "number"),
            Column("Winning bid", "number"),
        ],
        rows=[[t["label"], t["weight"], t["own"], t["winner"]] for t in data["totals"]],
    )
    return Document(
        title="Assessment summary",
        subtitle=f"{procurement['title']}: the bid from {data['bidder']}",
        organisation=procurement["council"],
        date=_date(data["decided_on"]),
        slug=f"assessment-summary-{data['bidder']}",
        key_figures=[
            KeyFigure("Your total score", data["totals"][-1]["own"], "number", "out of 100"),
            KeyFigure("Winning total score", data["totals"][-1]["winner"], "number", "out of 100"),
            KeyFigure("Your rank", data["own_rank"], "integer", f"of {data['bids']} bids"),
        ],
        sections=[
            Section("The decision", overview),
            Section("How your bid was assessed", [criteria, totals]),
        ],
        notes=[f"Award decision of {procurement['council']} on {data['decided_on']}."],
    )
