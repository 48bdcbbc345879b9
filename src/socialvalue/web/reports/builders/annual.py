"""The council's annual social value evaluation across all its contracts.

Figures come from `contracts.portfolio.summary`, the function behind the portfolio page, so the
report and the page cannot differ; the methodology, verification and price-year tables are
grouped sums in SQL over the same return lines.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Q, Sum, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import ngettext

from socialvalue.core.errors import InputError
from socialvalue.core.valuation import load_deflators, restate_money, uplift_factor
from socialvalue.reports import (
    BulletList,
    Column,
    Document,
    KeyFigure,
    Paragraph,
    Section,
    Table,
    charts,
)
from socialvalue.reports.document import CAVEATS
from socialvalue.reports.formatting import money, percent
from socialvalue.web.contracts import portfolio
from socialvalue.web.contracts.models import Contract, LineReview, Return, ReturnLine
from socialvalue.web.measures import services as measures_services

from ..registry import (
    ReportType,
    current_financial_year,
    financial_year_label,
    register,
    year_parameter,
)
from .stories import for_contracts
from .stories import section as story_section

#: Rows of a long table shown on screen, in the PDF and in Word; Excel and CSV keep them all.
PREVIEW = 25
#: Categories drawn in a chart; the table beside it lists the rest.
CHART_ROWS = 12
_MONEY = DecimalField(max_digits=24, decimal_places=2)


def _f(value: Any) -> float:
    return float(value or 0)


def _count(number: int, one: str, many: str) -> str:
    """`1 line has`, `3 lines have`: a count with the words that agree with it."""
    return f"{number:,} {ngettext(one, many, number)}"


def _share(part: Any, whole: Any) -> float | None:
    return float(part) / float(whole) if whole else None


def _figures_table(
    title: str,
    heading: str,
    rows: list,
    *,
    caption: str = "",
    preview: int | None = PREVIEW,
    ranked: bool = True,
) -> Table:
    """Committed, delivered and verified value per row of a portfolio grouping.

    `ranked`: largest delivered first; otherwise in the portfolio's order (priorities by rank).
    """
    ordered = (
        sorted(rows, key=lambda r: (-r.figures.delivered, -r.figures.committed, r.label))
        if ranked
        else list(rows)
    )
    return Table(
        title,
        [
            Column(heading),
            Column("Commitments", "integer"),
            Column("Committed", "money"),
            Column("Delivered", "money"),
            Column("Verified", "money"),
            Column("Delivered of committed", "percent"),
            Column("Fiscal part of delivered", "money"),
        ],
        [
            [
                r.label,
                r.figures.commitments,
                _f(r.figures.committed),
                _f(r.figures.delivered),
                _f(r.figures.verified),
                r.figures.delivered_share,
                _f(r.figures.delivered_fiscal),
            ]
            for r in ordered
        ],
        caption=caption,
        preview=preview if preview and len(ordered) > preview else None,
    )


def _grouped_chart(title: str, rows: list, heading: str, *, ranked: bool = True) -> charts.Chart:
    top = (sorted(rows, key=lambda r: (-r.figures.committed, r.label)) if ranked else rows)[
        :CHART_ROWS
    ]
    shown = title if len(rows) <= CHART_ROWS else f"{title} (the {CHART_ROWS} largest)"
    return charts.grouped_bar(
        shown,
        [r.label for r in top],
        {
            "Committed": [_f(r.figures.committed) for r in top],
            "Delivered": [_f(r.figures.delivered) for r in top],
            "Verified": [_f(r.figures.verified) for r in top],
        },
        category_label=heading,
    )


def _lines(commissioner: Any, year: int | None):
    lines = ReturnLine.objects.filter(commissioner=commissioner)  # copied onto each line: no join
    return lines.filter(year=year) if year is not None else lines


def overlap_warnings(commissioner: Any, year: int | None) -> list[str]:
    """Where a contract's returns deliver two measures that value the same change in one period."""
    claims = _lines(commissioner, year).filter(
        delivered_quantity__gt=0, commitment__measure__isnull=False
    )
    warnings = measures_services.overlapping_claims(
        claims,
        fields=(
            "commitment__measure_id",
            "period_return__contract_id",
            "period_return__period_start",
            "period_return__period_end",
        ),
    )
    titles = dict(
        Contract.objects.filter(pk__in={w.group for w in warnings}).values_list("id", "title")
    )
    return [
        measures_services.with_where(w, titles.get(w.group, "")).text
        for w in sorted(warnings, key=lambda w: (titles.get(w.group, ""), w.start))
    ]


