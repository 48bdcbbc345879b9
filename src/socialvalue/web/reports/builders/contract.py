"""A contract's social value report: committed, delivered and verified per commitment, over time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import ngettext

from socialvalue.core.delivery import RAG_RULE, STATUS_RULE, Status
from socialvalue.core.valuation import in_price_year
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
from socialvalue.reports.document import CAVEATS
from socialvalue.reports.formatting import format_value, money, percent
from socialvalue.web.contracts import services
from socialvalue.web.contracts.models import Contract, LineReview, Return, ReturnLine
from socialvalue.web.contracts.portfolio import real_terms
from socialvalue.web.tenancy import visible

from ..registry import ReportType, object_parameter, register
from .stories import for_contracts
from .stories import section as story_section

_MONEY = DecimalField(max_digits=24, decimal_places=2)


def _f(value: Any) -> float:
    return float(value or 0)


def _zero_sum(field: str):
    return Coalesce(Sum(field), Value(Decimal(0)), output_field=_MONEY)


def period_values(contract: Any, price_year: int | None = None) -> list[dict[str, Any]]:
    """Target, delivered and verified value per reporting period, in one grouped query.

    With `price_year`, each line's value is divided by the deflator of its commitment's proxy
    price year in SQL, and each period's sum restated to `price_year` and rounded once.
    """

    lines = ReturnLine.objects.filter(period_return__contract=contract).values(
        "period_return__period_index", "period_return__period_end", "period_return__status"
    )
    if price_year is None:
        return list(
            lines.annotate(
                target=_zero_sum("target_value"),
                delivered=_zero_sum("delivered_value"),
                verified=_zero_sum("verified_value"),
            ).order_by("period_return__period_index")
        )
    rows = list(
        lines.annotate(
            target=Sum(real_terms("target_value")),
            delivered=Sum(real_terms("delivered_value")),
            verified=Sum(real_terms("verified_value")),
        ).order_by("period_return__period_index")
    )
    for row in rows:
        for key in ("target", "delivered", "verified"):
            row[key] = in_price_year(row[key] or 0, price_year)
    return rows


def build(*, actor: Any, organisation: Any, progress: Any, contract: Any) -> Document:
    today = timezone.localdate()
    progress(0.1, "Reading the commitments")
    commitments = services.with_status(
        services.commitment_progress(
            contract.commitments.select_related("measure__value_set", "priority").order_by(
                "position", "pk"
            ),
            today,
        )
    )
    price_year = organisation.reporting_price_year
    (labelled,) = services.label_rag([contract], today, price_year=price_year)
    restated = services.restate_commitments(commitments, price_year)
    pounds = f"{price_year} prices"
    # Commitments run over the whole contract: two measures that value the same change overlap.
    overlaps = [warning.text for warning in services.overlap_warnings(contract)]
    progress(0.4, "Adding up the returns")
    periods = period_values(contract, price_year)
    returns = list(
        contract.returns.annotate(
            accepted=Count("lines", filter=Q(lines__verification=LineReview.ACCEPTED)),
            queried=Count("lines", filter=Q(lines__verification=LineReview.QUERIED)),
            rejected=Count("lines", filter=Q(lines__verification=LineReview.REJECTED)),
        ).order_by("period_index")
    )
    stories = for_contracts(
        Contract.objects.filter(pk=contract.pk),
        ReturnLine.objects.filter(commitment__contract=contract),
    )
    progress(0.7, "Writing the report")

    committed = _f(restated["committed"])
    target_to_date = _f(restated["target_to_date"])
    delivered = _f(restated["delivered"])
    verified = _f(restated["verified"])
    fiscal = _f(restated["fiscal"])
    behind = [c for c in commitments if c.status == Status.BEHIND]

    key_figures = [
        KeyFigure("Contract value", _f(contract.value), "money"),
        KeyFigure(
            "Social value committed",
            committed,
            "money",
            note=f"over the whole contract, in {pounds}",
        ),
        KeyFigure(
            "Delivered to date",
            delivered,
            "money",
            note=f"against {money(target_to_date)} due by {format_value(today, 'date')} ({pounds})",
        ),
        KeyFigure(
            "Verified by the council",
            verified,
            "money",
            note=f"{percent(verified / delivered)} of delivered" if delivered else "",
        ),
        KeyFigure(
            "Fiscal value delivered",
            fiscal,
            "money",
            note="value to the public purse, not necessarily cashable",
        ),
        KeyFigure(
            "Committed value as a share of the contract",
            committed / _f(contract.value) if contract.value else None,
            "percent",
        ),
    ]
    about = Table(
        "The contract",
        [Column("Detail"), Column("Value")],
        [
            ["Reference", contract.reference or "None given"],
            ["Commissioner", contract.commissioner.name],
            ["Provider", contract.provider_label],
            [
                "Runs",
                f"{format_value(contract.start_date, 'date')} to {format_value(contract.end_date, 'date')}",
            ],
            ["Reporting", contract.get_reporting_frequency_display()],
            ["Status", contract.get_status_display()],
            ["Delivery (RAG)", labelled.rag_label],
            ["Returns overdue", str(labelled.overdue_returns)],
            ["Returns awaiting review", str(labelled.awaiting_review)],
        ],
    )
    summary = [
        Paragraph(
            f"{contract.provider_label} committed {money(committed)} of social value over the "
            f"contract ({len(commitments)} {ngettext('commitment', 'commitments', len(commitments))}). "
            f"By {format_value(today, 'date')}, {money(target_to_date)} was due and "
            f"{money(delivered)} has been delivered, of which the council has verified "
            f"{money(verified)}. Values are in {pounds}: each proxy is restated from its own "
            "price year with HM Treasury's GDP deflator."
            + (
                f" {restated['not_restated']} valued commitment"
                f"{'s are' if restated['not_restated'] != 1 else ' is'} left out of the pounds: "
                "no price year the deflators cover."
                if restated["not_restated"]
                else ""
            )
            + (
                f" {len(behind)} {ngettext('commitment is', 'commitments are', len(behind))} behind."
                if behind
                else ""
            )
        ),
        about,
    ]
    if contract.description:
        summary.insert(1, Markdown(contract.description))

    commitments_table = Table(
        "Commitments",
        [
            Column("Commitment"),
            Column("Local priority"),
            Column("Target", "number"),
            Column("Unit"),
            Column("Proxy", "money_pence"),
            Column("Price year", "year"),
            Column(f"Committed value ({pounds})", "money"),
        ],
        [
            [
                c.title,
                str(c.priority) if c.priority_id else "",
                _f(c.target_quantity),
                c.unit,
                None if c.proxy_value is None else _f(c.proxy_value),
                c.price_year,
                None if c.committed_value_restated is None else _f(c.committed_value_restated),
            ]
            for c in commitments
        ],
        totals=["Total", "", None, "", None, None, committed],
    )
    delivery_table = Table(
        "Delivery to date",
        [
            Column("Commitment"),
            Column("Due to date", "number"),
            Column("Delivered", "number"),
            Column("Verified", "number"),
            Column(f"Delivered value ({pounds})", "money"),
            Column(f"Verified value ({pounds})", "money"),
            Column("Status"),
        ],
        [
            [
                c.title,
                _f(c.target_to_date),
                _f(c.delivered),
                _f(c.verified),
                None
                if c.delivered_value_total_restated is None
                else _f(c.delivered_value_total_restated),
                None
                if c.verified_value_total_restated is None
                else _f(c.verified_value_total_restated),
                c.status_label,
            ]
            for c in commitments
        ],
        totals=["Total", None, None, None, delivered, verified, ""],
        caption=STATUS_RULE,
    )

    labels, cum_target, cum_delivered, cum_verified = [], [], [], []
    running = [0.0, 0.0, 0.0]
    for row in periods:
        labels.append(f"{row['period_return__period_end']:%b %Y}")
        running[0] += _f(row["target"])
        reported = (
            row["period_return__period_end"] < today
            or row["period_return__status"] != Return.Status.DUE
        )
        running[1] += _f(row["delivered"])
        running[2] += _f(row["verified"])
        cum_target.append(running[0])
        cum_delivered.append(running[1] if reported else None)
        cum_verified.append(running[2] if reported else None)
    timeline = charts.line(
        "Social value over the contract, cumulative",
        labels,
        {"Target": cum_target, "Delivered": cum_delivered, "Verified": cum_verified},
        period_label="Reporting period ending",
        value_label=f"Cumulative value ({pounds})",
    )
    returns_table = Table(
        "Returns",
        [
            Column("Period"),
            Column("Status"),
            Column("Submitted"),
            Column("Lines accepted", "integer"),
            Column("Queried", "integer"),
            Column("Rejected", "integer"),
        ],
        [
            [
                r.period_label,
                "Overdue" if r.is_overdue(today) else r.get_status_display(),
                format_value(timezone.localtime(r.submitted_at).date(), "date")
                if r.submitted_at
                else "",
                r.accepted,
                r.queried,
                r.rejected,
            ]
            for r in returns
        ],
        preview=12 if len(returns) > 12 else None,
    )
    sources = Table(
        "Proxies and their sources",
        [
            Column("Commitment"),
            Column("Proxy", "money_pence"),
            Column("Price year", "year"),
            Column("Source"),
            Column("Licence"),
        ],
        [
            [
                c.title,
                None if c.proxy_value is None else _f(c.proxy_value),
                c.price_year,
                c.proxy_source or "Not stated",
                (c.measure.effective_licence if c.measure_id else "The bidder's own figure"),
            ]
            for c in commitments
        ],
    )
    sections = [
        Section("Summary", summary),
        Section("Commitments", [commitments_table]),
        Section("Delivery", [timeline, delivery_table]),
        Section("Returns", [returns_table]),
        story_section(
            stories,
            empty=f"{contract.provider_label} has not shared a case study about the themes of "
            "this contract yet.",
        ),
        Section(
            "Method",
            [
                Paragraph(
                    "Each commitment's target is spread over the contract's reporting periods by "
                    "its delivery profile. Delivered value is the quantity in submitted returns "
                    "at the commitment's proxy; verified value is the part the council accepted "
                    "after checking the evidence. Values are gross: no deduction is made for what "
                    "would have happened anyway. Each proxy is in its own price year (below); "
                    f"every value in this report is restated to {pounds} with HM Treasury's GDP "
                    "deflator (value × deflator of the report's year ÷ deflator of the proxy's "
                    "year), added, and rounded to the penny once."
                ),
                sources,
                BulletList([STATUS_RULE, RAG_RULE]),
            ],
            sections=[Section(CAVEATS, [BulletList(overlaps)])] if overlaps else [],
        ),
    ]
    progress(1.0, "Report written")
    return Document(
        title=f"Social value report: {contract.title}",
        subtitle=f"{contract.provider_label} for {contract.commissioner.name}",
        organisation=organisation.name,
        date=today,
        key_figures=key_figures,
        sections=sections,
        slug=f"contract-{contract.reference or contract.pk}-social-value",
    )


def register_report() -> None:
    def contracts(actor: Any, organisation: Any):
        return (
            visible(Contract, actor)
            .filter(Q(commissioner=organisation) | Q(provider=organisation))
            .select_related("commissioner", "provider")
            .order_by("title", "pk")
        )

    register(
        ReportType(
            name="contract",
            title="Contract social value report",
            description="One contract: committed, delivered and verified value for each "
            "commitment, progress over time, its returns, case studies and proxies.",
            build=build,
            parameters=(
                object_parameter(
                    "contract",
                    "Contract",
                    Contract,
                    queryset=contracts,
                    describe=lambda c: f"{c} ({c.provider_label})",
                ),
            ),
            order=20,
        )
    )
