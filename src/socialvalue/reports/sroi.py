"""The SROI report: impact map, value by stakeholder, sensitivity, Monte Carlo, assumptions, sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from gettext import ngettext

import numpy as np

from socialvalue.core.sroi import ImpactMap, calculate
from socialvalue.core.sroi.montecarlo import simulate
from socialvalue.reports import charts
from socialvalue.reports.document import (
    CAVEATS,
    BulletList,
    Column,
    Document,
    KeyFigure,
    Markdown,
    Paragraph,
    Section,
    Table,
)
from socialvalue.reports.formatting import money, percent, ratio

Progress = Callable[[float, str], None]

FIELD_NAMES = {
    "quantity": "quantity",
    "proxy_value": "financial proxy",
    "deadweight": "deadweight",
    "displacement": "displacement",
    "attribution": "attribution",
    "drop_off": "drop-off",
}


def _no_progress(fraction: float, message: str = "") -> None:
    return None


def _describe_distribution(dist) -> str:  # type: ignore[no-untyped-def]
    values = dist.to_dict()
    kind = values.pop("dist")
    return f"{kind} ({', '.join(f'{k} {v}' for k, v in values.items())})"


def _discount_text(impact_map: ImpactMap) -> str:
    rate = impact_map.discount.rate
    rate_text = (
        "the HM Treasury Green Book schedule (3.5% falling over time)"
        if rate == "greenbook"
        else "the Green Book health schedule (1.5% falling over time)"
        if rate == "greenbook-health"
        else percent(float(rate))
    )
    when = {
        "end": "at the end of each year (year 1 is discounted, as the SROI Guide and Excel's NPV do)",
        "start": "at the start of each year (year 1 is not discounted, as the Green Book does)",
        "mid": "in the middle of each year",
    }[impact_map.discount.convention]
    return f"Future value is discounted at {rate_text}, counted {when}."


def sroi_document(
    impact_map: ImpactMap,
    *,
    draws: int | None = None,
    seed: int | None = None,
    organisation: str = "",
    title: str | None = None,
    subtitle: str = "",
    description: str = "",
    date: dt.date | None = None,
    progress: Progress | None = None,
) -> Document:
    """The SROI report of one impact map. `draws` (0 for none) and `seed` as `calculate` takes them."""
    progress = progress or _no_progress
    progress(0.05, "Calculating the present value")
    result = calculate(impact_map, monte_carlo=0)
    if draws is None and impact_map.monte_carlo is not None:
        draws = impact_map.monte_carlo.draws
    if seed is None:
        seed = (impact_map.monte_carlo.seed if impact_map.monte_carlo else None) or 0
    ratio_draws = None
    # With no distribution every draw is the point estimate: no range, no probability (section 7).
    uncertain = impact_map.uncertain_fields > 0
    if draws:
        progress(0.2, f"Running {draws:,} Monte Carlo draws")
        pv_draws, inv_draws = simulate(impact_map, draws, seed)
        positive = inv_draws > 0
        ratio_draws = pv_draws[positive] / inv_draws[positive]
    progress(0.5, "Writing the report")

    outcomes = impact_map.outcomes
    pv_by_outcome = [float(v) for v in result.estimate.present_values]
    impacts = [float(v) for v in result.estimate.impact]
    key_figures = [
        KeyFigure("Total investment", result.investment, "money"),
        KeyFigure("Present value of outcomes", result.present_value, "money"),
        KeyFigure("Net present value", result.net_present_value, "money"),
        KeyFigure("SROI ratio", result.sroi_ratio, "ratio", note="present value per £1 invested"),
    ]
    if ratio_draws is not None and ratio_draws.size and uncertain:
        p5, p95 = (float(np.percentile(ratio_draws, q)) for q in (5, 95))
        key_figures.append(
            KeyFigure(
                "Chance the ratio is below 1 : 1",
                float(np.mean(ratio_draws < 1.0)),
                "percent",
                note=f"90% of {draws:,} draws lie between {ratio(p5)} and {ratio(p95)}",
            )
        )
    horizon = len(result.years)
    undiscounted = sum(result.value_by_year)
    if result.payback_within_horizon is False:
        key_figures.append(
            KeyFigure(
                "Payback period (months)",
                None,
                "number",
                note=f"not reached within the {horizon}-year horizon: the undiscounted value "
                f"({money(undiscounted)}) is less than the investment",
            )
        )
    elif result.payback_months is not None:
        key_figures.append(KeyFigure("Payback period (months)", result.payback_months, "number"))

    summary = [
        Paragraph(
            f"For every £1 invested, this analysis finds {money(result.sroi_ratio, pence=True) if result.sroi_ratio is not None else 'no measurable'} "
            f"of social value in present-value terms: {money(result.present_value)} from "
            f"{len(outcomes)} {ngettext('outcome', 'outcomes', len(outcomes))} for {money(result.investment)} invested."
        )
    ]
    if description:
        summary.insert(0, Markdown(description))
    if result.payback_within_horizon is False:
        summary.append(
            Paragraph(
                f"The investment is not paid back within the analysis's {horizon} "
                f"year{'s' if horizon != 1 else ''}: the value created, before discounting, "
                f"adds up to {money(undiscounted)} against {money(result.investment)} invested."
            )
        )
    if draws and not uncertain:
        summary.append(
            Paragraph(
                "No uncertainty given: no figure in the map carries a distribution, so Monte "
                "Carlo has nothing to vary and there is no range or probability to report."
            )
        )

    inputs_table = Table(
        "Inputs",
        [Column("Stakeholder"), Column("Contribution"), Column("Value", "money")],
        [[i.stakeholder or "", i.description or "", i.value] for i in impact_map.inputs],
        totals=["Total investment", "", result.investment],
    )
    outcome_table = Table(
        "Outcomes",
        [
            Column("Ref"),
            Column("Outcome"),
            Column("Stakeholder"),
            Column("Indicator"),
            Column("Quantity", "number"),
            Column("Proxy", "money_pence"),
            Column("Start year", "integer"),
            Column("Years", "integer"),
        ],
        [
            [
                o.id,
                o.description,
                o.stakeholder,
                o.indicator or "",
                o.quantity,
                o.proxy.value,
                o.start,
                o.duration,
            ]
            for o in outcomes
        ],
    )
    value_table = Table(
        "Deductions and value",
        [
            Column("Ref"),
            Column("Deadweight", "percent"),
            Column("Displacement", "percent"),
            Column("Attribution", "percent"),
            Column("Drop-off", "percent"),
            Column("Impact a year", "money"),
            Column("Present value", "money"),
        ],
        [
            [
                o.id,
                o.deadweight,
                o.displacement,
                o.attribution,
                o.drop_off,
                impacts[i],
                pv_by_outcome[i],
            ]
            for i, o in enumerate(outcomes)
        ],
        totals=["Total", None, None, None, None, sum(impacts), result.present_value],
        caption="Impact a year = quantity × proxy × (1 − deadweight) × (1 − displacement) × "
        "(1 − attribution)"
        + (
            f", with each proxy restated to {impact_map.price_year} prices"
            if impact_map.price_year
            else ""
        )
        + ". Present value discounts each year's value and applies drop-off.",
    )

    grouped = result.to_dict()
    by_stakeholder = sorted(grouped["by_stakeholder"].items(), key=lambda kv: kv[1], reverse=True)
    by_type = sorted(
        ((kind.capitalize(), value) for kind, value in grouped["by_value_type"].items()),
        key=lambda kv: kv[1],
        reverse=True,
    )
    total_pv = result.present_value or 1.0

    def shares(groups: list[tuple[str, float]], heading: str, title: str) -> Table:
        return Table(
            title,
            [Column(heading), Column("Present value", "money"), Column("Share", "percent")],
            [
                [name, value, value / total_pv if result.present_value else None]
                for name, value in groups
            ],
            totals=["Total", result.present_value, 1.0 if result.present_value else None],
        )

    fiscal = sum(v for k, v in by_type if k == "Fiscal")
    years = [f"Year {n}" for n in result.years]

    tornado_rows = [
        row
        for row in result.sensitivity
        if row.swing > 0 and row.sroi_ratio_low is not None and row.sroi_ratio_high is not None
    ][:10]
    sensitivity_blocks: list[object] = [
        Paragraph(
            "Each bar moves one assumption of one outcome, all else held: percentages by 10 "
            "points either way, quantities and proxies by 10%. The longest bars are the "
            "assumptions the result depends on most."
        )
    ]
    if tornado_rows and result.sroi_ratio is not None:
        sensitivity_blocks.append(
            charts.tornado(
                "What the SROI ratio depends on most",
                [
                    (
                        f"{r.outcome}: {FIELD_NAMES[r.parameter]}",
                        r.sroi_ratio_low,
                        r.sroi_ratio_high,
                    )
                    for r in tornado_rows
                ],
                result.sroi_ratio,
                low_label="Assumption lower",
                high_label="Assumption higher",
            )
        )
    switching = sorted(
        (s for s in result.switching if s.value is not None),
        key=lambda s: s.relative_change if s.relative_change is not None else float("inf"),
    )
    sensitivity_blocks.append(
        Table(
            "Switching values: where the ratio falls to 1 : 1",
            [
                Column("Outcome"),
                Column("Assumption"),
                Column("Now", "number"),
                Column("Value at 1 : 1", "number"),
                Column("Change needed", "percent"),
            ],
            [
                [
                    s.outcome,
                    FIELD_NAMES[s.parameter],
                    s.current,
                    s.value,
                    (s.value - s.current) / s.current if s.current else None,
                ]
                for s in switching
            ],
            caption="Percentages (deadweight, displacement, attribution, drop-off) are fractions: 0.5 is 50%. "
            "Switching values outside a field's valid range are left out.",
            preview=15,
        )
    )

    sections = [
        # The report's two chapters, its findings and its method, each start a page; the
        # findings' parts run on one after another.
        Section("Summary", summary, chapter=True),
        Section("The impact map", [inputs_table, outcome_table, value_table]),
        Section(
            "Value by stakeholder",
            [
                charts.bar(
                    "Present value by stakeholder",
                    [k for k, _ in by_stakeholder],
                    [v for _, v in by_stakeholder],
                    category_label="Stakeholder",
                    value_label="Present value",
                ),
                shares(by_stakeholder, "Stakeholder", "Present value by stakeholder"),
                Paragraph(
                    f"Fiscal value (value to the public purse, not necessarily cashable) is "
                    f"{money(fiscal)} of the "
                    f"{money(result.present_value)}; the rest is wider economic, social, wellbeing "
                    "and environmental value, which no budget will see as cash."
                ),
                shares(by_type, "Type of value", "Present value by type of value"),
            ],
        ),
        Section(
            "Value over time",
            [
                charts.stacked_bar(
                    "Value by year, before and after discounting",
                    years,
                    {
                        "Present value": result.present_value_by_year,
                        "Lost to discounting": [
                            v - p
                            for v, p in zip(
                                result.value_by_year, result.present_value_by_year, strict=True
                            )
                        ],
                    },
                    period_label="Year",
                ),
                Paragraph(_discount_text(impact_map)),
            ],
        ),
        Section("Sensitivity", sensitivity_blocks),
    ]

    if ratio_draws is not None and not uncertain:
        sections.append(
            Section(
                "Monte Carlo",
                [
                    Paragraph(
                        f"No uncertainty given. {draws:,} draws were asked for, but no figure in "
                        "the map carries a distribution, so every draw is the point estimate: "
                        "there is no range and no chance of a ratio below 1 : 1 to report. Give "
                        "the uncertain assumptions a distribution to see how far the result could "
                        "move."
                    )
                ],
            )
        )
    elif ratio_draws is not None:
        stats = (
            np.percentile(ratio_draws, [5, 10, 25, 50, 75, 90, 95])
            if ratio_draws.size
            else [None] * 7
        )
        distributions = [
            [f"{o.id}: {o.description}", FIELD_NAMES.get(name, name), _describe_distribution(dist)]
            for o in outcomes
            for name, dist in o.uncertainty.items()
        ] + [
            [
                f"Input: {i.description or i.stakeholder or ''}",
                "value",
                _describe_distribution(i.uncertainty),
            ]
            for i in impact_map.inputs
            if i.uncertainty is not None
        ]
        blocks: list[object] = [
            Paragraph(
                f"{draws:,} draws (seed {seed}) recompute the whole model with each uncertain "
                "assumption drawn from its distribution. The point estimate uses the stated "
                "values, not the distributions' means."
            )
        ]
        if ratio_draws.size:
            blocks.append(
                charts.histogram(
                    "Spread of the SROI ratio over the Monte Carlo draws",
                    ratio_draws,
                    markers={
                        "5th percentile": float(stats[0]),
                        "Median": float(stats[3]),
                        "95th percentile": float(stats[6]),
                    },
                )
            )
        blocks.append(
            Table(
                "SROI ratio percentiles",
                [Column("Percentile"), Column("SROI ratio", "ratio")],
                [
                    [f"{p}th", float(v) if v is not None else None]
                    for p, v in zip((5, 10, 25, 50, 75, 90, 95), stats, strict=True)
                ]
                + [["Mean", float(np.mean(ratio_draws)) if ratio_draws.size else None]],
            )
        )
        blocks.append(
            Table(
                "Uncertain assumptions and their distributions",
                [Column("Where"), Column("Assumption"), Column("Distribution")],
                distributions,
            )
        )
        sections.append(Section("Monte Carlo", blocks))

    restated = result.estimate.arrays.proxy_value
    proxy_columns = [
        Column("Outcome"),
        Column("Proxy"),
        Column("Value", "money_pence"),
        Column("Price year", "year"),
    ]
    if impact_map.price_year:
        proxy_columns.append(Column(f"Value in {impact_map.price_year} prices", "money_pence"))
    proxies = Table(
        "Financial proxies and their sources",
        [*proxy_columns, Column("Source")],
        [
            [
                o.id,
                o.proxy.description or "",
                o.proxy.value,
                o.proxy.price_year,
                *([float(restated[i])] if impact_map.price_year else []),
                o.proxy.source or "Not stated",
            ]
            for i, o in enumerate(outcomes)
        ],
    )
    caveats = [
        "Deadweight, displacement, attribution and drop-off are estimates; the sensitivity and "
        "switching values above show how far each would have to be wrong to change the conclusion.",
        "Outcomes are valued with financial proxies: a proxy is what something similar costs or "
        "is worth, not money that changes hands.",
    ]
    unsourced = [o.id for o in outcomes if not o.proxy.source]
    if unsourced:
        caveats.append(f"These outcomes' proxies state no source: {', '.join(unsourced)}.")
    years_seen = impact_map.proxy_price_years()
    other_years = [y for y in years_seen if y != impact_map.price_year]
    if impact_map.price_year and other_years:
        caveats.append(
            f"Proxies stated in other price years ({', '.join(str(y) for y in other_years)}) are "
            f"restated to {impact_map.price_year} prices with the HM Treasury GDP deflator "
            "(value × deflator of the analysis's year / deflator of the proxy's year); proxies "
            "that state no price year are taken to be in "
            f"{impact_map.price_year} prices already."
        )
    elif len(years_seen) > 1:
        caveats.append(
            "Proxies come from different price years ("
            + ", ".join(str(y) for y in years_seen)
            + ") and the analysis states no price year, so they are added as they stand; give "
            "it a price year to restate them with the GDP deflator before comparing with other "
            "analyses."
        )
    negative = [o.id for o in outcomes if o.proxy.value < 0]
    if negative:
        caveats.append(
            f"Negative outcomes are included and reduce the total: {', '.join(negative)}."
        )
    sections.append(
        Section(
            "Assumptions and sources",
            [
                BulletList(
                    [
                        _discount_text(impact_map),
                        f"Prices are in {impact_map.price_year} terms."
                        if impact_map.price_year
                        else "The analysis states no single price year.",
                        f"Currency: {impact_map.currency}.",
                        "Deductions multiply: impact = quantity × proxy × (1 − deadweight) × "
                        "(1 − displacement) × (1 − attribution); drop-off applies from each "
                        "outcome's second year.",
                    ]
                ),
                proxies,
            ],
            sections=[Section(CAVEATS, [BulletList(caveats)])],
            chapter=True,
        )
    )
    progress(0.6, "Report written")
    return Document(
        title=title or impact_map.title,
        subtitle=subtitle or "Social return on investment",
        organisation=organisation,
        date=date or dt.date.today(),
        key_figures=key_figures,
        sections=sections,
        slug="sroi-"
        + "".join(c if c.isalnum() else "-" for c in (title or impact_map.title).lower()).strip(
            "-"
        )[:60],
    )