def verification_levels(commissioner: Any, year: int | None, today: dt.date) -> list[list[Any]]:
    """Lines and value by the council's decision, and the lines due but not yet reported."""
    lines = _lines(commissioner, year)
    reported = lines.filter(
        reported_quantity__isnull=False,
        period_return__status__in=[Return.Status.SUBMITTED, Return.Status.REVIEWED],
    )
    grouped = {
        row["verification"]: row
        for row in reported.values("verification")
        .annotate(
            lines=Count("pk"),
            reported=Coalesce(
                Sum(F("reported_quantity") * F("commitment__proxy_value"), output_field=_MONEY),
                Value(Decimal(0)),
                output_field=_MONEY,
            ),
            delivered=Coalesce(Sum("delivered_value"), Value(Decimal(0)), output_field=_MONEY),
            verified=Coalesce(Sum("verified_value"), Value(Decimal(0)), output_field=_MONEY),
        )
        .order_by()
    }
    meaning = {
        LineReview.ACCEPTED: "Checked by the council against the evidence and accepted.",
        LineReview.PENDING: "Reported by the provider; not yet reviewed. Counts as delivered, not verified.",
        LineReview.QUERIED: "The council asked the provider a question. Counts as delivered, not verified.",
        LineReview.REJECTED: "The council found the claim unsupported. Counts as neither.",
    }
    rows = []
    for level in (
        LineReview.ACCEPTED,
        LineReview.PENDING,
        LineReview.QUERIED,
        LineReview.REJECTED,
    ):
        row = grouped.get(level, {})
        rows.append(
            [
                LineReview(level).label,
                int(row.get("lines", 0)),
                _f(row.get("reported")),
                _f(row.get("delivered")),
                _f(row.get("verified")),
                meaning[level],
            ]
        )
    missing = lines.filter(period_end__lt=today).exclude(
        Q(reported_quantity__isnull=False)
        & Q(period_return__status__in=[Return.Status.SUBMITTED, Return.Status.REVIEWED])
    )
    rows.append(
        [
            "Not yet reported",
            missing.count(),
            None,
            0.0,
            0.0,
            "The period has ended but no return has been submitted for it.",
        ]
    )
    return rows


def measures_used(commissioner: Any, year: int | None) -> list[list[Any]]:
    """Every measure and proxy the figures rest on, with its source, licence and price year."""
    lines = _lines(commissioner, year).annotate(
        outcome=Coalesce(
            NullIf(F("commitment__measure__title"), Value("")),
            F("commitment__description"),
            output_field=TextField(),
        ),
        licence=Coalesce(
            NullIf(F("commitment__measure__licence"), Value("")),
            F("commitment__measure__value_set__licence"),
            output_field=TextField(),
        ),
    )
    grouped = (
        lines.values(
            "outcome",
            "commitment__measure__code",
            "commitment__measure__value_set__name",
            "commitment__measure__value_set__version",
            "licence",
            "commitment__unit",
            "commitment__proxy_value",
            "commitment__proxy_source",
            "commitment__price_year",
            "commitment__value_type",
        )
        .annotate(
            commitments=Count("commitment", distinct=True),
            delivered=Coalesce(Sum("delivered_value"), Value(Decimal(0)), output_field=_MONEY),
        )
        .order_by("-delivered", "outcome")
    )
    rows = []
    for g in grouped:
        value_set = g["commitment__measure__value_set__name"]
        if value_set:
            version = g["commitment__measure__value_set__version"]
            value_set = f"{value_set} ({version})" if version else value_set
        rows.append(
            [
                g["outcome"] or "",
                g["commitment__measure__code"] or "",
                value_set or "Offered without a measure",
                g["commitment__unit"],
                None
                if g["commitment__proxy_value"] is None
                else float(g["commitment__proxy_value"]),
                g["commitment__price_year"],
                (g["commitment__value_type"] or "not stated").capitalize(),
                g["commitment__proxy_source"] or "Not stated",
                g["licence"] or ("Not stated" if value_set else "The bidder's own figure"),
                int(g["commitments"]),
                _f(g["delivered"]),
            ]
        )
    return rows


