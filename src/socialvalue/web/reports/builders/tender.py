"""Tender reports: a provider's response to a procurement, and the council's evaluation of the bids."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from socialvalue.reports import (
    BulletList,
    Column,
    Document,
    KeyFigure,
    Markdown,
    Paragraph,
    Section,
    Table,
    charts,
)
from socialvalue.reports.formatting import format_value, money, percent
from socialvalue.web.commissioning import services
from socialvalue.web.commissioning.models import Bid, Procurement
from socialvalue.web.tenancy import visible

from ..registry import ReportType, object_parameter, register


def _f(value: Any) -> float:
    return float(value or 0)


def _commitments_table(bid: Any, title: str = "Social value offered") -> Table:
    rows = []
    for c in bid.commitments.select_related("measure__value_set", "priority").order_by(
        "position", "pk"
    ):
        rows.append(
            [
                c.measure.title if c.measure_id else c.description,
                c.unit or (c.measure.unit if c.measure_id else ""),
                _f(c.quantity),
                _f(c.proxy_value),
                c.price_year,
                (c.value_type or "not stated").capitalize(),
                str(c.priority) if c.priority_id else "",
                _f(c.value),
            ]
        )
    return Table(
        title,
        [
            Column("Measure"),
            Column("Unit"),
            Column("Quantity", "number"),
            Column("Proxy", "money_pence"),
            Column("Price year", "year"),
            Column("Value type"),
            Column("Local priority"),
            Column("Value", "money"),
        ],
        rows,
        totals=["Total", "", None, None, None, "", "", sum(r[-1] for r in rows)],
    )


def _sources_table(bid: Any) -> Table:
    return Table(
        "Proxies and their sources",
        [Column("Measure"), Column("Code"), Column("Source"), Column("Licence")],
        [
            [
                c.measure.title if c.measure_id else c.description,
                c.measure.code if c.measure_id else "",
                c.proxy_source or "Not stated",
                c.measure.effective_licence if c.measure_id else "The bidder's own figure",
            ]
            for c in bid.commitments.select_related("measure__value_set").order_by("position", "pk")
        ],
    )


def build_response(*, actor: Any, organisation: Any, progress: Any, bid: Any) -> Document:
    procurement = bid.procurement
    progress(0.3, "Valuing the commitments")
    offered = _commitments_table(bid)
    total = offered.totals[-1] if offered.totals else 0.0
    price = _f(bid.price)
    by_measure = sorted(((r[0], r[-1]) for r in offered.rows), key=lambda p: -p[1])
    key_figures = [
        KeyFigure("Price", price, "money"),
        KeyFigure("Social value offered", total, "money"),
        KeyFigure(
            "Social value as a share of the price", total / price if price else None, "percent"
        ),
        KeyFigure("Commitments", len(offered.rows), "integer"),
    ]
    status = (
        f"Submitted {format_value(timezone.localtime(bid.submitted_at).date(), 'date')}."
        if bid.submitted_at
        else "Not submitted yet: this is a draft."
    )
    sections = [
        Section(
            "Summary",
            [
                Paragraph(
                    f"{bid.bidder_name} offers {money(total)} of social value "
                    f"({percent(total / price) if price else 'n/a'} of its price of {money(price)}) "
                    f"through {len(offered.rows)} {ngettext('commitment', 'commitments', len(offered.rows))}, "
                    f"in response to {procurement.organisation.name}'s tender "
                    f"\u201c{procurement.title}\u201d. {status}"
                ),
                Table(
                    "The tender",
                    [Column("Detail"), Column("Value")],
                    [
                        ["Buyer", procurement.organisation.name],
                        ["Reference", procurement.reference or "None given"],
                        ["Social value weight", f"{_f(procurement.weight_social_value):g}%"],
                        [
                            "Bids close",
                            format_value(procurement.closing_date, "date")
                            if procurement.closing_date
                            else "Not set",
                        ],
                    ],
                ),
            ],
        ),
        Section(
            "Social value offered",
            [
                charts.bar(
                    "Value offered by measure",
                    [name for name, _ in by_measure[:12]],
                    [value for _, value in by_measure[:12]],
                    category_label="Measure",
                    value_label="Value offered",
                ),
                offered,
                Paragraph(
                    "Value = quantity × proxy, in the proxy's price year, with no deduction for "
                    "what would have happened anyway."
                ),
            ],
        ),
        Section(
            "Method statement",
            [Markdown(bid.method_statement)]
            if bid.method_statement.strip()
            else [Paragraph("No method statement has been written yet.")],
        ),
        Section("Sources", [_sources_table(bid)]),
    ]
    progress(1.0, "Response written")
    return Document(
        title=f"Social value response: {procurement.title}",
        subtitle=f"{bid.bidder_name} to {procurement.organisation.name}",
        organisation=bid.bidder_name,
        date=timezone.localdate(),
        key_figures=key_figures,
        sections=sections,
        slug=f"social-value-response-{bid.bidder_name}-{procurement.reference or procurement.pk}",
    )


def build_evaluation(*, actor: Any, organisation: Any, progress: Any, procurement: Any) -> Document:
    progress(0.2, "Scoring the bids")
    evaluation = services.evaluate(procurement)  # InputError names any missing score
    result = evaluation.result
    scores = sorted(result.bids, key=lambda b: (b.rank, b.bidder))
    bids = {b.bidder_name: b for b in evaluation.bids}
    winner = result.winner if isinstance(result.winner, str) else " and ".join(result.winner)
    best = scores[0]
    w_sv = _f(procurement.weight_social_value)
    progress(0.6, "Writing the evaluation")

    key_figures = [
        KeyFigure("Bids evaluated", len(scores), "integer"),
        KeyFigure("Highest total score", best.total, "number", note=f"{winner}, out of 100"),
        KeyFigure("Social value weight", w_sv / 100, "percent"),
        KeyFigure("Social value offered by the winner", best.social_value_offered, "money"),
        KeyFigure("Price of the winning bid", best.price, "money"),
    ]
    score_table = Table(
        "Scores, each out of its weight",
        [
            Column("Rank", "integer"),
            Column("Bidder"),
            Column("Price", "money"),
            Column(f"Price ({_f(procurement.weight_price):g})", "number"),
            Column(f"Quality ({_f(procurement.weight_quality):g})", "number"),
            Column("SV statement", "number"),
            Column("SV offered", "number"),
            Column(f"Social value ({w_sv:g})", "number"),
            Column("Total (100)", "number"),
        ],
        [
            [
                b.rank,
                b.bidder,
                b.price,
                b.price_score,
                b.quality_score,
                b.social_value_qualitative_score,
                b.social_value_quantitative_score,
                b.social_value_score,
                b.total,
            ]
            for b in scores
        ],
    )
    breakdown = charts.stacked_bar(
        "Total score by part",
        [b.bidder for b in scores],
        {
            "Price": [b.price_score for b in scores],
            "Quality": [b.quality_score for b in scores],
            "Social value": [b.social_value_score for b in scores],
        },
        kind="number",
        period_label="Bidder",
        value_label="Score out of 100",
    )
    criteria = list(procurement.criteria.all())
    moderated = Table(
        "Moderated scores",
        [Column("Bidder")]
        + [Column(f"{c.name} (out of {_f(procurement.max_score):g})", "number") for c in criteria]
        + [Column("Social value method statement", "number")],
        [
            [b.bidder]
            + [
                _f(m.score) if (m := _moderated(bids.get(b.bidder), c.code)) else None
                for c in criteria
            ]
            + [
                _f(m.score)
                if (m := _moderated(bids.get(b.bidder), services.METHOD_STATEMENT))
                else None
            ]
            for b in scores
        ],
    )
    offered = Table(
        "Social value offered",
        [
            Column("Bidder"),
            Column("Commitments", "integer"),
            Column("Value offered", "money"),
            Column("Share of price", "percent"),
        ],
        [
            [
                b.bidder,
                bids[b.bidder].commitments.count() if b.bidder in bids else None,
                b.social_value_offered,
                b.social_value_offered_share_of_price,
            ]
            for b in scores
        ],
    )
    sensitivity = Table(
        "Who wins at each social value weight",
        [Column("Social value weight from", "number"), Column("to", "number"), Column("Winner")],
        [
            [
                i.start,
                i.end,
                i.winner if isinstance(i.winner, str) else " and ".join(i.winner),
            ]
            for i in result.sensitivity
        ],
        caption="Price and quality keep their ratio to each other as the social value weight moves.",
    )
    model = BulletList(
        [
            f"Weights: price {_f(procurement.weight_price):g}%, quality {_f(procurement.weight_quality):g}%, "
            f"social value {w_sv:g}%.",
            f"Price is scored as {procurement.get_price_method_display().lower()}.",
            f"Social value: {_f(procurement.social_value_qualitative):g}% for the scored method statement, "
            f"{_f(procurement.social_value_quantitative):g}% for the value offered (each bid's offer "
            "divided by the best offer).",
            f"Quality and the method statement are scored out of {_f(procurement.max_score):g} "
            "by evaluators, then moderated; the moderated score is used.",
        ]
    )
    charter = (
        [Paragraph("The evaluation model meets the council's social value charter.")]
        if result.compliant
        else [
            Paragraph("The evaluation model breaches the council's charter:"),
            BulletList(list(result.breaches)),
        ]
    )
    sections = [
        Section(
            "Summary",
            [
                Paragraph(
                    f"{len(scores)} {ngettext('bid was', 'bids were', len(scores))} evaluated. "
                    f"{winner} ranks first with {format_value(best.total, 'number')} out of 100, "
                    f"offering {money(best.social_value_offered)} of social value "
                    f"({percent(best.social_value_offered_share_of_price)} of its price)."
                ),
                breakdown,
                score_table,
            ],
        ),
        Section("The evaluation model", [model], sections=[Section("Charter", charter)]),
        Section("Quality and method statement", [moderated]),
        Section(
            "Social value offered",
            [offered],
            sections=[
                Section(b.bidder, [_commitments_table(bids[b.bidder], f"Offered by {b.bidder}")])
                for b in scores
                if b.bidder in bids
            ],
        ),
        Section(
            "Sensitivity to the social value weight",
            [
                Paragraph(
                    f"The tender weights social value at {w_sv:g}%. The table shows the bid that "
                    "would win at every other weight, so readers can see how much the outcome "
                    "depends on it."
                ),
                sensitivity,
            ],
        ),
    ]
    progress(1.0, "Evaluation written")
    return Document(
        title=f"Tender evaluation: {procurement.title}",
        subtitle="Price, quality and social value scores of every bid",
        organisation=organisation.name,
        date=timezone.localdate(),
        key_figures=key_figures,
        sections=sections,
        slug=f"tender-evaluation-{procurement.reference or procurement.pk}",
    )


def _moderated(bid: Any, criterion: str) -> Any:
    if bid is None:
        return None
    return next((m for m in bid.moderated_scores.all() if m.criterion == criterion), None)


def register_reports() -> None:
    def own_procurements(actor: Any, organisation: Any):
        return (
            Procurement.objects.owned_by(actor)
            .filter(organisation=organisation, bids__submitted_at__isnull=False)
            .distinct()
            .order_by("-created_at", "pk")
        )

    def bids(actor: Any, organisation: Any):
        return (
            visible(Bid, actor)
            .filter(Q(bidder=organisation) | Q(procurement__organisation=organisation))
            .select_related("procurement__organisation")
            .order_by("-created_at", "pk")
        )

    register(
        ReportType(
            name="tender-evaluation",
            title="Tender evaluation report",
            description="Every bid's price, quality and social value scores, the social value "
            "offered, the charter check and who would win at other social value weights.",
            build=build_evaluation,
            parameters=(
                object_parameter(
                    "procurement", "Procurement", Procurement, queryset=own_procurements
                ),
            ),
            audience=("commissioner",),
            order=30,
        )
    )
    register(
        ReportType(
            name="tender-response",
            title="Tender response",
            description="A bid's social value offer: its commitments with measures, quantities, "
            "proxies, sources and value, and its method statement.",
            build=build_response,
            parameters=(
                object_parameter(
                    "bid",
                    "Bid",
                    Bid,
                    queryset=bids,
                    describe=lambda b: f"{b.procurement.title}: {b.bidder_name}",
                ),
            ),
            order=40,
        )
    )