def price_years(
    commissioner: Any, year: int | None, price_year: int | None = None
) -> tuple[list[list[Any]], int | None, list[str]]:
    """Delivered value by the price year of its proxy, and restated in `price_year` prices.

    `price_year` is the report's price basis (the council's reporting price year); without it,
    the latest of the proxies' years. The restated column is each sum × D[price_year] / D[its
    year], to the penny: the portfolio's restatement, so the column adds up to its totals.
    """
    grouped = (
        _lines(commissioner, year)
        .values("commitment__price_year")
        .annotate(
            delivered=Coalesce(Sum("delivered_value"), Value(Decimal(0)), output_field=_MONEY)
        )
        .order_by("commitment__price_year")
    )
    known = [g["commitment__price_year"] for g in grouped if g["commitment__price_year"]]
    base = price_year if price_year is not None else (max(known) if known else None)
    deflators = load_deflators()
    rows, problems = [], []
    for g in grouped:
        price_year = g["commitment__price_year"]
        delivered = _f(g["delivered"])
        factor = restated = None
        if price_year and base:
            try:
                factor = uplift_factor(price_year, base, deflators=deflators)
                restated = _f(restate_money(g["delivered"], price_year, base))
            except InputError as exc:
                problems.append(exc.describe())
        rows.append(
            [
                str(price_year) if price_year else "Not stated",
                delivered,
                factor,
                restated,
            ]
        )
    return rows, base, problems


def build(*, actor: Any, organisation: Any, progress: Any, year: int | None = None) -> Document:
    today = timezone.localdate()
    label = financial_year_label(year) if year is not None else "all years"
    progress(0.05, "Adding up the portfolio")
    summary = portfolio.summary(commissioner=organisation, year=year)
    totals = summary.totals
    if not totals.commitments:
        raise InputError(
            f"{organisation.name} has no contract commitments reporting in {label}: "
            "there is nothing to evaluate yet."
        )
    progress(0.25, "Comparing years")
    over_years = (
        summary if year is None else portfolio.summary(commissioner=organisation, year=None)
    )
    progress(0.45, "Checking verification and the charter")
    levels = verification_levels(organisation, year, today)
    compliance = summary.compliance
    progress(0.6, "Listing the measures and proxies used")
    measures = measures_used(organisation, year)
    years_rows, base_year, deflator_problems = price_years(organisation, year, summary.price_year)
    overlaps = overlap_warnings(organisation, year)

    stories = for_contracts(
        Contract.objects.filter(commissioner=organisation), _lines(organisation, year)
    )
    progress(0.8, "Writing the evaluation")

    delivered_share = totals.delivered_share
    verified_share = totals.verified_share
    fiscal_share = _share(totals.delivered_fiscal, totals.delivered)
    key_figures = [
        KeyFigure(
            "Social value committed", _f(totals.committed), "money", note=f"targets for {label}"
        ),
        KeyFigure(
            "Social value delivered",
            _f(totals.delivered),
            "money",
            note=f"{percent(delivered_share)} of committed" if delivered_share is not None else "",
        ),
        KeyFigure(
            "Verified by the council",
            _f(totals.verified),
            "money",
            note=f"{percent(verified_share)} of delivered" if verified_share is not None else "",
        ),
        KeyFigure(
            "Fiscal value delivered",
            _f(totals.delivered_fiscal),
            "money",
            note="value to the public purse, not necessarily cashable",
        ),
        KeyFigure(
            "Wider value delivered",
            _f(totals.delivered_wider),
            "money",
            note="economic, social, wellbeing, environmental",
        ),
        KeyFigure(
            "Contracts reporting",
            totals.contracts,
            "integer",
            note=f"{totals.commitments:,} commitments",
        ),
    ]
    if compliance.has_charter and compliance.in_scope:
        key_figures.append(
            KeyFigure(
                "Contracts meeting the charter",
                compliance.share,
                "percent",
                note=f"{compliance.compliant:,} of {compliance.in_scope:,} in scope",
            )
        )

    verified_lines = levels[0][1]
    reported_lines = sum(row[1] for row in levels[:4])
    summary_text = (
        f"In {label}, {_count(totals.contracts, 'contract', 'contracts')} reported on "
        f"{_count(totals.commitments, 'social value commitment', 'social value commitments')}. "
        f"Providers delivered {money(totals.delivered)} of social value against "
        f"{money(totals.committed)} committed for the period"
        + (f" ({percent(delivered_share)})" if delivered_share is not None else "")
        + "."
    )
    if reported_lines:
        summary_text += (
            f" The council has verified {money(totals.verified)} of it"
            + (
                f" ({percent(verified_share)} of the delivered value)"
                if verified_share is not None
                else ""
            )
            + f", by checking {verified_lines:,} of {reported_lines:,} reported lines against their evidence."
        )
    else:
        summary_text += (
            " No return for the period has been submitted yet, so nothing has been verified."
        )
    fiscal_text = (
        f"Of the value delivered, {money(totals.delivered_fiscal)}"
        + (f" ({percent(fiscal_share)})" if fiscal_share is not None else "")
        + " is fiscal: value to the public purse (not necessarily cashable), such as demand the "
        f"council and the NHS may not have to meet. The other {money(totals.delivered_wider)} is wider economic, social, "
        "wellbeing and environmental value to residents and the area, which no budget will see as "
        "cash. The two are reported apart throughout."
    )

    value_split = Table(
        "Fiscal and wider value",
        [
            Column("Value"),
            Column("Committed", "money"),
            Column("Delivered", "money"),
            Column("Verified", "money"),
        ],
        [
            [
                "Fiscal (value to the public purse, not necessarily cashable)",
                _f(totals.committed_fiscal),
                _f(totals.delivered_fiscal),
                _f(totals.verified_fiscal),
            ],
            [
                "Wider (economic, social, wellbeing, environmental)",
                _f(totals.committed_wider),
                _f(totals.delivered_wider),
                _f(totals.verified_wider),
            ],
        ],
        totals=["Total", _f(totals.committed), _f(totals.delivered), _f(totals.verified)],
    )

    sections = [
        Section(
            "Summary",
            [
                Paragraph(summary_text),
                Paragraph(fiscal_text),
                charts.grouped_bar(
                    f"Social value committed, delivered and verified, {label}",
                    ["Fiscal", "Wider", "Total"],
                    {
                        "Committed": [
                            _f(totals.committed_fiscal),
                            _f(totals.committed_wider),
                            _f(totals.committed),
                        ],
                        "Delivered": [
                            _f(totals.delivered_fiscal),
                            _f(totals.delivered_wider),
                            _f(totals.delivered),
                        ],
                        "Verified": [
                            _f(totals.verified_fiscal),
                            _f(totals.verified_wider),
                            _f(totals.verified),
                        ],
                    },
                    category_label="Value",
                ),
                value_split,
            ],
            # The evaluation's three chapters (its summary and findings, the providers' case
            # studies, its method) each start a page; the findings between them run on.
            chapter=True,
        )
    ]

    by = summary.rows
    theme_rows = by["theme"]
    sections.append(
        Section(
            "By theme",
            [
                _grouped_chart("Value by theme", theme_rows, "Theme"),
                _figures_table("Value by theme", "Theme", theme_rows),
            ],
        )
    )
    priority_rows = by["priority"]  # in the charter's ranking, "No priority" last
    sections.append(
        Section(
            "By local priority",
            [
                Paragraph(
                    "The council's charter ranks its local priorities; each commitment names the "
                    "priority it serves, where it serves one."
                ),
                _grouped_chart("Value by local priority", priority_rows, "Priority", ranked=False),
                _figures_table("Value by local priority", "Priority", priority_rows, ranked=False),
            ],
        )
    )
    sdg_rows = by["sdg"]
    sections.append(
        Section(
            "By Sustainable Development Goal",
            [
                Paragraph(
                    "A measure may serve several goals, so the goals' values add up to more than "
                    "the total: read each row on its own."
                ),
                charts.bar(
                    "Value delivered by Sustainable Development Goal",
                    [
                        r.label
                        for r in sorted(sdg_rows, key=lambda r: -r.figures.delivered)[:CHART_ROWS]
                    ],
                    [
                        _f(r.figures.delivered)
                        for r in sorted(sdg_rows, key=lambda r: -r.figures.delivered)[:CHART_ROWS]
                    ],
                    category_label="Goal",
                    value_label="Delivered",
                ),
                _figures_table("Value by Sustainable Development Goal", "Goal", sdg_rows),
            ],
        )
    )
    provider_rows = sorted(by["provider"], key=lambda r: -r.figures.delivered)
    top_providers = provider_rows[:CHART_ROWS]
    sections.append(
        Section(
            "By provider",
            [
                charts.bar(
                    "Value delivered by provider"
                    + (
                        f" (the {CHART_ROWS} largest of {len(provider_rows):,})"
                        if len(provider_rows) > CHART_ROWS
                        else ""
                    ),
                    [r.label for r in top_providers],
                    [_f(r.figures.delivered) for r in top_providers],
                    category_label="Provider",
                    value_label="Delivered",
                ),
                _figures_table("Value by provider", "Provider", provider_rows),
            ],
        )
    )
    year_rows = sorted(over_years.rows["year"], key=lambda r: r.key)
    current = current_financial_year()
    for row in year_rows:  # a year not yet over has only part (or none) of its returns
        if int(row.key) == current:
            row.label = f"{row.label} (in progress)"
        elif int(row.key) > current:
            row.label = f"{row.label} (to come)"
    sections.append(
        Section(
            "By year",
            [
                Paragraph(
                    "Every financial year the council's contracts have reported in, for comparison"
                    + (
                        f"; {label} is the year this evaluation covers."
                        if year is not None
                        else "."
                    )
                ),
                charts.stacked_bar(
                    "Social value delivered by financial year",
                    [r.label for r in year_rows],
                    {
                        "Fiscal": [_f(r.figures.delivered_fiscal) for r in year_rows],
                        "Wider": [_f(r.figures.delivered_wider) for r in year_rows],
                    },
                    period_label="Financial year",
                    value_label="Delivered",
                ),
                _figures_table(
                    "Value by financial year",
                    "Financial year",
                    year_rows,
                    preview=None,
                    ranked=False,
                ),
            ],
        )
    )
    sections.append(
        Section(
            "Verification",
            [
                Paragraph(
                    "Providers report what they delivered each period; the council's officers then "
                    "check each line against its evidence. Only accepted lines count as verified."
                ),
                Table(
                    "Reported lines by the council's decision",
                    [
                        Column("Decision"),
                        Column("Lines", "integer"),
                        Column("Value as reported", "money"),
                        Column("Counted as delivered", "money"),
                        Column("Verified", "money"),
                        Column("What it means"),
                    ],
                    levels,
                    caption=f"Lines are one commitment in one reporting period, for {label}.",
                ),
            ],
        )
    )
    sections.append(_charter_section(compliance))
    sections.append(
        story_section(
            stories,
            empty="No provider holding one of the council's contracts has shared a case study "
            "yet. Figures show how much; case studies show what it meant to the people "
            "concerned, so ask providers to share their best.",
            chapter=True,
        )
    )
    sections.append(
        _methodology_section(
            measures, years_rows, base_year, deflator_problems + overlaps, levels, label, totals
        )
    )
    progress(1.0, "Evaluation written")
    slug_year = f"{year}-{str(year + 1)[-2:]}" if year is not None else "all-years"
    return Document(
        title=f"Annual social value evaluation {label}",
        subtitle="Social value committed, delivered and verified across the council's contracts, "
        f"in {summary.price_year} prices",
        organisation=organisation.name,
        date=today,
        key_figures=key_figures,
        sections=sections,
        slug=f"annual-social-value-evaluation-{slug_year}",
    )


def _charter_section(compliance: Any) -> Section:
    if not compliance.has_charter:
        return Section(
            "Charter compliance",
            [
                Paragraph(
                    "The council has no social value charter yet, so no contract was checked against one."
                )
            ],
        )
    rules = [
        f"The rules apply to contracts worth {money(compliance.threshold)} or more.",
        f"Each must include at least {_count(compliance.minimum_outcomes, 'social value outcome', 'social value outcomes')}.",
        f"A contract let through a procurement here must have weighted social value at "
        f"{float(compliance.minimum_weight):g}% or more.",
        "The charter's current rules are applied to every contract, including those let before they changed.",
    ]
    failing = Table(
        "Contracts that do not meet the charter",
        [Column("Contract"), Column("Provider"), Column("Value", "money"), Column("Why")],
        [
            [
                str(c),
                c.provider_label,
                _f(c.value),
                "; ".join(getattr(c, "charter_breaches", [])) or "",
            ]
            for c in compliance.failing
        ],
        preview=PREVIEW if len(compliance.failing) > PREVIEW else None,
        caption="At most the first 100 contracts by title are listed."
        if len(compliance.failing) >= 100
        else "",
    )
    if not compliance.in_scope:
        finding = "No contract is large enough for the charter's rules to apply."
    elif compliance.compliant == compliance.in_scope:
        finding = f"All {compliance.in_scope:,} contracts the charter covers meet it."
    else:
        finding = (
            f"{compliance.compliant:,} of the {compliance.in_scope:,} contracts the charter covers "
            f"meet it ({percent(compliance.share)}); the others are listed below with the rule "
            "each breaks."
        )
    blocks: list[Any] = [Paragraph(finding), BulletList(rules)]
    if compliance.failing:
        blocks.append(failing)
    return Section("Charter compliance", blocks)


def _methodology_section(
    measures: list,
    years_rows: list,
    base_year: int | None,
    problems: list[str],
    levels: list,
    label: str,
    totals: Any,
) -> Section:
    unvalued = [row for row in measures if row[4] is None]
    no_source = [row for row in measures if row[7] == "Not stated" and row[4] is not None]
    missing_lines = levels[-1][1]
    pending_lines = levels[1][1] + levels[2][1]
    uplifted = sum(row[3] for row in years_rows if row[3] is not None)
    caveats = [
        "Delivered value is what providers reported in their returns. Only the verified part "
        "has been checked by the council against evidence; read the rest as a claim.",
        "Values are financial proxies: what an outcome is worth, or what it would cost to achieve "
        "another way. They are not cash that changed hands, and fiscal value is not a saving in the "
        "council's budget unless a cost was actually released.",
        "Commitments are valued gross, with no deduction for deadweight (what would have happened "
        "anyway), attribution to others or displacement. The additional value is lower; an SROI "
        "analysis of a contract can estimate by how much.",
        "Committed value for a period is the delivery profile's target for the reporting periods "
        "that end in it, not the whole-contract commitment.",
        "Measures can overlap (a job and the training that led to it; a hospital stay avoided and "
        "the wellbeing of the person who avoided it). Totals across measures may count one "
        "change twice.",
    ]
    if missing_lines:
        caveats.append(
            f"{_count(missing_lines, 'line has', 'lines have')} no submitted return although "
            f"the period has ended, so delivery in {label} is understated until they arrive."
        )
    if pending_lines:
        caveats.append(
            f"{_count(pending_lines, 'reported line awaits', 'reported lines await')} the "
            "council's review or an answer to a query: counted as delivered, not verified."
        )
    if unvalued:
        caveats.append(
            f"{_count(len(unvalued), 'measure is', 'measures are')} counted without a proxy value "
            "and add nothing to the totals."
        )
    if no_source:
        caveats.append(
            f"{_count(len(no_source), 'proxy states', 'proxies state')} no source; treat "
            "the values resting on them with care."
        )
    if base_year:
        caveats.append(
            f"Every value is in {base_year} prices: each proxy is restated from its own price "
            "year with HM Treasury's GDP deflators (value × deflator of "
            f"{base_year} ÷ deflator of the proxy's year), the restated values added and rounded "
            f"once. Delivered value as the proxies state it, unrestated: "
            f"{money(sum(row[1] for row in years_rows))}; restated: {money(totals.delivered)}"
            + (
                f" (the table of price years, restated line by line, gives {money(uplifted)})."
                if abs(uplifted - float(totals.delivered)) >= 0.01
                else "."
            )
        )
    caveats.extend(problems)
    deflators = load_deflators()
    return Section(
        "Methodology",
        [
            Paragraph(
                "Each commitment is a quantity of a measure (people employed, hospital stays "
                "avoided) over the contract, valued with a financial proxy in a stated price year. "
                "Its target is profiled over the contract's reporting periods; each period's "
                "return records the quantity delivered and its value at the same proxy, and the "
                "council's decision on it. Every figure here is a sum of those lines for the "
                "periods ending in the year."
            ),
            Table(
                "Measures and proxies used",
                [
                    Column("Outcome"),
                    Column("Value set"),
                    Column("Unit"),
                    Column("Proxy", "money_pence"),
                    Column("Price year", "year"),
                    Column("Value type"),
                    Column("Commitments", "integer"),
                    Column("Delivered", "money"),
                ],
                [[r[0], r[2], r[3], r[4], r[5], r[6], r[9], r[10]] for r in measures],
                preview=PREVIEW if len(measures) > PREVIEW else None,
            ),
            Table(
                "Sources and licences of the proxies",
                [Column("Outcome"), Column("Code"), Column("Source"), Column("Licence")],
                [[r[0], r[1], r[7], r[8]] for r in measures],
                preview=PREVIEW if len(measures) > PREVIEW else None,
            ),
            Table(
                "Price years and adjustment",
                [
                    Column("Price year of the proxy"),
                    Column("Delivered as stated", "money"),
                    Column(f"Factor to {base_year} prices" if base_year else "Factor", "number"),
                    Column(f"In {base_year} prices" if base_year else "Restated", "money"),
                ],
                years_rows,
                caption=f"GDP deflators: {deflators.name or 'HM Treasury GDP deflators'}"
                + (f", {deflators.release}" if deflators.release else "")
                + (f" ({deflators.source})" if deflators.source else "")
                + ". No other adjustment is made.",
            ),
        ],
        sections=[Section(CAVEATS, [BulletList(caveats)])],
        chapter=True,
    )


def register_report() -> None:
    def years_reported(actor: Any, organisation: Any) -> list[int]:
        return portfolio.years(organisation)

    register(
        ReportType(
            name="annual-evaluation",
            title="Annual social value evaluation",
            description="Social value committed, delivered and verified across all the council's "
            "contracts: by theme, priority, SDG, provider and year, fiscal value apart, "
            "verification, charter compliance, case studies and the method behind every figure.",
            build=build,
            parameters=(
                year_parameter(
                    required=False,
                    years=years_reported,
                    hint="April to March, by the year it starts. Choose All for every year.",
                ),
            ),
            audience=("commissioner",),
            background=True,
            order=10,
        )
    )
